//! `cargo bench --bench desk`: the agents' desk under a sale evening's
//! queue. 200 web buyers wait for a person (`BUYERS`), 20 agents are
//! signed in (`AGENTS`), each has claimed a share of them and keeps the
//! desk's event stream open, as the desk page does. Then each buyer and
//! their agent talk in turn for `SECONDS`, with `PAUSE_MS` between turns:
//!
//! - **buyer → desk**: from just before the buyer's POST to the moment the
//!   agent's page holds the words (the change event arrived on the agent's
//!   stream and the page's live part, fetched as `desk.js` does, shows them);
//! - **desk → buyer**: from just before the agent's reply POST to the
//!   moment the reply arrives on the buyer's event stream.
//!
//! Server and clients run in this one process over real TCP on 127.0.0.1,
//! sharing the machine's 2 cores; every request opens its own connection.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One request on its own connection; the status and the body.
async fn request(addr: SocketAddr, head: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let status = raw.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// Opens an event stream and hands each event's `data` to `each`, with the
/// time it arrived.
fn stream(addr: SocketAddr, head: String, each: impl Fn(String, Instant) + Send + 'static) {
    tokio::spawn(async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!("{head}\r\nHost: {addr}\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut pending = String::new();
        let mut buf = vec![0u8; 16384];
        loop {
            let n = match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let now = Instant::now();
            pending.push_str(&String::from_utf8_lossy(&buf[..n]));
            while let Some(end) = pending.find("\n\n") {
                let record: String = pending.drain(..end + 2).collect();
                for data in record.lines().filter_map(|l| l.strip_prefix("data: ")) {
                    each(data.to_string(), now);
                }
            }
        }
    });
}

fn field<'a>(page: &'a str, marker: &str) -> &'a str {
    page.split(marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{marker} in {page}"))
}

struct Agent {
    cookie: String,
    csrf: String,
    /// Change events on this agent's desk stream, by buyer.
    events: Arc<std::sync::Mutex<HashMap<String, mpsc::UnboundedSender<Instant>>>>,
}

async fn sign_in(addr: SocketAddr, name: &str) -> Agent {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("GET /desk/signin HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let form_cookie = field(&raw, "set-cookie: ")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = field(&raw, "name=\"form\" value=\"").to_string();
    let body = common::form(&[
        ("name", name),
        ("password", common::DESK_PASSWORD),
        ("form", &token),
    ]);
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /desk/signin HTTP/1.1\r\nHost: {addr}\r\nCookie: {form_cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let cookie = field(&raw, "set-cookie: ")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (_, page) = request(addr, &format!("GET /desk HTTP/1.1\r\nCookie: {cookie}"), "").await;
    let csrf = field(&page, "name=\"csrf\" value=\"").to_string();
    let events: Arc<std::sync::Mutex<HashMap<String, mpsc::UnboundedSender<Instant>>>> =
        Arc::default();
    let routes = events.clone();
    stream_events(addr, &cookie, routes);
    Agent {
        cookie,
        csrf,
        events,
    }
}

fn stream_events(
    addr: SocketAddr,
    cookie: &str,
    routes: Arc<std::sync::Mutex<HashMap<String, mpsc::UnboundedSender<Instant>>>>,
) {
    stream(
        addr,
        format!("GET /desk/events HTTP/1.1\r\nCookie: {cookie}"),
        move |buyer, at| {
            if let Some(tx) = routes.lock().unwrap().get(&buyer) {
                let _ = tx.send(at);
            }
        },
    );
}

struct Buyer {
    id: String,
    token: String,
    /// Agents' lines on this buyer's chat stream.
    agent_lines: mpsc::UnboundedReceiver<(String, Instant)>,
}

async fn arrive(addr: SocketAddr) -> Buyer {
    let (_, page) = request(addr, "GET /chat HTTP/1.1", "").await;
    let token = field(&page, "data-token=\"").to_string();
    let id = {
        use base64::Engine as _;
        let id = token.split('.').next().unwrap();
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(id)
            .unwrap();
        String::from_utf8(id).unwrap()
    };
    let (tx, agent_lines) = mpsc::unbounded_channel();
    stream(
        addr,
        format!("GET /chat/events?v={token} HTTP/1.1"),
        move |data, at| {
            let line: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
            if line["from"] == "agent" {
                let _ = tx.send((line["text"].as_str().unwrap_or("").to_string(), at));
            }
        },
    );
    say(addr, &token, "我要转人工").await;
    Buyer {
        id,
        token,
        agent_lines,
    }
}

async fn say(addr: SocketAddr, token: &str, text: &str) {
    let body = serde_json::json!({ "text": text, "lang": "zh" }).to_string();
    let head = format!(
        "POST /chat/send HTTP/1.1\r\nX-Paynudge: {token}\r\nContent-Type: application/json"
    );
    let (status, answer) = request(addr, &head, &body).await;
    assert_eq!(status, 200, "{answer}");
}

async fn post_form(addr: SocketAddr, agent: &Agent, path: &str, pairs: &[(&str, &str)]) -> u16 {
    let head = format!(
        "POST {path} HTTP/1.1\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded",
        agent.cookie
    );
    request(addr, &head, &common::form(pairs)).await.0
}

/// One buyer and their agent talking in turn until `until`; the latencies
/// of each leg.
async fn talk(
    addr: SocketAddr,
    agent: Arc<Agent>,
    mut buyer: Buyer,
    until: Instant,
    pause: Duration,
) -> (Vec<Duration>, Vec<Duration>) {
    let (tx, mut changes) = mpsc::unbounded_channel();
    agent.events.lock().unwrap().insert(buyer.id.clone(), tx);
    let page = format!(
        "GET /desk/chat?buyer={}&part=live HTTP/1.1\r\nCookie: {}",
        buyer.id, agent.cookie
    );
    let (mut to_desk, mut to_buyer) = (Vec::new(), Vec::new());
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let words = format!("第{n}次: 付款页面一直转圈");
        let sent = Instant::now();
        say(addr, &buyer.token, &words).await;
        // As desk.js: on a change for this buyer, fetch the live part.
        loop {
            changes.recv().await.expect("the desk's stream is open");
            let (_, live) = request(addr, &page, "").await;
            if live.contains(&words) {
                to_desk.push(sent.elapsed());
                break;
            }
        }
        let reply = format!("reply {n}: please try again on Wi-Fi");
        let sent = Instant::now();
        let status = post_form(
            addr,
            &agent,
            "/desk/reply",
            &[
                ("csrf", &agent.csrf),
                ("buyer", &buyer.id),
                ("text", &reply),
            ],
        )
        .await;
        assert_eq!(status, 303);
        loop {
            let (text, at) = buyer
                .agent_lines
                .recv()
                .await
                .expect("the chat's stream is open");
            if text == reply {
                to_buyer.push(at - sent);
                break;
            }
        }
        tokio::time::sleep(pause).await;
    }
    (to_desk, to_buyer)
}

fn percentiles(mut d: Vec<Duration>) -> String {
    d.sort();
    let pick = |p: f64| d[((d.len() - 1) as f64 * p).round() as usize];
    format!(
        "p50 {:>7.1?}  p99 {:>7.1?}  max {:>7.1?}  ({} messages)",
        pick(0.5),
        pick(0.99),
        d[d.len() - 1],
        d.len()
    )
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let buyers = env_or("BUYERS", 200) as usize;
    let agents = env_or("AGENTS", 20) as usize;
    let seconds = env_or("SECONDS", 10);
    let pause = Duration::from_millis(env_or("PAUSE_MS", 500));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..agents).map(|i| format!("agent{i:02}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut config = common::desk_config(&names);
        // Every simulated buyer comes from 127.0.0.1 and talks faster than
        // a person: the buyers' rate limits are not what is measured.
        config.web.rate_per_visitor = 1_000_000;
        config.web.rate_per_ip = 1_000_000;
        let (engine, db) = common::web_engine(dir.path(), config);
        let engine = Arc::new(engine);
        let ((addr, _stop, _server), _) =
            common::chat_and_desk(engine, &db, dir.path(), Vec::new()).await;

        let mut signed = Vec::new();
        for name in &names {
            signed.push(Arc::new(sign_in(addr, name).await));
        }
        let mut waiting = Vec::new();
        for _ in 0..buyers {
            waiting.push(arrive(addr).await);
        }
        // Each agent claims their share.
        for (i, buyer) in waiting.iter().enumerate() {
            let agent = &signed[i % agents];
            let status = post_form(
                addr,
                agent,
                "/desk/claim",
                &[("csrf", &agent.csrf), ("buyer", &buyer.id)],
            )
            .await;
            assert_eq!(status, 303);
        }
        let until = Instant::now() + Duration::from_secs(seconds);
        let began = Instant::now();
        let pairs: Vec<_> = waiting
            .into_iter()
            .enumerate()
            .map(|(i, buyer)| {
                let agent = signed[i % agents].clone();
                tokio::spawn(talk(addr, agent, buyer, until, pause))
            })
            .collect();
        let (mut to_desk, mut to_buyer) = (Vec::new(), Vec::new());
        for pair in pairs {
            let (a, b) = pair.await.unwrap();
            to_desk.extend(a);
            to_buyer.extend(b);
        }
        let wall = began.elapsed().as_secs_f64();
        println!(
            "desk: {buyers} buyers with {agents} agents (each agent's desk stream open), pause {pause:?} between turns, {:.0} buyer messages/s and as many replies",
            to_desk.len() as f64 / wall
        );
        println!("  buyer message -> agent's page: {}", percentiles(to_desk));
        println!("  agent reply -> buyer's chat:   {}", percentiles(to_buyer));
    });
}
