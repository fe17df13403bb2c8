//! Shared by the browser tests: headless Chromium over WebDriver (Debian's
//! `chromium` and `chromium-driver`), waiting for a page, the chat page's
//! lines, and screenshots for the README.
#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// chromedriver, stopped when dropped with the browsers it started: they
/// share its process group, so a test that fails before closing its
/// session leaves no Chromium behind.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        if let Ok(group) = i32::try_from(self.0.id()) {
            // SAFETY: kill(2) on our own child's process group.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A headless Chromium asking for pages in `lang` (`en-US`, `zh-CN`).
pub async fn browser(lang: &str) -> (Driver, Client) {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .process_group(0)
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
pub async fn lines(client: &Client, from: &str) -> Vec<String> {
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

/// Waits (up to 30 s) until `ready` holds for the page.
pub async fn until<F, Fut>(what: &str, client: &Client, ready: F)
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    // Generous: two browsers and the server share 2 cores in CI.
    for _ in 0..600 {
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

pub async fn type_and_send(client: &Client, text: &str) {
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
pub async fn keep_screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    if let Ok(dir) = std::env::var("PAYNUDGE_SCREENSHOTS") {
        std::fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
    }
}
