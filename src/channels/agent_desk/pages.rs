//! The desk's pages: sign-in, the queue, a conversation. Each page has a
//! `#live` region that `?part=live` answers alone, which `desk.js`
//! swaps in when the buyers on it change; forms sit outside it, so what an
//! agent is typing survives an update. maud escapes every value, so what a
//! buyer wrote renders as text.

use super::AgentDesk;
use super::signin::Agent;
use crate::channels::web::display_name;
use crate::engine::{Handoff, Phone};
use crate::lang::Lang;
use crate::session::{Owner, Session, Speaker, UserId};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use std::sync::Arc;

/// Only this origin's scripts, styles, images and forms; never framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub(super) fn respond(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        markup.into_string(),
    )
        .into_response()
}

pub(super) fn layout(desk: &AgentDesk, lang: Lang, agent: Option<&Agent>, body: Markup) -> Markup {
    let t = |key: &str| desk.text(lang, key);
    html! {
        (DOCTYPE)
        html lang=(lang.to_string()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t("desk-title")) }
                link rel="stylesheet" href="/desk.css";
                script src="/desk.js" defer {}
            }
            body {
                header {
                    a.home href="/desk" { (t("desk-title")) }
                    @if let Some(agent) = agent {
                        nav {
                            a href="/desk" { (t("desk-nav-queue")) }
                            a href="/desk/calls" { (t("desk-nav-calls")) }
                            a href="/desk/plan" { (t("desk-nav-plan")) }
                            a href="/desk/report" target="_blank" { (t("desk-nav-report")) }
                        }
                        span.who { (agent.name) }
                        form method="post" action="/desk/signout" {
                            input type="hidden" name="csrf" value=(agent.csrf);
                            button type="submit" { (t("desk-signout")) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub(super) fn signin(desk: &AgentDesk, lang: Lang, form: &str, problem: Option<&str>) -> Markup {
    let t = |key: &str| desk.text(lang, key);
    layout(
        desk,
        lang,
        None,
        html! {
            h1 { (t("desk-signin-title")) }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            form.signin method="post" action="/desk/signin" {
                input type="hidden" name="form" value=(form);
                label { (t("desk-name")) input name="name" autocomplete="username" required autofocus; }
                label { (t("desk-password")) input type="password" name="password" autocomplete="current-password" required; }
                button type="submit" { (t("desk-signin")) }
            }
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    buyer: String,
    part: String,
}

/// `GET /desk`: who waits, oldest first, and who is with whom.
pub async fn queue(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Query(query): Query<PageQuery>,
) -> Response {
    let list = match desk.engine.handoffs() {
        Ok(list) => list,
        Err(e) => {
            return respond(
                StatusCode::SERVICE_UNAVAILABLE,
                html! { p { (e.to_string()) } },
            );
        }
    };
    let live = queue_live(&desk, &agent, &list);
    if query.part == "live" {
        return respond(StatusCode::OK, live);
    }
    let body = html! { div #live { (live) } };
    respond(
        StatusCode::OK,
        layout(&desk, agent.lang, Some(&agent), body),
    )
}

fn queue_live(desk: &AgentDesk, agent: &Agent, list: &[Handoff]) -> Markup {
    let lang = agent.lang;
    let t = |key: &str| desk.text(lang, key);
    let now = chrono::Utc::now().timestamp();
    let (waiting, serving): (Vec<&Handoff>, Vec<&Handoff>) =
        list.iter().partition(|h| h.agent.is_none());
    let minutes = |h: &Handoff| {
        let m = ((now - h.since).max(0) / 60).to_string();
        desk.engine
            .text_with(lang, "desk-minutes", &[("minutes", &m)])
    };
    // Waited past the time the Telegram group would be pinged: marked.
    let ping_after = i64::from(desk.engine.config().agents.ping_after_minutes) * 60;
    let late = |h: &Handoff| now - h.since >= ping_after;
    html! {
        div.live data-waiting=(waiting.len()) {
            h2 { (t("desk-queue")) " " span.count { (waiting.len()) } }
            @if waiting.is_empty() {
                p.empty { (t("desk-queue-empty")) }
            } @else {
                table.queue {
                    thead { tr {
                        th { (t("desk-col-buyer")) } th { (t("desk-col-lang")) }
                        th { (t("desk-col-channel")) } th { (t("desk-col-order")) }
                        th { (t("desk-col-waited")) } th { (t("desk-col-blocker")) }
                        th { (t("desk-col-last")) } th {}
                    } }
                    tbody {
                        @for h in &waiting {
                            tr.waiting.late[late(h)] data-buyer=(h.buyer.as_str()) {
                                td { a href=(chat_href(&h.buyer)) { (display_name(h.buyer.as_str())) } }
                                td { (h.lang.to_string()) }
                                td { (t(channel_key(&h.buyer))) }
                                td { (h.order.as_deref().unwrap_or("–")) }
                                td { (minutes(h)) }
                                td { @if let Some(i) = h.blocker { (t(&format!("intent-{}", i.label()))) } @else { "–" } }
                                td.last { (h.last_words) }
                                td { (claim_form(desk, agent, &h.buyer)) }
                            }
                        }
                    }
                }
            }
            h2 { (t("desk-serving")) }
            @if serving.is_empty() {
                p.empty { (t("desk-serving-empty")) }
            } @else {
                table.serving {
                    thead { tr {
                        th { (t("desk-col-buyer")) } th { (t("desk-col-agent")) }
                        th { (t("desk-col-channel")) } th { (t("desk-col-order")) }
                        th { (t("desk-col-last")) }
                    } }
                    tbody {
                        @for h in &serving {
                            tr data-buyer=(h.buyer.as_str()) {
                                td { a href=(chat_href(&h.buyer)) { (display_name(h.buyer.as_str())) } }
                                td { (h.agent.as_deref().unwrap_or("")) }
                                td { (t(channel_key(&h.buyer))) }
                                td { (h.order.as_deref().unwrap_or("–")) }
                                td.last { (h.last_words) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn claim_form(desk: &AgentDesk, agent: &Agent, buyer: &UserId) -> Markup {
    html! {
        form method="post" action="/desk/claim" {
            input type="hidden" name="csrf" value=(agent.csrf);
            input type="hidden" name="buyer" value=(buyer.as_str());
            button.claim type="submit" { (desk.text(agent.lang, "desk-claim")) }
        }
    }
}

/// `GET /desk/chat?buyer=`: one buyer's card, transcript and the agent's forms.
pub async fn conversation(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Query(query): Query<PageQuery>,
) -> Response {
    conversation_page(&desk, &agent, &query.buyer, query.part == "live", None)
}

/// The conversation page, with `problem` said above it (a refused action).
pub(super) fn conversation_page(
    desk: &AgentDesk,
    agent: &Agent,
    buyer: &str,
    live_only: bool,
    problem: Option<(StatusCode, String)>,
) -> Response {
    let lang = agent.lang;
    let t = |key: &str| desk.text(lang, key);
    let session = UserId::parse(buyer)
        .ok()
        .and_then(|id| desk.engine.session(&id).ok().flatten());
    let Some(session) = session else {
        let body = html! { p.problem { (t("desk-no-buyer")) } a href="/desk" { (t("desk-back")) } };
        return respond(StatusCode::NOT_FOUND, layout(desk, lang, Some(agent), body));
    };
    let live = conversation_live(desk, agent, &session);
    if live_only {
        return respond(StatusCode::OK, live);
    }
    let (status, problem) = match problem {
        Some((status, text)) => (status, Some(text)),
        None => (StatusCode::OK, None),
    };
    let canned: Vec<String> = crate::content::CANNED_KEYS
        .iter()
        .map(|k| desk.text(session.lang, k))
        .collect();
    let buyer = session.user.as_str();
    let body = html! {
        a.back href="/desk" { (t("desk-back")) }
        @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
        div #live data-buyer=(buyer) { (live) }
        form.reply method="post" action="/desk/reply" {
            input type="hidden" name="csrf" value=(agent.csrf);
            input type="hidden" name="buyer" value=(buyer);
            select data-canned="reply-text" aria-label=(t("desk-canned")) {
                option value="" { (t("desk-canned")) }
                @for text in &canned { option value=(text) { (text) } }
            }
            textarea #reply-text name="text" rows="3" maxlength="4000"
                placeholder=(t("desk-reply-placeholder")) {}
            button type="submit" { (t("desk-reply")) }
        }
        form.note method="post" action="/desk/note" {
            input type="hidden" name="csrf" value=(agent.csrf);
            input type="hidden" name="buyer" value=(buyer);
            textarea name="text" rows="2" maxlength="4000" placeholder=(t("desk-note-placeholder")) {}
            button type="submit" { (t("desk-note")) }
        }
        div.endings {
            form.hand-back method="post" action="/desk/hand-back" {
                input type="hidden" name="csrf" value=(agent.csrf);
                input type="hidden" name="buyer" value=(buyer);
                button type="submit" { (t("desk-hand-back")) }
            }
            form.close method="post" action="/desk/close" {
                input type="hidden" name="csrf" value=(agent.csrf);
                input type="hidden" name="buyer" value=(buyer);
                button type="submit" { (t("desk-close")) }
            }
        }
    };
    respond(status, layout(desk, lang, Some(agent), body))
}

fn conversation_live(desk: &AgentDesk, agent: &Agent, session: &Session) -> Markup {
    let lang = agent.lang;
    let t = |key: &str| desk.text(lang, key);
    let name = display_name(session.user.as_str());
    html! {
        div.live.chat {
            h1 { (name) }
            @match &session.owner {
                Owner::Agent { agent: owner } if *owner == agent.name => p.status.yours { (t("desk-yours")) },
                Owner::Agent { agent: owner } => p.status.held {
                    (desk.engine.text_with(lang, "desk-held-by", &[("agent", owner)]))
                },
                Owner::WaitingForAgent => p.status.waiting {
                    (t("desk-waiting")) " " (claim_form(desk, agent, &session.user))
                },
                Owner::Bot => p.status.bot { (t("desk-with-bot")) },
            }
            section.card {
                h2 { (t("desk-card")) }
                dl {
                    // Only signed-in agents see this page: the whole number, to call back.
                    @for (label, value) in desk.engine.card_fields(session, &name, lang, Phone::Whole) {
                        dt { (label) } dd { (value) }
                    }
                }
            }
            section.transcript {
                h2 { (t("desk-transcript")) }
                ol {
                    @for turn in &session.transcript {
                        @let (class, who) = speaker(turn.from);
                        li class=(class) {
                            span.who { (t(who)) }
                            time { (clock(turn.at)) }
                            @if let Some(file) = screenshot_name(&turn.text) {
                                a href=(format!("/desk/files/{file}")) target="_blank" {
                                    img src=(format!("/desk/files/{file}")) alt=(t("desk-screenshot"));
                                }
                            } @else {
                                p { (turn.text) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn speaker(from: Speaker) -> (&'static str, &'static str) {
    match from {
        Speaker::Buyer => ("buyer", "desk-from-buyer"),
        Speaker::Bot => ("bot", "desk-from-bot"),
        Speaker::Agent => ("agent", "desk-from-agent"),
        Speaker::Note => ("note", "desk-from-note"),
    }
}

/// The file a web buyer's screenshot turn names (`[photo <file>]`).
fn screenshot_name(text: &str) -> Option<&str> {
    let name = text.strip_prefix("[photo ")?.strip_suffix(']')?;
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .then_some(name)
}

fn clock(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn channel_key(buyer: &UserId) -> &'static str {
    if buyer.telegram_chat().is_some() {
        "desk-channel-telegram"
    } else {
        "desk-channel-web"
    }
}

fn chat_href(buyer: &UserId) -> String {
    format!("/desk/chat?buyer={}", chat_query(buyer))
}

/// A buyer id, percent-encoded for a query string.
pub(super) fn chat_query(buyer: &UserId) -> String {
    encode(buyer.as_str())
}

/// `text` percent-encoded for a query string.
pub(super) fn encode(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b':') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
