//! Order events in (HTTP endpoint, import), reminders out through the engine.

mod common;

use paynudge::channels::http::Limits;
use paynudge::config::RemindersConfig;
use paynudge::orders::Event;
use paynudge::reminders::Reminders;
use paynudge::store::{SessionStore, SledStore};
use paynudge::{Config, UserId};
use serde_json::json;
use std::sync::Arc;

const TOKEN: &str = "a-long-shop-backend-token";

/// The orders endpoint on a fresh database, served on a free port.
async fn serve(dir: &std::path::Path, limits: Limits) -> (std::net::SocketAddr, Arc<Reminders>) {
    let store = SledStore::open(dir).unwrap();
    let reminders = Arc::new(Reminders::open(store.db(), &RemindersConfig::default()).unwrap());
    let engine =
        common::engine_with(Arc::new(store), Config::default()).with_orders(reminders.clone());
    let router = paynudge::channels::orders_http::router(TOKEN.into(), Arc::new(engine));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(paynudge::channels::http::serve(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    (addr, reminders)
}

async fn post(addr: std::net::SocketAddr, token: Option<&str>, body: &str) -> (u16, String) {
    let headers: Vec<String> = token
        .map(|t| format!("Authorization: Bearer {t}"))
        .into_iter()
        .collect();
    common::http("POST", addr, "/events", &headers, body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_authenticates_validates_and_writes_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, reminders) = serve(dir.path(), Limits::default()).await;

    let good = json!({"event": "created", "order_id": "E-1", "buyer": "tg:1", "items": [{"name": "Mug"}], "amount": 35, "at": 1_763_860_000});
    assert_eq!(post(addr, None, &good.to_string()).await.0, 401);
    assert_eq!(
        post(addr, Some("a-long-shop-backend-tokeX"), &good.to_string())
            .await
            .0,
        401
    );

    let batch = json!([good, {"event": "created", "order_id": "E-2", "buyer": "tg:2", "items": [{"name": "Hat"}], "at": 1_763_860_000}]);
    let (status, body) = post(addr, Some(TOKEN), &batch.to_string()).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("amount") && body.contains("\"event\":1"),
        "{body}"
    );
    assert!(
        reminders.order("E-1").unwrap().is_none(),
        "nothing of a rejected request is written"
    );

    // Values that would choke the scheduler or Telegram are refused at the
    // door, naming the field: a retrying backend gets a 400, not a 503 loop.
    for (field, value) in [
        ("buyer", json!("tg:99999999999999")),
        ("buyer", json!("tg:-100123")),
        ("at", json!(8_210_266_876_799_i64)),
        ("at", json!(1_763_860_000_000_i64)),
        ("auto_close_at", json!("9999-12-31T23:59:59Z")),
        ("currency", json!("x".repeat(100_000))),
        ("items", json!([{"name": "y".repeat(100_000)}])),
        ("items", json!(vec![json!({"name": "Sock"}); 10_000])),
        ("items", json!([{"name": "Sock", "quantity": 0}])),
    ] {
        let mut bad = good.clone();
        bad[field] = value;
        let (status, body) = post(addr, Some(TOKEN), &bad.to_string()).await;
        assert_eq!(status, 400, "{field}: {body}");
        assert!(body.contains(&format!("\"field\":\"{field}\"")), "{body}");
    }
    assert!(reminders.order("E-1").unwrap().is_none());

    let (status, body) = post(addr, Some(TOKEN), &good.to_string()).await;
    assert_eq!(status, 200, "{body}");
    assert!(reminders.order("E-1").unwrap().is_some());
    assert_eq!(post(addr, Some(TOKEN), "{not json").await.0, 400);

    // The report, live, for the shop only.
    let auth = [format!("Authorization: Bearer {TOKEN}")];
    let get = |path: &'static str, headers: Vec<String>| async move {
        common::http("GET", addr, path, &headers, "").await
    };
    assert_eq!(get("/report", Vec::new()).await.0, 401);
    let (status, body) = get("/report", auth.to_vec()).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"orders\":1"), "{body}");
    let (status, body) = get("/report?since=2099-01-01", auth.to_vec()).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"orders\":0"), "{body}");
    let (status, body) = get("/report?since=yesterday", auth.to_vec()).await;
    assert_eq!(status, 400);
    assert!(body.contains("since"), "{body}");
}

#[test]
fn a_reminder_quotes_the_buyers_order_and_leads_into_the_dialogs() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let reminders = Arc::new(Reminders::open(store.db(), &RemindersConfig::default()).unwrap());
    let store: Arc<dyn SessionStore> = Arc::new(store);
    let engine = common::engine_with(store, Config::default()).with_orders(reminders.clone());
    let buyer = UserId::parse("tg:42").unwrap();
    common::say(&engine, &buyer, "你好");
    let event = Event::parse(&json!({"event": "created", "order_id": "R-9", "buyer": "tg:42",
        "items": [{"name": "羊毛围巾"}], "amount": "129.00", "at": 1_763_860_000, "auto_close_at": 1_764_000_000}))
    .unwrap();
    let order = reminders.ingest(&event, common::noon()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let reply = rt
        .block_on(engine.remind(&order, "fast_delivery", 0, common::noon()))
        .unwrap();
    let text = reply.replies.join("\n");
    assert!(
        text.contains("羊毛围巾") && text.contains("129.00"),
        "{text}"
    );
    assert_eq!(reply.options.len(), 7, "{:?}", reply.options);
    assert_eq!(reply.state, "clarify");
    // A tap on "not enough balance" leads into that dialog.
    let tapped = rt
        .block_on(engine.handle_tap(
            &buyer,
            reply.question.unwrap(),
            "insufficient_balance",
            common::noon(),
        ))
        .unwrap();
    assert_eq!(tapped.state, "insufficient_balance/method");
    // Nothing for a buyer who said /stop.
    common::say(&engine, &buyer, "/stop");
    let quiet = rt
        .block_on(engine.remind(&order, "returns", 1, common::noon()))
        .unwrap();
    assert!(quiet.replies.is_empty());
    // Another buyer's chat never shows this order, even when bound to its id.
    let other = UserId::parse("tg:43").unwrap();
    let r = common::say(&engine, &other, "hello");
    assert!(!r.replies.join("").contains("羊毛围巾"));
}

/// Orders may come without an auto-close time, stock or promotion end: no
/// text ever shows a placeholder for what is missing.
#[test]
fn texts_about_an_order_without_a_closing_time_read_naturally() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let reminders = Arc::new(Reminders::open(store.db(), &RemindersConfig::default()).unwrap());
    let store: Arc<dyn SessionStore> = Arc::new(store);
    let engine = common::engine_with(store, Config::default()).with_orders(reminders.clone());
    let event = Event::parse(
        &json!({"event": "created", "order_id": "N-1", "buyer": "tg:44",
        "items": [{"name": "Tea"}], "amount": 30, "at": 1_763_860_000}),
    )
    .unwrap();
    let order = reminders.ingest(&event, common::noon()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let buyer = UserId::parse("tg:44").unwrap();
    for (lang, greeting) in [(paynudge::Lang::En, "hello"), (paynudge::Lang::Zh, "你好")] {
        common::say(&engine, &buyer, greeting);
        let mut texts = vec![
            engine.call_task(&order, paynudge::engine::Phone::Whole),
            engine.order_text(lang, &order, "call-record"),
        ];
        for strategy in [
            "fast_delivery",
            "limited_stock",
            "returns",
            "promotion_ending",
        ] {
            for variant in [0, 1] {
                let reply = rt
                    .block_on(engine.remind(&order, strategy, variant, common::noon()))
                    .unwrap();
                texts.push(reply.replies.join("\n"));
            }
        }
        for text in texts {
            assert!(text.contains("Tea") || text.contains("N-1"), "{text}");
            assert!(!text.contains("none"), "{lang:?}: {text}");
            assert!(!text.contains("  ") && !text.contains(" ."), "{text}");
        }
    }
}

/// Whether the server closed `stream` (read returns end of file or an
/// error) within `within`, after sending nothing or what it had to say.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: std::time::Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut sink = Vec::new();
    tokio::time::timeout(within, stream.read_to_end(&mut sink))
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_are_closed_and_never_lock_out_the_shop() {
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpStream;
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        header: Duration::from_millis(300),
        request: Duration::from_millis(600),
        connections: 8,
    };
    let (addr, _) = serve(dir.path(), limits).await;

    // Three times the cap in idle connections, one that sends half a head,
    // one whose body never comes.
    let mut idle = Vec::new();
    for _ in 0..24 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    let mut slow_head = TcpStream::connect(addr).await.unwrap();
    slow_head
        .write_all(b"POST /events HTTP/1.1\r\nHost")
        .await
        .unwrap();
    // A valid request still gets through: slots free as the idle ones time out.
    let good = json!({"event": "created", "order_id": "T-1", "buyer": "tg:1", "items": [{"name": "Mug"}], "amount": 35, "at": 1_763_860_000});
    let (status, body) = post(addr, Some(TOKEN), &good.to_string()).await;
    assert_eq!(status, 200, "{body}");
    for stream in idle.iter_mut().take(8) {
        assert!(closed_within(stream, Duration::from_secs(5)).await);
    }
    assert!(closed_within(&mut slow_head, Duration::from_secs(5)).await);

    let mut slow_body = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 100\r\n\r\n{{\"event\""
    );
    slow_body.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        use tokio::io::AsyncReadExt;
        slow_body.read_to_end(&mut answer).await
    })
    .await;
    assert!(read.is_ok(), "a body that never comes is cut off");
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // A keep-alive connection that goes quiet after its request is closed too.
    let mut kept = TcpStream::connect(addr).await.unwrap();
    let request =
        format!("GET /report HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n");
    kept.write_all(request.as_bytes()).await.unwrap();
    assert!(closed_within(&mut kept, Duration::from_secs(5)).await);
}

#[test]
fn a_deep_link_never_takes_an_order_from_the_chat_the_shop_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let reminders = Arc::new(Reminders::open(store.db(), &RemindersConfig::default()).unwrap());
    let store: Arc<dyn SessionStore> = Arc::new(store);
    let signer = paynudge::links::LinkSigner::new(b"a deep-link secret, long enough").unwrap();
    let engine = common::engine_with(store.clone(), Config::default())
        .with_orders(reminders.clone())
        .with_links(paynudge::links::LinkSigner::new(b"a deep-link secret, long enough").unwrap());
    for (id, buyer) in [("OA1", "tg:3001"), ("OB1", "shop-account-777")] {
        let event = Event::parse(&json!({"event": "created", "order_id": id, "buyer": buyer,
            "items": [{"name": "Wool scarf"}], "amount": 99, "at": 1_763_860_000}))
        .unwrap();
        reminders.ingest(&event, common::noon()).unwrap();
    }
    let link = |order: &str| {
        let payload = signer.sign(order, 4_000_000_000).unwrap();
        format!("/start {payload}")
    };
    let (named, stranger, other) = (
        UserId::parse("tg:3001").unwrap(),
        UserId::parse("tg:3199").unwrap(),
        UserId::parse("tg:3200").unwrap(),
    );
    let owner = |id: &str| {
        let order = reminders.order(id).unwrap().unwrap();
        engine.order_owner(&order).unwrap()
    };
    // A genuine link opened first by another chat: refused, nothing shown.
    let reply = common::say(&engine, &stranger, &link("OA1"))
        .replies
        .join("\n");
    assert!(reply.contains("another chat"), "{reply}");
    assert!(!reply.contains("Wool scarf"), "{reply}");
    assert_eq!(owner("OA1"), named);
    // The named chat opens it: theirs, and it says so.
    let reply = common::say(&engine, &named, &link("OA1"))
        .replies
        .join("\n");
    assert!(
        reply.contains("OA1") && reply.contains("Wool scarf"),
        "{reply}"
    );
    // A claim left by an earlier version changes nothing either.
    store.claim("order", "OA1", "tg:3199").unwrap();
    assert_eq!(owner("OA1"), named);
    // An order the shop could not name a chat for: the first chat to open
    // its link gets it, and only that chat.
    let reply = common::say(&engine, &stranger, &link("OB1"))
        .replies
        .join("\n");
    assert!(reply.contains("Wool scarf"), "{reply}");
    let reply = common::say(&engine, &other, &link("OB1"))
        .replies
        .join("\n");
    assert!(reply.contains("another chat"), "{reply}");
    assert_eq!(owner("OB1"), stranger);
}

/// A buyer who never chatted is reminded in the order's `buyer_lang`, and an
/// order without `auto_close_at` closes when the shop's hold runs out.
#[test]
fn a_reminder_to_a_new_buyer_speaks_the_orders_language() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let config = RemindersConfig {
        order_hold_hours: 24,
        ..RemindersConfig::default()
    };
    let reminders = Arc::new(Reminders::open(store.db(), &config).unwrap());
    let store: Arc<dyn SessionStore> = Arc::new(store);
    let engine = common::engine_with(store, Config::default()).with_orders(reminders.clone());
    let event = Event::parse(
        &json!({"event": "created", "order_id": "L-1", "buyer": "tg:45", "buyer_lang": "zh",
        "items": [{"name": "羊毛围巾"}], "amount": 199, "at": 1_763_860_000}),
    )
    .unwrap();
    let order = reminders.ingest(&event, common::noon()).unwrap();
    assert_eq!(order.auto_close_at, Some(1_763_860_000 + 24 * 3600));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let reply = rt
        .block_on(engine.remind(&order, "fast_delivery", 0, common::noon()))
        .unwrap();
    let text = reply.replies.join("\n");
    assert!(
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !text.contains("order"),
        "{text}"
    );
}
