//! The shop's configuration: facts the texts quote, CS hours, session and
//! understanding settings, and optional paths to the shop's own dialogs and
//! locales. Every field has a default, so paynudge runs with no file at all.

use crate::error::Error;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub shop: Shop,
    pub cs: CustomerService,
    pub session: SessionSettings,
    pub understanding: Understanding,
    pub paths: Paths,
    pub telegram: Telegram,
    pub agents: Agents,
    pub links: Links,
    pub reminders: RemindersConfig,
    pub web: Web,
    pub desk: Desk,
}

/// The agents' web desk (`/desk` on `paynudge serve`): who may sign in.
/// Only password hashes are here (`paynudge agent add NAME` prints a line).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Desk {
    pub agents: Vec<DeskAgent>,
    /// Failed sign-ins in a row, for one name or one address, before a lock.
    pub lock_after_failures: u32,
    pub lock_minutes: u32,
    /// A signed-in agent is signed out after this long.
    pub session_hours: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskAgent {
    pub name: String,
    /// An argon2 PHC string (`$argon2id$...`).
    pub password_hash: String,
    /// The desk's language for this agent.
    #[serde(default)]
    pub lang: crate::lang::Lang,
}

impl Default for Desk {
    fn default() -> Self {
        Desk {
            agents: Vec::new(),
            lock_after_failures: 5,
            lock_minutes: 15,
            session_hours: 12,
        }
    }
}

/// The web chat (`paynudge serve`). The cookie secret is never here: it
/// comes from the environment variable `secret_env` names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Web {
    /// Address to listen on, e.g. "127.0.0.1:8080" (`serve --listen` wins).
    pub listen: Option<String>,
    /// The environment variable holding the visitor-cookie secret.
    pub secret_env: String,
    /// Mark the visitor cookie `Secure`: on when the site is served over
    /// HTTPS (behind a proxy that terminates TLS, say).
    pub secure_cookie: bool,
    /// The address buyers reach the chat at, e.g. "https://bot.shop.example"
    /// (for the links `paynudge link ORDER --web` prints).
    pub public_url: String,
    /// Messages one visitor may send a minute before being asked to slow down.
    pub rate_per_visitor: u32,
    /// Messages one IP address may send a minute (a shop's office or a
    /// mobile carrier's NAT puts many buyers behind one address).
    pub rate_per_ip: u32,
    /// Read the buyer's address from the last `X-Forwarded-For` entry: on
    /// only behind a proxy that sets it, or anyone could claim any address.
    pub trust_forwarded_for: bool,
    /// The sites whose pages may show the chat in the widget's frame, e.g.
    /// ["https://shop.example"]; empty: any site (`frame-ancestors`).
    pub embed_origins: Vec<String>,
}

impl Default for Web {
    fn default() -> Self {
        Web {
            listen: None,
            secret_env: "PAYNUDGE_WEB_SECRET".into(),
            secure_cookie: false,
            public_url: String::new(),
            rate_per_visitor: 20,
            rate_per_ip: 300,
            trust_forwarded_for: false,
            embed_origins: Vec::new(),
        }
    }
}

/// When and how payment reminders go (see `reminders/`). Defaults follow the
/// seed lesson: never while buyers rest, later on days off, never too often.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RemindersConfig {
    /// IANA time zone of the shop, e.g. "Asia/Shanghai".
    pub timezone: String,
    /// Daily send windows, local time, "HH:MM-HH:MM".
    pub windows: Vec<String>,
    /// On weekends and public holidays windows open this much later.
    pub day_off_delay_minutes: u32,
    /// The first reminder goes no earlier than this after the order.
    pub first_after_minutes: u32,
    /// The pre-close reminder goes this long before the order closes.
    pub pre_close_minutes: u32,
    pub max_per_order: usize,
    /// At least this long between two reminders to one buyer, across orders.
    pub min_gap_hours: u32,
    /// Share of eligible orders never reminded, to measure the lift.
    pub holdout_percent: u8,
    /// Orders of at least this amount get a call task instead of a message.
    pub call_threshold: f64,
    /// "Limited stock" is said only when at most this many are left.
    pub low_stock: u32,
    /// The shop's own days off and make-up workdays, "YYYY-MM-DD".
    pub extra_days_off: Vec<String>,
    pub extra_workdays: Vec<String>,
    /// A folder of newer holiday files (`2027.json`, in holiday-cn's
    /// format), relative to the config file; they replace the shipped years.
    pub holidays_dir: Option<PathBuf>,
    /// How often the bot looks for due reminders, in seconds (1-3600).
    pub tick_seconds: u32,
    /// A reminder due while the buyer is chatting with the bot waits until
    /// the chat has been quiet this long (0-120).
    pub chat_idle_minutes: u32,
    /// `shop.order_hold_hours`, copied here when the config is read: the
    /// closing time of an order whose event has no `auto_close_at`.
    #[serde(skip)]
    pub order_hold_hours: u32,
}

impl Default for RemindersConfig {
    fn default() -> Self {
        RemindersConfig {
            timezone: "Asia/Shanghai".into(),
            windows: vec!["09:30-12:00".into(), "14:30-21:00".into()],
            day_off_delay_minutes: 60,
            first_after_minutes: 30,
            pre_close_minutes: 120,
            max_per_order: 2,
            min_gap_hours: 20,
            holdout_percent: 10,
            call_threshold: 1000.0,
            low_stock: 10,
            extra_days_off: Vec::new(),
            extra_workdays: Vec::new(),
            holidays_dir: None,
            tick_seconds: 60,
            chat_idle_minutes: 5,
            order_hold_hours: 24,
        }
    }
}

/// The Telegram channel. The bot token is never here: it comes from the
/// `TELOXIDE_TOKEN` environment variable.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Telegram {
    /// The bot's username (without @), for the links `paynudge link` prints.
    pub bot_username: String,
}

/// The customer-service agents: a Telegram supergroup with forum topics.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Agents {
    /// The support group's chat id (e.g. -1001234567890); 0: no group.
    pub chat_id: i64,
    /// Telegram user ids that count as agents; empty: the group's administrators.
    pub user_ids: Vec<u64>,
    /// Language of the notices and summary cards posted for agents.
    pub lang: crate::lang::Lang,
    /// Minutes after a handoff with no agent reply before the topic is pinged (once).
    pub ping_after_minutes: u32,
}

impl Default for Agents {
    fn default() -> Self {
        Agents {
            chat_id: 0,
            user_ids: Vec::new(),
            lang: crate::lang::Lang::Zh,
            ping_after_minutes: 10,
        }
    }
}

/// Deep links that bind a chat to an order (see `links.rs`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Links {
    /// The environment variable holding the HMAC secret (never the secret itself).
    pub secret_env: String,
    /// How long a link printed by `paynudge link` stays valid.
    pub valid_hours: u32,
}

impl Default for Links {
    fn default() -> Self {
        Links {
            secret_env: "PAYNUDGE_LINK_SECRET".into(),
            valid_hours: 72,
        }
    }
}

impl Links {
    /// The signer, when the secret's environment variable is set.
    pub fn signer(&self) -> Result<Option<crate::links::LinkSigner>, String> {
        match std::env::var(&self.secret_env) {
            Err(_) => Ok(None),
            Ok(secret) => crate::links::LinkSigner::new(secret.as_bytes())
                .map(Some)
                .ok_or_else(|| {
                    format!(
                        "{} is shorter than 16 bytes: use a long random secret",
                        self.secret_env
                    )
                }),
        }
    }
}

/// Shop facts quoted in the texts. Never hard-coded in a locale file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Shop {
    pub name: String,
    /// The name shown to Chinese-speaking buyers; `name` when empty.
    pub name_zh: String,
    pub currency: String,
    pub return_days: u32,
    pub free_shipping_threshold: u32,
    /// Whether the shop buys shipping insurance (运费险) for its buyers.
    pub shipping_insurance: bool,
    /// Hours an unpaid order stays reserved before the platform closes it.
    pub order_hold_hours: u32,
    /// Hours a friend-pay (代付) request stays valid.
    pub friend_pay_hours: u32,
    pub bank_hotline_en: String,
    pub bank_hotline_zh: String,
    /// The language of a buyer whose language nothing else tells (a first
    /// message that is just an order number, a reminder to a buyer who never
    /// wrote): a Chinese shop greets in Chinese.
    pub default_lang: crate::lang::Lang,
    /// Whether buyers can choose cash on delivery (货到付款).
    pub cash_on_delivery: bool,
    /// Paid orders ship within this many hours.
    pub ship_within_hours: u32,
    /// Orders paid before this local time ("HH:MM") ship the same day; empty: no promise.
    pub same_day_cutoff: String,
    /// Days a refund takes once the return arrives.
    pub refund_days: u32,
    /// Minutes a payment usually takes to show on the order.
    pub payment_sync_minutes: u32,
    /// A gift for buyers who go ahead, in each language; empty: the bot
    /// never mentions a gift.
    pub gift_en: String,
    pub gift_zh: String,
    /// What "after work" (下班后) means when a buyer says they will pay then.
    pub after_work: String,
}

impl Default for Shop {
    fn default() -> Self {
        Shop {
            name: "Paynudge Demo Shop".into(),
            name_zh: "示例小店".into(),
            currency: "¥".into(),
            return_days: 7,
            free_shipping_threshold: 99,
            shipping_insurance: true,
            order_hold_hours: 24,
            friend_pay_hours: 24,
            bank_hotline_en: "the service number on the back of your bank card".into(),
            bank_hotline_zh: "银行卡背面的客服电话".into(),
            default_lang: crate::lang::Lang::default(),
            cash_on_delivery: false,
            ship_within_hours: 48,
            same_day_cutoff: String::new(),
            refund_days: 3,
            payment_sync_minutes: 15,
            gift_en: String::new(),
            gift_zh: String::new(),
            after_work: "18:30".into(),
        }
    }
}

/// When people answer, in the shop's local time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CustomerService {
    pub open: String,
    pub close: String,
    /// The shop's offset from UTC in hours (e.g. 8 for China).
    pub utc_offset_hours: i32,
    /// How long a person usually takes to answer during CS hours (told to
    /// buyers handed over).
    pub usual_reply_minutes: u32,
    /// After this long waiting for a person with no agent, the buyer is told
    /// and the bot helps again, while the request stays open for CS.
    pub max_wait_minutes: u32,
}

impl Default for CustomerService {
    fn default() -> Self {
        CustomerService {
            open: "09:00".into(),
            close: "23:00".into(),
            utc_offset_hours: 8,
            usual_reply_minutes: 5,
            max_wait_minutes: 15,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// Minutes without a message after which a dialog is forgotten (the
    /// session keeps its language and owner).
    pub idle_minutes: u32,
    /// Turns of transcript kept for the agent who takes over.
    pub transcript_turns: usize,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_minutes: 30,
            transcript_turns: 20,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Understanding {
    /// Below this confidence the bot asks a clarifying question.
    pub clarify_below: f32,
    /// When the two likeliest intents are closer than this, the bot asks.
    pub clarify_margin: f32,
}

impl Default for Understanding {
    fn default() -> Self {
        Understanding {
            clarify_below: 0.45,
            clarify_margin: 0.12,
        }
    }
}

/// The shop's own copies of `dialogs/` and `locales/`, relative to the config
/// file. Unset: the copies compiled into the binary.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Paths {
    pub dialogs: Option<PathBuf>,
    pub locales: Option<PathBuf>,
}

impl Config {
    pub fn parse(source: &str, origin: &Path) -> Result<Config, Error> {
        let mut config: Config = toml::from_str(source).map_err(|e| Error::Config {
            path: origin.to_path_buf(),
            line: e.span().map(|s| line_of(source, s.start)),
            message: e.message().to_string(),
        })?;
        let base = origin.parent().unwrap_or(Path::new("."));
        for p in [
            &mut config.paths.dialogs,
            &mut config.paths.locales,
            &mut config.reminders.holidays_dir,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        config.reminders.order_hold_hours = config.shop.order_hold_hours;
        if let Some(name) = config.telegram.bot_username.strip_prefix('@') {
            config.telegram.bot_username = name.to_string();
        }
        config.validate(origin)?;
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Config, Error> {
        let source = std::fs::read_to_string(path).map_err(|e| Error::ConfigRead {
            path: path.to_path_buf(),
            source: e,
        })?;
        Config::parse(&source, path)
    }

    fn validate(&self, origin: &Path) -> Result<(), Error> {
        let bad = |message: String| Error::Config {
            path: origin.to_path_buf(),
            line: None,
            message,
        };
        for (field, value) in [
            ("cs.open", &self.cs.open),
            ("cs.close", &self.cs.close),
            ("shop.after_work", &self.shop.after_work),
        ] {
            if parse_hhmm(value).is_none() {
                return Err(bad(format!(
                    "{field} = {value:?} is not a time; write it as \"HH:MM\""
                )));
            }
        }
        if !self.shop.same_day_cutoff.is_empty() && parse_hhmm(&self.shop.same_day_cutoff).is_none()
        {
            return Err(bad(format!(
                "shop.same_day_cutoff = {:?} is not a time; write it as \"HH:MM\", or leave it empty",
                self.shop.same_day_cutoff
            )));
        }
        // A supergroup's id is -100 followed by its number; teloxide's rate
        // limiter panics on ids outside -1997852516352..=-1000000000000.
        let chat = self.agents.chat_id;
        if chat != 0 && !(-1_997_852_516_352..=-1_000_000_000_000).contains(&chat) {
            return Err(bad(format!(
                "agents.chat_id = {chat} is not a supergroup id (like -1001234567890)\nhint: add @RawDataBot to the group, or read the id from the group link"
            )));
        }
        if !(-12..=14).contains(&self.cs.utc_offset_hours) {
            return Err(bad("cs.utc_offset_hours must be between -12 and 14".into()));
        }
        let u = &self.understanding;
        if !(0.0..=1.0).contains(&u.clarify_below) || !(0.0..=1.0).contains(&u.clarify_margin) {
            return Err(bad(
                "understanding.clarify_below and clarify_margin must be between 0 and 1".into(),
            ));
        }
        if self.web.rate_per_visitor == 0 || self.web.rate_per_ip == 0 {
            return Err(bad(
                "web.rate_per_visitor and web.rate_per_ip must be at least 1 (messages a minute)"
                    .into(),
            ));
        }
        let url = &self.web.public_url;
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            return Err(bad(format!(
                "web.public_url = {url:?} is not an http(s) URL, like \"https://bot.shop.example\""
            )));
        }
        if let Some(bad) = self.web.embed_origins.iter().find(|o| !is_origin(o)) {
            return Err(bad_origin(bad, origin));
        }
        let mut names = std::collections::HashSet::new();
        for agent in &self.desk.agents {
            let name = agent.name.trim();
            if name.is_empty() || name.chars().count() > 40 || !names.insert(name) {
                return Err(bad(format!(
                    "desk.agents: {:?} must be a unique name of 1 to 40 characters",
                    agent.name
                )));
            }
            if !agent.password_hash.starts_with("$argon2") {
                return Err(bad(format!(
                    "desk.agents: the password_hash of {name:?} is not an argon2 hash\nhint: `paynudge agent add {name}` prints the line to paste"
                )));
            }
        }
        if self.desk.lock_after_failures == 0 || self.desk.session_hours == 0 {
            return Err(bad(
                "desk.lock_after_failures and desk.session_hours must be at least 1".into(),
            ));
        }
        let r = &self.reminders;
        if !(1..=3600).contains(&r.tick_seconds) {
            return Err(bad(
                "reminders.tick_seconds must be between 1 and 3600".into()
            ));
        }
        if r.chat_idle_minutes > 120 {
            return Err(bad(
                "reminders.chat_idle_minutes must be between 0 and 120".into()
            ));
        }
        if r.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(bad(format!(
                "reminders.timezone = {:?} is not an IANA time zone (e.g. \"Asia/Shanghai\")",
                r.timezone
            )));
        }
        if r.windows.is_empty() {
            return Err(bad(
                "reminders.windows is empty: no reminder could ever be sent; give at least one \"HH:MM-HH:MM\" window".into(),
            ));
        }
        if let Some(w) = r
            .windows
            .iter()
            .find(|w| crate::reminders::calendar::Window::parse(w).is_none())
        {
            return Err(bad(format!(
                "reminders.windows: {w:?} is not \"HH:MM-HH:MM\" with start before end"
            )));
        }
        if let Some(d) = r
            .extra_days_off
            .iter()
            .chain(&r.extra_workdays)
            .find(|d| d.parse::<chrono::NaiveDate>().is_err())
        {
            return Err(bad(format!(
                "reminders: {d:?} is not a date \"YYYY-MM-DD\""
            )));
        }
        if let Some(dir) = &r.holidays_dir {
            crate::reminders::holidays::Holidays::with_dir(dir).map_err(bad)?;
        }
        if r.holdout_percent > 100 {
            return Err(bad(
                "reminders.holdout_percent must be between 0 and 100".into()
            ));
        }
        if self.session.transcript_turns == 0 || self.session.transcript_turns > 200 {
            return Err(bad(
                "session.transcript_turns must be between 1 and 200".into()
            ));
        }
        Ok(())
    }
}

/// Minutes after midnight of an "HH:MM" time.
pub fn parse_hhmm(value: &str) -> Option<u32> {
    let (h, m) = value.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

/// 1-based line number of a byte offset.
pub fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// `https://shop.example` or `http://127.0.0.1:8000`: a scheme, a host and
/// perhaps a port, nothing a CSP header could be broken by.
fn is_origin(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]*".contains(&b))
}

fn bad_origin(text: &str, path: &Path) -> Error {
    Error::Config {
        path: path.to_path_buf(),
        line: None,
        message: format!(
            "web.embed_origins has {text:?}, which is not an origin like \"https://shop.example\" (a scheme and a host, no path)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::parse("", Path::new("x.toml")).unwrap();
        assert_eq!(c.shop.return_days, 7);
    }

    #[test]
    fn the_example_config_parses() {
        let c = Config::parse(
            include_str!("../paynudge.example.toml"),
            Path::new("paynudge.example.toml"),
        )
        .unwrap();
        assert!(!c.shop.name.is_empty());
    }

    #[test]
    fn no_send_window_is_refused_and_a_bot_name_loses_its_at() {
        let err = Config::parse("[reminders]\nwindows = []\n", Path::new("shop.toml")).unwrap_err();
        assert!(
            err.to_string().contains("reminders.windows is empty"),
            "{err}"
        );
        let c = Config::parse(
            "[telegram]\nbot_username = \"@mybot\"\n",
            Path::new("shop.toml"),
        )
        .unwrap();
        assert_eq!(c.telegram.bot_username, "mybot");
        let c = Config::parse("[shop]\norder_hold_hours = 48\n", Path::new("shop.toml")).unwrap();
        assert_eq!(c.reminders.order_hold_hours, 48);
    }

    #[test]
    fn errors_name_the_line() {
        let err =
            Config::parse("[shop]\nreturn_days = \"seven\"\n", Path::new("shop.toml")).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("shop.toml:2:"), "{text}");
        let err = Config::parse("[shop]\nretrun_days = 7\n", Path::new("shop.toml")).unwrap_err();
        assert!(err.to_string().contains("retrun_days"), "{err}");
        let err = Config::parse("[cs]\nopen = \"9am\"\n", Path::new("shop.toml")).unwrap_err();
        assert!(err.to_string().contains("HH:MM"), "{err}");
    }
}
