//! `GET /chat/events`: the chat's lines as Server-Sent Events, each with
//! its sequence number as the event id.

use super::{HISTORY, Web, chat_of, error};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EventsQuery {
    /// The page's token (an event stream cannot send headers).
    v: Option<String>,
    /// The last number the page has, when it starts the stream again itself.
    after: Option<u64>,
}

/// The lines after the page's last (`Last-Event-ID` or `?after=`; the
/// newest `HISTORY` for a new page), then each new one as it is written.
pub async fn events(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let Some(chat) = chat_of(&web, &headers, query.v.as_deref()) else {
        // Said as an event, which a page can read (a status it cannot): it
        // drops its stored token and starts again with the page's own.
        let refused = futures_util::stream::once(async {
            Ok::<_, Infallible>(Event::default().event("token-invalid").data("open /chat"))
        });
        return Sse::new(refused).into_response();
    };
    // The browser's own reconnect sends `Last-Event-ID`; the page's restart
    // after the server was away sends `?after=`.
    let after: u64 = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .into_iter()
        .chain(query.after)
        .max()
        .unwrap_or(0);
    // Listening before reading the log: a line written in between comes
    // twice (dropped by number below), never not at all.
    let live = web.sender(&chat).subscribe();
    let backlog = match web.log.after(&chat, after, HISTORY) {
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
