//! Everything the bot posts in the support group goes through one queue,
//! served by its own rate-limited bot.
//!
//! Why: Telegram holds a group to about 20 messages a minute, while buyers'
//! private chats share 30 a second. With one limiter for both, relays from
//! handed-over buyers filled its queue and every buyer waited behind them
//! (a first reply took 235 s instead of 1.3 s). So handlers only enqueue
//! here and return; buyers' replies go out on the buyers' limiter at once.
//! The queue keeps each buyer's jobs in order, posts a buyer's burst of
//! words as one message, and tells the agents when relays run late.

use super::{BotApi, HandlerResult, Telegram, fit};
use crate::session::UserId as BuyerId;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, ThreadId};
use tokio::sync::{mpsc, oneshot};

/// A relay that waited longer than this is marked as late for the agents.
const LATE: Duration = Duration::from_secs(60);

/// One thing to post in the support group.
pub enum Job {
    /// The buyer was just handed over: their topic (created once, or
    /// reopened), then the summary card.
    Open { buyer: BuyerId, name: String },
    /// What the buyer wrote, for their topic.
    Relay {
        buyer: BuyerId,
        name: String,
        what: Relayed,
    },
    /// A notice (a locale key, in the agents' language) in the buyer's topic.
    Notice { buyer: BuyerId, key: &'static str },
    /// A text in the group, in a topic or not, with buttons if given;
    /// `done` hears the outcome.
    Say {
        thread: Option<ThreadId>,
        text: String,
        buttons: Option<InlineKeyboardMarkup>,
        done: Option<oneshot::Sender<Result<(), RequestError>>>,
    },
}

pub enum Relayed {
    /// Words. A single message is copied from the buyer's chat (`from`), so
    /// agents see it as the buyer sent it; words merged from several
    /// messages are posted as one text (`from` is `None`).
    Text {
        text: String,
        from: Option<(ChatId, MessageId)>,
    },
    /// Media: copied from the buyer's chat as it is.
    Copy { chat: ChatId, message: MessageId },
    /// A picture another channel's buyer sent, kept beside the database.
    Photo(std::path::PathBuf),
}

struct Queued {
    job: Job,
    at: Instant,
}

/// The queue's two ends: handlers push, one task sends.
pub struct Queue {
    tx: mpsc::UnboundedSender<Queued>,
    /// Held by the sending task; shared so a restarted task takes it over.
    rx: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Queued>>>,
    /// Jobs pushed and not yet done, for the log.
    backlog: AtomicUsize,
}

impl Queue {
    pub fn new() -> Queue {
        let (tx, rx) = mpsc::unbounded_channel();
        Queue {
            tx,
            rx: Arc::new(tokio::sync::Mutex::new(rx)),
            backlog: AtomicUsize::new(0),
        }
    }

    /// Never waits: a buyer's handler must not.
    pub fn push(&self, job: Job) {
        let backlog = self.backlog.fetch_add(1, Ordering::Relaxed) + 1;
        if backlog.is_multiple_of(500) {
            tracing::warn!(
                backlog,
                "the support group's queue is long: Telegram allows a group about 20 messages a minute"
            );
        }
        let _ = self.tx.send(Queued {
            job,
            at: Instant::now(),
        });
    }

    /// Posts `text` in the group (in `thread`, if given) and waits for
    /// Telegram's answer.
    pub async fn say(&self, thread: Option<ThreadId>, text: String) -> Result<(), RequestError> {
        self.post(thread, text, None).await
    }

    /// [`Queue::say`] with buttons under the text.
    pub async fn post(
        &self,
        thread: Option<ThreadId>,
        text: String,
        buttons: Option<InlineKeyboardMarkup>,
    ) -> Result<(), RequestError> {
        let (done, answer) = oneshot::channel();
        self.push(Job::Say {
            thread,
            text,
            buttons,
            done: Some(done),
        });
        answer.await.unwrap_or_else(|_| {
            Err(RequestError::Io(Arc::new(std::io::Error::other(
                "the support group's sender stopped",
            ))))
        })
    }
}

/// Sends the queue's jobs with `bot` (the group's own limiter) until the
/// channel is dropped. It holds the channel only weakly, so that dropping
/// the last handle stops it.
pub async fn send_loop<G: BotApi>(app: Weak<Telegram>, bot: G) {
    let Some(rx) = app.upgrade().map(|app| app.group.rx.clone()) else {
        return;
    };
    let mut rx = rx.lock().await;
    while let Some(first) = rx.recv().await {
        let Some(app) = app.upgrade() else { return };
        let mut batch = vec![first];
        while let Ok(next) = rx.try_recv() {
            batch.push(next);
        }
        let count = batch.len();
        for queued in merged(batch) {
            if let Err(e) = run(&bot, &app, queued).await {
                tracing::warn!(error = %e, "posting in the support group failed");
            }
        }
        app.group.backlog.fetch_sub(count, Ordering::Relaxed);
    }
}

/// Lines a buyer wrote after asking for a person that the card, posted
/// later, quotes instead of relaying: the card shows the last 8 turns, and
/// the request plus three lines with the bot's acknowledgements are 8.
const QUOTED_BY_CARD: usize = 3;

/// A buyer's texts waiting together become one message: the group's
/// budget is spent per message, not per buyer line. Order per buyer holds:
/// a text joins the buyer's previous job only if that job is a text relay,
/// or the buyer's topic card not yet posted, which will quote it (the card
/// is written from the session when it is posted).
fn merged(batch: Vec<Queued>) -> Vec<Queued> {
    let mut out: Vec<Queued> = Vec::with_capacity(batch.len());
    let mut quoted: std::collections::HashMap<String, usize> = Default::default();
    for queued in batch {
        if let Job::Relay {
            buyer,
            what: Relayed::Text { text, .. },
            ..
        } = &queued.job
        {
            let previous = out.iter_mut().rev().find(|q| match &q.job {
                Job::Open { buyer: b, .. }
                | Job::Relay { buyer: b, .. }
                | Job::Notice { buyer: b, .. } => b == buyer,
                Job::Say { .. } => false,
            });
            match previous {
                Some(Queued {
                    job:
                        Job::Relay {
                            what: Relayed::Text { text: joined, from },
                            ..
                        },
                    ..
                }) => {
                    joined.push('\n');
                    joined.push_str(text);
                    *from = None;
                    continue;
                }
                Some(Queued {
                    job: Job::Open { .. },
                    ..
                }) => {
                    let count = quoted.entry(buyer.as_str().to_string()).or_default();
                    if *count < QUOTED_BY_CARD {
                        *count += 1;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(queued);
    }
    out
}

async fn run<G: BotApi>(bot: &G, app: &Telegram, queued: Queued) -> HandlerResult {
    let Some(group) = app.agents.group() else {
        return Ok(());
    };
    let late = queued.at.elapsed();
    match queued.job {
        Job::Open { buyer, name } => super::agents::open_topic(bot, app, &buyer, &name).await,
        Job::Relay { buyer, name, what } => {
            let (thread, created) = super::agents::ensure_topic(bot, app, &buyer, &name).await?;
            if created {
                // A new topic starts with the card, which quotes the words.
                return super::agents::post_card(bot, app, &buyer, &name, thread).await;
            }
            if late > LATE {
                let minutes = late.as_secs().div_ceil(60);
                let note = app.engine.relay_late_note(app.agents.lang, minutes);
                bot.send_message(group, note)
                    .message_thread_id(thread)
                    .await?;
            }
            match what {
                Relayed::Text { text, from: None } => {
                    bot.send_message(group, fit(text))
                        .message_thread_id(thread)
                        .await?;
                }
                Relayed::Text {
                    from: Some((chat, message)),
                    ..
                }
                | Relayed::Copy { chat, message } => {
                    bot.copy_message(group, chat, message)
                        .message_thread_id(thread)
                        .await?;
                }
                Relayed::Photo(file) => {
                    bot.send_photo(group, teloxide::types::InputFile::file(file))
                        .message_thread_id(thread)
                        .await?;
                }
            }
            Ok(())
        }
        Job::Notice { buyer, key } => super::agents::notice(bot, app, &buyer, key).await,
        Job::Say {
            thread,
            text,
            buttons,
            done,
        } => {
            let mut request = bot.send_message(group, fit(text));
            if let Some(buttons) = buttons {
                request = request.reply_markup(buttons);
            }
            let sent = match thread {
                Some(t) => request.message_thread_id(t).await,
                None => request.await,
            }
            .map(|_| ());
            match done {
                Some(done) => {
                    let _ = done.send(sent);
                    Ok(())
                }
                None => sent.map_err(Into::into),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay(buyer: &str, text: &str) -> Queued {
        Queued {
            job: Job::Relay {
                buyer: BuyerId::parse(buyer).unwrap(),
                name: String::new(),
                what: Relayed::Text {
                    text: text.into(),
                    from: Some((ChatId(1), MessageId(1))),
                },
            },
            at: Instant::now(),
        }
    }

    fn texts(jobs: &[Queued]) -> Vec<String> {
        jobs.iter()
            .map(|q| match &q.job {
                Job::Relay {
                    buyer,
                    what: Relayed::Text { text, from },
                    ..
                } => format!(
                    "{buyer}: {text}{}",
                    if from.is_some() { "" } else { " (merged)" }
                ),
                Job::Relay { buyer, .. } => format!("{buyer}: [media]"),
                Job::Open { buyer, .. } => format!("{buyer}: card"),
                _ => "other".into(),
            })
            .collect()
    }

    #[test]
    fn a_buyers_burst_becomes_one_message_in_order() {
        let media = Queued {
            job: Job::Relay {
                buyer: BuyerId::parse("tg:1").unwrap(),
                name: String::new(),
                what: Relayed::Copy {
                    chat: ChatId(1),
                    message: MessageId(9),
                },
            },
            at: Instant::now(),
        };
        let batch = vec![
            relay("tg:1", "a"),
            relay("tg:2", "x"),
            relay("tg:1", "b"),
            media,
            relay("tg:1", "c"),
            relay("tg:2", "y"),
        ];
        assert_eq!(
            texts(&merged(batch)),
            [
                "tg:1: a\nb (merged)",
                "tg:2: x\ny (merged)",
                "tg:1: [media]",
                "tg:1: c"
            ]
        );
    }

    #[test]
    fn a_card_not_yet_posted_quotes_the_buyers_next_three_lines() {
        let open = |buyer: &str| Queued {
            job: Job::Open {
                buyer: BuyerId::parse(buyer).unwrap(),
                name: String::new(),
            },
            at: Instant::now(),
        };
        let batch = vec![
            open("tg:1"),
            relay("tg:1", "a"),
            relay("tg:2", "x"),
            relay("tg:1", "b"),
            relay("tg:1", "c"),
            relay("tg:1", "d"),
            relay("tg:1", "e"),
        ];
        assert_eq!(
            texts(&merged(batch)),
            ["tg:1: card", "tg:2: x", "tg:1: d\ne (merged)"]
        );
    }
}
