//! Call tasks at the desk: large unpaid orders the scheduler gave to an
//! agent to phone. A task is open from the moment the scheduler sends it
//! (the order records a `call` reminder) until an outcome that closes it
//! ("no answer" keeps it: the buyer is called again). The same outcome
//! recorded in the Telegram group closes it here too: it is on the order.

use super::AgentDesk;
use super::pages::{layout, respond};
use super::signin::Agent;
use crate::channels::http::same_secret;
use crate::engine::Phone;
use crate::orders::{Order, Status};
use crate::reminders::CallOutcome;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

/// Whether `order` is a call task nobody has finished.
fn open_task(order: &Order) -> bool {
    order.status == Status::Unpaid
        && order.reminders.iter().any(|r| r.channel == "call")
        && order
            .call_outcome
            .as_deref()
            .and_then(CallOutcome::parse)
            .is_none_or(|o| !o.closes_task())
}

/// `GET /desk/calls`: the open tasks, oldest call first, each with its
/// script in the buyer's language, the number to dial and one button per
/// outcome.
pub async fn calls(State(desk): State<Arc<AgentDesk>>, agent: Agent) -> Response {
    let lang = agent.lang;
    let t = |key: &str| desk.text(lang, key);
    let mut tasks: Vec<Order> = desk
        .engine
        .orders()
        .map(|orders| orders.orders().filter(open_task).collect())
        .unwrap_or_default();
    tasks.sort_by_key(|o| o.reminders.iter().map(|r| r.at).max().unwrap_or(0));
    let body = html! {
        h1 { (t("desk-calls")) " " span.count { (tasks.len()) } }
        @if tasks.is_empty() { p.empty { (t("desk-calls-empty")) } }
        @for order in &tasks {
            section.call data-order=(order.id) {
                h2 { (order.id) " · " (order.amount_text()) }
                @if let Some(said) = &order.call_outcome { p.status { (said) } }
                pre { (desk.engine.call_task(order, Phone::Whole)) }
                form.outcomes method="post" action="/desk/calls/outcome" {
                    input type="hidden" name="csrf" value=(agent.csrf);
                    input type="hidden" name="order" value=(order.id);
                    @for outcome in CallOutcome::ALL {
                        button type="submit" name="outcome" value=(outcome.key()) {
                            (t(&format!("call-outcome-{}", outcome.key())))
                        }
                    }
                }
            }
        }
    };
    respond(StatusCode::OK, layout(&desk, lang, Some(&agent), body))
}

#[derive(Deserialize)]
pub struct Outcome {
    csrf: String,
    order: String,
    outcome: String,
}

/// `POST /desk/calls/outcome`: records what the call achieved (it counts in
/// the report); an outcome other than "no answer" closes the task.
pub async fn outcome(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Form(form): Form<Outcome>,
) -> Response {
    if !same_secret(&agent.csrf, &form.csrf) {
        let said = desk.text(agent.lang, "desk-form-expired");
        return (StatusCode::FORBIDDEN, said).into_response();
    }
    let Some(outcome) = CallOutcome::parse(&form.outcome) else {
        let said = desk.text(agent.lang, "agent-outcome-usage");
        return (StatusCode::BAD_REQUEST, said).into_response();
    };
    let Some(orders) = desk.engine.orders() else {
        let said = desk.text(agent.lang, "agent-outcome-unknown-order");
        return (StatusCode::NOT_FOUND, said).into_response();
    };
    match orders.record_call(&form.order, outcome) {
        Ok(Some(_)) => {
            tracing::info!(order = %form.order.escape_debug(), outcome = outcome.key(), "call outcome recorded at the desk");
            Redirect::to("/desk/calls").into_response()
        }
        Ok(None) => {
            let said = desk.text(agent.lang, "agent-outcome-unknown-order");
            (StatusCode::NOT_FOUND, said).into_response()
        }
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    }
}
