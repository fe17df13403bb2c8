//! The web chat's protocol over real connections, without a browser: the
//! visitor cookie, sending, the event stream and its resync by sequence
//! number, limits, and a restart that loses nothing.

mod common;

use common::web_chat as serve;
use paynudge::store::SledStore;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A new visitor: the cookie `GET /chat` sets.
async fn visit(addr: SocketAddr, lang: &str) -> (String, String) {
    let headers = [format!("Accept-Language: {lang}")];
    let (status, response) = common::http("GET", addr, "/chat", &headers, "").await;
    assert_eq!(status, 200, "{response}");
    let cookie = response
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a visitor cookie")
        .to_string();
    (cookie, response)
}

async fn send(addr: SocketAddr, cookie: &str, body: &str) -> (u16, String) {
    let headers = [format!("Cookie: {cookie}"), "X-Paynudge: 1".to_string()];
    common::http("POST", addr, "/chat/send", &headers, body).await
}

/// The event stream after `after`, read until it holds `want` lines.
async fn events(addr: SocketAddr, cookie: &str, after: u64, want: usize) -> Vec<serde_json::Value> {
    let head = format!(
        "GET /chat/events HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nLast-Event-ID: {after}\r\n"
    );
    read_events(addr, &head, want).await
}

/// Sends a request `head` for an event stream and reads until `want` lines.
async fn read_events(addr: SocketAddr, head: &str, want: usize) -> Vec<serde_json::Value> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("{head}Accept: text/event-stream\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    let mut buf = [0u8; 8192];
    let lines = |raw: &str| -> Vec<serde_json::Value> {
        raw.lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .filter_map(|d| serde_json::from_str(d).ok())
            .collect()
    };
    while lines(&raw).len() < want {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("{want} lines within 10 s: {raw}"))
            .unwrap();
        assert!(n > 0, "the stream ended early: {raw}");
        raw.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    lines(&raw)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_chats_resyncs_by_number_and_keeps_the_history_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, stop, server) = serve(dir.path()).await;
    assert_eq!(common::http("GET", addr, "/healthz", &[], "").await.0, 200);
    assert_eq!(common::http("GET", addr, "/readyz", &[], "").await.0, 200);

    let (cookie, page) = visit(addr, "zh-CN,zh;q=0.9").await;
    assert!(page.contains("<html lang=\"zh\">"), "{page}");
    assert!(page.contains("content-security-policy"), "{page}");
    assert!(page.contains("HttpOnly"));

    // A question, answered with buttons; a tap on one answers it.
    let (status, body) = send(addr, &cookie, r#"{"text":"付不了款"}"#).await;
    assert_eq!(status, 200, "{body}");
    let seen = events(addr, &cookie, 0, 2).await;
    assert_eq!(seen[0]["from"], "buyer");
    assert_eq!(seen[0]["text"], "付不了款");
    let asked = seen.last().unwrap();
    let options = asked["options"].as_array().expect("buttons");
    let (question, value) = (asked["question"].as_u64().unwrap(), options[0][0].clone());
    let tap = serde_json::json!({ "tap": [question, value] }).to_string();
    assert_eq!(send(addr, &cookie, &tap).await.0, 200);
    let all = events(addr, &cookie, 0, seen.len() + 2).await;
    let tapped = &all[seen.len()];
    assert_eq!(tapped["from"], "buyer");
    assert_eq!(tapped["text"], options[0][1], "the tap shows as its label");
    // The value tapped (`slow_network`) does not turn the talk to English.
    let answer = all[seen.len() + 1]["text"].as_str().unwrap();
    assert!(
        answer
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{answer}"
    );
    let numbers: Vec<u64> = all.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());

    // After a dropped connection, only what was missed comes again.
    let last = numbers[numbers.len() - 2];
    let missed = events(addr, &cookie, last, 1).await;
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0]["seq"].as_u64(), Some(last + 1));

    // Markup is text: stored and sent as the buyer wrote it.
    let markup = r#"{"text":"<img src=x onerror=alert(1)>"}"#;
    assert_eq!(send(addr, &cookie, markup).await.0, 200);
    let after = events(addr, &cookie, *numbers.last().unwrap(), 1).await;
    assert_eq!(after[0]["text"], "<img src=x onerror=alert(1)>");

    // A restart loses nothing the buyer saw.
    let before = events(addr, &cookie, 0, numbers.len() + 2).await;
    drop(stop);
    server.await.unwrap();
    // The database is free once the last connection's task has let go.
    for _ in 0..100 {
        if SledStore::open(dir.path()).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (addr, _stop, _server) = serve(dir.path()).await;
    let again = events(addr, &cookie, 0, before.len()).await;
    assert_eq!(again, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_cross_site_oversized_and_too_fast_messages_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _stop, _server) = serve(dir.path()).await;
    let (cookie, _) = visit(addr, "en-US,en;q=0.8").await;

    // No cookie, a forged one, or no header from the page: refused.
    let hi = r#"{"text":"hi"}"#;
    let plain = ["X-Paynudge: 1".to_string()];
    assert_eq!(
        common::http("POST", addr, "/chat/send", &plain, hi).await.0,
        401
    );
    let (id, mac) = cookie.rsplit_once('.').unwrap();
    let forged = format!(
        "{}{}.{mac}",
        &id[..id.len() - 1],
        if id.ends_with('a') { "b" } else { "a" }
    );
    assert_eq!(send(addr, &forged, hi).await.0, 401);
    let no_header = [format!("Cookie: {cookie}")];
    assert_eq!(
        common::http("POST", addr, "/chat/send", &no_header, hi)
            .await
            .0,
        403
    );
    // Empty, oversized, not JSON: a clear error, nothing stored.
    let (status, body) = send(addr, &cookie, r#"{"text":"   "}"#).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("empty"), "{body}");
    let long = serde_json::json!({ "text": "x".repeat(2001) }).to_string();
    let (status, body) = send(addr, &cookie, &long).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("2,000"), "{body}");
    assert!(send(addr, &cookie, "not json").await.0 >= 400);
    let huge = format!(r#"{{"text":"{}"}}"#, "x".repeat(40_000));
    assert_eq!(send(addr, &cookie, &huge).await.0, 413);

    // The 21st message in a minute is asked to wait, kindly.
    for n in 0..18 {
        let (status, body) = send(addr, &cookie, &format!(r#"{{"text":"hello {n}"}}"#)).await;
        assert_eq!(status, 200, "{n}: {body}");
    }
    let (status, body) = send(addr, &cookie, hi).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("wait a minute"), "{body}");
}

/// A page's `data-<name>` attribute (values here need no unescaping).
fn data(page: &str, name: &str) -> String {
    let start = page
        .find(&format!("data-{name}=\""))
        .unwrap_or_else(|| panic!("data-{name} in {page}"))
        + name.len()
        + 7;
    page[start..][..page[start..].find('"').unwrap()].to_string()
}

/// The token a page at `path` was given, as a widget on another site sees
/// it: no cookie sent, none kept.
async fn token_of(addr: SocketAddr, path: &str) -> (String, String) {
    let (status, page) = common::http("GET", addr, path, &[], "").await;
    assert_eq!(status, 200, "{page}");
    (data(&page, "token"), page)
}

/// Sends `body` with only the page's token, as the widget does.
async fn send_as(addr: SocketAddr, token: &str, body: &str) -> (u16, String) {
    let headers = [format!("X-Paynudge: {token}")];
    common::http("POST", addr, "/chat/send", &headers, body).await
}

/// The event stream for a token (`?v=`), read until it holds `want` lines.
async fn events_as(addr: SocketAddr, token: &str, want: usize) -> Vec<serde_json::Value> {
    let head = format!("GET /chat/events?v={token} HTTP/1.1\r\nHost: {addr}\r\n");
    read_events(addr, &head, want).await
}

fn texts(lines: &[serde_json::Value]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "{}: {}",
                l["from"].as_str().unwrap(),
                l["text"].as_str().unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ingest(engine: &paynudge::Engine, id: &str, buyer: &str) {
    let event = paynudge::orders::Event::parse(&serde_json::json!({
        "event": "created", "order_id": id, "buyer": buyer,
        "items": [{"name": "Wool scarf"}], "amount": 99, "at": common::noon().timestamp()
    }))
    .unwrap();
    engine
        .orders()
        .unwrap()
        .ingest(&event, common::noon())
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_widget_on_another_site_chats_with_its_token_alone_in_two_tabs() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _stop, _server) = serve(dir.path()).await;
    let (token, page) = token_of(addr, "/chat?embed=1&lang=zh").await;
    assert!(page.contains(r#"class="embed""#), "{page}");
    assert_eq!(data(&page, "lang"), "zh");
    // Two tabs listen; one sends; both see the buyer's line and the answer.
    let tabs = [
        tokio::spawn(events_as_owned(addr, token.clone(), 2)),
        tokio::spawn(events_as_owned(addr, token.clone(), 2)),
    ];
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = send_as(addr, &token, r#"{"text":"👋","lang":"zh"}"#).await;
    assert_eq!(status, 200, "{body}");
    for tab in tabs {
        let lines = tab.await.unwrap();
        assert_eq!(lines[0]["from"], "buyer");
        assert_eq!(lines[1]["from"], "bot");
        // Words that do not tell a language: the widget's `data-lang` decides.
        assert!(
            lines[1]["text"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c > '\u{2e80}'),
            "{lines:?}"
        );
    }
    // A made-up token is told so on the stream, which a page can read.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let forged = format!("d2ViOmZmZmY.{}", token.split_once('.').unwrap().1);
    let request = format!(
        "GET /chat/events?v={forged} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    assert!(raw.contains("event: token-invalid"), "{raw}");
    assert_eq!(send_as(addr, &forged, r#"{"text":"hi"}"#).await.0, 401);
}

async fn events_as_owned(addr: SocketAddr, token: String, want: usize) -> Vec<serde_json::Value> {
    events_as(addr, &token, want).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_link_binds_its_order_once_and_a_forged_one_binds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, db) = common::web_engine(dir.path(), paynudge::Config::default());
    let engine = std::sync::Arc::new(engine);
    let ((addr, _stop, _server), web) = common::web_chat_for(
        engine.clone(),
        &db,
        dir.path(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await;
    ingest(&engine, "W-100", "shop-account-5");
    let signer = paynudge::links::LinkSigner::new(common::LINK_SECRET).unwrap();
    let payload = signer.sign("W-100", 4_000_000_000).unwrap();

    let (token, page) = token_of(addr, &format!("/chat?order={payload}&lang=en")).await;
    assert_eq!(data(&page, "order"), payload);
    let start = serde_json::json!({ "start": payload, "lang": "en" }).to_string();
    assert_eq!(send_as(addr, &token, &start).await.0, 200);
    let lines = events_as(addr, &token, 1).await;
    let said = texts(&lines);
    assert!(
        said.contains("W-100") && said.contains("Wool scarf"),
        "{said}"
    );
    assert!(!said.contains("buyer:"), "no line of the buyer's: {said}");

    // Another visitor with the same link: the order is not theirs to see.
    let (other, _) = token_of(addr, "/chat?lang=en").await;
    assert_eq!(send_as(addr, &other, &start).await.0, 200);
    let said = texts(&events_as(addr, &other, 1).await);
    assert!(
        said.contains("another chat") && !said.contains("Wool scarf"),
        "{said}"
    );

    // Altered or expired: nothing bound, and the buyer is told.
    let altered = payload.replacen("W-100", "W-101", 1);
    let expired = signer.sign("W-100", 1_000).unwrap();
    for bad in [altered, expired] {
        let (stranger, _) = token_of(addr, "/chat?lang=en").await;
        let body = serde_json::json!({ "start": bad, "lang": "en" }).to_string();
        assert_eq!(send_as(addr, &stranger, &body).await.0, 200);
        let said = texts(&events_as(addr, &stranger, 1).await);
        assert!(
            said.contains("isn't valid") && !said.contains("Wool scarf"),
            "{said}"
        );
    }

    // The bound buyer is reminded in their web chat.
    let mut sent = Vec::new();
    for hour in 1..72 {
        sent = web
            .send_due_reminders(common::noon() + chrono::Duration::hours(hour))
            .await
            .unwrap();
        if !sent.is_empty() {
            break;
        }
    }
    assert_eq!(sent.len(), 1, "a reminder within three days");
    let lines = events_as(addr, &token, 2).await;
    assert_eq!(lines[1]["from"], "bot");
    let reminder = lines[1]["text"].as_str().unwrap();
    assert!(
        reminder.contains("Wool scarf") && reminder.contains("isn't paid"),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_the_shop_signed_is_one_chat_on_every_device_and_a_bad_signature_names_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _stop, _server) = serve(dir.path()).await;
    let hash = paynudge::links::LinkSigner::new(common::LINK_SECRET)
        .unwrap()
        .buyer_hash("alice-42");
    let path = format!("/chat?buyer=alice-42&buyer_hash={hash}&lang=en");
    let (phone, page) = token_of(addr, &path).await;
    assert_eq!(data(&page, "anonymous"), "false");
    assert_eq!(data(&page, "notice"), "");
    assert_eq!(send_as(addr, &phone, r#"{"text":"hello"}"#).await.0, 200);
    // The laptop gets the same chat, with its history.
    let (laptop, _) = token_of(addr, &path).await;
    let lines = events_as(addr, &laptop, 2).await;
    assert_eq!(lines[0]["text"], "hello");

    // A wrong hash, or one for someone else: an anonymous chat, and a notice.
    for bad in [
        format!("/chat?buyer=alice-42&buyer_hash={}", "0".repeat(64)),
        format!("/chat?buyer=bob&buyer_hash={hash}"),
        format!("/chat?buyer=web:abc&buyer_hash={hash}"),
    ] {
        let (token, page) = token_of(addr, &bad).await;
        assert_eq!(data(&page, "anonymous"), "true", "{bad}");
        assert!(data(&page, "notice").contains("could not confirm"), "{bad}");
        // A chat of its own: its first line is its own, not alice's.
        assert_eq!(send_as(addr, &token, r#"{"text":"hi"}"#).await.0, 200);
        let lines = events_as(addr, &token, 1).await;
        assert_eq!(
            (lines[0]["seq"].as_u64(), lines[0]["text"].as_str()),
            (Some(1), Some("hi")),
            "{bad}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screenshot_is_kept_beside_the_database_and_nothing_else_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _stop, _server) = serve(dir.path()).await;
    let (token, _) = token_of(addr, "/chat?lang=en").await;
    let upload = |body: Vec<u8>, kind: &'static str| {
        let token = token.clone();
        async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let head = format!(
                "POST /chat/upload HTTP/1.1\r\nHost: {addr}\r\nX-Paynudge: {token}\r\nX-Paynudge-Lang: en\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            let _ = stream.write_all(&body).await;
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response).await;
            response
        }
    };
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 100]].concat();
    let response = upload(png.clone(), "image/png").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let files: Vec<_> = std::fs::read_dir(dir.path().join("attachments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(std::fs::read(&files[0]).unwrap(), png);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by the bot's user only: {mode:o}");
    }
    let said = texts(&events_as(addr, &token, 2).await);
    assert!(said.contains("buyer: (Screenshot sent)"), "{said}");
    assert!(said.contains("describe in words"), "{said}");

    // Not a picture, whatever it claims; too large: refused with a reason.
    let svg = upload(b"<svg onload=alert(1)>".to_vec(), "image/png").await;
    assert!(
        svg.starts_with("HTTP/1.1 415") && svg.contains("PNG, JPEG"),
        "{svg}"
    );
    let huge = upload(vec![0xff; 6 * 1024 * 1024], "image/jpeg").await;
    assert!(
        huge.starts_with("HTTP/1.1 413"),
        "{}",
        &huge[..huge.len().min(200)]
    );
    // Nothing serves the file back.
    let name = files[0].file_name().unwrap().to_string_lossy().to_string();
    for path in [
        format!("/{name}"),
        format!("/chat/{name}"),
        "/chat/upload".into(),
    ] {
        let (status, _) = common::http("GET", addr, &path, &[], "").await;
        assert!(status == 404 || status == 405, "{path}: {status}");
    }
    assert_eq!(
        std::fs::read_dir(files[0].parent().unwrap())
            .unwrap()
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_is_limited_across_made_up_visitors() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = paynudge::Config::default();
    config.web.rate_per_ip = 3;
    let (engine, db) = common::web_engine(dir.path(), config);
    let ((addr, _stop, _server), _web) = common::web_chat_for(
        std::sync::Arc::new(engine),
        &db,
        dir.path(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await;
    for n in 0..3 {
        let (token, _) = token_of(addr, "/chat").await;
        assert_eq!(
            send_as(addr, &token, r#"{"text":"hi"}"#).await.0,
            200,
            "{n}"
        );
    }
    let (token, _) = token_of(addr, "/chat?lang=en").await;
    let (status, body) = send_as(addr, &token, r#"{"text":"hi","lang":"en"}"#).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("wait a minute"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_shops_sites_may_frame_the_chat_when_it_names_them() {
    let frame_ancestors = |page: &str| {
        page.lines()
            .find(|l| l.starts_with("content-security-policy: "))
            .and_then(|l| l.split("frame-ancestors ").nth(1))
            .unwrap_or_default()
            .to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    let (addr, _stop, _server) = serve(dir.path()).await;
    let (_, page) = common::http("GET", addr, "/chat", &[], "").await;
    assert_eq!(frame_ancestors(&page), "*");

    let named = tempfile::tempdir().unwrap();
    let toml = "[web]\nembed_origins = [\"https://shop.example\", \"http://127.0.0.1:8000\"]\n";
    let config = paynudge::Config::parse(toml, std::path::Path::new("shop.toml")).unwrap();
    let (engine, db) = common::web_engine(named.path(), config);
    let ((addr, _stop, _server), _web) = common::web_chat_for(
        std::sync::Arc::new(engine),
        &db,
        named.path(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await;
    let (_, page) = common::http("GET", addr, "/chat", &[], "").await;
    assert_eq!(
        frame_ancestors(&page),
        "'self' https://shop.example http://127.0.0.1:8000"
    );
    for bad in [
        "shop.example",
        "https://shop.example/orders",
        "https://a b",
        "https://x; script-src *",
    ] {
        let toml = format!("[web]\nembed_origins = [{bad:?}]\n");
        let err = paynudge::Config::parse(&toml, std::path::Path::new("shop.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an origin"), "{bad}: {err}");
    }
}
