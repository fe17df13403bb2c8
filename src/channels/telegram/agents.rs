//! The agents' side: one forum topic per handed-off buyer in the support
//! group, the summary card, relaying both ways, `/done` (`/bot`), `/note`,
//! `/outcome` for call tasks, and pings when nobody answers.

use super::{BotApi, HandlerResult, Telegram, buyer_chat, fit};
use crate::channels::desk::Voice;
use crate::config;
use crate::lang::Lang;
use crate::reminders::CallOutcome;
use crate::session::UserId as BuyerId;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageId, ThreadId,
};

/// How long the group's administrator list is trusted before it is asked again.
const ADMINS_TTL: Duration = Duration::from_secs(300);

pub struct Agents {
    group: Option<ChatId>,
    /// Configured agents; empty means "the group's administrators".
    listed: HashSet<u64>,
    pub lang: Lang,
    pub ping_after: chrono::Duration,
    /// Cached administrators: a std mutex held only to read or swap the set.
    admins: std::sync::Mutex<Option<(Instant, HashSet<u64>)>>,
    /// One topic per buyer even when their messages race: creating a topic
    /// holds the buyer's shard (a tokio mutex: held across the API call).
    topic_locks: Vec<tokio::sync::Mutex<()>>,
}

impl Agents {
    pub fn new(config: &config::Agents) -> Agents {
        Agents {
            group: (config.chat_id != 0).then_some(ChatId(config.chat_id)),
            listed: config.user_ids.iter().copied().collect(),
            lang: config.lang,
            ping_after: chrono::Duration::minutes(i64::from(config.ping_after_minutes)),
            admins: std::sync::Mutex::new(None),
            topic_locks: (0..64).map(|_| tokio::sync::Mutex::new(())).collect(),
        }
    }

    pub fn group(&self) -> Option<ChatId> {
        self.group
    }

    pub fn is_group(&self, chat: ChatId) -> bool {
        self.group == Some(chat)
    }

    async fn is_agent<R: BotApi>(&self, bot: &R, user: u64) -> bool {
        if !self.listed.is_empty() {
            return self.listed.contains(&user);
        }
        let Some(group) = self.group else {
            return false;
        };
        if let Some((at, admins)) = &*self.admins.lock().unwrap_or_else(|p| p.into_inner())
            && at.elapsed() < ADMINS_TTL
        {
            return admins.contains(&user);
        }
        match bot.get_chat_administrators(group).await {
            Ok(members) => {
                let admins: HashSet<u64> = members.iter().map(|m| m.user.id.0).collect();
                let is = admins.contains(&user);
                *self.admins.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((Instant::now(), admins));
                is
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot list the support group's administrators");
                false
            }
        }
    }

    fn topic_lock(&self, buyer: &BuyerId) -> &tokio::sync::Mutex<()> {
        &self.topic_locks[crate::channels::shard(buyer.as_str(), self.topic_locks.len())]
    }
}

/// Agent commands, which buyers' private chats must not run.
/// The buttons under a call task, two to a row, with callback data
/// `o:<order id>:<outcome>` (an order id has at most 32 characters, so it
/// fits Telegram's 64 bytes).
pub fn outcome_buttons(app: &Telegram, order_id: &str) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(CallOutcome::ALL.chunks(2).map(|row| {
        row.iter()
            .map(|o| {
                let label = app
                    .engine
                    .text(app.agents.lang, &format!("call-outcome-{}", o.key()));
                InlineKeyboardButton::callback(label, format!("o:{order_id}:{}", o.key()))
            })
            .collect::<Vec<_>>()
    }))
}

pub fn parse_outcome(data: &str) -> Option<(&str, CallOutcome)> {
    let (order, outcome) = data.strip_prefix("o:")?.rsplit_once(':')?;
    Some((order, CallOutcome::parse(outcome)?))
}

/// A tap on a call task's button: recorded for an agent (the buttons go,
/// the group is told), refused with a notice for anyone else (the buttons
/// stay for the agents).
pub async fn on_outcome_tap<R: BotApi>(
    bot: &R,
    app: &Telegram,
    q: &CallbackQuery,
    order: &str,
    outcome: CallOutcome,
) -> HandlerResult {
    let lang = app.agents.lang;
    if !app.agents.is_agent(bot, q.from.id.0).await {
        bot.answer_callback_query(q.id.clone())
            .text(app.engine.text(lang, "agents-only"))
            .await?;
        return Ok(());
    }
    if let Err(e) = bot.answer_callback_query(q.id.clone()).await {
        tracing::debug!(error = %e, "answering a callback failed");
    }
    let said = app.engine.record_outcome(order, outcome, lang)?;
    if let Some(message) = &q.message
        && let Err(e) = bot
            .edit_message_reply_markup(message.chat().id, message.id())
            .await
    {
        tracing::debug!(error = %e, "removing a call task's buttons failed");
    }
    app.group
        .say(None, format!("{said} ({})", q.from.full_name()))
        .await?;
    Ok(())
}

pub fn is_agent_command(text: &str) -> bool {
    matches!(
        command_name(text).as_deref(),
        Some("done" | "bot" | "note" | "outcome")
    )
}

fn command_name(text: &str) -> Option<String> {
    let word = text.trim().strip_prefix('/')?.split_whitespace().next()?;
    Some(word.split('@').next().unwrap_or(word).to_ascii_lowercase())
}

fn thread_of(msg: &Message) -> Option<ThreadId> {
    msg.thread_id.filter(|_| msg.is_topic_message)
}

/// The buyer was just handed over: make sure their topic exists (created
/// once, or reopened), then post the summary card. Run by the group queue.
pub(super) async fn open_topic<G: BotApi>(
    bot: &G,
    app: &Telegram,
    buyer: &BuyerId,
    name: &str,
) -> HandlerResult {
    let Some(group) = app.agents.group else {
        tracing::warn!(buyer = %buyer, "handoff with no support group configured (agents.chat_id)");
        return Ok(());
    };
    let (thread, created) = ensure_topic(bot, app, buyer, name).await?;
    if !created && let Err(e) = bot.reopen_forum_topic(group, thread).await {
        tracing::debug!(error = %e, "reopening a topic failed (it may be open already)");
    }
    post_card(bot, app, buyer, name, thread).await
}

/// The summary card, in the buyer's topic.
pub(super) async fn post_card<G: BotApi>(
    bot: &G,
    app: &Telegram,
    buyer: &BuyerId,
    name: &str,
    thread: ThreadId,
) -> HandlerResult {
    let (Some(group), Some(session)) = (app.agents.group, app.engine.session(buyer)?) else {
        return Ok(());
    };
    let card = app.engine.agent_card(&session, name, app.agents.lang);
    bot.send_message(group, fit(card.text))
        .message_thread_id(thread)
        .await?;
    Ok(())
}

/// The buyer's topic, created if it does not exist yet; `true` if created now.
pub(super) async fn ensure_topic<G: BotApi>(
    bot: &G,
    app: &Telegram,
    buyer: &BuyerId,
    name: &str,
) -> Result<(ThreadId, bool), super::HandlerError> {
    let group = app.agents.group.ok_or("no support group configured")?;
    let _guard = app.agents.topic_lock(buyer).lock().await;
    let session = app.engine.session(buyer)?.unwrap_or_default();
    if let Some(thread) = session
        .agent_thread
        .as_deref()
        .and_then(|t| t.parse::<i32>().ok())
    {
        return Ok((ThreadId(MessageId(thread)), false));
    }
    let title = app.engine.agent_card(&session, name, app.agents.lang).title;
    let topic = bot.create_forum_topic(group, title).await?;
    app.engine
        .set_agent_thread(buyer, &topic.thread_id.0.0.to_string(), Utc::now())
        .await?;
    Ok((topic.thread_id, true))
}

/// A notice for the agents in the buyer's topic, if the buyer has one.
pub(super) async fn notice<G: BotApi>(
    bot: &G,
    app: &Telegram,
    buyer: &BuyerId,
    key: &str,
) -> HandlerResult {
    let Some(group) = app.agents.group else {
        return Ok(());
    };
    if let Some(thread) = topic_of(app, buyer)? {
        bot.send_message(group, app.engine.text(app.agents.lang, key))
            .message_thread_id(thread)
            .await?;
    }
    Ok(())
}

fn topic_of(app: &Telegram, buyer: &BuyerId) -> Result<Option<ThreadId>, super::HandlerError> {
    Ok(app
        .engine
        .session(buyer)?
        .and_then(|s| s.agent_thread)
        .and_then(|t| t.parse::<i32>().ok())
        .map(|t| ThreadId(MessageId(t))))
}

/// A message in the support group.
pub async fn on_group_message<R: BotApi>(
    bot: &R,
    msg: &Message,
    app: &Arc<Telegram>,
) -> HandlerResult {
    let Some(from) = &msg.from else { return Ok(()) };
    if from.is_bot {
        return Ok(());
    }
    let group = msg.chat.id;
    let thread = thread_of(msg);
    let text = msg.text().unwrap_or("");
    let command = command_name(text);
    // Answers to agents queue with everything else for the group.
    let say = |text: String| app.group.say(thread, text);
    let notice = |key: &str| say(app.engine.text(app.agents.lang, key));
    if !app.agents.is_agent(bot, from.id.0).await {
        if command.is_some() {
            notice("agents-only").await?;
        }
        return Ok(());
    }
    if command.as_deref() == Some("outcome") {
        // Call tasks are posted outside the topics, so this works anywhere
        // in the group.
        let args = text
            .trim()
            .split_once(char::is_whitespace)
            .map_or("", |(_, rest)| rest);
        say(app.engine.record_call_outcome(args, app.agents.lang)?).await?;
        return Ok(());
    }
    let Some(thread) = thread else { return Ok(()) };
    let Some(buyer) = app.engine.user_for_thread(&thread.0.0.to_string())? else {
        if command.is_some() {
            notice("agent-unknown-thread").await?;
        }
        return Ok(());
    };
    let now = Utc::now();
    let agent = from.full_name();
    // Another agent (here or at the web desk) holds the buyer: one owner.
    let held_by = |owner: String| {
        say(app
            .engine
            .text_with(app.agents.lang, "agent-held-by", &[("agent", &owner)]))
    };
    match command.as_deref() {
        Some("done" | "bot") => match app
            .engine
            .hand_back(&buyer, &agent, "handoff-released", now)
            .await?
        {
            Ok(reply) => {
                app.reach(bot, &buyer, Voice::Bot, &reply).await?;
                notice("agent-released").await?;
                if let Err(e) = bot.close_forum_topic(group, thread).await {
                    tracing::debug!(error = %e, "closing a topic failed");
                }
            }
            Err(owner) => held_by(owner).await?,
        },
        Some("note") => {
            let note = text
                .trim()
                .split_once(char::is_whitespace)
                .map_or("", |(_, rest)| rest.trim());
            app.engine.agent_note(&buyer, &agent, note, now).await?;
            notice("agent-note-saved").await?;
        }
        Some(_) => {
            notice("agents-only").await?;
        }
        None if !text.is_empty() => match app.engine.agent_says(&buyer, &agent, text, now).await? {
            Ok(reply) => {
                if !app.engine.session(&buyer)?.is_some_and(|s| s.blocked) {
                    app.reach(bot, &buyer, Voice::Agent, &reply).await?;
                }
            }
            Err(owner) => held_by(owner).await?,
        },
        None => match buyer_chat(&buyer) {
            // A photo or file from the agent: pass it on as it is.
            Some(chat) => match app
                .engine
                .agent_says(&buyer, &agent, "[media]", now)
                .await?
            {
                Ok(_) => {
                    bot.copy_message(chat, group, msg.id).await?;
                }
                Err(owner) => held_by(owner).await?,
            },
            // Another channel shows words only: the agent is told so.
            None => notice("agent-web-words-only").await?,
        },
    }
    Ok(())
}

/// Pings a buyer's topic once when no agent has answered in time, so the
/// buyer is never left without an answer.
pub async fn ping_loop(app: Arc<Telegram>) {
    loop {
        tokio::time::sleep(Duration::from_secs(30)).await;
        app.ping_waiting_topics(Utc::now()).await;
    }
}

impl Telegram {
    /// One round of [`ping_loop`]: pings the topic of each buyer who has
    /// waited for an agent longer than `agents.ping_after_minutes` at `now`,
    /// once per handoff. Returns how many topics were pinged.
    pub async fn ping_waiting_topics(&self, now: DateTime<Utc>) -> usize {
        if self.agents.group.is_none() {
            return 0;
        }
        let waiting = match self.engine.waiting_for_agents(now, self.agents.ping_after) {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(error = %e, "scanning for waiting buyers failed");
                return 0;
            }
        };
        let mut pinged = 0;
        for session in waiting {
            let Some(thread) = session
                .agent_thread
                .as_deref()
                .and_then(|t| t.parse::<i32>().ok())
            else {
                continue;
            };
            let text = self.engine.text(self.agents.lang, "handoff-ping");
            match self
                .group
                .say(Some(ThreadId(MessageId(thread))), text)
                .await
            {
                Ok(_) => {
                    pinged += 1;
                    if let Err(e) = self.engine.mark_pinged(&session.user, now).await {
                        tracing::warn!(error = %e, "recording a ping failed");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "pinging a topic failed"),
            }
        }
        pinged
    }
}
