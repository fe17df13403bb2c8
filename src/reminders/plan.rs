//! The dry run (`reminders plan`): what the scheduler will do with every
//! unpaid order, and why, as the operator reads it before a sale evening.
//!
//! The plan walks the buyer index (`buyer \0 order id` -> the order), not
//! the orders, so a buyer's open orders are planned together: the per-buyer
//! gap lets one of them go and holds the others back, as the scheduler will
//! at send time.

use super::{BuyerState, Channel, Decision, Reminders, RemindersError, Skip, Timing, store_err};
use crate::orders::{Order, Status};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::fmt;
use std::ops::Bound;
use std::sync::atomic::{AtomicUsize, Ordering};

impl Decision {
    /// One line for `reminders plan`, times in the shop's zone.
    pub fn describe(&self, tz: chrono_tz::Tz) -> String {
        let mut text = String::new();
        let _ = self.write_to(&mut text, tz);
        text
    }

    /// [`Decision::describe`] written straight into `out`: a plan writes a
    /// million of these, and the intermediate strings cost more than the policy.
    pub fn write_to(&self, out: &mut impl fmt::Write, tz: chrono_tz::Tz) -> fmt::Result {
        match self {
            Decision::Remind {
                at,
                number,
                channel,
                strategy,
                variant,
                timing,
            } => {
                // Pieces, not `write!`: a plan writes a million of these.
                out.write_str("reminder ")?;
                write_number(out, *number)?;
                out.write_str(" at ")?;
                write_local_minute(out, *at, tz)?;
                out.write_str(if *channel == Channel::Call {
                    " by call task ("
                } else {
                    " by message ("
                })?;
                out.write_str(strategy.key())?;
                out.write_str(if *variant == 0 {
                    ", variant a)"
                } else {
                    ", variant b)"
                })?;
                match timing {
                    Timing::Due => Ok(()),
                    Timing::DayOff => out.write_str(", window opens later on a day off"),
                    Timing::Promised => out.write_str(", the time the buyer said they would pay"),
                    Timing::Chatting => {
                        out.write_str(", held while the buyer is chatting with the bot")
                    }
                    Timing::BuyerGap { after } => {
                        out.write_str(
                            ", held back by the per-buyer gap until then (the buyer's reminder at ",
                        )?;
                        if let Some(after) = DateTime::from_timestamp(*after, 0) {
                            write_local_minute(out, after, tz)?;
                        }
                        out.write_str(" goes first)")
                    }
                }
            }
            Decision::Skip(reason) => write!(out, "none: {}", reason.key()),
        }
    }
}

/// `2026-11-23 10:00 CST`: as `%Y-%m-%d %H:%M %Z` would print it, without
/// parsing the format each time.
pub fn local_minute(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let mut text = String::new();
    let _ = write_local_minute(&mut text, at, tz);
    text
}

fn write_local_minute(
    out: &mut impl fmt::Write,
    at: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> fmt::Result {
    use chrono::{Datelike, Timelike};
    let local = at.with_timezone(&tz);
    // Digits by hand: `write!` with widths is most of a plan line's cost.
    let year = local.year().clamp(0, 9999) as u32;
    write_two(out, year / 100)?;
    write_two(out, year % 100)?;
    out.write_char('-')?;
    write_two(out, local.month())?;
    out.write_char('-')?;
    write_two(out, local.day())?;
    out.write_char(' ')?;
    write_two(out, local.hour())?;
    out.write_char(':')?;
    write_two(out, local.minute())?;
    write!(out, " {}", local.offset())
}

fn write_number(out: &mut impl fmt::Write, n: usize) -> fmt::Result {
    match u8::try_from(n) {
        Ok(digit @ 0..=9) => out.write_char(char::from(b'0' + digit)),
        _ => write!(out, "{n}"),
    }
}

fn write_two(out: &mut impl fmt::Write, n: u32) -> fmt::Result {
    out.write_char(char::from(b'0' + (n / 10 % 10) as u8))?;
    out.write_char(char::from(b'0' + (n % 10) as u8))
}

/// `text` and spaces up to `width` characters, as `{:<width}` pads.
fn push_left(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    out.extend(std::iter::repeat_n(
        ' ',
        width.saturating_sub(text.chars().count()),
    ));
}

/// A page of `reminders plan` output: one line per order, and the counts.
#[derive(Debug, Default)]
pub struct PlanPage {
    pub text: String,
    pub summary: Summary,
    /// Reused for the amount, which is right-aligned.
    scratch: String,
}

impl PlanPage {
    /// Adds the line for one order: id, buyer, amount, then the decision.
    pub fn add(&mut self, order: &Order, decision: &Decision, tz: chrono_tz::Tz) {
        use std::fmt::Write;
        self.scratch.clear();
        let _ = order.amount().write_to(&mut self.scratch);
        push_left(&mut self.text, &order.id, 20);
        self.text.push(' ');
        push_left(&mut self.text, &order.buyer, 16);
        self.text.push(' ');
        let width = self.scratch.chars().count();
        self.text
            .extend(std::iter::repeat_n(' ', 14_usize.saturating_sub(width)));
        self.text.push_str(&self.scratch);
        self.text.push_str("  ");
        let _ = decision.write_to(&mut self.text, tz);
        if let (Decision::Skip(Skip::Undeliverable), Some(failed)) =
            (decision, &order.undeliverable)
        {
            let _ = write!(
                self.text,
                " (reminder {}: {})",
                failed.number,
                failed.reason.escape_debug()
            );
        }
        self.text.push('\n');
        self.summary.count(decision);
    }
}

/// How many orders get what: the plan's last lines.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub orders: usize,
    pub message: usize,
    pub call: usize,
    /// Of the messages and calls: held back by the per-buyer gap.
    pub held_by_gap: usize,
    /// Of the messages and calls: at the time the buyer said they would pay.
    pub promised: usize,
    /// Of the messages and calls: waiting for the buyer's chat to go quiet.
    pub chatting: usize,
    /// No reminder, by reason (`Skip::key`).
    pub none: BTreeMap<&'static str, usize>,
}

impl Summary {
    pub fn count(&mut self, decision: &Decision) {
        self.orders += 1;
        match decision {
            Decision::Remind {
                channel, timing, ..
            } => {
                match channel {
                    Channel::Message => self.message += 1,
                    Channel::Call => self.call += 1,
                }
                match timing {
                    Timing::BuyerGap { .. } => self.held_by_gap += 1,
                    Timing::Promised => self.promised += 1,
                    Timing::Chatting => self.chatting += 1,
                    Timing::Due | Timing::DayOff => {}
                }
            }
            Decision::Skip(reason) => *self.none.entry(reason.key()).or_default() += 1,
        }
    }

    pub fn merge(&mut self, other: &Summary) {
        self.orders += other.orders;
        self.message += other.message;
        self.call += other.call;
        self.held_by_gap += other.held_by_gap;
        self.promised += other.promised;
        self.chatting += other.chatting;
        for (reason, n) in &other.none {
            *self.none.entry(reason).or_default() += n;
        }
    }
}

/// The plan's closing lines, each starting with `#` like the header.
impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let none: usize = self.none.values().sum();
        writeln!(
            f,
            "# {} unpaid orders: {} get a message, {} a call task, {} nothing",
            self.orders, self.message, self.call, none
        )?;
        if self.held_by_gap > 0 {
            writeln!(
                f,
                "#   {} of them held back by the per-buyer gap (another order of the buyer goes first)",
                self.held_by_gap
            )?;
        }
        if self.promised > 0 {
            writeln!(
                f,
                "#   {} of them at the time the buyer said they would pay",
                self.promised
            )?;
        }
        if self.chatting > 0 {
            writeln!(
                f,
                "#   {} of them held while the buyer is chatting with the bot",
                self.chatting
            )?;
        }
        let mut reasons: Vec<_> = self.none.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (reason, n) in reasons {
            writeln!(f, "#   none: {reason} {n}")?;
        }
        Ok(())
    }
}

type KeyRange = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// How many ranges the buyer index is cut into for the two workers: enough
/// that one large range does not leave a worker idle at the end.
const RANGES: usize = 16;

/// Splits the buyer index (`buyer \0 order id`) into ranges that workers
/// can walk apart, never cutting through one buyer's keys. Breadth-first:
/// a range is cut at the first byte where its first and last keys differ,
/// one subrange per value of that byte, until there are enough ranges or
/// no range holds more than one buyer. Cutting only the whole index once
/// would put every `tg:` buyer in one range as soon as one `web:` buyer or
/// one order without a buyer (`\0...`) exists. Together the ranges cover
/// every key once, in key order.
pub(super) fn buyer_ranges(tree: &sled::Tree) -> Result<Vec<KeyRange>, RemindersError> {
    let mut ranges = vec![(Bound::Unbounded, Bound::Unbounded)];
    loop {
        let mut cut = Vec::with_capacity(ranges.len());
        let mut any = false;
        for range in ranges {
            match split(tree, &range)? {
                Some(parts) if cut.len() < RANGES => {
                    any = true;
                    cut.extend(parts);
                }
                _ => cut.push(range),
            }
        }
        ranges = cut;
        if !any || ranges.len() >= RANGES {
            return Ok(ranges);
        }
    }
}

/// `range` cut at the first byte where its first and last keys differ, or
/// `None` when it holds at most one buyer's keys.
fn split(tree: &sled::Tree, range: &KeyRange) -> Result<Option<Vec<KeyRange>>, RemindersError> {
    let first = tree
        .range(range.clone())
        .next()
        .transpose()
        .map_err(store_err)?;
    let last = tree
        .range(range.clone())
        .next_back()
        .transpose()
        .map_err(store_err)?;
    let (Some((first, _)), Some((last, _))) = (first, last) else {
        return Ok(None);
    };
    let common = first
        .iter()
        .zip(last.iter())
        .take_while(|(a, b)| a == b)
        .count();
    // A shared `\0` means one buyer: their orders stay together.
    let Some(&high) = last.get(common).filter(|_| !last[..common].contains(&0)) else {
        return Ok(None);
    };
    let low = first.get(common).map_or(0, |&b| b.saturating_add(1));
    let mut parts = Vec::new();
    let mut start = range.0.clone();
    // Cut only where keys begin, so no part is empty.
    for byte in low..=high {
        let at = [&last[..common], &[byte]].concat();
        let begins = tree
            .range(at.clone()..)
            .keys()
            .next()
            .transpose()
            .map_err(store_err)?
            .is_some_and(|k| k.starts_with(&at));
        if begins {
            parts.push((start, Bound::Excluded(at.clone())));
            start = Bound::Included(at);
        }
    }
    parts.push((start, range.1.clone()));
    Ok(Some(parts))
}

impl Reminders {
    /// The plan's first lines: as of when, and the rules it applies.
    pub fn plan_header(&self, now: DateTime<Utc>) -> String {
        let c = &self.config;
        let tz = self.calendar.tz;
        format!(
            "# reminders plan as of {now} ({tz})\n\
             # send windows {windows} (opening {delay} min later on days off); \
             first reminder {first} min after the order, at most {max} per order; \
             one reminder per buyer per {gap} h; holdout {holdout}%; \
             call tasks from {call:.2}\n\
             # order                buyer                    amount  next reminder, or none: why\n",
            now = local_minute(now, tz),
            windows = c.windows.join(", "),
            delay = c.day_off_delay_minutes,
            first = c.first_after_minutes,
            max = c.max_per_order,
            gap = c.min_gap_hours,
            holdout = c.holdout_percent,
            call = c.call_threshold,
        )
    }

    /// Every unpaid order that exists at `now` with its decision.
    ///
    /// Two workers walk the buyer index by key range; a buyer's keys are
    /// never split between ranges. `fold` gathers each range into its own
    /// accumulator, and the accumulators come back in key order: the result
    /// is sorted by buyer, then order id. Folding instead of returning orders
    /// keeps a million of them out of memory at once. `buyer` should answer
    /// from memory (see `Engine::buyer_states`): it is asked once per order.
    pub fn plan<A: Default + Send>(
        &self,
        now: DateTime<Utc>,
        buyer: &(dyn Fn(&Order) -> BuyerState + Sync),
        fold: impl Fn(&mut A, &Order, Decision) + Sync,
    ) -> Result<Vec<A>, RemindersError> {
        let last_reminded: HashMap<sled::IVec, i64> = self
            .last_reminded
            .iter()
            .filter_map(Result::ok)
            .filter_map(|(k, v)| Some((k, i64::from_be_bytes(v.as_ref().try_into().ok()?))))
            .collect();
        let ranges = buyer_ranges(&self.by_buyer)?;
        let next = AtomicUsize::new(0);
        let work = || -> Result<Vec<(usize, A)>, RemindersError> {
            let mut done = Vec::new();
            // One buyer's open orders, in id order.
            let mut group: Vec<Order> = Vec::new();
            let mut group_buyer: Vec<u8> = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(range) = ranges.get(index) else {
                    return Ok(done);
                };
                let mut acc = A::default();
                let plan_group = |group: &mut Vec<Order>, acc: &mut A| {
                    let last = group
                        .first()
                        .and_then(|o| last_reminded.get(o.buyer.as_bytes()).copied());
                    self.plan_buyer(group, last, buyer, now, |order, decision| {
                        fold(acc, order, decision)
                    });
                    group.clear();
                };
                for item in self.by_buyer.range(range.clone()) {
                    let (key, bytes) = item.map_err(store_err)?;
                    let Some(split) = key.iter().position(|&b| b == 0) else {
                        continue;
                    };
                    let buyer_id = &key[..split];
                    if buyer_id != group_buyer.as_slice() {
                        plan_group(&mut group, &mut acc);
                        group_buyer.clear();
                        group_buyer.extend_from_slice(buyer_id);
                    }
                    // The index's marker has no order; an order created
                    // after `now` did not exist then.
                    if let Some(order) = Order::from_bytes(&bytes)
                        && order.status == Status::Unpaid
                        && order.created_at <= now.timestamp()
                    {
                        group.push(order);
                    }
                }
                plan_group(&mut group, &mut acc);
                done.push((index, acc));
            }
        };
        let mut done = std::thread::scope(|scope| {
            let helper = scope.spawn(work);
            let mut mine = work()?;
            let theirs = helper
                .join()
                .map_err(|_| store_err("a planning thread panicked"))??;
            mine.extend(theirs);
            Ok::<_, RemindersError>(mine)
        })?;
        done.sort_unstable_by_key(|(index, _)| *index);
        Ok(done.into_iter().map(|(_, acc)| acc).collect())
    }

    /// The decisions for one buyer's open orders, as the scheduler will
    /// take them: the order due first goes (ties by id, as the due index
    /// sorts them), and its time holds the others back by the per-buyer
    /// gap. A later "last reminded" never makes a reminder earlier, so a
    /// decision computed with an older one is a lower bound: it is
    /// recomputed only when it comes up first (lazily), and a buyer with
    /// many orders costs a few passes, not one per order.
    fn plan_buyer(
        &self,
        orders: &[Order],
        last_reminded: Option<i64>,
        buyer: &(dyn Fn(&Order) -> BuyerState + Sync),
        now: DateTime<Utc>,
        mut emit: impl FnMut(&Order, Decision),
    ) {
        // Most buyers have one open order: nothing to hold back.
        if let [order] = orders {
            let state = BuyerState {
                last_reminded,
                ..buyer(order)
            };
            return emit(order, self.decide(order, &state, now));
        }
        let states: Vec<BuyerState> = orders
            .iter()
            .map(|o| BuyerState {
                last_reminded,
                ..buyer(o)
            })
            .collect();
        let mut decisions: Vec<Decision> = orders
            .iter()
            .zip(&states)
            .map(|(o, s)| self.decide(o, s, now))
            .collect();
        let mut decided_with = vec![last_reminded; orders.len()];
        let mut first: BinaryHeap<Reverse<(i64, usize)>> = decisions
            .iter()
            .enumerate()
            .filter_map(|(i, d)| remind_at(d).map(|at| Reverse((at, i))))
            .collect();
        let mut last = last_reminded;
        while let Some(Reverse((at, i))) = first.pop() {
            if decided_with[i] == last {
                // It goes first: the next ones wait for the gap after it.
                last = Some(at);
                continue;
            }
            let state = BuyerState {
                last_reminded: last,
                ..states[i]
            };
            decisions[i] = self.decide(&orders[i], &state, now);
            decided_with[i] = last;
            if let Some(at) = remind_at(&decisions[i]) {
                first.push(Reverse((at, i)));
            }
        }
        for (order, decision) in orders.iter().zip(decisions) {
            emit(order, decision);
        }
    }
}

fn remind_at(decision: &Decision) -> Option<i64> {
    match decision {
        Decision::Remind { at, .. } => Some(at.timestamp()),
        Decision::Skip(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_minute_prints_like_strftime() {
        for (stamp, tz) in [
            (1_763_344_800, chrono_tz::Asia::Shanghai),
            (1_711_846_800, chrono_tz::Europe::Berlin),
            (0, chrono_tz::America::New_York),
        ] {
            let at = DateTime::from_timestamp(stamp, 0).unwrap();
            let expected = at.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z");
            assert_eq!(local_minute(at, tz), expected.to_string());
        }
    }

    /// The keys as the ranges visit them, and the ranges' buyers (the
    /// part before `\0`) per range.
    fn walked(keys: &[Vec<u8>]) -> (Vec<Vec<u8>>, Vec<Vec<Vec<u8>>>) {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("t").unwrap();
        for key in keys {
            tree.insert(key, &[]).unwrap();
        }
        let ranges = buyer_ranges(&tree).unwrap();
        let per_range: Vec<Vec<Vec<u8>>> = ranges
            .iter()
            .map(|r| {
                tree.range(r.clone())
                    .keys()
                    .map(|k| k.unwrap().to_vec())
                    .collect()
            })
            .collect();
        let buyer = |k: &Vec<u8>| k.split(|&b| b == 0).next().unwrap_or_default().to_vec();
        let buyers = per_range
            .iter()
            .map(|keys| keys.iter().map(buyer).collect())
            .collect();
        (per_range.concat(), buyers)
    }

    fn key(buyer: &str, order: &str) -> Vec<u8> {
        [buyer.as_bytes(), &[0], order.as_bytes()].concat()
    }

    #[test]
    fn a_few_odd_keys_do_not_put_every_buyer_in_one_range() {
        // One order without a buyer and one web buyer among Telegram buyers.
        let mut keys: Vec<Vec<u8>> = (1..1000).map(|i| key(&format!("tg:{i}"), "O-1")).collect();
        keys.push(vec![0]);
        keys.push(key("", "X-1"));
        keys.push(key("web:abc", "W-1"));
        keys.sort();
        let (seen, buyers) = walked(&keys);
        assert_eq!(seen, keys);
        let largest = buyers.iter().map(Vec::len).max().unwrap();
        assert!(
            buyers.len() >= 8 && largest < 300,
            "{} ranges, largest {largest}",
            buyers.len()
        );
        // One buyer with many orders stays in one range.
        let one: Vec<Vec<u8>> = (0..100)
            .map(|i| key("tg:7", &format!("O-{i:03}")))
            .collect();
        assert_eq!(walked(&one).1.len(), 1);
        assert_eq!(walked(&[]).1.len(), 1);
    }

    proptest! {
        /// The ranges visit every key exactly once, in key order, and no
        /// buyer's keys are in two ranges.
        #[test]
        fn buyer_ranges_cover_each_key_once_and_keep_buyers_whole(pairs in proptest::collection::btree_set(
            (proptest::collection::vec(1u8..4, 0..4), proptest::collection::vec(0u8..4, 0..3)), 0..80)) {
            let mut keys: Vec<Vec<u8>> = pairs
                .into_iter()
                .map(|(buyer, id)| [buyer, vec![0], id].concat())
                .collect();
            keys.sort();
            keys.dedup();
            let (seen, buyers) = walked(&keys);
            prop_assert_eq!(seen, keys);
            let mut all: Vec<Vec<u8>> = buyers.iter().flat_map(|b| {
                let mut b = b.clone();
                b.dedup();
                b
            }).collect();
            let count = all.len();
            all.dedup();
            prop_assert_eq!(all.len(), count, "a buyer in two ranges");
        }
    }
}
