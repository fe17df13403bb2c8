//! `GET /desk/events`: which buyers on the handoff list changed, as
//! Server-Sent Events (`change`, with the buyer's id; `*` when the page
//! fell behind and should reload everything). An event is sent once the
//! change is durable, so no agent sees a claim the store could still lose.

use super::AgentDesk;
use super::signin::Agent;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

pub async fn events(State(desk): State<Arc<AgentDesk>>, _: Agent) -> Response {
    let changes = desk.engine.handoff_changes();
    let start = (changes, desk, VecDeque::new());
    let stream = futures_util::stream::unfold(start, |(mut changes, desk, mut ready)| async move {
        if ready.is_empty() {
            // Whatever changed meanwhile goes out after one wait for
            // durability, each buyer once: a busy evening's changes never
            // queue behind a flush each.
            let mut batch = vec![next(changes.recv().await)?];
            while let Ok(buyer) = changes.try_recv() {
                batch.push(buyer.as_str().to_string());
            }
            let store = desk.engine.store();
            if let Err(e) = crate::store::wait_durable(store, store.barrier()).await {
                tracing::warn!(error = %e, "the desk's change did not become durable");
                return None;
            }
            let mut seen = HashSet::new();
            ready.extend(batch.into_iter().filter(|b| seen.insert(b.clone())));
        }
        let buyer = ready.pop_front()?;
        let event = Event::default().event("change").data(buyer);
        Some((Ok::<_, Infallible>(event), (changes, desk, ready)))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// A change's buyer; `*` when this stream fell behind and missed some.
fn next(received: Result<crate::session::UserId, RecvError>) -> Option<String> {
    match received {
        Ok(buyer) => Some(buyer.as_str().to_string()),
        Err(RecvError::Lagged(_)) => Some("*".to_string()),
        Err(RecvError::Closed) => None,
    }
}
