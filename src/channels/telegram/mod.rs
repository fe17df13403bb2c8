//! The Telegram channel: buyers in private chats, agents in a support
//! supergroup with one forum topic per handed-off buyer.
//!
//! Only this module imports teloxide. It turns updates into `Engine` calls
//! and `Reply`s into messages: plain text (never a parse mode, so buyer text
//! is never read as markup), quick replies as an inline keyboard whose
//! buttons carry the question's tag.

mod agents;
mod group;
mod reminders;

use crate::channels::desk::{Desk, Outbox, Shown, Voice};
use crate::engine::{Engine, Reply};
use crate::error::Error;
use crate::lang::Lang;
use crate::session::UserId as BuyerId;
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::{DefaultKey, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, Message,
};
use teloxide::{ApiError, RequestError};

/// What the handlers need of a bot. In production it is `Throttle<Bot>`:
/// every request goes through teloxide's rate limiter (Telegram: 1 message/s
/// and 20/min per chat, 30/s overall), and a 429 on a send is waited out and
/// the send retried, never lost. The benchmark also runs a plain `Bot`
/// (Throttle's worker releases sends every 250 ms, which would hide what the
/// bot itself can do).
pub trait BotApi:
    Requester<
        Err = RequestError,
        GetUpdates: Send,
        DeleteWebhook: Send,
        GetMe: Send,
        SetMyCommands: Send,
        SendMessage: Send,
        EditMessageReplyMarkup: Send,
        AnswerCallbackQuery: Send,
        CreateForumTopic: Send,
        CloseForumTopic: Send,
        ReopenForumTopic: Send,
        CopyMessage: Send,
        SendPhoto: Send,
        GetChatAdministrators: Send,
    > + Clone
    + Send
    + Sync
    + 'static
{
}
// The same bounds again: a blanket impl cannot borrow a trait's supertraits.
impl<T> BotApi for T where
    T: Requester<
            Err = RequestError,
            GetUpdates: Send,
            DeleteWebhook: Send,
            GetMe: Send,
            SetMyCommands: Send,
            SendMessage: Send,
            EditMessageReplyMarkup: Send,
            AnswerCallbackQuery: Send,
            CreateForumTopic: Send,
            CloseForumTopic: Send,
            ReopenForumTopic: Send,
            CopyMessage: Send,
            SendPhoto: Send,
            GetChatAdministrators: Send,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

type HandlerError = Box<dyn std::error::Error + Send + Sync>;
type HandlerResult = Result<(), HandlerError>;

/// Shared by all handlers.
pub struct Telegram {
    engine: Arc<Engine>,
    agents: agents::Agents,
    /// Everything for the support group, sent by its own limiter.
    group: group::Queue,
    /// Buyers on other channels (the web chat), whom agents here serve too.
    others: std::sync::OnceLock<Arc<dyn Outbox>>,
}

/// Reads `TELOXIDE_TOKEN` (and `TELOXIDE_API_URL`, if set) and builds the
/// rate-limited bot.
pub fn bot_from_env() -> Result<Throttle<Bot>, Error> {
    let token = std::env::var("TELOXIDE_TOKEN").map_err(|_| {
        Error::Setup("TELOXIDE_TOKEN is not set\nhint: get a token from @BotFather and `export TELOXIDE_TOKEN=...`".into())
    })?;
    let api_url = std::env::var("TELOXIDE_API_URL").ok();
    bot(&token, api_url.as_deref())
}

/// The rate-limited bot for buyers' chats, for a token and an optional Bot
/// API server URL. Needs a running tokio runtime (the limiter is a task).
pub fn bot(token: &str, api_url: Option<&str>) -> Result<Throttle<Bot>, Error> {
    // Telegram's 30 messages a second are for the whole bot: one of them is
    // left to the support group's limiter.
    let limits = Limits {
        messages_per_sec_overall: 29,
        ..Limits::default()
    };
    Ok(plain_bot(token, api_url)?.throttle(limits))
}

/// The support group's own limiter, beside the buyers' one (see
/// `group.rs`): Telegram allows a group about 20 messages a minute
/// (teloxide's default for supergroups is 10).
pub fn group_bot(bot: &Throttle<Bot>) -> Throttle<Bot> {
    let limits = Limits {
        messages_per_sec_overall: 1,
        messages_per_min_channel_or_supergroup: 20,
        ..Limits::default()
    };
    bot.inner().clone().throttle(limits)
}

/// The bot without a rate limiter (for measuring the bot itself).
pub fn plain_bot(token: &str, api_url: Option<&str>) -> Result<Bot, Error> {
    if !valid_token(token) {
        // Never echo the token: it is a secret.
        return Err(Error::Setup(
            "TELOXIDE_TOKEN does not look like a bot token (digits, a colon, then letters)\nhint: copy it again from @BotFather".into(),
        ));
    }
    let mut bot = Bot::new(token);
    if let Some(url) = api_url {
        let url = url.trim_end_matches('/');
        let parsed = url
            .parse()
            .ok()
            .filter(|_| url.starts_with("http://") || url.starts_with("https://"))
            .ok_or_else(|| {
                Error::Setup(format!("TELOXIDE_API_URL = {url:?} is not an http(s) URL"))
            })?;
        bot = bot.set_api_url(parsed);
    }
    Ok(bot)
}

fn valid_token(token: &str) -> bool {
    let Some((id, secret)) = token.split_once(':') else {
        return false;
    };
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && secret.len() >= 20
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// How updates reach the bot.
pub enum Mode {
    Polling,
    /// Telegram posts updates to `url`; the bot listens on `listen`. The
    /// `X-Telegram-Bot-Api-Secret-Token` header is checked on every request.
    /// Without a `secret`, a random one is made for this run.
    Webhook {
        url: String,
        listen: std::net::SocketAddr,
        secret: Option<String>,
    },
}

impl Telegram {
    pub fn new(engine: Arc<Engine>) -> Arc<Telegram> {
        let agents = agents::Agents::new(&engine.config().agents);
        Arc::new(Telegram {
            engine,
            agents,
            group: group::Queue::new(),
            others: std::sync::OnceLock::new(),
        })
    }

    /// Lets the agents here serve the buyers `outbox` holds (set once).
    pub fn serve_others(&self, outbox: Arc<dyn Outbox>) {
        let _ = self.others.set(outbox);
    }

    /// The dispatcher, for `run` and for tests that stop it themselves.
    /// Starts the support group's sender on `group_bot`, a limiter of its
    /// own (see `group.rs`).
    pub fn dispatcher<R: BotApi, G: BotApi>(
        self: &Arc<Self>,
        bot: R,
        group_bot: G,
        ctrlc: bool,
    ) -> Dispatcher<R, HandlerError, DefaultKey> {
        supervise("returning freed memory", super::return_freed_memory);
        supervise("the support group's sender", {
            let app = Arc::downgrade(self);
            move || group::send_loop(app.clone(), group_bot.clone())
        });
        let builder = Dispatcher::builder(bot, schema::<R>())
            .dependencies(dptree::deps![self.clone()])
            .default_handler(|_| async {})
            .error_handler(LoggingErrorHandler::with_custom_text(
                "telegram handler failed",
            ));
        if ctrlc {
            builder.enable_ctrlc_handler().build()
        } else {
            builder.build()
        }
    }

    /// Registers the commands, starts the agents' reminder loop, and handles
    /// updates until Ctrl-C.
    pub async fn run<R: BotApi, G: BotApi>(
        self: Arc<Self>,
        bot: R,
        group_bot: G,
        mode: Mode,
    ) -> Result<(), Error> {
        self.run_until(bot, group_bot, mode, std::future::pending())
            .await
    }

    /// [`Telegram::run`] until `stop` completes too (`paynudge serve` on
    /// SIGTERM): updates being handled are finished, no new ones taken.
    pub async fn run_until<R: BotApi, G: BotApi>(
        self: Arc<Self>,
        bot: R,
        group_bot: G,
        mode: Mode,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let me = bot.get_me().await.map_err(|e| match e {
            RequestError::Api(ApiError::InvalidToken) => Error::Setup(
                "Telegram rejected the bot token\nhint: check TELOXIDE_TOKEN (from @BotFather)"
                    .into(),
            ),
            other => Error::Setup(format!("cannot reach the Telegram Bot API: {other}")),
        })?;
        tracing::info!(bot = %me.username.as_deref().unwrap_or("?"), "connected to Telegram");
        if let Err(e) = self.register_commands(&bot).await {
            tracing::warn!(error = %e, "could not register the bot commands");
        }
        supervise("the handoff pings", {
            let app = self.clone();
            move || agents::ping_loop(app.clone())
        });
        supervise("the reminder scheduler", {
            let (app, bot) = (self.clone(), bot.clone());
            move || reminders::tick_loop(app.clone(), bot.clone())
        });
        let mut dispatcher = self.dispatcher(bot.clone(), group_bot, true);
        let token = dispatcher.shutdown_token();
        tokio::spawn(async move {
            stop.await;
            // Not yet dispatching (still connecting): it stops when it starts.
            while let Err(teloxide::dispatching::IdleShutdownError) = token.shutdown() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        let errors = LoggingErrorHandler::with_custom_text("telegram update listener failed");
        match mode {
            Mode::Polling => {
                let listener = teloxide::update_listeners::Polling::builder(bot)
                    .timeout(Duration::from_secs(10))
                    .delete_webhook()
                    .await
                    .build();
                dispatcher.dispatch_with_listener(listener, errors).await;
            }
            Mode::Webhook {
                url,
                listen,
                secret,
            } => {
                let url = url
                    .parse()
                    .map_err(|_| Error::Setup(format!("--webhook {url:?} is not a URL")))?;
                let mut options = teloxide::update_listeners::webhooks::Options::new(listen, url);
                if let Some(secret) = secret {
                    let valid = (1..=256).contains(&secret.len())
                        && secret
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                    if !valid {
                        return Err(Error::Setup(
                            "PAYNUDGE_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -".into(),
                        ));
                    }
                    options = options.secret_token(secret);
                }
                // Bound before the webhook is set, so a taken port fails
                // loudly instead of leaving Telegram posting to nobody.
                let socket = tokio::net::TcpListener::bind(listen)
                    .await
                    .map_err(|e| Error::Setup(format!("cannot listen on {listen}: {e}")))?;
                let (listener, stopped, router) =
                    teloxide::update_listeners::webhooks::axum_to_router(bot, options)
                        .await
                        .map_err(|e| Error::Setup(format!("cannot set the webhook: {e}")))?;
                let limits = crate::channels::http::Limits::default();
                tokio::spawn(crate::channels::http::serve(
                    socket, router, limits, stopped,
                ));
                dispatcher.dispatch_with_listener(listener, errors).await;
            }
        }
        Ok(())
    }

    /// `/start`, `/lang`, `/human`, `/help`, `/stop`, described in both languages.
    pub async fn register_commands<R: BotApi>(&self, bot: &R) -> Result<(), RequestError> {
        for lang in Lang::ALL {
            let commands: Vec<BotCommand> = ["start", "lang", "human", "help", "stop"]
                .iter()
                .map(|c| BotCommand::new(*c, self.engine.text(lang, &format!("command-{c}"))))
                .collect();
            let request = bot
                .set_my_commands(commands)
                .scope(BotCommandScope::AllPrivateChats);
            match lang {
                Lang::En => request.await?,
                Lang::Zh => request.language_code("zh").await?,
            };
        }
        Ok(())
    }

    /// Sends a reply to a buyer: its texts, with the options as an inline
    /// keyboard under the last one. A buyer who blocked the bot is marked
    /// and not written to again until they write.
    /// Shows `reply` to the buyer on their channel: their Telegram chat, or
    /// the other channel that holds them.
    async fn reach<R: BotApi>(
        &self,
        bot: &R,
        buyer: &BuyerId,
        voice: Voice,
        reply: &Reply,
    ) -> HandlerResult {
        if let Some(chat) = buyer_chat(buyer) {
            return self.deliver(bot, chat, buyer, reply).await;
        }
        match self.others.get().filter(|o| o.holds(buyer)) {
            Some(outbox) => Ok(outbox.show(buyer, voice, reply).await?),
            None => Err(format!("{buyer}'s chat is on no running channel").into()),
        }
    }

    async fn deliver<R: BotApi>(
        &self,
        bot: &R,
        chat: ChatId,
        buyer: &BuyerId,
        reply: &Reply,
    ) -> HandlerResult {
        let last = reply.replies.len().saturating_sub(1);
        for (n, text) in reply.replies.iter().enumerate() {
            let mut request = bot.send_message(chat, fit(text.clone()));
            if n == last && !reply.options.is_empty() {
                request = request.reply_markup(keyboard(reply));
            }
            match request.await {
                Ok(_) => {}
                Err(e) if blocked(&e) => {
                    tracing::info!(buyer = %buyer, "buyer blocked the bot");
                    self.engine.mark_blocked(buyer, Utc::now()).await?;
                    return Ok(());
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

/// Telegram's buyers, for a desk elsewhere (the web desk): an agent's
/// words there reach the buyer's Telegram chat through `bot`.
pub struct TelegramBuyers<R> {
    app: Arc<Telegram>,
    bot: R,
}

impl<R: BotApi> TelegramBuyers<R> {
    pub fn new(app: Arc<Telegram>, bot: R) -> Self {
        TelegramBuyers { app, bot }
    }
}

impl<R: BotApi> Outbox for TelegramBuyers<R> {
    fn holds(&self, buyer: &BuyerId) -> bool {
        buyer_chat(buyer).is_some()
    }

    fn show<'a>(&'a self, buyer: &'a BuyerId, _: Voice, reply: &'a Reply) -> Shown<'a> {
        Box::pin(async move {
            let Some(chat) = buyer_chat(buyer) else {
                return Err(Error::Setup(format!("{buyer} is not a Telegram chat")));
            };
            (self.app.deliver(&self.bot, chat, buyer, reply).await)
                .map_err(|e| Error::Setup(format!("sending to {buyer} on Telegram failed: {e}")))
        })
    }
}

/// The support group as the agents' desk for other channels' buyers.
impl Desk for Telegram {
    fn handed_over(&self, buyer: &BuyerId, name: &str) {
        self.group.push(group::Job::Open {
            buyer: buyer.clone(),
            name: name.to_string(),
        });
    }

    fn relay_text(&self, buyer: &BuyerId, name: &str, text: &str) {
        self.group.push(group::Job::Relay {
            buyer: buyer.clone(),
            name: name.to_string(),
            what: group::Relayed::Text {
                text: text.to_string(),
                from: None,
            },
        });
    }

    fn relay_image(&self, buyer: &BuyerId, name: &str, file: &std::path::Path) {
        self.group.push(group::Job::Relay {
            buyer: buyer.clone(),
            name: name.to_string(),
            what: group::Relayed::Photo(file.to_path_buf()),
        });
    }

    fn withdrawn(&self, buyer: &BuyerId, name: &str, text: &str) {
        self.relay_text(buyer, name, text);
        self.group.push(group::Job::Notice {
            buyer: buyer.clone(),
            key: "agent-buyer-withdrew",
        });
    }
}

/// Telegram refuses a message over 4,096 characters (UTF-16 code units):
/// a longer one is cut, with `…`, rather than lost.
pub(super) fn fit(text: String) -> String {
    const MAX_UNITS: usize = 4096;
    if text.len() <= MAX_UNITS || text.encode_utf16().count() <= MAX_UNITS {
        return text;
    }
    let mut units = 0;
    let mut cut: String = text
        .chars()
        .take_while(|c| {
            units += c.len_utf16();
            units < MAX_UNITS
        })
        .collect();
    cut.push('…');
    cut
}

fn blocked(e: &RequestError) -> bool {
    match e {
        RequestError::Api(
            ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::CantInitiateConversation,
        ) => true,
        RequestError::Api(ApiError::Unknown(description)) => description.starts_with("Forbidden"),
        _ => false,
    }
}

/// One button per row; the callback data is `q<question tag>:<value>`.
fn keyboard(reply: &Reply) -> InlineKeyboardMarkup {
    let tag = reply.question.unwrap_or(0);
    InlineKeyboardMarkup::new(reply.options.iter().map(|o| {
        vec![InlineKeyboardButton::callback(
            o.label.clone(),
            format!("q{tag}:{}", o.value),
        )]
    }))
}

fn parse_callback(data: &str) -> Option<(u64, &str)> {
    let (tag, value) = data.strip_prefix('q')?.split_once(':')?;
    Some((tag.parse().ok()?, value))
}

/// A buyer's session id: their private chat.
fn buyer_id(chat: ChatId) -> Result<BuyerId, Error> {
    BuyerId::parse(&format!("tg:{}", chat.0))
}

/// The private chat behind a buyer id made by `buyer_id`; `None` for ids
/// Telegram could not have issued, which never reach teloxide (its rate
/// limiter panics on them).
pub(super) fn buyer_chat(buyer: &BuyerId) -> Option<ChatId> {
    let chat = ChatId(buyer.telegram_chat()?);
    (buyer_id(chat).ok().as_ref() == Some(buyer)).then_some(chat)
}

fn schema<R: BotApi>() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            Update::filter_message().endpoint(|bot: R, msg: Message, app: Arc<Telegram>| {
                contained(on_message(bot, msg, app))
            }),
        )
        .branch(Update::filter_callback_query().endpoint(
            |bot: R, q: CallbackQuery, app: Arc<Telegram>| contained(on_callback(bot, q, app)),
        ))
}

/// Runs a handler in a task of its own, so that a panic stays within its
/// update: logged as a handler error. Unwound in teloxide's per-chat worker,
/// it would leave that chat dead and then panic the dispatcher itself.
async fn contained(
    handler: impl std::future::Future<Output = HandlerResult> + Send + 'static,
) -> HandlerResult {
    match tokio::spawn(handler).await {
        Ok(result) => result,
        Err(e) => Err(format!("a handler panicked: {e}").into()),
    }
}

/// What kind of non-text message this is, if any.
fn media_kind(msg: &Message) -> Option<&'static str> {
    if msg.photo().is_some() {
        Some("photo")
    } else if msg.sticker().is_some() {
        Some("sticker")
    } else if msg.voice().is_some() || msg.audio().is_some() {
        Some("voice")
    } else if msg.document().is_some() {
        Some("file")
    } else if msg.video().is_some() || msg.animation().is_some() || msg.video_note().is_some() {
        Some("video")
    } else {
        None
    }
}

async fn on_message<R: BotApi>(bot: R, msg: Message, app: Arc<Telegram>) -> HandlerResult {
    if app.agents.is_group(msg.chat.id) {
        return agents::on_group_message(&bot, &msg, &app).await;
    }
    if !msg.chat.is_private() {
        return Ok(());
    }
    let buyer = buyer_id(msg.chat.id)?;
    let name = msg.from.as_ref().map(|u| u.full_name()).unwrap_or_default();
    let now = Utc::now();
    if let Some(text) = msg.text() {
        if agents::is_agent_command(text) {
            let lang = app
                .engine
                .session(&buyer)?
                .map(|s| s.lang)
                .unwrap_or_default();
            bot.send_message(msg.chat.id, app.engine.text(lang, "agents-only"))
                .await?;
            return Ok(());
        }
        // Telegram tells the buyer's app language: a new buyer's first
        // reply is in it when their words do not tell.
        let hint = msg
            .from
            .as_ref()
            .and_then(|u| u.language_code.as_deref())
            .and_then(|code| code.get(..2))
            .and_then(|code| code.parse::<Lang>().ok());
        let reply = app.engine.handle_hinted(&buyer, text, hint, now).await?;
        app.deliver(&bot, msg.chat.id, &buyer, &reply).await?;
        let relay = || group::Job::Relay {
            buyer: buyer.clone(),
            name: name.clone(),
            what: group::Relayed::Text {
                text: text.to_string(),
                from: Some((msg.chat.id, msg.id)),
            },
        };
        if reply.handoff_started {
            app.group.push(group::Job::Open { buyer, name });
        } else if reply.handoff {
            app.group.push(relay());
        } else if reply.handoff_withdrawn {
            // The agents see the words and that the buyer is back with the bot.
            app.group.push(relay());
            app.group.push(group::Job::Notice {
                buyer,
                key: "agent-buyer-withdrew",
            });
        }
    } else if let Some(kind) = media_kind(&msg) {
        let reply = app.engine.handle_media(&buyer, kind, now).await?;
        if reply.handoff {
            app.group.push(group::Job::Relay {
                buyer,
                name,
                what: group::Relayed::Copy {
                    chat: msg.chat.id,
                    message: msg.id,
                },
            });
        } else {
            app.deliver(&bot, msg.chat.id, &buyer, &reply).await?;
        }
    }
    Ok(())
}

/// Runs a background task for the life of the process: if it panics, the
/// panic is logged and the task started again (after a second, so a task
/// that panics at once cannot spin). A task that returns is done.
fn supervise<F, T>(what: &'static str, task: T)
where
    T: Fn() -> F + Send + 'static,
    F: std::future::Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match tokio::spawn(task()).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => {
                    tracing::error!(task = what, "a background task panicked; restarting it");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(_) => return,
            }
        }
    });
}

async fn on_callback<R: BotApi>(bot: R, q: CallbackQuery, app: Arc<Telegram>) -> HandlerResult {
    let Some(message) = &q.message else {
        return Ok(());
    };
    let chat = message.chat().id;
    if app.agents.is_group(chat) {
        if let Some((order, outcome)) = q.data.as_deref().and_then(agents::parse_outcome) {
            agents::on_outcome_tap(&bot, &app, &q, order, outcome).await?;
        }
        return Ok(());
    }
    // Answer first so the buyer's client stops its spinner; then take the
    // keyboard away so the same buttons cannot be pressed again.
    if let Err(e) = bot.answer_callback_query(q.id.clone()).await {
        tracing::debug!(error = %e, "answering a callback failed");
    }
    if let Err(e) = bot.edit_message_reply_markup(chat, message.id()).await {
        tracing::debug!(error = %e, "removing a keyboard failed");
    }
    if !message.chat().is_private() {
        return Ok(());
    }
    let Some((tag, value)) = q.data.as_deref().and_then(parse_callback) else {
        return Ok(());
    };
    let buyer = buyer_id(chat)?;
    let reply = app
        .engine
        .handle_tap(&buyer, tag, value, Utc::now())
        .await?;
    app.deliver(&bot, chat, &buyer, &reply).await?;
    if reply.handoff_started {
        app.group.push(group::Job::Open {
            buyer,
            name: q.from.full_name(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_without_being_echoed() {
        assert!(valid_token("123456:ABCdefGHIjklMNOpqrSTUvwxYZ_-123"));
        for bad in [
            "",
            "abc",
            "123456",
            ":abc",
            "12a:ABCdefGHIjklMNOpqrSTU",
            "123:short",
            "123:has space in it 1234567",
        ] {
            assert!(!valid_token(bad), "{bad}");
        }
        let err = plain_bot("999:not a token at all", None)
            .err()
            .unwrap()
            .to_string();
        assert!(!err.contains("not a token at all"), "{err}");
    }

    #[tokio::test]
    async fn a_background_task_that_panics_is_started_again() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let starts = Arc::new(AtomicUsize::new(0));
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let done = Arc::new(std::sync::Mutex::new(Some(done)));
        supervise("a test task", {
            let starts = starts.clone();
            move || {
                let (starts, done) = (starts.clone(), done.clone());
                async move {
                    if starts.fetch_add(1, Ordering::SeqCst) == 0 {
                        panic!("the first run fails");
                    }
                    if let Some(done) = done.lock().unwrap().take() {
                        let _ = done.send(());
                    }
                }
            }
        });
        finished.await.unwrap();
        assert_eq!(starts.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn callback_data_round_trips() {
        assert_eq!(parse_callback("q12:alipay"), Some((12, "alipay")));
        assert_eq!(parse_callback("q12:a:b"), Some((12, "a:b")));
        assert_eq!(parse_callback("x12:alipay"), None);
        assert_eq!(parse_callback("qx:alipay"), None);
    }
}
