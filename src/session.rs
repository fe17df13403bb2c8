//! What paynudge remembers about each buyer. Plain data, serde-serialised by
//! the store; every field has a default so older records still load.

use crate::error::Error;
use crate::intent::Intent;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::fmt;

/// A buyer's id on a channel ("console:alice", "tg:1234"). Any printable
/// text up to 128 bytes: channels choose their own ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(String);

/// How the channels here name their chats. An order's buyer in one of these
/// forms is a chat the shop named, and it owns the order; a buyer in another
/// form (the shop's own account number) is one the shop could not name, and
/// a deep link claims the order for the chat that opens it.
const CHAT_PREFIXES: &[&str] = &["tg:", "console:"];

/// Whether `id` names a chat (see `CHAT_PREFIXES`).
pub fn names_a_chat(id: &str) -> bool {
    CHAT_PREFIXES.iter().any(|p| id.starts_with(p))
}

/// The chat an order belongs to: the chat the shop named, whatever link was
/// opened; else the chat a genuine deep link bound it to (first claim);
/// else the buyer as named.
pub fn order_owner<'a>(named: &'a str, claimed: Option<&'a str>) -> &'a str {
    match claimed {
        Some(chat) if !names_a_chat(named) => chat,
        _ => named,
    }
}

/// One past the largest user id teloxide takes (see `UserId::telegram_chat`).
pub const MAX_TELEGRAM_USER: i64 = 1 << 40;

impl UserId {
    pub const MAX_BYTES: usize = 128;

    pub fn parse(id: &str) -> Result<UserId, Error> {
        let reason = if id.trim().is_empty() {
            Some("it is empty")
        } else if id.len() > Self::MAX_BYTES {
            Some("it is longer than 128 bytes")
        } else if id.chars().any(char::is_control) {
            Some("it contains control characters")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(Error::UserId {
                id: id.chars().take(40).collect(),
                reason,
            }),
            None => Ok(UserId(id.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Telegram private chat behind a `tg:` id: the user's id.
    /// `None` for another channel's id or a number outside what teloxide
    /// accepts as a user id (1 to 2^40-1): its rate limiter panics on
    /// anything else, so such an id must never reach it. Telegram's user
    /// ids fit in 52 bits by its docs, and today all are below 2^40.
    pub fn telegram_chat(&self) -> Option<i64> {
        let chat: i64 = self.0.strip_prefix("tg:")?.parse().ok()?;
        (1..MAX_TELEGRAM_USER).contains(&chat).then_some(chat)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the buyer is in the conversation with the bot.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DialogState {
    #[default]
    Idle,
    /// A dialog step asked a question and waits for the answer.
    Asking { intent: Intent, step: String },
    /// The bot was unsure and asked which of these the buyer meant.
    Clarifying { options: Vec<Intent> },
    /// After two misses in a row the bot offered a person.
    OfferingHuman,
}

/// Who answers the buyer. Exactly one owner at a time: while it is not the
/// bot, the bot stays silent on this session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Owner {
    #[default]
    Bot,
    WaitingForAgent,
    Agent {
        agent: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    Buyer,
    Bot,
    Agent,
    /// An agent's internal note: in the transcript, never sent to the buyer.
    Note,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub at: i64,
    pub from: Speaker,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    pub user: UserId,
    pub lang: Lang,
    /// The buyer chose the language (`/lang`, "说中文"): detection no longer
    /// switches it.
    pub lang_pinned: bool,
    pub state: DialogState,
    pub owner: Owner,
    /// Slot values collected so far (payment method, deducted, ...).
    pub slots: BTreeMap<String, String>,
    /// Messages in a row the bot did not understand.
    pub misses: u8,
    /// Intents seen in this conversation, oldest first (for the agent's summary).
    pub intents_seen: Vec<Intent>,
    /// The order this conversation is about, when a channel bound one.
    pub order: Option<String>,
    /// The last turns, bounded by `session.transcript_turns`.
    pub transcript: VecDeque<Turn>,
    /// Messages handled so far; a question is tagged with the turn that asked
    /// it, so a tap on an old keyboard is recognised as stale.
    pub turns: u64,
    /// The turn whose question is pending (0: none).
    pub asked_turn: u64,
    /// When the session was handed to a person (Unix seconds).
    pub handoff_at: Option<i64>,
    /// The agents were reminded once that this buyer is waiting.
    pub agent_pinged: bool,
    /// The channel's id for the agents' thread about this buyer (opaque to the engine).
    pub agent_thread: Option<String>,
    /// The buyer blocked the bot: never message them until they write again.
    pub blocked: bool,
    /// The buyer asked for no payment reminders (`/stop`, or in words).
    pub reminders_stopped: bool,
    /// Payment methods the buyer said they do not have ("没有支付宝"):
    /// never offered or taught.
    pub lacks: Vec<String>,
    /// When the buyer said they will pay (Unix seconds): the reminder comes
    /// then, a promise kept.
    pub pay_at: Option<i64>,
    /// A sales pitch was made in this conversation: never a second one.
    pub pitched: bool,
    /// The side question answered last turn (asked again: said differently).
    pub last_question: Option<String>,
    /// Fingerprint of the last reply, so the same block is never sent twice
    /// in a row (0: none).
    pub last_reply: u64,
    /// Acknowledgements sent while waiting for a person (they vary).
    pub acks: u8,
    /// The buyer was told nobody is free yet; the bot helps meanwhile.
    pub wait_told: bool,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(UserId(String::new()), 0)
    }
}

/// Longest text kept per transcript turn: enough for an agent to read what
/// was said, bounded so a pasted essay cannot bloat every later write.
pub const TRANSCRIPT_TEXT_CHARS: usize = 500;
const INTENTS_SEEN_MAX: usize = 20;

impl Session {
    pub fn new(user: UserId, now: i64) -> Session {
        Session {
            user,
            lang: Lang::default(),
            lang_pinned: false,
            state: DialogState::Idle,
            owner: Owner::Bot,
            slots: BTreeMap::new(),
            misses: 0,
            intents_seen: Vec::new(),
            order: None,
            transcript: VecDeque::new(),
            turns: 0,
            asked_turn: 0,
            handoff_at: None,
            agent_pinged: false,
            agent_thread: None,
            blocked: false,
            reminders_stopped: false,
            lacks: Vec::new(),
            pay_at: None,
            pitched: false,
            last_question: None,
            last_reply: 0,
            acks: 0,
            wait_told: false,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn record(&mut self, from: Speaker, text: &str, at: i64, keep: usize) {
        let mut kept: String = text.chars().take(TRANSCRIPT_TEXT_CHARS).collect();
        if kept.len() < text.len() {
            kept.pop();
            kept.push('…');
        }
        self.transcript.push_back(Turn {
            at,
            from,
            text: kept,
        });
        while self.transcript.len() > keep {
            self.transcript.pop_front();
        }
    }

    pub fn saw(&mut self, intent: Intent) {
        if self.intents_seen.last() != Some(&intent) {
            self.intents_seen.push(intent);
            if self.intents_seen.len() > INTENTS_SEEN_MAX {
                self.intents_seen.remove(0);
            }
        }
    }

    pub fn with_bot(&self) -> bool {
        self.owner == Owner::Bot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_are_validated() {
        assert!(UserId::parse("tg:123").is_ok());
        // Only ids teloxide takes as a private chat reach it.
        let chat = |id: &str| UserId::parse(id).unwrap().telegram_chat();
        assert_eq!(chat("tg:123"), Some(123));
        assert_eq!(chat("tg:1099511627775"), Some(1_099_511_627_775));
        for bad in [
            "tg:1099511627776",
            "tg:99999999999999",
            "tg:0",
            "tg:-100123",
            "web:1",
        ] {
            assert_eq!(chat(bad), None, "{bad}");
        }
        assert!(UserId::parse("用户 🙂 #1").is_ok());
        assert!(UserId::parse("").is_err());
        assert!(UserId::parse("a\nb").is_err());
        assert!(UserId::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn transcript_is_bounded() {
        let mut s = Session::new(UserId::parse("u").unwrap(), 0);
        for i in 0..30 {
            s.record(Speaker::Buyer, &"x".repeat(i * 100), i as i64, 20);
        }
        assert_eq!(s.transcript.len(), 20);
        assert!(
            s.transcript
                .iter()
                .all(|t| t.text.chars().count() <= TRANSCRIPT_TEXT_CHARS)
        );
    }

    #[test]
    fn old_records_without_new_fields_still_load() {
        let s: Session = serde_json::from_str(r#"{"user":"u","lang":"zh"}"#).unwrap();
        assert_eq!(s.lang, Lang::Zh);
        assert_eq!(s.owner, Owner::Bot);
    }
}
