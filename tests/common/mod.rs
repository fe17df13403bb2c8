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

/// Sends `method` with `body` (JSON) to `http://{addr}{path}` with extra
/// header lines and returns the status code (0 when nothing listens yet) and
/// the raw response.
pub async fn http(
    method: &str,
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[String],
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return (0, String::new());
    };
    let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// A running web chat: its address, the sender whose drop stops it, and the
/// server task.
pub type Running = (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
);

/// The web chat on a fresh (or reopened) database in `dir`, on a free port.
pub async fn web_chat(dir: &Path) -> Running {
    web_chat_on(dir, "127.0.0.1:0".parse().unwrap()).await
}

/// [`web_chat`] on a given address (a restart on the same port).
pub async fn web_chat_on(dir: &Path, addr: std::net::SocketAddr) -> Running {
    let (engine, db) = web_engine(dir, Config::default());
    web_chat_for(Arc::new(engine), &db, dir, addr).await.0
}

/// Signs the web tests' order links and shop-named buyers.
pub const LINK_SECRET: &[u8] = b"a link secret for the web tests, long enough";
/// Signs the web tests' visitor tokens.
pub const WEB_SECRET: &[u8] = b"a web secret for the tests, long enough";

/// An engine over sled in `dir` with the shop's orders and signed links
/// on, and the database the web chat's lines go to.
pub fn web_engine(dir: &Path, config: Config) -> (Engine, paynudge::store::SyncedDb) {
    let store = SledStore::open(dir).unwrap();
    let db = store.db().clone();
    let orders = paynudge::reminders::Reminders::open(&db, &config.reminders).unwrap();
    let engine = engine_with(Arc::new(store), config)
        .with_orders(Arc::new(orders))
        .with_links(paynudge::links::LinkSigner::new(LINK_SECRET).unwrap());
    (engine, db)
}

/// The web chat for `engine`, its screenshots in `dir/attachments`, served on
/// `addr`; also the chat itself, for tests that reach in (a desk, reminders).
pub async fn web_chat_for(
    engine: Arc<Engine>,
    db: &paynudge::store::SyncedDb,
    dir: &Path,
    addr: std::net::SocketAddr,
) -> (Running, Arc<paynudge::channels::web::Web>) {
    let web = web_of(engine, db, dir);
    let router = paynudge::channels::web::router(web.clone());
    (serve(router, web.clone(), addr).await, web)
}

fn web_of(
    engine: Arc<Engine>,
    db: &paynudge::store::SyncedDb,
    dir: &Path,
) -> Arc<paynudge::channels::web::Web> {
    use paynudge::channels::web::{Visitors, Web, WebLog};
    let log = WebLog::open(db).unwrap();
    let visitors = Visitors::new(WEB_SECRET).unwrap();
    // Inside the test's own directory, so nothing is left behind.
    Arc::new(Web::new(engine, log, visitors, dir.join("attachments")))
}

/// Serves `router` on `addr` until the returned sender is dropped, then
/// closes the chat's streams.
async fn serve(
    router: axum::Router,
    web: Arc<paynudge::channels::web::Web>,
    addr: std::net::SocketAddr,
) -> Running {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(paynudge::channels::http::serve(
        listener,
        router,
        Default::default(),
        async move {
            let _ = stopped.await;
            web.close_streams();
        },
    ));
    (addr, stop, server)
}

/// The password of every desk agent in the tests.
pub const DESK_PASSWORD: &str = "a desk password for the tests";

/// A config whose desk lets `names` sign in with [`DESK_PASSWORD`].
pub fn desk_config(names: &[&str]) -> Config {
    let mut config = Config::default();
    let hash = paynudge::channels::agent_desk::hash_password(DESK_PASSWORD).unwrap();
    for name in names {
        config.desk.agents.push(paynudge::config::DeskAgent {
            name: name.to_string(),
            password_hash: hash.clone(),
            lang: paynudge::Lang::En,
        });
    }
    config
}

/// The web chat and the agents' desk on one listener, as `paynudge serve`
/// runs them; agents' words go out through the web chat and `others`.
pub async fn chat_and_desk(
    engine: Arc<Engine>,
    db: &paynudge::store::SyncedDb,
    dir: &Path,
    others: Vec<Arc<dyn paynudge::channels::desk::Outbox>>,
) -> (Running, Arc<paynudge::channels::web::Web>) {
    use paynudge::channels::agent_desk::{self, AgentDesk};
    let web = web_of(engine.clone(), db, dir);
    let desk = Arc::new(
        AgentDesk::new(engine, dir.join("attachments"), Some(WEB_SECRET.to_vec())).unwrap(),
    );
    let mut outboxes: Vec<Arc<dyn paynudge::channels::desk::Outbox>> = vec![web.clone()];
    outboxes.extend(others);
    desk.reach_through(outboxes);
    let router = paynudge::channels::web::router(web.clone()).merge(agent_desk::router(desk));
    let running = serve(router, web.clone(), "127.0.0.1:0".parse().unwrap()).await;
    (running, web)
}

/// `pairs` as an HTML form posts them (`application/x-www-form-urlencoded`).
pub fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}
