//! The web chat in a real browser: headless Chromium driven over WebDriver
//! (Debian's `chromium` and `chromium-driver`; CI installs them). These
//! tests fail, not skip, when the browser is missing.

mod common;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// chromedriver, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A headless Chromium asking for pages in `lang` (`en-US`, `zh-CN`).
async fn browser(lang: &str) -> (Driver, Client) {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("these tests need chromedriver: apt-get install -y chromium chromium-driver");
    let driver = Driver(driver);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                        "--window-size=420,780", format!("--lang={lang}")],
               "prefs": {"intl.accept_languages": lang}}),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session");
    (driver, client)
}

/// The texts of the page's lines of `from` (`buyer`, `bot`).
async fn lines(client: &Client, from: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for line in client
        .find_all(Locator::Css(&format!("#log .line.{from}")))
        .await
        .unwrap()
    {
        texts.push(line.text().await.unwrap());
    }
    texts
}

/// Waits (up to 10 s) until `ready` holds for the page.
async fn until<F, Fut>(what: &str, client: &Client, ready: F)
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if ready(client.clone()).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "timed out waiting for {what}: {}",
        client.source().await.unwrap_or_default()
    );
}

async fn type_and_send(client: &Client, text: &str) {
    let input = client.find(Locator::Id("text")).await.unwrap();
    input.send_keys(text).await.unwrap();
    client
        .find(Locator::Id("send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Saves a screenshot for the README when PAYNUDGE_SCREENSHOTS names a folder.
async fn keep_screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    if let Ok(dir) = std::env::var("PAYNUDGE_SCREENSHOTS") {
        std::fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
    }
}

/// A conversation with a button tap in `lang`; returns the buyer's lines.
async fn conversation(client: &Client, base: &str, says: &str) -> Vec<String> {
    client.goto(&format!("{base}/chat")).await.unwrap();
    type_and_send(client, says).await;
    until("the bot's buttons", client, |c| async move {
        !c.find_all(Locator::Css("#log .options button"))
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    let button = client
        .find(Locator::Css("#log .options button"))
        .await
        .unwrap();
    let label = button.text().await.unwrap();
    let bot_before = lines(client, "bot").await.len();
    button.click().await.unwrap();
    until("the tap answered", client, |c| {
        let label = label.clone();
        async move {
            let buyer = lines(&c, "buyer").await;
            buyer.last() == Some(&label) && lines(&c, "bot").await.len() > bot_before
        }
    })
    .await;
    lines(client, "buyer").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_chats_in_each_language_reloads_and_outlives_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, stop, server) = common::web_chat(dir.path()).await;
    let base = format!("http://{addr}");

    // English, with a tap; markup stays text.
    let (_driver, client) = browser("en-US").await;
    let said = conversation(&client, &base, "I can't pay").await;
    assert_eq!(said[0], "I can't pay");
    let markup = "<img src=x onerror=alert(1)>";
    type_and_send(&client, markup).await;
    until("the markup shown as text", &client, |c| async move {
        lines(&c, "buyer").await.last().map(String::as_str) == Some(markup)
    })
    .await;
    assert!(
        client
            .find_all(Locator::Css("#log img"))
            .await
            .unwrap()
            .is_empty()
    );
    keep_screenshot(&client, "web-en.png").await;

    // A reload shows the same conversation.
    let before = (lines(&client, "buyer").await, lines(&client, "bot").await);
    client.refresh().await.unwrap();
    until("the history after a reload", &client, |c| {
        let before = before.clone();
        async move { (lines(&c, "buyer").await, lines(&c, "bot").await) == before }
    })
    .await;

    // The server restarts mid-conversation: the page says it is
    // reconnecting, comes back by itself, and the talk goes on.
    drop(stop);
    server.await.unwrap();
    until("the reconnecting notice", &client, |c| async move {
        let status = c.find(Locator::Id("status")).await.unwrap();
        status.text().await.unwrap().contains("Reconnecting")
    })
    .await;
    let mut restarted = None;
    for _ in 0..100 {
        if paynudge::store::SledStore::open(dir.path()).is_ok() {
            restarted = Some(common::web_chat_on(dir.path(), addr).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _restarted = restarted.expect("the database is free again");
    until("the page reconnected", &client, |c| async move {
        let status = c.find(Locator::Id("status")).await.unwrap();
        !status.is_displayed().await.unwrap()
    })
    .await;
    let bot_before = lines(&client, "bot").await.len();
    type_and_send(&client, "thanks").await;
    until("an answer after the restart", &client, |c| async move {
        lines(&c, "bot").await.len() > bot_before
    })
    .await;
    // Nothing the buyer saw was lost or shown twice.
    let buyer = lines(&client, "buyer").await;
    assert_eq!(&buyer[..before.0.len()], &before.0[..]);
    assert_eq!(buyer.last().map(String::as_str), Some("thanks"));
    client.close().await.unwrap();

    // Chinese, from the browser's language, with a tap.
    let (_driver, client) = browser("zh-CN").await;
    let said = conversation(&client, &base, "付款失败了").await;
    assert_eq!(said[0], "付款失败了");
    // A tapped button's value (`slow_network`) is not the buyer's words:
    // the answer stays in Chinese.
    let bot = lines(&client, "bot").await;
    let last = bot.last().unwrap();
    assert!(
        last.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{bot:?}"
    );
    let placeholder = client
        .find(Locator::Id("text"))
        .await
        .unwrap()
        .attr("placeholder")
        .await
        .unwrap();
    assert_eq!(placeholder.as_deref(), Some("输入消息"));
    keep_screenshot(&client, "web-zh.png").await;
    client.close().await.unwrap();
}
