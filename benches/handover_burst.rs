//! `cargo bench --bench handover_burst`: a sale evening's burst at the
//! Telegram support group. `BUYERS` (50) buyers ask for a person within a
//! minute and each writes two more lines a few seconds later; the group is
//! served by its own limiter, as in production (Telegram allows a group
//! about 20 messages a minute). Reports how long until every buyer's words
//! are in their topic (the card quotes them, or a relay carries them), per
//! buyer from their last line, and the group messages it took.
//!
//! Runs minutes, not seconds: Telegram's limit, not the bot, sets the pace.

#[path = "../tests/fake_bot_api/mod.rs"]
mod fake_bot_api;

use fake_bot_api::{FakeBotApi, GROUP};
use paynudge::channels::telegram::Telegram;
use paynudge::{Classifier, Config, UserId};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Whether every line `chat` wrote is in its topic: quoted in a text there,
/// or copied there from the buyer's chat.
fn covered(fake: &FakeBotApi, thread: i64, chat: i64, lines: &[String]) -> bool {
    let texts: Vec<String> = fake
        .calls("SendMessage")
        .iter()
        .filter(|m| m["chat_id"] == json!(GROUP) && m["message_thread_id"] == json!(thread))
        .filter_map(|m| m["text"].as_str().map(str::to_string))
        .collect();
    let copies = fake
        .calls("CopyMessage")
        .iter()
        .filter(|m| m["message_thread_id"] == json!(thread) && m["from_chat_id"] == json!(chat))
        .count();
    let quoted = lines
        .iter()
        .filter(|l| texts.iter().any(|t| t.contains(l.as_str())))
        .count();
    quoted + copies >= lines.len()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let buyers: i64 = std::env::var("BUYERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let classifier = Arc::new(Classifier::builtin());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let fake = FakeBotApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.agents.chat_id = GROUP;
        let engine = fake_bot_api::sled_engine(dir.path(), config, classifier);
        let app = Telegram::new(engine.clone());
        let running = fake_bot_api::start_throttled(&fake.url, app);

        // Within a minute, each buyer asks for a person, then says two
        // more things 3 and 6 seconds later.
        let began = Instant::now();
        let spacing = Duration::from_secs(60) / u32::try_from(buyers).unwrap();
        let mut said: Vec<(i64, Vec<String>)> = Vec::new();
        for b in 0..buyers {
            let chat = 20_000 + b;
            let lines = vec![
                format!("买家{b}: 转人工"),
                format!("买家{b}: 付款一直失败，提示银行卡限额"),
                format!("买家{b}: 订单号是 A-{b:04}"),
            ];
            let fake = fake.clone();
            let send = lines.clone();
            tokio::spawn(async move {
                tokio::time::sleep(spacing * u32::try_from(b).unwrap()).await;
                for (n, line) in send.iter().enumerate() {
                    if n > 0 {
                        tokio::time::sleep(Duration::from_secs(3)).await;
                    }
                    fake.private_text(chat, line);
                }
            });
            said.push((chat, lines));
        }
        let last_line = |b: usize| spacing * u32::try_from(b).unwrap() + Duration::from_secs(6);

        let mut done: Vec<Option<Duration>> = vec![None; said.len()];
        while done.iter().any(Option::is_none) {
            tokio::time::sleep(Duration::from_millis(250)).await;
            assert!(began.elapsed() < Duration::from_secs(1800), "stuck: {done:?}");
            for (b, (chat, lines)) in said.iter().enumerate() {
                if done[b].is_some() || began.elapsed() < last_line(b) {
                    continue;
                }
                let buyer = UserId::parse(&format!("tg:{chat}")).unwrap();
                let thread = engine
                    .session(&buyer)
                    .unwrap()
                    .and_then(|s| s.agent_thread)
                    .and_then(|t| t.parse::<i64>().ok());
                if let Some(thread) = thread
                    && covered(&fake, thread, *chat, lines)
                {
                    done[b] = Some(began.elapsed().saturating_sub(last_line(b)));
                }
            }
        }
        let all = began.elapsed();
        let mut waits: Vec<Duration> = done.into_iter().flatten().collect();
        waits.sort();
        let pick = |p: f64| waits[((waits.len() - 1) as f64 * p).round() as usize];
        let posts = fake
            .calls("SendMessage")
            .iter()
            .filter(|m| m["chat_id"] == json!(GROUP))
            .count()
            + fake.calls("CopyMessage").len();
        println!(
            "handover burst: {buyers} buyers within a minute, 3 lines each: every line in its topic {:.0?} after the first; per buyer from their last line p50 {:.0?} p99 {:.0?} max {:.0?}; {posts} group messages for {} buyer lines",
            all,
            pick(0.5),
            pick(0.99),
            waits[waits.len() - 1],
            buyers * 3
        );
        running.stop().await;
    });
}
