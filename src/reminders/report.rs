//! What reminding converts: `paynudge report`.

use super::{Reminders, sent_window_key};
use crate::orders::{Order, PaymentType, Status};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A payment within this long after a reminder is credited to the reminder.
const ATTRIBUTION_SECS: i64 = 24 * 3600;

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq)]
pub struct Rate {
    pub of: usize,
    pub paid: usize,
}

impl Rate {
    fn add(&mut self, paid: bool) {
        self.of += 1;
        self.paid += usize::from(paid);
    }

    /// The rate in percent; `None` when there is nothing to divide by.
    pub fn percent(&self) -> Option<f64> {
        (self.of > 0).then(|| self.paid as f64 * 100.0 / self.of as f64)
    }

    /// `42.0%`, or `n/a` for an empty rate (0 of 0 is not 0%).
    pub fn percent_text(&self) -> String {
        self.percent().map_or("n/a".into(), |p| format!("{p:.1}%"))
    }
}

/// One day's orders (by the day they were created, in the shop's zone).
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq)]
pub struct Day {
    pub orders: usize,
    /// Paid at all.
    pub paid: usize,
    pub reminded: usize,
    /// Reminded and paid within 24 h of a reminder.
    pub converted: usize,
}

impl Day {
    /// The day's orders paid at all.
    pub fn paid_rate(&self) -> Rate {
        Rate {
            of: self.orders,
            paid: self.paid,
        }
    }

    /// The day's reminded orders paid within 24 h of a reminder.
    pub fn conversion(&self) -> Rate {
        Rate {
            of: self.reminded,
            paid: self.converted,
        }
    }
}

/// Reminded minus holdout paid rate, in percentage points, with a 95%
/// interval (normal approximation for a difference of two proportions).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Lift {
    pub points: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub orders: usize,
    /// `YYYY-MM-DD` (shop time) -> that day's orders.
    pub by_day: BTreeMap<String, Day>,
    /// Reminded orders paid within 24 h of a reminder (cash-on-delivery
    /// orders are never reminded, so these are online orders).
    pub conversion: Rate,
    /// Every online order, and every cash-on-delivery order, paid at all:
    /// the seed's 60% / 40% compares shops with and without COD.
    pub paid_online: Rate,
    pub paid_cod: Rate,
    pub by_number: BTreeMap<usize, Rate>,
    /// By the send window a reminder went in (`09:30-12:00`, `... (day off)`).
    pub by_slot: BTreeMap<String, Rate>,
    pub by_strategy: BTreeMap<String, Rate>,
    pub by_blocker: BTreeMap<String, Rate>,
    /// Call tasks by the outcome the agent recorded.
    pub by_call_outcome: BTreeMap<String, Rate>,
    /// Minutes from the first reminder to payment, median.
    pub median_minutes_to_pay: Option<i64>,
    /// Eligible orders that were reminded vs the holdout, paid at all.
    pub reminded_paid: Rate,
    pub holdout_paid: Rate,
    /// Orders whose reminder could not be delivered, by the channel's reason.
    pub undeliverable: BTreeMap<String, usize>,
}

fn paid_after(order: &Order, at: i64) -> bool {
    order.status == Status::Paid
        && order
            .paid_at
            .is_some_and(|p| p >= at && p - at <= ATTRIBUTION_SECS)
}

impl Reminders {
    /// The report over orders created at or after `since` (Unix seconds).
    /// `blocker` names what a buyer said was in the way, if anything.
    pub fn report(&self, since: i64, blocker: &dyn Fn(&Order) -> Option<String>) -> Report {
        let mut r = Report::default();
        let mut minutes = Vec::new();
        for order in self
            .orders()
            .filter(|o| o.created_at >= since && !o.buyer.is_empty())
        {
            r.orders += 1;
            let day_key = chrono::DateTime::from_timestamp(order.created_at, 0)
                .map(|t| t.with_timezone(&self.calendar.tz).date_naive().to_string())
                .unwrap_or_default();
            let day = r.by_day.entry(day_key.clone()).or_default();
            day.orders += 1;
            day.paid += usize::from(order.status == Status::Paid);
            if let Some(failed) = &order.undeliverable {
                *r.undeliverable.entry(failed.reason.clone()).or_default() += 1;
            }
            let online = order.payment == PaymentType::Online;
            let paid = order.status == Status::Paid;
            if online {
                &mut r.paid_online
            } else {
                &mut r.paid_cod
            }
            .add(paid);
            // An outcome counts whether or not the task was sent by the bot
            // (an agent may call from `paynudge calls` before the tick).
            let converted = order.reminders.iter().any(|s| paid_after(&order, s.at));
            if let Some(outcome) = &order.call_outcome {
                r.by_call_outcome
                    .entry(outcome.clone())
                    .or_default()
                    .add(paid);
            } else if order.reminders.iter().any(|s| s.channel == "call") {
                r.by_call_outcome
                    .entry("(not recorded)".into())
                    .or_default()
                    .add(converted);
            }
            if self.holdout(&order) && online {
                r.holdout_paid.add(order.status == Status::Paid);
                continue;
            }
            let Some(first) = order.reminders.first() else {
                continue;
            };
            r.reminded_paid.add(paid);
            r.conversion.add(converted);
            if let Some(day) = r.by_day.get_mut(&day_key) {
                day.reminded += 1;
                day.converted += usize::from(converted);
            }
            for (n, sent) in order.reminders.iter().enumerate() {
                let won = paid_after(&order, sent.at);
                r.by_number.entry(n + 1).or_default().add(won);
                r.by_strategy
                    .entry(format!(
                        "{} ({})",
                        sent.strategy,
                        if sent.variant == 0 { "a" } else { "b" }
                    ))
                    .or_default()
                    .add(won);
                // As recorded at the send; sends from before the record
                // existed are placed by this process's calendar.
                let slot = self
                    .sent_windows
                    .get(sent_window_key(&order.id, n + 1))
                    .ok()
                    .flatten()
                    .map(|w| String::from_utf8_lossy(&w).into_owned())
                    .or_else(|| {
                        chrono::DateTime::from_timestamp(sent.at, 0)
                            .map(|t| self.calendar.slot_of(t))
                    });
                r.by_slot
                    .entry(slot.unwrap_or_default())
                    .or_default()
                    .add(won);
            }
            r.by_blocker
                .entry(blocker(&order).unwrap_or_else(|| "(none named)".into()))
                .or_default()
                .add(converted);
            if converted && let Some(paid) = order.paid_at {
                minutes.push((paid - first.at) / 60);
            }
        }
        minutes.sort_unstable();
        r.median_minutes_to_pay = minutes.get(minutes.len() / 2).copied();
        r
    }
}

impl Report {
    /// Reminded vs holdout; `None` while either group is empty.
    pub fn lift(&self) -> Option<Lift> {
        let (a, b) = (&self.reminded_paid, &self.holdout_paid);
        let (pa, pb) = (a.percent()? / 100.0, b.percent()? / 100.0);
        let se = (pa * (1.0 - pa) / a.of as f64 + pb * (1.0 - pb) / b.of as f64).sqrt();
        let points = (pa - pb) * 100.0;
        Some(Lift {
            points,
            low: points - 196.0 * se,
            high: points + 196.0 * se,
        })
    }

    /// The rate tables, titled, in the order the text and HTML show them.
    pub fn tables(&self) -> Vec<(&'static str, Vec<(String, Rate)>)> {
        let rows =
            |table: &BTreeMap<String, Rate>| table.iter().map(|(k, v)| (k.clone(), *v)).collect();
        vec![
            (
                "conversion: reminded orders paid within 24 h",
                vec![("all reminded".into(), self.conversion)],
            ),
            (
                "orders paid at all, by payment type",
                vec![
                    ("online".into(), self.paid_online),
                    ("cash on delivery (never reminded)".into(), self.paid_cod),
                ],
            ),
            (
                "lift: reminded vs holdout (paid at all)",
                vec![
                    ("reminded".into(), self.reminded_paid),
                    ("holdout (never reminded)".into(), self.holdout_paid),
                ],
            ),
            ("by send window", rows(&self.by_slot)),
            ("by strategy (variant)", rows(&self.by_strategy)),
            ("by blocker named in chat", rows(&self.by_blocker)),
            ("calls by recorded outcome", rows(&self.by_call_outcome)),
            (
                "by reminder number",
                self.by_number
                    .iter()
                    .map(|(n, r)| (format!("reminder {n}"), *r))
                    .collect(),
            ),
            (
                "by day of order: paid at all",
                self.by_day
                    .iter()
                    .map(|(d, day)| (d.clone(), day.paid_rate()))
                    .collect(),
            ),
            (
                "by day of order: reminded, paid within 24 h",
                self.by_day
                    .iter()
                    .map(|(d, day)| (d.clone(), day.conversion()))
                    .collect(),
            ),
        ]
    }

    /// Every table as CSV rows: `table,row,of,paid,rate_percent` (the rate
    /// empty when there is nothing to divide by).
    pub fn to_csv(&self) -> String {
        let mut out = String::from("table,row,of,paid,rate_percent\n");
        for (table, rows) in self.tables() {
            for (row, rate) in rows {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{}",
                    csv_field(table),
                    csv_field(&row),
                    rate.of,
                    rate.paid,
                    rate.percent().map_or(String::new(), |p| format!("{p:.1}"))
                );
            }
        }
        for (reason, count) in &self.undeliverable {
            let _ = writeln!(out, "undeliverable,{},{count},,", csv_field(reason));
        }
        out
    }

    /// Aligned tables, with the seed lesson's figures beside the shop's.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let row = |out: &mut String, name: &str, rate: &Rate, seed: &str| {
            let line = format!(
                "  {name:<34} {:>6} {:>6} {:>8}  {seed}",
                rate.of,
                rate.paid,
                rate.percent_text()
            );
            let _ = writeln!(out, "{}", line.trim_end());
        };
        let _ = writeln!(out, "orders: {}\n", self.orders);
        let _ = writeln!(
            out,
            "  {:<34} {:>6} {:>6} {:>8}  seed lesson",
            "conversion after reminders", "of", "paid", "rate"
        );
        row(
            &mut out,
            "paid within 24 h of a reminder",
            &self.conversion,
            "40% without cash on delivery",
        );
        let _ = writeln!(
            out,
            "\n  orders paid at all, by payment type (the seed's 60% counts COD orders in)"
        );
        row(&mut out, "online", &self.paid_online, "");
        row(
            &mut out,
            "cash on delivery (never reminded)",
            &self.paid_cod,
            "",
        );
        let _ = writeln!(out, "\n  lift: reminded vs holdout (paid at all)");
        row(&mut out, "reminded", &self.reminded_paid, "");
        row(&mut out, "holdout (never reminded)", &self.holdout_paid, "");
        if let Some(lift) = self.lift() {
            let _ = writeln!(
                out,
                "  lift {:+.1} points (95% interval {:+.1} to {:+.1})",
                lift.points, lift.low, lift.high
            );
        }
        for (title, table) in [
            ("by send window", &self.by_slot),
            ("by strategy (variant)", &self.by_strategy),
            ("by blocker named in chat", &self.by_blocker),
            ("calls by recorded outcome", &self.by_call_outcome),
        ] {
            let _ = writeln!(out, "\n  {title}");
            for (name, rate) in table {
                row(&mut out, name, rate, "");
            }
        }
        if !self.undeliverable.is_empty() {
            let _ = writeln!(out, "\n  reminders that could not be delivered (orders)");
            for (reason, count) in &self.undeliverable {
                let _ = writeln!(out, "  {count:>6}  {}", reason.escape_debug());
            }
        }
        let _ = writeln!(out, "\n  by reminder number");
        for (n, rate) in &self.by_number {
            row(&mut out, &format!("reminder {n}"), rate, "");
        }
        let _ = writeln!(
            out,
            "\n  {:<10} {:>6} {:>6} {:>8} {:>9} {:>8}",
            "by day", "orders", "paid", "reminded", "converted", "rate"
        );
        for (date, day) in &self.by_day {
            let rate = day.conversion();
            let _ = writeln!(
                out,
                "  {date:<10} {:>6} {:>6} {:>8} {:>9} {:>8}",
                day.orders,
                day.paid,
                day.reminded,
                day.converted,
                rate.percent_text()
            );
        }
        let _ = writeln!(
            out,
            "\n  median time to pay after the first reminder: {}",
            self.median_minutes_to_pay
                .map_or("n/a".to_string(), |m| format!("{m} min"))
        );
        out
    }
}

/// A CSV field, quoted; a leading `=`, `+`, `-` or `@` gets a `'` so a
/// spreadsheet shows the text instead of running it as a formula.
fn csv_field(text: &str) -> String {
    let guard = if text.starts_with(['=', '+', '-', '@']) {
        "'"
    } else {
        ""
    };
    format!("\"{guard}{}\"", text.replace('"', "\"\""))
}
