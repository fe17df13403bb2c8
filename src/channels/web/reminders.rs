//! Payment reminders to web buyers when no Telegram bot runs (with one,
//! Telegram's scheduler reaches web buyers through the `Outbox`). A
//! reminder is a line in the buyer's chat: on the open page at once, and
//! there when they next open it.

use super::Web;
use crate::channels::desk;
use crate::reminders::{Channel, Deliver, DeliveryError, Reminder, RemindersError};
use chrono::{DateTime, Utc};
use std::sync::Arc;

struct Delivery(Arc<Web>);

impl Deliver for Delivery {
    async fn deliver(&self, reminder: &Reminder) -> Result<(), DeliveryError> {
        let engine = &self.0.engine;
        match reminder.channel {
            Channel::Message => {
                let buyer = engine
                    .order_owner(&reminder.order)
                    .ok_or_else(|| DeliveryError::Permanent("the order names no buyer".into()))?;
                desk::remind_through(&*self.0, engine, &buyer, reminder).await
            }
            // Recorded on the order when this returns: the agents' desk
            // lists it under Calls until an outcome closes it.
            Channel::Call => {
                tracing::info!(order = %reminder.order.id, "call task due: on the agents' desk (/desk/calls)");
                Ok(())
            }
        }
    }
}

impl Web {
    /// One scheduler tick at `now`. Returns what was sent.
    pub async fn send_due_reminders(
        self: &Arc<Self>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, RemindersError> {
        let Some(orders) = self.engine.orders() else {
            return Ok(Vec::new());
        };
        let engine = &self.engine;
        let state = |order: &crate::orders::Order| engine.buyer_state(order);
        orders.tick(now, &state, &Delivery(self.clone())).await
    }

    /// Runs the scheduler for web buyers for the life of the process.
    pub async fn run_reminders(self: Arc<Self>) {
        let engine = self.engine.clone();
        crate::channels::reminder_ticks(&engine, |now| self.send_due_reminders(now)).await;
    }
}
