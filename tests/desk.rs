//! The agents' web desk over HTTP, without a browser: nothing opens without
//! signing in, failed sign-ins lock, forms need the agent's CSRF token, two
//! agents claiming one buyer at once leave exactly one owner, markup stays
//! text, and a Telegram buyer is served from the desk.

mod common;
mod fake_bot_api;

use common::DESK_PASSWORD;
use fake_bot_api::FakeBotApi;
use paynudge::channels::telegram::{Telegram, TelegramBuyers};
use paynudge::session::Owner;
use paynudge::{Engine, UserId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An answer: status, headers (lower-case names) and body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of the page's first hidden field `name`.
    fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        self.body
            .split(&marker)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no field {name} in {}", self.body))
            .to_string()
    }
}

/// A browser-like client: keeps the cookies it is given.
struct Client {
    addr: SocketAddr,
    cookies: HashMap<String, String>,
}

impl Client {
    fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            cookies: HashMap::new(),
        }
    }

    async fn send(&mut self, method: &str, path: &str, body: &str) -> Answer {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let cookies: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let cookie = if cookies.is_empty() {
            String::new()
        } else {
            format!("Cookie: {}\r\n", cookies.join("; "))
        };
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).await.unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let mut lines = head.lines();
        let status = lines.next().unwrap()[9..12].parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        for (_, value) in headers.iter().filter(|(n, _)| n == "set-cookie") {
            let pair = value.split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        Answer {
            status,
            headers,
            body: body.to_string(),
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        self.send("GET", path, "").await
    }

    async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Answer {
        self.send("POST", path, &common::form(pairs)).await
    }

    async fn sign_in(&mut self, name: &str, password: &str) -> Answer {
        let page = self.get("/desk/signin").await;
        let token = page.field("form");
        self.post(
            "/desk/signin",
            &[("name", name), ("password", password), ("form", &token)],
        )
        .await
    }

    /// Signs in and returns the agent's CSRF token.
    async fn signed_in(addr: SocketAddr, name: &str) -> (Client, String) {
        let mut client = Client::new(addr);
        let answer = client.sign_in(name, DESK_PASSWORD).await;
        assert_eq!(answer.status, 303, "{}", answer.body);
        assert_eq!(answer.header("location"), Some("/desk"));
        let queue = client.get("/desk").await;
        assert_eq!(queue.status, 200);
        let csrf = queue.field("csrf");
        (client, csrf)
    }
}

/// An engine and a chat-and-desk server in `dir`, agents `names`.
async fn desk(
    dir: &std::path::Path,
    names: &[&str],
) -> (
    Arc<Engine>,
    common::Running,
    Arc<paynudge::channels::web::Web>,
) {
    let (engine, db) = common::web_engine(dir, common::desk_config(names));
    let engine = Arc::new(engine);
    let (running, web) = common::chat_and_desk(engine.clone(), &db, dir, Vec::new()).await;
    (engine, running, web)
}

/// A web buyer who asked for a person.
async fn waiting_buyer(engine: &Engine, id: &str, words: &str) -> UserId {
    let buyer = UserId::parse(id).unwrap();
    let reply = engine
        .handle(&buyer, words, chrono::Utc::now())
        .await
        .unwrap();
    assert!(reply.handoff_started, "{reply:?}");
    buyer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_of_the_desk_opens_without_signing_in() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, (addr, _stop, _server), _) = desk(dir.path(), &["amy"]).await;
    let buyer = waiting_buyer(&engine, "web:0a0a", "I want a person").await;
    let mut visitor = Client::new(addr);
    // A buyer's own visitor cookie is not a desk session.
    let chat = visitor.get("/chat").await;
    assert_eq!(chat.status, 200);
    assert!(!visitor.cookies.is_empty());
    for path in [
        "/desk",
        "/desk?part=live",
        "/desk/chat?buyer=web:0a0a",
        "/desk/events",
    ] {
        let answer = visitor.get(path).await;
        assert_eq!(answer.status, 303, "{path}");
        assert_eq!(answer.header("location"), Some("/desk/signin"), "{path}");
        assert!(!answer.body.contains("web:0a0a"), "{path}");
    }
    assert_eq!(visitor.get("/desk/files/20261130-x.png").await.status, 403);
    let claim = visitor
        .post("/desk/claim", &[("csrf", "x"), ("buyer", "web:0a0a")])
        .await;
    assert_eq!(claim.status, 303);
    let session = engine.session(&buyer).unwrap().unwrap();
    assert_eq!(session.owner, Owner::WaitingForAgent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_lock_and_forms_without_the_agents_token_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, (addr, _stop, _server), _) = desk(dir.path(), &["amy"]).await;

    // A sign-in form from elsewhere (no form cookie of ours) is refused.
    let mut forged = Client::new(addr);
    let answer = forged
        .post(
            "/desk/signin",
            &[("name", "amy"), ("password", DESK_PASSWORD), ("form", "x")],
        )
        .await;
    assert_eq!(answer.status, 403);
    assert!(!forged.cookies.contains_key("pn_desk"));

    // Five wrong passwords lock the name, even for the right one.
    let mut guesser = Client::new(addr);
    for _ in 0..5 {
        let answer = guesser.sign_in("amy", "wrong password").await;
        assert_eq!(answer.status, 401);
        assert!(answer.body.contains("Wrong name or password"));
    }
    let locked = guesser.sign_in("amy", DESK_PASSWORD).await;
    assert_eq!(locked.status, 429);
    assert!(
        locked.body.contains("Try again in 15 minutes"),
        "{}",
        locked.body
    );
    assert!(!guesser.cookies.contains_key("pn_desk"));

    // A fresh desk (a restart) unlocks; then a cross-site POST, which has
    // the cookie but not the token, changes nothing.
    drop(_stop);
    _server.await.unwrap();
    drop(engine);
    let dir2 = tempfile::tempdir().unwrap();
    let (engine, (addr, _stop, _server), _) = desk(dir2.path(), &["amy"]).await;
    let buyer2 = waiting_buyer(&engine, "web:0c0c", "转人工").await;
    let (mut amy, csrf) = Client::signed_in(addr, "amy").await;
    let answer = amy
        .post(
            "/desk/claim",
            &[("csrf", "not-the-token"), ("buyer", "web:0c0c")],
        )
        .await;
    assert_eq!(answer.status, 403);
    let answer = amy.post("/desk/claim", &[("buyer", "web:0c0c")]).await;
    assert_eq!(answer.status, 422, "a form without the field is rejected");
    assert_eq!(
        engine.session(&buyer2).unwrap().unwrap().owner,
        Owner::WaitingForAgent
    );

    // Signing out ends the session: the cookie opens nothing any more.
    let session = amy.cookies["pn_desk"].clone();
    assert_eq!(
        amy.post("/desk/signout", &[("csrf", &csrf)]).await.status,
        303
    );
    let mut replay = Client::new(addr);
    replay.cookies.insert("pn_desk".into(), session);
    assert_eq!(replay.get("/desk").await.status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_claiming_one_buyer_at_once_leave_exactly_one_owner() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, (addr, _stop, _server), _) = desk(dir.path(), &["amy", "bo"]).await;
    let (amy, amy_csrf) = Client::signed_in(addr, "amy").await;
    let (bo, bo_csrf) = Client::signed_in(addr, "bo").await;
    let (amy, bo) = (
        Arc::new(tokio::sync::Mutex::new(amy)),
        Arc::new(tokio::sync::Mutex::new(bo)),
    );
    for n in 0..10 {
        let id = format!("web:{n:04x}");
        let buyer = waiting_buyer(&engine, &id, "I need a real person").await;
        let claim = |client: Arc<tokio::sync::Mutex<Client>>, csrf: String, id: String| async move {
            client
                .lock()
                .await
                .post("/desk/claim", &[("csrf", &csrf), ("buyer", &id)])
                .await
        };
        let (a, b) = tokio::join!(
            claim(amy.clone(), amy_csrf.clone(), id.clone()),
            claim(bo.clone(), bo_csrf.clone(), id.clone())
        );
        let winners: Vec<&str> = [("amy", &a), ("bo", &b)]
            .iter()
            .filter(|(_, answer)| answer.status == 303)
            .map(|(name, _)| *name)
            .collect();
        assert_eq!(winners.len(), 1, "{} / {}", a.status, b.status);
        let loser = if winners[0] == "amy" { &b } else { &a };
        assert_eq!(loser.status, 409);
        assert!(
            loser
                .body
                .contains(&format!("{} is serving this buyer", winners[0])),
            "{}",
            loser.body
        );
        let owner = engine.session(&buyer).unwrap().unwrap().owner;
        assert_eq!(
            owner,
            Owner::Agent {
                agent: winners[0].to_string()
            }
        );
        // The loser cannot reply or hand the buyer back either.
        let (client, csrf) = if winners[0] == "amy" {
            (&bo, &bo_csrf)
        } else {
            (&amy, &amy_csrf)
        };
        let mut client = client.lock().await;
        let reply = client
            .post(
                "/desk/reply",
                &[("csrf", csrf), ("buyer", &id), ("text", "hello")],
            )
            .await;
        assert_eq!(reply.status, 409);
        let back = client
            .post("/desk/hand-back", &[("csrf", csrf), ("buyer", &id)])
            .await;
        assert_eq!(back.status, 409);
        assert_eq!(engine.session(&buyer).unwrap().unwrap().owner, owner);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_from_buyers_and_agents_renders_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let name = "<b>Amy</b>";
    let (engine, (addr, _stop, _server), _) = desk(dir.path(), &[name, "bo"]).await;
    let markup = "<script>alert(1)</script> 转人工";
    let buyer = UserId::parse("web:0d0d").unwrap();
    let now = chrono::Utc::now();
    for words in ["my card was declined", "my phone number is 13812348000"] {
        engine.handle(&buyer, words, now).await.unwrap();
    }
    let buyer = waiting_buyer(&engine, "web:0d0d", markup).await;
    // A buyer waiting past `agents.ping_after_minutes` (10) is marked.
    let early = UserId::parse("web:0e0e").unwrap();
    let before = chrono::Utc::now() - chrono::Duration::minutes(15);
    engine.handle(&early, "转人工", before).await.unwrap();
    let (mut amy, csrf) = Client::signed_in(addr, name).await;
    let queue = amy.get("/desk").await;
    assert!(
        queue
            .body
            .contains("class=\"waiting late\" data-buyer=\"web:0e0e\"")
    );
    assert!(
        queue
            .body
            .contains("class=\"waiting\" data-buyer=\"web:0d0d\"")
    );
    assert!(!queue.body.contains("<script>alert"), "{}", queue.body);
    assert!(queue.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        queue
            .header("content-security-policy")
            .is_some_and(|csp| csp.contains("script-src 'self'"))
    );
    let answer = amy
        .post("/desk/claim", &[("csrf", &csrf), ("buyer", buyer.as_str())])
        .await;
    assert_eq!(answer.status, 303);
    let note = "<img src=x onerror=alert(2)>";
    let answer = amy
        .post(
            "/desk/note",
            &[("csrf", &csrf), ("buyer", buyer.as_str()), ("text", note)],
        )
        .await;
    assert_eq!(answer.status, 303);
    let (mut bo, _) = Client::signed_in(addr, "bo").await;
    let page = bo.get("/desk/chat?buyer=web:0d0d").await;
    assert_eq!(page.status, 200);
    for raw in ["<script>alert", "<img src=x", "<b>Amy</b>"] {
        assert!(!page.body.contains(raw), "{raw} in {}", page.body);
    }
    assert!(
        page.body
            .contains("&lt;b&gt;Amy&lt;/b&gt; is serving this buyer")
    );
    assert!(page.body.contains("&lt;img src=x onerror=alert(2)&gt;"));
    // The card gives agents at the desk the whole number to call back; the
    // Telegram group's card masks it.
    assert!(page.body.contains("contact=13812348000"), "{}", page.body);
    let session = engine.session(&buyer).unwrap().unwrap();
    let card = engine.agent_card(&session, "web 0d0d", paynudge::Lang::En);
    assert!(!card.text.contains("13812348000"), "{}", card.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_telegram_buyer_is_served_from_the_desk() {
    let fake = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (engine, db) = common::web_engine(dir.path(), common::desk_config(&["amy"]));
    let engine = Arc::new(engine);
    let app = Telegram::new(engine.clone());
    let bot = paynudge::channels::telegram::bot(fake_bot_api::TOKEN, Some(&fake.url)).unwrap();
    let buyers: Arc<dyn paynudge::channels::desk::Outbox> =
        Arc::new(TelegramBuyers::new(app.clone(), bot));
    let ((addr, _stop, _server), _) =
        common::chat_and_desk(engine.clone(), &db, dir.path(), vec![buyers]).await;
    let running = fake_bot_api::start_throttled(&fake.url, app);

    let chat = 4242;
    fake.private_text(chat, "I want to talk to a real person");
    fake.wait_sent(chat, 1).await;
    let (mut amy, csrf) = Client::signed_in(addr, "amy").await;
    let queue = amy.get("/desk").await;
    assert!(queue.body.contains("Telegram"), "{}", queue.body);
    assert!(queue.body.contains("I want to talk to a real person"));
    let id = format!("tg:{chat}");
    let sent_before = fake.sent_count(chat);
    let claim = amy
        .post("/desk/claim", &[("csrf", &csrf), ("buyer", &id)])
        .await;
    assert_eq!(claim.status, 303, "{}", claim.body);
    let reply = amy
        .post(
            "/desk/reply",
            &[
                ("csrf", &csrf),
                ("buyer", &id),
                ("text", "Hi, Amy here. What happened?"),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let texts = fake.wait_texts(chat, sent_before + 2).await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains("amy from customer service")),
        "{texts:?}"
    );
    assert_eq!(
        texts.last().map(String::as_str),
        Some("Hi, Amy here. What happened?")
    );
    // The buyer's answer reaches the desk's transcript.
    fake.private_text(chat, "my card keeps failing");
    let mut seen = false;
    for _ in 0..100 {
        let page = amy.get(&format!("/desk/chat?buyer={id}&part=live")).await;
        if page.body.contains("my card keeps failing") {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(seen, "the buyer's words on the desk");
    // The transcript says which agent replied.
    let page = amy.get(&format!("/desk/chat?buyer={id}&part=live")).await;
    assert!(
        page.body.contains("amy: Hi, Amy here. What happened?"),
        "{}",
        page.body
    );
    // Closing thanks the buyer on Telegram and leaves them with the bot.
    let sent_before = fake.sent_count(chat);
    let close = amy
        .post("/desk/close", &[("csrf", &csrf), ("buyer", &id)])
        .await;
    assert_eq!(close.status, 303);
    let texts = fake.wait_texts(chat, sent_before + 1).await;
    assert!(
        texts.last().unwrap().contains("Thank you for chatting"),
        "{texts:?}"
    );
    let buyer = UserId::parse(&id).unwrap();
    assert_eq!(engine.session(&buyer).unwrap().unwrap().owner, Owner::Bot);
    let queue = amy.get("/desk").await;
    assert!(!queue.body.contains(&id), "{}", queue.body);
    running.stop().await;
}

/// A small order and a large one (a call task), created on a Monday at
/// 10:00 in Beijing; returns that time.
fn two_orders(engine: &Engine) -> chrono::DateTime<chrono::Utc> {
    let orders = engine.orders().unwrap();
    let t0 = chrono::DateTime::parse_from_rfc3339("2025-11-17T10:00:00+08:00")
        .unwrap()
        .to_utc();
    for (id, buyer, amount) in [("S-1", "web:5005", 99), ("L-1", "web:6006", 5000)] {
        let event = paynudge::orders::Event::parse(&serde_json::json!({"event": "created",
            "order_id": id, "buyer": buyer, "items": [{"name": "Wool scarf"}],
            "amount": amount, "at": t0.timestamp(), "buyer_phone": "13812348000",
            "buyer_name": "<i>Li</i>"}))
        .unwrap();
        orders.ingest(&event, t0).unwrap();
    }
    t0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_task_is_worked_at_the_desk_and_counts_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = common::desk_config(&["amy"]);
    config.reminders.holdout_percent = 0;
    let (engine, db) = common::web_engine(dir.path(), config);
    let engine = Arc::new(engine);
    let ((addr, _stop, _server), web) =
        common::chat_and_desk(engine.clone(), &db, dir.path(), Vec::new()).await;
    let t0 = two_orders(&engine);
    let (mut amy, csrf) = Client::signed_in(addr, "amy").await;
    assert!(
        amy.get("/desk/calls")
            .await
            .body
            .contains("No call tasks are open")
    );

    // The scheduler's time comes: the large order is a call task.
    let sent = web
        .send_due_reminders(t0 + chrono::Duration::minutes(31))
        .await
        .unwrap();
    assert_eq!(sent.len(), 2);
    let calls = amy.get("/desk/calls").await;
    assert_eq!(calls.status, 200);
    assert!(calls.body.contains("data-order=\"L-1\""), "{}", calls.body);
    assert!(!calls.body.contains("data-order=\"S-1\""));
    assert!(
        calls.body.contains("13812348000"),
        "the whole number to dial"
    );
    assert!(calls.body.contains("&lt;i&gt;Li&lt;/i&gt;"));
    for outcome in paynudge::reminders::CallOutcome::ALL {
        assert!(calls.body.contains(&format!("value=\"{}\"", outcome.key())));
    }

    // Without the token nothing is recorded; "no answer" keeps the task;
    // "will pay" closes it, and the report counts it.
    let forged = amy
        .post(
            "/desk/calls/outcome",
            &[("csrf", "x"), ("order", "L-1"), ("outcome", "will-pay")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let orders = engine.orders().unwrap();
    assert_eq!(orders.order("L-1").unwrap().unwrap().call_outcome, None);
    for (outcome, open) in [("no-answer", true), ("will-pay", false)] {
        let answer = amy
            .post(
                "/desk/calls/outcome",
                &[("csrf", &csrf), ("order", "L-1"), ("outcome", outcome)],
            )
            .await;
        assert_eq!(answer.status, 303, "{}", answer.body);
        let calls = amy.get("/desk/calls").await;
        assert_eq!(calls.body.contains("data-order=\"L-1\""), open, "{outcome}");
    }
    let unknown = amy
        .post(
            "/desk/calls/outcome",
            &[("csrf", &csrf), ("order", "NOPE"), ("outcome", "paid")],
        )
        .await;
    assert_eq!(unknown.status, 404);
    let report = amy.get("/desk/report?days=0").await;
    assert_eq!(report.status, 200);
    assert!(report.body.contains("will-pay"), "{}", report.body);
    assert!(report.body.contains("<svg"));

    // The plan, filtered and paged, from the running process.
    let plan = amy.get("/desk/plan").await;
    assert_eq!(plan.status, 200);
    assert!(plan.body.contains("S-1") && plan.body.contains("L-1"));
    // A year on, neither gets a reminder: one would close, one was called.
    let none = amy.get("/desk/plan?decision=none").await;
    assert!(none.body.contains("none: call_done") && none.body.contains("none: would_close"));
    let messages = amy.get("/desk/plan?decision=message").await;
    assert!(!messages.body.contains(">S-1<") && !messages.body.contains(">L-1<"));
    let by_buyer = amy.get("/desk/plan?buyer=5005").await;
    assert!(by_buyer.body.contains(">S-1<") && !by_buyer.body.contains(">L-1<"));
    assert!(
        by_buyer.body.contains("Showing 1 of 1 matching orders"),
        "{}",
        by_buyer.body
    );

    // The card names the buyer's order as the bot quotes it.
    waiting_buyer(&engine, "web:5005", "I want a real person").await;
    let page = amy.get("/desk/chat?buyer=web:5005").await;
    assert!(
        page.body.contains("S-1 · Wool scarf · 99.00 CNY · unpaid"),
        "{}",
        page.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_link_signs_an_agent_in_once() {
    let dir = tempfile::tempdir().unwrap();
    let (_engine, (addr, _stop, _server), _) = desk(dir.path(), &["amy"]).await;
    let now = chrono::Utc::now().timestamp();
    let sign = |name: &str, expires: i64| {
        paynudge::channels::agent_desk::sign_link(common::WEB_SECRET, name, expires).unwrap()
    };
    let token = sign("amy", now + 900);

    // Opening the link (a mail scanner would) signs no one in.
    let mut amy = Client::new(addr);
    let page = amy.get(&format!("/desk/link?t={token}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Sign in as amy"), "{}", page.body);
    assert!(!amy.cookies.contains_key("pn_desk"));
    let form = page.field("form");
    let answer = amy
        .post("/desk/link", &[("t", &token), ("form", &form)])
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert_eq!(answer.header("location"), Some("/desk"));
    assert_eq!(amy.get("/desk").await.status, 200);

    // Used once: not again, not by anyone.
    let mut other = Client::new(addr);
    let page = other.get(&format!("/desk/link?t={token}")).await;
    let form = page.field("form");
    let again = other
        .post("/desk/link", &[("t", &token), ("form", &form)])
        .await;
    assert_eq!(again.status, 403);
    assert!(again.body.contains("cannot be used"));
    assert!(!other.cookies.contains_key("pn_desk"));

    // Expired, forged, for someone not listed, or posted from elsewhere.
    let expired = sign("amy", now - 1);
    let unlisted = sign("mallory", now + 900);
    let forged = paynudge::channels::agent_desk::sign_link(
        b"not the server's secret at all",
        "amy",
        now + 900,
    )
    .unwrap();
    for bad in [&expired, &unlisted, &forged] {
        let page = other.get(&format!("/desk/link?t={bad}")).await;
        assert_eq!(page.status, 403);
        assert!(!page.body.contains("Sign in as"));
    }
    let fresh = sign("amy", now + 900);
    let mut cross_site = Client::new(addr);
    let answer = cross_site
        .post("/desk/link", &[("t", &fresh), ("form", "guess")])
        .await;
    assert_eq!(answer.status, 403);
    assert!(!cross_site.cookies.contains_key("pn_desk"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyers_who_waited_before_the_desk_started_are_in_its_queue() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, db) = common::web_engine(dir.path(), common::desk_config(&["amy"]));
    let engine = Arc::new(engine);
    // Handed over while no desk ran (a restart, say): found by the scan.
    waiting_buyer(&engine, "web:0f0f", "I need a real person please").await;
    let with_bot = UserId::parse("web:1010").unwrap();
    engine
        .handle(&with_bot, "my card was declined", chrono::Utc::now())
        .await
        .unwrap();
    let ((addr, _stop, _server), _) =
        common::chat_and_desk(engine.clone(), &db, dir.path(), Vec::new()).await;
    let (mut amy, _) = Client::signed_in(addr, "amy").await;
    let queue = amy.get("/desk?part=live").await;
    assert!(
        queue.body.contains("data-buyer=\"web:0f0f\""),
        "{}",
        queue.body
    );
    assert!(!queue.body.contains("web:1010"));
    assert!(queue.body.contains("data-waiting=\"1\""));
}
