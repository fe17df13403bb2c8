//! An in-memory store for tests and benchmarks: every write is "durable" at once.

use super::{Commit, Durability, SessionStore};
use crate::error::StoreError;
use crate::session::{Session, UserId};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::watch;

pub struct MemoryStore {
    /// A std mutex: it is held only for a map access, never across an await.
    sessions: Mutex<(HashMap<UserId, Session>, u64)>,
    durable: watch::Sender<Durability>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore {
            sessions: Mutex::new((HashMap::new(), 0)),
            durable: watch::Sender::new(Durability::default()),
        }
    }
}

impl SessionStore for MemoryStore {
    fn load(&self, user: &UserId) -> Result<Option<Session>, StoreError> {
        let guard = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        Ok(guard.0.get(user).cloned())
    }

    fn save(&self, session: &Session) -> Result<Commit, StoreError> {
        let mut guard = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.insert(session.user.clone(), session.clone());
        guard.1 += 1;
        let seq = guard.1;
        self.durable.send_modify(|d| d.up_to = seq);
        Ok(Commit(seq))
    }

    fn durable(&self) -> watch::Receiver<Durability> {
        self.durable.subscribe()
    }

    fn len(&self) -> Result<usize, StoreError> {
        Ok(self
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .len())
    }
}
