//! What channels call around a human handoff and delivery: relaying agents'
//! words, notes, media, taps on quick replies, blocked buyers, the agents'
//! summary card, and the scan for buyers still waiting for a person.

use super::Engine;
use crate::error::Error;
use crate::intent::Intent;
use crate::lang::Lang;
use crate::orders::Order;
use crate::reminders::BuyerState;
use crate::session::{DialogState, Owner, Session, Speaker, UserId};
use crate::store::{Commit, wait_durable};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What the agents see first when a buyer is handed to them.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentCard {
    /// A short title for the agents' thread: name, language, order.
    pub title: String,
    /// The card itself, in the agents' language; buyer text is quoted as is.
    pub text: String,
}

/// How many transcript turns the card quotes.
const CARD_TURNS: usize = 8;

impl Engine {
    /// A tap on a quick reply: `question` is the tag the reply carried. A tap
    /// on a keyboard whose question is no longer pending is not replayed into
    /// a later step; the buyer is told and asked the current question.
    pub async fn handle_tap(
        &self,
        user: &UserId,
        question: u64,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<super::Reply, Error> {
        let (reply, commit) = self.tap_written(user, question, value, now)?;
        wait_durable(&*self.store, commit).await?;
        Ok(reply)
    }

    /// [`Engine::handle_tap`] up to the write (see [`Engine::handle_written`]).
    pub fn tap_written(
        &self,
        user: &UserId,
        question: u64,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<(super::Reply, Commit), Error> {
        self.with_session(user, now, |engine, t| {
            let pending =
                !matches!(t.session.state, DialogState::Idle) && t.session.asked_turn == question;
            if pending && t.session.with_bot() {
                t.tapped = true;
                engine.respond(t, value);
            } else {
                t.say("tap-expired");
                if t.session.with_bot() {
                    engine.repeat_question(t);
                }
            }
        })
    }

    /// A photo, sticker, voice note or file. With the bot: a polite reply
    /// that it reads text. With a person: recorded, and the channel relays it.
    pub async fn handle_media(
        &self,
        user: &UserId,
        kind: &str,
        now: DateTime<Utc>,
    ) -> Result<super::Reply, Error> {
        let (reply, commit) = self.media_written(user, kind, now)?;
        wait_durable(&*self.store, commit).await?;
        Ok(reply)
    }

    /// [`Engine::handle_media`] up to the write (see [`Engine::handle_written`]).
    pub fn media_written(
        &self,
        user: &UserId,
        kind: &str,
        now: DateTime<Utc>,
    ) -> Result<(super::Reply, Commit), Error> {
        let keep = self.config.session.transcript_turns;
        self.with_session(user, now, |engine, t| {
            t.session
                .record(Speaker::Buyer, &format!("[{kind}]"), now.timestamp(), keep);
            t.session.blocked = false;
            if t.session.with_bot() {
                t.say("media-unsupported");
                engine.repeat_question(t);
            }
        })
    }

    /// An agent's internal note: kept in the transcript, never sent.
    pub async fn agent_note(
        &self,
        user: &UserId,
        agent: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let keep = self.config.session.transcript_turns;
        let (_, commit) = self.with_session(user, now, |_, t| {
            t.session.record(
                Speaker::Note,
                &format!("{agent}: {text}"),
                now.timestamp(),
                keep,
            );
        })?;
        Ok(wait_durable(&*self.store, commit).await?)
    }

    /// The buyer blocked the bot (a send failed with "forbidden"): nothing is
    /// sent to them until they write again.
    pub async fn mark_blocked(&self, user: &UserId, now: DateTime<Utc>) -> Result<(), Error> {
        let (_, commit) = self.with_session(user, now, |_, t| t.session.blocked = true)?;
        Ok(wait_durable(&*self.store, commit).await?)
    }

    /// Records the agents' thread for this buyer, once: the first thread
    /// claimed wins, and the thread's id leads back to the buyer.
    pub async fn set_agent_thread(
        &self,
        user: &UserId,
        thread: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.store.claim("thread", thread, user.as_str())?;
        let (_, commit) = self.with_session(user, now, |_, t| {
            t.session
                .agent_thread
                .get_or_insert_with(|| thread.to_string());
        })?;
        Ok(wait_durable(&*self.store, commit).await?)
    }

    /// The buyer an agents' thread is about.
    pub fn user_for_thread(&self, thread: &str) -> Result<Option<UserId>, Error> {
        Ok(self
            .store
            .lookup("thread", thread)?
            .and_then(|u| UserId::parse(&u).ok()))
    }

    pub fn session(&self, user: &UserId) -> Result<Option<Session>, Error> {
        Ok(self.store.load(user)?)
    }

    /// Buyers handed to a person at least `after` ago whom no agent has
    /// answered yet and whose agents have not been reminded.
    pub fn waiting_for_agents(
        &self,
        now: DateTime<Utc>,
        after: chrono::Duration,
    ) -> Result<Vec<Session>, Error> {
        let cutoff = (now - after).timestamp();
        let mut waiting = Vec::new();
        self.store.scan(&mut |s| {
            if s.owner == Owner::WaitingForAgent
                && !s.agent_pinged
                && s.handoff_at.is_some_and(|at| at <= cutoff)
            {
                waiting.push(s);
            }
        })?;
        Ok(waiting)
    }

    pub async fn mark_pinged(&self, user: &UserId, now: DateTime<Utc>) -> Result<(), Error> {
        let (_, commit) = self.with_session(user, now, |_, t| t.session.agent_pinged = true)?;
        Ok(wait_durable(&*self.store, commit).await?)
    }

    /// A text in `lang` outside any conversation (agents' notices, banners).
    pub fn text(&self, lang: Lang, key: &str) -> String {
        self.render_for(lang, None, key)
    }

    /// The line that tells agents a buyer's words reach them late (the
    /// group's rate limit held them `minutes`).
    pub fn relay_late_note(&self, lang: Lang, minutes: u64) -> String {
        self.text_with(
            lang,
            "agent-relay-late",
            &[("minutes", &minutes.to_string())],
        )
    }

    /// A text about `order` for the agents (not for its buyer).
    pub fn order_text(&self, lang: Lang, order: &Order, key: &str) -> String {
        self.render_for(lang, Some(order), key)
    }

    fn render_for(&self, lang: Lang, order: Option<&Order>, key: &str) -> String {
        let session = Session {
            lang,
            order: order.map(|o| o.id.clone()),
            ..Session::default()
        };
        self.render(&session, order, Utc::now(), key)
    }

    /// The summary card's lines for a desk, as (label, value): buyer,
    /// language, intents seen, details (phone numbers as `phone` says, the
    /// stated pay time, methods lacked), order. In the agents' language.
    pub fn card_fields(
        &self,
        session: &Session,
        name: &str,
        lang: Lang,
        phone: Phone,
    ) -> Vec<(String, String)> {
        let label = |key: &str| self.text(lang, key);
        let none = label("card-none");
        let intents: Vec<String> = session
            .intents_seen
            .iter()
            .map(|i| i.label().to_string())
            .collect();
        let is_phone = |k: &str| {
            self.content
                .flows
                .slots
                .get(k)
                .is_some_and(|s| s.kind == crate::dialog::SlotKind::Phone)
        };
        let mut slots: Vec<String> = session
            .slots
            .iter()
            .map(|(k, v)| match (is_phone(k), phone) {
                (true, Phone::Masked) => format!("{k}={}", mask_phone(v)),
                _ => format!("{k}={v}"),
            })
            .collect();
        if let Some(at) = session
            .pay_at
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        {
            slots.push(format!("pay_at={}", at.format("%Y-%m-%d %H:%M UTC")));
        }
        if !session.lacks.is_empty() {
            slots.push(format!("lacks={}", session.lacks.join("/")));
        }
        let list = |items: Vec<String>| {
            if items.is_empty() {
                none.clone()
            } else {
                items.join(", ")
            }
        };
        vec![
            (label("card-buyer"), format!("{name} ({})", session.user)),
            (label("card-language"), session.lang.to_string()),
            (label("card-intents"), list(intents)),
            (label("card-slots"), list(slots)),
            (label("card-order"), self.card_order(session, lang, &none)),
        ]
    }

    /// The order the bot quotes to this buyer, as agents need it: id, items,
    /// amount, status and when it closes.
    fn card_order(&self, session: &Session, lang: Lang, none: &str) -> String {
        let order = self
            .bound_order(&session.user, session.order.as_deref())
            .or_else(|| self.latest_open_order(&session.user));
        match order {
            Some(order) => {
                let mut text = format!(
                    "{} · {} · {} · {}",
                    order.id,
                    self.items_text(lang, &order),
                    order.amount(),
                    match order.status {
                        crate::orders::Status::Unpaid => "unpaid",
                        crate::orders::Status::Paid => "paid",
                        crate::orders::Status::Cancelled => "cancelled",
                        crate::orders::Status::Closed => "closed",
                    }
                );
                if let Some(at) = order
                    .auto_close_at
                    .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                {
                    text.push_str(&format!(" · {}", at.format("%Y-%m-%d %H:%M UTC")));
                }
                text
            }
            None => session.order.clone().unwrap_or_else(|| none.to_string()),
        }
    }

    /// The summary card the agents see first: language, intents seen, slots,
    /// the order, and the last turns.
    pub fn agent_card(&self, session: &Session, name: &str, lang: Lang) -> AgentCard {
        let mut text = self.text(lang, "card-title");
        // The group is a chat many can read: numbers are masked there.
        for (label, value) in self.card_fields(session, name, lang, Phone::Masked) {
            text.push_str(&format!("\n{label}: {value}"));
        }
        text.push_str(&format!("\n{}:", self.text(lang, "card-transcript")));
        let skip = session.transcript.len().saturating_sub(CARD_TURNS);
        for turn in session.transcript.iter().skip(skip) {
            let who = match turn.from {
                Speaker::Buyer => "buyer",
                Speaker::Bot => "bot",
                Speaker::Agent => "agent",
                Speaker::Note => "note",
            };
            // A number a buyer typed is shown masked, as in the details line.
            text.push_str(&format!("\n[{who}] {}", mask_numbers(&turn.text)));
        }
        let title: String = format!(
            "{name} · {} · {}",
            session.lang,
            session.order.as_deref().unwrap_or("-")
        )
        .chars()
        .take(128)
        .collect();
        AgentCard { title, text }
    }
}

/// What a session tells the reminder policy about its buyer.
pub(super) fn reminder_view(s: &Session) -> BuyerState {
    BuyerState {
        stopped: s.reminders_stopped,
        blocked: s.blocked,
        with_agent: !s.with_bot(),
        hesitated: s
            .intents_seen
            .iter()
            .any(|i| matches!(i, Intent::Hesitant | Intent::CancelOrder)),
        last_reminded: None,
        pay_at: s.pay_at,
        last_active: None,
    }
}

/// [`reminder_view`] and when the buyer last talked with the bot: what the
/// scheduler asks. Kept apart because it changes at every turn, while a
/// change of `reminder_view` reschedules the buyer's orders.
fn activity_view(s: &Session) -> BuyerState {
    BuyerState {
        last_active: Some(s.updated_at),
        ..reminder_view(s)
    }
}

/// The blockers a reminder offers as quick replies; each leads into its dialog.
const REMINDER_BLOCKERS: [Intent; 6] = [
    Intent::InsufficientBalance,
    Intent::ForgotPassword,
    Intent::VerificationFailed,
    Intent::SlowNetwork,
    Intent::ThinksPaid,
    Intent::CancelOrder,
];

impl Engine {
    /// What the reminder scheduler needs to know about a buyer right now.
    pub fn buyer_state(&self, order: &Order) -> BuyerState {
        let session = self
            .order_owner(order)
            .and_then(|u| self.store.load(&u).ok().flatten());
        session
            .as_ref()
            .map_or_else(Default::default, activity_view)
    }

    /// [`Engine::buyer_state`] for every order at once, from one pass over the
    /// stored sessions and order bindings: a plan asks about every order, and
    /// a lookup per order would cost more than the plan itself.
    pub fn buyer_states(&self) -> Result<impl Fn(&Order) -> BuyerState + Sync + use<>, Error> {
        let mut bound = HashMap::new();
        self.store.scan_claims("order", &mut |order, user| {
            bound.insert(order.to_string(), user.to_string());
        })?;
        let mut states = HashMap::new();
        self.store.scan(&mut |session| {
            states.insert(session.user.to_string(), activity_view(&session));
        })?;
        // Keyed by the id as text: a stored session's id is valid, so a
        // match needs no parsing.
        Ok(move |order: &Order| {
            let claimed = bound.get(&order.id).map(String::as_str);
            let owner = crate::session::order_owner(&order.buyer, claimed);
            states.get(owner).copied().unwrap_or_default()
        })
    }

    /// A payment reminder for the buyer's own order: the strategy's text in
    /// their language, quoting the order, then "what's in the way?" with the
    /// common blockers as quick replies. Says nothing to a buyer who stopped
    /// reminders, blocked the bot, or is with a person.
    pub async fn remind(
        &self,
        order: &crate::orders::Order,
        strategy: &str,
        variant: u8,
        now: DateTime<Utc>,
    ) -> Result<super::Reply, Error> {
        let user = self.order_owner(order).ok_or_else(|| Error::UserId {
            id: order.buyer.clone(),
            reason: "not a buyer id",
        })?;
        // A buyer who never chatted is reminded in the order's language if
        // the shop sent one, else in the shop's.
        let (reply, commit) =
            self.with_session_hinted(&user, order.buyer_lang, now, |engine, t| {
                if !t.session.with_bot() || t.session.blocked || t.session.reminders_stopped {
                    return;
                }
                t.session.order = Some(order.id.clone());
                t.order = Some(order.clone());
                t.session.misses = 0;
                t.say(format!(
                    "reminder-{strategy}-{}",
                    if variant == 0 { "a" } else { "b" }
                ));
                engine.ask(
                    t,
                    DialogState::Clarifying {
                        options: REMINDER_BLOCKERS.to_vec(),
                    },
                    "reminder-ask",
                );
            })?;
        wait_durable(&*self.store, commit).await?;
        Ok(reply)
    }

    /// `/outcome ORDER_ID RESULT` from an agent: records what a call
    /// achieved (it counts in `paynudge report`) and returns the notice for
    /// the agents, in their language.
    pub fn record_call_outcome(&self, args: &str, lang: Lang) -> Result<String, Error> {
        let words: Vec<&str> = args.split_whitespace().collect();
        match words[..] {
            [order_id, outcome] => match crate::reminders::CallOutcome::parse(outcome) {
                Some(outcome) => self.record_outcome(order_id, outcome, lang),
                None => Ok(self.text(lang, "agent-outcome-usage")),
            },
            _ => Ok(self.text(lang, "agent-outcome-usage")),
        }
    }

    /// Records a call's outcome (typed, or a button tapped); the answer for
    /// the agents, in their language.
    pub fn record_outcome(
        &self,
        order_id: &str,
        outcome: crate::reminders::CallOutcome,
        lang: Lang,
    ) -> Result<String, Error> {
        let recorded = match &self.orders {
            Some(orders) => orders.record_call(order_id, outcome)?,
            None => None,
        };
        Ok(match recorded {
            Some(order) => self.order_text(lang, &order, "agent-outcome-saved"),
            None => self.text(lang, "agent-outcome-unknown-order"),
        })
    }

    /// `paynudge report` over orders created at or after `since` (Unix
    /// seconds), with the blocker each buyer last named in chat.
    pub fn report(&self, since: i64) -> Result<crate::reminders::Report, Error> {
        let orders = self
            .orders
            .as_ref()
            .ok_or_else(|| Error::Setup("no order storage".into()))?;
        let blocker = |order: &Order| {
            let session = self.store.load(&self.order_owner(order)?).ok()??;
            session
                .intents_seen
                .iter()
                .rev()
                .find(|i| i.is_payment_intent())
                .map(|i| i.to_string())
        };
        Ok(orders.report(since, &blocker))
    }

    /// The call task for a large order: who to call, the order and the call
    /// script, in the buyer's language. The phone number is whole only in
    /// the task an agent works (`Phone::Whole`); lists show it masked.
    pub fn call_task(&self, order: &crate::orders::Order, phone: Phone) -> String {
        let user = self.order_owner(order);
        let lang = user
            .as_ref()
            .and_then(|u| self.store.load(u).ok().flatten())
            .map(|s| s.lang)
            .or(order.buyer_lang)
            .unwrap_or(self.config.shop.default_lang);
        let session = Session {
            lang,
            order: Some(order.id.clone()),
            ..Session::default()
        };
        let line = |key: &str| self.render(&session, Some(order), Utc::now(), key);
        let mut lines: Vec<String> = crate::content::CALL_SCRIPT_KEYS
            .iter()
            .map(|k| line(k))
            .collect();
        let mut args = fluent_bundle::FluentArgs::new();
        let unknown = || "?".to_string();
        args.set("name", order.buyer_name.clone().unwrap_or_else(unknown));
        args.set(
            "phone",
            order
                .buyer_phone
                .as_deref()
                .map_or_else(unknown, |p| match phone {
                    Phone::Whole => p.to_string(),
                    Phone::Masked => mask_phone(p),
                }),
        );
        args.set("buyer", order.buyer.clone());
        lines.insert(1, self.content.locales.text(lang, "call-buyer", &args));
        lines.join("\n")
    }
}

/// How a call task shows the buyer's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phone {
    /// In the task an agent works: the number to dial.
    Whole,
    /// In lists: `138****8000`.
    Masked,
}

/// A phone number as lists show it: `138****8000`.
pub fn mask_phone(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    // An 11-digit mobile keeps its prefix (`138****8000`); shorter numbers
    // keep only their last four digits.
    let head: String = match chars.len() {
        11.. => chars[..3].iter().collect(),
        _ => String::new(),
    };
    let hidden = chars.len() - head.chars().count() - tail.chars().count();
    format!("{head}{}{tail}", "*".repeat(hidden))
}

/// `text` with every run of seven or more digits (spaces and dashes
/// allowed between them) masked like a phone number.
fn mask_numbers(text: &str) -> String {
    static NUMBER: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\+?[0-9][0-9 -]{5,}[0-9]").expect("valid"));
    NUMBER
        .replace_all(text, |m: &regex::Captures<'_>| {
            let digits: String = m[0].chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 7 {
                mask_phone(&digits)
            } else {
                m[0].to_string()
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_masked() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("5550142"), "***0142");
        assert_eq!(
            mask_numbers("他电话是138 0013 8000，订单A-12"),
            "他电话是138****8000，订单A-12"
        );
    }
}
