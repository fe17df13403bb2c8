//! The web chat: buyers who are not on Telegram (most of mainland China)
//! chat in a browser, with the same engine.
//!
//! Transport: Server-Sent Events for what the buyer sees, a POST per message
//! or tap. Why: `EventSource` reconnects by itself, with backoff, and sends
//! `Last-Event-ID`, which is the resync by sequence number the chat needs;
//! it is plain HTTP, so proxies and in-app browsers (WeChat's) pass it; and
//! a buyer sends far fewer messages than they read.
//!
//! Identity: a signed, HttpOnly visitor cookie (`visitor.rs`); the user id
//! is `web:<visitor>`. Every line is in the `WebLog` before it is shown.
//!
//! Routes: `GET /chat` (the page), `GET /chat.js`, `GET /chat/events`
//! (SSE), `POST /chat/send` (JSON, with the `X-Paynudge` header: a
//! cross-site form cannot send it, and a cross-site script would need a
//! CORS answer it never gets), `GET /healthz`, `GET /readyz`.

mod log;
mod visitor;

pub use log::{Line, WebLog};
pub use visitor::{COOKIE, Visitors};

use crate::Engine;
use crate::engine::Reply;
use crate::html::escape;
use crate::lang::Lang;
use crate::session::UserId;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// A message longer than this is refused with a clear error.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Messages a visitor may send per minute before being asked to slow down.
const PER_MINUTE: u32 = 20;
/// Lines a page gets when it opens: the newest ones.
const HISTORY: usize = 200;

pub struct Web {
    engine: Arc<Engine>,
    log: WebLog,
    visitors: Visitors,
    /// Open pages per visitor, told of new lines. A std mutex held only to
    /// find or add a sender.
    live: Mutex<HashMap<String, broadcast::Sender<Line>>>,
    /// How many senders the last sweep of `live` left.
    swept: AtomicUsize,
    /// One turn at a time per visitor (two tabs), so lines keep their order.
    turns: Vec<tokio::sync::Mutex<()>>,
    /// Per visitor: (the minute's start, messages in it).
    rates: Mutex<HashMap<String, (Instant, u32)>>,
    /// Whether the visitor cookie is marked `Secure` (the site is HTTPS).
    secure_cookie: bool,
}

impl Web {
    pub fn new(engine: Arc<Engine>, log: WebLog, visitors: Visitors, secure_cookie: bool) -> Web {
        Web {
            engine,
            log,
            visitors,
            live: Mutex::new(HashMap::new()),
            swept: AtomicUsize::new(0),
            turns: (0..64).map(|_| tokio::sync::Mutex::new(())).collect(),
            rates: Mutex::new(HashMap::new()),
            secure_cookie,
        }
    }

    /// Ends every open event stream (at shutdown): the pages reconnect.
    pub fn close_streams(&self) {
        self.live.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn turn_lock(&self, visitor: &str) -> &tokio::sync::Mutex<()> {
        let hash = visitor.bytes().fold(0usize, |h, b| {
            h.wrapping_mul(31).wrapping_add(usize::from(b))
        });
        &self.turns[hash % self.turns.len()]
    }

    fn sender(&self, visitor: &str) -> broadcast::Sender<Line> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        // Senders nobody listens to any more are dropped when the map has
        // doubled since the last sweep: a sweep per message would cost a
        // pass over every open page.
        let swept = self.swept.load(Ordering::Relaxed);
        if live.len() >= 1024 && live.len() >= 2 * swept {
            live.retain(|_, tx| tx.receiver_count() > 0);
            self.swept.store(live.len(), Ordering::Relaxed);
        }
        live.entry(visitor.to_string())
            .or_insert_with(|| broadcast::channel(64).0)
            .clone()
    }

    /// Whether the visitor may send now; counts the message if so.
    fn allow(&self, visitor: &str) -> bool {
        let mut rates = self.rates.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if rates.len() > 100_000 {
            rates.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let (start, count) = rates.entry(visitor.to_string()).or_insert((now, 0));
        if now.duration_since(*start) >= Duration::from_secs(60) {
            *start = now;
            *count = 0;
        }
        *count += 1;
        *count <= PER_MINUTE
    }
}

pub fn router(web: Arc<Web>) -> Router {
    Router::new()
        .route("/chat", get(page))
        .route("/chat.js", get(script))
        .route("/chat/events", get(events))
        .route("/chat/send", post(send))
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

/// The visitor named by a valid cookie.
fn visitor_of(web: &Web, headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| web.visitors.verify(value))
}

/// The page's language: the browser's first choice of ours, else the shop's.
fn language(web: &Web, headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        // `zh-CN,zh;q=0.9,en;q=0.8`: the first tag whose language is ours.
        .and_then(|v| {
            v.split(',')
                .find_map(|tag| tag.trim().get(..2)?.parse::<Lang>().ok())
        })
        .unwrap_or(web.engine.config().shop.default_lang)
}

/// The page's texts, from `locales/`, for the script.
fn page_texts(web: &Web, lang: Lang) -> serde_json::Value {
    let t = |key: &str| web.engine.text(lang, key);
    json!({
        "placeholder": t("web-placeholder"),
        "send": t("web-send"),
        "reconnecting": t("web-reconnecting"),
        "typing": t("web-typing"),
        "failed": t("web-failed"),
    })
}

async fn page(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    let lang = language(&web, &headers);
    let (visitor, new) = match visitor_of(&web, &headers) {
        Some(v) => (v, false),
        None => (web.visitors.issue(), true),
    };
    let shop = &web.engine.config().shop;
    let title = if lang == Lang::Zh && !shop.name_zh.is_empty() {
        &shop.name_zh
    } else {
        &shop.name
    };
    let html = format!(
        include_str!("chat.html"),
        lang = lang.code(),
        title = escape(title),
        texts = escape(&page_texts(&web, lang).to_string()),
    );
    let mut response = Html(html).into_response();
    if new {
        let cookie = format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{}",
            web.visitors.cookie_value(&visitor),
            if web.secure_cookie { "; Secure" } else { "" }
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
        ),
    );
    response
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("chat.js"),
    )
}

fn error(status: StatusCode, text: String) -> Response {
    (status, Json(json!({ "error": text }))).into_response()
}

/// The stream of lines: those after the page's last (`Last-Event-ID`, or
/// the newest `HISTORY` for a new page), then each new one as it is written.
async fn events(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(visitor) = visitor_of(&web, &headers) else {
        return error(StatusCode::UNAUTHORIZED, "open /chat first".into());
    };
    // The browser's own reconnect sends `Last-Event-ID`; the page's restart
    // after the server was away sends `?after=`.
    let after: u64 = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .into_iter()
        .chain(query.get("after").and_then(|v| v.parse().ok()))
        .max()
        .unwrap_or(0);
    // Listening before reading the log: a line written in between comes
    // twice (dropped by number below), never not at all.
    let live = web.sender(&visitor).subscribe();
    let backlog = match web.log.after(&visitor, after, HISTORY) {
        Ok(lines) => lines,
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, e),
    };
    let start = (backlog.into_iter(), live, after);
    let stream = futures_util::stream::unfold(start, |(mut backlog, mut live, last)| async move {
        let line = match backlog.next() {
            Some(line) => line,
            None => loop {
                match live.recv().await {
                    Ok(line) if line.seq > last => break line,
                    Ok(_) => {}
                    // A reader too slow for the channel: the page
                    // reconnects with its last number and resyncs.
                    Err(_) => return None,
                }
            },
        };
        let event = Event::default()
            .id(line.seq.to_string())
            .json_data(&line)
            .unwrap_or_default();
        let last = line.seq;
        Some((Ok::<_, Infallible>(event), (backlog, live, last)))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[derive(Deserialize)]
struct Send {
    #[serde(default)]
    text: Option<String>,
    /// A button: the question it answers and its value.
    #[serde(default)]
    tap: Option<(u64, String)>,
}

async fn send(State(web): State<Arc<Web>>, headers: HeaderMap, Json(body): Json<Send>) -> Response {
    let Some(visitor) = visitor_of(&web, &headers) else {
        return error(StatusCode::UNAUTHORIZED, "open /chat first".into());
    };
    let lang = language(&web, &headers);
    if headers.get("x-paynudge").is_none() {
        return error(StatusCode::FORBIDDEN, "not from the chat page".into());
    }
    if !web.allow(&visitor) {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            web.engine.text(lang, "web-slow-down"),
        );
    }
    let Ok(user) = UserId::parse(&format!("web:{visitor}")) else {
        return error(StatusCode::BAD_REQUEST, "bad visitor".into());
    };
    let now = Utc::now();
    let _turn = web.turn_lock(&visitor).lock().await;
    let (said, reply) = match (body.text, body.tap) {
        (Some(text), _) => {
            let text = text.trim().to_string();
            if text.is_empty() {
                return error(StatusCode::BAD_REQUEST, web.engine.text(lang, "web-empty"));
            }
            if text.chars().count() > MAX_TEXT_CHARS {
                return error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    web.engine.text(lang, "web-too-long"),
                );
            }
            let reply = web
                .engine
                .handle_hinted(&user, &text, Some(lang), now)
                .await;
            (text, reply)
        }
        (None, Some((question, value))) => {
            let label = web
                .log
                .after(&visitor, 0, HISTORY)
                .ok()
                .and_then(|lines| {
                    lines
                        .into_iter()
                        .rev()
                        .find(|l| l.question == Some(question))
                })
                .and_then(|l| l.options.into_iter().find(|(v, _)| *v == value))
                .map_or_else(|| value.clone(), |(_, label)| label);
            let reply = web.engine.handle_tap(&user, question, &value, now).await;
            (label, reply)
        }
        (None, None) => return error(StatusCode::BAD_REQUEST, "send text or a tap".into()),
    };
    let reply = match reply {
        Ok(reply) => reply,
        Err(e) => {
            tracing::error!(error = %e, "a web turn failed");
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                web.engine.text(lang, "web-failed"),
            );
        }
    };
    let mut lines = lines_of(&said, &reply, now.timestamp());
    if let Err(e) = web.log.append(&visitor, &mut lines) {
        tracing::error!(error = %e, "the web log could not be written");
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            web.engine.text(lang, "web-failed"),
        );
    }
    let tx = web.sender(&visitor);
    for line in &lines {
        let _ = tx.send(line.clone());
    }
    Json(json!({ "seq": lines.last().map_or(0, |l| l.seq) })).into_response()
}

/// The buyer's line and the bot's, the buttons under the last.
fn lines_of(said: &str, reply: &Reply, at: i64) -> Vec<Line> {
    let mut lines = vec![Line {
        seq: 0,
        from: "buyer".into(),
        text: said.to_string(),
        options: Vec::new(),
        question: None,
        at,
    }];
    lines.extend(reply.replies.iter().map(|text| Line {
        seq: 0,
        from: "bot".into(),
        text: text.clone(),
        options: Vec::new(),
        question: None,
        at,
    }));
    if let Some(last) = lines.last_mut().filter(|l| l.from == "bot") {
        last.options = reply
            .options
            .iter()
            .map(|o| (o.value.clone(), o.label.clone()))
            .collect();
        last.question = reply.question.filter(|_| !last.options.is_empty());
    }
    lines
}
