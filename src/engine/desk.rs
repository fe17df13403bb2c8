//! What a handoff is, for every desk agents work at (the Telegram support
//! group, the web console): a buyer waits for a person, one agent claims
//! them, that agent answers and hands them back to the bot.
//!
//! Exactly one owner at a time, whichever desk: the owner is in the
//! buyer's session, and every change of owner is a read-modify-write under
//! the buyer's lock, durable before the caller is told it won. A desk never
//! decides ownership itself.
//!
//! `Handoffs` is the list desks show (who waits, who is with whom), kept
//! in memory beside the store and rebuilt from it by one scan the first
//! time a desk asks; every turn of a buyer on that list is announced on a
//! broadcast channel, so a desk updates live.

use super::{Engine, Line, Reply};
use crate::error::Error;
use crate::intent::Intent;
use crate::lang::Lang;
use crate::session::{DialogState, Owner, Session, Speaker, UserId};
use crate::store::wait_durable;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// One buyer waiting for a person or with one, as a queue shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    pub buyer: UserId,
    pub lang: Lang,
    /// The agent who claimed the buyer; `None`: still waiting.
    pub agent: Option<String>,
    /// When the buyer was handed over (Unix seconds).
    pub since: i64,
    pub order: Option<String>,
    /// What the bot diagnosed last before the handoff (not "wants a person").
    pub blocker: Option<Intent>,
    /// The buyer's last words.
    pub last_words: String,
}

impl Handoff {
    fn of(session: &Session) -> Handoff {
        Handoff {
            buyer: session.user.clone(),
            lang: session.lang,
            agent: match &session.owner {
                Owner::Agent { agent } => Some(agent.clone()),
                _ => None,
            },
            since: session.handoff_at.unwrap_or(session.updated_at),
            order: session.order.clone(),
            blocker: session
                .intents_seen
                .iter()
                .rev()
                .find(|i| !matches!(i, Intent::HumanAgent | Intent::Greeting | Intent::Unknown))
                .copied(),
            last_words: session
                .transcript
                .iter()
                .rev()
                .find(|t| t.from == Speaker::Buyer)
                .map(|t| t.text.clone())
                .unwrap_or_default(),
        }
    }
}

/// What a claim came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This agent owns the buyer now.
    Won,
    /// This agent already did.
    Yours,
    /// Another agent did first.
    HeldBy(String),
    /// The buyer is back with the bot (they took the request back, or an
    /// agent handed them back): nothing to claim.
    WithBot,
}

/// The handoff list and its change announcements.
pub(super) struct Handoffs {
    /// `None` until a desk first asks: then one scan of the store fills it
    /// and every turn keeps it current. A std mutex, held only to read or
    /// update the map (never across an await or a store write).
    index: Mutex<Option<BTreeMap<String, Handoff>>>,
    changes: broadcast::Sender<UserId>,
}

impl Handoffs {
    pub(super) fn new() -> Handoffs {
        Handoffs {
            index: Mutex::new(None),
            changes: broadcast::channel(1024).0,
        }
    }

    /// After a turn was saved: keeps the list current and announces the
    /// change when the buyer is, or just was, with a person.
    pub(super) fn saw(&self, session: &Session) {
        let mut index = self.index.lock().unwrap_or_else(|p| p.into_inner());
        let Some(map) = index.as_mut() else { return };
        let key = session.user.as_str();
        if session.with_bot() {
            if map.remove(key).is_none() {
                return;
            }
        } else {
            map.insert(key.to_string(), Handoff::of(session));
        }
        drop(index);
        let _ = self.changes.send(session.user.clone());
    }
}

/// The bot answers the buyer again, who is told so with `farewell`.
pub(super) fn back_to_bot(t: &mut super::Turn<'_>, farewell: &str) {
    t.session.owner = Owner::Bot;
    t.session.state = DialogState::Idle;
    t.session.misses = 0;
    t.say(farewell);
    t.intent = Intent::Greeting;
}

/// The agent other than `agent` who holds the buyer, if one does.
fn held_by_another(owner: &Owner, agent: &str) -> Option<String> {
    match owner {
        Owner::Agent { agent: holder } if holder != agent => Some(holder.clone()),
        _ => None,
    }
}

impl Engine {
    /// Buyers waiting for a person or with one, those waiting longest first.
    pub fn handoffs(&self) -> Result<Vec<Handoff>, Error> {
        let mut index = self
            .handoffs
            .index
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if index.is_none() {
            let mut map = BTreeMap::new();
            self.store.scan(&mut |s| {
                if !s.with_bot() {
                    map.insert(s.user.as_str().to_string(), Handoff::of(&s));
                }
            })?;
            *index = Some(map);
        }
        let mut list: Vec<Handoff> = index.iter().flat_map(|m| m.values().cloned()).collect();
        list.sort_by_key(|h| (h.since, h.buyer.as_str().to_string()));
        Ok(list)
    }

    /// Tells of every change to a buyer on the handoff list (a new buyer,
    /// a claim, words either way, a hand-back), once `handoffs` was asked.
    pub fn handoff_changes(&self) -> broadcast::Receiver<UserId> {
        self.handoffs.changes.subscribe()
    }

    /// `agent` claims `buyer`: the first claim wins, durably before the
    /// answer. The buyer is told who is with them.
    pub async fn claim(
        &self,
        buyer: &UserId,
        agent: &str,
        now: DateTime<Utc>,
    ) -> Result<(Claim, Reply), Error> {
        let mut claim = Claim::WithBot;
        let (reply, commit) = self.with_session(buyer, now, |engine, t| {
            claim = match &t.session.owner {
                Owner::Bot => Claim::WithBot,
                Owner::Agent { agent: owner } if owner == agent => Claim::Yours,
                Owner::Agent { agent: owner } => Claim::HeldBy(owner.clone()),
                Owner::WaitingForAgent => {
                    t.session.owner = Owner::Agent {
                        agent: agent.to_string(),
                    };
                    t.session.state = DialogState::Idle;
                    t.speaker = Speaker::Agent;
                    t.intent = Intent::HumanAgent;
                    let text =
                        engine.text_with(t.session.lang, "handoff-claimed", &[("agent", agent)]);
                    t.say.push(Line::Verbatim(text));
                    Claim::Won
                }
            };
        })?;
        wait_durable(&*self.store, commit).await?;
        Ok((claim, reply))
    }

    /// An agent's message to the buyer, verbatim. An agent who writes to a
    /// buyer nobody has claimed claims them; one another agent holds is
    /// refused (`Err` names the holder), and nothing is recorded.
    pub async fn agent_says(
        &self,
        buyer: &UserId,
        agent: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<Reply, String>, Error> {
        let mut held_by = None;
        let (reply, commit) = self.with_session(buyer, now, |_, t| {
            held_by = held_by_another(&t.session.owner, agent);
            if held_by.is_some() {
                return;
            }
            t.session.owner = Owner::Agent {
                agent: agent.to_string(),
            };
            t.session.state = DialogState::Idle;
            t.speaker = Speaker::Agent;
            t.intent = Intent::HumanAgent;
            t.confidence = 1.0;
            t.say.push(Line::Verbatim(text.to_string()));
        })?;
        wait_durable(&*self.store, commit).await?;
        Ok(match held_by {
            Some(owner) => Err(owner),
            None => Ok(reply),
        })
    }

    /// `agent` hands the buyer back to the bot, which tells them so with
    /// `farewell` (`handoff-released`, or `handoff-closed` when the agent
    /// closes the conversation). Only the agent who holds the buyer may, or
    /// any agent while nobody does; `Err` names the holder.
    pub async fn hand_back(
        &self,
        buyer: &UserId,
        agent: &str,
        farewell: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<Reply, String>, Error> {
        let mut held_by = None;
        let (reply, commit) = self.with_session(buyer, now, |_, t| {
            held_by = held_by_another(&t.session.owner, agent);
            if held_by.is_none() && !t.session.with_bot() {
                back_to_bot(t, farewell);
            }
        })?;
        wait_durable(&*self.store, commit).await?;
        Ok(match held_by {
            Some(owner) => Err(owner),
            None => Ok(reply),
        })
    }

    /// A text in `lang` with the given variables, outside any conversation.
    pub fn text_with(&self, lang: Lang, key: &str, vars: &[(&'static str, &str)]) -> String {
        let mut args = fluent_bundle::FluentArgs::new();
        for (name, value) in vars {
            args.set(*name, value.to_string());
        }
        self.content.locales.text(lang, key, &args)
    }
}
