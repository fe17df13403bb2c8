//! Slash commands (`/start [payload]`, `/stop`, `/remind`, `/help`,
//! `/lang`, `/human`) and what they change: a deep link's order binding, the
//! reply language, reminders.

use super::{Engine, Turn};
use crate::intent::Intent;
use crate::lang::Lang;
use crate::session::Owner;
use crate::session::names_a_chat;

impl Engine {
    pub(super) fn command(&self, t: &mut Turn<'_>, command: &str) {
        let mut words = command.split_whitespace();
        let name = words
            .next()
            .unwrap_or("")
            .split('@')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        t.confidence = 1.0;
        match name.as_str() {
            "start" => {
                t.intent = Intent::Greeting;
                match words.next() {
                    Some(payload) => self.bind_order(t, payload),
                    None if t.session.with_bot() => {
                        t.say("welcome");
                        self.repeat_question(t);
                    }
                    None if t.session.owner == Owner::WaitingForAgent => self.acknowledge(t),
                    None => {}
                }
            }
            "stop" => {
                t.session.reminders_stopped = true;
                t.say("reminders-stopped");
            }
            "remind" => {
                t.session.reminders_stopped = false;
                t.say("reminders-resumed");
            }
            "help" => {
                t.intent = Intent::Greeting;
                t.say("help");
                self.repeat_question(t);
            }
            "lang" => match words.next().map(str::parse::<Lang>) {
                Some(Ok(lang)) => self.switch_lang(t, lang),
                _ => t.say("unknown-command"),
            },
            "human" | "agent" => {
                t.intent = Intent::HumanAgent;
                if t.session.with_bot() {
                    self.hand_off(t);
                }
            }
            _ => t.say("unknown-command"),
        }
    }

    /// `/start <payload>` from a deep link: binds the chat to the order the
    /// payload names, if the payload is genuine, unexpired, and the order is
    /// not bound to another buyer already.
    pub(super) fn bind_order(&self, t: &mut Turn<'_>, payload: &str) {
        let verified = self
            .links
            .as_ref()
            .map(|l| l.verify(payload, t.now.timestamp()));
        let Some(Ok(order)) = verified else {
            tracing::info!(user = %t.session.user, "deep link rejected");
            return t.say("link-invalid");
        };
        let known = self
            .orders
            .as_ref()
            .and_then(|o| o.order(&order).ok().flatten());
        let me = t.session.user.as_str();
        // A chat the shop named keeps its order: a link is for buyers the
        // shop could not name, never a way to take an order from one.
        let claimed = match &known {
            Some(o) if names_a_chat(&o.buyer) => Ok(o.buyer.clone()),
            _ => self
                .store
                .claim("order", &order, me)
                .map(|(owner, _)| owner),
        };
        match claimed {
            Ok(owner) if owner == me => {
                t.order = known;
                t.session.order = Some(order);
                t.say("order-bound");
            }
            Ok(_) => t.say("link-taken"),
            Err(e) => {
                tracing::error!(error = %e, "binding an order failed");
                t.say("link-invalid");
            }
        }
    }

    pub(super) fn switch_lang(&self, t: &mut Turn<'_>, lang: Lang) {
        t.session.lang = lang;
        t.session.lang_pinned = true;
        t.confidence = 1.0;
        t.say("lang-switched");
        if t.session.with_bot() {
            self.repeat_question(t);
        }
    }
}
