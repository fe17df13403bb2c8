//! The web chat in a real browser: headless Chromium driven over WebDriver
//! (Debian's `chromium` and `chromium-driver`; CI installs them). These
//! tests fail, not skip, when the browser is missing.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::{browser, keep_screenshot, lines, type_and_send, until};
use fantoccini::{Client, Locator};
use serde_json::json;
use std::time::Duration;

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

/// Presses `keys` (characters, or WebDriver key codes such as `\u{e004}`
/// for Tab) on whatever has the focus, as a keyboard would.
async fn press(client: &Client, keys: &str) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".into());
    for value in keys.chars() {
        actions = actions
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
    }
    client.perform_actions(actions).await.unwrap();
}

const TAB: &str = "\u{e004}";
const ENTER: &str = "\u{e007}";
const ESCAPE: &str = "\u{e00c}";

/// A shop's page on another site (`localhost`, while the bot is on
/// `127.0.0.1`), with CSS that would break a widget it could reach.
async fn shop_site(bot: std::net::SocketAddr, payload: String) -> std::net::SocketAddr {
    use axum::extract::Path;
    use axum::response::Html;
    let page = move |Path((lang, order)): Path<(String, String)>| {
        let payload = payload.clone();
        async move {
            let order = if order == "signed" {
                payload
            } else {
                payload.replacen("W-200", "W-201", 1)
            };
            Html(format!(
                r#"<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">
<style>* {{ font-size: 40px !important; color: red !important; }} button {{ all: unset !important; }} iframe {{ display: none !important; }} div, span {{ display: none !important; }} body > *:not(h1):not(p) {{ visibility: hidden !important; transform: scale(0) !important; }}</style></head>
<body><h1>Order W-200</h1><p>Wool scarf · 99.00 CNY · unpaid</p>
<script src="http://{bot}/widget.js" async data-lang="{lang}" data-order="{order}"></script></body></html>"#
            ))
        }
    };
    let router = axum::Router::new().route("/{lang}/{order}", axum::routing::get(page));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// The widget's launcher, inside its shadow root, once the script has run.
async fn launcher(client: &Client) -> fantoccini::elements::Element {
    until("the widget", client, |c| async move {
        c.find(Locator::Css("[data-paynudge]")).await.is_ok()
    })
    .await;
    let host = client.find(Locator::Css("[data-paynudge]")).await.unwrap();
    let root = host.shadow_root().await.unwrap();
    root.find(Locator::Css(".launcher")).await.unwrap()
}

/// Switches into the widget's chat (its iframe) once it is there.
async fn enter_chat(client: &Client) {
    let host = client.find(Locator::Css("[data-paynudge]")).await.unwrap();
    let root = host.shadow_root().await.unwrap();
    let frame = root.find(Locator::Css("iframe")).await.unwrap();
    assert!(frame.is_displayed().await.unwrap());
    frame.enter_frame().await.unwrap();
    until("the chat inside the widget", client, |c| async move {
        c.find(Locator::Id("text")).await.is_ok()
    })
    .await;
}

async fn status(client: &Client) -> String {
    let status = client.find(Locator::Id("status")).await.unwrap();
    status.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_on_a_shop_page_binds_a_signed_order_by_keyboard_and_refuses_a_forged_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = paynudge::Config::default();
    config.web.rate_per_visitor = 6;
    let (engine, db) = common::web_engine(dir.path(), config);
    let event = paynudge::orders::Event::parse(&json!({
        "event": "created", "order_id": "W-200", "buyer": "shop-account-9",
        "items": [{"name": "Wool scarf"}], "amount": 99, "at": chrono::Utc::now().timestamp()
    }))
    .unwrap();
    engine
        .orders()
        .unwrap()
        .ingest(&event, chrono::Utc::now())
        .unwrap();
    let ((bot, _stop, _server), _web) = common::web_chat_for(
        std::sync::Arc::new(engine),
        &db,
        dir.path(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await;
    let payload = paynudge::links::LinkSigner::new(common::LINK_SECRET)
        .unwrap()
        .sign("W-200", chrono::Utc::now().timestamp() + 3600)
        .unwrap();
    let shop = shop_site(bot, payload).await;

    // English, by keyboard alone: Tab to the launcher, Enter opens, the
    // cursor waits in the chat's box, Enter sends, Escape closes.
    let (_driver, client) = browser("en-US").await;
    client
        .goto(&format!("http://localhost:{}/en/signed", shop.port()))
        .await
        .unwrap();
    let open = launcher(&client).await;
    assert_eq!(open.text().await.unwrap(), "Need help paying? Chat with us");
    press(&client, TAB).await;
    press(&client, ENTER).await;
    enter_chat(&client).await;
    until("the order bound", &client, |c| async move {
        lines(&c, "bot")
            .await
            .iter()
            .any(|l| l.contains("linked to your order W-200"))
    })
    .await;
    let markup = "<img src=x onerror=alert(1)>";
    press(&client, &format!("{markup}{ENTER}")).await;
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
    client.set_window_size(1100, 760).await.unwrap();
    client.enter_parent_frame().await.unwrap();
    keep_screenshot(&client, "widget-en.png").await;
    client.set_window_size(420, 780).await.unwrap();
    enter_chat(&client).await;
    press(&client, ESCAPE).await;
    client.enter_parent_frame().await.unwrap();
    until("the widget closed", &client, |c| async move {
        launcher(&c).await.is_displayed().await.unwrap()
    })
    .await;

    // A new page of the shop: the same chat, the order bound once.
    client.refresh().await.unwrap();
    launcher(&client).await.click().await.unwrap();
    enter_chat(&client).await;
    until("the history in the new page", &client, |c| async move {
        lines(&c, "buyer").await.last().map(String::as_str) == Some(markup)
    })
    .await;
    let bound = lines(&client, "bot").await;
    let times = bound
        .iter()
        .filter(|l| l.contains("linked to your order"))
        .count();
    assert_eq!(times, 1, "{bound:?}");

    // Too many messages in a minute: a friendly word, not a silent failure.
    for n in 0..5 {
        type_and_send(&client, &format!("hello {n}")).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    until("the slow-down message", &client, |c| async move {
        status(&c).await.contains("very fast")
    })
    .await;
    client.close().await.unwrap();

    // Chinese, a forged link: nothing bound, and the buyer is told.
    let (_driver, client) = browser("zh-CN").await;
    client
        .goto(&format!("http://localhost:{}/zh/forged", shop.port()))
        .await
        .unwrap();
    let open = launcher(&client).await;
    assert_eq!(open.text().await.unwrap(), "付款遇到问题？联系我们");
    open.click().await.unwrap();
    enter_chat(&client).await;
    until("the link refused", &client, |c| async move {
        lines(&c, "bot")
            .await
            .iter()
            .any(|l| l.contains("链接无效"))
    })
    .await;
    assert!(
        !lines(&client, "bot")
            .await
            .iter()
            .any(|l| l.contains("Wool scarf"))
    );
    type_and_send(&client, "付款失败了").await;
    until("an answer", &client, |c| async move {
        lines(&c, "bot").await.len() >= 2
    })
    .await;
    client.enter_parent_frame().await.unwrap();
    keep_screenshot(&client, "widget-zh.png").await;
    client.close().await.unwrap();
}
