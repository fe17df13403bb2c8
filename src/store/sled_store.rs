//! Sessions in sled, made durable by group commit.
//!
//! Flush policy: a write is acknowledged only after a `flush` that started
//! after the write finished. One flusher thread runs flushes back to back
//! while writes are waiting, so a single flush covers every turn written
//! while the previous flush ran: with many buyers at once the cost of fsync
//! is shared, and with one buyer a turn waits for exactly one flush.

use super::{Commit, Durable, DurableTold, SessionStore, SyncedDb};
use crate::error::StoreError;
use crate::session::{Session, UserId};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// sled's page cache for long-running channels. sled counts the cache in
/// on-disk bytes, and the nodes it holds take about four times that in
/// memory: with 64 MiB, `orders serve` grew past 120 MiB resident after
/// 170,000 orders and kept growing; with 16 MiB it levels off near 90 MiB.
/// 16 MiB of sessions is still ten thousand or more buyers' hot set.
const SERVICE_CACHE_BYTES: u64 = 16 << 20;

/// sled's page cache for one-shot commands that read every order once (the
/// plan, the report). With the service cache, such a pass evicts the inner
/// tree pages it needs for the next leaf and reads them again: planning
/// 1,000,000 orders took 1.2-2.0 s instead of about 0.5 s. The process exits
/// afterwards, so the memory is held for seconds.
const BATCH_CACHE_BYTES: u64 = 1 << 30;

pub struct SledStore {
    db: SyncedDb,
    sessions: sled::Tree,
    /// Records that would not deserialise are moved here, never deleted.
    quarantine: sled::Tree,
    /// Secondary keys, `kind \0 key` -> value.
    index: sled::Tree,
    path: PathBuf,
    shared: Arc<Shared>,
    flusher: Option<JoinHandle<()>>,
}

struct Shared {
    /// Sequence number of the last write that has completed its insert.
    written: AtomicU64,
    /// Wakes the flusher; `true` once the store is closing.
    wake: (Mutex<bool>, Condvar),
    durable: Mutex<Flushed>,
}

/// What the flusher has made durable, and who waits for more.
#[derive(Default)]
struct Flushed {
    /// Every commit up to this one is on disk.
    up_to: u64,
    /// Set for good by a failed flush (a broken disk): later waits fail at once.
    failed: Option<Arc<String>>,
    /// Waiters by the commit they wait for.
    waiters: BTreeMap<u64, Vec<DurableTold>>,
}

fn classify_error(path: &Path, e: sled::Error) -> StoreError {
    let path = path.to_path_buf();
    match e {
        sled::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            StoreError::Unwritable {
                path,
                cause: io.to_string(),
            }
        }
        sled::Error::Io(io)
            if io.to_string().contains("lock") || io.kind() == std::io::ErrorKind::WouldBlock =>
        {
            StoreError::Locked { path }
        }
        sled::Error::Io(io) if io.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
            StoreError::Unwritable {
                path,
                cause: io.to_string(),
            }
        }
        sled::Error::Corruption { .. } | sled::Error::Unsupported(_) => StoreError::Corrupt {
            path,
            cause: e.to_string(),
        },
        other => StoreError::Io {
            path,
            cause: other.to_string(),
        },
    }
}

impl SledStore {
    /// Opens (or creates) the database for a long-running channel.
    pub fn open(path: &Path) -> Result<SledStore, StoreError> {
        Self::open_with_cache(path, SERVICE_CACHE_BYTES)
    }

    /// Opens the database for a one-shot command that reads all of it.
    pub fn open_for_batch(path: &Path) -> Result<SledStore, StoreError> {
        Self::open_with_cache(path, BATCH_CACHE_BYTES)
    }

    fn open_with_cache(path: &Path, cache_bytes: u64) -> Result<SledStore, StoreError> {
        if path.exists() && !path.is_dir() {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                cause: "this is a file, and the database is a folder; give --db a folder path (it is created if missing)".into(),
            });
        }
        if let Err(e) = std::fs::create_dir_all(path) {
            return Err(match e.kind() {
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    StoreError::Unwritable {
                        path: path.to_path_buf(),
                        cause: e.to_string(),
                    }
                }
                _ => StoreError::Io {
                    path: path.to_path_buf(),
                    cause: e.to_string(),
                },
            });
        }
        // sled's own periodic flush is off: the flusher below decides.
        let db = std::panic::catch_unwind(|| {
            sled::Config::new()
                .path(path)
                .cache_capacity(cache_bytes)
                .flush_every_ms(None)
                .open()
        })
        .map_err(|_| StoreError::Corrupt {
            path: path.to_path_buf(),
            cause: "sled could not read its files".into(),
        })?
        .map_err(|e| classify_error(path, e))?;
        let sessions = db
            .open_tree("sessions")
            .map_err(|e| classify_error(path, e))?;
        let quarantine = db
            .open_tree("quarantine")
            .map_err(|e| classify_error(path, e))?;
        let index = db.open_tree("index").map_err(|e| classify_error(path, e))?;
        let db = SyncedDb::open(db, path).map_err(|e| classify_error(path, e.into()))?;
        let shared = Arc::new(Shared {
            written: AtomicU64::new(0),
            wake: (Mutex::new(false), Condvar::new()),
            durable: Mutex::new(Flushed::default()),
        });
        let flusher = {
            let (db, shared) = (db.clone(), shared.clone());
            std::thread::Builder::new()
                .name("paynudge-flush".into())
                .spawn(move || flush_loop(&db, &shared))
                .map_err(|e| StoreError::Io {
                    path: path.to_path_buf(),
                    cause: e.to_string(),
                })?
        };
        Ok(SledStore {
            db,
            sessions,
            quarantine,
            index,
            path: path.to_path_buf(),
            shared,
            flusher: Some(flusher),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// How long a flush under load waits for more writes to join it.
const GATHER: std::time::Duration = std::time::Duration::from_millis(1);

fn flush_loop(db: &SyncedDb, shared: &Shared) {
    let mut flushed = 0u64;
    // Writes the last flush covered.
    let mut batched = 0u64;
    loop {
        let closing = {
            let (lock, cvar) = &shared.wake;
            let mut closing = lock.lock().unwrap_or_else(|p| p.into_inner());
            while !*closing && shared.written.load(Ordering::Acquire) == flushed {
                closing = cvar.wait(closing).unwrap_or_else(|p| p.into_inner());
            }
            *closing
        };
        // Under load, a moment's wait lets more turns join this flush:
        // every flush seals sled's write buffers, and sealing half-empty
        // ones after every two turns spent the cores on sled's writer
        // threads (the web chat peaked at 2,000 messages a second, with
        // flushes of 0.4 ms covering two turns each). One buyer alone (the
        // last flush covered one write) never waits.
        let pending = shared.written.load(Ordering::Acquire) - flushed;
        if batched > 1 || pending > 1 {
            std::thread::sleep(GATHER);
        }
        let target = shared.written.load(Ordering::Acquire);
        batched = target - flushed;
        match db.flush() {
            Ok(_) => {
                flushed = target;
                let done = {
                    let mut d = shared.durable.lock().unwrap_or_else(|p| p.into_inner());
                    d.up_to = target;
                    let later = d.waiters.split_off(&(target + 1));
                    std::mem::replace(&mut d.waiters, later)
                };
                for waiter in done.into_values().flatten() {
                    let _ = waiter.send(Ok(()));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "flushing the session database failed");
                let cause = Arc::new(e.to_string());
                let told = {
                    let mut d = shared.durable.lock().unwrap_or_else(|p| p.into_inner());
                    d.failed = Some(cause.clone());
                    std::mem::take(&mut d.waiters)
                };
                for waiter in told.into_values().flatten() {
                    let _ = waiter.send(Err(cause.clone()));
                }
                // Do not spin on a broken disk; waiters have been told.
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
        if closing && shared.written.load(Ordering::Acquire) == flushed {
            return;
        }
    }
}

impl Drop for SledStore {
    fn drop(&mut self) {
        *self.shared.wake.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.shared.wake.1.notify_all();
        if let Some(handle) = self.flusher.take() {
            let _ = handle.join();
        }
    }
}

impl SessionStore for SledStore {
    fn load(&self, user: &UserId) -> Result<Option<Session>, StoreError> {
        let key = user.as_str().as_bytes();
        let Some(bytes) = self
            .sessions
            .get(key)
            .map_err(|e| classify_error(&self.path, e))?
        else {
            return Ok(None);
        };
        match serde_json::from_slice::<Session>(&bytes) {
            Ok(session) => Ok(Some(session)),
            Err(e) => {
                // Keep the unreadable record for recovery and start the buyer afresh.
                let mut qkey = key.to_vec();
                qkey.extend_from_slice(
                    format!("@{}", chrono::Utc::now().timestamp_millis()).as_bytes(),
                );
                self.quarantine
                    .insert(qkey, bytes)
                    .map_err(|e| classify_error(&self.path, e))?;
                tracing::warn!(user = %user, error = %e, "unreadable session record moved to quarantine");
                Ok(None)
            }
        }
    }

    fn save(&self, session: &Session) -> Result<Commit, StoreError> {
        let bytes = serde_json::to_vec(session).map_err(|e| StoreError::Io {
            path: self.path.clone(),
            cause: e.to_string(),
        })?;
        self.sessions
            .insert(session.user.as_str().as_bytes(), bytes)
            .map_err(|e| classify_error(&self.path, e))?;
        Ok(self.written())
    }

    fn claim(&self, kind: &str, key: &str, value: &str) -> Result<(String, Commit), StoreError> {
        let k = index_key(kind, key);
        let held =
            match self
                .index
                .compare_and_swap(&k, None as Option<&[u8]>, Some(value.as_bytes()))
            {
                Ok(Ok(())) => value.to_string(),
                Ok(Err(current)) => current
                    .current
                    .map(|v| String::from_utf8_lossy(&v).into_owned())
                    .unwrap_or_default(),
                Err(e) => return Err(classify_error(&self.path, e)),
            };
        Ok((held, self.written()))
    }

    fn lookup(&self, kind: &str, key: &str) -> Result<Option<String>, StoreError> {
        let value = self
            .index
            .get(index_key(kind, key))
            .map_err(|e| classify_error(&self.path, e))?;
        Ok(value.map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    fn scan_claims(&self, kind: &str, visit: &mut dyn FnMut(&str, &str)) -> Result<(), StoreError> {
        let prefix = index_key(kind, "");
        for item in self.index.scan_prefix(&prefix) {
            let (key, value) = item.map_err(|e| classify_error(&self.path, e))?;
            visit(
                &String::from_utf8_lossy(&key[prefix.len()..]),
                &String::from_utf8_lossy(&value),
            );
        }
        Ok(())
    }

    /// Sessions are JSON, and decoding them is most of a scan: chunks of
    /// them are decoded on two threads, then visited in key order. Chunks,
    /// so only a few thousand sessions are in memory at once.
    fn scan(&self, visit: &mut dyn FnMut(Session)) -> Result<(), StoreError> {
        const CHUNK: usize = 2048;
        let decode = |raw: &[sled::IVec]| -> Vec<Session> {
            raw.iter()
                .filter_map(|bytes| serde_json::from_slice(bytes).ok())
                .collect()
        };
        let mut values = self.sessions.iter().values();
        let mut raw = Vec::with_capacity(CHUNK);
        loop {
            raw.clear();
            for bytes in values.by_ref().take(CHUNK) {
                raw.push(bytes.map_err(|e| classify_error(&self.path, e))?);
            }
            if raw.is_empty() {
                return Ok(());
            }
            let (front, back) = raw.split_at(raw.len() / 2);
            let (front, back) = std::thread::scope(|scope| {
                let back = scope.spawn(|| decode(back));
                (decode(front), back.join())
            });
            let back = back.map_err(|_| StoreError::Io {
                path: self.path.clone(),
                cause: "a session decoder panicked".into(),
            })?;
            front.into_iter().chain(back).for_each(&mut *visit);
        }
    }

    fn barrier(&self) -> Commit {
        self.written()
    }

    fn when_durable(&self, commit: Commit) -> Durable {
        let (tx, rx) = oneshot::channel();
        let mut d = self
            .shared
            .durable
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if d.up_to >= commit.0 {
            let _ = tx.send(Ok(()));
        } else if let Some(cause) = &d.failed {
            let _ = tx.send(Err(cause.clone()));
        } else {
            d.waiters.entry(commit.0).or_default().push(tx);
        }
        rx
    }

    fn len(&self) -> Result<usize, StoreError> {
        Ok(self.sessions.len())
    }
}

fn index_key(kind: &str, key: &str) -> Vec<u8> {
    [kind.as_bytes(), b"\0", key.as_bytes()].concat()
}

impl SledStore {
    /// Counts a completed write and wakes the flusher.
    fn written(&self) -> Commit {
        let seq = self.shared.written.fetch_add(1, Ordering::AcqRel) + 1;
        // Taking the lock orders this wake-up after the flusher's check, so it
        // cannot be lost between the check and the wait.
        drop(self.shared.wake.0.lock().unwrap_or_else(|p| p.into_inner()));
        self.shared.wake.1.notify_one();
        Commit(seq)
    }

    /// The database, for the other trees that live beside the sessions
    /// (orders), with the flush that makes them durable.
    pub fn db(&self) -> &SyncedDb {
        &self.db
    }

    /// Forces everything written so far to disk (used by tools and tests).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|e| classify_error(&self.path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many turns waiting at once are each told once their own write is on
    /// disk, and a barrier covers every write before it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_waiter_hears_of_its_own_flush() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SledStore::open(dir.path()).unwrap());
        let waits: Vec<_> = (0..200)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let session = Session {
                        user: UserId::parse(&format!("tg:{}", n + 1)).unwrap(),
                        ..Session::default()
                    };
                    let commit = store.save(&session).unwrap();
                    super::super::wait_durable(&*store, commit).await.unwrap();
                    commit
                })
            })
            .collect();
        let mut commits = Vec::new();
        for wait in waits {
            commits.push(wait.await.unwrap().0);
        }
        commits.sort_unstable();
        commits.dedup();
        assert_eq!(commits.len(), 200, "every write has its own number");
        let barrier = store.barrier();
        assert!(barrier.0 > *commits.last().unwrap());
        super::super::wait_durable(&*store, barrier).await.unwrap();
        // Already durable: told at once.
        let early = Commit(commits[0]);
        assert!(matches!(store.when_durable(early).await, Ok(Ok(()))));
        assert!(store.shared.durable.lock().unwrap().waiters.is_empty());
    }
}
