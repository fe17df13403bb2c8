//! Conversation scripts (`tests/stories/*.stories`), in the spirit of Rasa's
//! test stories: buyer lines and what must hold of each reply.
//!
//! Format: `## title` starts a story (a fresh buyer); `> text` is a buyer
//! message (`>` alone: an empty one); each line after it lists expectations
//! as `key=value` separated by spaces: `intent`, `state` (exact, or a prefix
//! ending in `*`), `lang`, `handoff`, `options` (how many), `reminders`
//! (`on` / `stopped`), and last one of: `reply=` a phrase the replies must
//! contain, `re=` a regex they must match, `not=` a regex they must not
//! match (each the rest of the line; regexes are about meaning, in both
//! scripts). `@ +N` moves the story's clock N minutes on.
//!
//! Always checked: a buyer never gets the same reply twice in a row.

mod common;

use common::{memory_engine, noon, say_at, user};
use paynudge::Reply;

/// What the rest of an expectation line says of the replies.
enum Says<'a> {
    Phrase(&'a str),
    Matches(&'a str),
    Avoids(&'a str),
}

fn check(reply: &Reply, expect: &str) -> Result<(), String> {
    let tail = ["reply=", "re=", "not="]
        .iter()
        .filter_map(|key| {
            let at = if expect.starts_with(key) {
                Some(0)
            } else {
                expect.find(&format!(" {key}")).map(|i| i + 1)
            };
            at.map(|i| (i, *key))
        })
        .min();
    let (fields, says) = match tail {
        Some((i, key)) => {
            let rest = expect[i + key.len()..].trim();
            let says = match key {
                "reply=" => Says::Phrase(rest),
                "re=" => Says::Matches(rest),
                _ => Says::Avoids(rest),
            };
            (&expect[..i], Some(says))
        }
        None => (expect, None),
    };
    for field in fields.split_whitespace() {
        let (key, want) = field
            .split_once('=')
            .ok_or(format!("bad expectation `{field}`"))?;
        let got = match key {
            "intent" => reply.intent.to_string(),
            "state" => reply.state.clone(),
            "lang" => reply.lang.to_string(),
            "handoff" => reply.handoff.to_string(),
            "options" => reply.options.len().to_string(),
            "reminders" => if reply.reminders_stopped {
                "stopped"
            } else {
                "on"
            }
            .to_string(),
            _ => return Err(format!("unknown key `{key}`")),
        };
        let ok = match want.strip_suffix('*') {
            Some(prefix) => got.starts_with(prefix),
            None => got == want,
        };
        if !ok {
            return Err(format!("{key}: expected `{want}`, got `{got}`"));
        }
    }
    let all = reply.replies.join("\n");
    let regex = |pattern: &str| {
        regex::Regex::new(&format!("(?i){pattern}")).map_err(|e| format!("bad regex: {e}"))
    };
    match says {
        Some(Says::Phrase(phrase)) if !all.contains(phrase) => {
            Err(format!("replies do not contain `{phrase}`: {all}"))
        }
        Some(Says::Matches(pattern)) if !regex(pattern)?.is_match(&all) => {
            Err(format!("replies do not match /{pattern}/: {all}"))
        }
        Some(Says::Avoids(pattern)) if regex(pattern)?.is_match(&all) => {
            Err(format!("replies match /{pattern}/ and must not: {all}"))
        }
        _ => Ok(()),
    }
}

fn run_stories(file: &str, source: &str) {
    let engine = memory_engine();
    let mut failures = Vec::new();
    let mut stories = 0;
    let mut buyer = user("nobody");
    let mut title = String::new();
    let mut last: Option<(usize, String, Reply)> = None;
    let mut clock = noon();
    for (n, line) in source.lines().enumerate() {
        let line = line.trim_end();
        if let Some(t) = line.strip_prefix("## ") {
            stories += 1;
            title = t.to_string();
            buyer = user(&format!("{file}#{stories}"));
            last = None;
            clock = noon();
        } else if let Some(minutes) = line.strip_prefix("@ +") {
            let minutes: i64 = minutes.trim().parse().expect("`@ +N` takes minutes");
            clock += chrono::Duration::minutes(minutes);
        } else if let Some(text) = line.strip_prefix("> ").or((line == ">").then_some("")) {
            let reply = say_at(&engine, &buyer, text, clock);
            if let Some((_, said, before)) = &last
                && !reply.replies.is_empty()
                && reply.replies == before.replies
            {
                failures.push(format!(
                    "{file}:{}: [{title}] `{text}` got the same reply as `{said}`: {:?}",
                    n + 1,
                    reply.replies
                ));
            }
            last = Some((n + 1, text.to_string(), reply));
        } else if !line.trim().is_empty() && !line.starts_with('#') {
            let Some((at, text, reply)) = &last else {
                failures.push(format!("{file}:{}: expectation without a message", n + 1));
                continue;
            };
            if let Err(e) = check(reply, line) {
                failures.push(format!(
                    "{file}:{at}: [{title}] `{text}`: {e}\n    reply: {reply:?}"
                ));
            }
        }
    }
    assert!(stories >= 20, "{file}: only {stories} stories");
    assert!(
        failures.is_empty(),
        "{} failed expectations:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn english_stories() {
    run_stories("en.stories", include_str!("stories/en.stories"));
}

#[test]
fn chinese_stories() {
    run_stories("zh.stories", include_str!("stories/zh.stories"));
}
