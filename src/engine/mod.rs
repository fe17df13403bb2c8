//! The conversation engine: one buyer message in, the bot's replies out.
//!
//! Channels (console, Telegram) call [`Engine::handle`] with a user id and the
//! text, and show the [`Reply`] once it returns, which is after the session's
//! new state is durable. The engine knows nothing of any channel.

use crate::config::Config;
use crate::content::Content;
use crate::dialog::{Target, option_key};
use crate::error::Error;
use crate::intent::Intent;
use crate::lang::{self, Lang};
use crate::links::LinkSigner;
use crate::nlu::lexicon::Signal;
use crate::nlu::{Classifier, Prediction, normalize::normalize};
use crate::orders::Order;
use crate::reminders::Reminders;
use crate::session::{DialogState, Owner, Session, Speaker, UserId};
use crate::store::{Commit, SessionStore, wait_durable};
use chrono::{DateTime, Utc};
use fluent_bundle::FluentArgs;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

mod answers;
mod commands;
mod desk;
mod handoff;
mod repair;
mod texts;
pub use desk::{Claim, Handoff};
pub use handoff::{AgentCard, Phone};
use texts::fingerprint;

/// Messages longer than this are cut before anything else happens: nobody
/// types 16 KB into a chat, and the cap bounds the work a message can cause.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

/// Misses in a row (not understood) after which the bot offers a person.
const MISSES_BEFORE_HUMAN: u8 = 2;

/// Dialog hops one message may cause (a guard; validation rejects loops).
const MAX_HOPS: usize = 32;

/// A quick-reply option: `value` is what a tap sends back, `label` what it shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuickReply {
    pub value: String,
    pub label: String,
}

/// What the bot answers to one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    pub user: String,
    pub lang: Lang,
    /// The intent the engine acted on (for an answer to a dialog's question,
    /// that dialog's intent).
    pub intent: Intent,
    /// Rounded to three decimals.
    pub confidence: f64,
    /// `idle`, `<intent>/<step>`, `clarify`, `offer_human` or `handoff`.
    pub state: String,
    pub replies: Vec<String>,
    pub options: Vec<QuickReply>,
    /// The session is with customer service (the bot stays silent).
    pub handoff: bool,
    /// This message handed the buyer to customer service (the channel
    /// alerts the agents).
    pub handoff_started: bool,
    /// Tag of the pending question, when `options` are offered: a channel
    /// sends it back with a tap so a tap on an old keyboard is recognised.
    pub question: Option<u64>,
    /// The buyer asked for no payment reminders (`/stop`, or in words).
    pub reminders_stopped: bool,
    /// This message took back a request for a person ("never mind"): the
    /// channel tells the agents' thread.
    pub handoff_withdrawn: bool,
}

pub struct Engine {
    config: Config,
    content: Content,
    classifier: Arc<Classifier>,
    store: Arc<dyn SessionStore>,
    /// A buyer's turns never interleave: load-modify-save holds the buyer's
    /// shard lock (std mutex: never held across an await). Sharded so that
    /// different buyers rarely wait on each other.
    locks: Box<[Mutex<()>]>,
    /// Checks deep-link payloads (`/start <payload>`); `None`: links are off.
    links: Option<LinkSigner>,
    /// The shop's orders, so replies can quote the buyer's own order.
    orders: Option<Arc<Reminders>>,
    /// Who waits for a person and who is with whom, for the desks.
    handoffs: desk::Handoffs,
}

/// One line of a reply: a text key, or words said verbatim (an agent's).
enum Line {
    Key(String),
    Verbatim(String),
}

/// The reply being built for one message.
struct Turn<'a> {
    session: &'a mut Session,
    now: DateTime<Utc>,
    normalized: String,
    say: Vec<Line>,
    /// Who the reply's lines come from (recorded in the transcript).
    speaker: Speaker,
    handoff_started: bool,
    /// The order this buyer's chat is bound to (only ever their own).
    order: Option<Order>,
    options: Vec<(String, String)>,
    intent: Intent,
    confidence: f32,
    /// The side question answered in the buyer's previous turn.
    previous_question: Option<String>,
    /// A fact the buyer gave was kept (a corrected payment method).
    noted: bool,
    /// This message took back a request for a person.
    withdrew: bool,
    /// The text is a tapped button's value (`alipay`, `slow_network`), not
    /// the buyer's words: it says nothing about their language.
    tapped: bool,
}

impl Turn<'_> {
    fn say(&mut self, key: impl Into<String>) {
        self.say.push(Line::Key(key.into()));
    }
}

impl Engine {
    pub fn new(
        config: Config,
        content: Content,
        classifier: Arc<Classifier>,
        store: Arc<dyn SessionStore>,
    ) -> Engine {
        let locks = (0..256).map(|_| Mutex::new(())).collect();
        Engine {
            links: None,
            orders: None,
            config,
            content,
            classifier,
            store,
            locks,
            handoffs: desk::Handoffs::new(),
        }
    }

    /// Turns on order binding by deep link.
    pub fn with_links(mut self, links: LinkSigner) -> Engine {
        self.links = Some(links);
        self
    }

    /// Lets replies quote the bound order's item, amount and closing time.
    pub fn with_orders(mut self, orders: Arc<Reminders>) -> Engine {
        self.orders = Some(orders);
        self
    }

    /// The signer of deep links and of shop-named buyers, when links are on.
    pub fn links(&self) -> Option<&LinkSigner> {
        self.links.as_ref()
    }

    pub fn orders(&self) -> Option<&Arc<Reminders>> {
        self.orders.as_ref()
    }

    /// The order `id`, if it is `user`'s: named as its buyer by the shop,
    /// or bound to this chat by a genuine deep link. A buyer never sees
    /// another buyer's order.
    fn bound_order(&self, user: &UserId, id: Option<&str>) -> Option<Order> {
        let order = self.orders.as_ref()?.order(id?).ok()??;
        (self.order_owner(&order).as_ref() == Some(user)).then_some(order)
    }

    /// The buyer's newest unpaid order, when no chat is bound to one: the
    /// shop named this buyer on it, so it is theirs to see.
    fn latest_open_order(&self, user: &UserId) -> Option<Order> {
        let orders = self.orders.as_ref()?;
        orders
            .orders_of(user.as_str())
            .ok()?
            .iter()
            .filter_map(|id| orders.order(id).ok().flatten())
            .filter(|o| o.status == crate::orders::Status::Unpaid)
            .filter(|o| self.order_owner(o).as_ref() == Some(user))
            .max_by_key(|o| o.created_at)
    }

    /// The buyer's session an order belongs to (`session::order_owner`).
    pub fn order_owner(&self, order: &Order) -> Option<UserId> {
        let claimed = self.store.lookup("order", &order.id).ok().flatten();
        UserId::parse(crate::session::order_owner(
            &order.buyer,
            claimed.as_deref(),
        ))
        .ok()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &dyn SessionStore {
        &*self.store
    }

    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// Handles one buyer message and returns once the new session state is durable.
    pub async fn handle(
        &self,
        user: &UserId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Reply, Error> {
        self.handle_hinted(user, text, None, now).await
    }

    /// [`Engine::handle`] with the language the channel knows the buyer
    /// uses (Telegram's `language_code`): a new buyer's first reply is in it
    /// when their words do not tell.
    pub async fn handle_hinted(
        &self,
        user: &UserId,
        text: &str,
        hint: Option<Lang>,
        now: DateTime<Utc>,
    ) -> Result<Reply, Error> {
        let (reply, commit) = self.handle_written(user, text, hint, now)?;
        wait_durable(&*self.store, commit).await?;
        Ok(reply)
    }

    /// [`Engine::handle_hinted`] up to the write: the reply, and the commit
    /// that makes it durable. For a channel that keeps its own record beside
    /// the session (the web chat's lines): it writes that too, then waits
    /// once for both (`SessionStore::barrier`) before showing anything.
    pub fn handle_written(
        &self,
        user: &UserId,
        text: &str,
        hint: Option<Lang>,
        now: DateTime<Utc>,
    ) -> Result<(Reply, Commit), Error> {
        let text = cut(text);
        self.with_session_hinted(user, hint, now, |engine, t| engine.respond(t, text))
    }

    /// Hands a session back to the bot (the agent is done). Returns what the
    /// buyer should be told.
    pub async fn release(&self, user: &UserId, now: DateTime<Utc>) -> Result<Reply, Error> {
        let (reply, commit) =
            self.with_session(user, now, |_, t| desk::back_to_bot(t, "handoff-released"))?;
        wait_durable(&*self.store, commit).await?;
        Ok(reply)
    }

    /// The text-only start of a conversation (`/start` and the console banner).
    pub fn welcome(&self, lang: Lang, now: DateTime<Utc>) -> String {
        let session = Session {
            lang,
            ..Session::default()
        };
        self.render(&session, None, now, "welcome")
    }

    /// The synchronous part of a turn: everything but waiting for the flush.
    pub fn turn(
        &self,
        user: &UserId,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(Reply, Commit), Error> {
        let text = cut(text);
        self.with_session(user, now, |engine, t| engine.respond(t, text))
    }

    fn with_session(
        &self,
        user: &UserId,
        now: DateTime<Utc>,
        act: impl FnOnce(&Engine, &mut Turn<'_>),
    ) -> Result<(Reply, Commit), Error> {
        self.with_session_hinted(user, None, now, act)
    }

    /// A new buyer's session: in the hinted language, else the shop's.
    fn new_session(&self, user: &UserId, hint: Option<Lang>, now: DateTime<Utc>) -> Session {
        Session {
            lang: hint.unwrap_or(self.config.shop.default_lang),
            ..Session::new(user.clone(), now.timestamp())
        }
    }

    fn with_session_hinted(
        &self,
        user: &UserId,
        hint: Option<Lang>,
        now: DateTime<Utc>,
        act: impl FnOnce(&Engine, &mut Turn<'_>),
    ) -> Result<(Reply, Commit), Error> {
        let _guard = self.lock_for(user);
        let mut session = match self.store.load(user)? {
            Some(session) => session,
            None => self.new_session(user, hint, now),
        };
        self.expire_if_idle(&mut session, now);
        let order = self
            .bound_order(user, session.order.as_deref())
            .or_else(|| self.latest_open_order(user));
        let mut turn = Turn {
            session: &mut session,
            now,
            normalized: String::new(),
            say: Vec::new(),
            speaker: Speaker::Bot,
            handoff_started: false,
            order,
            options: Vec::new(),
            intent: Intent::Unknown,
            confidence: 0.0,
            previous_question: None,
            noted: false,
            withdrew: false,
            tapped: false,
        };
        turn.session.turns += 1;
        let view_before = handoff::reminder_view(turn.session);
        act(self, &mut turn);
        let mut lines = self.render_lines(&turn);
        if turn.speaker == Speaker::Bot && !lines.is_empty() {
            if fingerprint(&lines) == turn.session.last_reply {
                // Never the same block twice in a row: a text's `-again`
                // form where it has one, else a brief "as above" and what is
                // pending.
                let again = |line: &Line| match line {
                    Line::Key(key) => {
                        Some(format!("{key}-again")).filter(|again| self.content.locales.has(again))
                    }
                    Line::Verbatim(_) => None,
                };
                if turn.say.iter().any(|line| again(line).is_some()) {
                    let said = std::mem::take(&mut turn.say);
                    turn.say = said
                        .into_iter()
                        .map(|line| again(&line).map_or(line, Line::Key))
                        .collect();
                } else {
                    turn.say = vec![Line::Key("same-as-above".into())];
                    self.repeat_question(&mut turn);
                }
                lines = self.render_lines(&turn);
            }
            turn.session.last_reply = fingerprint(&lines);
        }
        let speaker = turn.speaker;
        let changed = handoff::reminder_view(turn.session) != view_before;
        let reply = self.finish(turn, lines);
        if let (true, Some(orders)) = (changed, &self.orders) {
            // A stated pay time, an opt-out or its undoing: the buyer's
            // orders' reminders move with it, before the reply is sent.
            let mut ids = orders.orders_of(user.as_str()).unwrap_or_default();
            ids.extend(session.order.clone());
            if let Err(e) = orders.reschedule_orders(&ids, &handoff::reminder_view(&session), now) {
                tracing::error!(error = %e, "rescheduling the buyer's reminders failed");
            }
        }
        if !reply.replies.is_empty() {
            let keep = self.config.session.transcript_turns;
            let said = reply.replies.join("\n");
            // Agents read the transcript: which of them said it, as in a note.
            let said = match (speaker, &session.owner) {
                (Speaker::Agent, Owner::Agent { agent }) => format!("{agent}: {said}"),
                _ => said,
            };
            session.record(speaker, &said, now.timestamp(), keep);
        }
        session.updated_at = now.timestamp();
        let commit = self.store.save(&session)?;
        self.handoffs.saw(&session);
        Ok((reply, commit))
    }

    fn lock_for(&self, user: &UserId) -> std::sync::MutexGuard<'_, ()> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        user.hash(&mut h);
        let shard = &self.locks[(h.finish() % self.locks.len() as u64) as usize];
        shard.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A dialog left alone too long is forgotten; language, owner and what
    /// the buyer told about themselves (methods they lack, when they pay) stay.
    fn expire_if_idle(&self, session: &mut Session, now: DateTime<Utc>) {
        let idle = i64::from(self.config.session.idle_minutes) * 60;
        if session.updated_at > 0 && now.timestamp() - session.updated_at > idle {
            session.state = DialogState::Idle;
            session.misses = 0;
            session.pitched = false;
            session.last_question = None;
            self.clear_slots(session, false);
        }
    }

    fn clear_slots(&self, session: &mut Session, keep_sticky: bool) {
        let slots = &self.content.flows.slots;
        session
            .slots
            .retain(|name, _| keep_sticky && slots.get(name).is_some_and(|s| s.sticky));
    }

    fn respond(&self, t: &mut Turn<'_>, text: &str) {
        let keep = self.config.session.transcript_turns;
        let now = t.now.timestamp();
        if text.trim().is_empty() {
            t.say("empty-message");
            self.repeat_question(t);
            return;
        }
        t.session.record(Speaker::Buyer, text, now, keep);
        // Writing again means the buyer can be reached again.
        t.session.blocked = false;
        t.normalized = normalize(text);
        let detected = if t.tapped { None } else { lang::detect(text) };

        if let Some(command) = text.trim().strip_prefix('/') {
            return self.command(t, command);
        }
        if let Some(lang) = self.classifier.lexicon().requested_lang(&t.normalized) {
            return self.switch_lang(t, lang);
        }
        if let (false, Some(lang)) = (t.session.lang_pinned, detected) {
            t.session.lang = lang;
        }
        // Computed only when needed: a buyer waiting for a person or with an
        // agent rarely needs the classifier at all.
        let lazy = std::cell::OnceCell::new();
        let normalized = t.normalized.clone();
        let predict = || {
            lazy.get_or_init(|| self.classifier.classify_normalized(&normalized, detected))
                .clone()
        };
        if self.before_dialog(t, &predict) {
            return;
        }
        let prediction = predict();
        t.intent = prediction.intent;
        t.confidence = prediction.confidence;
        // An explicit request for a person always wins; a guess that the
        // buyer wants one comes after repair ("are you a bot?", "useless!",
        // "客服几点下班" are not requests).
        // "算了不用真人": the word for a person is no request for one.
        let declines_person = self
            .classifier
            .lexicon()
            .signals(Signal::NoPerson, &t.normalized);
        let asks_person =
            prediction.intent == Intent::HumanAgent && !t.withdrew && !declines_person;
        if asks_person && prediction.by_rule {
            return self.hand_off(t);
        }
        if self.repair(t, &prediction, text) {
            return;
        }
        if asks_person && self.confident(&prediction) {
            return self.hand_off(t);
        }
        match t.session.state.clone() {
            DialogState::Idle => self.fresh(t, &prediction),
            DialogState::Asking { intent, step } => {
                self.answer(t, &prediction, intent, &step, text)
            }
            DialogState::Clarifying { options } => self.clarified(t, &prediction, &options, text),
            DialogState::OfferingHuman => self.human_offered(t, &prediction, text),
        }
    }

    /// Sure enough to act without asking.
    fn confident(&self, p: &Prediction) -> bool {
        let u = &self.config.understanding;
        let [(_, first), (_, second)] = p.candidates;
        p.by_rule || (first >= u.clarify_below && first - second >= u.clarify_margin)
    }

    /// A message outside any pending question.
    fn fresh(&self, t: &mut Turn<'_>, p: &Prediction) {
        if self
            .classifier
            .lexicon()
            .signals(Signal::BareAnswer, &t.normalized)
        {
            // Nothing was asked: "ok" / "不用了" is acknowledged, not a request.
            t.say("ack-idle");
            return;
        }
        if self.confident(p) && p.intent != Intent::Unknown {
            return self.start(t, p.intent);
        }
        if self.missed(t) {
            return;
        }
        let options: Vec<Intent> = p
            .candidates
            .iter()
            .map(|(i, _)| *i)
            .filter(|i| !matches!(i, Intent::Unknown | Intent::HumanAgent))
            .collect();
        if self.confident(p) || options.is_empty() {
            // Clearly out of scope: say what the bot can do.
            self.enter_dialog(t, Intent::Unknown);
            t.session.misses = t.session.misses.max(1);
            return;
        }
        self.ask_clarifying(t, options);
    }

    /// Counts a miss; after the second in a row offers a person and returns true.
    fn missed(&self, t: &mut Turn<'_>) -> bool {
        t.session.misses = t.session.misses.saturating_add(1);
        if t.session.misses >= MISSES_BEFORE_HUMAN {
            self.ask(t, DialogState::OfferingHuman, "offer-human");
            return true;
        }
        false
    }

    fn ask_clarifying(&self, t: &mut Turn<'_>, options: Vec<Intent>) {
        self.ask(t, DialogState::Clarifying { options }, "clarify-ask");
    }

    /// Puts a question to the buyer: the state waits for its answer, and the
    /// options are the ones that state offers.
    fn ask(&self, t: &mut Turn<'_>, state: DialogState, question: &str) {
        t.say(question);
        t.session.asked_turn = t.session.turns;
        t.options = self.pending_options(&state, &t.session.lacks);
        t.session.state = state;
    }

    /// The quick replies the pending question offers, as (value, label key).
    /// Never offers a payment method the buyer said they lack.
    fn pending_options(&self, state: &DialogState, lacks: &[String]) -> Vec<(String, String)> {
        match state {
            DialogState::Idle => Vec::new(),
            DialogState::Asking { intent, step } => self
                .step(*intent, step)
                .and_then(|s| s.slot.as_ref().map(|slot| (s, slot)))
                .map(|(s, slot)| {
                    let negatable = self
                        .content
                        .flows
                        .slots
                        .get(slot)
                        .is_some_and(|d| d.negatable);
                    s.options
                        .iter()
                        .filter(|v| !(negatable && lacks.contains(v)))
                        .map(|v| (v.clone(), option_key(slot, v)))
                        .collect()
                })
                .unwrap_or_default(),
            DialogState::Clarifying { options } => options
                .iter()
                .map(|i| (i.label().to_string(), format!("intent-{i}")))
                .chain([("other".to_string(), "opt-clarify-other".to_string())])
                .collect(),
            DialogState::OfferingHuman => ["yes", "no"]
                .iter()
                .map(|v| (v.to_string(), option_key("confirm", v)))
                .collect(),
        }
    }

    pub(super) fn step(&self, intent: Intent, id: &str) -> Option<&crate::dialog::Step> {
        let dialog = self.content.flows.dialog(intent)?;
        dialog.step_index(id).map(|i| &dialog.steps[i])
    }

    /// Starts the dialog for `intent` from the current message.
    fn start(&self, t: &mut Turn<'_>, intent: Intent) {
        t.intent = intent;
        t.session.misses = 0;
        if intent == Intent::HumanAgent {
            return self.hand_off(t);
        }
        self.clear_slots(t.session, true);
        for slot in self.content.flows.slots.values().filter(|s| s.from_message) {
            if let Some(value) = self.slot_value(slot, t) {
                t.session.slots.insert(slot.name.clone(), value);
            }
        }
        self.enter_dialog(t, intent);
    }

    fn enter_dialog(&self, t: &mut Turn<'_>, intent: Intent) {
        t.session.saw(intent);
        match self.content.flows.dialog(intent) {
            Some(dialog) => self.follow(t, intent, Target::Step(dialog.start)),
            None => self.hand_off(t),
        }
    }

    /// Walks from `target` until a step asks something or the dialog ends.
    fn follow(&self, t: &mut Turn<'_>, mut intent: Intent, mut target: Target) {
        for _ in 0..MAX_HOPS {
            let Some(dialog) = self.content.flows.dialog(intent) else {
                break;
            };
            match target {
                Target::End => break,
                Target::Human => return self.hand_off(t),
                Target::Dialog(next) => {
                    intent = next;
                    t.intent = next;
                    t.session.saw(next);
                    target = match self.content.flows.dialog(next) {
                        Some(d) => Target::Step(d.start),
                        None => Target::End,
                    };
                }
                Target::Step(index) => {
                    let step = &dialog.steps[index];
                    if let Some(instead) = &step.pitch {
                        if t.session.pitched {
                            target = instead.clone();
                            continue;
                        }
                        t.session.pitched = true;
                    }
                    t.say.extend(step.say.iter().map(|k| Line::Key(k.clone())));
                    let (Some(ask), Some(slot)) = (&step.ask, &step.slot) else {
                        target = step.next.route(None);
                        continue;
                    };
                    let prefilled = self
                        .content
                        .flows
                        .slots
                        .get(slot)
                        .is_some_and(|s| s.from_message);
                    match t.session.slots.get(slot) {
                        Some(value) if prefilled => {
                            target = step.next.route(Some(&value.clone()));
                        }
                        _ => {
                            t.session.slots.remove(slot);
                            let state = DialogState::Asking {
                                intent,
                                step: step.id.clone(),
                            };
                            self.ask(t, state, ask);
                            return;
                        }
                    }
                }
            }
        }
        t.session.state = DialogState::Idle;
    }

    /// Repeats the pending question (after a language switch, /help, a miss).
    fn repeat_question(&self, t: &mut Turn<'_>) {
        let state = t.session.state.clone();
        let question = match &state {
            DialogState::Asking { intent, step } => {
                self.step(*intent, step).and_then(|s| s.ask.clone())
            }
            DialogState::Clarifying { .. } => Some("clarify-ask".to_string()),
            DialogState::OfferingHuman => Some("offer-human".to_string()),
            DialogState::Idle => None,
        };
        if let Some(question) = question {
            self.ask(t, state, &question);
        }
    }

    fn hand_off(&self, t: &mut Turn<'_>) {
        t.handoff_started = t.session.with_bot();
        t.session.handoff_at = Some(t.now.timestamp());
        t.session.agent_pinged = false;
        t.intent = Intent::HumanAgent;
        t.session.saw(Intent::HumanAgent);
        t.session.owner = Owner::WaitingForAgent;
        t.session.wait_told = false;
        t.session.acks = 0;
        t.session.state = DialogState::Idle;
        t.session.misses = 0;
        t.options.clear();
        t.say("handoff-start");
    }

    fn finish(&self, t: Turn<'_>, replies: Vec<String>) -> Reply {
        let s = &*t.session;
        let no_args = FluentArgs::new();
        let options = t
            .options
            .iter()
            .map(|(value, key)| QuickReply {
                value: value.clone(),
                label: self.content.locales.text(s.lang, key, &no_args),
            })
            .collect();
        let state = match (&s.owner, &s.state) {
            (Owner::WaitingForAgent, _) => "handoff/waiting".to_string(),
            (Owner::Agent { .. }, _) => "handoff/agent".to_string(),
            (_, DialogState::Idle) => "idle".to_string(),
            (_, DialogState::Asking { intent, step }) => format!("{intent}/{step}"),
            (_, DialogState::Clarifying { .. }) => "clarify".to_string(),
            (_, DialogState::OfferingHuman) => "offer_human".to_string(),
        };
        Reply {
            user: s.user.to_string(),
            lang: s.lang,
            intent: t.intent,
            confidence: (f64::from(t.confidence) * 1000.0).round() / 1000.0,
            state,
            replies,
            options,
            handoff: !s.with_bot(),
            handoff_started: t.handoff_started,
            question: (!t.options.is_empty()).then_some(s.asked_turn),
            reminders_stopped: s.reminders_stopped,
            handoff_withdrawn: t.withdrew,
        }
    }
}

/// The first `MAX_MESSAGE_BYTES` of `text`, cut at a character boundary.
fn cut(text: &str) -> &str {
    if text.len() <= MAX_MESSAGE_BYTES {
        return text;
    }
    let mut end = MAX_MESSAGE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
