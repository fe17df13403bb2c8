//! `cargo bench`: prints the figures the README quotes.
//!
//! - classify: latency p50/p99 and messages/s, one thread;
//! - one full chat turn including the durable sled write: p50/p99 and turns/s,
//!   with 1 buyer and with 1,000 buyers at once (group commit);
//! - start-up: content + classifier + store, in-process, and the release
//!   binary end to end;
//! - resident memory of `paynudge chat` over a database of 100,000 sessions.
//!
//! Figures, not assertions: the machine decides, the README records.

use paynudge::store::{SessionStore, SledStore};
use paynudge::{Classifier, Config, Content, Engine, Session, UserId};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MESSAGES: &[&str] = &[
    "forgot my alipay pin",
    "余额不够了怎么办",
    "the app just spins at the bank page",
    "我明明付过了怎么还显示待付款",
    "1",
    "yes",
    "验证码一直收不到",
    "can my mom pay for this order instead",
    "是的",
    "hmm not sure if it's worth it",
    "满多少包邮呀",
    "I paid yesterday but it still says unpaid",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut samples: Vec<Duration>, wall: Duration) {
    samples.sort();
    println!(
        "{name:<44} p50 {:>9.1?}  p99 {:>9.1?}  {:>10.0}/s  (n={})",
        percentile(&samples, 0.50),
        percentile(&samples, 0.99),
        samples.len() as f64 / wall.as_secs_f64(),
        samples.len()
    );
}

fn bench_classify(classifier: &Classifier) {
    let texts: Vec<String> = paynudge::nlu::builtin_examples()
        .into_iter()
        .map(|e| e.text)
        .collect();
    for t in texts.iter().take(500) {
        std::hint::black_box(classifier.classify(t));
    }
    let mut samples = Vec::with_capacity(50_000);
    let start = Instant::now();
    for t in texts.iter().cycle().take(50_000) {
        let t0 = Instant::now();
        std::hint::black_box(classifier.classify(t));
        samples.push(t0.elapsed());
    }
    report("classify (1 thread)", samples, start.elapsed());
}

fn engine(dir: &std::path::Path, classifier: Arc<Classifier>) -> Engine {
    let store: Arc<dyn SessionStore> = Arc::new(SledStore::open(dir).expect("open sled"));
    Engine::new(
        Config::default(),
        Content::builtin().expect("content"),
        classifier,
        store,
    )
}

fn bench_turns(classifier: Arc<Classifier>, users: usize, turns_each: usize) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(engine(dir.path(), classifier));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let samples: Vec<Duration> = rt.block_on(async {
        let tasks: Vec<_> = (0..users)
            .map(|u| {
                let engine = engine.clone();
                tokio::spawn(async move {
                    let user = UserId::parse(&format!("bench:{u}")).unwrap();
                    let mut samples = Vec::with_capacity(turns_each);
                    for n in 0..turns_each {
                        let text = MESSAGES[(u + n) % MESSAGES.len()];
                        let t0 = Instant::now();
                        engine
                            .handle(&user, text, chrono::Utc::now())
                            .await
                            .expect("turn");
                        samples.push(t0.elapsed());
                    }
                    samples
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    report(
        &format!("durable chat turn, {users} concurrent buyer(s)"),
        samples,
        start.elapsed(),
    );
}

fn bench_startup(classifier_only: bool) {
    let mut times = Vec::new();
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let t0 = Instant::now();
        let content = Content::builtin().unwrap();
        let classifier = Classifier::builtin();
        if !classifier_only {
            let _store = SledStore::open(dir.path()).unwrap();
        }
        times.push(t0.elapsed());
        std::hint::black_box((content, classifier));
    }
    times.sort();
    println!(
        "{:<44} median {:>9.1?}",
        "start-up in process (content+model+sled)", times[2]
    );
}

fn binary() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_paynudge"))
}

/// Spawns `paynudge chat --json` on `db`, waits for the first reply, and
/// returns (time to first reply, resident memory in KiB afterwards).
fn first_reply(db: &std::path::Path) -> (Duration, u64) {
    let t0 = Instant::now();
    let mut child = Command::new(binary())
        .args(["chat", "--json", "--user", "bench:0", "--db"])
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "forgot my password").unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let elapsed = t0.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    drop(stdin);
    child.wait().unwrap();
    (elapsed, rss)
}

fn bench_binary_and_memory() {
    let empty = tempfile::tempdir().unwrap();
    let mut times: Vec<Duration> = (0..5).map(|_| first_reply(empty.path()).0).collect();
    times.sort();
    println!(
        "{:<44} median {:>9.1?}",
        "binary: spawn to first durable reply", times[2]
    );
    let (_, rss_empty) = first_reply(empty.path());

    let full = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(full.path()).unwrap();
        let mut session = Session::new(UserId::parse("x").unwrap(), 0);
        for _ in 0..8 {
            session.record(
                paynudge::session::Speaker::Buyer,
                "I paid yesterday but it still says unpaid",
                0,
                20,
            );
        }
        for n in 0..100_000 {
            session.user = UserId::parse(&format!("tg:{n}")).unwrap();
            store.save(&session).unwrap();
        }
        store.flush().unwrap();
        println!("{:<44} {}", "sessions stored", store.len().unwrap());
    }
    let (t, rss_full) = first_reply(full.path());
    println!(
        "{:<44} {:>6} MiB (empty db: {} MiB)",
        "RSS of chat, 100,000 sessions stored",
        rss_full / 1024,
        rss_empty / 1024
    );
    println!(
        "{:<44} {:>9.1?}",
        "binary: first reply with 100,000 sessions", t
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists benches; nothing to list here.
    }
    let t0 = Instant::now();
    let classifier = Arc::new(Classifier::builtin());
    println!(
        "{:<44} {:>9.1?}  ({} features)",
        "train classifier",
        t0.elapsed(),
        classifier.feature_count()
    );
    bench_classify(&classifier);
    bench_turns(classifier.clone(), 1, 300);
    bench_turns(classifier.clone(), 1_000, 25);
    bench_startup(false);
    bench_binary_and_memory();
}
