//! Conversation scripts (`tests/stories/*.stories`), in the spirit of Rasa's
//! test stories: buyer lines and what must hold of each reply.
//!
//! Format: `## title` starts a story (a fresh buyer); `> text` is a buyer
//! message (`>` alone: an empty one); the line after it lists expectations as `key=value` separated by
//! spaces: `intent`, `state` (exact, or a prefix ending in `*`), `lang`,
//! `handoff`, `options` (how many), and last `reply=` followed by a phrase the
//! replies must contain (the rest of the line).

mod common;

use common::{memory_engine, say, user};
use paynudge::Reply;

fn check(reply: &Reply, expect: &str) -> Result<(), String> {
    let (fields, phrase) = match expect.find("reply=") {
        Some(i) => (&expect[..i], Some(expect[i + 6..].trim())),
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
    if let Some(phrase) = phrase {
        let all = reply.replies.join("\n");
        if !all.contains(phrase) {
            return Err(format!("replies do not contain `{phrase}`: {all}"));
        }
    }
    Ok(())
}

fn run_stories(file: &str, source: &str) {
    let engine = memory_engine();
    let mut failures = Vec::new();
    let mut stories = 0;
    let mut buyer = user("nobody");
    let mut title = String::new();
    let mut last: Option<(usize, String, Reply)> = None;
    for (n, line) in source.lines().enumerate() {
        let line = line.trim_end();
        if let Some(t) = line.strip_prefix("## ") {
            stories += 1;
            title = t.to_string();
            buyer = user(&format!("{file}#{stories}"));
            last = None;
        } else if let Some(text) = line.strip_prefix("> ").or((line == ">").then_some("")) {
            let reply = say(&engine, &buyer, text);
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
