//! The console channel: a conversation on stdin/stdout. Works offline, with
//! no token: the embedded default.
//!
//! Three shapes: interactive (a prompt, options numbered so the buyer types a
//! number), piped text (the same without the prompt), and `--json` (one JSON
//! object per non-blank input line, for scripts and tests).

use crate::engine::{Engine, Reply};
use crate::error::Error;
use crate::session::UserId;
use chrono::Utc;
use std::io::{BufRead, Write};

pub struct ConsoleOptions {
    pub user: UserId,
    pub json: bool,
    pub interactive: bool,
}

/// Runs the conversation until the input ends.
pub async fn run(
    engine: &Engine,
    options: &ConsoleOptions,
    mut input: impl BufRead,
    mut output: impl Write,
) -> Result<(), Error> {
    if options.interactive {
        let lang = engine
            .store()
            .load(&options.user)?
            .map(|s| s.lang)
            .unwrap_or_default();
        writeln!(output, "{}", engine.welcome(lang, Utc::now()))?;
    }
    let mut buf = Vec::new();
    loop {
        if options.interactive {
            write!(output, "> ")?;
            output.flush()?;
        }
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        // Invalid UTF-8 becomes U+FFFD: the buyer still gets an answer.
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\n', '\r']);
        if options.json && line.trim().is_empty() {
            continue;
        }
        let reply = engine.handle(&options.user, line, Utc::now()).await?;
        if options.json {
            writeln!(output, "{}", to_json(&reply))?;
        } else {
            write_text(&mut output, &reply)?;
        }
        output.flush()?;
    }
    Ok(())
}

/// The `chat --json` line: a contract other tools rely on.
pub fn to_json(reply: &Reply) -> serde_json::Value {
    serde_json::json!({
        "user": reply.user,
        "lang": reply.lang,
        "intent": reply.intent,
        "confidence": reply.confidence,
        "state": reply.state,
        "replies": reply.replies,
        "options": reply.options.iter().map(|o| &o.label).collect::<Vec<_>>(),
        "handoff": reply.handoff,
        "reminders": if reply.reminders_stopped { "stopped" } else { "on" },
    })
}

fn write_text(out: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    for text in &reply.replies {
        writeln!(out, "{text}")?;
    }
    for (n, option) in reply.options.iter().enumerate() {
        writeln!(out, "  {}) {}", n + 1, option.label)?;
    }
    Ok(())
}
