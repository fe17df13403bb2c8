//! Delivering payment reminders on Telegram: messages to buyers, call tasks
//! to the support group, driven by a once-a-minute scheduler tick.

use super::{BotApi, Telegram, buyer_chat};
use crate::reminders::{Channel, Deliver, Reminder};
use chrono::Utc;
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
                let task = engine.call_task(&reminder.order);
                match self.app.agents.group() {
                    Some(group) => self
                        .bot
                        .send_message(group, task)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    None => {
                        tracing::warn!(order = %reminder.order.id, "call task with no support group: see `paynudge plan`");
                        Ok(())
                    }
                }
            }
        }
    }
}

/// Runs the reminder scheduler once a minute, when the shop has orders.
pub async fn tick_loop<R: BotApi>(app: Arc<Telegram>, bot: R) {
    let Some(orders) = app.engine.orders().cloned() else {
        return;
    };
    let delivery = Delivery {
        app: app.clone(),
        bot,
    };
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let engine = app.engine.clone();
        let state = move |order: &crate::orders::Order| engine.buyer_state(order);
        match orders.tick(Utc::now(), &state, &delivery).await {
            Ok(sent) if !sent.is_empty() => {
                tracing::info!(count = sent.len(), "payment reminders sent")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reminder tick failed; it is retried next minute"),
        }
    }
}
