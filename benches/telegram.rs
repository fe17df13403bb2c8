//! `cargo bench --bench telegram`: simulated buyers talk to the real
//! dispatcher through the fake Bot API server on 127.0.0.1. Reports buyer
//! messages handled per second and the latency from a buyer's message
//! reaching the Bot API to the bot's first reply, with the rate limiter
//! lifted (what the bot itself can do) and with Telegram's limits on.

#[path = "../tests/fake_bot_api/mod.rs"]
mod fake_bot_api;

use fake_bot_api::{BUYER_LINES, FakeBotApi, TOKEN};
use paynudge::channels::telegram::{self, Telegram};
use paynudge::{Classifier, Config};
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn scenario(
    classifier: Arc<Classifier>,
    buyers: i64,
    per_buyer: usize,
    think: Duration,
    throttle: bool,
) {
    let fake = FakeBotApi::start().await;
    fake.quiet();
    let dir = tempfile::tempdir().unwrap();
    let engine = fake_bot_api::sled_engine(dir.path(), Config::default(), classifier);
    let app = Telegram::new(engine);
    let stop: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> = if throttle {
        Box::pin(fake_bot_api::start_throttled(&fake.url, app).stop())
    } else {
        let bot = telegram::plain_bot(TOKEN, Some(&fake.url)).unwrap();
        Box::pin(fake_bot_api::start(app, bot.clone(), bot).stop())
    };

    let began = Instant::now();
    let tasks: Vec<_> = (0..buyers)
        .map(|b| {
            let fake = fake.clone();
            tokio::spawn(async move {
                let chat = 10_000 + b;
                let mut latencies = Vec::with_capacity(per_buyer);
                for n in 0..per_buyer {
                    let before = fake.sent_count(chat);
                    let t0 = Instant::now();
                    fake.private_text(chat, BUYER_LINES[(b as usize + n) % BUYER_LINES.len()]);
                    fake.wait_sent(chat, before + 1).await;
                    latencies.push(t0.elapsed());
                    // Let the rest of this reply arrive before the next message.
                    tokio::time::sleep(Duration::from_millis(if throttle { 4000 } else { 20 }))
                        .await;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let wall = began.elapsed();
    latencies.sort();
    let pick = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];

    println!(
        "throttle {:<3} {:>5} buyers x {:>2}, pause {:>6.0?}: first reply p50 {:>8.1?} p99 {:>8.1?}; {:>7.0} buyer messages/s ({:.1?} wall)",
        if throttle { "on" } else { "off" },
        buyers,
        per_buyer,
        think,
        pick(0.5),
        pick(0.99),
        latencies.len() as f64 / wall.as_secs_f64(),
        wall
    );
    stop.await;
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let classifier = Arc::new(Classifier::builtin());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ms = Duration::from_millis;
        // One buyer at a time: the bot's own latency.
        scenario(classifier.clone(), 1, 200, ms(5), false).await;
        // 100 to 400 buyers writing as fast as the bot answers them.
        scenario(classifier.clone(), 50, 40, ms(0), false).await;
        scenario(classifier.clone(), 100, 20, ms(0), false).await;
        scenario(classifier.clone(), 400, 10, ms(0), false).await;
        scenario(classifier.clone(), 1000, 5, ms(0), false).await;
        // With Telegram's limits (1 message/s per chat): the limiter decides.
        scenario(classifier.clone(), 30, 2, ms(4000), true).await;
    });
}
