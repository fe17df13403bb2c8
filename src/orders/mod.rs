//! Orders as the shop's backend reports them, and how events update them.
//!
//! Events can arrive twice or out of order: a terminal status (paid,
//! cancelled, closed) is never undone by a later-arriving "created", and
//! applying the same event again changes nothing.

mod bounds;
pub mod import;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Unpaid,
    Paid,
    Cancelled,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PaymentType {
    #[default]
    Online,
    CashOnDelivery,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub name: String,
    #[serde(default = "one")]
    pub quantity: u32,
}

fn one() -> u32 {
    1
}

/// A sent reminder, kept on the order for the caps and the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentReminder {
    pub at: i64,
    pub strategy: String,
    pub variant: u8,
    /// `message` (to the buyer) or `call` (a task for an agent).
    pub channel: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    /// The buyer's session id (e.g. `tg:1234`).
    pub buyer: String,
    pub items: Vec<Item>,
    /// In minor units (cents, fen).
    pub amount_minor: i64,
    pub currency: String,
    pub created_at: i64,
    pub status: Status,
    pub payment: PaymentType,
    pub auto_close_at: Option<i64>,
    pub stock_left: Option<u32>,
    pub promotion_end: Option<i64>,
    pub paid_at: Option<i64>,
    #[serde(default)]
    pub reminders: Vec<SentReminder>,
    /// What the agent who called recorded (`paynudge calls record`).
    #[serde(default)]
    pub call_outcome: Option<String>,
    /// A reminder could not be delivered and will not be retried: the order
    /// gets no more (the plan and the report say why). New fields go last,
    /// as `Option`s: see `FORMAT_POSTCARD`.
    #[serde(default)]
    pub undeliverable: Option<Undeliverable>,
    /// Who to ask for on a call task, and the number to dial: shown whole
    /// only in the task an agent works, masked everywhere else.
    #[serde(default)]
    pub buyer_name: Option<String>,
    #[serde(default)]
    pub buyer_phone: Option<String>,
    /// The language the shop knows the buyer by, for a buyer who never chatted.
    #[serde(default)]
    pub buyer_lang: Option<crate::lang::Lang>,
}

/// Why a reminder for an order could not be delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undeliverable {
    pub at: i64,
    /// Which reminder (1 = the first).
    pub number: usize,
    /// The channel's words ("chat not found", "gave up after 5 attempts: ...").
    pub reason: String,
}

/// Orders are stored as postcard behind this format byte: planning reads
/// every unpaid order, and the compact form is a third the size of JSON.
/// Each older format is the current one without its last `Option` fields;
/// postcard writes `None` as one zero byte, so an old record plus one zero
/// byte per missing field reads as the current format.
const FORMAT_POSTCARD: u8 = 3;
/// Per older format: how many trailing `Option` fields it lacks.
const MISSING_FIELDS: [(u8, usize); 2] = [(1, 4), (2, 3)];

impl Order {
    pub fn to_bytes(&self) -> Result<Vec<u8>, postcard::Error> {
        let mut bytes = vec![FORMAT_POSTCARD];
        bytes.extend(postcard::to_allocvec(self)?);
        Ok(bytes)
    }

    /// Reads a stored order (postcard, or JSON from before the format byte).
    pub fn from_bytes(bytes: &[u8]) -> Option<Order> {
        match bytes.split_first()? {
            (&FORMAT_POSTCARD, rest) => postcard::from_bytes(rest).ok(),
            (format, rest) => match MISSING_FIELDS.iter().find(|(f, _)| f == format) {
                Some(&(_, missing)) => {
                    postcard::from_bytes(&[rest, &vec![0; missing]].concat()).ok()
                }
                None => serde_json::from_slice(bytes).ok(),
            },
        }
    }

    pub fn item_summary(&self) -> String {
        self.items_within(usize::MAX).0
    }

    /// The items as `Scarf ×2, Hat`, cut to about `max_chars` characters:
    /// whole items while they fit (the first always, shortened with `…` if
    /// it alone is too long), and how many were left out. A reminder must
    /// fit in one chat message whatever the order holds.
    pub fn items_within(&self, max_chars: usize) -> (String, usize) {
        let mut text = String::new();
        let mut used = 0;
        for (n, item) in self.items.iter().enumerate() {
            let quantity = if item.quantity > 1 {
                format!(" ×{}", item.quantity)
            } else {
                String::new()
            };
            let chars = item.name.chars().count() + quantity.chars().count() + 2;
            if n > 0 && used + chars > max_chars {
                return (text, self.items.len() - n);
            }
            if n > 0 {
                text.push_str(", ");
            }
            if chars > max_chars {
                let keep = max_chars
                    .saturating_sub(quantity.chars().count() + 1)
                    .max(1);
                text.extend(item.name.chars().take(keep));
                text.push('…');
            } else {
                text.push_str(&item.name);
            }
            text.push_str(&quantity);
            used += chars;
        }
        (text, 0)
    }

    pub fn amount_text(&self) -> String {
        self.amount().to_string()
    }

    /// `199.90 CNY`.
    pub fn amount(&self) -> Amount<'_> {
        Amount(self)
    }
}

/// An order's amount for display (see [`Order::amount`]).
pub struct Amount<'a>(&'a Order);

impl Amount<'_> {
    /// `199.90 CNY` in pieces: cheaper than formatting with widths, which
    /// shows when a plan writes a million amounts.
    pub fn write_to(&self, out: &mut impl std::fmt::Write) -> std::fmt::Result {
        let minor = self.0.amount_minor;
        if minor < 0 {
            out.write_char('-')?;
        }
        let (whole, cents) = ((minor / 100).unsigned_abs(), (minor % 100).unsigned_abs());
        write!(out, "{whole}")?;
        out.write_char('.')?;
        out.write_char(char::from(b'0' + (cents / 10) as u8))?;
        out.write_char(char::from(b'0' + (cents % 10) as u8))?;
        out.write_char(' ')?;
        out.write_str(&self.0.currency)
    }
}

impl std::fmt::Display for Amount<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write_to(f)
    }
}

/// A malformed event: which field and why. Nothing is written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("field `{field}`: {reason}")]
pub struct EventError {
    pub field: String,
    pub reason: String,
}

fn bad(field: &str, reason: impl Into<String>) -> EventError {
    EventError {
        field: field.to_string(),
        reason: reason.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Created,
    Paid,
    Cancelled,
    Closed,
    StockChanged,
}

/// One event from the shop's backend, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub order_id: String,
    /// Unix seconds the event happened.
    pub at: i64,
    /// Present on `created` (required there), optional elsewhere.
    pub order: Option<Order>,
    pub stock_left: Option<u32>,
}

fn time_field(v: &Value, field: &str) -> Result<Option<i64>, EventError> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .ok_or_else(|| bad(field, "must be Unix seconds"))
            .and_then(|at| bounds::time(field, at))
            .map(Some),
        Some(Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .map_err(|_| {
                bad(
                    field,
                    "must be RFC 3339 (2026-11-23T10:00:00+08:00) or Unix seconds",
                )
            })
            .and_then(|t| bounds::time(field, t.timestamp()))
            .map(Some),
        Some(_) => Err(bad(field, "must be a time")),
    }
}

fn text_field<'a>(v: &'a Value, field: &str) -> Result<&'a str, EventError> {
    v.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| bad(field, "is required"))
}

/// An optional free-text field, trimmed, at most `max` characters.
fn optional_text(v: &Value, field: &str, max: usize) -> Result<Option<String>, EventError> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) if s.trim().chars().count() <= max => Ok(Some(s.trim().to_string())),
        Some(Value::String(_)) => Err(bad(field, format!("at most {max} characters"))),
        Some(_) => Err(bad(field, "must be text")),
    }
}

fn amount_minor(v: &Value) -> Result<i64, EventError> {
    let amount = match v.get("amount") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .ok_or_else(|| bad("amount", "is required: a number like 199.00"))?;
    if !amount.is_finite() || !(0.0..=1e12).contains(&amount) {
        return Err(bad("amount", "must be between 0 and 10^12"));
    }
    Ok((amount * 100.0).round() as i64)
}

/// The fields an event may carry (the README lists them).
pub const EVENT_FIELDS: &[&str] = &[
    "event",
    "order_id",
    "at",
    "created_at",
    "buyer",
    "buyer_name",
    "buyer_phone",
    "buyer_lang",
    "items",
    "amount",
    "currency",
    "payment_type",
    "auto_close_at",
    "promotion_end",
    "stock_left",
];

/// A field paynudge does not know is ignored, with one warning per name:
/// a misspelt `auto_close` would otherwise be lost without a word.
fn warn_unknown_fields(v: &serde_json::Map<String, Value>) {
    static WARNED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    for name in v.keys().filter(|k| !EVENT_FIELDS.contains(&k.as_str())) {
        let mut warned = WARNED.lock().unwrap_or_else(|p| p.into_inner());
        // Bounded: a feed with endless invented names warns about 100.
        if warned.len() < 100 && !warned.contains(name) {
            warned.push(name.clone());
            tracing::warn!(
                field = %name.escape_debug(),
                "order events carry a field paynudge does not know; it is ignored (known: {})",
                EVENT_FIELDS.join(", ")
            );
        }
    }
}

impl Event {
    /// Parses one event (a JSON object) and checks every field it needs.
    pub fn parse(v: &Value) -> Result<Event, EventError> {
        let Some(object) = v.as_object() else {
            return Err(bad("event", "must be a JSON object"));
        };
        warn_unknown_fields(object);
        let kind = match text_field(v, "event")? {
            "created" => EventKind::Created,
            "paid" => EventKind::Paid,
            "cancelled" | "canceled" => EventKind::Cancelled,
            "closed" => EventKind::Closed,
            "stock_changed" => EventKind::StockChanged,
            other => {
                return Err(bad(
                    "event",
                    format!(
                        "unknown event `{other}` (created, paid, cancelled, closed, stock_changed)"
                    ),
                ));
            }
        };
        let order_id = text_field(v, "order_id")?;
        if !crate::links::valid_order_id(order_id) {
            return Err(bad(
                "order_id",
                "use A-Z, a-z, 0-9 and -, at most 32 characters",
            ));
        }
        let at = time_field(v, "at")?
            .or(time_field(v, "created_at")?)
            .ok_or_else(|| bad("at", "is required"))?;
        let stock_left = match v.get("stock_left") {
            None | Some(Value::Null) => None,
            Some(s) => Some(
                s.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| bad("stock_left", "must be a whole number ≥ 0"))?,
            ),
        };
        let order = if kind == EventKind::Created {
            let buyer = text_field(v, "buyer")?;
            let id =
                crate::session::UserId::parse(buyer).map_err(|e| bad("buyer", e.to_string()))?;
            if buyer.starts_with("tg:") && id.telegram_chat().is_none() {
                return Err(bad(
                    "buyer",
                    "a Telegram buyer is `tg:` and the user's id, a whole number from 1 to 2^40-1",
                ));
            }
            let items: Vec<Item> = serde_json::from_value(
                v.get("items").cloned().unwrap_or(Value::Null),
            )
            .map_err(|_| {
                bad(
                    "items",
                    "must be a list of {\"name\": ..., \"quantity\": ...}",
                )
            })?;
            bounds::items(&items)?;
            let payment_type = v
                .get("payment_type")
                .and_then(Value::as_str)
                .unwrap_or("online");
            let payment = match payment_type
                .trim()
                .to_ascii_lowercase()
                .replace(['-', ' '], "_")
                .as_str()
            {
                "online" => PaymentType::Online,
                "cod" | "cash_on_delivery" => PaymentType::CashOnDelivery,
                _ => {
                    return Err(bad(
                        "payment_type",
                        format!(
                            "`{payment_type}`: use online, or cod / cash_on_delivery (any case)"
                        ),
                    ));
                }
            };
            let buyer_lang = match v.get("buyer_lang").and_then(Value::as_str) {
                None => None,
                Some(code) => Some(
                    code.parse::<crate::lang::Lang>()
                        .map_err(|e| bad("buyer_lang", e))?,
                ),
            };
            Some(Order {
                id: order_id.to_string(),
                buyer: buyer.to_string(),
                items,
                amount_minor: amount_minor(v)?,
                currency: bounds::currency(
                    v.get("currency").and_then(Value::as_str).unwrap_or("CNY"),
                )?,
                created_at: at,
                status: Status::Unpaid,
                payment,
                auto_close_at: time_field(v, "auto_close_at")?,
                stock_left,
                promotion_end: time_field(v, "promotion_end")?,
                paid_at: None,
                reminders: Vec::new(),
                call_outcome: None,
                undeliverable: None,
                buyer_name: optional_text(v, "buyer_name", 100)?,
                buyer_phone: optional_text(v, "buyer_phone", 32)?,
                buyer_lang,
            })
        } else {
            None
        };
        Ok(Event {
            kind,
            order_id: order_id.to_string(),
            at,
            order,
            stock_left,
        })
    }

    /// The order after this event. `None` when the event is about an order
    /// not known yet and cannot create it (a status change that arrived
    /// before "created" is kept as a placeholder instead, see below).
    pub fn apply(&self, existing: Option<Order>) -> Order {
        let mut order = match (existing, &self.order) {
            (Some(mut known), Some(created)) => {
                // "created" after other events: fill in the details, keep the status.
                let (status, paid_at, reminders) = (
                    known.status,
                    known.paid_at,
                    std::mem::take(&mut known.reminders),
                );
                Order {
                    status,
                    paid_at,
                    reminders,
                    ..created.clone()
                }
            }
            (Some(known), None) => known,
            (None, Some(created)) => created.clone(),
            (None, None) => Order {
                id: self.order_id.clone(),
                buyer: String::new(),
                items: Vec::new(),
                amount_minor: 0,
                currency: String::new(),
                created_at: self.at,
                status: Status::Unpaid,
                payment: PaymentType::Online,
                auto_close_at: None,
                stock_left: None,
                promotion_end: None,
                paid_at: None,
                reminders: Vec::new(),
                call_outcome: None,
                undeliverable: None,
                buyer_name: None,
                buyer_phone: None,
                buyer_lang: None,
            },
        };
        let terminal = order.status != Status::Unpaid;
        match self.kind {
            EventKind::Created => {}
            EventKind::Paid if order.status != Status::Paid => {
                order.status = Status::Paid;
                order.paid_at = Some(self.at);
            }
            EventKind::Cancelled if !terminal => order.status = Status::Cancelled,
            EventKind::Closed if !terminal => order.status = Status::Closed,
            EventKind::StockChanged => order.stock_left = self.stock_left.or(order.stock_left),
            _ => {}
        }
        if let Some(stock) = self.stock_left {
            order.stock_left = Some(stock);
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn created() -> Value {
        json!({"event": "created", "order_id": "A-1", "buyer": "tg:1", "items": [{"name": "Scarf", "quantity": 2}],
               "amount": "199.90", "currency": "CNY", "at": 1_763_000_000, "auto_close_at": "2025-11-14T20:00:00+08:00"})
    }

    #[test]
    fn parses_a_created_event() {
        let e = Event::parse(&created()).unwrap();
        let o = e.order.unwrap();
        assert_eq!(o.amount_minor, 19_990);
        assert_eq!(o.item_summary(), "Scarf ×2");
        let many = Order {
            items: (0..40)
                .map(|n| Item {
                    name: format!("Wool scarf {n}"),
                    quantity: 1,
                })
                .collect(),
            ..o.clone()
        };
        assert_eq!(
            many.items_within(30),
            ("Wool scarf 0, Wool scarf 1".into(), 38)
        );
        let long = Order {
            items: vec![Item {
                name: "x".repeat(100_000),
                quantity: 2,
            }],
            ..o.clone()
        };
        let (text, more) = long.items_within(30);
        assert_eq!((text.chars().count(), more), (30, 0));
        assert!(text.ends_with("… ×2"));
        assert_eq!(o.amount_text(), "199.90 CNY");
        assert!(o.auto_close_at.is_some());
    }

    #[test]
    fn payment_type_is_read_in_any_case_and_buyer_fields_are_kept() {
        let mut v = created();
        v["payment_type"] = json!("COD");
        v["buyer_lang"] = json!("zh");
        v["buyer_phone"] = json!(" 13800138000 ");
        let order = Event::parse(&v).unwrap().order.unwrap();
        assert_eq!(order.payment, PaymentType::CashOnDelivery);
        assert_eq!(order.buyer_lang, Some(crate::lang::Lang::Zh));
        assert_eq!(order.buyer_phone.as_deref(), Some("13800138000"));
        v["payment_type"] = json!("Cash-On-Delivery");
        assert!(Event::parse(&v).is_ok());
        v["payment_type"] = json!("bitcoin");
        assert_eq!(Event::parse(&v).unwrap_err().field, "payment_type");
        v["payment_type"] = json!("online");
        v["buyer_lang"] = json!("fr");
        assert_eq!(Event::parse(&v).unwrap_err().field, "buyer_lang");
    }

    #[test]
    fn malformed_events_name_the_field() {
        let mut v = created();
        v["amount"] = json!("lots");
        assert_eq!(Event::parse(&v).unwrap_err().field, "amount");
        let mut v = created();
        v.as_object_mut().unwrap().remove("buyer");
        assert_eq!(Event::parse(&v).unwrap_err().field, "buyer");
        let mut v = created();
        v["event"] = json!("refunded");
        assert_eq!(Event::parse(&v).unwrap_err().field, "event");
        assert_eq!(
            Event::parse(&json!({"event": "paid", "order_id": "A 1", "at": 1}))
                .unwrap_err()
                .field,
            "order_id"
        );
        assert_eq!(Event::parse(&json!([1])).unwrap_err().field, "event");
    }

    #[test]
    fn stored_orders_round_trip_and_old_json_records_still_read() {
        let order = Event::parse(&created()).unwrap().order.unwrap();
        let bytes = order.to_bytes().unwrap();
        assert!(bytes.len() < serde_json::to_vec(&order).unwrap().len() / 2);
        assert_eq!(Order::from_bytes(&bytes), Some(order.clone()));
        assert_eq!(
            Order::from_bytes(&serde_json::to_vec(&order).unwrap()),
            Some(order.clone())
        );
        assert_eq!(Order::from_bytes(b"\x03garbage"), None);
        // Older formats: the same record without its trailing `None`s
        // (format 1: `undeliverable` and the buyer fields; 2: buyer fields).
        for (format, missing) in MISSING_FIELDS {
            let old = [&[format], &bytes[1..bytes.len() - missing]].concat();
            assert_eq!(
                Order::from_bytes(&old),
                Some(order.clone()),
                "format {format}"
            );
        }
        let contact = Order {
            buyer_name: Some("王女士".into()),
            buyer_phone: Some("13800138000".into()),
            buyer_lang: Some(crate::lang::Lang::Zh),
            ..order.clone()
        };
        assert_eq!(
            Order::from_bytes(&contact.to_bytes().unwrap()),
            Some(contact)
        );
        let failed = Order {
            undeliverable: Some(Undeliverable {
                at: 1,
                number: 1,
                reason: "chat not found".into(),
            }),
            ..order
        };
        assert_eq!(Order::from_bytes(&failed.to_bytes().unwrap()), Some(failed));
    }

    #[test]
    fn paid_then_created_ends_paid_and_duplicates_change_nothing() {
        let paid = Event::parse(&json!({"event": "paid", "order_id": "A-1", "at": 1_763_000_500}))
            .unwrap();
        let created = Event::parse(&created()).unwrap();
        let order = created.apply(Some(paid.apply(None)));
        assert_eq!(order.status, Status::Paid);
        assert_eq!(order.buyer, "tg:1");
        let again = paid.apply(Some(order.clone()));
        assert_eq!(again, order);
        let closed =
            Event::parse(&json!({"event": "closed", "order_id": "A-1", "at": 1_763_000_900}))
                .unwrap();
        assert_eq!(closed.apply(Some(order)).status, Status::Paid);
    }
}
