//! The orders endpoint: the shop's backend posts order events here.
//!
//! `POST /events` with `Authorization: Bearer <token>` (compared in constant
//! time) and a JSON event or a JSON array of events. A malformed event is
//! rejected with 400 naming the event and the field, and nothing of the
//! request is written.

use crate::orders::Event;
use crate::reminders::Reminders;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

struct Api {
    token: String,
    reminders: Arc<Reminders>,
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn router(token: String, reminders: Arc<Reminders>) -> Router {
    Router::new()
        .route("/events", post(events))
        .with_state(Arc::new(Api { token, reminders }))
}

async fn events(
    State(api): State<Arc<Api>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> (StatusCode, Json<Value>) {
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|t| same(t.as_bytes(), api.token.as_bytes())) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "missing or wrong bearer token"})),
        );
    }
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "the body is not JSON"})),
        );
    };
    let list = match value {
        Value::Array(list) => list,
        one => vec![one],
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
    let accepted = parsed.len();
    // Storing waits for the disk: off the async threads, which the Telegram
    // bot may share.
    let reminders = api.reminders.clone();
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
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "storage failed; retry"})),
        );
    }
    (StatusCode::OK, Json(json!({"accepted": accepted})))
}
