//! The web chat: buyers who are not on Telegram (most of mainland China)
//! chat in a browser, with the same engine.
//!
//! Transport: Server-Sent Events for what the buyer sees, a POST per message
//! or tap. Why: `EventSource` reconnects by itself, with backoff, and sends
//! `Last-Event-ID`, which is the resync by sequence number the chat needs;
//! it is plain HTTP, so proxies and in-app browsers (WeChat's) pass it; and
//! a buyer sends far fewer messages than they read.
//!
//! Identity: a signed token naming the chat (`visitor.rs`): `web:<random>`
//! for an anonymous visitor, the shop's buyer id for one the shop's backend
//! signed. Every line is in the `WebLog`, durable, before it is shown.
//!
//! Layout:
//! - `page.rs`: `GET /chat` (the page, also inside the widget's iframe),
//!   `GET /chat.js`, `GET /widget.js` (the one-line embed);
//! - `events.rs`: `GET /chat/events`, the stream of lines;
//! - `turns.rs`: `POST /chat/send` (words, a tap, an order link) and
//!   `POST /chat/upload` (a screenshot for the agents);
//! - `limits.rs`: per-visitor and per-address message rates;
//! - `log.rs`, `visitor.rs`: the lines and the tokens.
//!
//! Every POST needs the `X-Paynudge` header: a cross-site form cannot send
//! it, and a cross-site script would need a CORS answer it never gets.

mod events;
mod limits;
mod log;
mod page;
mod reminders;
mod turns;
mod visitor;

pub use log::{Line, WebLog};
pub use visitor::{COOKIE, PREFIX, Visitors};

use crate::Engine;
use crate::channels::desk::{Desk, Outbox, Shown, Voice};
use crate::engine::Reply;
use crate::error::Error;
use crate::session::UserId;
use axum::Json;
use axum::Router;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::broadcast;

/// A message longer than this is refused with a clear error.
pub const MAX_TEXT_CHARS: usize = 2000;
/// A screenshot larger than this is refused.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Lines a page gets when it opens: the newest ones.
const HISTORY: usize = 200;

pub struct Web {
    engine: Arc<Engine>,
    log: WebLog,
    visitors: Visitors,
    /// Open pages per chat, told of new lines. A std mutex held only to
    /// find or add a sender.
    live: Mutex<HashMap<String, broadcast::Sender<Line>>>,
    /// How many senders the last sweep of `live` left.
    swept: AtomicUsize,
    /// One turn at a time per chat (two tabs), so a buyer's line and the
    /// bot's answer stay together.
    turns: Vec<tokio::sync::Mutex<()>>,
    limits: limits::Limits,
    /// Where buyers' screenshots are kept: beside the database, served to no one.
    files: PathBuf,
    /// The agents' desk, when one runs (the Telegram support group).
    desk: OnceLock<Arc<dyn Desk>>,
}

impl Web {
    /// `files`: the directory for buyers' screenshots (created when the
    /// first one arrives).
    pub fn new(engine: Arc<Engine>, log: WebLog, visitors: Visitors, files: PathBuf) -> Web {
        let settings = &engine.config().web;
        let limits = limits::Limits::new(settings.rate_per_visitor, settings.rate_per_ip);
        Web {
            engine,
            log,
            visitors,
            live: Mutex::new(HashMap::new()),
            swept: AtomicUsize::new(0),
            turns: (0..64).map(|_| tokio::sync::Mutex::new(())).collect(),
            limits,
            files,
            desk: OnceLock::new(),
        }
    }

    /// Sends web buyers who ask for a person to `desk`. Set once.
    pub fn set_desk(&self, desk: Arc<dyn Desk>) {
        let _ = self.desk.set(desk);
    }

    /// Ends every open event stream (at shutdown): the pages reconnect.
    pub fn close_streams(&self) {
        self.live.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn turn_lock(&self, chat: &str) -> &tokio::sync::Mutex<()> {
        &self.turns[crate::channels::shard(chat, self.turns.len())]
    }

    fn sender(&self, chat: &str) -> broadcast::Sender<Line> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        // Senders nobody listens to any more are dropped when the map has
        // doubled since the last sweep: a sweep per message would cost a
        // pass over every open page.
        let swept = self.swept.load(Ordering::Relaxed);
        if live.len() >= 1024 && live.len() >= 2 * swept {
            live.retain(|_, tx| tx.receiver_count() > 0);
            self.swept.store(live.len(), Ordering::Relaxed);
        }
        // A turn shows a handful of lines; a page further behind than this
        // reconnects and resyncs by number. Each open chat holds the slots,
        // so they are few (64 cost 6 KB a chat idle).
        live.entry(chat.to_string())
            .or_insert_with(|| broadcast::channel(16).0)
            .clone()
    }

    /// Writes `lines` to the chat's log, waits until they are durable (with
    /// the store's next group flush), then shows them on the chat's open
    /// pages. The barrier is taken after the write, so it also covers the
    /// session the turn wrote just before: one wait for both.
    async fn publish(&self, chat: &str, lines: &mut [Line]) -> Result<(), Error> {
        self.log.append(chat, lines).map_err(Error::Setup)?;
        let store = self.engine.store();
        crate::store::wait_durable(store, store.barrier()).await?;
        let tx = self.sender(chat);
        for line in lines.iter() {
            let _ = tx.send(line.clone());
        }
        Ok(())
    }
}

/// The name agents see for a web buyer: an anonymous visitor by the start
/// of their random id, anyone else by their id.
pub fn display_name(chat: &str) -> String {
    match chat.strip_prefix(PREFIX) {
        Some(random) => format!("web {}", random.get(..6).unwrap_or(random)),
        None => chat.to_string(),
    }
}

impl Outbox for Web {
    fn holds(&self, buyer: &UserId) -> bool {
        buyer.as_str().starts_with(PREFIX) || self.log.knows(buyer.as_str())
    }

    fn show<'a>(&'a self, buyer: &'a UserId, voice: Voice, reply: &'a Reply) -> Shown<'a> {
        Box::pin(async move {
            let from = match voice {
                Voice::Bot => "bot",
                Voice::Agent => "agent",
            };
            let mut lines = turns::reply_lines(from, reply, chrono::Utc::now().timestamp());
            if lines.is_empty() {
                return Ok(());
            }
            self.publish(buyer.as_str(), &mut lines).await
        })
    }
}

pub fn router(web: Arc<Web>) -> Router {
    Router::new()
        .route("/chat", get(page::page))
        .route("/chat.js", get(page::script))
        .route("/widget.js", get(page::widget))
        .route("/chat/events", get(events::events))
        .route("/chat/send", post(turns::send))
        .route(
            "/chat/upload",
            post(turns::upload).layer(DefaultBodyLimit::max(MAX_IMAGE_BYTES)),
        )
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .with_state(web)
}

/// Ready when the database answers.
async fn ready(State(web): State<Arc<Web>>) -> (StatusCode, &'static str) {
    match web.log.after("readyz", u64::MAX - 1, 1) {
        Ok(_) => (StatusCode::OK, "ready\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "storage unavailable\n"),
    }
}

/// The chat a request speaks for: the token the page sends (the
/// `X-Paynudge` header, or `v` for the event stream), else the cookie.
fn chat_of(web: &Web, headers: &HeaderMap, token: Option<&str>) -> Option<String> {
    let header = headers.get("x-paynudge").and_then(|v| v.to_str().ok());
    let cookie = crate::channels::http::cookie(headers, COOKIE);
    [token, header, cookie]
        .into_iter()
        .flatten()
        .find_map(|t| web.visitors.verify(t))
}

/// The buyer's address (see [`crate::channels::http::client_address`]).
fn address_of(
    web: &Web,
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
) -> Option<IpAddr> {
    let trust = web.engine.config().web.trust_forwarded_for;
    crate::channels::http::client_address(headers, peer.map(|p| p.0), trust)
}

fn error(status: StatusCode, text: String) -> Response {
    (status, Json(json!({ "error": text }))).into_response()
}

/// Where buyers' screenshots go for the database at `db`: a directory
/// beside it (`sessions` → `sessions-attachments`), never inside sled's own.
pub fn files_beside(db: &std::path::Path) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "paynudge".into());
    db.with_file_name(format!("{name}-attachments"))
}
