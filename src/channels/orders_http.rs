//! The orders endpoint: the shop's backend posts order events here, and can
//! read the conversion report while the bot runs.
//!
//! Both routes need `Authorization: Bearer <token>` (compared in constant
//! time).
//! - `POST /events`: a JSON event, a JSON array of events, or JSON lines. A malformed
//!   event is rejected with 400 naming the event and the field. A request is
//!   stored in one transaction: all of its events or, on any failure, none.
//! - `GET /report[?since=YYYY-MM-DD]`: `paynudge report --json`.

use crate::Engine;
use crate::orders::Event;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

struct Api {
    token: String,
    engine: Arc<Engine>,
}

type Answer = (StatusCode, Json<Value>);

pub fn router(token: String, engine: Arc<Engine>) -> Router {
    Router::new()
        .route("/events", post(events))
        .route("/report", get(report))
        .with_state(Arc::new(Api { token, engine }))
}

/// `Err` with the answer to send when the request is not the shop's.
fn authorize(api: &Api, headers: &HeaderMap) -> Result<(), Answer> {
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if given.is_some_and(|t| super::http::same_secret(t, &api.token)) {
        Ok(())
    } else {
        Err((
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "missing or wrong bearer token"})),
        ))
    }
}

fn unavailable() -> Answer {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"error": "storage failed; retry"})),
    )
}

async fn report(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    if let Err(answer) = authorize(&api, &headers) {
        return answer;
    }
    let since = match query.get("since").map(|d| d.parse::<chrono::NaiveDate>()) {
        None => 0,
        Some(Ok(date)) => date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
        Some(Err(_)) => {
            let error = json!({"error": "since: use YYYY-MM-DD", "field": "since"});
            return (StatusCode::BAD_REQUEST, Json(error));
        }
    };
    // A pass over every order: off the async threads.
    let engine = api.engine.clone();
    let report =
        tokio::task::spawn_blocking(move || engine.report(since).map_err(|e| e.to_string()))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
    match report {
        Ok(report) => (StatusCode::OK, Json(json!(report))),
        Err(e) => {
            tracing::error!(error = %e, "the report failed");
            unavailable()
        }
    }
}

async fn events(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Answer {
    if let Err(answer) = authorize(&api, &headers) {
        return answer;
    }
    let list = match events_in(&body) {
        Ok(list) => list,
        Err(error) => return (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))),
    };
    let mut parsed = Vec::with_capacity(list.len());
    for (n, v) in list.iter().enumerate() {
        match Event::parse(v) {
            Ok(e) => parsed.push(e),
            Err(e) => {
                let error = json!({"error": e.to_string(), "event": n, "field": e.field});
                return (StatusCode::BAD_REQUEST, Json(error));
            }
        }
    }
    let Some(reminders) = api.engine.orders().cloned() else {
        return unavailable();
    };
    let accepted = parsed.len();
    // Storing waits for the disk: off the async threads, which the Telegram
    // bot may share.
    let stored = tokio::task::spawn_blocking(move || {
        reminders
            .ingest_batch(&parsed, chrono::Utc::now())
            .and_then(|_| reminders.flush())
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    if let Err(e) = stored {
        tracing::error!(error = %e, "storing order events failed");
        return unavailable();
    }
    (StatusCode::OK, Json(json!({"accepted": accepted})))
}

/// The events of a body: one JSON object, an array of them, or JSON lines
/// (one object per line, as `orders import` reads and the README shows).
fn events_in(body: &[u8]) -> Result<Vec<Value>, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(list)) => return Ok(list),
        Ok(one) => return Ok(vec![one]),
        Err(_) => {}
    }
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8 JSON".to_string())?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line).map_err(|e| {
                format!(
                    "the body is not JSON, a JSON array or JSON lines (line {}: {e})",
                    n + 1
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::events_in;

    #[test]
    fn a_body_is_one_event_an_array_or_json_lines() {
        assert_eq!(events_in(br#"{"a": 1}"#).unwrap().len(), 1);
        assert_eq!(events_in(br#"[{"a": 1}, {"a": 2}]"#).unwrap().len(), 2);
        assert_eq!(events_in(b"{\"a\": 1}\n\n{\"a\": 2}\n").unwrap().len(), 2);
        let err = events_in(b"{\"a\": 1}\nnot json").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
