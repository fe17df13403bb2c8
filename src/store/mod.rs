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

/// A write's place in the store's sequence of writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Commit(pub u64);

/// What a wait for durability hears: `Ok` once the commit is on disk, or
/// why it never will be (a flush failed).
pub type Durable = tokio::sync::oneshot::Receiver<Result<(), Arc<String>>>;
/// The sending end of [`Durable`], kept by a store until the commit is flushed.
pub type DurableTold = tokio::sync::oneshot::Sender<Result<(), Arc<String>>>;

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

    /// Hears when `commit` is on disk; see [`wait_durable`]. Each waiter
    /// is told once, when its own commit is flushed: a flush never wakes
    /// the waiters it does not cover (a thousand buyers waiting on one
    /// watch were each woken by every flush, and the wake-ups, not the
    /// disk, held the web chat to 2,000 messages a second).
    fn when_durable(&self, commit: Commit) -> Durable;

    /// Number of stored sessions.
    fn len(&self) -> Result<usize, StoreError>;

    fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }
}

/// Waits until `commit` is on disk.
pub async fn wait_durable(store: &dyn SessionStore, commit: Commit) -> Result<(), StoreError> {
    let cause = match store.when_durable(commit).await {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(cause)) => cause.to_string(),
        Err(_) => "the store was closed".into(),
    };
    Err(StoreError::Io {
        path: "session store".into(),
        cause,
    })
}
