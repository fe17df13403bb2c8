//! Session storage behind a small trait: sled in production, memory in tests.
//!
//! The contract that makes restarts safe: `save` returns a [`Commit`], and a
//! channel shows the reply only after [`SessionStore::durable`] reports that
//! commit on disk. Implementations may group many commits into one flush.

mod memory;
mod sled_store;
mod synced;

pub use memory::MemoryStore;
pub use sled_store::SledStore;
pub use synced::SyncedDb;

use crate::error::StoreError;
use crate::session::{Session, UserId};
use std::sync::Arc;
use tokio::sync::watch;

/// A write's place in the store's sequence of writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Commit(pub u64);

/// What is on disk: every commit up to `up_to`, unless a flush failed.
#[derive(Debug, Clone, Default)]
pub struct Durability {
    pub up_to: u64,
    pub failed: Option<Arc<String>>,
}

pub trait SessionStore: Send + Sync {
    fn load(&self, user: &UserId) -> Result<Option<Session>, StoreError>;

    /// Writes the session. It is durable once [`durable`](Self::durable)
    /// reports the returned commit.
    fn save(&self, session: &Session) -> Result<Commit, StoreError>;

    /// Secondary keys: an order's buyer, an agents' thread's buyer. Sets
    /// `kind`/`key` to `value` unless it already holds a value, and returns
    /// the value it holds afterwards (first claim wins, atomically).
    fn claim(&self, kind: &str, key: &str, value: &str) -> Result<(String, Commit), StoreError>;

    fn lookup(&self, kind: &str, key: &str) -> Result<Option<String>, StoreError>;

    /// Visits every key and value claimed under `kind` (for batch reads that
    /// would otherwise look keys up one by one).
    fn scan_claims(&self, kind: &str, visit: &mut dyn FnMut(&str, &str)) -> Result<(), StoreError>;

    /// Visits every stored session (for periodic scans).
    fn scan(&self, visit: &mut dyn FnMut(Session)) -> Result<(), StoreError>;

    /// A commit that covers every write made so far to this store's
    /// database, sessions or not (the web chat's lines live beside them):
    /// waiting for it joins the next group flush instead of flushing alone.
    fn barrier(&self) -> Commit;

    /// Watches durability; see [`wait_durable`].
    fn durable(&self) -> watch::Receiver<Durability>;

    /// Number of stored sessions.
    fn len(&self) -> Result<usize, StoreError>;

    fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }
}

/// Waits until `commit` is on disk.
pub async fn wait_durable(store: &dyn SessionStore, commit: Commit) -> Result<(), StoreError> {
    let mut rx = store.durable();
    let state = rx
        .wait_for(|d| d.up_to >= commit.0 || d.failed.is_some())
        .await
        .map_err(|_| StoreError::Io {
            path: "session store".into(),
            cause: "the store was closed".into(),
        })?
        .clone();
    match state.failed {
        Some(cause) if state.up_to < commit.0 => Err(StoreError::Io {
            path: "session store".into(),
            cause: cause.to_string(),
        }),
        _ => Ok(()),
    }
}
