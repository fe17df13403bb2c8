//! End-to-end tests of the Telegram channel against a fake Bot API server on
//! 127.0.0.1: the real teloxide dispatcher polls it, handlers run, and the
//! fake records what the bot sent. No internet.

mod common;
mod fake_bot_api;

use fake_bot_api::{FakeBotApi, GROUP, Running, TOKEN};
use paynudge::channels::telegram::{self, Telegram};
use paynudge::links::LinkSigner;
use paynudge::store::{MemoryStore, SessionStore, SledStore};
use paynudge::{Config, Engine, UserId};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use teloxide::adaptors::Throttle;

const SECRET: &[u8] = b"test secret for deep links, long enough";
const AGENT: u64 = 777;

fn config() -> Config {
    let mut config = Config::default();
    config.agents.chat_id = GROUP;
    config
}

fn engine(store: Arc<dyn SessionStore>) -> Arc<Engine> {
    Arc::new(common::engine_with(store, config()).with_links(LinkSigner::new(SECRET).unwrap()))
}

/// Runs the dispatcher with the rate limiters, as in production.
async fn run(fake: &FakeBotApi, engine: Arc<Engine>) -> Running<Throttle<teloxide::Bot>> {
    fake_bot_api::start_throttled(&fake.url, Telegram::new(engine))
}

fn buttons(message: &Value) -> Vec<(String, String)> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .flat_map(|r| r.as_array().unwrap().iter())
                .map(|b| {
                    (
                        b["text"].as_str().unwrap().to_string(),
                        b["callback_data"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The message id the fake gave the last message sent to `chat`: the fake
/// numbers every call, so it is found by asking the call log.
fn last_keyboard(fake: &FakeBotApi, chat: i64) -> Value {
    fake.sent_to(chat)
        .into_iter()
        .rev()
        .find(|m| m.get("reply_markup").is_some())
        .expect("a keyboard")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_conversation_in_each_language_with_a_keyboard_tap() {
    let fake = FakeBotApi::start().await;
    let running = run(&fake, engine(Arc::new(MemoryStore::default()))).await;

    fake.private_text(1001, "/start");
    let texts = fake.wait_texts(1001, 1).await;
    assert!(texts[0].contains("payment assistant"), "{texts:?}");

    fake.private_text(1001, "my balance is too low");
    fake.wait_for("a keyboard", |f| {
        f.sent_to(1001)
            .iter()
            .any(|m| m.get("reply_markup").is_some())
    })
    .await;
    let keyboard = last_keyboard(&fake, 1001);
    let options = buttons(&keyboard);
    assert_eq!(options.len(), 7, "{options:?}");
    let (label, data) = options[0].clone();
    assert_eq!(label, "Alipay");
    let before = fake.sent_to(1001).len();
    fake.tap(1001, 555, &data);
    fake.wait_for("the tap's answer", |f| f.sent_to(1001).len() > before)
        .await;
    fake.wait_for("callback answered", |f| {
        !f.calls("AnswerCallbackQuery").is_empty()
    })
    .await;
    let edits = fake.calls("EditMessageReplyMarkup");
    assert!(
        edits
            .iter()
            .any(|e| e["message_id"] == json!(555) && e.get("reply_markup").is_none()),
        "{edits:?}"
    );
    fake.wait_for("the Alipay fix", |f| {
        f.texts_to(1001).iter().any(|t| t.contains("Huabei"))
    })
    .await;
    fake.wait_for("the next question's keyboard", |f| {
        buttons(&last_keyboard(f, 1001)).len() == 2
    })
    .await;

    // The same button again: its question is gone, so it is not replayed.
    let before = fake.sent_to(1001).len();
    fake.tap(1001, 555, &data);
    fake.wait_for("the stale tap's answer", |f| f.sent_to(1001).len() > before)
        .await;
    assert!(
        fake.texts_to(1001)[before].contains("earlier question"),
        "{:?}",
        fake.texts_to(1001)
    );

    fake.private_text(2002, "余额不够了");
    fake.wait_for("a Chinese keyboard", |f| {
        f.sent_to(2002)
            .iter()
            .any(|m| m.get("reply_markup").is_some())
    })
    .await;
    let (label, data) = buttons(&last_keyboard(&fake, 2002))[1].clone();
    assert_eq!(label, "微信支付");
    fake.tap(2002, 556, &data);
    fake.wait_for("the WeChat fix", |f| {
        f.texts_to(2002).iter().any(|t| t.contains("零钱"))
    })
    .await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_links_bind_only_genuine_orders_to_one_buyer() {
    let fake = FakeBotApi::start().await;
    let engine = engine(Arc::new(MemoryStore::default()));
    let running = run(&fake, engine.clone()).await;
    let signer = LinkSigner::new(SECRET).unwrap();
    let payload = signer
        .sign("ORDER-42", chrono::Utc::now().timestamp() + 3600)
        .unwrap();

    fake.private_text(3003, &format!("/start {payload}"));
    let texts = fake.wait_texts(3003, 1).await;
    assert!(texts[0].contains("ORDER-42"), "{texts:?}");
    let session = engine
        .session(&UserId::parse("tg:3003").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(session.order.as_deref(), Some("ORDER-42"));

    let forged = LinkSigner::new(b"somebody else's secret here")
        .unwrap()
        .sign("ORDER-43", 4_000_000_000)
        .unwrap();
    fake.private_text(4004, &format!("/start {forged}"));
    let texts = fake.wait_texts(4004, 1).await;
    assert!(texts[0].contains("isn't valid"), "{texts:?}");

    fake.private_text(4004, &format!("/start {payload}"));
    let texts = fake.wait_texts(4004, 2).await;
    assert!(texts[1].contains("another chat"), "{texts:?}");
    assert_eq!(
        engine
            .session(&UserId::parse("tg:4004").unwrap())
            .unwrap()
            .unwrap()
            .order,
        None
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handoff_relay_note_and_done() {
    let fake = FakeBotApi::start().await;
    let engine = engine(Arc::new(MemoryStore::default()));
    let running = run(&fake, engine.clone()).await;

    fake.private_text(5005, "转人工");
    // Once the card is up, later lines are relayed (before it, the card
    // would quote them instead: see group.rs).
    fake.wait_for("the card", |f| !f.sent_to(GROUP).is_empty())
        .await;
    fake.private_text(5005, "我付款的时候一直提示错误");
    fake.private_photo(5005);
    fake.private_text(5005, "在吗？");
    fake.wait_for("three relayed messages", |f| {
        f.calls("CopyMessage").len() >= 3
    })
    .await;
    let topics = fake.calls("CreateForumTopic");
    assert_eq!(topics.len(), 1, "exactly one topic: {topics:?}");
    assert_eq!(topics[0]["chat_id"], json!(GROUP));
    let thread = 501;
    let card = &fake.sent_to(GROUP)[0];
    assert_eq!(card["message_thread_id"], json!(thread));
    assert!(card["text"].as_str().unwrap().contains("转人工"), "{card}");
    assert!(
        fake.calls("CopyMessage")
            .iter()
            .all(|c| c["message_thread_id"] == json!(thread))
    );
    // Waiting for a person is never silence: each text is acknowledged in
    // a short line, never the same one twice in a row.
    fake.wait_for("three texts to the buyer", |f| f.texts_to(5005).len() >= 3)
        .await;
    let texts = fake.texts_to(5005);
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(texts[0].contains("人工客服"));
    assert_ne!(texts[1], texts[2], "{texts:?}");

    // Agent -> buyer, verbatim.
    fake.group_text(
        Some(thread),
        AGENT,
        "您好，我是客服小王，请问是哪一步出错？",
    );
    fake.wait_for("the agent's words", |f| {
        f.texts_to(5005).iter().any(|t| t.contains("客服小王"))
    })
    .await;

    // A note never reaches the buyer.
    fake.group_text(Some(thread), AGENT, "/note 老客户，注意语气");
    fake.wait_for("note saved", |f| {
        f.texts_to(GROUP).iter().any(|t| t.contains("备注已保存"))
    })
    .await;
    assert!(!fake.texts_to(5005).iter().any(|t| t.contains("老客户")));

    // A non-agent cannot hand the buyer back.
    fake.group_text(Some(thread), 888, "/done");
    fake.wait_for("refusal", |f| {
        f.texts_to(GROUP).iter().any(|t| t.contains("只有客服"))
    })
    .await;
    let buyer = UserId::parse("tg:5005").unwrap();
    assert!(engine.session(&buyer).unwrap().unwrap().owner != paynudge::session::Owner::Bot);

    // A buyer typing an agent command in private gets told it is not theirs.
    fake.private_text(6006, "/done");
    let texts = fake.wait_texts(6006, 1).await;
    assert!(texts[0].contains("agents"), "{texts:?}");

    fake.group_text(Some(thread), AGENT, "/done");
    fake.wait_for("topic closed", |f| !f.calls("CloseForumTopic").is_empty())
        .await;
    fake.wait_for("buyer told", |f| {
        f.texts_to(5005).iter().any(|t| t.contains("付款小助手"))
    })
    .await;
    let before = fake.sent_to(5005).len();
    fake.private_text(5005, "忘记支付密码了");
    fake.wait_for("the bot answers again", |f| f.sent_to(5005).len() > before)
        .await;

    // Needing a person again reopens the same topic.
    fake.private_text(5005, "人工");
    fake.wait_for("topic reopened", |f| {
        !f.calls("ReopenForumTopic").is_empty()
    })
    .await;
    assert_eq!(fake.calls("CreateForumTopic").len(), 1);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stickers_get_a_polite_reply() {
    let fake = FakeBotApi::start().await;
    let running = run(&fake, engine(Arc::new(MemoryStore::default()))).await;
    fake.private_text(7007, "hello");
    fake.wait_texts(7007, 2).await;
    fake.private_sticker(7007);
    let texts = fake.wait_texts(7007, 3).await;
    assert!(
        texts.last().unwrap().contains("only read text"),
        "{texts:?}"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_and_a_403_marks_the_buyer() {
    let fake = FakeBotApi::start().await;
    let engine = engine(Arc::new(MemoryStore::default()));
    let running = run(&fake, engine.clone()).await;

    fake.fail_next(
        "SendMessage",
        Some(8008),
        json!({"ok": false, "error_code": 429,
        "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}),
    );
    fake.private_text(8008, "hi");
    let texts = fake.wait_texts(8008, 2).await;
    assert_eq!(
        texts[0], texts[1],
        "the same reply, sent again after the wait"
    );

    fake.fail_next(
        "SendMessage",
        Some(9009),
        json!({"ok": false, "error_code": 403,
        "description": "Forbidden: bot was blocked by the user"}),
    );
    fake.private_text(9009, "hi");
    let buyer = UserId::parse("tg:9009").unwrap();
    fake.wait_for("one failed send", |f| !f.sent_to(9009).is_empty())
        .await;
    for _ in 0..100 {
        if engine.session(&buyer).unwrap().is_some_and(|s| s.blocked) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(engine.session(&buyer).unwrap().unwrap().blocked);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_a_handoff_keeps_topic_and_owner() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeBotApi::start().await;
    {
        let store: Arc<dyn SessionStore> = Arc::new(SledStore::open(dir.path()).unwrap());
        let running = run(&fake, engine(store)).await;
        fake.private_text(1212, "I want to talk to a real person");
        fake.wait_for("a topic", |f| !f.calls("CreateForumTopic").is_empty())
            .await;
        fake.wait_for("the card", |f| !f.sent_to(GROUP).is_empty())
            .await;
        running.stop().await;
    }
    let store: Arc<dyn SessionStore> = Arc::new(SledStore::open(dir.path()).unwrap());
    let running = run(&fake, engine(store)).await;
    fake.private_text(1212, "hello? still there?");
    fake.wait_for("relayed into the old topic", |f| {
        !f.calls("CopyMessage").is_empty()
    })
    .await;
    assert_eq!(
        fake.calls("CopyMessage")[0]["message_thread_id"],
        json!(501)
    );
    fake.group_text(Some(501), AGENT, "Hi, this is Anna from customer service.");
    fake.wait_for("agent reaches buyer", |f| {
        f.texts_to(1212).iter().any(|t| t.contains("Anna"))
    })
    .await;
    assert_eq!(fake.calls("CreateForumTopic").len(), 1);
    running.stop().await;
}

async fn post(addr: std::net::SocketAddr, path: &str, secret: Option<&str>, body: &str) -> u16 {
    let headers: Vec<String> = secret
        .map(|s| format!("X-Telegram-Bot-Api-Secret-Token: {s}"))
        .into_iter()
        .collect();
    common::http("POST", addr, path, &headers, body).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_checks_the_secret_token() {
    let fake = FakeBotApi::start().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let bot = telegram::bot(TOKEN, Some(&fake.url)).unwrap();
    let app = Telegram::new(engine(Arc::new(MemoryStore::default())));
    let mode = telegram::Mode::Webhook {
        url: "https://shop.example/tg/hook".to_string(),
        listen,
        secret: Some("hook-secret_123".into()),
    };
    let group_bot = telegram::group_bot(&bot);
    let task = tokio::spawn(app.run(bot, group_bot, mode));
    fake.wait_for("SetWebhook", |f| !f.calls("SetWebhook").is_empty())
        .await;
    let update = r#"{"update_id":1,"message":{"message_id":7,"date":1700000000,"chat":{"id":1313,"type":"private","first_name":"A"},"from":{"id":1313,"is_bot":false,"first_name":"A"},"text":"hello"}}"#;
    let mut status = 0;
    for _ in 0..100 {
        status = post(listen, "/tg/hook", None, update).await.max(status);
        if status != 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 401, "no secret header");
    assert_eq!(post(listen, "/tg/hook", Some("wrong"), update).await, 401);
    assert_eq!(
        post(listen, "/tg/hook", Some("hook-secret_123"), update).await,
        200
    );
    fake.wait_texts(1313, 1).await;
    let commands = fake.calls("SetMyCommands");
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(
        commands
            .iter()
            .any(|c| c["language_code"] == json!("zh")
                && c["commands"].to_string().contains("转人工"))
    );
    assert!(
        commands
            .iter()
            .all(|c| c["commands"].as_array().unwrap().len() == 5)
    );
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_reach_buyers_and_call_tasks_reach_agents_who_record_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let mut config = config();
    config.reminders.holdout_percent = 0;
    let orders =
        Arc::new(paynudge::reminders::Reminders::open(store.db(), &config.reminders).unwrap());
    let engine = Arc::new(common::engine_with(Arc::new(store), config).with_orders(orders.clone()));
    // Monday 10:00 in Beijing: a small order and a large one.
    let t0 = chrono::DateTime::parse_from_rfc3339("2025-11-17T10:00:00+08:00")
        .unwrap()
        .to_utc();
    for (id, buyer, amount) in [("S-1", "tg:5005", 99), ("L-1", "tg:6006", 5000)] {
        let event = paynudge::orders::Event::parse(&json!({"event": "created", "order_id": id,
            "buyer": buyer, "items": [{"name": "Wool scarf"}], "amount": amount,
            "at": t0.timestamp()}))
        .unwrap();
        orders.ingest(&event, t0).unwrap();
    }
    let fake = FakeBotApi::start().await;
    let running = run(&fake, engine.clone()).await;

    let sent = running
        .app
        .send_due_reminders(&running.bot, t0 + chrono::Duration::minutes(31))
        .await
        .unwrap();
    assert_eq!(sent.len(), 2);
    // The buyer gets their own order and the blockers as buttons.
    let text = fake.texts_to(5005).join("\n");
    assert!(
        text.contains("Wool scarf") && text.contains("99.00"),
        "{text}"
    );
    let keys = buttons(&last_keyboard(&fake, 5005));
    let intents: Vec<&str> = keys
        .iter()
        .filter_map(|(_, d)| d.split(':').nth(1))
        .collect();
    assert_eq!(
        intents,
        [
            "insufficient_balance",
            "forgot_password",
            "verification_failed",
            "slow_network",
            "thinks_paid",
            "cancel_order",
            "other"
        ]
    );
    // The large order is a call task for the agents, not a message.
    assert!(fake.sent_to(6006).is_empty());
    let task = fake.texts_to(GROUP).pop().unwrap();
    assert!(
        task.contains("L-1") && task.contains("/outcome L-1"),
        "{task}"
    );
    // Nothing is sent twice.
    let again = running
        .app
        .send_due_reminders(&running.bot, t0 + chrono::Duration::minutes(32))
        .await
        .unwrap();
    assert!(again.is_empty());

    fake.group_text(None, 888, "/outcome L-1 will-pay");
    fake.wait_for("refusal", |f| {
        f.texts_to(GROUP).iter().any(|t| t.contains("只有客服"))
    })
    .await;
    fake.group_text(None, AGENT, "/outcome L-1 会付款");
    fake.wait_for("usage", |f| {
        f.texts_to(GROUP).iter().any(|t| {
            paynudge::reminders::CallOutcome::ALL
                .iter()
                .all(|o| t.contains(o.key()))
                && t.starts_with("记录回访结果")
        })
    })
    .await;
    fake.group_text(None, AGENT, "/outcome NOPE-9 will-pay");
    fake.wait_for("unknown order", |f| {
        f.texts_to(GROUP)
            .iter()
            .any(|t| t.contains("没有这个订单号"))
    })
    .await;
    fake.group_text(None, AGENT, "/outcome L-1   Will-Pay");
    fake.wait_for("outcome recorded", |f| {
        f.texts_to(GROUP)
            .iter()
            .any(|t| t.contains("已记录订单 L-1"))
    })
    .await;
    let order = orders.order("L-1").unwrap().unwrap();
    assert_eq!(order.call_outcome.as_deref(), Some("will-pay"));
    assert_eq!(orders.order("S-1").unwrap().unwrap().call_outcome, None);

    // The task carries a button per outcome, in the agents' language: a
    // tap records it. Only an agent's tap counts, and only then do the
    // buttons go.
    let outcome = || orders.order("L-1").unwrap().unwrap().call_outcome;
    let keyboard = last_keyboard(&fake, GROUP);
    let options = buttons(&keyboard);
    assert_eq!(options.len(), 6, "{options:?}");
    assert_eq!(options[1], ("已付款".to_string(), "o:L-1:paid".to_string()));
    fake.group_tap(888, 900, "o:L-1:paid");
    fake.wait_for("a refusal to a stranger", |f| {
        f.calls("AnswerCallbackQuery")
            .iter()
            .any(|c| c["text"].as_str().is_some_and(|t| t.contains("只有客服")))
    })
    .await;
    assert_eq!(outcome().as_deref(), Some("will-pay"));
    assert!(fake.calls("EditMessageReplyMarkup").is_empty());
    fake.group_tap(AGENT, 900, "o:L-1:paid");
    fake.wait_for("the tap recorded", |f| {
        f.texts_to(GROUP)
            .iter()
            .any(|t| t.contains("已记录订单 L-1") && t.contains(&format!("Agent{AGENT}")))
    })
    .await;
    assert_eq!(outcome().as_deref(), Some("paid"));
    assert_eq!(fake.calls("EditMessageReplyMarkup").len(), 1);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_nobody_answers_is_pinged_once() {
    let fake = FakeBotApi::start().await;
    let engine = engine(Arc::new(MemoryStore::default()));
    let running = run(&fake, engine.clone()).await;
    fake.private_text(5005, "转人工");
    fake.wait_for("the card", |f| !f.sent_to(GROUP).is_empty())
        .await;
    let now = chrono::Utc::now();
    let ping = |at| running.app.ping_waiting_topics(at);
    assert_eq!(ping(now).await, 0, "not before the wait is up");
    assert_eq!(ping(now + chrono::Duration::hours(1)).await, 1);
    let pinged = fake.sent_to(GROUP).pop().unwrap();
    assert_eq!(pinged["message_thread_id"], json!(501));
    assert!(
        pinged["text"].as_str().unwrap().contains("还在等待"),
        "{pinged}"
    );
    assert_eq!(ping(now + chrono::Duration::hours(2)).await, 0, "once");
    running.stop().await;
}

/// `paynudge telegram --orders-listen`: one process owns the database, so the
/// bot itself takes the shop's order events while it talks to buyers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_process_takes_order_events_too() {
    let fake = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().to_str().unwrap().to_string();
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let orders_token = "orders token for the test, long enough";
    let mut bot = std::process::Command::new(env!("CARGO_BIN_EXE_paynudge"))
        .args([
            "telegram",
            "--db",
            &db,
            "--orders-listen",
            &addr.to_string(),
        ])
        .env_remove("PAYNUDGE_CONFIG")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &fake.url)
        .env("PAYNUDGE_ORDERS_TOKEN", orders_token)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let event = json!({"event": "created", "order_id": "P-1", "buyer": "tg:5005",
        "items": [{"name": "Wool scarf"}], "amount": 99, "at": 1_763_344_200})
    .to_string();
    let auth = [format!("Authorization: Bearer {orders_token}")];
    let mut response = (0, String::new());
    for _ in 0..200 {
        response = common::http("POST", addr, "/events", &auth, &event).await;
        if response.0 != 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(response.0, 200, "{response:?}");
    assert!(response.1.contains("\"accepted\":1"), "{response:?}");
    // The same process answers buyers.
    fake.private_text(5005, "hello");
    fake.wait_sent(5005, 1).await;
    bot.kill().unwrap();
    bot.wait().unwrap();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_paynudge"))
        .args([
            "reminders",
            "plan",
            "--db",
            &db,
            "--now",
            "2025-11-17T10:00:00+08:00",
        ])
        .env_remove("PAYNUDGE_CONFIG")
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(plan.lines().any(|l| l.starts_with("P-1 ")), "{plan}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_who_says_never_mind_is_back_with_the_bot_and_the_agents_are_told() {
    let fake = FakeBotApi::start().await;
    let engine = engine(Arc::new(MemoryStore::default()));
    let running = run(&fake, engine.clone()).await;

    fake.private_text(5007, "转人工");
    fake.wait_for("the topic", |f| !f.calls("CreateForumTopic").is_empty())
        .await;
    fake.private_text(5007, "算了不用了");
    fake.wait_for("the notice in the topic", |f| {
        f.texts_to(GROUP).iter().any(|t| t.contains("取消转人工"))
    })
    .await;
    // The buyer's answer and the group's notice go out on two limiters, in
    // either order.
    fake.wait_for("the buyer told", |f| {
        f.texts_to(5007).iter().any(|t| t.contains("取消转人工"))
    })
    .await;
    let buyer = paynudge::UserId::parse("tg:5007").unwrap();
    let session = engine.store().load(&buyer).unwrap().unwrap();
    assert!(session.with_bot(), "{:?}", session.owner);
    running.stop().await;
}
