//! `cargo bench --bench reminders`: reminders at scale, run the way
//! `paynudge` runs them. Loads 1,000,000 unpaid orders as `orders import`
//! does, with 100,000 buyer sessions (a tenth of them bound to an order by a
//! deep link); reopens the database as `paynudge reminders plan` does and
//! times the plan; then times scheduler ticks with every order pending.
//! `ORDERS=N` changes the number of orders, `BUYERS=N` the number of buyers
//! they belong to (400,000: most buyers have two or three open orders, which
//! the per-buyer gap plans together; 1,000,000: one each).

use chrono::{DateTime, Duration, TimeZone, Utc};
use paynudge::config::RemindersConfig;
use paynudge::orders::{Event, Order};
use paynudge::reminders::{Deliver, PlanPage, Reminder, Reminders};
use paynudge::session::{Session, UserId};
use paynudge::store::{SessionStore, SledStore};
use paynudge::{Classifier, Config, Content, Engine};
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration as Elapsed, Instant};

const SESSIONS: usize = 100_000;

fn buyers() -> usize {
    std::env::var("BUYERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400_000)
}

struct Count(std::sync::atomic::AtomicUsize);

impl Deliver for Count {
    async fn deliver(&self, _: &Reminder) -> Result<(), paynudge::reminders::DeliveryError> {
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

fn row(what: &str, took: Elapsed, detail: &str) {
    println!("{what:<48} {took:>9.1?}  {detail}");
}

fn created(i: usize, buyers: usize, t0: DateTime<Utc>) -> Event {
    let at = t0 + Duration::seconds((i % 7200) as i64);
    Event::parse(&json!({"event": "created", "order_id": format!("O-{i}"),
        "buyer": format!("tg:{}", i % buyers + 1), "items": [{"name": "Wool scarf"}],
        "amount": 99 + (i % 50) as i64, "at": at.timestamp(),
        "auto_close_at": (at + Duration::days(3)).timestamp()}))
    .unwrap()
}

/// What a shop's database holds: `n` orders loaded in transactions of 1,000
/// (as `orders import` does) and buyer sessions, some of them bound to an
/// order, some who said /stop.
fn load(dir: &Path, n: usize, t0: DateTime<Utc>) {
    let store = SledStore::open(dir).unwrap();
    let orders = Reminders::open(store.db(), &RemindersConfig::default()).unwrap();
    let started = Instant::now();
    let events: Vec<Event> = (0..n).map(|i| created(i, buyers(), t0)).collect();
    for chunk in events.chunks(1000) {
        orders.ingest_batch(chunk, t0).unwrap();
    }
    orders.flush().unwrap();
    let took = started.elapsed();
    let rate = n as f64 / took.as_secs_f64();
    row(
        &format!("load {n} orders, 1,000 per transaction"),
        took,
        &format!("({rate:.0} events/s)"),
    );

    // The orders endpoint with one event per request: a transaction and a flush each.
    let started = Instant::now();
    for i in n..n + 1000 {
        orders
            .ingest_batch(&[created(i, buyers(), t0)], t0)
            .unwrap();
        orders.flush().unwrap();
    }
    row(
        "one event per request, stored and flushed",
        started.elapsed() / 1000,
        "(mean of 1,000)",
    );

    let mut session = Session::new(UserId::parse("tg:0").unwrap(), t0.timestamp());
    for b in 0..SESSIONS {
        session.user = UserId::parse(&format!("tg:{}", b + 1)).unwrap();
        session.reminders_stopped = b % 20 == 0;
        store.save(&session).unwrap();
        if b % 10 == 0 {
            store
                .claim("order", &format!("O-{b}"), &format!("tg:{}", b + 1))
                .unwrap();
        }
    }
    store.flush().unwrap();
    println!(
        "{:<48} {:>6} MiB  ({} pending in the due index)",
        "resident memory after loading",
        rss_mib(),
        orders.pending()
    );
}

/// The database opened the way `paynudge reminders plan` opens it.
fn open(dir: &Path, classifier: Arc<Classifier>) -> (Engine, Arc<Reminders>) {
    let store = SledStore::open_for_batch(dir).unwrap();
    let orders = Arc::new(Reminders::open(store.db(), &RemindersConfig::default()).unwrap());
    let store: Arc<dyn SessionStore> = Arc::new(store);
    let content = Content::builtin().unwrap();
    let engine =
        Engine::new(Config::default(), content, classifier, store).with_orders(orders.clone());
    (engine, orders)
}

/// `paynudge reminders plan` without the printing: buyer states in one
/// pass, then every order's line.
fn plan(engine: &Engine, orders: &Reminders, now: DateTime<Utc>) -> (Elapsed, usize) {
    let started = Instant::now();
    let states = engine.buyer_states().unwrap();
    let tz = orders.timezone();
    let pages = orders
        .plan(now, &states, |page: &mut PlanPage, order, decision| {
            page.add(order, &decision, tz)
        })
        .unwrap();
    (
        started.elapsed(),
        pages.iter().map(|p| p.summary.orders).sum(),
    )
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // Monday 2025-11-17 10:00 Beijing: orders over two hours; the first are
    // due 30 minutes later.
    let t0 = chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(2025, 11, 17, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let dir = tempfile::tempdir().unwrap();
    load(dir.path(), n, t0);

    let classifier = Arc::new(Classifier::builtin());
    let started = Instant::now();
    let (engine, orders) = open(dir.path(), classifier);
    row("reopen the database", started.elapsed(), "");
    let (took, decisions) = plan(&engine, &orders, t0 + Duration::hours(2));
    row(
        &format!("plan {} unpaid orders, just opened", decisions),
        took,
        "(sessions and bindings read in one pass)",
    );
    let mut warm: Vec<Elapsed> = (0..5)
        .map(|_| plan(&engine, &orders, t0 + Duration::hours(2)).0)
        .collect();
    warm.sort();
    row("plan again, in the same process", warm[2], "(median of 5)");
    println!(
        "{:<48} {:>6} MiB",
        "resident memory after planning",
        rss_mib()
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let deliver = Count(Default::default());
    let state = |order: &Order| engine.buyer_state(order);
    let mut ticks = Vec::new();
    for minute in 0..20 {
        let now = t0 + Duration::minutes(minute);
        let started = Instant::now();
        rt.block_on(orders.tick(now, &state, &deliver)).unwrap();
        ticks.push(started.elapsed());
    }
    ticks.sort();
    row(
        &format!("scheduler tick, {} pending", orders.pending()),
        ticks[10],
        "(median of 20, nothing due yet)",
    );
    let now = t0 + Duration::minutes(30) + Duration::seconds(10);
    let started = Instant::now();
    let sent = rt
        .block_on(orders.tick(now, &state, &deliver))
        .unwrap()
        .len();
    let took = started.elapsed();
    row(
        "scheduler tick with reminders due",
        took,
        &format!(
            "({sent} sent, {:.1?} each, outbox write + flush included)",
            took / sent.max(1) as u32
        ),
    );
    println!("{:<48} {:>6} MiB", "resident memory at the end", rss_mib());
}
