//! The real dispatcher, run against the fake Bot API, and stopped cleanly.

use paynudge::channels::telegram::{self, BotApi, Telegram};
use paynudge::store::{SessionStore, SledStore};
use paynudge::{Classifier, Config, Content, Engine};
use std::sync::Arc;
use std::time::Duration;
use teloxide::dispatching::ShutdownToken;
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::update_listeners::Polling;

pub struct Running<R> {
    token: ShutdownToken,
    handle: tokio::task::JoinHandle<()>,
    /// For the once-a-minute jobs, which tests run at a virtual time.
    pub app: Arc<Telegram>,
    pub bot: R,
}

/// Runs `app`'s dispatcher, polling with `bot`, the support group served by
/// `group_bot`.
pub fn start<R: BotApi, G: BotApi>(app: Arc<Telegram>, bot: R, group_bot: G) -> Running<R> {
    let mut dispatcher = app.dispatcher(bot.clone(), group_bot, false);
    let token = dispatcher.shutdown_token();
    let listener = Polling::builder(bot.clone())
        .timeout(Duration::from_secs(1))
        .build();
    let handle = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(listener, LoggingErrorHandler::new())
            .await;
    });
    Running {
        token,
        handle,
        app,
        bot,
    }
}

/// With the rate limiters, as in production.
pub fn start_throttled(
    url: &str,
    app: Arc<Telegram>,
) -> Running<teloxide::adaptors::Throttle<teloxide::Bot>> {
    let bot = telegram::bot(super::TOKEN, Some(url)).unwrap();
    let group_bot = telegram::group_bot(&bot);
    start(app, bot, group_bot)
}

impl<R> Running<R> {
    pub async fn stop(self) {
        loop {
            match self.token.shutdown() {
                Ok(done) => {
                    done.await;
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        tokio::time::timeout(Duration::from_secs(10), self.handle)
            .await
            .unwrap()
            .unwrap();
    }
}

/// What benchmark buyers write, in turn.
pub const BUYER_LINES: &[&str] = &[
    "forgot my alipay pin",
    "余额不够了",
    "the page keeps spinning",
    "我已经付过了",
    "hmm not sure",
    "满多少包邮",
];

/// An engine with the built-in content on a sled database in `dir`.
pub fn sled_engine(
    dir: &std::path::Path,
    config: Config,
    classifier: Arc<Classifier>,
) -> Arc<Engine> {
    let store: Arc<dyn SessionStore> = Arc::new(SledStore::open(dir).unwrap());
    Arc::new(Engine::new(
        config,
        Content::builtin().unwrap(),
        classifier,
        store,
    ))
}
