//! A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests: the real
//! dispatcher polls it, it records every call, and errors (429, 403) can be
//! injected. Shapes follow what teloxide 0.17 parses.
#![allow(dead_code)]

mod running;
#[allow(unused_imports)]
pub use running::{BUYER_LINES, Running, sled_engine, start, start_throttled};

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

pub const TOKEN: &str = "123456:TEST-token-for-the-fake-bot-api";
pub const GROUP: i64 = -1_001_234_567_890;

#[derive(Default)]
struct Inner {
    updates: VecDeque<Value>,
    next_update: u32,
    next_message: i32,
    next_thread: i32,
    calls: Vec<(String, Value)>,
    /// SendMessage calls per chat, kept apart so waiting on them stays cheap.
    sent: HashMap<i64, usize>,
    /// Record full call bodies (off in benchmarks, which only count).
    quiet: bool,
    /// Errors to answer instead of the next calls of a method (optionally
    /// only for one chat).
    failures: HashMap<String, VecDeque<(Option<i64>, Value)>>,
}

#[derive(Clone, Default)]
pub struct FakeBotApi {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
    pub url: String,
}

impl FakeBotApi {
    pub async fn start() -> FakeBotApi {
        let mut fake = FakeBotApi::default();
        {
            let mut inner = fake.inner.lock().unwrap();
            inner.next_update = 1;
            inner.next_message = 100;
            inner.next_thread = 500;
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        fake.url = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/{token}/{method}", post(handle))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    fn push(&self, kind: &str, body: Value) {
        let mut inner = self.inner.lock().unwrap();
        let id = inner.next_update;
        inner.next_update += 1;
        inner
            .updates
            .push_back(json!({"update_id": id, kind: body}));
        drop(inner);
        self.changed.notify_waiters();
    }

    fn message_id(&self) -> i32 {
        let mut inner = self.inner.lock().unwrap();
        inner.next_message += 1;
        inner.next_message
    }

    pub fn private_text(&self, chat: i64, text: &str) {
        let id = self.message_id();
        self.push("message", json!({
            "message_id": id, "date": 1_700_000_000,
            "chat": {"id": chat, "type": "private", "first_name": "Buyer"},
            "from": {"id": chat, "is_bot": false, "first_name": "Buyer", "last_name": format!("{chat}")},
            "text": text,
        }));
    }

    pub fn private_photo(&self, chat: i64) {
        let id = self.message_id();
        self.push(
            "message",
            json!({
                "message_id": id, "date": 1_700_000_000,
                "chat": {"id": chat, "type": "private", "first_name": "Buyer"},
                "from": {"id": chat, "is_bot": false, "first_name": "Buyer"},
                "photo": [{"file_id": "AgAD1", "file_unique_id": "u1", "width": 90, "height": 90}],
            }),
        );
    }

    pub fn private_sticker(&self, chat: i64) {
        let id = self.message_id();
        self.push("message", json!({
            "message_id": id, "date": 1_700_000_000,
            "chat": {"id": chat, "type": "private", "first_name": "Buyer"},
            "from": {"id": chat, "is_bot": false, "first_name": "Buyer"},
            "sticker": {"file_id": "s", "file_unique_id": "su", "width": 64, "height": 64, "type": "regular"},
        }));
    }

    /// A message by `from` in the support group, in `thread` if given.
    pub fn group_text(&self, thread: Option<i64>, from: u64, text: &str) {
        let id = self.message_id();
        let mut msg = json!({
            "message_id": id, "date": 1_700_000_000,
            "chat": {"id": GROUP, "type": "supergroup", "title": "Support", "is_forum": true},
            "from": {"id": from, "is_bot": false, "first_name": format!("Agent{from}")},
            "text": text,
        });
        if let Some(t) = thread {
            msg["message_thread_id"] = json!(t);
            msg["is_topic_message"] = json!(true);
        }
        self.push("message", msg);
    }

    /// A photo an agent posts in a topic.
    pub fn group_photo(&self, thread: i64, from: u64) {
        let id = self.message_id();
        self.push(
            "message",
            json!({
                "message_id": id, "date": 1_700_000_000,
                "chat": {"id": GROUP, "type": "supergroup", "title": "Support", "is_forum": true},
                "from": {"id": from, "is_bot": false, "first_name": format!("Agent{from}")},
                "message_thread_id": thread, "is_topic_message": true,
                "photo": [{"file_id": "AgAD2", "file_unique_id": "u2", "width": 90, "height": 90}],
            }),
        );
    }

    /// A tap on a button of the bot's message `message_id` in `chat`.
    pub fn tap(&self, chat: i64, message_id: i64, data: &str) {
        let id = format!("cq{}", self.message_id());
        self.push("callback_query", json!({
            "id": id, "chat_instance": "ci", "data": data,
            "from": {"id": chat, "is_bot": false, "first_name": "Buyer"},
            "message": {"message_id": message_id, "date": 1_700_000_000,
                        "chat": {"id": chat, "type": "private", "first_name": "Buyer"}, "text": "q"},
        }));
    }

    /// A tap by `from` on a button of the bot's message `message_id` in the
    /// support group.
    pub fn group_tap(&self, from: u64, message_id: i64, data: &str) {
        let id = format!("cq{}", self.message_id());
        self.push("callback_query", json!({
            "id": id, "chat_instance": "ci", "data": data,
            "from": {"id": from, "is_bot": false, "first_name": format!("Agent{from}")},
            "message": {"message_id": message_id, "date": 1_700_000_000,
                        "chat": {"id": GROUP, "type": "supergroup", "title": "Support", "is_forum": true},
                        "text": "task"},
        }));
    }

    /// Stops recording call bodies (benchmarks only count messages).
    pub fn quiet(&self) {
        self.inner.lock().unwrap().quiet = true;
    }

    /// How many messages went to `chat`.
    pub fn sent_count(&self, chat: i64) -> usize {
        self.inner
            .lock()
            .unwrap()
            .sent
            .get(&chat)
            .copied()
            .unwrap_or(0)
    }

    /// Waits (without a deadline) until `n` messages went to `chat`.
    pub async fn wait_sent(&self, chat: i64, n: usize) {
        loop {
            let notified = self.changed.notified();
            if self.sent_count(chat) >= n {
                return;
            }
            let _ = tokio::time::timeout(Duration::from_millis(5), notified).await;
        }
    }

    /// The next call of `method` (to `chat`, if given) answers `error`.
    pub fn fail_next(&self, method: &str, chat: Option<i64>, error: Value) {
        self.inner
            .lock()
            .unwrap()
            .failures
            .entry(method.to_string())
            .or_default()
            .push_back((chat, error));
    }

    pub fn calls(&self, method: &str) -> Vec<Value> {
        self.inner
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|(m, _)| m == method)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// Messages the bot sent to `chat`, in order.
    pub fn sent_to(&self, chat: i64) -> Vec<Value> {
        self.calls("SendMessage")
            .into_iter()
            .filter(|b| b["chat_id"] == json!(chat))
            .collect()
    }

    pub fn texts_to(&self, chat: i64) -> Vec<String> {
        self.sent_to(chat)
            .iter()
            .map(|b| b["text"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// Waits until `done` holds of the fake (up to 10 s), polling on every call.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&FakeBotApi) -> bool) {
        self.wait_until(what, Duration::from_secs(10), done).await;
    }

    /// [`FakeBotApi::wait_for`] for work paced by the rate limiters (up to
    /// 2 minutes): a deadline only so that a stuck test ends.
    pub async fn wait_for_long(&self, what: &str, done: impl Fn(&FakeBotApi) -> bool) {
        self.wait_until(what, Duration::from_secs(120), done).await;
    }

    async fn wait_until(&self, what: &str, within: Duration, done: impl Fn(&FakeBotApi) -> bool) {
        let deadline = Instant::now() + within;
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; calls: {:#?}",
                self.inner.lock().unwrap().calls
            );
            let _ =
                tokio::time::timeout(left.min(Duration::from_millis(50)), self.changed.notified())
                    .await;
        }
    }

    /// Waits until at least `n` messages went to `chat`; returns their texts.
    pub async fn wait_texts(&self, chat: i64, n: usize) -> Vec<String> {
        self.wait_for(&format!("{n} messages to {chat}"), |f| {
            f.sent_to(chat).len() >= n
        })
        .await;
        self.texts_to(chat)
    }
}

fn message(chat: &Value, text: Option<&Value>, thread: Option<&Value>, id: i32) -> Value {
    let chat_id = chat.as_i64().unwrap_or(0);
    let chat = if chat_id < 0 {
        json!({"id": chat_id, "type": "supergroup", "title": "Support", "is_forum": true})
    } else {
        json!({"id": chat_id, "type": "private", "first_name": "Buyer"})
    };
    let mut m = json!({"message_id": id, "date": 1_700_000_000, "chat": chat,
                       "from": {"id": 42, "is_bot": true, "first_name": "Bot", "username": "paynudge_test_bot"}});
    if let Some(t) = text {
        m["text"] = t.clone();
    }
    if let Some(t) = thread {
        m["message_thread_id"] = t.clone();
        m["is_topic_message"] = json!(true);
    }
    m
}

async fn handle(
    State(fake): State<FakeBotApi>,
    Path((_token, method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Json<Value> {
    // A file upload (sendPhoto) comes as multipart: its text fields are kept.
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| multipart_fields(&body));
    if method == "GetUpdates" {
        return Json(json!({"ok": true, "result": updates(&fake, &body).await}));
    }
    let mut inner = fake.inner.lock().unwrap();
    let chat = body["chat_id"].as_i64();
    if method == "SendMessage" {
        *inner.sent.entry(chat.unwrap_or(0)).or_default() += 1;
    }
    if !inner.quiet {
        inner.calls.push((method.clone(), body.clone()));
    }
    if let Some(queue) = inner.failures.get_mut(&method)
        && let Some(pos) = queue.iter().position(|(c, _)| c.is_none() || *c == chat)
    {
        let (_, error) = queue.remove(pos).unwrap();
        drop(inner);
        fake.changed.notify_waiters();
        return Json(error);
    }
    inner.next_message += 1;
    let id = inner.next_message;
    let result = match method.as_str() {
        "GetMe" => {
            json!({"id": 42, "is_bot": true, "first_name": "Bot", "username": "paynudge_test_bot",
                          "can_join_groups": true, "can_read_all_group_messages": true,
                          "supports_inline_queries": false, "has_main_web_app": false})
        }
        "GetWebhookInfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        "SendMessage" | "EditMessageReplyMarkup" | "ForwardMessage" => message(
            &body["chat_id"],
            body.get("text"),
            body.get("message_thread_id"),
            id,
        ),
        "CopyMessage" => json!({"message_id": id}),
        "SendPhoto" => {
            let mut m = message(&body["chat_id"], None, body.get("message_thread_id"), id);
            m["photo"] = json!([{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]);
            m
        }
        "CreateForumTopic" => {
            inner.next_thread += 1;
            json!({"message_thread_id": inner.next_thread, "name": body["name"], "icon_color": 7_322_096})
        }
        "GetChatAdministrators" => json!([
            {"status": "creator", "user": {"id": 777, "is_bot": false, "first_name": "Owner"}, "is_anonymous": false}
        ]),
        _ => json!(true),
    };
    drop(inner);
    fake.changed.notify_waiters();
    Json(json!({"ok": true, "result": result}))
}

/// Long polling: pending updates from `offset` on, or `[]` after a short wait.
async fn updates(fake: &FakeBotApi, body: &Value) -> Value {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let deadline = Instant::now() + Duration::from_millis(200);
    loop {
        {
            let mut inner = fake.inner.lock().unwrap();
            inner
                .updates
                .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            if !inner.updates.is_empty() || offset < 0 {
                return Value::Array(inner.updates.iter().cloned().collect());
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return json!([]);
        }
        let _ = tokio::time::timeout(left, fake.changed.notified()).await;
    }
}

/// The text fields of a multipart body, as JSON (numbers where they parse),
/// and `"file": true` when it carries a file.
fn multipart_fields(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in text.split("Content-Disposition: form-data; ").skip(1) {
        let Some(name) = part
            .strip_prefix("name=\"")
            .and_then(|p| p.split('"').next())
        else {
            continue;
        };
        if part.lines().next().is_some_and(|l| l.contains("filename=")) {
            fields.insert("file".into(), json!(true));
            continue;
        }
        let value = part
            .split_once("\r\n\r\n")
            .map(|(_, v)| v.split("\r\n--").next().unwrap_or(""))
            .unwrap_or("");
        let value = value
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(value));
        fields.insert(name.to_string(), value);
    }
    Value::Object(fields)
}
