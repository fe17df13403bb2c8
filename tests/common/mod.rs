//! Shared test helpers: one trained classifier per test binary, engines over
//! memory or sled, and a fixed clock.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use paynudge::store::{MemoryStore, SessionStore, SledStore};
use paynudge::{Classifier, Config, Content, Engine, Reply, UserId};
use std::path::Path;
use std::sync::{Arc, OnceLock};

pub fn classifier() -> Arc<Classifier> {
    static CLASSIFIER: OnceLock<Arc<Classifier>> = OnceLock::new();
    CLASSIFIER
        .get_or_init(|| Arc::new(Classifier::builtin()))
        .clone()
}

/// Monday 2026-11-23 12:00 in Beijing: customer service is open.
pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 4, 0, 0).unwrap()
}

pub fn memory_engine() -> Engine {
    engine_with(Arc::new(MemoryStore::default()), Config::default())
}

pub fn engine_with(store: Arc<dyn SessionStore>, config: Config) -> Engine {
    Engine::new(
        config,
        Content::builtin().expect("built-in content"),
        classifier(),
        store,
    )
}

pub fn sled_engine(dir: &Path) -> Engine {
    engine_with(
        Arc::new(SledStore::open(dir).expect("open sled")),
        Config::default(),
    )
}

pub fn user(id: &str) -> UserId {
    UserId::parse(id).unwrap()
}

/// Runs one turn on a fresh current-thread runtime.
pub fn say(engine: &Engine, user: &UserId, text: &str) -> Reply {
    say_at(engine, user, text, noon())
}

pub fn say_at(engine: &Engine, user: &UserId, text: &str, now: DateTime<Utc>) -> Reply {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(engine.handle(user, text, now))
        .expect("turn")
}
