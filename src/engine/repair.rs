//! Conversation repair: what a message carries besides the answer a dialog
//! waits for. Dialogs (`dialogs/*.toml`) are the business flows; this is
//! what keeps them on track when a buyer steps off them. In order:
//!
//! 1. signals that apply whatever the state or owner: stop reminders in
//!    words; while waiting for a person, "never mind" (back to the bot) or
//!    anything else (acknowledged, never silence);
//! 2. frustration and "are you a bot?": an honest word and a person offered;
//! 3. facts to keep: payment methods the buyer has or lacks, when they will
//!    pay, a contact number;
//! 4. "paid now" after they said they would pay: thanks and what happens next;
//! 5. side questions (`dialogs/questions.toml`) answered from the shop's
//!    facts, after which the pending question is asked again, briefly.

use super::{Engine, Turn};
use crate::dialog::{SlotDef, SlotKind};
use crate::intent::Intent;
use crate::lang::Lang;
use crate::nlu::Prediction;
use crate::nlu::lexicon::Signal;
use crate::nlu::when;
use crate::questions::Question;
use crate::session::{DialogState, Owner, Session};
use chrono::{DateTime, Duration, Utc};
use regex::Regex;
use std::sync::LazyLock;

/// A stated pay time this close counts as "now" ("马上", "right now"): no
/// reminder is promised. "In ten minutes" is a time.
const NOW_MINUTES: i64 = 5;

/// Acknowledgements for a buyer waiting for a person; they take turns, so
/// the same words never come twice in a row.
const WAITING_ACKS: [&str; 3] = ["handoff-ack-1", "handoff-ack-2", "handoff-ack-3"];

/// A phone number once spaces, dashes and brackets are gone: 7 to 15
/// digits, not part of a longer number (an order id has letters or fewer).
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])(\+?[0-9]{7,15})(?:[^0-9]|$)").expect("valid"));

/// "现在付不了", "can't pay now": a time named in a message like this is
/// not when the buyer will pay.
static CANNOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"不了|不能|没法|无法|不行|can'?t|cannot|unable|won'?t|not able").expect("valid")
});

/// "没支付成功", "never went through": not paid.
static NOT_PAID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"没(有)?(付|支付|成功)|未(付|支付|成功)|失败|(?-u:\b)(never|didn'?t|did not|not|failed|can'?t)(?-u:\b)")
        .expect("valid")
});

/// A number named as a contact.
static PHONE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"电话|手机|号码|联系方式|(?-u:\b)(phone|number|tel|mobile|cell|contact|(call|text|reach) me)(?-u:\b)")
        .expect("valid")
});

/// What a message told about the buyer.
#[derive(Default)]
struct Told {
    /// When they will pay.
    when: bool,
    /// A number to reach them at.
    contact: bool,
}

/// The number and the words around it in "my phone number is 138…",
/// "you can call me at …", "我的手机号是…".
static CONTACT_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\+?\d[\d\s()-]{5,}\d|电话|手机号?|号码|联系方式|我的|我|是|打|联系|可以|这个|哦|呢|吧|",
        r"(?-u:\b)(my|mine|it|its|it's|is|the|phone|number|tel|mobile|cell|contact|you|can|call|",
        r"text|reach|me|at|on|here|this|here's|heres)(?-u:\b)|[\s\p{P}]"
    ))
    .expect("valid")
});

/// Whether `text` (normalized) says a contact number and nothing else.
fn only_a_contact(text: &str) -> bool {
    CONTACT_ONLY.replace_all(text, "").chars().count() < 2
}

/// A time in the past, or how long something has gone on.
static PAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"昨|前天|上周|已经|卡了|等了|试了|(?-u:\b)(yesterday|last (night|week)|ago|earlier|already|been)(?-u:\b)|(?-u:\b)for (\d+|an?|half an?|two|three|several) (hours?|hrs?|minutes?|mins?)")
        .expect("valid")
});

/// "not" / "不是" before a named value: a correction, not a lack.
static NOT_THIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)not(?-u:\b)|不是").expect("valid"));

/// A message that is only an order number ("A-10023", "#20261201001").
static ORDER_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:order\s*|订单号?\s*)?[#:：]?\s*([a-z]{0,4}[-_]?[0-9]{4,20})$").expect("valid")
});

impl Engine {
    /// Signals that apply whatever owns the conversation. True when the
    /// turn is done (answered, or left to the person who has it).
    pub(super) fn before_dialog(&self, t: &mut Turn<'_>, predict: &dyn Fn() -> Prediction) -> bool {
        t.previous_question = t.session.last_question.take();
        let lexicon = self.classifier.lexicon();
        if lexicon.signals(Signal::OptOut, &t.normalized) {
            // Stops reminders exactly as /stop does, from any state.
            let already = std::mem::replace(&mut t.session.reminders_stopped, true);
            if matches!(t.session.owner, Owner::Agent { .. }) {
                return true;
            }
            t.say(if already {
                "reminders-off-again"
            } else {
                "reminders-off"
            });
            if lexicon.has_concept("cancel", &t.normalized)
                || predict().intent == Intent::CancelOrder
            {
                t.say("reminders-off-closing");
            }
            if t.session.with_bot() {
                t.session.state = DialogState::Idle;
            }
            return true;
        }
        match t.session.owner {
            Owner::Bot => false,
            // A person has the conversation: the bot stays silent.
            Owner::Agent { .. } => true,
            Owner::WaitingForAgent => self.while_waiting(t, predict),
        }
    }

    /// A buyer waiting for a person is never left in silence, and can come
    /// back to the bot. False when the bot goes on with the message.
    fn while_waiting(&self, t: &mut Turn<'_>, predict: &dyn Fn() -> Prediction) -> bool {
        let lexicon = self.classifier.lexicon();
        let paid = self.paid_now(&t.normalized);
        // "算了，还是转人工吧" asks for a person again; it withdraws nothing.
        let asks_again = lexicon.decisive(&t.normalized) == Some(Intent::HumanAgent)
            && !lexicon.signals(Signal::NoPerson, &t.normalized);
        if !asks_again && (paid || lexicon.signals(Signal::NeverMind, &t.normalized)) {
            t.session.owner = Owner::Bot;
            t.session.handoff_at = None;
            t.session.wait_told = false;
            t.session.acks = 0;
            t.say("handoff-withdrawn");
            if paid {
                t.session.pay_at = None;
                t.say("paid-thanks");
                return true;
            }
            // "算了不用了，余额不够", "算了，我就想问退货运费谁出": the bot goes
            // on with what they now say; a bare "never mind" gets an offer.
            let p = predict();
            let more = (self.confident(&p) && needs_help(p.intent))
                || self.content.questions.find(&t.normalized).is_some();
            if !more {
                t.say("handoff-withdrawn-help");
            }
            // "算了不用真人，锁了要多久": the word "真人" is no new request.
            t.withdrew = true;
            return !more;
        }
        let waited = t.now.timestamp() - t.session.handoff_at.unwrap_or(t.now.timestamp());
        let max_wait = i64::from(self.config.cs.max_wait_minutes) * 60;
        if t.session.wait_told || waited >= max_wait {
            // Nobody came in time: the bot helps meanwhile, and the request
            // stays open for CS (the owner is still "waiting").
            if !t.session.wait_told {
                t.session.wait_told = true;
                t.say("handoff-long-wait");
            }
            return false;
        }
        if lexicon.signals(Signal::AsksIfBot, &t.normalized) {
            t.say("bot-honest-waiting");
            return true;
        }
        self.acknowledge(t);
        true
    }

    /// "付好了", "it went through!": paid just now, not "paid but it still
    /// shows unpaid" and not "never went through".
    fn paid_now(&self, normalized: &str) -> bool {
        let lexicon = self.classifier.lexicon();
        lexicon.signals(Signal::PaidNow, normalized)
            && !lexicon.has_concept("unpaid_status", normalized)
            && !NOT_PAID.is_match(normalized)
    }

    /// One short line: the message is kept for the person who will answer.
    pub(super) fn acknowledge(&self, t: &mut Turn<'_>) {
        t.intent = Intent::HumanAgent;
        t.say(WAITING_ACKS[usize::from(t.session.acks) % WAITING_ACKS.len()]);
        t.session.acks = t.session.acks.wrapping_add(1);
    }

    /// Repair before the dialog sees the message. True when answered.
    pub(super) fn repair(&self, t: &mut Turn<'_>, p: &Prediction, text: &str) -> bool {
        let lexicon = self.classifier.lexicon();
        if lexicon.signals(Signal::Frustrated, &t.normalized) {
            t.say("frustrated-sorry");
            self.ask(t, DialogState::OfferingHuman, "offer-human-now");
            return true;
        }
        if lexicon.signals(Signal::AsksIfBot, &t.normalized) {
            t.say("bot-honest");
            self.ask(t, DialogState::OfferingHuman, "offer-human-now");
            return true;
        }
        let question = self.content.questions.find(&t.normalized);
        let told = self.keep_facts(t, p, question.is_some());
        let asked = self
            .pending_slot(t.session)
            .and_then(|s| self.content.flows.slots.get(s))
            .map(|s| s.kind);
        if told.contact
            && question.is_none()
            && asked != Some(SlotKind::Phone)
            && p.intent != Intent::HumanAgent
            && only_a_contact(&t.normalized)
        {
            // "my phone number is 138…" said out of turn: kept, said so,
            // and the pending question stands (the number is no blocker).
            // "Call me at 138…" read as asking for a person goes on to that.
            t.say("contact-noted");
            self.repeat_question(t);
            return true;
        }
        if told.when && question.is_none() && asked != Some(SlotKind::Time) {
            // "in ten minutes" after "I'll pay", "晚上八点到家再付" in the
            // middle of a tutorial: the buyer will pay then; say so.
            self.start(t, Intent::WillPay);
            return true;
        }
        if lexicon.signals(Signal::FirmNo, &t.normalized)
            && !lexicon.signals(Signal::WillBuy, &t.normalized)
        {
            // No pitch, no "why?": how the order closes, and that is all.
            t.session.pitched = true;
            t.session
                .slots
                .entry("cancel_reason".to_string())
                .or_insert_with(|| "other".to_string());
            self.start(t, Intent::CancelOrder);
            return true;
        }
        if lexicon.signals(Signal::RemindMe, &t.normalized) {
            // They ask for the reminder: that undoes an opt-out.
            if std::mem::take(&mut t.session.reminders_stopped) {
                t.say("reminders-resumed");
            }
            if t.session.pay_at.is_some() {
                t.say("remind-confirmed");
            } else {
                self.start(t, Intent::WillPay);
            }
            return true;
        }
        if self.paid_now(&t.normalized) && expects_payment(t.session) {
            t.session.pay_at = None;
            t.session.state = DialogState::Idle;
            t.session.misses = 0;
            t.say("paid-thanks");
            return true;
        }
        if let Some(question) = question {
            self.answer_question(t, p, question);
            return true;
        }
        let asked_phone = self
            .pending_slot(t.session)
            .and_then(|s| self.content.flows.slots.get(s))
            .is_some_and(|s| s.kind == SlotKind::Phone);
        if let Some(id) = ORDER_REF
            .captures(text.trim().to_lowercase().as_str())
            .and_then(|c| c.get(1))
            .filter(|_| !asked_phone)
        {
            let id = id.as_str().to_uppercase();
            match self.bound_order(&t.session.user, Some(&id)) {
                Some(order) => {
                    t.session.order = Some(order.id.clone());
                    t.order = Some(order);
                    t.say("order-found");
                }
                None => t.say("order-not-found"),
            }
            self.repeat_question(t);
            return true;
        }
        false
    }

    /// Keeps what the buyer says about themselves, whatever is pending.
    fn keep_facts(&self, t: &mut Turn<'_>, p: &Prediction, asks: bool) -> Told {
        let lexicon = self.classifier.lexicon();
        let mut told = Told::default();
        for slot in self.content.flows.slots.values() {
            if slot.negatable {
                let (has, lacks) = self.split_lacking(slot, &t.normalized);
                for value in lacks {
                    if !t.session.lacks.iter().any(|l| l == value) {
                        t.session.lacks.push(value.to_string());
                    }
                }
                t.session.lacks.retain(|l| !has.contains(&l.as_str()));
                // "Actually it was WeChat": one method named is theirs now
                // (and answers the question, if that is what was asked).
                let asked = self.pending_slot(t.session) == Some(slot.name.as_str());
                if let [value] = has.as_slice()
                    && (asked || t.session.slots.get(&slot.name).is_some_and(|v| v != value))
                {
                    t.session.slots.insert(slot.name.clone(), value.to_string());
                    t.noted = true;
                }
            }
            let keep = match slot.kind {
                // A number is a contact only when one is asked for or named
                // as one (not an order number, a date, an amount).
                SlotKind::Phone => {
                    self.pending_slot(t.session) == Some(slot.name.as_str())
                        || PHONE_WORD.is_match(&t.normalized)
                }
                // A time is when they will pay only when they talk of paying
                // (not "can I pay tomorrow?": a question, answered as one).
                // "I've been trying for 2 hours", "昨天晚上付款失败": past.
                SlotKind::Time if PAST.is_match(&t.normalized) => false,
                SlotKind::Time => {
                    self.pending_slot(t.session) == Some(slot.name.as_str())
                        || p.intent == Intent::WillPay
                        || t.session.intents_seen.last() == Some(&Intent::WillPay)
                        || (!CANNOT.is_match(&t.normalized)
                            && (lexicon.has_concept("will_pay", &t.normalized)
                                || (!asks
                                    && lexicon.has_concept("pay", &t.normalized)
                                    && self.pay_time(t).is_some_and(|at| {
                                        at - t.now > Duration::minutes(NOW_MINUTES)
                                    }))))
                }
                _ => false,
            };
            if keep && let Some(value) = self.slot_value(slot, t) {
                told.when |= slot.kind == SlotKind::Time;
                told.contact |= slot.kind == SlotKind::Phone;
                t.session.slots.insert(slot.name.clone(), value);
            }
        }
        told
    }

    /// The slot the pending question fills, if a dialog asked one.
    fn pending_slot<'s>(&'s self, session: &Session) -> Option<&'s str> {
        match &session.state {
            DialogState::Asking { intent, step } => self.step(*intent, step)?.slot.as_deref(),
            _ => None,
        }
    }

    /// The value the message gives `slot` in the slot's own words, if any.
    /// A time also becomes the buyer's stated pay time.
    pub(super) fn slot_value(&self, slot: &SlotDef, t: &mut Turn<'_>) -> Option<String> {
        match slot.kind {
            SlotKind::Choice | SlotKind::YesNo if slot.negatable => self
                .split_lacking(slot, &t.normalized)
                .0
                .first()
                .map(|v| v.to_string()),
            SlotKind::Choice | SlotKind::YesNo => slot.find_in(&t.normalized).map(str::to_string),
            SlotKind::Text => None,
            SlotKind::Phone => {
                let digits: String = t
                    .normalized
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
                    .collect();
                PHONE
                    .captures(&digits)
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().to_string())
            }
            SlotKind::Time => {
                let at = self.pay_time(t)?;
                if at - t.now <= Duration::minutes(NOW_MINUTES) {
                    t.session.pay_at = None;
                    Some("now".to_string())
                } else {
                    t.session.pay_at = Some(at.timestamp());
                    Some("at".to_string())
                }
            }
        }
    }

    fn pay_time(&self, t: &Turn<'_>) -> Option<DateTime<Utc>> {
        let tz = self.config.reminders.timezone.parse().ok()?;
        let after_work = crate::config::parse_hhmm(&self.config.shop.after_work)?;
        when::pay_time(&t.normalized, t.now, tz, after_work)
    }

    /// The values of a negatable slot the message names, split into those
    /// the buyer has and those a clause says they lack.
    fn split_lacking<'s>(
        &self,
        slot: &'s SlotDef,
        normalized: &str,
    ) -> (Vec<&'s str>, Vec<&'s str>) {
        let lexicon = self.classifier.lexicon();
        let (mut has, mut lacks) = (Vec::new(), Vec::new());
        for clause in lexicon.clause_split.split(normalized) {
            if lexicon.lacks.is_match(clause) {
                // "花呗也没开" lacks Huabei, not Alipay.
                let whole = match &slot.lacks_not {
                    Some(part) => part.replace_all(clause, " "),
                    None => clause.into(),
                };
                lacks.extend(slot.find_all_in(&whole));
            } else {
                // "it was wechat, not paypal": a value right after "not" is
                // neither theirs nor lacking, just not this payment.
                let denied: Vec<&str> = NOT_THIS
                    .find_iter(clause)
                    .flat_map(|m| {
                        let after: String = clause[m.end()..].chars().take(16).collect();
                        slot.find_all_in(&after)
                    })
                    .collect();
                has.extend(
                    slot.find_all_in(clause)
                        .into_iter()
                        .filter(|v| !denied.contains(v)),
                );
            }
        }
        (has, lacks)
    }

    /// The payment methods the buyer lacks, named in their language.
    pub(super) fn lacking(&self, lang: Lang, session: &Session) -> String {
        if session.lacks.is_empty() {
            return "none".to_string();
        }
        let names: Vec<String> = session
            .lacks
            .iter()
            .map(|m| {
                let key = crate::dialog::option_key("payment_method", m);
                self.content
                    .locales
                    .text(lang, &key, &fluent_bundle::FluentArgs::new())
            })
            .collect();
        names.join(if lang == Lang::Zh { "、" } else { " or " })
    }

    /// Answers a side question, then asks what was pending, briefly.
    fn answer_question(&self, t: &mut Turn<'_>, p: &Prediction, question: &Question) {
        let state = t.session.state.clone();
        if t.previous_question.as_deref() == Some(question.id.as_str()) {
            t.say("question-again");
        }
        t.say
            .extend(question.say.iter().map(|k| super::Line::Key(k.clone())));
        t.session.last_question = Some(question.id.clone());
        t.session.misses = 0;
        match state {
            // A blocker named with the question is helped with too
            // ("钱不够，明天付行不行").
            DialogState::Idle
                if self.confident(p)
                    && needs_help(p.intent)
                    && !question.covers.contains(&p.intent) =>
            {
                self.start(t, p.intent)
            }
            DialogState::Idle if question.offer_human => {
                self.ask(t, DialogState::OfferingHuman, "offer-human-short")
            }
            DialogState::Idle => {}
            // "我明明付过了怎么还显示待付款" in the middle of another dialog:
            // a new blocker, helped with after the answer.
            DialogState::Asking { intent, .. }
                if intent != p.intent
                    && self.confident(p)
                    && question.leads_to.contains(&p.intent) =>
            {
                self.start(t, p.intent)
            }
            DialogState::Asking { intent, step } => {
                // The same message may have answered the pending question
                // ("明天付行不行" while asked when they will pay).
                let answered = self
                    .step(intent, &step)
                    .and_then(|s| Some((s.slot.as_ref()?, s)))
                    .and_then(|(slot, s)| Some((t.session.slots.get(slot)?.clone(), s)));
                match answered {
                    Some((value, s)) => {
                        let next = s.next.route(Some(&value));
                        self.follow(t, intent, next);
                    }
                    None => self.repeat_question(t),
                }
            }
            DialogState::Clarifying { .. } => t.session.state = DialogState::Idle,
            DialogState::OfferingHuman => self.repeat_question(t),
        }
    }
}

/// Blockers a buyer needs a dialog's help with, even when they also ask
/// a side question.
fn needs_help(intent: Intent) -> bool {
    matches!(
        intent,
        Intent::InsufficientBalance
            | Intent::ForgotPassword
            | Intent::VerificationFailed
            | Intent::SlowNetwork
            | Intent::ThinksPaid
            | Intent::NoPaymentMethod
            | Intent::FriendPay
            | Intent::WrongItem
            | Intent::NotMyOrder
    )
}

/// Whether "paid" now means "I have just paid": the buyer said they would,
/// or a dialog was helping them pay.
fn expects_payment(session: &Session) -> bool {
    // In "I paid but it shows unpaid", "it went through" is that claim again.
    let checking_payment = matches!(
        &session.state,
        DialogState::Asking {
            intent: Intent::ThinksPaid,
            ..
        }
    );
    let helped = session.pay_at.is_some()
        || session.state != DialogState::Idle
        || session
            .intents_seen
            .iter()
            .any(|i| *i == Intent::WillPay || needs_help(*i));
    helped && !checking_payment
}
