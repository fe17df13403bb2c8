//! The agents' desk in a real browser (headless Chromium over WebDriver),
//! beside a buyer's chat in another browser: sign-in, the live queue, a
//! claim, a reply that reaches the buyer's page, the buyer's words reaching
//! the desk live, a forged cross-site form refused, and the hand-back after
//! which the bot answers again. Fails, not skips, without a browser.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::{browser, keep_screenshot, lines, type_and_send, until};
use fantoccini::{Client, Locator};
use paynudge::session::Owner;
use paynudge::{Engine, UserId};
use std::sync::Arc;

/// The texts of the elements `css` finds. The desk swaps its live region
/// when buyers change, which can take an element away mid-read: then the
/// page is read again.
async fn texts(client: &Client, css: &str) -> Vec<String> {
    'read: for _ in 0..50 {
        let mut texts = Vec::new();
        for element in client.find_all(Locator::Css(css)).await.unwrap() {
            match element.text().await {
                Ok(text) => texts.push(text),
                Err(_) => continue 'read,
            }
        }
        return texts;
    }
    panic!("{css} kept changing while read");
}

/// Clicks what `css` finds (found again if a live update replaced it).
async fn click(client: &Client, css: &str) {
    for _ in 0..50 {
        let element = client.find(Locator::Css(css)).await.unwrap();
        if element.click().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{css} could not be clicked");
}

/// A page on another site that posts a form to the desk by itself, as a
/// cross-site attack would: with the agent's cookie, without the token.
async fn hostile_site(desk: std::net::SocketAddr, buyer: &str) -> std::net::SocketAddr {
    let page = format!(
        "<!doctype html><form method=post action=\"http://{desk}/desk/hand-back\">\
         <input name=buyer value=\"{buyer}\"><input name=csrf value=guess></form>\
         <script>document.forms[0].submit()</script>"
    );
    let router = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::response::Html(page) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// A browser where Amy has signed in: it asks for `/desk`, is sent to the
/// sign-in, and signs in.
async fn signed_in(base: &str) -> (browser::Driver, Client) {
    let (driver, agent) = browser("en-US").await;
    // A desktop's width: a phone's hides the queue's last two columns.
    agent.set_window_size(1100, 700).await.unwrap();
    agent.goto(&format!("{base}/desk")).await.unwrap();
    let at = agent.current_url().await.unwrap();
    assert!(at.path().ends_with("/desk/signin"), "{at}");
    let name = agent.find(Locator::Css("input[name=name]")).await.unwrap();
    name.send_keys("Amy").await.unwrap();
    let password = agent
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap();
    password.send_keys(common::DESK_PASSWORD).await.unwrap();
    click(&agent, "form.signin button").await;
    (driver, agent)
}

fn owner(engine: &Engine, buyer: &UserId) -> Owner {
    engine.session(buyer).unwrap().unwrap().owner
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_claims_a_web_buyer_replies_live_and_hands_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, db) = common::web_engine(dir.path(), common::desk_config(&["Amy"]));
    let engine = Arc::new(engine);
    let ((addr, _stop, _server), _) =
        common::chat_and_desk(engine.clone(), &db, dir.path(), Vec::new()).await;
    let base = format!("http://{addr}");

    // A buyer on the web chat asks for a person.
    let (_buyer_driver, buyer) = browser("en-US").await;
    buyer.goto(&format!("{base}/chat")).await.unwrap();
    type_and_send(&buyer, "my card was declined").await;
    until("the bot's first answer", &buyer, |c| async move {
        !lines(&c, "bot").await.is_empty()
    })
    .await;
    let words = "I want a real person <b>now</b>";
    type_and_send(&buyer, words).await;
    until("the handoff told", &buyer, |c| async move {
        lines(&c, "bot")
            .await
            .iter()
            .any(|l| l.contains("customer service"))
    })
    .await;

    // The desk sends a stranger to sign in; the agent signs in.
    let (_agent_driver, agent) = signed_in(&base).await;
    until("the queue with the buyer", &agent, |c| async move {
        texts(&c, "tr.waiting td.last").await.len() == 1
    })
    .await;
    // The buyer's markup is text in the queue.
    assert_eq!(texts(&agent, "tr.waiting td.last").await, vec![words]);
    assert!(
        agent
            .find_all(Locator::Css("td.last b"))
            .await
            .unwrap()
            .is_empty()
    );

    // A second buyer arrives while the agent watches: the queue grows by
    // itself and the tab's title counts them.
    let second = UserId::parse("web:feed").unwrap();
    engine
        .handle(&second, "转人工", chrono::Utc::now())
        .await
        .unwrap();
    until("the queue updated live", &agent, |c| async move {
        texts(&c, "tr.waiting").await.len() == 2
    })
    .await;
    assert!(agent.title().await.unwrap().starts_with("(2)"));
    keep_screenshot(&agent, "desk-queue.png").await;

    // Claim the first (the oldest): the conversation opens, the buyer is told.
    click(&agent, "tr.waiting button.claim").await;
    until("the conversation", &agent, |c| async move {
        !c.find_all(Locator::Css("p.status.yours"))
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    until("the buyer told who is here", &buyer, |c| async move {
        lines(&c, "agent")
            .await
            .iter()
            .any(|l| l.contains("Amy from customer service"))
    })
    .await;
    let buyer_id = UserId::parse(
        &agent
            .find(Locator::Id("live"))
            .await
            .unwrap()
            .attr("data-buyer")
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        owner(&engine, &buyer_id),
        Owner::Agent {
            agent: "Amy".into()
        }
    );

    // A canned reply fills the box; the agent's reply reaches the buyer live.
    let canned = agent
        .find(Locator::Css("select[data-canned] option:nth-child(2)"))
        .await
        .unwrap();
    canned.click().await.unwrap();
    let filled = agent
        .find(Locator::Id("reply-text"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(filled.contains("customer service"), "{filled}");
    let reply_box = agent.find(Locator::Id("reply-text")).await.unwrap();
    reply_box.clear().await.unwrap();
    let reply = "Hi, I'm Amy. What does the payment page say?";
    reply_box.send_keys(reply).await.unwrap();
    click(&agent, "form.reply button").await;
    until("the reply on the buyer's page", &buyer, |c| async move {
        lines(&c, "agent").await.last().map(String::as_str) == Some(reply)
    })
    .await;

    // The buyer's answer appears on the desk by itself.
    type_and_send(&buyer, "it says card declined").await;
    until("the buyer's words on the desk", &agent, |c| async move {
        texts(&c, ".transcript li.buyer p")
            .await
            .last()
            .map(String::as_str)
            == Some("it says card declined")
    })
    .await;
    keep_screenshot(&agent, "desk-conversation.png").await;

    // A forged cross-site form carries the agent's cookie, not the token:
    // refused, and Amy still holds the buyer.
    let hostile = hostile_site(addr, buyer_id.as_str()).await;
    let back = agent.current_url().await.unwrap();
    agent.goto(&format!("http://{hostile}/")).await.unwrap();
    until("the forged form answered", &agent, |c| async move {
        c.current_url().await.unwrap().path() == "/desk/hand-back"
    })
    .await;
    assert!(
        agent
            .source()
            .await
            .unwrap()
            .contains("expired or came from another site")
    );
    assert_eq!(
        owner(&engine, &buyer_id),
        Owner::Agent {
            agent: "Amy".into()
        }
    );

    // Handed back: the buyer is told, and the bot answers the next message.
    agent.goto(back.as_str()).await.unwrap();
    click(&agent, "form.hand-back button").await;
    until("the queue again", &agent, |c| async move {
        c.current_url().await.unwrap().path() == "/desk"
    })
    .await;
    until("the buyer back with the bot", &buyer, |c| async move {
        lines(&c, "bot")
            .await
            .last()
            .is_some_and(|l| l.contains("back with the payment assistant"))
    })
    .await;
    let agent_lines = lines(&buyer, "agent").await.len();
    let bot_lines = lines(&buyer, "bot").await.len();
    type_and_send(&buyer, "my card was declined").await;
    until("the bot's answer", &buyer, |c| async move {
        lines(&c, "bot").await.len() > bot_lines
    })
    .await;
    assert_eq!(lines(&buyer, "agent").await.len(), agent_lines);
    assert_eq!(owner(&engine, &buyer_id), Owner::Bot);
    agent.close().await.unwrap();
    buyer.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_tasks_outcome_button_closes_it_and_the_report_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::desk_config(&["Amy"]);
    config.reminders.holdout_percent = 0;
    let (engine, db) = common::web_engine(dir.path(), config);
    let engine = Arc::new(engine);
    let ((addr, _stop, _server), web) =
        common::chat_and_desk(engine.clone(), &db, dir.path(), Vec::new()).await;
    // A large order, due for its call on a Monday morning in Beijing.
    let t0 = chrono::DateTime::parse_from_rfc3339("2025-11-17T10:00:00+08:00")
        .unwrap()
        .to_utc();
    let event = paynudge::orders::Event::parse(&serde_json::json!({"event": "created",
        "order_id": "L-7", "buyer": "web:7007", "items": [{"name": "Down coat"}],
        "amount": 5000, "at": t0.timestamp(), "buyer_phone": "13812348000"}))
    .unwrap();
    engine.orders().unwrap().ingest(&event, t0).unwrap();
    web.send_due_reminders(t0 + chrono::Duration::minutes(31))
        .await
        .unwrap();

    let (_driver, agent) = signed_in(&format!("http://{addr}")).await;
    click(&agent, "header nav a[href='/desk/calls']").await;
    until("the call task", &agent, |c| async move {
        !c.find_all(Locator::Css("section.call[data-order='L-7']"))
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    let script = texts(&agent, "section.call pre").await.join("\n");
    assert!(script.contains("13812348000"), "{script}");
    keep_screenshot(&agent, "desk-calls.png").await;
    click(&agent, "section.call button[value='will-pay']").await;
    until("the task closed", &agent, |c| async move {
        c.find_all(Locator::Css("section.call"))
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    let order = engine.orders().unwrap().order("L-7").unwrap().unwrap();
    assert_eq!(order.call_outcome.as_deref(), Some("will-pay"));
    agent
        .goto(&format!("http://{addr}/desk/report?days=0"))
        .await
        .unwrap();
    let page = agent.source().await.unwrap();
    assert!(page.contains("will-pay"), "{page}");
    agent.close().await.unwrap();
}
