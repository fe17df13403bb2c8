//! Payment reminders (催付) for unpaid orders.
//!
//! Orders come in as events (`orders.rs`) and live in sled next to the
//! sessions. Each unpaid order has at most one entry in a due-time index
//! (`due`: big-endian due time ++ order id), so a scheduler tick is a range
//! scan up to now, never a scan of all orders. A reminder is written to the
//! outbox before it is sent and marked when sent; after a crash, pending
//! outbox entries are sent on the next tick and sent ones never again. Every
//! condition is checked again at the moment of sending. The clock is a
//! parameter, so tests run days of virtual time in milliseconds.

pub mod calendar;
mod report;

pub use report::{Rate, Report};

use crate::config::RemindersConfig;
use crate::orders::{Event, Order, PaymentType, SentReminder, Status};
use calendar::{Calendar, Window};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use std::fmt;

/// Why an order gets no reminder (now or ever).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
        shifted: bool,
    },
    Skip(Skip),
}

impl Decision {
    /// One line for `reminders plan`, times in the shop's zone.
    pub fn describe(&self, tz: chrono_tz::Tz) -> String {
        match self {
            Decision::Remind {
                at,
                number,
                channel,
                strategy,
                variant,
                shifted,
            } => format!(
                "reminder {number} at {} by {} ({}, variant {}){}",
                at.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z"),
                if *channel == Channel::Call {
                    "call task"
                } else {
                    "message"
                },
                strategy.key(),
                if *variant == 0 { "a" } else { "b" },
                if *shifted {
                    ", window opens later on a day off"
                } else {
                    ""
                }
            ),
            Decision::Skip(reason) => format!(
                "none: {}",
                serde_json::to_value(reason)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ),
        }
    }
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
    Pending,
    Sent,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct OutboxEntry {
    state: OutboxState,
    reminder: Reminder,
}

/// Delivers reminders: the Telegram channel, the call-task list, or a test double.
pub trait Deliver {
    fn deliver(
        &self,
        reminder: &Reminder,
    ) -> impl std::future::Future<Output = Result<(), String>> + Send;
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
    db: sled::Db,
}

#[derive(Debug, thiserror::Error)]
pub enum RemindersError {
    #[error(transparent)]
    Event(#[from] crate::orders::EventError),
    #[error("order storage: {0}")]
    Store(String),
}

fn store_err(e: impl fmt::Display) -> RemindersError {
    RemindersError::Store(e.to_string())
}

fn due_key(at: i64, order: &str) -> Vec<u8> {
    [&(at.max(0) as u64).to_be_bytes()[..], order.as_bytes()].concat()
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Reminders {
    pub fn open(db: &sled::Db, config: &RemindersConfig) -> Result<Reminders, RemindersError> {
        let tree = |name: &str| db.open_tree(name).map_err(store_err);
        Ok(Reminders {
            calendar: config.calendar(),
            config: config.clone(),
            orders: tree("orders")?,
            due: tree("orders_due")?,
            order_due: tree("orders_due_by_order")?,
            outbox: tree("reminders_outbox")?,
            last_reminded: tree("reminders_last")?,
            db: db.clone(),
        })
    }

    pub fn order(&self, id: &str) -> Result<Option<Order>, RemindersError> {
        let raw = self.orders.get(id.as_bytes()).map_err(store_err)?;
        Ok(raw.and_then(|b| Order::from_bytes(&b)))
    }

    /// Applies one event and reschedules the order, in one transaction:
    /// either all of it is written or nothing.
    pub fn ingest(&self, event: &Event, now: DateTime<Utc>) -> Result<Order, RemindersError> {
        let order = event.apply(self.order(&event.order_id)?);
        let next = match self.decide(&order, &BuyerState::default(), now) {
            Decision::Remind { at, .. } => Some(due_key(at.timestamp(), &order.id)),
            Decision::Skip(_) => None,
        };
        let bytes = order.to_bytes().map_err(store_err)?;
        (&self.orders, &self.due, &self.order_due)
            .transaction(|(orders, due, order_due)| {
                orders.insert(order.id.as_bytes(), bytes.as_slice())?;
                if let Some(old) = order_due.remove(order.id.as_bytes())? {
                    due.remove(old)?;
                }
                if let Some(key) = &next {
                    due.insert(key.as_slice(), &[])?;
                    order_due.insert(order.id.as_bytes(), key.as_slice())?;
                }
                Ok::<_, sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|e| store_err(format!("{e:?}")))?;
        Ok(order)
    }

    pub fn flush(&self) -> Result<(), RemindersError> {
        self.db.flush().map(|_| ()).map_err(store_err)
    }

    fn holdout(&self, order: &Order) -> bool {
        fnv(&format!("holdout:{}", order.id)) % 100 < u64::from(self.config.holdout_percent)
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
            Status::Unpaid if order.payment == PaymentType::CashOnDelivery => {
                Some(Skip::CashOnDelivery)
            }
            Status::Unpaid if self.holdout(order) => Some(Skip::Holdout),
            Status::Unpaid if order.reminders.len() >= c.max_per_order => Some(Skip::Cap),
            Status::Unpaid if buyer.stopped => Some(Skip::BuyerStopped),
            Status::Unpaid if buyer.blocked => Some(Skip::BuyerBlocked),
            Status::Unpaid if buyer.with_agent => Some(Skip::WithAgent),
            Status::Unpaid => None,
        };
        if let Some(reason) = skip {
            return Decision::Skip(reason);
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
        if let Some(last) = buyer
            .last_reminded
            .and_then(|t| DateTime::from_timestamp(t, 0))
        {
            earliest = earliest.max(last + gap);
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
        let channel = if order.amount_minor >= c.call_threshold_minor() {
            Channel::Call
        } else {
            Channel::Message
        };
        Decision::Remind {
            at,
            number: order.reminders.len() + 1,
            channel,
            strategy,
            variant: (fnv(&order.id) % 2) as u8,
            shifted: self.calendar.is_day_off(local),
        }
    }

    /// Every unpaid order and its decision (the dry run `reminders plan`), in
    /// no particular order.
    pub fn plan(
        &self,
        now: DateTime<Utc>,
        buyer: &(dyn Fn(&Order) -> BuyerState + Sync),
    ) -> Result<Vec<(Order, Decision)>, RemindersError> {
        // Two workers decode and decide while taking turns at the iterator:
        // decoding dominates, and the machine has two cores.
        let source = std::sync::Mutex::new(self.orders.iter());
        let work = || {
            let mut out = Vec::new();
            loop {
                let chunk: Vec<sled::IVec> = {
                    let mut iter = source.lock().unwrap_or_else(|p| p.into_inner());
                    iter.by_ref()
                        .take(1024)
                        .filter_map(|r| r.ok().map(|(_, v)| v))
                        .collect()
                };
                if chunk.is_empty() {
                    return out;
                }
                for bytes in chunk {
                    let Some(order) = Order::from_bytes(&bytes) else {
                        continue;
                    };
                    if order.status == Status::Unpaid {
                        let decision =
                            self.decide(&order, &self.with_last(&order, buyer(&order)), now);
                        out.push((order, decision));
                    }
                }
            }
        };
        let out = std::thread::scope(|scope| {
            let helper = scope.spawn(work);
            let mut mine = work();
            mine.extend(helper.join().unwrap_or_default());
            mine
        });
        Ok(out)
    }

    fn with_last(&self, order: &Order, mut state: BuyerState) -> BuyerState {
        if let Ok(Some(raw)) = self.last_reminded.get(order.buyer.as_bytes())
            && let Ok(bytes) = <[u8; 8]>::try_from(raw.as_ref())
        {
            state.last_reminded = Some(i64::from_be_bytes(bytes));
        }
        state
    }

    /// Sends what is due at `now`: first what a crash left in the outbox,
    /// then the due index up to `now`. Returns the reminders sent.
    pub async fn tick<D: Deliver>(
        &self,
        now: DateTime<Utc>,
        buyer: &(dyn Fn(&Order) -> BuyerState + Sync),
        deliver: &D,
    ) -> Result<Vec<Reminder>, RemindersError> {
        let mut sent = Vec::new();
        // 1. Pending outbox entries (a crash between writing and marking).
        let pending: Vec<(sled::IVec, OutboxEntry)> = self
            .outbox
            .iter()
            .filter_map(Result::ok)
            .filter_map(|(k, v)| {
                serde_json::from_slice::<OutboxEntry>(&v)
                    .ok()
                    .map(|e| (k, e))
            })
            .filter(|(_, e)| e.state == OutboxState::Pending)
            .collect();
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
                    };
                    let out_key = self.db.generate_id().map_err(store_err)?.to_be_bytes();
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
                    self.flush()?;
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

    /// Moves (or drops) an order's due entry to match `decision`.
    fn reschedule(
        &self,
        order: &Order,
        old: &[u8],
        decision: &Decision,
    ) -> Result<(), RemindersError> {
        self.due.remove(old).map_err(store_err)?;
        self.order_due
            .remove(order.id.as_bytes())
            .map_err(store_err)?;
        if let Decision::Remind { at, .. } = decision {
            let key = due_key(at.timestamp(), &order.id);
            self.due.insert(key.as_slice(), &[]).map_err(store_err)?;
            self.order_due
                .insert(order.id.as_bytes(), key.as_slice())
                .map_err(store_err)?;
        }
        Ok(())
    }

    /// Sends one outbox entry if the order still wants it, then marks it sent
    /// and records it on the order; the order's next reminder is scheduled.
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
        entry.reminder.order = order.clone();
        if let Err(e) = deliver.deliver(&entry.reminder).await {
            tracing::warn!(order = %order.id, error = %e, "sending a reminder failed; it stays in the outbox");
            return Err(RemindersError::Store(format!("delivery failed: {e}")));
        }
        let mut order = order;
        order.reminders.push(SentReminder {
            at: now.timestamp(),
            strategy: entry.reminder.strategy.key().to_string(),
            variant: entry.reminder.variant,
            channel: if entry.reminder.channel == Channel::Call {
                "call"
            } else {
                "message"
            }
            .to_string(),
        });
        entry.state = OutboxState::Sent;
        let order_bytes = order.to_bytes().map_err(store_err)?;
        let entry_bytes = serde_json::to_vec(&entry).map_err(store_err)?;
        let next = match self.decide(
            &order,
            &BuyerState {
                last_reminded: Some(now.timestamp()),
                ..state
            },
            now,
        ) {
            Decision::Remind { at, .. } => Some(due_key(at.timestamp(), &order.id)),
            Decision::Skip(_) => None,
        };
        (
            &self.outbox,
            &self.orders,
            &self.last_reminded,
            &self.due,
            &self.order_due,
        )
            .transaction(|(outbox, orders, last, due, order_due)| {
                outbox.insert(&key, entry_bytes.as_slice())?;
                orders.insert(order.id.as_bytes(), order_bytes.as_slice())?;
                last.insert(order.buyer.as_bytes(), &now.timestamp().to_be_bytes())?;
                if let Some(k) = &next {
                    due.insert(k.as_slice(), &[])?;
                    order_due.insert(order.id.as_bytes(), k.as_slice())?;
                }
                Ok::<_, sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|e| store_err(format!("{e:?}")))?;
        self.flush()?;
        Ok(Some(entry.reminder))
    }

    /// Number of orders waiting in the due index.
    /// Records what the agent's call for `order_id` achieved.
    pub fn record_call(&self, order_id: &str, outcome: &str) -> Result<Order, RemindersError> {
        let mut order = self
            .order(order_id)?
            .ok_or_else(|| RemindersError::Store(format!("no order {order_id:?}")))?;
        order.call_outcome = Some(outcome.to_string());
        self.orders
            .insert(order.id.as_bytes(), order.to_bytes().map_err(store_err)?)
            .map_err(store_err)?;
        self.flush()?;
        Ok(order)
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
    pub fn calendar(&self) -> Calendar {
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
        calendar
    }

    fn call_threshold_minor(&self) -> i64 {
        (self.call_threshold * 100.0).round() as i64
    }
}
