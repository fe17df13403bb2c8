//! What an agent does at the desk: claim a buyer, reply, write a note,
//! hand the buyer back to the bot or close the conversation. Each is a form POST carrying the
//! agent's CSRF token; the engine decides who owns the buyer, and the
//! buyer's own channel shows what they are told.

use super::AgentDesk;
use super::pages::conversation_page;
use super::signin::Agent;
use crate::channels::desk::Voice;
use crate::channels::http::same_secret;
use crate::engine::{Claim, Reply};
use crate::session::UserId;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::Arc;

/// The longest reply or note an agent can send.
const MAX_TEXT_CHARS: usize = 4000;

#[derive(Deserialize)]
pub struct Act {
    csrf: String,
    buyer: String,
    #[serde(default)]
    text: String,
}

/// The agent, the buyer and the form, once the form is known to be the
/// agent's own (its CSRF token matches).
struct Checked {
    agent: Agent,
    buyer: UserId,
    text: String,
}

fn check(desk: &AgentDesk, agent: Agent, form: Act) -> Result<Checked, Box<Response>> {
    if !same_secret(&agent.csrf, &form.csrf) {
        let said = desk.text(agent.lang, "desk-form-expired");
        return Err(Box::new((StatusCode::FORBIDDEN, said).into_response()));
    }
    let Ok(buyer) = UserId::parse(&form.buyer) else {
        let said = desk.text(agent.lang, "desk-no-buyer");
        return Err(Box::new((StatusCode::NOT_FOUND, said).into_response()));
    };
    Ok(Checked {
        agent,
        buyer,
        text: form.text.trim().to_string(),
    })
}

/// [`check`], for a form that must carry words (a reply, a note).
fn check_words(desk: &AgentDesk, agent: Agent, form: Act) -> Result<Checked, Box<Response>> {
    let c = check(desk, agent, form)?;
    if c.text.is_empty() || c.text.chars().count() > MAX_TEXT_CHARS {
        let said = desk.text(c.agent.lang, "desk-empty-text");
        return Err(Box::new(refused(desk, &c, StatusCode::BAD_REQUEST, said)));
    }
    Ok(c)
}

fn back_to(buyer: &UserId) -> Response {
    let page = format!("/desk/chat?buyer={}", super::pages::chat_query(buyer));
    Redirect::to(&page).into_response()
}

fn refused(desk: &AgentDesk, c: &Checked, status: StatusCode, text: String) -> Response {
    conversation_page(
        desk,
        &c.agent,
        c.buyer.as_str(),
        false,
        Some((status, text)),
    )
}

fn failed(desk: &AgentDesk, c: &Checked, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "a desk action failed");
    refused(desk, c, StatusCode::SERVICE_UNAVAILABLE, e.to_string())
}

fn held_by(desk: &AgentDesk, c: &Checked, owner: &str) -> Response {
    let said = desk
        .engine
        .text_with(c.agent.lang, "desk-held-by", &[("agent", owner)]);
    refused(desk, c, StatusCode::CONFLICT, said)
}

/// Shows the buyer what they are told, on their own channel. `false`:
/// no channel in this process holds them.
async fn show(desk: &AgentDesk, buyer: &UserId, voice: Voice, reply: &Reply) -> bool {
    let Some(outbox) = desk.outbox_for(buyer) else {
        return false;
    };
    if let Err(e) = outbox.show(buyer, voice, reply).await {
        tracing::warn!(error = %e, "showing a desk reply to the buyer failed");
    }
    true
}

/// `POST /desk/claim`: the first claim wins.
pub async fn claim(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Form(form): Form<Act>,
) -> Response {
    let c = match check(&desk, agent, form) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let now = chrono::Utc::now();
    match desk.engine.claim(&c.buyer, &c.agent.name, now).await {
        Ok((Claim::Won, reply)) => {
            show(&desk, &c.buyer, Voice::Agent, &reply).await;
            back_to(&c.buyer)
        }
        Ok((Claim::Yours, _)) => back_to(&c.buyer),
        Ok((Claim::HeldBy(owner), _)) => held_by(&desk, &c, &owner),
        Ok((Claim::WithBot, _)) => {
            let said = desk.text(c.agent.lang, "desk-with-bot");
            refused(&desk, &c, StatusCode::CONFLICT, said)
        }
        Err(e) => failed(&desk, &c, &e),
    }
}

/// `POST /desk/reply`: words to the buyer (claiming them if nobody has).
pub async fn reply(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Form(form): Form<Act>,
) -> Response {
    let c = match check_words(&desk, agent, form) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let now = chrono::Utc::now();
    match desk
        .engine
        .agent_says(&c.buyer, &c.agent.name, &c.text, now)
        .await
    {
        Ok(Ok(reply)) => {
            let blocked = desk
                .engine
                .session(&c.buyer)
                .ok()
                .flatten()
                .is_some_and(|s| s.blocked);
            if !blocked && !show(&desk, &c.buyer, Voice::Agent, &reply).await {
                let said = desk.text(c.agent.lang, "desk-not-delivered");
                return refused(&desk, &c, StatusCode::ACCEPTED, said);
            }
            back_to(&c.buyer)
        }
        Ok(Err(owner)) => held_by(&desk, &c, &owner),
        Err(e) => failed(&desk, &c, &e),
    }
}

/// `POST /desk/note`: kept in the transcript, never sent.
pub async fn note(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Form(form): Form<Act>,
) -> Response {
    let c = match check_words(&desk, agent, form) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let now = chrono::Utc::now();
    match desk
        .engine
        .agent_note(&c.buyer, &c.agent.name, &c.text, now)
        .await
    {
        Ok(()) => back_to(&c.buyer),
        Err(e) => failed(&desk, &c, &e),
    }
}

/// `POST /desk/hand-back`: the bot answers the buyer again.
pub async fn hand_back(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Form(form): Form<Act>,
) -> Response {
    end(&desk, agent, form, "handoff-released").await
}

/// `POST /desk/close`: the agent is done with the buyer's question; the
/// buyer is thanked and the bot answers whatever comes next.
pub async fn close(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Form(form): Form<Act>,
) -> Response {
    end(&desk, agent, form, "handoff-closed").await
}

async fn end(desk: &AgentDesk, agent: Agent, form: Act, farewell: &str) -> Response {
    let c = match check(desk, agent, form) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let now = chrono::Utc::now();
    match desk
        .engine
        .hand_back(&c.buyer, &c.agent.name, farewell, now)
        .await
    {
        Ok(Ok(reply)) => {
            show(desk, &c.buyer, Voice::Bot, &reply).await;
            Redirect::to("/desk").into_response()
        }
        Ok(Err(owner)) => held_by(desk, &c, &owner),
        Err(e) => failed(desk, &c, &e),
    }
}
