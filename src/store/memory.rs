//! An in-memory store for tests and benchmarks: every write is "durable" at once.

use super::{Commit, Durable, SessionStore};
use crate::error::StoreError;
use crate::session::{Session, UserId};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct MemoryStore {
    /// A std mutex: it is held only for a map access, never across an await.
    sessions: Mutex<(HashMap<UserId, Session>, u64)>,
    index: Mutex<HashMap<(String, String), String>>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore {
            sessions: Mutex::new((HashMap::new(), 0)),
            index: Mutex::default(),
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
        Ok(Commit(guard.1))
    }

    fn claim(&self, kind: &str, key: &str, value: &str) -> Result<(String, Commit), StoreError> {
        let mut index = self.index.lock().unwrap_or_else(|p| p.into_inner());
        let held = index
            .entry((kind.to_string(), key.to_string()))
            .or_insert_with(|| value.to_string())
            .clone();
        Ok((held, self.barrier()))
    }

    fn lookup(&self, kind: &str, key: &str) -> Result<Option<String>, StoreError> {
        let index = self.index.lock().unwrap_or_else(|p| p.into_inner());
        Ok(index.get(&(kind.to_string(), key.to_string())).cloned())
    }

    fn scan_claims(&self, kind: &str, visit: &mut dyn FnMut(&str, &str)) -> Result<(), StoreError> {
        let index = self.index.lock().unwrap_or_else(|p| p.into_inner());
        for ((k, key), value) in index.iter() {
            if k == kind {
                visit(key, value);
            }
        }
        Ok(())
    }

    fn scan(&self, visit: &mut dyn FnMut(Session)) -> Result<(), StoreError> {
        let all: Vec<Session> = self
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .values()
            .cloned()
            .collect();
        all.into_iter().for_each(visit);
        Ok(())
    }

    fn barrier(&self) -> Commit {
        Commit(self.sessions.lock().unwrap_or_else(|p| p.into_inner()).1)
    }

    fn when_durable(&self, _commit: Commit) -> Durable {
        // Memory is as durable as it gets at once.
        let (tx, rx) = tokio::sync::oneshot::channel();
        let _ = tx.send(Ok(()));
        rx
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
