//! The command line is a contract: names, output shapes, exit codes.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn paynudge(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paynudge"))
        .args(args)
        .env_remove("PAYNUDGE_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// A scratch directory: the database path in it, and a config file that
/// holds no orders out of reminding (so every order is planned).
fn shop_without_holdout() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("paynudge.toml");
    std::fs::write(&config, "[reminders]\nholdout_percent = 0\n").unwrap();
    let db = dir.path().join("db").to_str().unwrap().to_string();
    let config = config.to_str().unwrap().to_string();
    (dir, db, config)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn classify_prints_one_line_per_input_line() {
    let out = paynudge(
        &["classify"],
        "forgot my alipay pin\n余额不够\n\n👍\n".as_bytes(),
    );
    assert!(out.status.success());
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    let fields: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(fields[0], "forgot_password");
    assert!(fields[1].parse::<f64>().is_ok());
    assert_eq!(fields[2], "en");
    assert!(lines[1].starts_with("insufficient_balance\t") && lines[1].ends_with("\tzh"));

    let out = paynudge(&["classify", "--json"], "余额不够\n".as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["intent"], "insufficient_balance");
    assert_eq!(v["lang"], "zh");
    assert_eq!(v["text"], "余额不够");
}

#[test]
fn chat_json_prints_one_object_per_non_blank_line() {
    let db = tempfile::tempdir().unwrap();
    let input = b"forgot my password\n\n   \n1\n\xff\xfe broken utf8\n".to_vec();
    let out = paynudge(
        &[
            "chat",
            "--json",
            "--db",
            db.path().to_str().unwrap(),
            "--user",
            "u 1/ü",
        ],
        &input,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let objects: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 3);
    for o in &objects {
        for key in [
            "user",
            "lang",
            "intent",
            "confidence",
            "state",
            "replies",
            "options",
            "handoff",
        ] {
            assert!(o.get(key).is_some(), "{key} missing in {o}");
        }
        assert_eq!(o["user"], "u 1/ü");
    }
    assert_eq!(objects[0]["state"], "forgot_password/method");
    assert_eq!(objects[1]["state"], "forgot_password/reset");
    assert!(text(&out.stderr).contains("sessions in"));
}

#[test]
fn piped_chat_without_json_talks_plain_text() {
    let db = tempfile::tempdir().unwrap();
    let out = paynudge(
        &["chat", "--db", db.path().to_str().unwrap()],
        "my balance is too low\n".as_bytes(),
    );
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("  1) Alipay"), "{stdout}");
}

#[test]
fn agent_release_hands_the_buyer_back() {
    let db = tempfile::tempdir().unwrap();
    let db = db.path().to_str().unwrap();
    let out = paynudge(
        &["chat", "--json", "--db", db, "--user", "b"],
        "转人工\n".as_bytes(),
    );
    assert!(text(&out.stdout).contains("\"handoff\":true"));
    let out = paynudge(&["agent", "release", "b", "--db", db], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("小助手"),
        "{}",
        text(&out.stdout)
    );
    let out = paynudge(
        &["chat", "--json", "--db", db, "--user", "b"],
        "忘记密码了\n".as_bytes(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["handoff"], false);
    assert_eq!(v["state"], "forgot_password/method");

    let out = paynudge(&["agent", "release", "nobody", "--db", db], b"");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no session for user"));
}

#[test]
fn bad_usage_and_bad_setup_fail_with_one_clear_line() {
    let out = paynudge(&["chat", "--bogus"], b"");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--bogus"));

    let out = paynudge(&["frobnicate"], b"");
    assert!(!out.status.success());

    let out = paynudge(&["chat", "--config", "/no/such/paynudge.toml"], b"");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("/no/such/paynudge.toml") && err.contains("hint"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shop.toml");
    std::fs::write(&config, "[shop]\nreturn_days = \"seven\"\n").unwrap();
    let out = paynudge(
        &[
            "chat",
            "--config",
            config.to_str().unwrap(),
            "--db",
            dir.path().join("db").to_str().unwrap(),
        ],
        b"",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("shop.toml:2"),
        "{}",
        text(&out.stderr)
    );

    let out = paynudge(&["chat", "--db", "/dev/null/sessions"], b"hi\n");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("/dev/null/sessions"),
        "{}",
        text(&out.stderr)
    );

    let out = paynudge(&["chat", "--user", ""], b"");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("invalid user id"));

    for args in [
        &["--help"][..],
        &["chat", "--help"],
        &["classify", "--help"],
        &["agent", "release", "--help"],
    ] {
        let out = paynudge(args, b"");
        assert!(
            out.status.success() && text(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn a_locked_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let _held = paynudge::store::SledStore::open(dir.path()).unwrap();
    let out = paynudge(&["chat", "--db", dir.path().to_str().unwrap()], b"hi\n");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("in use by another paynudge process") && err.contains("--db"),
        "{err}"
    );
}

#[test]
fn a_corrupt_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = paynudge::store::SledStore::open(dir.path()).unwrap();
        store.flush().unwrap();
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::write(&path, vec![0xA5u8; 4096]).unwrap();
        }
    }
    let out = paynudge(&["chat", "--db", dir.path().to_str().unwrap()], b"hi\n");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(dir.path().to_str().unwrap()) && err.contains("hint"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

fn paynudge_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paynudge"));
    command
        .args(args)
        .env_remove("PAYNUDGE_CONFIG")
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("PAYNUDGE_LINK_SECRET")
        .env_remove("PAYNUDGE_WEB_SECRET");
    for (k, v) in env {
        command.env(k, v);
    }
    command.stdin(Stdio::null()).output().unwrap()
}

#[test]
fn telegram_without_a_good_token_is_a_one_line_error_that_never_shows_it() {
    let db = tempfile::tempdir().unwrap();
    let db = db.path().to_str().unwrap();
    let out = paynudge_env(&["telegram", "--db", db], &[]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("TELOXIDE_TOKEN is not set"),
        "{}",
        text(&out.stderr)
    );

    let out = paynudge_env(
        &["telegram", "--db", db],
        &[("TELOXIDE_TOKEN", "oops-secret-value")],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("does not look like a bot token") && !err.contains("oops-secret-value"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let token = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let out = paynudge_env(
        &["telegram", "--db", db],
        &[
            ("TELOXIDE_TOKEN", token),
            ("TELOXIDE_API_URL", "localhost:1"),
        ],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("TELOXIDE_API_URL") && !err.contains(token),
        "{err}"
    );

    // A server that refuses the token: told, not panicked, token not shown.
    let out = paynudge_env(
        &["telegram", "--db", db],
        &[
            ("TELOXIDE_TOKEN", token),
            ("TELOXIDE_API_URL", "http://127.0.0.1:9"),
        ],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot reach the Telegram Bot API") && !err.contains("AAAAAAAAAA"),
        "{err}"
    );
}

#[test]
fn link_prints_a_deep_link_that_the_bot_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shop.toml");
    std::fs::write(&config, "[telegram]\nbot_username = \"demo_shop_bot\"\n").unwrap();
    let secret = "a long random secret for tests";
    let out = paynudge_env(
        &["link", "ORDER-7", "--config", config.to_str().unwrap()],
        &[("PAYNUDGE_LINK_SECRET", secret)],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let link = text(&out.stdout).trim().to_string();
    let payload = link
        .strip_prefix("https://t.me/demo_shop_bot?start=")
        .expect(&link);
    let signer = paynudge::links::LinkSigner::new(secret.as_bytes()).unwrap();
    assert_eq!(
        signer.verify(payload, chrono::Utc::now().timestamp()),
        Ok("ORDER-7".to_string())
    );

    // `--web`: a link to the web chat, which binds the same way.
    let out = paynudge_env(
        &[
            "link",
            "ORDER-7",
            "--web",
            "--config",
            config.to_str().unwrap(),
        ],
        &[("PAYNUDGE_LINK_SECRET", secret)],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("web.public_url is not set"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(
        &config,
        "[web]\npublic_url = \"https://bot.shop.example/\"\n",
    )
    .unwrap();
    let out = paynudge_env(
        &[
            "link",
            "ORDER-7",
            "--web",
            "--config",
            config.to_str().unwrap(),
        ],
        &[("PAYNUDGE_LINK_SECRET", secret)],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let link = text(&out.stdout).trim().to_string();
    let payload = link
        .strip_prefix("https://bot.shop.example/chat?order=")
        .expect(&link);
    assert_eq!(
        signer.verify(payload, chrono::Utc::now().timestamp()),
        Ok("ORDER-7".to_string())
    );
    std::fs::write(&config, "[web]\npublic_url = \"bot.shop.example\"\n").unwrap();
    let out = paynudge_env(
        &[
            "link",
            "ORDER-7",
            "--web",
            "--config",
            config.to_str().unwrap(),
        ],
        &[("PAYNUDGE_LINK_SECRET", secret)],
    );
    assert!(
        text(&out.stderr).contains("is not an http(s) URL"),
        "{}",
        text(&out.stderr)
    );

    let out = paynudge_env(&["link", "ORDER-7"], &[]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("PAYNUDGE_LINK_SECRET is not set"));
    let out = paynudge_env(&["link", "bad id!"], &[("PAYNUDGE_LINK_SECRET", secret)]);
    assert!(!out.status.success());
}

#[test]
fn plan_and_calls_read_the_orders_and_the_buyers_sessions() {
    let (dir, db, config) = shop_without_holdout();
    let (db, config) = (db.as_str(), config.as_str());
    // Monday 2025-11-17 09:50 Beijing.
    let at = 1_763_344_200;
    let orders: String = [
        ("O-1", "tg:1", 99, "online"),
        ("O-2", "tg:2", 99, "cash_on_delivery"),
        ("O-3", "tg:3", 99, "online"),
        ("O-4", "tg:4", 5000, "online"),
    ]
    .iter()
    .map(|(id, buyer, amount, payment)| {
        format!(
            "{}\n",
            serde_json::json!({"event": "created", "order_id": id, "buyer": buyer,
                "items": [{"name": "Wool scarf"}], "amount": amount, "at": at,
                "payment_type": payment, "buyer_name": "Wang", "buyer_phone": "13800138000"})
        )
    })
    .collect();
    let file = dir.path().join("orders.jsonl");
    std::fs::write(&file, orders).unwrap();
    let out = paynudge(
        &["orders", "import", file.to_str().unwrap(), "--db", db],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("imported 4 events"));
    // The third buyer says /stop in the chat.
    let out = paynudge(&["chat", "--db", db, "--user", "tg:3"], b"/stop\n");
    assert!(out.status.success(), "{}", text(&out.stderr));

    let plan = |now: &str| plan_at(db, Some(config), Some(now)).0.join("\n");
    let (lines, notes) = plan_at(db, Some(config), Some("2025-11-17T10:00:00+08:00"));
    assert_eq!(lines.len(), 4, "{lines:?}");
    // A header with the time and the rules, a summary by decision.
    assert!(
        notes.starts_with("# reminders plan as of 2025-11-17 10:00 CST (Asia/Shanghai)"),
        "{notes}"
    );
    assert!(
        notes.contains("# 4 unpaid orders: 1 get a message, 1 a call task, 2 nothing"),
        "{notes}"
    );
    assert!(notes.contains("#   none: buyer_stopped 1"), "{notes}");
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, ["O-1", "O-2", "O-3", "O-4"]);
    assert!(
        lines[0].contains("reminder 1 at 2025-11-17 10:20 CST by message"),
        "{}",
        lines[0]
    );
    assert!(lines[1].ends_with("none: cash_on_delivery"), "{}", lines[1]);
    assert!(lines[2].ends_with("none: buyer_stopped"), "{}", lines[2]);
    assert!(lines[3].contains("by call task"), "{}", lines[3]);
    // At lunch the first reminder waits for the afternoon window.
    assert!(plan("2025-11-17T12:30:00+08:00").contains("reminder 1 at 2025-11-17 14:30 CST"));

    // Before the orders existed there is nothing to plan.
    assert!(plan("2025-11-17 08:50").is_empty());
    // An offset-less time is the shop's: the same plan as with +08:00.
    assert_eq!(
        plan("2025-11-17T10:00:00"),
        plan("2025-11-17T10:00:00+08:00")
    );
    let calls = || {
        let out = paynudge(
            &[
                "calls",
                "--now",
                "2025-11-17 10:00",
                "--db",
                db,
                "--config",
                config,
            ],
            b"",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let list = calls();
    assert!(list.contains("O-4") && !list.contains("O-1"), "{list}");
    assert!(list.contains("paynudge calls --record O-4"), "{list}");
    // A list shows the number masked, with the buyer's name.
    assert!(
        list.contains("138****8000") && !list.contains("13800138000") && list.contains("Wang"),
        "{list}"
    );
    let record = |order: &str| {
        paynudge(
            &[
                "calls",
                "--db",
                db,
                "--record",
                order,
                "--outcome",
                "will-pay",
            ],
            b"",
        )
    };
    let out = record("O-4");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("recorded: O-4 -> will-pay"));
    // A recorded outcome closes the task: gone from the list and the plan.
    assert!(!calls().contains("O-4"));
    assert!(
        plan("2025-11-17T10:00:00").contains("none: call_done"),
        "{}",
        plan("2025-11-17T10:00:00")
    );
    let out = record("NOPE");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no order \"NOPE\""),
        "{}",
        text(&out.stderr)
    );

    // The report counts the recorded outcome, as CSV and as a page.
    let out = paynudge(&["report", "--csv", "--db", db, "--config", config], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("\"calls by recorded outcome\",\"will-pay\",1,0,0.0"),
        "{}",
        text(&out.stdout)
    );
    let page = dir.path().join("report.html");
    let out = paynudge(
        &[
            "report",
            "--html",
            page.to_str().unwrap(),
            "--db",
            db,
            "--config",
            config,
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("will-pay"));
}

#[test]
fn import_reads_csv_and_json_lines_and_names_each_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let db = db.to_str().unwrap();
    let csv = dir.path().join("orders.csv");
    std::fs::write(
        &csv,
        "event,order_id,buyer,item,quantity,amount,at,payment_type\n\
         created,O-1,tg:1,Wool scarf,2,99,1763344200,online\n\
         created,O-2,tg:2,Tea,1,-5,1763344200,online\n\
         created,O-3,tg:3,Tea,1,30,1763344200,cod\n",
    )
    .unwrap();
    let out = paynudge(
        &["orders", "import", csv.to_str().unwrap(), "--db", db],
        b"",
    );
    assert!(!out.status.success(), "a rejected line fails the import");
    let errors = text(&out.stderr);
    assert!(errors.contains("orders.csv:3: field `amount`"), "{errors}");
    assert!(text(&out.stdout).contains("imported 2 events, rejected 1"));

    let jsonl = dir.path().join("more.jsonl");
    std::fs::write(
        &jsonl,
        "{\"event\": \"paid\", \"order_id\": \"O-1\", \"at\": 1763345000}\n\n{not json\n",
    )
    .unwrap();
    let out = paynudge(
        &["orders", "import", jsonl.to_str().unwrap(), "--db", db],
        b"",
    );
    assert!(
        text(&out.stderr).contains("more.jsonl:3: not JSON"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("imported 1 events, rejected 1"));

    // O-2 was never stored and O-1 is paid: the one unpaid order left is
    // cash on delivery, which gets no reminder.
    let (plan, _) = plan_at(db, None, Some("2025-11-17T10:30:00+08:00"));
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert!(
        plan[0].starts_with("O-3") && plan[0].contains("none: cash_on_delivery"),
        "{plan:?}"
    );
}

#[test]
fn a_stated_pay_time_is_promised_only_for_a_real_order_and_the_plan_keeps_it() {
    let (dir, db, config) = shop_without_holdout();
    let (db, config) = (db.as_str(), config.as_str());
    let now = chrono::Utc::now();
    let order = serde_json::json!({"event": "created", "order_id": "P-9", "buyer": "tg:9",
        "items": [{"name": "Wool scarf"}], "amount": 99, "at": now.timestamp() - 60,
        "auto_close_at": now.timestamp() + 3 * 86_400, "payment_type": "online"});
    let file = dir.path().join("orders.jsonl");
    std::fs::write(&file, format!("{order}\n")).unwrap();
    let out = paynudge(
        &[
            "orders",
            "import",
            file.to_str().unwrap(),
            "--db",
            db,
            "--config",
            config,
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let chat = |user: &str, line: &[u8]| {
        let out = paynudge(
            &[
                "chat", "--json", "--db", db, "--user", user, "--config", config,
            ],
            line,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    // The order's buyer is promised a reminder; a buyer with no order is not.
    let said = chat("tg:9", b"I'll pay tomorrow at 8pm\n");
    assert!(said.contains("reminder at"), "{said}");
    let said = chat("tg:10", b"I'll pay tomorrow at 8pm\n");
    assert!(!said.contains("reminder at"), "{said}");
    // The plan's line for the order (and the whole plan, for messages).
    let plan_line = || {
        let (plan, _) = plan_at(db, Some(config), None);
        let line = plan.iter().find(|l| l.starts_with("P-9")).cloned();
        (line.unwrap_or_default(), plan.join("\n"))
    };
    let (line, plan) = plan_line();
    assert!(
        line.contains("20:00") && line.contains("the time the buyer said"),
        "{plan}"
    );
    // Said in words, an opt-out empties the plan for that order.
    let said = chat("tg:9", "别再催了\n".as_bytes());
    assert!(said.contains("\"reminders\":\"stopped\""), "{said}");
    let (line, plan) = plan_line();
    assert!(line.contains("buyer_stopped"), "{plan}");
}

/// `reminders plan` as of `now` (`None`: the real now): the orders' lines,
/// and the header and summary lines (those starting with `#`).
fn plan_at(db: &str, config: Option<&str>, now: Option<&str>) -> (Vec<String>, String) {
    let mut args = vec!["reminders", "plan", "--db", db];
    args.extend(config.iter().flat_map(|c| ["--config", *c]));
    args.extend(now.iter().flat_map(|n| ["--now", *n]));
    let out = paynudge(&args, b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let (notes, lines): (Vec<&str>, Vec<&str>) = stdout.lines().partition(|l| l.starts_with('#'));
    (
        lines.into_iter().map(String::from).collect(),
        notes.join("\n"),
    )
}

#[test]
fn serve_runs_the_web_chat_answers_health_checks_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let db = db.to_str().unwrap();
    // Without the cookie secret: one clear line, nothing served.
    let out = paynudge_env(
        &["serve", "--db", db, "--listen", "127.0.0.1:9"],
        &[("PAYNUDGE_WEB_SECRET", "short")],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("PAYNUDGE_WEB_SECRET is not set (or shorter than 16 characters)"),
        "{}",
        text(&out.stderr)
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_paynudge"))
        .args(["serve", "--db", db, "--listen", &listen])
        .env_remove("PAYNUDGE_CONFIG")
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("PAYNUDGE_ORDERS_TOKEN")
        .env("PAYNUDGE_WEB_SECRET", "a web secret that is long enough")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr: std::net::SocketAddr = listen.parse().unwrap();
    let health = rt.block_on(async {
        for _ in 0..200 {
            let (status, _) = common::http("GET", addr, "/healthz", &[], "").await;
            if status != 0 {
                return status;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        0
    });
    assert_eq!(health, 200);
    let (status, page) = rt.block_on(common::http("GET", addr, "/chat", &[], ""));
    assert_eq!(status, 200, "{page}");
    // SIGTERM: a clean stop.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn agent_add_prints_a_hash_and_agent_link_a_one_time_url() {
    // `agent add`, with the password on standard input.
    let out = paynudge(&["agent", "add", "Amy"], b"correct horse battery\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = text(&out.stdout);
    assert!(lines.starts_with("[[desk.agents]]\nname = \"Amy\"\npassword_hash = \"$argon2id$"));
    assert!(!lines.contains("correct horse"));
    let short = paynudge(&["agent", "add", "Amy"], b"short\n");
    assert!(!short.status.success());
    assert!(text(&short.stderr).contains("at least 10 characters"));

    // The lines make a config; `agent link` prints a link for a listed agent.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("paynudge.toml");
    std::fs::write(
        &config,
        format!("[web]\npublic_url = \"https://bot.shop.example\"\n\n{lines}"),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let secret = ("PAYNUDGE_WEB_SECRET", "a web secret for the cli test");
    let out = paynudge_env(&["agent", "link", "Amy", "--config", config], &[secret]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("https://bot.shop.example/desk/link?t="));
    let unknown = paynudge_env(&["agent", "link", "Bob", "--config", config], &[secret]);
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("paynudge agent add Bob"));
    let no_secret = paynudge_env(&["agent", "link", "Amy", "--config", config], &[]);
    assert!(!no_secret.status.success());
    assert!(text(&no_secret.stderr).contains("PAYNUDGE_WEB_SECRET is not set"));
}
