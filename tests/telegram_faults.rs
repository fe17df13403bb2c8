//! The Telegram channel under faults, against the fake Bot API: refused
//! reminders among good ones, and a support group flooded with relays.

mod common;
mod fake_bot_api;

use fake_bot_api::{FakeBotApi, GROUP};
use paynudge::Config;
use paynudge::channels::telegram::Telegram;
use paynudge::orders::Event;
use paynudge::reminders::{Reminders, Skip};
use paynudge::store::SledStore;
use serde_json::json;
use std::sync::Arc;

fn config() -> Config {
    let mut config = Config::default();
    config.agents.chat_id = GROUP;
    config.reminders.holdout_percent = 0;
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_reminder_touches_only_itself_and_every_reminder_is_one_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let config = config();
    let orders = Arc::new(Reminders::open(store.db(), &config.reminders).unwrap());
    let engine = Arc::new(common::engine_with(Arc::new(store), config).with_orders(orders.clone()));
    // Monday 10:00 in Beijing. The refused ones are due first.
    let t0 = chrono::DateTime::parse_from_rfc3339("2025-11-17T10:00:00+08:00")
        .unwrap()
        .to_utc();
    let forty: Vec<_> = (0..40)
        .map(|n| json!({"name": format!("Hand-knitted wool scarf, colour {n}"), "quantity": 2}))
        .collect();
    let mut orders_in = vec![
        ("GONE", 7001, json!([{"name": "Scarf"}]), 0),
        ("BLOCKED", 7002, json!([{"name": "Scarf"}]), 0),
        ("FLAKY", 7003, json!([{"name": "Scarf"}]), 0),
        ("FORTY", 7004, json!(forty), 1),
    ];
    for n in 0..7 {
        orders_in.push(("OK", 7100 + n, json!([{"name": "Mug"}]), 2));
    }
    for (i, (id, chat, items, minute)) in orders_in.iter().enumerate() {
        let at = t0 + chrono::Duration::minutes(*minute);
        let event = Event::parse(&json!({"event": "created", "order_id": format!("{id}-{i}"),
            "buyer": format!("tg:{chat}"), "items": items, "amount": 99, "at": at.timestamp()}))
        .unwrap();
        orders.ingest(&event, at).unwrap();
    }
    let fake = FakeBotApi::start().await;
    let refuse = |chat: i64, code: u16, description: &str| {
        fake.fail_next(
            "SendMessage",
            Some(chat),
            json!({"ok": false, "error_code": code, "description": description}),
        );
    };
    refuse(7001, 400, "Bad Request: chat not found");
    refuse(7002, 403, "Forbidden: bot was blocked by the user");
    refuse(7003, 502, "Bad Gateway");
    let running = fake_bot_api::start_throttled(&fake.url, Telegram::new(engine.clone()));

    let now = t0 + chrono::Duration::minutes(40);
    let sent = running
        .app
        .send_due_reminders(&running.bot, now)
        .await
        .unwrap();
    // All but the three refused ones, in the same round.
    assert_eq!(sent.len(), 8, "{sent:?}");
    for chat in (7100..7107).chain([7004]) {
        let messages = fake.sent_to(chat);
        assert_eq!(messages.len(), 1, "one message per reminder: {messages:?}");
        assert!(messages[0]["reply_markup"]["inline_keyboard"].is_array());
    }
    // Forty items fit in one message.
    let forty = fake.texts_to(7004).pop().unwrap();
    assert!(forty.chars().count() < 1000, "{forty}");
    assert!(forty.contains("more items"), "{forty}");
    // Permanent refusals are recorded with their reason; the blocked buyer
    // is marked; the 502 waits for its retry.
    let order = |id: &str| orders.order(id).unwrap().unwrap();
    let gone = order("GONE-0").undeliverable.unwrap();
    assert!(gone.reason.contains("chat not found"), "{gone:?}");
    assert!(order("BLOCKED-1").undeliverable.is_some());
    let buyer = paynudge::UserId::parse("tg:7002").unwrap();
    assert!(engine.session(&buyer).unwrap().unwrap().blocked);
    assert!(order("FLAKY-2").undeliverable.is_none());
    assert!(order("FLAKY-2").reminders.is_empty());

    // A minute later the retry goes through; the refused ones are left alone.
    let sent = running
        .app
        .send_due_reminders(&running.bot, now + chrono::Duration::minutes(1))
        .await
        .unwrap();
    let ids: Vec<&str> = sent.iter().map(|r| r.order.id.as_str()).collect();
    assert_eq!(ids, ["FLAKY-2"]);
    assert_eq!(fake.sent_to(7001).len(), 1);
    let state = |o| engine.buyer_states().unwrap()(&o);
    let decision = orders.decide(&order("GONE-0"), &state(order("GONE-0")), now);
    assert_eq!(
        decision,
        paynudge::reminders::Decision::Skip(Skip::Undeliverable)
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyers_are_answered_while_the_support_group_is_flooded() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let engine = Arc::new(common::engine_with(Arc::new(store), config()));
    let fake = FakeBotApi::start().await;
    let running = fake_bot_api::start_throttled(&fake.url, Telegram::new(engine));

    // 30 buyers ask for a person and write three more lines each: about 120
    // posts for the group, which Telegram lets through at 20 a minute.
    const HANDED: i64 = 30;
    for b in 0..HANDED {
        fake.private_text(8000 + b, "转人工");
    }
    for n in 0..3 {
        for b in 0..HANDED {
            fake.private_text(8000 + b, &format!("第{n}条：付款一直失败，怎么办"));
        }
    }
    // Meanwhile 30 other buyers write for the first time.
    for b in 0..30 {
        fake.private_text(9000 + b, "forgot my alipay password");
    }
    fake.wait_for_long("every new buyer answered", |f| {
        (9000..9030).all(|chat| f.sent_count(chat) >= 1)
    })
    .await;
    // The group is still far behind: buyers never waited for it.
    let group_posts = fake.sent_count(GROUP) + fake.calls("CopyMessage").len();
    assert!(
        group_posts < 60,
        "{group_posts} group posts went before the last new buyer was answered"
    );
    // Each handed-over buyer was acknowledged for each line.
    fake.wait_for_long("handed-over buyers acknowledged", |f| {
        (8000..8000 + HANDED).all(|chat| f.sent_count(chat) >= 4)
    })
    .await;
    running.stop().await;
}
