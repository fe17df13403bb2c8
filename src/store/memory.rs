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
    index: Mutex<HashMap<(String, String), String>>,
    durable: watch::Sender<Durability>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore {
            sessions: Mutex::new((HashMap::new(), 0)),
            index: Mutex::default(),
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

    fn claim(&self, kind: &str, key: &str, value: &str) -> Result<(String, Commit), StoreError> {
        let mut index = self.index.lock().unwrap_or_else(|p| p.into_inner());
        let held = index
            .entry((kind.to_string(), key.to_string()))
            .or_insert_with(|| value.to_string())
            .clone();
        Ok((held, Commit(self.durable.borrow().up_to)))
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
        // Memory is as durable as it gets at once.
        Commit(self.durable.borrow().up_to)
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
