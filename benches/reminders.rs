//! `cargo bench --bench reminders`: planning and scheduling at scale.
//! Loads 1,000,000 unpaid orders into sled, then times a full dry-run plan
//! and scheduler ticks with all of them pending.

use chrono::{Duration, TimeZone, Utc};
use paynudge::config::RemindersConfig;
use paynudge::orders::Event;
use paynudge::reminders::{BuyerState, Deliver, Reminder, Reminders};
use serde_json::json;
use std::time::Instant;

struct Count(std::sync::atomic::AtomicUsize);

impl Deliver for Count {
    async fn deliver(&self, _: &Reminder) -> Result<(), String> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
        / 1024
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    // The same database set-up as `paynudge` (sessions and orders share it).
    let store = paynudge::store::SledStore::open(dir.path()).unwrap();
    let r = Reminders::open(store.db(), &RemindersConfig::default()).unwrap();
    // Monday 2025-11-17 10:00 Beijing: orders over two hours; the first are
    // due 30 minutes later.
    let t0 = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2025, 11, 17, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let started = Instant::now();
    for i in 0..n {
        let created = t0 + Duration::seconds((i % 7200) as i64);
        let event = Event::parse(&json!({"event": "created", "order_id": format!("O-{i}"), "buyer": format!("tg:{}", i % 400_000),
            "items": [{"name": "Wool scarf"}], "amount": 99 + (i % 50) as i64, "at": created.timestamp(),
            "auto_close_at": (created + Duration::days(3)).timestamp()}))
        .unwrap();
        r.ingest(&event, t0).unwrap();
    }
    r.flush().unwrap();
    let load = started.elapsed();
    println!(
        "{:<46} {:>9.1?}  ({:.0} events/s)",
        format!("ingest {n} created events"),
        load,
        n as f64 / load.as_secs_f64()
    );
    println!("{:<46} {:>9}", "pending in the due index", r.pending());
    println!(
        "{:<46} {:>6} MiB",
        "resident memory after loading",
        rss_mib()
    );

    let state = |_: &paynudge::orders::Order| BuyerState::default();
    let started = Instant::now();
    let plan = r.plan(t0, &state).unwrap();
    println!(
        "{:<46} {:>9.1?}  ({} decisions)",
        format!("plan {n} unpaid orders (dry run)"),
        started.elapsed(),
        plan.len()
    );
    drop(plan);

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let deliver = Count(Default::default());
    let mut ticks = Vec::new();
    for minute in 0..20 {
        let now = t0 + Duration::minutes(minute);
        let started = Instant::now();
        let sent = rt.block_on(r.tick(now, &state, &deliver)).unwrap();
        ticks.push((started.elapsed(), sent.len()));
    }
    ticks.sort();
    println!(
        "{:<46} {:>9.1?}  (median of 20, nothing due yet)",
        format!("scheduler tick, {} pending", r.pending()),
        ticks[10].0
    );
    let now = t0 + Duration::minutes(30) + Duration::seconds(10);
    let started = Instant::now();
    let sent = rt.block_on(r.tick(now, &state, &deliver)).unwrap().len();
    let took = started.elapsed();
    println!(
        "{:<46} {:>9.1?}  ({sent} sent, {:.1?} each, outbox write + flush included)",
        "scheduler tick with reminders due",
        took,
        took / sent.max(1) as u32
    );
    println!("{:<46} {:>6} MiB", "resident memory at the end", rss_mib());
}
