//! Texts: every line a buyer sees is a locale key rendered with the shop's
//! facts, the buyer's order and session as variables (the list is in
//! `dialogs/README.md`). No buyer-facing text lives in Rust code.

use super::{Engine, Line, Turn};
use crate::config::parse_hhmm;
use crate::lang::Lang;
use crate::orders::Order;
use crate::session::Session;
use chrono::{DateTime, Utc};
use fluent_bundle::FluentArgs;
use std::hash::{Hash, Hasher};

/// How much of an order's item list a text quotes.
const ITEMS_MAX_CHARS: usize = 160;

impl Engine {
    pub(super) fn render_lines(&self, t: &Turn<'_>) -> Vec<String> {
        if t.say.is_empty() {
            return Vec::new();
        }
        let lang = t.session.lang;
        let args = self.text_args(lang, t.session, t.order.as_ref(), t.now);
        t.say
            .iter()
            .map(|line| match line {
                Line::Key(key) => self.content.locales.text(lang, key, &args),
                Line::Verbatim(text) => text.clone(),
            })
            .collect()
    }

    pub(super) fn render(
        &self,
        session: &Session,
        order: Option<&Order>,
        now: DateTime<Utc>,
        key: &str,
    ) -> String {
        self.render_in(session.lang, session, order, now, key)
    }

    pub(super) fn render_in(
        &self,
        lang: Lang,
        session: &Session,
        order: Option<&Order>,
        now: DateTime<Utc>,
        key: &str,
    ) -> String {
        let args = self.text_args(lang, session, order, now);
        self.content.locales.text(lang, key, &args)
    }

    /// The order's items for a text: a long list is cut ("Wool scarf and
    /// 39 more items"), so every message quoting it fits in a chat message.
    pub(super) fn items_text(&self, lang: Lang, order: &Order) -> String {
        match order.items_within(ITEMS_MAX_CHARS) {
            (shown, 0) => shown,
            (shown, more) => {
                let mut args = FluentArgs::new();
                args.set("first", shown);
                args.set("more", more);
                self.content.locales.text(lang, "items-and-more", &args)
            }
        }
    }

    /// Every variable a text may use, for one language. Built once per turn
    /// and language: a turn renders a dozen texts and labels, and setting
    /// forty-odd arguments each time was most of its cost.
    pub(super) fn text_args(
        &self,
        lang: Lang,
        session: &Session,
        order: Option<&Order>,
        now: DateTime<Utc>,
    ) -> FluentArgs<'static> {
        let shop = &self.config.shop;
        let cs = &self.config.cs;
        let mut args = FluentArgs::new();
        let name = match lang {
            Lang::Zh if !shop.name_zh.is_empty() => &shop.name_zh,
            _ => &shop.name,
        };
        args.set("shop_name", name.clone());
        args.set("return_days", shop.return_days);
        args.set("free_shipping_threshold", shop.free_shipping_threshold);
        args.set("currency", shop.currency.clone());
        args.set(
            "shipping_insurance",
            if shop.shipping_insurance { "yes" } else { "no" },
        );
        args.set("order_hold_hours", shop.order_hold_hours);
        args.set("friend_pay_hours", shop.friend_pay_hours);
        args.set("cs_open", cs.open.clone());
        args.set("cs_close", cs.close.clone());
        args.set("cs_reply_minutes", cs.usual_reply_minutes);
        args.set(
            "cs_now",
            if self.cs_open_at(now) {
                "open"
            } else {
                "closed"
            },
        );
        let hotline = match lang {
            Lang::En => &shop.bank_hotline_en,
            Lang::Zh => &shop.bank_hotline_zh,
        };
        args.set("bank_hotline", hotline.clone());
        args.set(
            "order_id",
            session.order.clone().unwrap_or_else(|| "none".to_string()),
        );
        let none = || "none".to_string();
        args.set(
            "item",
            order.map_or_else(none, |o| self.items_text(lang, o)),
        );
        args.set("amount", order.map_or_else(none, Order::amount_text));
        let closes = order
            .and_then(|o| o.auto_close_at)
            .and_then(|t| DateTime::from_timestamp(t, 0));
        let tz: chrono_tz::Tz = self
            .config
            .reminders
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Asia::Shanghai);
        args.set(
            "closes_at",
            closes.map_or_else(none, |t| {
                t.with_timezone(&tz).format("%m-%d %H:%M").to_string()
            }),
        );
        args.set("ship_hours", shop.ship_within_hours);
        args.set("ship_cutoff", or_none(&shop.same_day_cutoff));
        args.set("cod", if shop.cash_on_delivery { "yes" } else { "no" });
        args.set("refund_days", shop.refund_days);
        args.set("sync_minutes", shop.payment_sync_minutes);
        let gift = match lang {
            Lang::En => &shop.gift_en,
            Lang::Zh => &shop.gift_zh,
        };
        args.set("gift", or_none(gift));
        // How far the buyer's order is from free shipping: the number 0 once
        // there (Fluent selects `[0]` only on a number).
        match order.map(|o| (i64::from(shop.free_shipping_threshold) * 100 - o.amount_minor).max(0))
        {
            None => args.set("free_shipping_gap", "none"),
            Some(0) => args.set("free_shipping_gap", 0),
            Some(gap) => args.set(
                "free_shipping_gap",
                format!("{}.{:02}", gap / 100, gap % 100),
            ),
        }
        // A number, so that `[0]` selects "sold out".
        match order.and_then(|o| o.stock_left) {
            Some(n) => args.set("stock_left", n),
            None => args.set("stock_left", "none"),
        }
        let local = |t: i64| {
            DateTime::from_timestamp(t, 0).map_or_else(none, |t| {
                t.with_timezone(&tz).format("%m-%d %H:%M").to_string()
            })
        };
        args.set(
            "promotion_ends",
            order
                .and_then(|o| o.promotion_end)
                .filter(|end| *end > now.timestamp())
                .map_or_else(none, local),
        );
        // Today's time as "20:00"; another day's with its date.
        let pay_at = session
            .pay_at
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|t| t.with_timezone(&tz));
        let today = now.with_timezone(&tz).date_naive();
        args.set(
            "pay_at",
            pay_at.map_or_else(none, |t| match t.date_naive() == today {
                true => t.format("%H:%M").to_string(),
                false => t.format("%m-%d %H:%M").to_string(),
            }),
        );
        // A stated pay time after the order closes: say so, never promise.
        let late = matches!((session.pay_at, order.and_then(|o| o.auto_close_at)), (Some(p), Some(c)) if p >= c);
        args.set("pay_late", if late { "yes" } else { "no" });
        // "on" only when a reminder will really go at the stated time: never a
        // promise the shop's policy (holdout, caps, cash on delivery) breaks.
        let reminders = if session.reminders_stopped {
            "stopped"
        } else if session.pay_at.is_some() && !self.keeps_promise(session, order, now) {
            "none"
        } else {
            "on"
        };
        args.set("reminders", reminders);
        args.set("lacking", self.lacking(lang, session));
        for name in self.content.flows.slots.keys() {
            let value = session
                .slots
                .get(name)
                .cloned()
                .unwrap_or_else(|| "none".to_string());
            args.set(name.clone(), value);
        }
        args
    }

    /// Whether the buyer's order gets its reminder at the time they said.
    fn keeps_promise(&self, session: &Session, order: Option<&Order>, now: DateTime<Utc>) -> bool {
        let (Some(orders), Some(order)) = (&self.orders, order) else {
            return false;
        };
        matches!(
            orders.decide(order, &super::handoff::reminder_view(session), now),
            crate::reminders::Decision::Remind {
                timing: crate::reminders::Timing::Promised,
                ..
            }
        )
    }

    /// Whether customer service is working at `now` (shop local time).
    pub fn cs_open_at(&self, now: DateTime<Utc>) -> bool {
        let cs = &self.config.cs;
        let (Some(open), Some(close)) = (parse_hhmm(&cs.open), parse_hhmm(&cs.close)) else {
            return true;
        };
        let local =
            (now.timestamp() + i64::from(cs.utc_offset_hours) * 3600).rem_euclid(86_400) / 60;
        let local = local as u32;
        if open <= close {
            (open..close).contains(&local)
        } else {
            local >= open || local < close
        }
    }
}

/// A shop setting's text, or "none" when it is empty (texts select on it).
fn or_none(value: &str) -> String {
    if value.trim().is_empty() {
        "none".to_string()
    } else {
        value.to_string()
    }
}

/// A fingerprint of a reply's lines (never 0, which stands for none), to
/// tell a repeat without keeping the text.
pub(super) fn fingerprint(lines: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    lines.hash(&mut h);
    h.finish().max(1)
}
