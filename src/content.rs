//! The conversation content: dialog flows, slots and texts, either the copies
//! compiled into the binary or a shop's own, checked against each other at
//! start-up so a mistake is a clear error naming file and line, never a
//! broken conversation.

use crate::dialog::{self, Flows, SlotKind, option_key};
use crate::error::Error;
use crate::intent::Intent;
use crate::lang::Lang;
use crate::locale::{LocaleFile, Locales};
use crate::questions::Questions;
use std::collections::BTreeSet;
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// Variables every text may use; the engine always sets all of them.
pub const GLOBAL_VARS: &[&str] = &[
    "shop_name",
    "return_days",
    "free_shipping_threshold",
    "currency",
    "shipping_insurance",
    "order_hold_hours",
    "cs_open",
    "cs_close",
    "cs_now",
    "friend_pay_hours",
    "bank_hotline",
    "order_id",
    "cs_reply_minutes",
    "item",
    "amount",
    "closes_at",
    "ship_hours",
    "ship_cutoff",
    "cod",
    "refund_days",
    "sync_minutes",
    "free_shipping_gap",
    "gift",
    "stock_left",
    "promotion_ends",
    "lacking",
    "pay_at",
    "pay_late",
    "reminders",
];

/// Texts rendered as a part of a variable, with their own variables.
const PART_VARS: &[(&str, &[&str])] = &[
    ("items-and-more", &["first", "more"]),
    ("agent-relay-late", &["minutes"]),
    ("call-buyer", &["name", "phone", "buyer"]),
    ("handoff-claimed", &["agent"]),
    ("agent-held-by", &["agent"]),
    ("desk-held-by", &["agent"]),
    ("desk-locked", &["minutes"]),
    ("desk-minutes", &["minutes"]),
    ("desk-link-sign-in", &["agent"]),
    (
        "desk-plan-summary",
        &["shown", "matched", "orders", "message", "call"],
    ),
];

/// Texts the engine itself says, outside any dialog.
pub const ENGINE_KEYS: &[&str] = &[
    "items-and-more",
    "agent-relay-late",
    "call-buyer",
    "welcome",
    "help",
    "clarify-ask",
    "opt-clarify-other",
    "clarify-other",
    "reask",
    "offer-human",
    "offer-human-declined",
    "handoff-start",
    "handoff-released",
    "lang-switched",
    "empty-message",
    "unknown-command",
    "order-bound",
    "link-invalid",
    "link-taken",
    "media-unsupported",
    "reminders-stopped",
    "tap-expired",
    "agents-only",
    "agent-released",
    "agent-note-saved",
    "agent-outcome-saved",
    "agent-outcome-usage",
    "agent-outcome-unknown-order",
    "call-record",
    "call-outcome-will-pay",
    "call-outcome-paid",
    "call-outcome-not-interested",
    "call-outcome-no-answer",
    "call-outcome-wrong-number",
    "call-outcome-other",
    "web-placeholder",
    "web-send",
    "web-reconnecting",
    "web-typing",
    "web-failed",
    "web-slow-down",
    "web-empty",
    "web-too-long",
    "web-attach",
    "web-image-sent",
    "web-image-type",
    "web-image-too-big",
    "web-open",
    "web-close",
    "web-identity-invalid",
    "agent-web-words-only",
    "agent-unknown-thread",
    "agent-buyer-withdrew",
    "handoff-ping",
    "card-title",
    "card-buyer",
    "card-language",
    "card-intents",
    "card-slots",
    "card-order",
    "card-transcript",
    "card-none",
    "command-start",
    "command-lang",
    "command-human",
    "command-help",
    "command-stop",
    "reminder-ask",
    "reminder-fast_delivery-a",
    "reminder-fast_delivery-b",
    "reminder-limited_stock-a",
    "reminder-limited_stock-b",
    "reminder-returns-a",
    "reminder-returns-b",
    "reminder-promotion_ending-a",
    "reminder-promotion_ending-b",
    "same-as-above",
    "same-topic",
    "question-again",
    "offer-human-unclear",
    "offer-human-now",
    "offer-human-short",
    "frustrated-sorry",
    "bot-honest",
    "bot-honest-waiting",
    "paid-thanks",
    "reminders-off",
    "reminders-off-closing",
    "reminders-resumed",
    "order-found",
    "order-not-found",
    "handoff-withdrawn",
    "handoff-withdrawn-help",
    "handoff-long-wait",
    "handoff-ack-1",
    "handoff-ack-2",
    "handoff-ack-3",
    "ack-idle",
    "remind-confirmed",
    "fact-noted",
    "contact-noted",
    "understood",
    "reminders-off-again",
    "handoff-claimed",
    "handoff-closed",
    "agent-held-by",
];

/// The agents' web desk's texts (`channels/agent_desk`).
pub const DESK_KEYS: &[&str] = &[
    "desk-title",
    "desk-signin-title",
    "desk-name",
    "desk-password",
    "desk-signin",
    "desk-signout",
    "desk-signin-failed",
    "desk-locked",
    "desk-form-expired",
    "desk-queue",
    "desk-queue-empty",
    "desk-serving",
    "desk-serving-empty",
    "desk-col-buyer",
    "desk-col-lang",
    "desk-col-channel",
    "desk-col-order",
    "desk-col-waited",
    "desk-col-blocker",
    "desk-col-agent",
    "desk-col-last",
    "desk-minutes",
    "desk-claim",
    "desk-open",
    "desk-back",
    "desk-held-by",
    "desk-yours",
    "desk-waiting",
    "desk-with-bot",
    "desk-card",
    "desk-transcript",
    "desk-from-buyer",
    "desk-from-bot",
    "desk-from-agent",
    "desk-from-note",
    "desk-reply",
    "desk-reply-placeholder",
    "desk-canned",
    "desk-note",
    "desk-note-placeholder",
    "desk-hand-back",
    "desk-not-delivered",
    "desk-no-buyer",
    "desk-empty-text",
    "desk-new-waiting",
    "desk-channel-web",
    "desk-channel-telegram",
    "desk-screenshot",
    "desk-nav-queue",
    "desk-nav-calls",
    "desk-nav-plan",
    "desk-nav-report",
    "desk-calls",
    "desk-calls-empty",
    "desk-plan",
    "desk-plan-summary",
    "desk-filter-decision",
    "desk-filter-any",
    "desk-filter-message",
    "desk-filter-call",
    "desk-filter-none",
    "desk-filter-apply",
    "desk-col-amount",
    "desk-col-decision",
    "desk-page-previous",
    "desk-page-next",
    "desk-close",
    "desk-link-sign-in",
    "desk-link-invalid",
];

/// Replies an agent at the web desk can pick, in the buyer's language.
pub const CANNED_KEYS: &[&str] = &[
    "desk-canned-greet",
    "desk-canned-limit",
    "desk-canned-paid",
    "desk-canned-hold",
];

/// The call script for large orders, in the order an agent reads it.
pub const CALL_SCRIPT_KEYS: &[&str] = &[
    "call-title",
    "call-intro",
    "call-purpose",
    "call-forgot",
    "call-receiver",
    "call-close",
];

pub struct Content {
    pub flows: Flows,
    pub questions: Questions,
    pub locales: Locales,
}

/// Which of the dialog folder's files a path is.
fn is_file(path: &str, name: &str) -> bool {
    path == name || path.ends_with(&format!("/{name}"))
}

impl Content {
    /// The dialogs and locales shipped inside the binary.
    pub fn builtin() -> Result<Content, Error> {
        Content::from_dirs(None, None)
    }

    /// A shop's own copies: `dialogs_dir` holds `slots.toml` and `<intent>.toml`,
    /// `locales_dir` holds `en/*.ftl` and `zh/*.ftl`. Either may be `None` to
    /// use the built-in one.
    pub fn from_dirs(
        dialogs_dir: Option<&Path>,
        locales_dir: Option<&Path>,
    ) -> Result<Content, Error> {
        let builtin_dialogs = || {
            embedded::DIALOGS
                .iter()
                .map(|(p, s)| (p.to_string(), s.to_string()))
                .collect()
        };
        let all_dialogs: Vec<(String, String)> = match dialogs_dir {
            Some(dir) => read_dir_files(dir, "toml")?,
            None => builtin_dialogs(),
        };
        let locales: Vec<(String, String)> = match locales_dir {
            Some(dir) => read_dir_files(dir, "ftl")?,
            None => embedded::LOCALES
                .iter()
                .map(|(p, s)| (p.to_string(), s.to_string()))
                .collect(),
        };
        let (mut slots, mut questions, mut dialogs) = (None, None, Vec::new());
        for (path, source) in all_dialogs {
            if is_file(&path, "slots.toml") {
                slots = Some((path, source));
            } else if is_file(&path, "questions.toml") {
                questions = Some((path, source));
            } else {
                dialogs.push((path, source));
            }
        }
        // The built-in questions' examples are checked by the tests; a
        // shop's own copy is checked here, so an edit that breaks one is an
        // error at start-up, not a silent miss.
        let content = Content::assemble(slots, questions, &dialogs, &locales)?;
        match dialogs_dir.map(|_| content.questions.check_examples()) {
            Some(problems) if !problems.is_empty() => Err(Error::Content(format!(
                "the side questions do not answer their own examples:\n  {}",
                problems.join("\n  ")
            ))),
            _ => Ok(content),
        }
    }

    fn assemble(
        slots: Option<(String, String)>,
        questions: Option<(String, String)>,
        dialogs: &[(String, String)],
        locales: &[(String, String)],
    ) -> Result<Content, Error> {
        let mut problems = Vec::new();
        // A shop without a questions file answers no side questions.
        let questions = questions
            .map(|(path, source)| Questions::load(&path, &source, &mut problems))
            .unwrap_or_default();
        let slots = match &slots {
            Some((path, source)) => dialog::load_slots(path, source, &mut problems),
            None => {
                problems
                    .push("dialogs/slots.toml: missing (it defines the slots dialogs fill)".into());
                Default::default()
            }
        };
        let files: Vec<(&str, &str)> = dialogs
            .iter()
            .map(|(p, s)| (p.as_str(), s.as_str()))
            .collect();
        let flows = dialog::load_flows(slots, &files, &mut problems);

        let mut locale_files = Vec::new();
        for (path, source) in locales {
            match lang_of(path) {
                Some(lang) => locale_files.push(LocaleFile { path, lang, source }),
                None => problems.push(format!("{path}: not under an `en/` or `zh/` folder")),
            }
        }
        let (locales, locale_problems) = Locales::load_checked(&locale_files);
        problems.extend(locale_problems);
        problems.extend(cross_check(&flows, &questions, &locales));
        if problems.is_empty() {
            Ok(Content {
                flows,
                questions,
                locales,
            })
        } else {
            Err(Error::Content(format!(
                "the dialogs and texts do not hold together:\n  {}",
                problems.join("\n  ")
            )))
        }
    }
}

/// Every text the engine and the dialogs use exists, and uses only variables
/// the engine sets.
fn cross_check(flows: &Flows, questions: &Questions, locales: &Locales) -> Vec<String> {
    let mut problems = Vec::new();
    let mut needed: Vec<(String, String)> = flows.keys_used();
    needed.extend(questions.keys_used());
    needed.extend(
        ENGINE_KEYS
            .iter()
            .map(|k| (k.to_string(), "the engine".to_string())),
    );
    needed.extend(
        DESK_KEYS
            .iter()
            .chain(CANNED_KEYS)
            .map(|k| (k.to_string(), "the agents' desk".to_string())),
    );
    needed.extend(
        Intent::ALL
            .iter()
            .map(|i| (format!("intent-{i}"), "clarifying questions".to_string())),
    );
    for slot in flows
        .slots
        .values()
        .filter(|s| matches!(s.kind, SlotKind::Choice | SlotKind::YesNo))
    {
        needed.extend(
            slot.values
                .iter()
                .map(|v| (option_key(&slot.name, v), "dialogs/slots.toml".to_string())),
        );
    }
    for (key, used_by) in needed {
        if !locales.has(&key) {
            problems.push(format!(
                "text `{key}` (used by {used_by}) is missing from locales/en and locales/zh"
            ));
        }
    }
    let allowed: BTreeSet<&str> = GLOBAL_VARS
        .iter()
        .copied()
        .chain(flows.slots.keys().map(String::as_str))
        .collect();
    for (key, vars) in locales.keys() {
        // Labels are matched against what a buyer types, so they are fixed words.
        let label = key.starts_with("opt-") || key.starts_with("intent-");
        if let Some(var) = vars.iter().next().filter(|_| label) {
            problems.push(format!(
                "label `{key}` uses `${var}`: quick-reply labels take no variables"
            ));
        }
        let own: &[&str] = PART_VARS
            .iter()
            .find(|(part, _)| part == key)
            .map_or(&[], |(_, vars)| vars);
        for var in vars
            .iter()
            .filter(|v| !allowed.contains(v.as_str()) && !own.contains(&v.as_str()))
        {
            problems.push(format!(
                "text `{key}` uses `${var}`, which paynudge does not set (see dialogs/README.md)"
            ));
        }
    }
    problems
}

fn lang_of(path: &str) -> Option<Lang> {
    path.split('/')
        .rev()
        .nth(1)
        .and_then(|dir| dir.parse().ok())
}

fn read_dir_files(dir: &Path, ext: &str) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| {
            Error::Content(format!(
                "{}: cannot read the directory: {e}\nhint: check paths in the config file",
                d.display()
            ))
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                let source = std::fs::read_to_string(&path)
                    .map_err(|e| Error::Content(format!("{}: cannot read: {e}", path.display())))?;
                let shown = path.to_string_lossy().replace('\\', "/");
                out.push((shown, source));
            }
        }
    }
    out.sort();
    Ok(out)
}
