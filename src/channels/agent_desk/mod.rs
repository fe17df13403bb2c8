//! The agents' web desk (`/desk`): customer service works in a browser, for
//! buyers from every channel. It is a front end over the engine's handoff
//! model (`engine/desk.rs`): the queue is `Engine::handoffs`, a claim is
//! `Engine::claim`, and an agent's words reach the buyer through the
//! `Outbox` of whichever channel holds them. The desk decides nothing about
//! ownership itself, so it and the Telegram support group can serve the
//! same buyers with one owner at a time.
//!
//! Layout:
//! - `signin.rs`: agents from the config (argon2 hashes), sessions in
//!   memory, the lock after failed sign-ins, CSRF tokens; `link.rs`:
//!   one-time sign-in links;
//! - `pages.rs`: the queue and a conversation (maud templates, which
//!   escape every value);
//! - `actions.rs`: claim, reply, note, hand back, close (POSTs, each checked
//!   against the agent's CSRF token);
//! - `events.rs`: `GET /desk/events`, which buyers changed, for the page's
//!   live updates (`desk.js`);
//! - `calls.rs`: call tasks for large orders, with outcome buttons;
//! - `figures.rs`: the reminder plan and the conversion report, read from
//!   the running process.
//!
//! Nothing under `/desk` answers without a signed-in agent: a buyer's
//! visitor cookie is a different cookie and opens nothing here.

mod actions;
mod calls;
mod events;
mod figures;
mod link;
mod pages;
mod signin;

pub use link::{sign as sign_link, sign_in_url};
pub use signin::{config_lines, hash_password};

use crate::Engine;
use crate::channels::desk::Outbox;
use crate::lang::Lang;
use crate::session::UserId;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub struct AgentDesk {
    engine: Arc<Engine>,
    sessions: signin::Sessions,
    /// The channels that hold buyers (web chat, Telegram), asked in turn
    /// which one holds a buyer. Set once, at start-up.
    outboxes: OnceLock<Vec<Arc<dyn Outbox>>>,
    /// Buyers' screenshots (the web chat's attachments directory).
    files: PathBuf,
    /// Signs one-time sign-in links (the web secret); `None`: links are off.
    link_secret: Option<Vec<u8>>,
}

impl AgentDesk {
    /// `files`: where buyers' screenshots are kept; `link_secret`: what
    /// signs one-time sign-in links (`paynudge agent link`), if any.
    pub fn new(
        engine: Arc<Engine>,
        files: PathBuf,
        link_secret: Option<Vec<u8>>,
    ) -> Result<AgentDesk, crate::Error> {
        // Fills the handoff list now, so the first page is quick and every
        // later turn keeps it current.
        engine.handoffs()?;
        let sessions = signin::Sessions::new(&engine.config().desk);
        Ok(AgentDesk {
            engine,
            sessions,
            outboxes: OnceLock::new(),
            files,
            link_secret,
        })
    }

    /// The channels agents' words go out through. Set once.
    pub fn reach_through(&self, outboxes: Vec<Arc<dyn Outbox>>) {
        let _ = self.outboxes.set(outboxes);
    }

    fn outbox_for(&self, buyer: &UserId) -> Option<&Arc<dyn Outbox>> {
        self.outboxes.get()?.iter().find(|o| o.holds(buyer))
    }

    fn text(&self, lang: Lang, key: &str) -> String {
        self.engine.text(lang, key)
    }
}

pub fn router(desk: Arc<AgentDesk>) -> Router {
    Router::new()
        .route("/desk", get(pages::queue))
        .route("/desk/chat", get(pages::conversation))
        .route("/desk/signin", get(signin::form).post(signin::sign_in))
        .route("/desk/signout", post(signin::sign_out))
        .route(
            "/desk/link",
            get(signin::link_form).post(signin::link_sign_in),
        )
        .route("/desk/claim", post(actions::claim))
        .route("/desk/reply", post(actions::reply))
        .route("/desk/note", post(actions::note))
        .route("/desk/hand-back", post(actions::hand_back))
        .route("/desk/close", post(actions::close))
        .route("/desk/events", get(events::events))
        .route("/desk/calls", get(calls::calls))
        .route("/desk/calls/outcome", post(calls::outcome))
        .route("/desk/plan", get(figures::plan))
        .route("/desk/report", get(figures::report))
        .route("/desk/files/{name}", get(screenshot))
        .route("/desk.js", get(script))
        .route("/desk.css", get(style))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .with_state(desk)
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("desk.js"),
    )
        .into_response()
}

async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("desk.css"),
    )
        .into_response()
}

/// A buyer's screenshot, for signed-in agents only. The name must be one
/// the web chat gives (letters, digits, `-`, one `.` and an image type), so
/// no path leads out of the directory.
async fn screenshot(
    State(desk): State<Arc<AgentDesk>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if desk.sessions.agent(&headers).is_none() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let kind = match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            match ext {
                "png" => "image/png",
                "jpg" => "image/jpeg",
                "gif" => "image/gif",
                "webp" => "image/webp",
                _ => return StatusCode::NOT_FOUND.into_response(),
            }
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match tokio::fs::read(desk.files.join(&name)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, kind),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::CACHE_CONTROL, "private, no-store"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
