//! Payment reminders (催付) for unpaid orders.
//!
//! Orders come in as events (`orders.rs`) and live in sled next to the
//! sessions. Each unpaid order has at most one entry in a due-time index
//! (`due`: big-endian due time ++ order id), so a scheduler tick is a range
//! scan up to now, never a scan of all orders. The clock is a parameter, so
//! tests run days of virtual time in milliseconds.
//!
//! Delivery is at least once, with the window for a repeat kept to one
//! request: a reminder is written to the outbox before it is sent, marked
//! `Sending` (durably) just before the request, and recorded on the order
//! when the channel confirms. A crash before the request sends it on the
//! next tick; a crash after Telegram accepted it but before the record sends
//! it again (the only duplicate). Every condition is checked again at the
//! moment of sending. A delivery failure touches only its own reminder:
//! permanent ones mark the order undeliverable, transient ones retry with
//! backoff, and the tick goes on with the rest.
pub mod calendar;
mod calls;
pub mod holidays;
mod plan;
mod report;
mod report_html;

pub use calls::CallOutcome;
pub use plan::{PlanPage, Summary, local_minute};
pub use report::{Day, Lift, Rate, Report};

use crate::config::RemindersConfig;
use crate::orders::{Event, Order, PaymentType, SentReminder, Status, Undeliverable};
use crate::store::SyncedDb;
use calendar::{Calendar, Window};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use std::fmt;

/// Why an order gets no reminder (now or ever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Paid,
    Cancelled,
    Closed,
    CashOnDelivery,
    Holdout,
    Cap,
    WouldClose,
    BuyerStopped,
    BuyerBlocked,
    WithAgent,
    NoBuyer,
    /// A reminder could not be delivered (the order says why).
    Undeliverable,
    /// An agent called and recorded an outcome that ends the task (anything
    /// but `no-answer`, which calls again).
    CallDone,
}

impl Skip {
    pub fn key(self) -> &'static str {
        match self {
            Skip::Paid => "paid",
            Skip::Cancelled => "cancelled",
            Skip::Closed => "closed",
            Skip::CashOnDelivery => "cash_on_delivery",
            Skip::Holdout => "holdout",
            Skip::Cap => "cap",
            Skip::WouldClose => "would_close",
            Skip::BuyerStopped => "buyer_stopped",
            Skip::BuyerBlocked => "buyer_blocked",
            Skip::WithAgent => "with_agent",
            Skip::NoBuyer => "no_buyer",
            Skip::Undeliverable => "undeliverable",
            Skip::CallDone => "call_done",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A message to the buyer.
    Message,
    /// A call task for an agent (large orders).
    Call,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    FastDelivery,
    LimitedStock,
    Returns,
    PromotionEnding,
}

impl Strategy {
    pub fn key(self) -> &'static str {
        match self {
            Strategy::FastDelivery => "fast_delivery",
            Strategy::LimitedStock => "limited_stock",
            Strategy::Returns => "returns",
            Strategy::PromotionEnding => "promotion_ending",
        }
    }
}

/// What the policy decides for an order at a moment.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Remind {
        at: DateTime<Utc>,
        number: usize,
        channel: Channel,
        strategy: Strategy,
        variant: u8,
        timing: Timing,
    },
    Skip(Skip),
}

/// Why a reminder goes when it goes, as far as the plan should say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// As the policy's delays and the send windows have it.
    Due,
    /// Later than on a working day: the window opens later on a day off.
    DayOff,
    /// At the time the buyer said they would pay: a promise kept.
    Promised,
    /// Held back by the per-buyer gap after the buyer's reminder at this
    /// time (Unix seconds), sent or planned for another order.
    BuyerGap { after: i64 },
    /// Held while the buyer is chatting with the bot, until the chat has
    /// been quiet for `chat_idle_minutes`.
    Chatting,
}

/// What the scheduler needs to know about a buyer at the moment of sending.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BuyerState {
    pub stopped: bool,
    pub blocked: bool,
    pub with_agent: bool,
    /// The buyer hesitated or wanted to cancel: returns reassure best.
    pub hesitated: bool,
    /// Unix seconds of the buyer's last reminder on any order.
    pub last_reminded: Option<i64>,
    /// When the buyer said they would pay (Unix seconds).
    pub pay_at: Option<i64>,
    /// The buyer's last turn with the bot (Unix seconds): a reminder does
    /// not interrupt a conversation.
    pub last_active: Option<i64>,
}

/// One reminder to deliver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reminder {
    pub order: Order,
    pub number: usize,
    pub channel: Channel,
    pub strategy: Strategy,
    pub variant: u8,
    pub due: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum OutboxState {
    /// Not sent yet, or to be retried at `retry_at`.
    Pending,
    /// The request was (about to be) made; found at a tick, it means the
    /// process died before the answer was recorded: sent again.
    Sending,
    /// Only in outboxes written by earlier versions; removed on sight.
    Sent,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct OutboxEntry {
    state: OutboxState,
    reminder: Reminder,
    /// Requests made so far.
    #[serde(default)]
    attempts: u32,
    /// Unix seconds before which a failed attempt is not retried.
    #[serde(default)]
    retry_at: Option<i64>,
}

/// Why a delivery failed, which decides what becomes of the reminder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// It would fail again: no such chat, blocked, the text refused.
    #[error("{0}")]
    Permanent(String),
    /// It may work later: the network, the server, a rate limit.
    #[error("{0}")]
    Transient(String),
}

/// Transient failures are retried this many times in all, then given up.
pub const MAX_ATTEMPTS: u32 = 5;

/// Minutes to wait after failed attempt `n` (1-based): 1, 4, 16, 64.
fn backoff_minutes(attempts: u32) -> i64 {
    4_i64.pow(attempts.saturating_sub(1).min(4))
}

/// Delivers reminders: the Telegram channel, the call-task list, or a test double.
pub trait Deliver {
    fn deliver(
        &self,
        reminder: &Reminder,
    ) -> impl std::future::Future<Output = Result<(), DeliveryError>> + Send;
}

pub struct Reminders {
    calendar: Calendar,
    config: RemindersConfig,
    orders: sled::Tree,
    due: sled::Tree,
    /// order id -> its key in `due`, to move or drop it.
    order_due: sled::Tree,
    outbox: sled::Tree,
    /// buyer -> Unix seconds of their last reminder.
    last_reminded: sled::Tree,
    /// `order id \0 reminder number` -> the send window it went in, as the
    /// sending process's calendar saw it, so a report run without the bot's
    /// config still groups sends rightly.
    sent_windows: sled::Tree,
    /// `buyer \0 order id` -> a copy of the order: a buyer's orders, to
    /// reschedule and plan them together. A copy, not a pointer, so the plan
    /// walks one tree in key order instead of a million random reads.
    by_buyer: sled::Tree,
    db: SyncedDb,
}

#[derive(Debug, thiserror::Error)]
pub enum RemindersError {
    #[error(transparent)]
    Event(#[from] crate::orders::EventError),
    #[error("order storage: {0}")]
    Store(String),
    #[error("{0}")]
    Config(String),
}

fn store_err(e: impl fmt::Display) -> RemindersError {
    RemindersError::Store(e.to_string())
}

/// The order's key in the buyer index: `buyer \0 order id`.
fn buyer_key(order: &Order) -> Vec<u8> {
    [order.buyer.as_bytes(), &[0], order.id.as_bytes()].concat()
}

/// The key of reminder `number` (1-based) of an order in `sent_windows`.
fn sent_window_key(order: &str, number: usize) -> Vec<u8> {
    [order.as_bytes(), &[0], &(number as u32).to_be_bytes()].concat()
}

fn due_key(at: i64, order: &str) -> Vec<u8> {
    [&(at.max(0) as u64).to_be_bytes()[..], order.as_bytes()].concat()
}

type TxResult<T> = sled::transaction::ConflictableTransactionResult<T, String>;

/// Inside a transaction: the order as stored now.
fn stored(orders: &sled::transaction::TransactionalTree, id: &str) -> TxResult<Option<Order>> {
    Ok(orders
        .get(id.as_bytes())?
        .and_then(|b| Order::from_bytes(&b)))
}

fn encode(order: &Order) -> TxResult<Vec<u8>> {
    order
        .to_bytes()
        .map_err(|e| sled::transaction::ConflictableTransactionError::Abort(e.to_string()))
}

/// Inside a transaction: stores the order, and its copy in the buyer index
/// (dropping the copy under a buyer the order no longer has, `before`'s).
fn put(
    orders: &sled::transaction::TransactionalTree,
    by_buyer: &sled::transaction::TransactionalTree,
    order: &Order,
    before: Option<&Order>,
) -> TxResult<()> {
    let bytes = encode(order)?;
    if let Some(before) = before.filter(|b| b.buyer != order.buyer) {
        by_buyer.remove(buyer_key(before))?;
    }
    by_buyer.insert(buyer_key(order), bytes.as_slice())?;
    orders.insert(order.id.as_bytes(), bytes)?;
    Ok(())
}

/// Inside a transaction: moves the order's one entry in the due index to
/// match `decision` (or drops it).
fn schedule(
    due: &sled::transaction::TransactionalTree,
    order_due: &sled::transaction::TransactionalTree,
    order_id: &str,
    decision: &Decision,
) -> TxResult<()> {
    if let Some(old) = order_due.remove(order_id.as_bytes())? {
        due.remove(old)?;
    }
    if let Decision::Remind { at, .. } = decision {
        let key = due_key(at.timestamp(), order_id);
        due.insert(key.as_slice(), &[])?;
        order_due.insert(order_id.as_bytes(), key)?;
    }
    Ok(())
}

fn fnv(text: &str) -> u64 {
    fnv_more(0xcbf2_9ce4_8422_2325, text)
}

/// FNV-1a continued from `hash`: `fnv_more(fnv(a), b) == fnv(a + b)`.
fn fnv_more(hash: u64, text: &str) -> u64 {
    text.bytes().fold(hash, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Reminders {
    pub fn open(db: &SyncedDb, config: &RemindersConfig) -> Result<Reminders, RemindersError> {
        let tree = |name: &str| db.db().open_tree(name).map_err(store_err);
        let reminders = Reminders {
            calendar: config.calendar().map_err(RemindersError::Config)?,
            config: config.clone(),
            orders: tree("orders")?,
            due: tree("orders_due")?,
            order_due: tree("orders_due_by_order")?,
            outbox: tree("reminders_outbox")?,
            last_reminded: tree("reminders_last")?,
            sent_windows: tree("reminders_sent_windows")?,
            by_buyer: tree("orders_by_buyer")?,
            db: db.clone(),
        };
        reminders.index_buyers_once()?;
        Ok(reminders)
    }

    /// Orders stored before the buyer index held a copy of every order
    /// (version 2; those without a buyer are under the empty buyer) are
    /// indexed once, the first time a database is opened with it. The
    /// marker is the key `\0` (no order id), its value the version.
    fn index_buyers_once(&self) -> Result<(), RemindersError> {
        const VERSION: &[u8] = b"2";
        let marker = self.by_buyer.get([0u8]).map_err(store_err)?;
        if marker.as_deref() == Some(VERSION) {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        batch.insert(&[0u8][..], VERSION);
        for item in self.orders.iter() {
            let (_, bytes) = item.map_err(store_err)?;
            if let Some(order) = Order::from_bytes(&bytes) {
                batch.insert(buyer_key(&order), bytes);
            }
        }
        self.by_buyer.apply_batch(batch).map_err(store_err)
    }

    pub fn order(&self, id: &str) -> Result<Option<Order>, RemindersError> {
        let raw = self.orders.get(id.as_bytes()).map_err(store_err)?;
        Ok(raw.and_then(|b| Order::from_bytes(&b)))
    }

    /// Applies one event and reschedules the order, in one transaction:
    /// either all of it is written or nothing.
    pub fn ingest(&self, event: &Event, now: DateTime<Utc>) -> Result<Order, RemindersError> {
        let mut orders = self.ingest_batch(std::slice::from_ref(event), now)?;
        orders.pop().ok_or_else(|| store_err("an event was lost"))
    }

    /// Applies events in order and reschedules their orders, all in one
    /// transaction: either every event is written or none. One transaction
    /// costs sled two log writes whatever its size, so batches are how bulk
    /// loads go fast.
    pub fn ingest_batch(
        &self,
        events: &[Event],
        now: DateTime<Utc>,
    ) -> Result<Vec<Order>, RemindersError> {
        (&self.orders, &self.due, &self.order_due, &self.by_buyer)
            .transaction(|(orders, due, order_due, by_buyer)| {
                let mut applied = Vec::with_capacity(events.len());
                for event in events {
                    // Reads see this batch's earlier writes.
                    let before = stored(orders, &event.order_id)?;
                    let mut order = event.apply(before.clone());
                    // No closing time from the shop: the order closes when
                    // its hold runs out, as the shop's texts tell buyers.
                    if order.auto_close_at.is_none() && !order.buyer.is_empty() {
                        order.auto_close_at =
                            Some(order.created_at + i64::from(self.config.order_hold_hours) * 3600);
                    }
                    put(orders, by_buyer, &order, before.as_ref())?;
                    let decision = self.decide(&order, &BuyerState::default(), now);
                    schedule(due, order_due, &order.id, &decision)?;
                    applied.push(order);
                }
                Ok(applied)
            })
            .map_err(|e| store_err(format!("{e:?}")))
    }

    /// Waits until everything written so far survives a power cut.
    pub fn flush(&self) -> Result<(), RemindersError> {
        self.db.flush().map_err(store_err)
    }

    fn holdout(&self, order: &Order) -> bool {
        // As `fnv("holdout:" + id)`, without building the string: the plan
        // asks for every order.
        fnv_more(fnv("holdout:"), &order.id) % 100 < u64::from(self.config.holdout_percent)
    }

    /// The policy: when the next reminder for `order` goes, how, with what,
    /// or why none.
    pub fn decide(&self, order: &Order, buyer: &BuyerState, now: DateTime<Utc>) -> Decision {
        let c = &self.config;
        let skip = match order.status {
            Status::Paid => Some(Skip::Paid),
            Status::Cancelled => Some(Skip::Cancelled),
            Status::Closed => Some(Skip::Closed),
            Status::Unpaid if order.buyer.is_empty() => Some(Skip::NoBuyer),
            Status::Unpaid if order.undeliverable.is_some() => Some(Skip::Undeliverable),
            Status::Unpaid if order.payment == PaymentType::CashOnDelivery => {
                Some(Skip::CashOnDelivery)
            }
            Status::Unpaid if self.holdout(order) => Some(Skip::Holdout),
            Status::Unpaid
                if order
                    .call_outcome
                    .as_deref()
                    .and_then(CallOutcome::parse)
                    .is_some_and(CallOutcome::closes_task) =>
            {
                Some(Skip::CallDone)
            }
            Status::Unpaid if order.reminders.len() >= c.max_per_order => Some(Skip::Cap),
            Status::Unpaid if buyer.stopped => Some(Skip::BuyerStopped),
            Status::Unpaid if buyer.blocked => Some(Skip::BuyerBlocked),
            Status::Unpaid if buyer.with_agent => Some(Skip::WithAgent),
            Status::Unpaid => None,
        };
        if let Some(reason) = skip {
            return Decision::Skip(reason);
        }
        // A buyer in the middle of a chat is not interrupted.
        let quiet_from = buyer
            .last_active
            .filter(|&t| t <= now.timestamp())
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|t| t + Duration::minutes(i64::from(c.chat_idle_minutes)))
            .filter(|&t| t > now);
        if let Some(at) = self.promised_at(order, buyer, now) {
            return Decision::Remind {
                at: quiet_from.map_or(at, |q| at.max(q)),
                number: order.reminders.len() + 1,
                channel: self.channel(order),
                strategy: Strategy::FastDelivery,
                variant: (fnv(&order.id) % 2) as u8,
                timing: Timing::Promised,
            };
        }
        let created = DateTime::from_timestamp(order.created_at, 0).unwrap_or(now);
        let gap = Duration::hours(i64::from(c.min_gap_hours));
        let mut earliest = match order.reminders.last() {
            None => created + Duration::minutes(i64::from(c.first_after_minutes)),
            Some(last) => {
                let after_last = DateTime::from_timestamp(last.at, 0).unwrap_or(now) + gap;
                let pre_close = order
                    .auto_close_at
                    .and_then(|t| DateTime::from_timestamp(t, 0))
                    .map(|close| close - Duration::minutes(i64::from(c.pre_close_minutes)));
                pre_close.map_or(after_last, |p| p.max(after_last))
            }
        };
        let mut held_after = None;
        if let Some(last) = buyer
            .last_reminded
            .and_then(|t| DateTime::from_timestamp(t, 0))
            && last + gap > earliest.max(now)
        {
            earliest = last + gap;
            held_after = Some(last.timestamp());
        }
        let chatting = quiet_from.is_some_and(|q| q > earliest.max(now));
        if let Some(q) = quiet_from.filter(|_| chatting) {
            earliest = q;
        }
        let wanted = earliest.max(now);
        let Some(at) = self.calendar.next_open(wanted) else {
            return Decision::Skip(Skip::WouldClose);
        };
        if order
            .auto_close_at
            .is_some_and(|close| at.timestamp() >= close)
        {
            return Decision::Skip(Skip::WouldClose);
        }
        let local = at.with_timezone(&self.calendar.tz).date_naive();
        let strategy = if order
            .promotion_end
            .is_some_and(|end| end > at.timestamp() && end - at.timestamp() <= 24 * 3600)
        {
            Strategy::PromotionEnding
        } else if order.stock_left.is_some_and(|s| s <= c.low_stock) {
            Strategy::LimitedStock
        } else if buyer.hesitated {
            Strategy::Returns
        } else {
            Strategy::FastDelivery
        };
        Decision::Remind {
            at,
            number: order.reminders.len() + 1,
            channel: self.channel(order),
            strategy,
            variant: (fnv(&order.id) % 2) as u8,
            timing: match held_after {
                _ if chatting => Timing::Chatting,
                Some(after) => Timing::BuyerGap { after },
                None if self.calendar.is_day_off(local) => Timing::DayOff,
                None => Timing::Due,
            },
        }
    }

    fn channel(&self, order: &Order) -> Channel {
        if order.amount_minor >= self.config.call_threshold_minor() {
            Channel::Call
        } else {
            Channel::Message
        }
    }

    /// The buyer said when they would pay: the reminder goes then, whatever
    /// the send windows and the per-buyer gap say (they asked for it), once,
    /// while the order is open. A time more than an hour past has lapsed.
    fn promised_at(
        &self,
        order: &Order,
        buyer: &BuyerState,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let at = DateTime::from_timestamp(buyer.pay_at?, 0)?;
        let lapsed = at + Duration::hours(1) < now;
        // One reminder keeps the promise, whichever order it was for: a
        // buyer with three open orders is not messaged three times at once.
        let since = at.timestamp() - 3600;
        let reminded_since = order.reminders.last().is_some_and(|last| last.at >= since)
            || buyer.last_reminded.is_some_and(|last| last >= since);
        // A call is a person's task: it waits for the send windows.
        let at = match self.channel(order) {
            Channel::Call => self.calendar.next_open(at)?,
            Channel::Message => at,
        };
        let before_order = at.timestamp() < order.created_at;
        let after_close = order
            .auto_close_at
            .is_some_and(|close| at.timestamp() >= close);
        (!lapsed && !reminded_since && !before_order && !after_close).then(|| at.max(now))
    }

    /// Moves the due entries of `order_ids` (a buyer's unpaid orders) to
    /// what the policy says now that the buyer's state changed (a stated
    /// pay time), so the scheduler sends at that time, not at the one
    /// planned when the order arrived.
    pub fn reschedule_orders(
        &self,
        order_ids: &[String],
        buyer: &BuyerState,
        now: DateTime<Utc>,
    ) -> Result<(), RemindersError> {
        (&self.orders, &self.due, &self.order_due)
            .transaction(|(orders, due, order_due)| {
                for id in order_ids {
                    if let Some(order) = stored(orders, id)?
                        && order.status == Status::Unpaid
                    {
                        schedule(due, order_due, id, &self.decide(&order, buyer, now))?;
                    }
                }
                Ok(())
            })
            .map_err(|e| store_err(format!("{e:?}")))
    }

    /// The ids of `buyer`'s orders, from the buyer index.
    pub fn orders_of(&self, buyer: &str) -> Result<Vec<String>, RemindersError> {
        let mut prefix = buyer.as_bytes().to_vec();
        prefix.push(0);
        self.by_buyer
            .scan_prefix(&prefix)
            .keys()
            .filter_map(|k| match k {
                // The index's version marker, not an order.
                Ok(k) if k.len() == prefix.len() => None,
                Ok(k) => Some(Ok(String::from_utf8_lossy(&k[prefix.len()..]).into_owned())),
                Err(e) => Some(Err(store_err(e))),
            })
            .collect()
    }

    fn with_last(&self, order: &Order, mut state: BuyerState) -> BuyerState {
        if let Ok(Some(raw)) = self.last_reminded.get(order.buyer.as_bytes())
            && let Ok(bytes) = <[u8; 8]>::try_from(raw.as_ref())
        {
            state.last_reminded = Some(i64::from_be_bytes(bytes));
        }
        state
    }

    /// Sends what is due at `now`: first what is left in the outbox (a
    /// crash, or a retry whose time has come), then the due index up to
    /// `now`. Returns the reminders sent. One reminder's delivery failure
    /// never stops the others; only a storage failure ends the tick early.
    pub async fn tick<D: Deliver>(
        &self,
        now: DateTime<Utc>,
        buyer: &(dyn Fn(&Order) -> BuyerState + Sync),
        deliver: &D,
    ) -> Result<Vec<Reminder>, RemindersError> {
        let mut sent = Vec::new();
        // 1. The outbox. Sent entries are removed, so this stays as small as
        // what is in flight or waiting for a retry.
        let mut pending = Vec::new();
        for (key, value) in self.outbox.iter().filter_map(Result::ok) {
            match serde_json::from_slice::<OutboxEntry>(&value) {
                Ok(entry) if entry.state == OutboxState::Sent => {
                    // Kept as sent by earlier versions: the order records it.
                    self.outbox.remove(&key).map_err(store_err)?;
                }
                Ok(entry) if entry.retry_at.is_some_and(|t| t > now.timestamp()) => {}
                Ok(entry) => pending.push((key, entry)),
                Err(e) => tracing::warn!(error = %e, "an unreadable outbox entry is left alone"),
            }
        }
        for (key, entry) in pending {
            if let Some(r) = self.send_pending(key, entry, now, buyer, deliver).await? {
                sent.push(r);
            }
        }
        // 2. The due index, up to now.
        let end = due_key(now.timestamp(), "\u{10FFFF}");
        let due: Vec<sled::IVec> = self
            .due
            .range(..=end)
            .keys()
            .filter_map(Result::ok)
            .collect();
        for key in due {
            let id = String::from_utf8_lossy(&key[8..]).into_owned();
            let Some(order) = self.order(&id)? else {
                self.due.remove(&key).map_err(store_err)?;
                continue;
            };
            let state = self.with_last(&order, buyer(&order));
            match self.decide(&order, &state, now) {
                Decision::Remind {
                    at,
                    number,
                    channel,
                    strategy,
                    variant,
                    ..
                } if at <= now => {
                    let reminder = Reminder {
                        order: order.clone(),
                        number,
                        channel,
                        strategy,
                        variant,
                        due: at.timestamp(),
                    };
                    let entry = OutboxEntry {
                        state: OutboxState::Pending,
                        reminder,
                        attempts: 0,
                        retry_at: None,
                    };
                    let out_key = self.db.db().generate_id().map_err(store_err)?.to_be_bytes();
                    let bytes = serde_json::to_vec(&entry).map_err(store_err)?;
                    // Written to the outbox and taken off the index together.
                    (&self.outbox, &self.due, &self.order_due)
                        .transaction(|(outbox, due, order_due)| {
                            outbox.insert(&out_key, bytes.as_slice())?;
                            due.remove(&key)?;
                            order_due.remove(id.as_bytes())?;
                            Ok::<_, sled::transaction::ConflictableTransactionError<()>>(())
                        })
                        .map_err(|e| store_err(format!("{e:?}")))?;
                    if let Some(r) = self
                        .send_pending(out_key.to_vec().into(), entry, now, buyer, deliver)
                        .await?
                    {
                        sent.push(r);
                    }
                }
                decision => self.reschedule(&order, &key, &decision)?,
            }
        }
        Ok(sent)
    }

    /// Moves (or drops) an order's due entry to match `decision`; `old` is
    /// the entry the tick found.
    fn reschedule(
        &self,
        order: &Order,
        old: &[u8],
        decision: &Decision,
    ) -> Result<(), RemindersError> {
        (&self.due, &self.order_due)
            .transaction(|(due, order_due)| {
                due.remove(old)?;
                schedule(due, order_due, &order.id, decision)
            })
            .map_err(|e| store_err(format!("{e:?}")))
    }

    /// Sends one outbox entry if the order still wants it, then records the
    /// outcome: sent (on the order, with its next reminder scheduled, and the
    /// entry removed, in one transaction), to be retried, or undeliverable.
    async fn send_pending<D: Deliver>(
        &self,
        key: sled::IVec,
        mut entry: OutboxEntry,
        now: DateTime<Utc>,
        buyer: &(dyn Fn(&Order) -> BuyerState + Sync),
        deliver: &D,
    ) -> Result<Option<Reminder>, RemindersError> {
        let Some(order) = self.order(&entry.reminder.order.id)? else {
            self.outbox.remove(&key).map_err(store_err)?;
            return Ok(None);
        };
        // Re-checked at the moment of sending: paid, stopped, with an agent...
        let state = self.with_last(&order, buyer(&order));
        let still_wanted = order.reminders.len() < entry.reminder.number
            && matches!(
                self.decide(
                    &order,
                    &BuyerState {
                        last_reminded: None,
                        ..state
                    },
                    now
                ),
                Decision::Remind { .. }
            );
        if !still_wanted {
            self.outbox.remove(&key).map_err(store_err)?;
            return Ok(None);
        }
        if entry.state == OutboxState::Sending {
            tracing::warn!(order = %order.id, "a reminder was being sent when the process stopped; sending it again (at least once)");
        }
        // The attempt is durable before the request: a crash from here on
        // repeats at most this one request.
        entry.reminder.order = order.clone();
        entry.state = OutboxState::Sending;
        entry.attempts += 1;
        entry.retry_at = None;
        self.put_outbox(&key, &entry)?;
        let failure = match deliver.deliver(&entry.reminder).await {
            Ok(()) => return self.record_sent(key, entry, state, now).map(Some),
            Err(DeliveryError::Transient(e)) if entry.attempts < MAX_ATTEMPTS => {
                let wait = backoff_minutes(entry.attempts);
                tracing::warn!(order = %order.id, attempt = entry.attempts, error = %e, "a reminder could not be sent; retrying in {wait} min");
                entry.state = OutboxState::Pending;
                entry.retry_at = Some((now + Duration::minutes(wait)).timestamp());
                self.put_outbox(&key, &entry)?;
                return Ok(None);
            }
            Err(DeliveryError::Transient(e)) => {
                format!("gave up after {} attempts: {e}", entry.attempts)
            }
            Err(DeliveryError::Permanent(e)) => e,
        };
        tracing::warn!(order = %order.id, reason = %failure.escape_debug(), "a reminder cannot be delivered; the order gets no more");
        let failed = Undeliverable {
            at: now.timestamp(),
            number: entry.reminder.number,
            reason: failure.chars().take(200).collect(),
        };
        (
            &self.outbox,
            &self.orders,
            &self.by_buyer,
            &self.due,
            &self.order_due,
        )
            .transaction(|(outbox, orders, by_buyer, due, order_due)| {
                outbox.remove(&key)?;
                let Some(mut order) = stored(orders, &entry.reminder.order.id)? else {
                    return Ok(());
                };
                order.undeliverable = Some(failed.clone());
                put(orders, by_buyer, &order, None)?;
                schedule(
                    due,
                    order_due,
                    &order.id,
                    &Decision::Skip(Skip::Undeliverable),
                )
            })
            .map_err(|e| store_err(format!("{e:?}")))?;
        self.flush()?;
        Ok(None)
    }

    /// Writes an outbox entry and waits until it is durable.
    fn put_outbox(&self, key: &[u8], entry: &OutboxEntry) -> Result<(), RemindersError> {
        let bytes = serde_json::to_vec(entry).map_err(store_err)?;
        self.outbox.insert(key, bytes).map_err(store_err)?;
        self.flush()
    }

    /// Records a delivered reminder on the order, removes its outbox entry
    /// and schedules the next, in one transaction.
    fn record_sent(
        &self,
        key: sled::IVec,
        entry: OutboxEntry,
        state: BuyerState,
        now: DateTime<Utc>,
    ) -> Result<Reminder, RemindersError> {
        let sent = SentReminder {
            at: now.timestamp(),
            strategy: entry.reminder.strategy.key().to_string(),
            variant: entry.reminder.variant,
            channel: if entry.reminder.channel == Channel::Call {
                "call"
            } else {
                "message"
            }
            .to_string(),
        };
        let state = BuyerState {
            last_reminded: Some(now.timestamp()),
            ..state
        };
        let window = self.calendar.slot_of(now);
        (
            &self.outbox,
            &self.orders,
            &self.by_buyer,
            &self.last_reminded,
            &self.sent_windows,
            &self.due,
            &self.order_due,
        )
            .transaction(
                |(outbox, orders, by_buyer, last, windows, due, order_due)| {
                    // Marked sent by leaving: the order now records the reminder.
                    outbox.remove(&key)?;
                    // The order as it is now, not as it was before delivery: an
                    // event (paid, say) may have arrived in between.
                    let Some(mut order) = stored(orders, &entry.reminder.order.id)? else {
                        return Ok(());
                    };
                    order.reminders.push(sent.clone());
                    put(orders, by_buyer, &order, None)?;
                    windows.insert(
                        sent_window_key(&order.id, order.reminders.len()),
                        window.as_bytes(),
                    )?;
                    last.insert(order.buyer.as_bytes(), &now.timestamp().to_be_bytes())?;
                    schedule(due, order_due, &order.id, &self.decide(&order, &state, now))
                },
            )
            .map_err(|e| store_err(format!("{e:?}")))?;
        self.flush()?;
        Ok(entry.reminder)
    }

    pub fn timezone(&self) -> chrono_tz::Tz {
        self.calendar.tz
    }

    pub fn pending(&self) -> usize {
        self.due.len()
    }

    /// All orders (for the report).
    pub fn orders(&self) -> impl Iterator<Item = Order> + '_ {
        self.orders
            .iter()
            .filter_map(Result::ok)
            .filter_map(|(_, v)| Order::from_bytes(&v))
    }
}

impl RemindersConfig {
    /// The send calendar; fails only on an unreadable `holidays_dir`.
    pub fn calendar(&self) -> Result<Calendar, String> {
        let tz = self.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
        let windows = self
            .windows
            .iter()
            .filter_map(|w| Window::parse(w))
            .collect();
        let mut calendar = Calendar::new(
            tz,
            windows,
            Duration::minutes(i64::from(self.day_off_delay_minutes)),
        );
        calendar.extra_days_off = self
            .extra_days_off
            .iter()
            .filter_map(|d| d.parse().ok())
            .collect();
        calendar.extra_workdays = self
            .extra_workdays
            .iter()
            .filter_map(|d| d.parse().ok())
            .collect();
        if let Some(dir) = &self.holidays_dir {
            calendar.holidays = holidays::Holidays::with_dir(dir)?;
        }
        Ok(calendar)
    }

    fn call_threshold_minor(&self) -> i64 {
        (self.call_threshold * 100.0).round() as i64
    }
}
