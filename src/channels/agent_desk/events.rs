//! `GET /desk/events`: which buyers on the handoff list changed, as
//! Server-Sent Events (`change`, with the buyer's id; `*` when the page
//! fell behind and should reload everything). An event is sent once the
//! change is durable, so no agent sees a claim the store could still lose.

use super::AgentDesk;
use super::signin::require;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

pub async fn events(State(desk): State<Arc<AgentDesk>>, headers: HeaderMap) -> Response {
    if let Err(answer) = require(&desk, &headers) {
        return *answer;
    }
    let changes = desk.engine.handoff_changes();
    let stream = futures_util::stream::unfold((changes, desk), |(mut changes, desk)| async move {
        let buyer = match changes.recv().await {
            Ok(buyer) => buyer.as_str().to_string(),
            Err(RecvError::Lagged(_)) => "*".to_string(),
            Err(RecvError::Closed) => return None,
        };
        let store = desk.engine.store();
        if let Err(e) = crate::store::wait_durable(store, store.barrier()).await {
            tracing::warn!(error = %e, "the desk's change did not become durable");
            return None;
        }
        let event = Event::default().event("change").data(buyer);
        Some((Ok::<_, Infallible>(event), (changes, desk)))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
