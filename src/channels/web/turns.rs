//! A buyer's turn on the web: `POST /chat/send` (words, a tapped button, or
//! the order link the page came with) and `POST /chat/upload` (a screenshot
//! for the agents). Each writes the buyer's line and the bot's answer to
//! the log, durably, then shows them on every open page of the chat.

use super::page::language;
use super::{
    Line, MAX_IMAGE_BYTES, MAX_TEXT_CHARS, PREFIX, Web, address_of, chat_of, display_name, error,
};
use crate::channels::desk;
use crate::engine::Reply;
use crate::lang::Lang;
use crate::session::UserId;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct Send {
    #[serde(default)]
    text: Option<String>,
    /// A button: the question it answers and its value.
    #[serde(default)]
    tap: Option<(u64, String)>,
    /// The signed order payload the page was opened with.
    #[serde(default)]
    start: Option<String>,
    /// The page's language (the link's, the widget's `data-lang`).
    #[serde(default)]
    lang: Option<String>,
}

/// What every turn checks first: who, from where, whether they may.
struct Caller {
    chat: String,
    user: UserId,
    lang: Lang,
}

fn caller(
    web: &Web,
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    asked_lang: Option<&str>,
) -> Result<Caller, (StatusCode, String)> {
    let lang = language(web, headers, asked_lang);
    if headers.get("x-paynudge").is_none() {
        return Err((StatusCode::FORBIDDEN, "not from the chat page".into()));
    }
    let Some(chat) = chat_of(web, headers, None) else {
        return Err((StatusCode::UNAUTHORIZED, "open /chat first".into()));
    };
    if !web.limits.allow(&chat, address_of(web, headers, peer)) {
        return Err((
            StatusCode::TOO_MANY_REQUESTS,
            web.engine.text(lang, "web-slow-down"),
        ));
    }
    let user = UserId::parse(&chat).map_err(|_| (StatusCode::BAD_REQUEST, "bad visitor".into()))?;
    Ok(Caller { chat, user, lang })
}

pub async fn send(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Json(body): Json<Send>,
) -> Response {
    let Caller { chat, user, lang } = match caller(
        &web,
        &headers,
        peer.as_ref().map(|p| &p.0),
        body.lang.as_deref(),
    ) {
        Ok(c) => c,
        Err((status, why)) => return error(status, why),
    };
    let now = Utc::now();
    let _turn = web.turn_lock(&chat).lock().await;
    // What the buyer's line shows (`None`: no line of theirs) and the reply.
    let (said, reply) = match (body.text, body.tap, body.start) {
        (Some(text), _, _) => {
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
            let reply = web.engine.handle_written(&user, &text, Some(lang), now);
            (Some(text), reply)
        }
        (None, Some((question, value)), _) => {
            let label = tapped_label(&web, &chat, question, &value);
            let reply = web.engine.tap_written(&user, question, &value, now);
            (Some(label), reply)
        }
        (None, None, Some(payload)) => {
            // A payload is one word of `A-Za-z0-9_-`: nothing else can
            // reach the command line.
            let word: String = payload
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .take(64)
                .collect();
            let start = format!("/start {word}");
            let reply = web.engine.handle_written(&user, &start, Some(lang), now);
            (None, reply)
        }
        (None, None, None) => return error(StatusCode::BAD_REQUEST, "send text or a tap".into()),
    };
    // Written, not yet durable: the lines below join the same flush, and
    // nothing is shown before it (`publish`).
    let reply = match reply {
        Ok((reply, _written)) => reply,
        Err(e) => return failed(&web, lang, &e),
    };
    let mut lines: Vec<Line> = said
        .iter()
        .map(|text| line("buyer", text, now))
        .chain(reply_lines("bot", &reply, now.timestamp()))
        .collect();
    if let Err(e) = web.publish(&chat, &mut lines).await {
        return failed(&web, lang, &e);
    }
    if let (Some(desk), Some(text)) = (web.desk.get(), &said) {
        desk::after_turn(&**desk, &user, &display_name(&chat), text, &reply);
    }
    Json(json!({ "seq": lines.last().map_or(0, |l| l.seq) })).into_response()
}

/// The label of the button tapped: only the newest question can be
/// answered, so the last few lines hold it.
fn tapped_label(web: &Web, chat: &str, question: u64, value: &str) -> String {
    web.log
        .after(chat, 0, 20)
        .ok()
        .and_then(|lines| {
            lines
                .into_iter()
                .rev()
                .find(|l| l.question == Some(question))
        })
        .and_then(|l| l.options.into_iter().find(|(v, _)| v == value))
        .map_or_else(|| value.to_string(), |(_, label)| label)
}

fn failed(web: &Web, lang: Lang, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "a web turn failed");
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        web.engine.text(lang, "web-failed"),
    )
}

/// `POST /chat/upload`: the body is the picture, its type in `Content-Type`.
pub async fn upload(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: Bytes,
) -> Response {
    let asked = headers
        .get("x-paynudge-lang")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Caller { chat, user, lang } = match caller(
        &web,
        &headers,
        peer.as_ref().map(|p| &p.0),
        asked.as_deref(),
    ) {
        Ok(c) => c,
        Err((status, why)) => return error(status, why),
    };
    // The bytes decide, not the declared type: a picture viewer is the
    // only thing that will ever open the file.
    let Some(extension) = image_kind(&body) else {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            web.engine.text(lang, "web-image-type"),
        );
    };
    if body.len() > MAX_IMAGE_BYTES {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            web.engine.text(lang, "web-image-too-big"),
        );
    }
    let now = Utc::now();
    let file = match keep(&web, &body, extension, now) {
        Ok(file) => file,
        Err(e) => return failed(&web, lang, &e),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _turn = web.turn_lock(&chat).lock().await;
    let reply = match web
        .engine
        .media_written(&user, &format!("photo {name}"), now)
    {
        Ok((reply, _written)) => reply,
        Err(e) => return failed(&web, lang, &e),
    };
    let mut lines: Vec<Line> =
        std::iter::once(line("buyer", &web.engine.text(lang, "web-image-sent"), now))
            .chain(reply_lines("bot", &reply, now.timestamp()))
            .collect();
    if let Err(e) = web.publish(&chat, &mut lines).await {
        return failed(&web, lang, &e);
    }
    if let (Some(desk), true) = (web.desk.get(), reply.handoff) {
        desk.relay_image(&user, &display_name(&chat), &file);
    }
    Json(json!({ "seq": lines.last().map_or(0, |l| l.seq) })).into_response()
}

/// The picture's file extension, from its first bytes.
fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some("png"),
        [0xff, 0xd8, 0xff, ..] => Some("jpg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("webp"),
        _ => None,
    }
}

/// Writes the picture under a fresh name, readable by the bot's user only,
/// and on disk before the buyer is told it was sent.
fn keep(web: &Web, bytes: &[u8], extension: &str, now: DateTime<Utc>) -> std::io::Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(&web.files)?;
    // The random half of a fresh visitor id: unique, and says nothing.
    let fresh = web.visitors.issue();
    let random = &fresh[PREFIX.len()..PREFIX.len() + 12];
    let path = web.files.join(format!(
        "{}-{random}.{extension}",
        now.format("%Y%m%d-%H%M%S")
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(path)
}

fn line(from: &str, text: &str, at: DateTime<Utc>) -> Line {
    Line {
        seq: 0,
        from: from.into(),
        text: text.to_string(),
        options: Vec::new(),
        question: None,
        at: at.timestamp(),
    }
}

/// The reply's lines as `from` says them, the buttons under the last.
pub(super) fn reply_lines(from: &str, reply: &Reply, at: i64) -> Vec<Line> {
    let mut lines: Vec<Line> = reply
        .replies
        .iter()
        .map(|text| Line {
            seq: 0,
            from: from.into(),
            text: text.clone(),
            options: Vec::new(),
            question: None,
            at,
        })
        .collect();
    if let Some(last) = lines.last_mut() {
        last.options = reply
            .options
            .iter()
            .map(|o| (o.value.clone(), o.label.clone()))
            .collect();
        last.question = reply.question.filter(|_| !last.options.is_empty());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::image_kind;

    #[test]
    fn pictures_are_known_by_their_bytes() {
        assert_eq!(image_kind(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(image_kind(b"\xff\xd8\xff\xe0..."), Some("jpg"));
        assert_eq!(image_kind(b"GIF89a..."), Some("gif"));
        assert_eq!(image_kind(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        for not in [&b"<svg onload=alert(1)>"[..], b"%PDF-1.7", b"", b"\x89PN"] {
            assert_eq!(image_kind(not), None);
        }
    }
}
