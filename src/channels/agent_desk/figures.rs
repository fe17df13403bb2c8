//! The shop's figures at the desk, read from the running process (the
//! command-line `reminders plan` and `report` cannot open a database the
//! server holds): the reminder plan, paged and filtered, and the
//! conversion report with its charts.

use super::AgentDesk;
use super::pages::{layout, respond};
use super::signin::Agent;
use crate::reminders::{Channel, Decision, Summary};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;

/// Orders a plan page shows.
const PAGE: usize = 50;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PlanQuery {
    /// `message`, `call`, `none`, or empty for every decision.
    decision: String,
    buyer: String,
    order: String,
    page: usize,
}

impl PlanQuery {
    fn keeps(&self, order: &crate::orders::Order, decision: &Decision) -> bool {
        let kind = match decision {
            Decision::Remind {
                channel: Channel::Message,
                ..
            } => "message",
            Decision::Remind {
                channel: Channel::Call,
                ..
            } => "call",
            Decision::Skip(_) => "none",
        };
        (self.decision.is_empty() || self.decision == kind)
            && (self.buyer.is_empty() || order.buyer.contains(self.buyer.trim()))
            && (self.order.is_empty() || order.id.contains(self.order.trim()))
    }
}

struct Row {
    order: String,
    buyer: String,
    amount: String,
    decision: String,
}

/// One range of the buyer index: how many orders matched, the first of
/// them (as many as the page needs), and the whole plan's counts.
#[derive(Default)]
struct Part {
    matched: usize,
    rows: Vec<Row>,
    summary: Summary,
}

/// `GET /desk/plan`: what the scheduler will do with each unpaid order, and why.
pub async fn plan(
    State(desk): State<Arc<AgentDesk>>,
    agent: Agent,
    Query(query): Query<PlanQuery>,
) -> Response {
    let lang = agent.lang;
    let t = |key: &str| desk.text(lang, key);
    let engine = desk.engine.clone();
    let wanted = query.clone();
    // A plan reads every order: off the async workers.
    let parts = tokio::task::spawn_blocking(move || -> Result<Vec<Part>, String> {
        let orders = engine.orders().ok_or("no order storage")?;
        let states = engine.buyer_states().map_err(|e| e.to_string())?;
        let tz = orders.timezone();
        let keep = (wanted.page + 1) * PAGE;
        let parts = orders
            .plan(
                chrono::Utc::now(),
                &states,
                |part: &mut Part, order, decision| {
                    part.summary.count(&decision);
                    if wanted.keeps(order, &decision) {
                        part.matched += 1;
                        if part.rows.len() < keep {
                            part.rows.push(Row {
                                order: order.id.clone(),
                                buyer: order.buyer.clone(),
                                amount: order.amount_text(),
                                decision: decision.describe(tz),
                            });
                        }
                    }
                },
            )
            .map_err(|e| e.to_string())?;
        Ok(parts)
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    let parts = match parts {
        Ok(parts) => parts,
        Err(e) => {
            let body = html! { p.problem { (e) } };
            return respond(
                StatusCode::SERVICE_UNAVAILABLE,
                layout(&desk, lang, Some(&agent), body),
            );
        }
    };
    let mut summary = Summary::default();
    let mut matched = 0;
    let mut rows = Vec::new();
    for part in parts {
        summary.merge(&part.summary);
        matched += part.matched;
        rows.extend(part.rows);
    }
    let rows: Vec<Row> = rows
        .into_iter()
        .skip(query.page * PAGE)
        .take(PAGE)
        .collect();
    let page_link = |page: usize| {
        let mut link = format!("/desk/plan?page={page}");
        for (name, value) in [
            ("decision", &query.decision),
            ("buyer", &query.buyer),
            ("order", &query.order),
        ] {
            if !value.is_empty() {
                link.push_str(&format!("&{name}={}", super::pages::encode(value)));
            }
        }
        link
    };
    let counts = [
        ("shown", rows.len().to_string()),
        ("matched", matched.to_string()),
        ("orders", summary.orders.to_string()),
        ("message", summary.message.to_string()),
        ("call", summary.call.to_string()),
    ];
    let vars: Vec<(&'static str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let body = html! {
        h1 { (t("desk-plan")) }
        p.summary { (desk.engine.text_with(lang, "desk-plan-summary", &vars)) }
        form.filter method="get" action="/desk/plan" {
            label { (t("desk-filter-decision"))
                select name="decision" {
                    @for (value, key) in [("", "desk-filter-any"), ("message", "desk-filter-message"), ("call", "desk-filter-call"), ("none", "desk-filter-none")] {
                        option value=(value) selected[query.decision == value] { (t(key)) }
                    }
                }
            }
            label { (t("desk-col-buyer")) input name="buyer" value=(query.buyer); }
            label { (t("desk-col-order")) input name="order" value=(query.order); }
            button type="submit" { (t("desk-filter-apply")) }
        }
        table.plan {
            thead { tr { th { (t("desk-col-order")) } th { (t("desk-col-buyer")) } th { (t("desk-col-amount")) } th { (t("desk-col-decision")) } } }
            tbody {
                @for row in &rows {
                    tr { td { (row.order) } td { (row.buyer) } td.amount { (row.amount) } td { (row.decision) } }
                }
            }
        }
        nav.pages {
            @if query.page > 0 { a href=(page_link(query.page - 1)) { (t("desk-page-previous")) } }
            @if (query.page + 1) * PAGE < matched { a href=(page_link(query.page + 1)) { (t("desk-page-next")) } }
        }
    };
    respond(StatusCode::OK, layout(&desk, lang, Some(&agent), body))
}

#[derive(Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    days: u32,
}

impl Default for ReportQuery {
    fn default() -> Self {
        ReportQuery { days: 30 }
    }
}

/// `GET /desk/report?days=N`: the conversion report over orders of the last
/// N days (0: all), as its own page of inline SVG charts.
pub async fn report(
    State(desk): State<Arc<AgentDesk>>,
    _: Agent,
    Query(query): Query<ReportQuery>,
) -> Response {
    let engine = desk.engine.clone();
    let now = chrono::Utc::now();
    let since = match query.days {
        0 => 0,
        days => (now - chrono::Duration::days(i64::from(days))).timestamp(),
    };
    let built = tokio::task::spawn_blocking(move || engine.report(since)).await;
    let report = match built
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
    {
        Ok(report) => report,
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, e).into_response(),
    };
    let period = match query.days {
        0 => "at any time".to_string(),
        days => format!("in the last {days} days"),
    };
    let heading = format!(
        "{}: orders created {period}, as of {}",
        desk.engine.config().shop.name,
        now.format("%Y-%m-%d %H:%M UTC")
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // The report's page styles itself inline and runs no script.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        report.to_html(&heading),
    )
        .into_response()
}
