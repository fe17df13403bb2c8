//! The buyer's answer to a pending question: a dialog step's, "did you mean
//! A or B?", or "shall I get you a person?". A tap, an option's number, its
//! label or the slot's own words answer it; a bare yes or no only when the
//! message is not about something else; a miss is said once, then a person
//! is offered.

use super::{Engine, Turn};
use crate::dialog::SlotKind;
use crate::intent::Intent;
use crate::lang::Lang;
use crate::nlu::Prediction;
use crate::nlu::lexicon::Signal;
use crate::nlu::normalize::normalize;
use crate::session::DialogState;
use fluent_bundle::FluentArgs;

impl Engine {
    /// The buyer's message while a dialog step waits for an answer.
    pub(super) fn answer(
        &self,
        t: &mut Turn<'_>,
        p: &Prediction,
        intent: Intent,
        step_id: &str,
        text: &str,
    ) {
        let Some(step) = self.step(intent, step_id) else {
            // The dialog changed since this session was saved: start afresh.
            t.session.state = DialogState::Idle;
            return self.fresh(t, p);
        };
        let Some(slot) = step
            .slot
            .as_deref()
            .and_then(|s| self.content.flows.slots.get(s))
        else {
            t.session.state = DialogState::Idle;
            return self.fresh(t, p);
        };
        let state = t.session.state.clone();
        // A tap, or the slot's own words ("扣了", a phone number, "tonight
        // at 8"), answers even a long message; a bare yes/no or free text
        // only when the message is not about something else.
        let lexicon = self.classifier.lexicon();
        // "好的我再试试" declines an offered alternative for now.
        let retry = (slot.kind == SlotKind::YesNo
            && lexicon.signals(Signal::WillRetry, &t.normalized))
        .then(|| "no".to_string());
        // "那我就买吧" to "keep the order?" (after a cancel or a doubt).
        let keeps = (slot.kind == SlotKind::YesNo
            && matches!(intent, Intent::CancelOrder | Intent::Hesitant)
            && lexicon.signals(Signal::WillBuy, &t.normalized))
        .then(|| "yes".to_string());
        let strong = self
            .pick(t, text, &state)
            .or_else(|| self.slot_value(slot, t))
            .filter(|v| slot.kind != SlotKind::Choice || step.options.contains(v))
            .or(retry)
            .or(keeps);
        let weak = || match slot.kind {
            SlotKind::YesNo | SlotKind::Phone => lexicon
                .yes_no(&t.normalized)
                .map(|yes| if yes { "yes" } else { "no" }.to_string())
                .filter(|v| slot.values.contains(v)),
            SlotKind::Text => Some(text.trim().chars().take(200).collect()),
            SlotKind::Time => Some("later".to_string()),
            // Any reason the buyer gives is a reason.
            SlotKind::Choice if slot.open => Some("other".to_string()),
            SlotKind::Choice => None,
        };
        let other_topic = self.confident(p) && p.intent.is_payment_intent() && p.intent != intent;
        // About something else ("算了，让我老公帮我付吧"): only a bare yes
        // or no still answers the question.
        let bare = lexicon.signals(Signal::BareAnswer, &t.normalized);
        let value = match strong {
            Some(v) => Some(v),
            None if other_topic && !bare => None,
            None => weak(),
        };
        if let Some(value) = value {
            t.intent = intent;
            t.confidence = 1.0;
            t.session.misses = 0;
            t.session.slots.insert(slot.name.clone(), value.clone());
            return self.follow(t, intent, step.next.route(Some(&value)));
        }
        if t.noted {
            // "Actually it was WeChat": kept; the question still stands.
            t.intent = intent;
            t.say("fact-noted");
            return self.repeat_question(t);
        }
        if self.confident(p) && p.intent == intent {
            // The same topic again, in other words: nothing new to say yet,
            // or the steps above still apply. Restarting the dialog would
            // ask what was just answered.
            t.intent = intent;
            let at_start = self
                .content
                .flows
                .dialog(intent)
                .is_some_and(|d| d.steps.get(d.start).is_some_and(|s| s.id == step_id));
            return self.miss(t, if at_start { "understood" } else { "same-topic" });
        }
        if self.confident(p) && p.intent != Intent::Unknown {
            return self.start(t, p.intent);
        }
        self.miss(t, "reask");
    }

    /// The message is about a payment problem of its own, more than a short
    /// answer ("ok, but now my code doesn't come"): a bare yes or no at its
    /// start does not answer the pending question.
    pub(super) fn moves_on(&self, t: &Turn<'_>, p: &Prediction) -> bool {
        let long = t.normalized.split_whitespace().count() > 4 || t.normalized.chars().count() > 12;
        long && self.confident(p) && p.intent.is_payment_intent()
    }

    /// An answer the bot cannot place: the first time it says `first` and
    /// asks again; the second time in a row it moves on and offers a person.
    pub(super) fn miss(&self, t: &mut Turn<'_>, first: &str) {
        if !self.missed(t) {
            t.say(first);
            self.repeat_question(t);
        }
    }

    /// The buyer's answer to "did you mean A or B?".
    pub(super) fn clarified(
        &self,
        t: &mut Turn<'_>,
        p: &Prediction,
        options: &[Intent],
        text: &str,
    ) {
        let state = DialogState::Clarifying {
            options: options.to_vec(),
        };
        match self.pick(t, text, &state).as_deref() {
            Some("other") => {
                t.session.state = DialogState::Idle;
                t.say("clarify-other");
            }
            Some(label) => {
                if let Ok(intent) = label.parse::<Intent>() {
                    t.confidence = 1.0;
                    self.start(t, intent);
                }
            }
            None if self.confident(p) && p.intent != Intent::Unknown => self.start(t, p.intent),
            None => self.miss(t, "reask"),
        }
    }

    /// The buyer's answer to "shall I get you a person?".
    pub(super) fn human_offered(&self, t: &mut Turn<'_>, p: &Prediction, text: &str) {
        let tapped = self.pick(t, text, &DialogState::OfferingHuman);
        if tapped.is_none() && self.moves_on(t, p) {
            // "好吧，那我问下付款的事，密码忘了": not a yes to a person.
            return self.start(t, p.intent);
        }
        let answer = tapped
            .map(|v| v == "yes")
            .or_else(|| self.classifier.lexicon().yes_no(&t.normalized));
        match answer {
            Some(true) => self.hand_off(t),
            Some(false) => {
                t.session.state = DialogState::Idle;
                t.session.misses = 0;
                t.say("offer-human-declined");
            }
            None if self.confident(p) && p.intent != Intent::Unknown => self.start(t, p.intent),
            None => {
                // Asked twice already: do not ask a third time.
                t.session.state = DialogState::Idle;
                t.session.misses = 0;
                t.say("offer-human-unclear");
            }
        }
    }

    /// Which option of the pending question the buyer chose: its number, its
    /// value (what a tap sends), or its label in either language.
    pub(super) fn pick(&self, t: &Turn<'_>, text: &str, state: &DialogState) -> Option<String> {
        let options = self.pending_options(state, &t.session.lacks);
        let trimmed = text.trim().trim_matches(|c: char| !c.is_alphanumeric());
        if let Ok(n) = trimmed.parse::<usize>() {
            return n
                .checked_sub(1)
                .and_then(|i| options.get(i))
                .map(|(v, _)| v.clone());
        }
        let wanted = t.normalized.trim_matches(|c: char| !c.is_alphanumeric());
        // Labels take no variables (the content check holds them to it).
        let no_args = FluentArgs::new();
        let is_label = |key: &str| {
            Lang::ALL.iter().any(|l| {
                let label = normalize(&self.content.locales.text(*l, key, &no_args));
                label.trim_matches(|c: char| !c.is_alphanumeric()) == wanted
            })
        };
        options
            .into_iter()
            .find(|(v, key)| v == wanted || is_label(key))
            .map(|(v, _)| v)
    }
}
