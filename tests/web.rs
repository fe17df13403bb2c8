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
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /chat/events HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nLast-Event-ID: {after}\r\nAccept: text/event-stream\r\n\r\n"
    );
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
            .expect("lines within 10 s")
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
