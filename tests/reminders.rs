//! Payment reminders with a virtual clock: days of policy in milliseconds.

use chrono::{DateTime, TimeZone, Utc};
use paynudge::config::RemindersConfig;
use paynudge::orders::Event;
use paynudge::reminders::{
    BuyerState, Decision, Deliver, DeliveryError, MAX_ATTEMPTS, PlanPage, Reminder, Reminders, Skip,
};
use paynudge::store::SyncedDb;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;

fn at(text: &str) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .from_local_datetime(
            &chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap(),
        )
        .unwrap()
        .with_timezone(&Utc)
}

fn no_holdout() -> RemindersConfig {
    RemindersConfig {
        holdout_percent: 0,
        ..RemindersConfig::default()
    }
}

fn open(dir: &std::path::Path, config: &RemindersConfig) -> (SyncedDb, Reminders) {
    let db = SyncedDb::open(sled::open(dir).unwrap(), dir).unwrap();
    let r = Reminders::open(&db, config).unwrap();
    (db, r)
}

fn created(id: &str, buyer: &str, when: DateTime<Utc>, amount: f64) -> Event {
    Event::parse(&json!({"event": "created", "order_id": id, "buyer": buyer, "items": [{"name": "Wool scarf"}],
        "amount": amount, "at": when.timestamp(), "auto_close_at": (when + chrono::Duration::days(3)).timestamp()}))
    .unwrap()
}

fn event(kind: &str, id: &str, when: DateTime<Utc>) -> Event {
    Event::parse(&json!({"event": kind, "order_id": id, "at": when.timestamp()})).unwrap()
}

/// A channel double: records what it delivers; fails for the orders in
/// `failing`; after `dies_after` deliveries, takes the next one and never
/// answers (the process dies between the send and its record).
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<Reminder>>,
    failing: HashMap<String, DeliveryError>,
    dies_after: Option<usize>,
}

impl Deliver for Recorder {
    async fn deliver(&self, reminder: &Reminder) -> Result<(), DeliveryError> {
        if let Some(e) = self.failing.get(&reminder.order.id) {
            return Err(e.clone());
        }
        let hang = {
            let mut sent = self.sent.lock().unwrap();
            let hang = self.dies_after.is_some_and(|n| sent.len() >= n);
            sent.push(reminder.clone());
            hang
        };
        if hang {
            std::future::pending::<()>().await;
        }
        Ok(())
    }
}

impl Recorder {
    fn ids(&self) -> Vec<String> {
        let sent = self.sent.lock().unwrap();
        sent.iter().map(|s| s.order.id.clone()).collect()
    }
}

fn nobody(_: &paynudge::orders::Order) -> BuyerState {
    BuyerState::default()
}

fn when(d: &Decision) -> DateTime<Utc> {
    match d {
        Decision::Remind { at, .. } => *at,
        Decision::Skip(s) => panic!("skipped: {s:?}"),
    }
}

#[test]
fn a_friday_evening_order_is_reminded_on_saturday_at_the_later_hour() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let order = r
        .ingest(
            &created("F-1", "tg:1", at("2025-11-14 20:50"), 99.0),
            at("2025-11-14 20:50"),
        )
        .unwrap();
    let d = r.decide(&order, &BuyerState::default(), at("2025-11-14 20:50"));
    assert_eq!(when(&d), at("2025-11-15 10:30"), "{d:?}");
    assert!(d.describe(chrono_tz::Asia::Shanghai).contains("day off"));
}

#[test]
fn an_order_at_12_10_waits_for_14_30() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let order = r
        .ingest(
            &created("N-1", "tg:1", at("2025-11-17 12:10"), 99.0),
            at("2025-11-17 12:10"),
        )
        .unwrap();
    assert_eq!(
        when(&r.decide(&order, &BuyerState::default(), at("2025-11-17 12:10"))),
        at("2025-11-17 14:30")
    );
}

#[test]
fn a_make_up_workday_saturday_keeps_normal_hours() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    // Saturday 2025-10-11 was a working day (调休).
    let order = r
        .ingest(
            &created("W-1", "tg:1", at("2025-10-11 08:00"), 99.0),
            at("2025-10-11 08:00"),
        )
        .unwrap();
    assert_eq!(
        when(&r.decide(&order, &BuyerState::default(), at("2025-10-11 08:00"))),
        at("2025-10-11 09:30")
    );
}

#[tokio::test]
async fn caps_gaps_and_payment_between_plan_and_send() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let rec = Recorder::default();
    let t0 = at("2025-11-17 10:00");
    r.ingest(&created("C-1", "tg:7", t0, 99.0), t0).unwrap();
    r.ingest(&created("C-2", "tg:7", t0, 59.0), t0).unwrap();
    // Walk three virtual days in 10-minute ticks.
    let mut now = t0;
    while now < t0 + chrono::Duration::days(3) {
        r.tick(now, &nobody, &rec).await.unwrap();
        now += chrono::Duration::minutes(10);
    }
    let sent = rec.sent.lock().unwrap().clone();
    assert!(!sent.is_empty());
    assert!(
        sent.windows(2).all(|pair| pair[0].due <= pair[1].due),
        "sent in due order"
    );
    let times: Vec<i64> = sent
        .iter()
        .map(|s| s.order.reminders.len() as i64)
        .collect();
    assert!(times.iter().all(|n| *n <= 1));
    let mut per_order = std::collections::HashMap::new();
    for s in &sent {
        *per_order.entry(s.order.id.clone()).or_insert(0) += 1;
    }
    assert!(per_order.values().all(|n| *n <= 2), "{per_order:?}");
    let mut stamps: Vec<i64> = r
        .orders()
        .flat_map(|o| o.reminders.into_iter().map(|x| x.at))
        .collect();
    stamps.sort();
    for pair in stamps.windows(2) {
        assert!(
            pair[1] - pair[0] >= 20 * 3600,
            "buyer reminded twice within 20 h: {stamps:?}"
        );
    }

    // Paid between planning and sending: nothing goes.
    let rec = Recorder::default();
    let t1 = at("2025-11-24 10:00");
    r.ingest(&created("P-1", "tg:8", t1, 99.0), t1).unwrap();
    r.ingest(
        &event("paid", "P-1", t1 + chrono::Duration::minutes(20)),
        t1,
    )
    .unwrap();
    r.tick(t1 + chrono::Duration::hours(2), &nobody, &rec)
        .await
        .unwrap();
    assert!(rec.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn nothing_for_stopped_blocked_handed_over_cod_or_large_orders_as_messages() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let t0 = at("2025-11-17 10:00");
    let order = r.ingest(&created("S-1", "tg:1", t0, 99.0), t0).unwrap();
    let later = t0 + chrono::Duration::hours(1);
    for (state, skip) in [
        (
            BuyerState {
                stopped: true,
                ..Default::default()
            },
            Skip::BuyerStopped,
        ),
        (
            BuyerState {
                blocked: true,
                ..Default::default()
            },
            Skip::BuyerBlocked,
        ),
        (
            BuyerState {
                with_agent: true,
                ..Default::default()
            },
            Skip::WithAgent,
        ),
    ] {
        assert_eq!(r.decide(&order, &state, later), Decision::Skip(skip));
    }
    let cod = Event::parse(
        &json!({"event": "created", "order_id": "COD-1", "buyer": "tg:2", "items": [{"name": "x"}],
        "amount": 10, "at": t0.timestamp(), "payment_type": "cash_on_delivery"}),
    )
    .unwrap();
    let cod = r.ingest(&cod, t0).unwrap();
    assert_eq!(
        r.decide(&cod, &BuyerState::default(), later),
        Decision::Skip(Skip::CashOnDelivery)
    );
    let big = r.ingest(&created("BIG-1", "tg:3", t0, 5000.0), t0).unwrap();
    match r.decide(&big, &BuyerState::default(), later) {
        Decision::Remind { channel, .. } => assert_eq!(channel, paynudge::reminders::Channel::Call),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_restart_mid_send_sends_each_reminder_once() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = at("2025-11-17 10:00");
    let now = t0 + chrono::Duration::hours(1);
    {
        let (_db, r) = open(dir.path(), &no_holdout());
        for n in 0..3 {
            r.ingest(
                &created(&format!("R-{n}"), &format!("tg:{}", n + 1), t0, 99.0),
                t0,
            )
            .unwrap();
        }
        // The second reminder reaches the buyer, then the process dies
        // before the answer is recorded.
        let dying = Recorder {
            dies_after: Some(1),
            ..Default::default()
        };
        let tick = r.tick(now, &nobody, &dying);
        let cut = tokio::time::timeout(std::time::Duration::from_millis(200), tick).await;
        assert!(cut.is_err(), "the tick should hang in the second delivery");
        assert_eq!(dying.ids(), ["R-0", "R-1"]);
    }
    let (_db, r) = open(dir.path(), &no_holdout());
    let rec = Recorder::default();
    r.tick(now, &nobody, &rec).await.unwrap();
    r.tick(now + chrono::Duration::minutes(5), &nobody, &rec)
        .await
        .unwrap();
    // At least once: the one in flight is sent again (its only duplicate),
    // the one never tried goes once, the one recorded never again.
    assert_eq!(rec.ids(), ["R-1", "R-2"]);
    let total: usize = r.orders().map(|o| o.reminders.len()).sum();
    assert_eq!(total, 3);
}

#[tokio::test]
async fn one_undeliverable_reminder_never_stops_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let t0 = at("2025-11-17 10:00");
    // The bad one is due first; seven good ones behind it.
    r.ingest(&created("BAD", "tg:100", t0, 99.0), t0).unwrap();
    let later = t0 + chrono::Duration::minutes(1);
    for n in 0..7 {
        r.ingest(
            &created(&format!("OK-{n}"), &format!("tg:{}", n + 1), later, 99.0),
            later,
        )
        .unwrap();
    }
    let rec = Recorder {
        failing: HashMap::from([(
            "BAD".to_string(),
            DeliveryError::Permanent("Bad Request: chat not found".into()),
        )]),
        ..Default::default()
    };
    let now = t0 + chrono::Duration::hours(1);
    let sent = r.tick(now, &nobody, &rec).await.unwrap();
    assert_eq!(sent.len(), 7);
    assert_eq!(rec.ids().len(), 7);
    let bad = r.order("BAD").unwrap().unwrap();
    let failed = bad.undeliverable.as_ref().expect("marked undeliverable");
    assert_eq!(
        (failed.number, failed.reason.as_str()),
        (1, "Bad Request: chat not found")
    );
    assert_eq!(
        r.decide(&bad, &BuyerState::default(), now),
        Decision::Skip(Skip::Undeliverable)
    );
    // The plan says why; the next rounds leave it alone.
    let tz = r.timezone();
    let pages = r
        .plan(now, &nobody, |page: &mut PlanPage, order, decision| {
            page.add(order, &decision, tz)
        })
        .unwrap();
    let plan: String = pages.iter().map(|p| p.text.as_str()).collect();
    assert!(
        plan.contains("none: undeliverable (reminder 1: Bad Request: chat not found)"),
        "{plan}"
    );
    assert!(
        r.tick(now + chrono::Duration::hours(30), &nobody, &rec)
            .await
            .is_ok()
    );
    assert!(!rec.ids().contains(&"BAD".to_string()));
    let report = r.report(0, &|_| None);
    assert_eq!(
        report.undeliverable.get("Bad Request: chat not found"),
        Some(&1)
    );
}

#[tokio::test]
async fn a_transient_failure_is_retried_with_backoff_then_given_up() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let t0 = at("2025-11-17 10:00");
    r.ingest(&created("T-1", "tg:1", t0, 99.0), t0).unwrap();
    r.ingest(&created("T-2", "tg:2", t0, 99.0), t0).unwrap();
    let flaky = Recorder {
        failing: HashMap::from([(
            "T-1".to_string(),
            DeliveryError::Transient("502 Bad Gateway".into()),
        )]),
        ..Default::default()
    };
    // Minute by minute for two hours: T-2 goes at once; T-1 is tried at
    // +0, +1, +5, +21 and +85 minutes, then given up.
    let start = t0 + chrono::Duration::hours(1);
    let mut tries = Vec::new();
    for minute in 0..120 {
        let now = start + chrono::Duration::minutes(minute);
        r.tick(now, &nobody, &flaky).await.unwrap();
        let order = r.order("T-1").unwrap().unwrap();
        tries.push(order.undeliverable.is_some());
    }
    assert_eq!(flaky.ids(), ["T-2"]);
    let gave_up = tries
        .iter()
        .position(|&given_up| given_up)
        .expect("given up");
    assert_eq!(gave_up, 85);
    let order = r.order("T-1").unwrap().unwrap();
    assert_eq!(
        order.undeliverable.unwrap().reason,
        format!("gave up after {MAX_ATTEMPTS} attempts: 502 Bad Gateway")
    );
}

#[test]
fn the_holdout_is_stable_and_near_its_share() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &RemindersConfig::default());
    let t0 = at("2025-11-17 10:00");
    let mut held = 0;
    for n in 0..1000 {
        let o = r
            .ingest(&created(&format!("H-{n}"), "tg:1", t0, 9.0), t0)
            .unwrap();
        let a = r.decide(&o, &BuyerState::default(), t0) == Decision::Skip(Skip::Holdout);
        let b = r.decide(&o, &BuyerState::default(), t0 + chrono::Duration::hours(5))
            == Decision::Skip(Skip::Holdout);
        assert_eq!(a, b);
        held += usize::from(a);
    }
    assert!((60..=140).contains(&held), "{held} of 1000 held out");
}

#[test]
fn a_malformed_event_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let bad = json!({"event": "created", "order_id": "M-1", "buyer": "tg:1", "items": [], "amount": 5, "at": 1_763_000_000});
    assert_eq!(Event::parse(&bad).unwrap_err().field, "items");
    assert!(r.order("M-1").unwrap().is_none());
    assert_eq!(r.pending(), 0);
}

/// A week of a small shop in `dir`: five orders, four reminded, payments
/// inside and outside the 24 h that credit a reminder.
async fn a_week_of_reminders(dir: &std::path::Path) {
    let (_db, r) = open(dir, &no_holdout());
    let rec = Recorder::default();
    // Monday: A pays 20 minutes after its reminder, B two days later (not
    // credited to the reminder), D never; C is cash on delivery.
    let t0 = at("2025-11-17 10:00");
    for (id, buyer) in [("A", "tg:1"), ("B", "tg:2"), ("D", "tg:4")] {
        r.ingest(&created(id, buyer, t0, 99.0), t0).unwrap();
    }
    let cod = Event::parse(
        &json!({"event": "created", "order_id": "C", "buyer": "tg:3",
        "items": [{"name": "Tea"}], "amount": 30, "at": t0.timestamp(), "payment_type": "cod"}),
    )
    .unwrap();
    r.ingest(&cod, t0).unwrap();
    let monday = at("2025-11-17 10:40");
    assert_eq!(r.tick(monday, &nobody, &rec).await.unwrap().len(), 3);
    r.ingest(&event("paid", "A", at("2025-11-17 11:00")), monday)
        .unwrap();
    r.ingest(&event("paid", "B", at("2025-11-19 11:00")), monday)
        .unwrap();
    r.ingest(&event("paid", "C", at("2025-11-18 11:00")), monday)
        .unwrap();
    // Saturday: the window opens an hour later; E is reminded at 10:30 and pays.
    let t1 = at("2025-11-22 09:00");
    r.ingest(&created("E", "tg:5", t1, 99.0), t1).unwrap();
    let saturday = at("2025-11-22 10:30");
    assert_eq!(r.tick(saturday, &nobody, &rec).await.unwrap().len(), 1);
    r.ingest(&event("paid", "E", at("2025-11-22 12:30")), saturday)
        .unwrap();
}

#[tokio::test]
async fn the_report_credits_payments_within_a_day_by_window_strategy_and_blocker() {
    let dir = tempfile::tempdir().unwrap();
    a_week_of_reminders(dir.path()).await;
    // Opened as `paynudge report` without the bot's config: other windows.
    // The sends keep the windows they went in.
    let (_db, r) = open(
        dir.path(),
        &RemindersConfig {
            windows: vec!["08:00-23:00".into()],
            ..no_holdout()
        },
    );
    let blocker =
        |o: &paynudge::orders::Order| (o.id == "A").then(|| "forgot_password".to_string());
    let report = r.report(0, &blocker);
    assert_eq!(report.orders, 5);
    assert_eq!((report.conversion.of, report.conversion.paid), (4, 2));
    assert_eq!((report.paid_online.of, report.paid_online.paid), (4, 3));
    assert_eq!((report.paid_cod.of, report.paid_cod.paid), (1, 1));
    assert!(report.to_text().contains("n/a"), "{}", report.to_text());
    assert_eq!((report.reminded_paid.of, report.reminded_paid.paid), (4, 3));
    let slot = |name: &str| report.by_slot.get(name).map(|r| (r.of, r.paid));
    assert_eq!(slot("09:30-12:00"), Some((3, 1)));
    assert_eq!(slot("09:30-12:00 (day off)"), Some((1, 1)));
    assert_eq!(report.by_slot.len(), 2);
    let by_number: Vec<(usize, usize, usize)> = report
        .by_number
        .iter()
        .map(|(n, r)| (*n, r.of, r.paid))
        .collect();
    assert_eq!(by_number, [(1, 4, 2)]);
    assert_eq!(report.by_strategy.values().map(|r| r.of).sum::<usize>(), 4);
    assert!(
        report
            .by_strategy
            .keys()
            .all(|k| k.starts_with("fast_delivery ("))
    );
    let named = report.by_blocker.get("forgot_password").unwrap();
    assert_eq!((named.of, named.paid), (1, 1));
    // A paid 20 minutes after its reminder, E 120 (the upper median of two).
    assert_eq!(report.median_minutes_to_pay, Some(120));

    let text = report.to_text();
    assert!(text.contains("09:30-12:00 (day off)"), "{text}");
    assert!(text.contains("the seed's 60%"), "{text}");
    // An empty rate is not 0%.
    assert!(
        text.contains("holdout (never reminded)                0      0      n/a"),
        "{text}"
    );
    // The day trend: Monday's four orders (three paid, three reminded, one
    // credited), Saturday's one.
    let day = |d: &str| report.by_day.get(d).copied().unwrap_or_default();
    assert_eq!((day("2025-11-17").orders, day("2025-11-17").paid), (4, 3));
    assert_eq!(
        (day("2025-11-17").reminded, day("2025-11-17").converted),
        (3, 1)
    );
    assert_eq!(day("2025-11-22").converted, 1);
    let csv = report.to_csv();
    assert!(csv.starts_with("table,row,of,paid,rate_percent\n"), "{csv}");
    assert!(
        csv.contains("\"by send window\",\"09:30-12:00 (day off)\",1,1,100.0\n"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "\"lift: reminded vs holdout (paid at all)\",\"holdout (never reminded)\",0,0,\n"
        ),
        "{csv}"
    );
}

/// Chromium, which CI installs: the test fails without it rather than
/// pass having checked nothing.
fn chromium() -> std::path::PathBuf {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
        })
        .expect("this test needs Chromium: apt-get install -y chromium")
}

#[tokio::test]
async fn the_html_report_is_one_page_chromium_draws_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    a_week_of_reminders(dir.path()).await;
    let (_db, r) = open(dir.path(), &no_holdout());
    // A blocker name that is markup: shown as text, never run.
    let blocker = |o: &paynudge::orders::Order| {
        (o.id == "A").then(|| "<img src=x onerror=alert(1)>".to_string())
    };
    let html = r
        .report(0, &blocker)
        .to_html("Wool & Tea <shop>: all orders");
    assert!(!html.contains("<img"), "markup got through");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("Wool &amp; Tea &lt;shop&gt;"));
    // Self-contained: nothing to fetch, nothing to run.
    for outside in ["http:", "https:", "<script", "<link", "@import", "url("] {
        assert!(!html.contains(outside), "{outside} in the page");
    }
    assert_eq!(html.matches("<svg").count(), 12, "a chart per table");

    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let shot = dir.path().join("report.png");
    let out = std::process::Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1000,2400",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    // The console: no errors, no messages at all (the page has no script).
    assert!(!log.contains("CONSOLE"), "{log}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    if let Ok(keep) = std::env::var("PAYNUDGE_SCREENSHOTS") {
        std::fs::copy(&shot, std::path::Path::new(&keep).join("report.png")).unwrap();
    }
}

/// The buyer pays while their reminder is on its way.
struct PaysWhileSending<'a>(&'a Reminders);

impl Deliver for PaysWhileSending<'_> {
    async fn deliver(&self, reminder: &Reminder) -> Result<(), DeliveryError> {
        let paid = event("paid", &reminder.order.id, at("2025-11-17 10:31"));
        self.0
            .ingest(&paid, at("2025-11-17 10:31"))
            .map(|_| ())
            .map_err(|e| DeliveryError::Transient(e.to_string()))
    }
}

#[tokio::test]
async fn a_payment_during_delivery_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let t0 = at("2025-11-17 10:00");
    r.ingest(&created("W-1", "tg:9", t0, 99.0), t0).unwrap();
    let sent = r
        .tick(at("2025-11-17 10:31"), &nobody, &PaysWhileSending(&r))
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    let order = r.order("W-1").unwrap().unwrap();
    assert_eq!(
        order.status,
        paynudge::orders::Status::Paid,
        "the payment survives"
    );
    assert_eq!(order.reminders.len(), 1, "and the reminder is recorded");
    assert_eq!(r.pending(), 0, "nothing more is scheduled");
}

#[tokio::test]
async fn a_stated_pay_time_is_kept_outside_the_windows_once_and_never_after_close() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let t0 = at("2025-11-17 10:00");
    r.ingest(&created("W-1", "tg:7", t0, 99.0), t0).unwrap();
    // "I'll pay tonight at 22:00": after the last send window (21:00).
    let promised = BuyerState {
        pay_at: Some(at("2025-11-17 22:00").timestamp()),
        ..BuyerState::default()
    };
    let order = r.order("W-1").unwrap().unwrap();
    let decision = r.decide(&order, &promised, t0 + chrono::Duration::minutes(5));
    assert_eq!(when(&decision), at("2025-11-17 22:00"));
    assert!(
        decision
            .describe(chrono_tz::Asia::Shanghai)
            .contains("the time the buyer said they would pay"),
        "{decision:?}"
    );
    // The buyer's second open order: one reminder keeps the promise.
    r.ingest(&created("W-3", "tg:7", t0, 99.0), t0).unwrap();
    // The orders' due entries move there, so the scheduler sends then.
    let ids = r.orders_of("tg:7").unwrap();
    assert_eq!(ids, vec!["W-1".to_string(), "W-3".to_string()]);
    r.reschedule_orders(&ids, &promised, t0).unwrap();
    let rec = Recorder::default();
    let with_promise = |_: &paynudge::orders::Order| promised;
    assert!(
        r.tick(at("2025-11-17 21:59"), &with_promise, &rec)
            .await
            .unwrap()
            .iter()
            .all(|s| s.order.buyer != "tg:7")
    );
    let sent = r
        .tick(at("2025-11-17 22:00"), &with_promise, &rec)
        .await
        .unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    // Kept once: after it is sent, the normal policy is back.
    let order = r.order("W-1").unwrap().unwrap();
    let next = r.decide(&order, &promised, at("2025-11-17 22:01"));
    assert!(
        !matches!(
            next,
            Decision::Remind {
                timing: paynudge::reminders::Timing::Promised,
                ..
            }
        ),
        "{next:?}"
    );
    // A time after the order closes, or long past, is no promise.
    let late = BuyerState {
        pay_at: Some((t0 + chrono::Duration::days(4)).timestamp()),
        ..BuyerState::default()
    };
    let fresh = r.ingest(&created("W-2", "tg:8", t0, 99.0), t0).unwrap();
    assert!(!matches!(
        r.decide(&fresh, &late, t0),
        Decision::Remind {
            timing: paynudge::reminders::Timing::Promised,
            ..
        }
    ));
    let lapsed = BuyerState {
        pay_at: Some((t0 - chrono::Duration::hours(2)).timestamp()),
        ..BuyerState::default()
    };
    assert!(!matches!(
        r.decide(&fresh, &lapsed, t0),
        Decision::Remind {
            timing: paynudge::reminders::Timing::Promised,
            ..
        }
    ));
}

/// The plan of `now`, one (order id, decision) per unpaid order.
fn plan_of(r: &Reminders, now: DateTime<Utc>) -> Vec<(String, Decision)> {
    r.plan(
        now,
        &nobody,
        |acc: &mut Vec<(String, Decision)>, order, d| acc.push((order.id.clone(), d)),
    )
    .unwrap()
    .concat()
}

#[tokio::test]
async fn the_plan_holds_a_buyers_second_order_back_by_the_gap_as_the_scheduler_does() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    // Friday evening: two orders of one buyer, ten minutes apart, and another buyer's.
    let friday = at("2025-11-14 20:00");
    for (id, buyer, created_at) in [
        ("A-1", "tg:1001", at("2025-11-14 19:50")),
        ("A-2", "tg:1001", friday),
        ("B-1", "tg:1002", friday),
    ] {
        r.ingest(&created(id, buyer, created_at, 99.0), friday)
            .unwrap();
    }
    let plan = plan_of(&r, friday);
    let decision = |id: &str| plan.iter().find(|(o, _)| o == id).unwrap().1.clone();
    assert_eq!(when(&decision("A-1")), at("2025-11-14 20:20"));
    assert_eq!(when(&decision("B-1")), at("2025-11-14 20:30"));
    // 20 h after A-1's reminder, inside Saturday's windows.
    let held = decision("A-2");
    assert_eq!(when(&held), at("2025-11-15 16:20"), "{held:?}");
    assert!(
        held.describe(chrono_tz::Asia::Shanghai).ends_with(
            "held back by the per-buyer gap until then (the buyer's reminder at 2025-11-14 20:20 CST goes first)"
        ),
        "{}",
        held.describe(chrono_tz::Asia::Shanghai)
    );
    let pages = r
        .plan(friday, &nobody, |page: &mut PlanPage, order, d| {
            page.add(order, &d, chrono_tz::Asia::Shanghai)
        })
        .unwrap();
    let mut summary = paynudge::reminders::Summary::default();
    pages.iter().for_each(|p| summary.merge(&p.summary));
    assert_eq!(
        (summary.orders, summary.message, summary.held_by_gap),
        (3, 3, 1)
    );

    // The scheduler, ticking every minute, sends exactly what the plan said.
    let rec = Recorder::default();
    let mut sent_at = HashMap::new();
    let mut now = friday;
    while now <= at("2025-11-15 16:30") {
        for reminder in r.tick(now, &nobody, &rec).await.unwrap() {
            sent_at.entry(reminder.order.id.clone()).or_insert(now);
        }
        now += chrono::Duration::minutes(1);
    }
    for id in ["A-1", "A-2", "B-1"] {
        assert_eq!(sent_at.get(id), Some(&when(&decision(id))), "{id}");
    }
}

#[test]
fn a_buyer_with_many_open_orders_gets_one_reminder_per_gap_in_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let monday = at("2025-11-17 10:00");
    for i in 0..50 {
        let id = format!("M-{i:02}");
        r.ingest(&created(&id, "tg:7", monday, 10.0), monday)
            .unwrap();
    }
    let plan = plan_of(&r, monday + chrono::Duration::hours(1));
    let mut times: Vec<DateTime<Utc>> = plan
        .iter()
        .filter_map(|(_, d)| match d {
            Decision::Remind { at, .. } => Some(*at),
            Decision::Skip(_) => None,
        })
        .collect();
    times.sort();
    // Orders close after three days: room for four reminders 20 h apart.
    assert_eq!(times.len(), 4, "{plan:?}");
    assert!(
        times
            .windows(2)
            .all(|w| w[1] - w[0] >= chrono::Duration::hours(20))
    );
    assert_eq!(plan[0].0, "M-00");
    assert!(
        plan.iter()
            .filter(|(_, d)| *d == Decision::Skip(Skip::WouldClose))
            .count()
            == 46
    );
}

#[test]
fn an_order_that_changes_buyer_is_planned_once_under_its_new_buyer() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let monday = at("2025-11-17 10:00");
    r.ingest(&created("C-1", "tg:1", monday, 10.0), monday)
        .unwrap();
    // The shop corrects the buyer: the order is theirs, and only theirs.
    r.ingest(&created("C-1", "tg:2", monday, 10.0), monday)
        .unwrap();
    let plan = r
        .plan(monday, &nobody, |acc: &mut Vec<String>, order, _| {
            acc.push(format!("{} {}", order.id, order.buyer))
        })
        .unwrap()
        .concat();
    assert_eq!(plan, ["C-1 tg:2"]);
    assert!(r.orders_of("tg:1").unwrap().is_empty());
    assert_eq!(r.orders_of("tg:2").unwrap(), ["C-1"]);
}

#[tokio::test]
async fn a_reminder_due_mid_chat_waits_until_the_chat_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, r) = open(dir.path(), &no_holdout());
    let monday = at("2025-11-17 10:00");
    r.ingest(&created("Q-1", "tg:8", monday, 99.0), monday)
        .unwrap();
    // Due at 10:30; the buyer is asking the bot about delivery at 10:29.
    let chatting = |_: &paynudge::orders::Order| BuyerState {
        last_active: Some(at("2025-11-17 10:29").timestamp()),
        ..BuyerState::default()
    };
    let due = at("2025-11-17 10:30");
    let order = r.order("Q-1").unwrap().unwrap();
    let decision = r.decide(&order, &chatting(&order), due);
    assert_eq!(when(&decision), at("2025-11-17 10:34"));
    assert!(
        decision
            .describe(chrono_tz::Asia::Shanghai)
            .ends_with("held while the buyer is chatting with the bot"),
        "{decision:?}"
    );
    let rec = Recorder::default();
    assert!(r.tick(due, &chatting, &rec).await.unwrap().is_empty());
    assert!(
        r.tick(at("2025-11-17 10:33"), &chatting, &rec)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(rec.ids(), Vec::<String>::new());
    assert_eq!(
        r.tick(at("2025-11-17 10:34"), &chatting, &rec)
            .await
            .unwrap()
            .len(),
        1
    );
    // The chat long over, nothing is held.
    let quiet = BuyerState {
        last_active: Some(at("2025-11-17 09:00").timestamp()),
        ..BuyerState::default()
    };
    r.ingest(&created("Q-2", "tg:9", monday, 99.0), monday)
        .unwrap();
    assert_eq!(
        when(&r.decide(&r.order("Q-2").unwrap().unwrap(), &quiet, due)),
        due
    );
}
