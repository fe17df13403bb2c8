//! Delivering payment reminders on Telegram: messages to buyers, call tasks
//! to the support group, driven by a once-a-minute scheduler tick.

use super::{BotApi, Telegram, buyer_chat};
use crate::reminders::{Channel, Deliver, Reminder, RemindersError};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

struct Delivery<R> {
    app: Arc<Telegram>,
    bot: R,
}

impl<R: BotApi> Deliver for Delivery<R> {
    async fn deliver(&self, reminder: &Reminder) -> Result<(), String> {
        let engine = &self.app.engine;
        match reminder.channel {
            Channel::Message => {
                let buyer = engine
                    .order_owner(&reminder.order)
                    .ok_or("the order names no buyer")?;
                let chat = buyer_chat(&buyer).ok_or("the buyer is not a Telegram chat")?;
                let reply = engine
                    .remind(
                        &reminder.order,
                        reminder.strategy.key(),
                        reminder.variant,
                        Utc::now(),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                self.app
                    .deliver(&self.bot, chat, &buyer, &reply)
                    .await
                    .map_err(|e| e.to_string())
            }
            Channel::Call => {
                let task = format!(
                    "{}\n{}",
                    engine.call_task(&reminder.order),
                    engine.order_text(self.app.agents.lang, &reminder.order, "call-record")
                );
                match self.app.agents.group() {
                    Some(group) => self
                        .bot
                        .send_message(group, task)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    None => {
                        tracing::warn!(order = %reminder.order.id, "call task with no support group (agents.chat_id): `paynudge calls` lists them");
                        Ok(())
                    }
                }
            }
        }
    }
}

/// Runs the reminder scheduler once a minute.
pub async fn tick_loop<R: BotApi>(app: Arc<Telegram>, bot: R) {
    if app.engine.orders().is_none() {
        return;
    }
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        match app.send_due_reminders(&bot, Utc::now()).await {
            Ok(sent) if !sent.is_empty() => {
                tracing::info!(count = sent.len(), "payment reminders sent")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reminder tick failed; it is retried next minute"),
        }
    }
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
