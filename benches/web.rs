//! `cargo bench --bench web`: load on the web chat of `paynudge serve`, over
//! real TCP connections to the real (release) binary.
//!
//! For each number N of buyers: a fresh server (its own config, database
//! and port); N buyers each open the chat (`GET /chat`, for the visitor
//! cookie), open an event stream (`GET /chat/events`) they keep, and say one
//! line (`POST /chat/send`), so each has a session and a log. Then:
//!
//! 1. **Throughput and latency.** `min(N, ACTIVE)` of the buyers open a
//!    keep-alive connection for their POSTs and talk in a closed loop for
//!    `SECONDS` (send, wait for the POST's answer and for the bot's reply on
//!    the stream, send again) while the others only hold their stream open. Reports messages/s, the reply latency (from just before
//!    the POST is written to the first bot line after the buyer's on that
//!    buyer's stream), the POST's round trip, errors (429s, other refusals,
//!    timeouts: 0 in a valid run) and the CPU each side used. Target at
//!    1,000 connections: ≥ 5,000 msgs/s with p99 ≤ 20 ms.
//! 2. **Memory.** The server's resident memory (VmRSS) before the first
//!    connection and with the N streams open and idle (after each buyer's one
//!    line). Target: 10,000 idle connections in ≤ 200 MB.
//!
//! Env: `CONNECTIONS=100,1000,10000` (the values of N), `SECONDS=10`,
//! `ACTIVE=1000`, `RATE=0` (messages a second offered in all, on a
//! schedule; 0: each buyer sends again as soon as it has its answer, which
//! measures capacity, while latency at a given load needs a `RATE`). Buyers open 100 at a time (the server's listen backlog is
//! 128); a step the server does not answer within 10 s ends the opening,
//! and the notes under the tables say how many were opened and why.
//!
//! The load generator (hyper's bare HTTP/1 client) shares the machine's 2
//! cores with the server: the CPU columns show how they split them, and
//! what anything else on the machine took meanwhile (a build skews a run).

use hyper::body::{Body, Bytes, Incoming};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, COOKIE, HOST, SET_COOKIE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

const BUYER_LINES: [&str; 20] = [
    "hello",
    "I can't pay, my card was declined",
    "支付宝付不了怎么办",
    "can a friend pay for me",
    "找人代付怎么操作",
    "the payment page won't load",
    "余额不足",
    "how long until the order closes",
    "我已经付款了但是显示未付款",
    "can I pay with WeChat Pay",
    "微信支付一直转圈",
    "the verification code never arrives",
    "验证码收不到",
    "is there a discount if I pay now",
    "订单什么时候关闭",
    "I paid twice, can I get a refund",
    "银行卡被拒绝了",
    "can I change the delivery address before paying",
    "能不能货到付款",
    "thanks, it worked",
];

const CONFIG: &str = "[web]\nrate_per_visitor = 1000000\nrate_per_ip = 1000000\n";
/// Buyers opened at once, so the server's listen backlog (128, tokio's
/// default) is not overrun.
const BATCH: usize = 100;
/// The longest any one step waits for the server.
const TIMEOUT: Duration = Duration::from_secs(10);
/// A buyer whose message failed waits this long before the next, so a
/// refusing server is not hammered in a tight loop.
const AFTER_ERROR: Duration = Duration::from_millis(100);

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
        })
        .unwrap_or(default)
}

fn connection_counts() -> Vec<usize> {
    let list = std::env::var("CONNECTIONS").unwrap_or_else(|_| "100,1000,10000".into());
    list.split(',')
        .map(|n| {
            n.trim()
                .replace('_', "")
                .parse()
                .unwrap_or_else(|_| panic!("CONNECTIONS={list:?}: {n:?} is not a number"))
        })
        .collect()
}

/// The soft descriptor limit raised to the hard one (20,000 here): 10,000
/// buyers hold more than 10,000 sockets. The server inherits it.
fn raise_descriptor_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct we own.
    unsafe {
        assert_eq!(
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit),
            0,
            "getrlimit(RLIMIT_NOFILE) failed"
        );
        limit.rlim_cur = limit.rlim_max;
        assert_eq!(
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit),
            0,
            "setrlimit(RLIMIT_NOFILE) to the hard limit failed"
        );
    }
    limit.rlim_cur
}

/// Clock ticks (`/proc`'s unit) as time.
fn ticks(n: u64) -> Duration {
    // SAFETY: sysconf has no side effects.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Duration::from_secs_f64(n as f64 / per_second)
}

/// The sum of the numbers in `text` from field `skip` on, `take` of them.
fn sum_fields(text: &str, skip: usize, take: usize) -> u64 {
    text.split_whitespace()
        .skip(skip)
        .take(take)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum()
}

/// CPU time (user and system) used so far by the server, by this bench and
/// by the whole machine (the rest is someone else's: a build, say).
#[derive(Clone, Copy)]
struct Cpu {
    server: Duration,
    bench: Duration,
    machine: Duration,
}

impl Cpu {
    fn now(server_pid: &str) -> Cpu {
        // In /proc/<pid>/stat, after the command name: utime and stime are
        // the 12th and 13th fields.
        let process = |pid: &str| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            ticks(sum_fields(after_name, 11, 2))
        };
        // /proc/stat: `cpu user nice system idle iowait irq softirq steal`.
        let all = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let line = all.lines().next().unwrap_or_default();
        let busy = sum_fields(line, 1, 3) + sum_fields(line, 6, 3);
        Cpu {
            server: process(server_pid),
            bench: process("self"),
            machine: ticks(busy),
        }
    }

    fn since(self, earlier: Cpu) -> Cpu {
        Cpu {
            server: self.server.saturating_sub(earlier.server),
            bench: self.bench.saturating_sub(earlier.bench),
            machine: self.machine.saturating_sub(earlier.machine),
        }
    }

    fn other(self) -> Duration {
        self.machine.saturating_sub(self.server + self.bench)
    }
}

/// `paynudge serve` as a child process, stopped with SIGTERM when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let config = dir.path().join("paynudge.toml");
        std::fs::write(&config, CONFIG).expect("writing the config");
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port on 127.0.0.1");
        let log = std::fs::File::create(dir.path().join("server.log")).expect("the server's log");
        let child = Command::new(env!("CARGO_BIN_EXE_paynudge"))
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .arg("--db")
            .arg(dir.path().join("db"))
            .arg("--listen")
            .arg(addr.to_string())
            .env("PAYNUDGE_WEB_SECRET", "bench-web-secret-0123456789abcde")
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("PAYNUDGE_ORDERS_TOKEN")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("starting paynudge serve");
        Server { child, addr, dir }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Waits until `GET /healthz` answers 200.
    async fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("waiting on the server") {
                panic!(
                    "paynudge serve exited ({status}) before /healthz answered:\n{}",
                    self.log()
                );
            }
            let answer = tokio::time::timeout(TIMEOUT, healthz(self.addr)).await;
            if matches!(answer, Ok(Ok(StatusCode::OK))) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "/healthz did not answer 200 within 60 s:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The server's resident memory (VmRSS).
    fn rss_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .ok()
            .and_then(|status| {
                let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
                line.trim().trim_end_matches("kB").trim().parse().ok()
            })
            .expect("VmRSS in the server's /proc/<pid>/status")
    }

    /// The server's log lines at WARN or ERROR.
    fn complaints(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| l.contains("WARN") || l.contains("ERROR"))
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: a signal to our own child, not reaped yet (so the pid is its).
        unsafe { libc::kill(pid, libc::SIGTERM) };
        // It lets open requests finish, for up to 30 s.
        let deadline = Instant::now() + Duration::from_secs(40);
        while let Ok(None) = self.child.try_wait() {
            if Instant::now() > deadline {
                eprintln!("paynudge serve ignored SIGTERM for 40 s: killed");
                let _ = self.child.kill();
                let _ = self.child.wait();
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A spawned task, aborted when dropped.
struct Task(JoinHandle<()>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Fails with "`what`: no answer within 10 s" if `step` takes longer.
async fn within<T>(what: &str, step: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    tokio::time::timeout(TIMEOUT, step)
        .await
        .unwrap_or_else(|_| Err(format!("{what}: no answer within {} s", TIMEOUT.as_secs())))
}

/// One keep-alive HTTP/1.1 connection; it closes when this is dropped.
struct Conn {
    sender: SendRequest<String>,
    host: String,
    _driver: Task,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Result<Conn, String> {
        let tcp = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        tcp.set_nodelay(true)
            .map_err(|e| format!("TCP_NODELAY: {e}"))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| format!("HTTP handshake: {e}"))?;
        let driver = Task(tokio::spawn(async move {
            let _ = connection.await;
        }));
        Ok(Conn {
            sender,
            host: addr.to_string(),
            _driver: driver,
        })
    }

    /// Sends a request (a POST when there is a JSON body) and returns the
    /// answer's head; its body is still to be read.
    async fn send(
        &mut self,
        path: &str,
        cookie: Option<&str>,
        json: Option<String>,
    ) -> Result<Response<Incoming>, String> {
        let mut request = Request::builder().uri(path).header(HOST, &self.host);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        if json.is_some() {
            request = request
                .method(Method::POST)
                .header(CONTENT_TYPE, "application/json")
                .header("x-paynudge", "1");
        }
        let request = request
            .body(json.unwrap_or_default())
            .expect("a well-formed request");
        self.sender
            .ready()
            .await
            .map_err(|e| format!("{path}: connection: {e}"))?;
        self.sender
            .send_request(request)
            .await
            .map_err(|e| format!("{path}: {e}"))
    }
}

/// The next chunk of data of `body`; `None` at its end.
async fn chunk(body: &mut Incoming) -> Result<Option<Bytes>, String> {
    loop {
        match std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await {
            None => return Ok(None),
            Some(Err(e)) => return Err(format!("reading a body: {e}")),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
            }
        }
    }
}

async fn whole_body(mut body: Incoming) -> Result<Vec<u8>, String> {
    let mut all = Vec::new();
    while let Some(data) = chunk(&mut body).await? {
        all.extend_from_slice(&data);
    }
    Ok(all)
}

async fn healthz(addr: SocketAddr) -> Result<StatusCode, String> {
    let answer = Conn::open(addr).await?.send("/healthz", None, None).await?;
    Ok(answer.status())
}

/// The fields of an event-stream record this bench looks at.
#[derive(Deserialize)]
struct Record {
    seq: u64,
    from: String,
}

/// A line of the chat as it reached a buyer's event stream.
struct Seen {
    record: Record,
    at: Instant,
}

/// Reads an event stream, passing on every record with data (keep-alive
/// comments have none) with the time it arrived.
async fn read_events(mut body: Incoming, tx: mpsc::UnboundedSender<Seen>) {
    let mut pending = Vec::new();
    while let Ok(Some(data)) = chunk(&mut body).await {
        let at = Instant::now();
        pending.extend_from_slice(&data);
        while let Some(end) = pending.windows(2).position(|w| w == b"\n\n") {
            let raw: Vec<u8> = pending.drain(..end + 2).collect();
            let record = std::str::from_utf8(&raw)
                .ok()
                .and_then(|r| r.lines().find_map(|l| l.strip_prefix("data:")))
                .and_then(|json| serde_json::from_str(json.trim_start()).ok());
            if let Some(record) = record
                && tx.send(Seen { record, at }).is_err()
            {
                return;
            }
        }
    }
}

/// What one message cost.
struct Turn {
    post: Duration,
    reply: Duration,
}

/// One simulated buyer: a visitor cookie, an open event stream and, while
/// talking, a keep-alive connection for its POSTs.
struct Buyer {
    addr: SocketAddr,
    n: usize,
    cookie: String,
    control: Option<Conn>,
    seen: mpsc::UnboundedReceiver<Seen>,
    last_seen: u64,
    said: usize,
    _stream: (Conn, Task),
}

impl Buyer {
    /// A new visitor with an open event stream, who has said one line; its
    /// POST connection is closed again.
    async fn open(addr: SocketAddr, n: usize) -> Result<Buyer, String> {
        let mut control = within("connect", Conn::open(addr)).await?;
        let page = within("GET /chat", control.send("/chat", None, None)).await?;
        if page.status() != StatusCode::OK {
            return Err(format!("GET /chat: HTTP {}", page.status()));
        }
        let cookie = page
            .headers()
            .get(SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .filter(|c| c.starts_with("pn_visitor="))
            .ok_or("GET /chat: no pn_visitor cookie")?
            .to_string();
        within("GET /chat (body)", whole_body(page.into_body())).await?;

        let mut stream = within("connect", Conn::open(addr)).await?;
        let events = within(
            "GET /chat/events",
            stream.send("/chat/events", Some(&cookie), None),
        )
        .await?;
        if events.status() != StatusCode::OK {
            return Err(format!("GET /chat/events: HTTP {}", events.status()));
        }
        let (tx, seen) = mpsc::unbounded_channel();
        let reader = Task(tokio::spawn(read_events(events.into_body(), tx)));
        let mut buyer = Buyer {
            addr,
            n,
            cookie,
            control: Some(control),
            seen,
            last_seen: 0,
            said: 0,
            _stream: (stream, reader),
        };
        buyer.say().await?;
        buyer.control = None;
        Ok(buyer)
    }

    /// Opens the connection for POSTs if it is not open.
    async fn connect(&mut self) -> Result<(), String> {
        if self.control.as_ref().is_none_or(|c| c.sender.is_closed()) {
            self.control = Some(within("connect", Conn::open(self.addr)).await?);
        }
        Ok(())
    }

    /// Says the buyer's next line and waits for the bot's reply on the
    /// stream. After a failure the POST connection is opened afresh.
    async fn say(&mut self) -> Result<Turn, String> {
        let turn = self.try_say().await;
        if turn.is_err() {
            self.control = None;
        }
        turn
    }

    async fn try_say(&mut self) -> Result<Turn, String> {
        self.connect().await?;
        let text = BUYER_LINES[(self.n + self.said) % BUYER_LINES.len()];
        self.said += 1;
        let control = self.control.as_mut().expect("connected just now");
        let body = serde_json::json!({ "text": text }).to_string();
        let began = Instant::now();
        let answer = within(
            "POST /chat/send",
            control.send("/chat/send", Some(&self.cookie), Some(body)),
        )
        .await?;
        let status = answer.status();
        let body = within("POST /chat/send (body)", whole_body(answer.into_body())).await?;
        let post = began.elapsed();
        if status != StatusCode::OK {
            return Err(format!("POST /chat/send: HTTP {}", status.as_u16()));
        }
        let last = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["seq"].as_u64())
            .ok_or("POST /chat/send: no seq in the answer")?;
        let reply = self.wait_reply(last, began + TIMEOUT).await?;
        Ok(Turn {
            post,
            reply: reply - began,
        })
    }

    /// Reads the stream up to line `last`; returns when the first bot line
    /// after the buyer's arrived.
    async fn wait_reply(&mut self, last: u64, deadline: Instant) -> Result<Instant, String> {
        let mut buyer_line = false;
        let mut reply = None;
        while self.last_seen < last {
            let seen = tokio::time::timeout_at(deadline.into(), self.seen.recv())
                .await
                .map_err(|_| format!("event stream: no reply within {} s", TIMEOUT.as_secs()))?
                .ok_or("event stream: closed")?;
            if seen.record.seq <= self.last_seen {
                continue;
            }
            self.last_seen = seen.record.seq;
            match seen.record.from.as_str() {
                "buyer" => buyer_line = true,
                "bot" if buyer_line => {
                    reply.get_or_insert(seen.at);
                }
                _ => {}
            }
        }
        reply.ok_or_else(|| "event stream: no bot line after the buyer's".into())
    }
}

/// Runs `jobs` concurrently and returns their outputs.
async fn together<T, F>(jobs: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut set: JoinSet<T> = jobs.into_iter().collect();
    let mut outputs = Vec::with_capacity(set.len());
    while let Some(output) = set.join_next().await {
        outputs.push(output.expect("a bench task panicked"));
    }
    outputs
}

/// Opens `n` buyers, `BATCH` at a time; stops after a batch in which one
/// failed, with the first failure.
async fn open_buyers(addr: SocketAddr, n: usize) -> (Vec<Buyer>, Option<String>) {
    let mut buyers = Vec::with_capacity(n);
    while buyers.len() < n {
        let next = buyers.len()..n.min(buyers.len() + BATCH);
        let mut failure = None;
        for opened in together(next.map(|i| Buyer::open(addr, i))).await {
            match opened {
                Ok(buyer) => buyers.push(buyer),
                Err(e) => {
                    failure.get_or_insert(format!("opening stopped at {}: {e}", buyers.len()));
                }
            }
        }
        if failure.is_some() {
            return (buyers, failure);
        }
    }
    (buyers, None)
}

/// Opens a POST connection for the first `want` buyers, `BATCH` at a time,
/// before the clock starts. Returns those who have one (the talkers), the
/// others (who keep only their stream) and the first failure, after which
/// no more are tried.
async fn connect_talkers(
    mut buyers: Vec<Buyer>,
    want: usize,
) -> (Vec<Buyer>, Vec<Buyer>, Option<String>) {
    let mut idle = buyers.split_off(want.min(buyers.len()));
    let mut untried = buyers.into_iter();
    let mut talkers = Vec::new();
    let mut failure = None;
    while failure.is_none() {
        let batch: Vec<Buyer> = untried.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let connected = together(batch.into_iter().map(|mut buyer| async move {
            let result = buyer.connect().await;
            (buyer, result)
        }))
        .await;
        for (buyer, result) in connected {
            match result {
                Ok(()) => talkers.push(buyer),
                Err(e) => {
                    failure.get_or_insert(format!(
                        "POST connections stopped at {}: {e}",
                        talkers.len()
                    ));
                    idle.push(buyer);
                }
            }
        }
    }
    idle.extend(untried);
    (talkers, idle, failure)
}

/// Latencies and failures of a run.
#[derive(Default)]
struct Stats {
    replies: Vec<Duration>,
    posts: Vec<Duration>,
    errors: BTreeMap<String, u64>,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.replies.extend(other.replies);
        self.posts.extend(other.posts);
        for (error, count) in other.errors {
            *self.errors.entry(error).or_default() += count;
        }
    }

    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// Each buyer talks until `until`, one message at a time: as fast as the
/// server answers (`rate` 0, a closed loop), or on a schedule that offers
/// `rate` messages a second in all (an open loop, the buyers' sends spread
/// evenly). On a schedule, a send that starts late counts its lateness in
/// its latency, so a slow server cannot hide behind fewer sends.
async fn talk(buyers: Vec<Buyer>, until: Instant, rate: f64) -> (Vec<Buyer>, Stats) {
    let mut set = JoinSet::new();
    let active = buyers.len();
    let began = Instant::now();
    for (i, mut buyer) in buyers.into_iter().enumerate() {
        set.spawn(async move {
            let mut stats = Stats::default();
            let interval = (rate > 0.0).then(|| Duration::from_secs_f64(active as f64 / rate));
            let mut due = began
                + interval.map_or(Duration::ZERO, |every| {
                    every.mul_f64(i as f64 / active as f64)
                });
            while Instant::now() < until {
                let late = match interval {
                    Some(every) => {
                        tokio::time::sleep_until(due.into()).await;
                        let late = due.elapsed();
                        due += every;
                        late
                    }
                    None => Duration::ZERO,
                };
                match buyer.say().await {
                    Ok(turn) => {
                        stats.replies.push(turn.reply + late);
                        stats.posts.push(turn.post + late);
                    }
                    Err(e) => {
                        *stats.errors.entry(e).or_default() += 1;
                        tokio::time::sleep(AFTER_ERROR).await;
                    }
                }
            }
            (buyer, stats)
        });
    }
    let mut buyers = Vec::new();
    let mut stats = Stats::default();
    while let Some(done) = set.join_next().await {
        let (buyer, theirs) = done.expect("a buyer task panicked");
        buyers.push(buyer);
        stats.merge(theirs);
    }
    (buyers, stats)
}

/// One N's figures.
struct Row {
    connections: usize,
    opened: usize,
    /// Why fewer than `connections` were opened (or fewer became active).
    shortfall: Vec<String>,
    active: usize,
    rss_before_kb: u64,
    rss_idle_kb: u64,
    stats: Stats,
    wall: Duration,
    cpu: Cpu,
    complaints: Vec<String>,
}

async fn scenario(connections: usize, seconds: u64, max_active: usize, rate: f64) -> Row {
    let mut server = Server::start();
    server.wait_healthy().await;
    let addr = server.addr;
    let rss_before_kb = server.rss_kb();
    let mut shortfall = Vec::new();

    let began = Instant::now();
    let (buyers, failure) = open_buyers(addr, connections).await;
    shortfall.extend(failure);
    let opened = buyers.len();
    eprintln!(
        "  {connections}: {opened} streams open (each said one line) in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    // Let the server finish with the POST connections just closed.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle_kb = server.rss_kb();

    let (talkers, idle, failure) = connect_talkers(buyers, max_active).await;
    shortfall.extend(failure);
    let active = talkers.len();

    let cpu = Cpu::now(&server.pid());
    let began = Instant::now();
    let (talkers, stats) = talk(talkers, began + Duration::from_secs(seconds), rate).await;
    let wall = began.elapsed();
    let cpu = Cpu::now(&server.pid()).since(cpu);
    eprintln!(
        "  {connections}: {} messages in {:.1} s",
        stats.replies.len(),
        wall.as_secs_f64()
    );
    drop((talkers, idle));
    Row {
        connections,
        opened,
        shortfall,
        active,
        rss_before_kb,
        rss_idle_kb,
        stats,
        wall,
        cpu,
        complaints: server.complaints(),
    }
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn percent_of_core(cpu: Duration, wall: Duration) -> String {
    format!("{:.0}%", 100.0 * cpu.as_secs_f64() / wall.as_secs_f64())
}

fn print_throughput(rows: &mut [Row]) {
    println!(
        "{:>6} {:>6} {:>6} {:>8} | {:>9} {:>6} {:>6} | {:>8} {:>6} | {:>6} | {:>10} {:>5} {:>5}",
        "conns",
        "opened",
        "active",
        "msgs/s",
        "reply p50",
        "p99",
        "max",
        "POST p50",
        "p99",
        "errors",
        "CPU server",
        "bench",
        "other"
    );
    for row in rows.iter_mut() {
        let stats = &mut row.stats;
        stats.replies.sort();
        stats.posts.sort();
        println!(
            "{:>6} {:>6} {:>6} {:>8.0} | {:>9} {:>6} {:>6} | {:>8} {:>6} | {:>6} | {:>10} {:>5} {:>5}",
            row.connections,
            row.opened,
            row.active,
            stats.replies.len() as f64 / row.wall.as_secs_f64(),
            ms(percentile(&stats.replies, 0.5)),
            ms(percentile(&stats.replies, 0.99)),
            ms(percentile(&stats.replies, 1.0)),
            ms(percentile(&stats.posts, 0.5)),
            ms(percentile(&stats.posts, 0.99)),
            stats.error_count(),
            percent_of_core(row.cpu.server, row.wall),
            percent_of_core(row.cpu.bench, row.wall),
            percent_of_core(row.cpu.other(), row.wall),
        );
    }
}

fn print_memory(rows: &[Row]) {
    println!(
        "{:>6} {:>6} | {:>15} {:>13} | {:>13}",
        "conns", "opened", "RSS before (MB)", "idle (MB)", "per conn (KB)"
    );
    for row in rows {
        let grown = row.rss_idle_kb.saturating_sub(row.rss_before_kb);
        println!(
            "{:>6} {:>6} | {:>15.1} {:>13.1} | {:>13.1}",
            row.connections,
            row.opened,
            row.rss_before_kb as f64 / 1024.0,
            row.rss_idle_kb as f64 / 1024.0,
            grown as f64 / row.opened.max(1) as f64,
        );
    }
}

/// Shortfalls, errors by kind and the server's complaints, under the tables.
fn print_notes(rows: &[Row]) {
    for row in rows {
        let n = row.connections;
        for why in &row.shortfall {
            println!("{n}: {why}");
        }
        for (error, count) in &row.stats.errors {
            println!("{n}: {count} × {error}");
        }
        if let Some(first) = row.complaints.first() {
            println!(
                "{n}: the server logged {} warnings/errors, the first: {first}",
                row.complaints.len()
            );
        }
    }
}

fn main() {
    let descriptors = raise_descriptor_limit();
    let seconds = env_or("SECONDS", 10);
    let max_active = env_or("ACTIVE", 1000);
    let rate: f64 = env_or("RATE", 0.0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut rows: Vec<Row> = connection_counts()
        .into_iter()
        .map(|n| {
            eprintln!("web: {n} connections…");
            runtime.block_on(scenario(n, seconds, max_active, rate))
        })
        .collect();

    let pace = if rate > 0.0 {
        format!("offering {rate} messages/s in all (an open loop)")
    } else {
        "in a closed loop".to_string()
    };
    println!(
        "\nweb chat, `paynudge serve` on 127.0.0.1: N buyers with an open event stream, \
         up to {max_active} of them {pace} for {seconds} s; latencies in ms; \
         CPU in % of one core (server and bench share {} cores, `other` is the rest of the machine; descriptor limit {descriptors}, inherited by the server)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    print_throughput(&mut rows);
    println!("\nserver memory (VmRSS) before the first connection and with the N streams idle");
    print_memory(&rows);
    println!();
    print_notes(&rows);
}
