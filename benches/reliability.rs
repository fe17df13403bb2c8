//! `cargo bench --bench reliability`: the fault campaigns of the
//! reliability work, rerun on this machine.
//!
//! 1. **kill -9 during reminders.** `ORDERS` orders, all due, each for its
//!    own buyer; the release binary (`paynudge telegram`, against the fake
//!    Bot API on 127.0.0.1) is killed with SIGKILL at random moments and
//!    started again until every buyer has had their reminder, then runs
//!    once to the end. Prints how many reminders went once, twice, never.
//! 2. **The handoff storm.** First-reply latency of 100 new buyers, alone
//!    and while 60 handed-over buyers write 3 lines each into their topics
//!    (Telegram's limits on: 1 message/s per chat, about 20/min for the
//!    support group).
//!
//! 3. **Durable means fsync.** If `strace` is installed: the sync calls
//!    of 400 chat turns (each reply waits for `fdatasync`, not only sled's
//!    `sync_file_range`).
//!
//! `--orders N` and `--seed S` change the first campaign.

#[path = "../tests/fake_bot_api/mod.rs"]
mod fake_bot_api;

use fake_bot_api::{BUYER_LINES, FakeBotApi, GROUP, TOKEN};
use paynudge::channels::telegram::Telegram;
use paynudge::store::SledStore;
use paynudge::{Classifier, Config};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FIRST_CHAT: i64 = 20_000;

/// A small deterministic generator, so a campaign can be rerun exactly.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn write_setup(dir: &Path, orders: i64) {
    std::fs::write(
        dir.join("paynudge.toml"),
        "[reminders]\ntimezone = \"UTC\"\nwindows = [\"00:00-23:59\"]\nholdout_percent = 0\ntick_seconds = 1\n",
    )
    .unwrap();
    let at = chrono::Utc::now().timestamp() - 7200;
    let lines: String = (0..orders)
        .map(|i| {
            format!(
                "{{\"event\":\"created\",\"order_id\":\"K-{i}\",\"buyer\":\"tg:{}\",\"items\":[{{\"name\":\"Wool scarf\"}}],\"amount\":99,\"at\":{at}}}\n",
                FIRST_CHAT + i
            )
        })
        .collect();
    std::fs::write(dir.join("orders.jsonl"), lines).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_paynudge"))
        .args(["orders", "import"])
        .arg(dir.join("orders.jsonl"))
        .arg("--db")
        .arg(dir.join("db"))
        .arg("--config")
        .arg(dir.join("paynudge.toml"))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn bot_process(dir: &Path, api: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_paynudge"))
        .arg("telegram")
        .arg("--db")
        .arg(dir.join("db"))
        .arg("--config")
        .arg(dir.join("paynudge.toml"))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api)
        .env("PAYNUDGE_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn kill_campaign(orders: i64, seed: u64) {
    let fake = FakeBotApi::start().await;
    fake.quiet();
    let dir = tempfile::tempdir().unwrap();
    write_setup(dir.path(), orders);
    let reached = |fake: &FakeBotApi| {
        (0..orders)
            .filter(|i| fake.sent_count(FIRST_CHAT + i) > 0)
            .count() as i64
    };
    let mut rng = Rng(seed | 1);
    let mut kills = 0;
    let began = Instant::now();
    while reached(&fake) < orders && began.elapsed() < Duration::from_secs(600) {
        let mut child = bot_process(dir.path(), &fake.url);
        let life = 300 + rng.below(1700);
        tokio::time::sleep(Duration::from_millis(life)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
    }
    // One last run, to the end: whatever was in flight at the last kill.
    let mut child = bot_process(dir.path(), &fake.url);
    tokio::time::sleep(Duration::from_secs(5)).await;
    child.kill().unwrap();
    child.wait().unwrap();

    let counts: Vec<usize> = (0..orders)
        .map(|i| fake.sent_count(FIRST_CHAT + i))
        .collect();
    let once = counts.iter().filter(|&&c| c == 1).count();
    let lost = counts.iter().filter(|&&c| c == 0).count();
    let repeats: usize = counts.iter().map(|&c| c.saturating_sub(1)).sum();
    // What the database says: each order records exactly one reminder.
    let store = SledStore::open(&dir.path().join("db")).unwrap();
    let reminders =
        paynudge::reminders::Reminders::open(store.db(), &Config::default().reminders).unwrap();
    let recorded = reminders
        .orders()
        .filter(|o| o.reminders.len() == 1)
        .count();
    println!(
        "kill -9 campaign (seed {seed}): {orders} reminders, {kills} kills in {:.0?}",
        began.elapsed()
    );
    println!(
        "  delivered once {once}, repeated {repeats} ({:.1}% of kills), lost {lost}; recorded once on the order: {recorded}",
        repeats as f64 * 100.0 / kills.max(1) as f64
    );
}

/// First-reply latency (p50, p99) of `buyers` new buyers, with `handed`
/// buyers handed over and writing 3 lines each at the same time.
async fn storm(classifier: Arc<Classifier>, buyers: i64, handed: i64) -> (Duration, Duration) {
    let fake = FakeBotApi::start().await;
    fake.quiet();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.agents.chat_id = GROUP;
    let engine = fake_bot_api::sled_engine(dir.path(), config, classifier);
    let running = fake_bot_api::start_throttled(&fake.url, Telegram::new(engine));
    for b in 0..handed {
        fake.private_text(30_000 + b, "转人工");
    }
    if handed > 0 {
        // The handoffs are in (each acknowledged) before the storm.
        for b in 0..handed {
            fake.wait_sent(30_000 + b, 1).await;
        }
        for n in 0..3 {
            for b in 0..handed {
                fake.private_text(30_000 + b, &format!("第{n}条：付款一直失败"));
            }
        }
    }
    let tasks: Vec<_> = (0..buyers)
        .map(|b| {
            let fake = fake.clone();
            tokio::spawn(async move {
                let chat = 40_000 + b;
                let t0 = Instant::now();
                fake.private_text(chat, "forgot my alipay password");
                fake.wait_sent(chat, 1).await;
                t0.elapsed()
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.push(t.await.unwrap());
    }
    latencies.sort();
    let pick = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    running.stop().await;
    (pick(0.5), pick(0.99))
}

/// The sync system calls of 400 chat turns, counted by strace.
fn sync_calls() {
    let dir = tempfile::tempdir().unwrap();
    let input: String = (0..400)
        .map(|i| format!("message {i}: forgot my password\n"))
        .collect();
    let input_file = dir.path().join("in.txt");
    std::fs::write(&input_file, input).unwrap();
    let counts = dir.path().join("strace.txt");
    let ran = Command::new("strace")
        .args([
            "-f",
            "-c",
            "-e",
            "trace=fsync,fdatasync,sync_file_range",
            "-o",
        ])
        .arg(&counts)
        .arg(env!("CARGO_BIN_EXE_paynudge"))
        .args(["chat", "--user", "console:bench", "--db"])
        .arg(dir.path().join("db"))
        .stdin(std::fs::File::open(&input_file).unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match ran {
        Ok(status) if status.success() => {
            let table = std::fs::read_to_string(&counts).unwrap_or_default();
            println!("sync calls of 400 chat turns (strace -c):");
            for line in table.lines().filter(|l| l.contains("sync")) {
                let words: Vec<&str> = line.split_whitespace().collect();
                if let [.., calls, name] = words[..] {
                    println!("  {name:<16} {calls}");
                }
            }
        }
        _ => println!("sync calls: strace is not installed; skipped"),
    }
}

/// Resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

/// Memory under load: `buyers` buyers write `rounds` messages each through
/// the real dispatcher (limiter lifted, so the load is the bot's own);
/// resident memory after each round. Includes the fake Bot API, which
/// keeps only counts.
async fn memory(classifier: Arc<Classifier>, buyers: i64, rounds: usize) {
    let fake = FakeBotApi::start().await;
    fake.quiet();
    let dir = tempfile::tempdir().unwrap();
    let engine = fake_bot_api::sled_engine(dir.path(), Config::default(), classifier);
    let bot = paynudge::channels::telegram::plain_bot(TOKEN, Some(&fake.url)).unwrap();
    let running = fake_bot_api::start(Telegram::new(engine), bot.clone(), bot);
    let mut figures = vec![format!("{:.0}", rss_mib())];
    for round in 0..rounds {
        for b in 0..buyers {
            fake.private_text(
                50_000 + b,
                BUYER_LINES[(b as usize + round) % BUYER_LINES.len()],
            );
        }
        for b in 0..buyers {
            fake.wait_sent(50_000 + b, round + 1).await;
        }
        let held = rss_mib();
        // What is live, apart from what the allocator keeps for reuse.
        // SAFETY: malloc_trim only releases free pages.
        unsafe { libc::malloc_trim(0) };
        figures.push(format!("{held:.0}/{:.0}", rss_mib()));
    }
    tokio::time::sleep(Duration::from_secs(35)).await;
    println!(
        "memory: {buyers} buyers x {rounds} messages, resident MiB after each round (before/after returning freed heap): {} (35 s idle: {:.0})",
        figures.join(" "),
        rss_mib()
    );
    running.stop().await;
}

/// Memory of the orders endpoint's work: 170,000 `created` events stored
/// 100 per transaction (as `orders serve` stores a request), with the
/// service's database settings; resident memory every 17,000.
fn orders_memory() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let reminders =
        paynudge::reminders::Reminders::open(store.db(), &Config::default().reminders).unwrap();
    let t0 = chrono::Utc::now() - chrono::Duration::days(1);
    let mut figures = vec![format!("{:.0}", rss_mib())];
    for batch in 0..1700 {
        let events: Vec<paynudge::orders::Event> = (0..100)
            .map(|n| {
                let i = batch * 100 + n;
                let at = t0 + chrono::Duration::seconds(i);
                paynudge::orders::Event::parse(&serde_json::json!({"event": "created",
                    "order_id": format!("M-{i}"), "buyer": format!("tg:{}", 1 + i % 50_000),
                    "items": [{"name": "Wool scarf"}], "amount": 99, "at": at.timestamp()}))
                .unwrap()
            })
            .collect();
        reminders.ingest_batch(&events, chrono::Utc::now()).unwrap();
        reminders.flush().unwrap();
        if (batch + 1) % 170 == 0 {
            figures.push(format!("{:.0}", rss_mib()));
        }
    }
    println!(
        "memory: 170,000 orders stored 100 per request, resident MiB every 17,000: {}",
        figures.join(" ")
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if std::env::args().any(|a| a == "--orders-memory") {
        return orders_memory();
    }
    if std::env::args().any(|a| a == "--memory") {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let rounds = arg("--rounds", 10) as usize;
        return rt.block_on(memory(Arc::new(Classifier::builtin()), 2000, rounds));
    }
    sync_calls();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        kill_campaign(arg("--orders", 400) as i64, arg("--seed", 12)).await;
        let classifier = Arc::new(Classifier::builtin());
        let (p50, p99) = storm(classifier.clone(), 100, 0).await;
        println!("handoff storm: 100 new buyers alone: first reply p50 {p50:.1?}, p99 {p99:.1?}");
        let (p50s, p99s) = storm(classifier, 100, 60).await;
        println!(
            "handoff storm: 100 new buyers while 60 handed-over buyers write 3 lines each: p50 {p50s:.1?}, p99 {p99s:.1?} ({:.2}x the p99 alone)",
            p99s.as_secs_f64() / p99.as_secs_f64()
        );
    });
}
