//! Sessions survive restarts and crashes: a reply is shown only after its
//! state is durable, so killing the process at any moment loses nothing.

mod common;

use common::{say, say_at, sled_engine, user};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

#[test]
fn a_conversation_continues_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let buyer = user("restart:1");
    {
        let engine = sled_engine(dir.path());
        let r = say(&engine, &buyer, "余额不够");
        assert_eq!(r.state, "insufficient_balance/method");
    }
    let engine = sled_engine(dir.path());
    let r = say(&engine, &buyer, "2");
    assert_eq!(r.state, "insufficient_balance/fix", "{r:?}");
    assert_eq!(r.lang.to_string(), "zh");
    assert!(r.replies.join("").contains("微信"), "{r:?}");
    let session = engine.store().load(&buyer).unwrap().unwrap();
    assert_eq!(
        session.slots.get("payment_method").map(String::as_str),
        Some("wechat")
    );
    assert!(session.transcript.len() >= 4);
}

#[test]
fn idle_sessions_forget_the_dialog_but_keep_language_and_owner() {
    let dir = tempfile::tempdir().unwrap();
    let engine = sled_engine(dir.path());
    let buyer = user("restart:idle");
    say(&engine, &buyer, "/lang zh");
    let r = say(&engine, &buyer, "forgot my password");
    assert_eq!(r.state, "forgot_password/method");
    let later = common::noon() + chrono::Duration::hours(2);
    let r = say_at(&engine, &buyer, "hello", later);
    assert_eq!(r.state, "idle", "{r:?}");
    assert_eq!(r.lang.to_string(), "zh");
}

fn send(stdin: &mut impl Write, stdout: &mut impl BufRead, line: &str) -> serde_json::Value {
    writeln!(stdin, "{line}").unwrap();
    stdin.flush().unwrap();
    let mut out = String::new();
    stdout.read_line(&mut out).unwrap();
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out:?}"))
}

#[test]
fn killing_the_process_mid_conversation_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_paynudge"))
            .args(["chat", "--json", "--user", "crash", "--db"])
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut child = spawn();
    let (mut stdin, mut stdout) = (
        child.stdin.take().unwrap(),
        BufReader::new(child.stdout.take().unwrap()),
    );
    let r = send(&mut stdin, &mut stdout, "I forgot my payment password");
    assert_eq!(r["state"], "forgot_password/method");
    child.kill().unwrap(); // SIGKILL: no clean shutdown, no final flush
    child.wait().unwrap();

    let mut child = spawn();
    let (mut stdin, mut stdout) = (
        child.stdin.take().unwrap(),
        BufReader::new(child.stdout.take().unwrap()),
    );
    let r = send(&mut stdin, &mut stdout, "paypal");
    assert_eq!(r["state"], "forgot_password/reset", "{r}");
    assert!(r["replies"].to_string().contains("PayPal"), "{r}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_stated_pay_time_and_an_opt_out_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let buyer = user("restart:promise");
    {
        let engine = sled_engine(dir.path());
        let r = say(&engine, &buyer, "今晚8点付");
        assert_eq!(r.state, "idle", "{r:?}");
        assert!(r.replies.join("").contains("20:00"), "{r:?}");
        let r = say(&engine, &buyer, "不要再发了");
        assert!(r.reminders_stopped, "{r:?}");
    }
    let engine = sled_engine(dir.path());
    let session = engine.store().load(&buyer).unwrap().unwrap();
    assert!(session.pay_at.is_some() && session.reminders_stopped);
    let r = say(&engine, &buyer, "付好了");
    let text = r.replies.join("");
    assert!(text.contains("谢谢"), "{r:?}");
    assert!(
        !text.contains("什么时候"),
        "never 'when will you pay?' after 'paid': {r:?}"
    );
    assert!(r.reminders_stopped);
}
