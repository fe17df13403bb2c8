//! Delivering payment reminders on Telegram: messages to buyers, call tasks
//! to the support group, driven by a once-a-minute scheduler tick.

use super::{BotApi, Telegram, agents, blocked, buyer_chat, fit, keyboard};
use crate::channels::desk;
use crate::reminders::{Channel, Deliver, DeliveryError, Reminder, RemindersError};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

struct Delivery<R> {
    app: Arc<Telegram>,
    bot: R,
}

impl<R: BotApi> Deliver for Delivery<R> {
    async fn deliver(&self, reminder: &Reminder) -> Result<(), DeliveryError> {
        let engine = &self.app.engine;
        match reminder.channel {
            Channel::Message => {
                let permanent = |why: &str| DeliveryError::Permanent(why.to_string());
                let buyer = engine
                    .order_owner(&reminder.order)
                    .ok_or_else(|| permanent("the order names no buyer"))?;
                let Some(chat) = buyer_chat(&buyer) else {
                    // A buyer on another channel (the web chat).
                    let outbox = (self.app.others.get())
                        .ok_or_else(|| permanent("the buyer is not a Telegram chat"))?;
                    return desk::remind_through(&**outbox, engine, &buyer, reminder).await;
                };
                let reply = desk::reminder_reply(engine, reminder).await?;
                if reply.replies.is_empty() {
                    return Ok(());
                }
                // One message, the question's buttons under it: a crash can
                // then repeat at most this one request, never half of it.
                let mut request = self.bot.send_message(chat, fit(reply.replies.join("\n\n")));
                if !reply.options.is_empty() {
                    request = request.reply_markup(keyboard(&reply));
                }
                match request.await {
                    Ok(_) => Ok(()),
                    Err(e) if blocked(&e) => {
                        tracing::info!(buyer = %buyer, "buyer blocked the bot");
                        engine
                            .mark_blocked(&buyer, Utc::now())
                            .await
                            .map_err(|e| DeliveryError::Transient(e.to_string()))?;
                        Err(permanent("the buyer blocked the bot"))
                    }
                    Err(e) => Err(classify(e)),
                }
            }
            Channel::Call => {
                let task = format!(
                    "{}\n{}",
                    engine.call_task(&reminder.order, crate::engine::Phone::Whole),
                    engine.order_text(self.app.agents.lang, &reminder.order, "call-record")
                );
                match self.app.agents.group() {
                    Some(_) => {
                        let buttons = agents::outcome_buttons(&self.app, &reminder.order.id);
                        self.app
                            .group
                            .post(None, task, Some(buttons))
                            .await
                            .map_err(classify)
                    }
                    None => {
                        tracing::warn!(order = %reminder.order.id, "call task with no support group (agents.chat_id): `paynudge calls` lists them");
                        Ok(())
                    }
                }
            }
        }
    }
}

/// Whether sending again could work. Telegram answers a refusal with a
/// description, which teloxide maps to an `ApiError`: those are final. The
/// network, unparseable answers (a proxy's error page) and rate limits are
/// not. A 5xx with a JSON body arrives as `ApiError::Unknown`: an "Internal
/// Server Error" or "Bad Gateway" description is transient, a "Bad Request"
/// or "Forbidden" one is not.
fn classify(e: RequestError) -> DeliveryError {
    let text = e.to_string();
    match &e {
        RequestError::Api(ApiError::Unknown(description))
            if !(description.starts_with("Bad Request")
                || description.starts_with("Forbidden")) =>
        {
            DeliveryError::Transient(text)
        }
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => DeliveryError::Permanent(text),
        _ => DeliveryError::Transient(text),
    }
}

/// Runs the reminder scheduler (see `channels::reminder_ticks`).
pub async fn tick_loop<R: BotApi>(app: Arc<Telegram>, bot: R) {
    let engine = app.engine.clone();
    crate::channels::reminder_ticks(&engine, |now| app.send_due_reminders(&bot, now)).await;
}

impl Telegram {
    /// One scheduler tick at `now`: reminder messages to buyers, call tasks
    /// to the support group. Returns what was sent.
    pub async fn send_due_reminders<R: BotApi>(
        self: &Arc<Self>,
        bot: &R,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, RemindersError> {
        let Some(orders) = self.engine.orders() else {
            return Ok(Vec::new());
        };
        let delivery = Delivery {
            app: self.clone(),
            bot: bot.clone(),
        };
        let engine = &self.engine;
        let state = |order: &crate::orders::Order| engine.buyer_state(order);
        orders.tick(now, &state, &delivery).await
    }
}
