//! A web buyer served by agents in the Telegram support group (the fake Bot
//! API on 127.0.0.1): the handover opens a topic, the buyer's words and
//! screenshot reach it, an agent's reply reaches the buyer's page live, and
//! handing back returns the buyer to the bot.

mod common;
mod fake_bot_api;

use fake_bot_api::{FakeBotApi, GROUP};
use paynudge::channels::telegram::Telegram;
use paynudge::{Config, UserId};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const AGENT: u64 = 777;

/// Reads the chat's event stream (`?v=token`) in the background; the lines
/// arrive on the returned channel.
fn listen(addr: SocketAddr, token: String) -> tokio::sync::mpsc::UnboundedReceiver<Value> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!("GET /chat/events?v={token} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut pending = String::new();
        let mut buf = [0u8; 8192];
        loop {
            let Ok(n) = stream.read(&mut buf).await else {
                return;
            };
            if n == 0 {
                return;
            }
            pending.push_str(&String::from_utf8_lossy(&buf[..n]));
            while let Some(end) = pending.find("\n\n") {
                let record: String = pending.drain(..end + 2).collect();
                for data in record.lines().filter_map(|l| l.strip_prefix("data: ")) {
                    if let Ok(line) = serde_json::from_str(data) {
                        let _ = tx.send(line);
                    }
                }
            }
        }
    });
    rx
}

/// The next line from `from` on the page, within 10 s.
async fn next_from(lines: &mut tokio::sync::mpsc::UnboundedReceiver<Value>, from: &str) -> String {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let line = lines.recv().await.expect("the stream is open");
            if line["from"] == from {
                return line["text"].as_str().unwrap().to_string();
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("a line from {from} within 10 s"))
}

async fn post(addr: SocketAddr, token: &str, path: &str, kind: &str, body: &[u8]) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nX-Paynudge: {token}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response[9..12].parse().unwrap()
}

async fn say(addr: SocketAddr, token: &str, text: &str) {
    let body = json!({ "text": text, "lang": "zh" }).to_string();
    let status = post(
        addr,
        token,
        "/chat/send",
        "application/json",
        body.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_in_the_telegram_group_serve_a_web_buyer_live() {
    let fake = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.agents.chat_id = GROUP;
    let (engine, db) = common::web_engine(dir.path(), config);
    let engine = Arc::new(engine);
    let ((addr, _stop, _server), web) = common::web_chat_for(
        engine.clone(),
        &db,
        dir.path(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await;
    let app = Telegram::new(engine.clone());
    app.serve_others(web.clone());
    web.set_desk(app.clone());
    let running = fake_bot_api::start_throttled(&fake.url, app);

    let (status, page) = common::http("GET", addr, "/chat?lang=zh", &[], "").await;
    assert_eq!(status, 200);
    let token = page
        .split("data-token=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let chat = {
        use base64::Engine as _;
        let id = token.split('.').next().unwrap();
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id)
            .unwrap();
        UserId::parse(std::str::from_utf8(&id).unwrap()).unwrap()
    };
    let mut lines = listen(addr, token.clone());

    // Handed over: a topic with the card; the buyer is told a person comes.
    say(addr, &token, "转人工").await;
    assert!(next_from(&mut lines, "bot").await.contains("人工客服"));
    fake.wait_for("a topic", |f| !f.calls("CreateForumTopic").is_empty())
        .await;
    let topic = &fake.calls("CreateForumTopic")[0];
    assert!(topic["name"].as_str().unwrap().contains("web "), "{topic}");
    let thread = 501;

    // What the buyer writes and sends goes to the topic.
    say(addr, &token, "我付款的时候一直提示错误 <b>x</b>").await;
    fake.wait_for("the words in the topic", |f| {
        f.calls("SendMessage").iter().any(|m| {
            m["message_thread_id"] == json!(thread)
                && m["text"]
                    .as_str()
                    .unwrap_or("")
                    .contains("一直提示错误 <b>x</b>")
        })
    })
    .await;
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 64]].concat();
    assert_eq!(
        post(addr, &token, "/chat/upload", "image/png", &png).await,
        200
    );
    fake.wait_for("the screenshot in the topic", |f| {
        f.calls("SendPhoto").iter().any(|p| {
            p["chat_id"] == json!(GROUP)
                && p["message_thread_id"] == json!(thread)
                && p["file"] == json!(true)
        })
    })
    .await;

    // The agent's reply appears on the page as the agent's, at once.
    fake.group_text(
        Some(thread),
        AGENT,
        "您好，我是客服小王，请问是哪一步出错？",
    );
    assert_eq!(
        next_from(&mut lines, "agent").await,
        "您好，我是客服小王，请问是哪一步出错？"
    );
    // A file from the agent cannot be shown on the web: the agent is told.
    fake.group_photo(thread, AGENT);
    fake.wait_for("the words-only notice", |f| {
        f.texts_to(GROUP).iter().any(|t| t.contains("只能看到文字"))
    })
    .await;

    // Handed back: the buyer hears it, and the bot answers again.
    fake.group_text(Some(thread), AGENT, "/done");
    assert!(next_from(&mut lines, "bot").await.contains("付款小助手"));
    say(addr, &token, "忘记支付密码了").await;
    let answer = next_from(&mut lines, "bot").await;
    assert!(answer.contains("密码"), "{answer}");
    assert_eq!(
        engine.session(&chat).unwrap().unwrap().owner,
        paynudge::session::Owner::Bot
    );
    running.stop().await;
}
