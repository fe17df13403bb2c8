//! What one channel needs of another when a buyer is with a person: the
//! agents' desk (today the Telegram support group) hears about buyers from
//! every channel, and an agent's words reach the buyer on whichever channel
//! they wrote from. Channels hold these as trait objects, so the web chat
//! knows nothing of Telegram and Telegram nothing of HTTP.

use crate::engine::Reply;
use crate::error::Error;
use crate::session::UserId;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;

/// Where agents work. Calls never wait: a desk queues what it posts.
pub trait Desk: Send + Sync {
    /// The buyer was just handed to a person: open their thread with the card.
    fn handed_over(&self, buyer: &UserId, name: &str);
    /// Words the buyer wrote while with a person.
    fn relay_text(&self, buyer: &UserId, name: &str, text: &str);
    /// An image the buyer sent while with a person (a file beside the database).
    fn relay_image(&self, buyer: &UserId, name: &str, file: &Path);
    /// The buyer took back their request for a person, in these words.
    fn withdrawn(&self, buyer: &UserId, name: &str, text: &str);
}

/// Tells the desk what one buyer turn means for the agents: the same rules
/// for every channel.
pub fn after_turn(desk: &dyn Desk, buyer: &UserId, name: &str, text: &str, reply: &Reply) {
    if reply.handoff_started {
        desk.handed_over(buyer, name);
    } else if reply.handoff {
        desk.relay_text(buyer, name, text);
    } else if reply.handoff_withdrawn {
        desk.withdrawn(buyer, name, text);
    }
}

/// Who is speaking in a line shown to a buyer outside their own turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    Bot,
    Agent,
}

/// What [`Outbox::show`] returns: done once the buyer's chat has the lines.
pub type Shown<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// A channel that holds buyers' chats, for what reaches a buyer outside a
/// turn of their own: an agent's words, a reminder.
pub trait Outbox: Send + Sync {
    /// Whether `buyer`'s chat is on this channel.
    fn holds(&self, buyer: &UserId) -> bool;
    /// Shows the reply to the buyer, durably, before returning.
    fn show<'a>(&'a self, buyer: &'a UserId, voice: Voice, reply: &'a Reply) -> Shown<'a>;
}

/// A reminder's message for its buyer, recorded in their session; a
/// failure here is worth another try.
pub async fn reminder_reply(
    engine: &crate::Engine,
    reminder: &crate::reminders::Reminder,
) -> Result<Reply, crate::reminders::DeliveryError> {
    engine
        .remind(
            &reminder.order,
            reminder.strategy.key(),
            reminder.variant,
            chrono::Utc::now(),
        )
        .await
        .map_err(|e| crate::reminders::DeliveryError::Transient(e.to_string()))
}

/// Delivers a reminder to `buyer` through `outbox`, if it holds them.
pub async fn remind_through(
    outbox: &dyn Outbox,
    engine: &crate::Engine,
    buyer: &UserId,
    reminder: &crate::reminders::Reminder,
) -> Result<(), crate::reminders::DeliveryError> {
    use crate::reminders::DeliveryError;
    if !outbox.holds(buyer) {
        return Err(DeliveryError::Permanent(
            "the buyer's chat is on no running channel".into(),
        ));
    }
    let reply = reminder_reply(engine, reminder).await?;
    (outbox.show(buyer, Voice::Bot, &reply).await)
        .map_err(|e| DeliveryError::Transient(e.to_string()))
}
