//! The `paynudge` command: parses the command line and wires the library up.

use clap::{Args, Parser, Subcommand};
use paynudge::channels::console::{self, ConsoleOptions};
use paynudge::channels::telegram::{self, Mode, Telegram};
use paynudge::nlu::{self, eval};
use paynudge::orders::import;
use paynudge::reminders::{Channel, Decision, PlanPage, Reminders, local_minute};
use paynudge::store::{SessionStore, SledStore};
use paynudge::{Classifier, Config, Content, Engine, Error, UserId};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "paynudge",
    version,
    about = "A chat bot that helps shop buyers finish paying their orders (English and Chinese)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Chat on stdin/stdout as one buyer (interactive, piped, or --json).
    Chat {
        #[command(flatten)]
        common: Common,
        /// The buyer's id for this conversation.
        #[arg(long, default_value = "console")]
        user: String,
        /// Read one message per line, print one JSON object per non-blank line.
        #[arg(long)]
        json: bool,
    },
    /// Classify one message per stdin line: `label<TAB>confidence<TAB>lang`.
    Classify {
        /// Print a JSON object per line instead.
        #[arg(long)]
        json: bool,
    },
    /// Run the Telegram bot (token from TELOXIDE_TOKEN; long polling, or a webhook).
    Telegram {
        #[command(flatten)]
        common: Common,
        /// Public HTTPS URL Telegram posts updates to (webhook mode).
        #[arg(long, value_name = "URL", requires = "listen")]
        webhook: Option<String>,
        /// Address the webhook server listens on, e.g. 127.0.0.1:8443.
        #[arg(long, value_name = "ADDR", requires = "webhook")]
        listen: Option<std::net::SocketAddr>,
        /// Also serve POST /events for the shop's backend here (the database
        /// belongs to one process, so the bot takes order events itself).
        #[arg(long, value_name = "ADDR")]
        orders_listen: Option<std::net::SocketAddr>,
    },
    /// Print the deep link that binds a buyer's chat to an order.
    Link {
        /// The order id (A-Z, a-z, 0-9 and -, at most 32 characters).
        order_id: String,
        /// A link to the web chat (web.public_url) instead of Telegram.
        #[arg(long)]
        web: bool,
        /// Shop configuration file (see paynudge.example.toml).
        #[arg(long, value_name = "FILE", env = "PAYNUDGE_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Order events from the shop: import a file, or serve the HTTP endpoint.
    Orders {
        #[command(subcommand)]
        command: OrdersCommand,
    },
    /// Payment reminders.
    Reminders {
        #[command(subcommand)]
        command: RemindersCommand,
    },
    /// Call tasks for large unpaid orders, with the call script; `--record`
    /// stores what a call achieved.
    Calls {
        #[command(flatten)]
        common: Common,
        /// List the tasks as of this time (RFC 3339, or without an offset in the shop's time zone) [default: now].
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// Record the outcome of the call for this order id...
        #[arg(long, value_name = "ORDER_ID", requires = "outcome")]
        record: Option<String>,
        /// ...as one of: will-pay, paid, not-interested, no-answer, wrong-number, other.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(paynudge::reminders::CallOutcome::ALL.map(paynudge::reminders::CallOutcome::key)))]
        outcome: Option<String>,
    },
    /// What reminding converts: by reminder, slot, strategy, blocker; lift vs holdout.
    Report {
        #[command(flatten)]
        common: Common,
        /// Only orders created on or after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
        /// Print the report as JSON.
        #[arg(long, conflicts_with_all = ["csv", "html"])]
        json: bool,
        /// Print every table as CSV (`table,row,of,paid,rate_percent`).
        #[arg(long, conflicts_with = "html")]
        csv: bool,
        /// Write the report as one self-contained HTML page with charts.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Run every channel the config enables, in one process over one
    /// database: the web chat (`/chat`, with `/healthz` and `/readyz`), the
    /// orders endpoint on the same address (when PAYNUDGE_ORDERS_TOKEN is
    /// set) and Telegram (when TELOXIDE_TOKEN is set). Stops cleanly on
    /// SIGTERM or Ctrl-C.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on [default: `web.listen` in the config].
        #[arg(long, value_name = "ADDR")]
        listen: Option<std::net::SocketAddr>,
    },
    /// Commands for customer-service agents.
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// Measure the classifier on a labelled TSV (`label<TAB>lang<TAB>text`),
    /// or by cross-validation on its own training examples (`--cv K`).
    Eval {
        /// The labelled file, e.g. tests/data/intents_test.tsv.
        #[arg(required_unless_present = "cv")]
        file: Option<PathBuf>,
        /// K-fold cross-validation on the built-in training examples instead.
        #[arg(long, value_name = "K", conflicts_with = "file")]
        cv: Option<usize>,
        /// Also list every mistake.
        #[arg(long)]
        mistakes: bool,
        /// Where the mistakes go: the most frequent (expected -> got) cells.
        #[arg(long)]
        confusion: bool,
        /// With --cv: write each training example with its fold
        /// (`fold<TAB>label<TAB>lang<TAB>text`), for scripts/baseline.py.
        #[arg(long, value_name = "FILE", requires = "cv")]
        folds: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum OrdersCommand {
    /// Import order events: JSON lines (one event per line) or CSV (by extension).
    Import {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Serve POST /events for the shop's backend (bearer token from PAYNUDGE_ORDERS_TOKEN).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long, value_name = "ADDR")]
        listen: std::net::SocketAddr,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum RemindersCommand {
    /// Dry run: when each unpaid order's next reminder would go, how, or why none.
    Plan {
        /// Plan as of this time: RFC 3339 (2026-11-23T10:00:00+08:00), or without an offset (2026-11-23T10:00:00, 2026-11-23 10:00) in the shop's time zone [default: now].
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Hand a buyer's session back to the bot.
    Release {
        /// The buyer's id (as in `chat --user`).
        user: String,
        #[command(flatten)]
        common: Common,
    },
    /// Print a one-time link that signs a web-desk agent in (needs the web
    /// secret the server uses, from the same environment variable).
    Link {
        /// The agent's name, as in `[[desk.agents]]`.
        name: String,
        /// Minutes the link is good for.
        #[arg(long, default_value_t = 15)]
        minutes: u32,
        /// Shop configuration file (see paynudge.example.toml).
        #[arg(long, value_name = "FILE", env = "PAYNUDGE_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Print the config lines for a web-desk agent: asks for the password
    /// (twice, not echoed; or one line on standard input) and hashes it.
    Add {
        /// The agent's name, as buyers and other agents will see it.
        name: String,
    },
}

#[derive(Args)]
struct Common {
    /// Directory of the session database [default: the user's data dir, or ./paynudge-data].
    #[arg(long, value_name = "DIR")]
    db: Option<PathBuf>,
    /// Shop configuration file (see paynudge.example.toml).
    #[arg(long, value_name = "FILE", env = "PAYNUDGE_CONFIG")]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PAYNUDGE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in log files.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`paynudge eval ... | head`): nothing to say.
        Err(Error::Console(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paynudge: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Chat { common, user, json } => {
            let user = UserId::parse(&user)?;
            let engine = open_engine(&common)?;
            let stdin = std::io::stdin();
            let options = ConsoleOptions {
                user,
                json,
                interactive: !json && stdin.is_terminal(),
            };
            runtime()?.block_on(console::run(
                &engine,
                &options,
                stdin.lock(),
                std::io::stdout().lock(),
            ))
        }
        Command::Classify { json } => classify(json),
        Command::Orders {
            command: OrdersCommand::Import { file, common },
        } => {
            let engine = open_engine(&common)?;
            import_orders(orders_of(&engine)?, &file)
        }
        Command::Orders {
            command: OrdersCommand::Serve { listen, common },
        } => {
            let token = orders_token()?;
            let engine = Arc::new(open_engine(&common)?);
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                tokio::spawn(paynudge::channels::return_freed_memory());
                serve_orders(listen, token, engine).await?.await
            })
        }
        Command::Reminders {
            command: RemindersCommand::Plan { now, common },
        } => {
            let engine = open_engine_for_batch(&common)?;
            let orders = orders_of(&engine)?;
            let tz = orders.timezone();
            let now = parse_now(now.as_deref(), tz)?;
            let pages = orders
                .plan(
                    now,
                    &engine.buyer_states()?,
                    |page: &mut PlanPage, order, decision| page.add(order, &decision, tz),
                )
                .map_err(|e| Error::Setup(e.to_string()))?;
            let mut summary = paynudge::reminders::Summary::default();
            let mut out = std::io::stdout().lock();
            out.write_all(orders.plan_header(now).as_bytes())?;
            for page in &pages {
                out.write_all(page.text.as_bytes())?;
                summary.merge(&page.summary);
            }
            write!(out, "{summary}")?;
            out.flush()?;
            Ok(())
        }
        Command::Calls {
            common,
            now,
            record,
            outcome,
        } => {
            let engine = open_engine_for_batch(&common)?;
            if let (Some(order), Some(outcome)) = (record, outcome) {
                let outcome = paynudge::reminders::CallOutcome::parse(&outcome)
                    .ok_or_else(|| Error::Setup(format!("unknown call outcome {outcome:?}")))?;
                return match orders_of(&engine)?.record_call(&order, outcome)? {
                    Some(_) => {
                        println!("recorded: {order} -> {}", outcome.key());
                        Ok(())
                    }
                    None => Err(Error::Setup(format!(
                        "no order {order:?} in this database\nhint: `paynudge reminders plan` lists the unpaid orders"
                    ))),
                };
            }
            let orders = orders_of(&engine)?;
            let tz = orders.timezone();
            let tasks = orders
                .plan(
                    parse_now(now.as_deref(), tz)?,
                    &engine.buyer_states()?,
                    |tasks: &mut Vec<String>, order, decision| {
                        if let Decision::Remind {
                            channel: Channel::Call,
                            at,
                            ..
                        } = decision
                        {
                            tasks.push(format!(
                                "due {}\n{}\nrecord: paynudge calls --record {} --outcome {}\n",
                                local_minute(at, tz),
                                engine.call_task(order, paynudge::engine::Phone::Masked),
                                order.id,
                                paynudge::reminders::CallOutcome::ALL
                                    .map(paynudge::reminders::CallOutcome::key)
                                    .join("|")
                            ));
                        }
                    },
                )
                .map_err(|e| Error::Setup(e.to_string()))?;
            for task in tasks.concat() {
                println!("{task}");
            }
            Ok(())
        }
        Command::Report {
            common,
            since,
            json,
            csv,
            html,
        } => {
            let engine = open_engine_for_batch(&common)?;
            let since_date = since;
            let since = since
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map_or(0, |t| t.and_utc().timestamp());
            let report = engine.report(since)?;
            if let Some(path) = html {
                let heading = format!(
                    "{}: orders created {}, as of {}",
                    engine.config().shop.name,
                    since_date.map_or("at any time".to_string(), |d| format!("since {d}")),
                    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
                );
                std::fs::write(&path, report.to_html(&heading)).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?;
                eprintln!("paynudge: wrote {}", display(&path));
            } else if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else if csv {
                print!("{}", report.to_csv());
            } else {
                print!("{}", report.to_text());
            }
            Ok(())
        }
        Command::Telegram {
            common,
            webhook,
            listen,
            orders_listen,
        } => {
            let token = orders_listen.map(|_| orders_token()).transpose()?;
            let engine = Arc::new(open_engine(&common)?);
            let mode = match (webhook, listen) {
                (Some(url), Some(listen)) => {
                    let secret = std::env::var("PAYNUDGE_WEBHOOK_SECRET").ok();
                    Mode::Webhook {
                        url,
                        listen,
                        secret,
                    }
                }
                _ => Mode::Polling,
            };
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let bot = telegram::bot_from_env()?;
                if let (Some(listen), Some(token)) = (orders_listen, token) {
                    let server = serve_orders(listen, token, engine.clone()).await?;
                    tokio::spawn(async move {
                        if let Err(e) = server.await {
                            tracing::error!(error = %e, "the orders endpoint stopped");
                        }
                    });
                }
                let group_bot = paynudge::channels::telegram::group_bot(&bot);
                Telegram::new(engine).run(bot, group_bot, mode).await
            })
        }
        Command::Serve { common, listen } => serve(&common, listen),
        Command::Link {
            order_id,
            web,
            config,
        } => {
            let config = load_config(config.as_deref())?;
            let signer = config.links.signer().map_err(Error::Setup)?.ok_or_else(|| {
                Error::Setup(format!(
                    "{} is not set\nhint: export a long random secret, the same one the bot runs with",
                    config.links.secret_env
                ))
            })?;
            let expires =
                chrono::Utc::now().timestamp() + i64::from(config.links.valid_hours) * 3600;
            let payload = signer.sign(&order_id, expires).ok_or_else(|| {
                Error::Setup(format!(
                    "order id {order_id:?}: use A-Z, a-z, 0-9 and -, at most 32 characters"
                ))
            })?;
            let bot = &config.telegram.bot_username;
            if web {
                let url = config.web.public_url.trim_end_matches('/');
                if url.is_empty() {
                    return Err(Error::Setup(
                        "web.public_url is not set in the config\nhint: set it to where buyers reach `paynudge serve`, like \"https://bot.shop.example\"".into(),
                    ));
                }
                println!("{url}/chat?order={payload}");
            } else if bot.is_empty() {
                eprintln!(
                    "paynudge: telegram.bot_username is not set in the config; printing the payload only"
                );
                println!("{payload}");
            } else {
                println!("https://t.me/{bot}?start={payload}");
            }
            Ok(())
        }
        Command::Agent {
            command: AgentCommand::Release { user, common },
        } => {
            let user = UserId::parse(&user)?;
            let engine = open_engine(&common)?;
            if engine.store().load(&user)?.is_none() {
                return Err(Error::NoSession(user.to_string()));
            }
            let reply = runtime()?.block_on(engine.release(&user, chrono::Utc::now()))?;
            println!(
                "{user} is back with the bot; they are told: {}",
                reply.replies.join(" ")
            );
            Ok(())
        }
        Command::Agent {
            command: AgentCommand::Add { name },
        } => add_agent(&name),
        Command::Agent {
            command:
                AgentCommand::Link {
                    name,
                    minutes,
                    config,
                },
        } => agent_link(&name, minutes, config.as_deref()),
        Command::Eval {
            file,
            cv,
            mistakes,
            confusion,
            folds,
        } => {
            let reports = match (file, cv) {
                (_, Some(k)) => {
                    let examples = nlu::builtin_examples();
                    if let Some(path) = folds {
                        let lines: String = examples
                            .iter()
                            .enumerate()
                            .map(|(i, e)| {
                                format!(
                                    "{}\t{}\t{}\t{}\n",
                                    eval::fold_of(i, k),
                                    e.intent,
                                    e.lang,
                                    e.text
                                )
                            })
                            .collect();
                        std::fs::write(&path, lines).map_err(|source| Error::Write {
                            path: path.clone(),
                            source,
                        })?;
                    }
                    eval::cross_validate(&examples, k, nlu::TrainParams::default())
                }
                (Some(file), None) => {
                    let tsv = std::fs::read_to_string(&file).map_err(|source| Error::Read {
                        path: file.clone(),
                        source,
                    })?;
                    let examples = nlu::parse_examples(&tsv, &file.display().to_string())
                        .map_err(Error::Content)?;
                    eval::evaluate(&Classifier::builtin(), &examples)
                }
                (None, None) => unreachable!("clap requires a file or --cv"),
            };
            // Written, not printed: a closed pipe (`| head`) is an error
            // to stop on, not a panic.
            let mut out = std::io::stdout().lock();
            for report in reports {
                writeln!(out, "{report}")?;
                if confusion || mistakes {
                    write!(out, "{}", report.confusion_summary(12))?;
                }
                if mistakes {
                    for (want, got, text) in &report.mistakes {
                        writeln!(out, "  {want} -> {got}: {text}")?;
                    }
                }
            }
            Ok(())
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn classify(json: bool) -> Result<(), Error> {
    let classifier = Classifier::builtin();
    let mut out = std::io::stdout().lock();
    let mut input = std::io::stdin().lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&buf);
        let text = line.trim_end_matches(['\n', '\r']);
        let p = classifier.classify(text);
        let lang = p.lang.unwrap_or_default();
        if json {
            let value = serde_json::json!({
                "text": text, "lang": lang, "intent": p.intent, "confidence": (f64::from(p.confidence) * 1000.0).round() / 1000.0,
            });
            writeln!(out, "{value}")?;
        } else {
            writeln!(out, "{}\t{:.3}\t{}", p.intent, p.confidence, lang)?;
        }
    }
}

fn orders_token() -> Result<String, Error> {
    std::env::var("PAYNUDGE_ORDERS_TOKEN").ok().filter(|t| t.len() >= 16).ok_or_else(|| {
        Error::Setup("PAYNUDGE_ORDERS_TOKEN is not set (or shorter than 16 characters)\nhint: export a long random token; the shop's backend sends it as `Authorization: Bearer ...`".into())
    })
}

/// Binds the orders endpoint (failing at once if the address is taken) and
/// returns the server to run.
async fn serve_orders(
    listen: std::net::SocketAddr,
    token: String,
    engine: Arc<Engine>,
) -> Result<impl std::future::Future<Output = Result<(), Error>>, Error> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| Error::Setup(format!("cannot listen on {listen}: {e}")))?;
    eprintln!("paynudge: order events on http://{listen}/events");
    let router = paynudge::channels::orders_http::router(token, engine);
    let limits = paynudge::channels::http::Limits::default();
    Ok(async move {
        paynudge::channels::http::serve(listener, router, limits, std::future::pending()).await;
        Ok(())
    })
}

/// `paynudge serve`: every channel over one database in one process: the
/// web chat and the orders endpoint on one listener, Telegram beside them
/// when its token is set, and the reminder scheduler.
fn serve(common: &Common, listen: Option<std::net::SocketAddr>) -> Result<(), Error> {
    use paynudge::channels::web;
    let (engine, db) = open_engine_and_db(common, SledStore::open)?;
    let config = engine.config().clone();
    let listen = match (listen, &config.web.listen) {
        (Some(addr), _) => addr,
        (None, Some(text)) => text.parse().map_err(|_| {
            Error::Setup(format!(
                "web.listen = {text:?} is not an address like 127.0.0.1:8080"
            ))
        })?,
        (None, None) => {
            return Err(Error::Setup(
                "no address to listen on\nhint: set web.listen in the config, or pass --listen 127.0.0.1:8080".into(),
            ));
        }
    };
    let secret = web_secret(&config)?;
    let visitors = web::Visitors::new(secret.as_bytes())
        .ok_or_else(|| Error::Setup("the web secret is too short".into()))?;
    let log = web::WebLog::open(&db).map_err(Error::Setup)?;
    let engine = Arc::new(engine);
    let files = web::files_beside(&common.db.clone().unwrap_or_else(default_db_dir));
    let chat = Arc::new(web::Web::new(engine.clone(), log, visitors, files.clone()));
    let mut router = web::router(chat.clone());
    // The agents' desk runs when the config lists agents who may sign in.
    let desk = if config.desk.agents.is_empty() {
        None
    } else {
        let desk = Arc::new(paynudge::channels::agent_desk::AgentDesk::new(
            engine.clone(),
            files.clone(),
            Some(secret.into_bytes()),
        )?);
        router = router.merge(paynudge::channels::agent_desk::router(desk.clone()));
        Some(desk)
    };
    if std::env::var_os("PAYNUDGE_ORDERS_TOKEN").is_some() {
        router = router.merge(paynudge::channels::orders_http::router(
            orders_token()?,
            engine.clone(),
        ));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        tokio::spawn(paynudge::channels::return_freed_memory());
        let (stopping, stopped) = tokio::sync::watch::channel(false);
        let mut outboxes: Vec<Arc<dyn paynudge::channels::desk::Outbox>> = vec![chat.clone()];
        let telegram = if std::env::var_os("TELOXIDE_TOKEN").is_some() {
            let bot = telegram::bot_from_env()?;
            let group_bot = paynudge::channels::telegram::group_bot(&bot);
            let app = Telegram::new(engine.clone());
            // Agents in the support group serve web buyers too, and
            // Telegram's scheduler reminds them.
            app.serve_others(chat.clone());
            chat.set_desk(app.clone());
            outboxes.push(Arc::new(telegram::TelegramBuyers::new(
                app.clone(),
                bot.clone(),
            )));
            let mut stopped = stopped.clone();
            let stop = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            Some(tokio::spawn(async move {
                if let Err(e) = app.run_until(bot, group_bot, Mode::Polling, stop).await {
                    tracing::error!(error = %e, "the Telegram channel stopped");
                }
            }))
        } else {
            tokio::spawn(chat.clone().run_reminders());
            None
        };
        if let Some(desk) = &desk {
            desk.reach_through(outboxes);
            eprintln!("paynudge: agent desk on http://{listen}/desk");
        }
        let listener = listen_many(listen)
            .map_err(|e| Error::Setup(format!("cannot listen on {listen}: {e}")))?;
        eprintln!("paynudge: web chat on http://{listen}/chat");
        let stop = async move {
            stop_signal().await;
            eprintln!("paynudge: stopping: finishing open requests");
            let _ = stopping.send(true);
            // Open event streams end, so their pages reconnect elsewhere.
            chat.close_streams();
        };
        let limits = paynudge::channels::http::Limits::for_many_clients();
        paynudge::channels::http::serve(listener, router, limits, stop).await;
        if let Some(telegram) = telegram {
            // Turns Telegram is handling finish; then the process ends.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(30), telegram).await;
        }
        Ok(())
    })
}

/// The web secret from the variable `web.secret_env` names: it signs the
/// visitors' tokens and the desk's one-time sign-in links.
fn web_secret(config: &Config) -> Result<String, Error> {
    let name = &config.web.secret_env;
    std::env::var(name)
        .ok()
        .filter(|s| s.len() >= 16)
        .ok_or_else(|| {
            Error::Setup(format!(
                "{name} is not set (or shorter than 16 characters)\nhint: export a long random secret; it signs the web visitors' tokens and the desk's sign-in links"
            ))
        })
}

/// `paynudge agent link NAME`: a one-time sign-in link for the desk.
fn agent_link(name: &str, minutes: u32, config: Option<&Path>) -> Result<(), Error> {
    let config = match config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let secret = web_secret(&config)?;
    let url =
        paynudge::channels::agent_desk::sign_in_url(&config, name, minutes, secret.as_bytes())?;
    println!("{url}");
    eprintln!(
        "paynudge: signs {} in once, within {minutes} minutes; the server needs the same {}",
        name.trim(),
        config.web.secret_env
    );
    Ok(())
}

/// `paynudge agent add NAME`: the `[[desk.agents]]` lines to paste.
fn add_agent(name: &str) -> Result<(), Error> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {}: ", name.trim()))?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            return Err(Error::Setup(
                "the two passwords differ; nothing was printed".into(),
            ));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    println!(
        "{}",
        paynudge::channels::agent_desk::config_lines(name, &password)?
    );
    Ok(())
}

/// A listener whose queue of not-yet-accepted connections holds 4,096
/// (the standard library's 128 dropped a burst of buyers' connects, which
/// then waited a second or more to retry).
fn listen_many(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match addr {
        std::net::SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        std::net::SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// SIGTERM (systemd, a container runtime) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn default_db_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "paynudge")
        .map(|d| d.data_dir().join("sessions"))
        .unwrap_or_else(|| PathBuf::from("paynudge-data"))
}

fn load_config(path: Option<&Path>) -> Result<Config, Error> {
    match path {
        Some(path) => Config::load(path),
        None => Ok(Config::default()),
    }
}

/// `--now`: RFC 3339, or a local time without an offset, read in the
/// shop's time zone (what an operator types); absent: the clock.
fn parse_now(
    text: Option<&str>,
    tz: chrono_tz::Tz,
) -> Result<chrono::DateTime<chrono::Utc>, Error> {
    use chrono::TimeZone;
    let Some(text) = text else {
        return Ok(chrono::Utc::now());
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
        .and_then(|local| tz.from_local_datetime(&local).earliest())
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| {
            Error::Setup(format!(
                "--now {text:?}: use 2026-11-23T10:00:00 (the shop's time zone, {tz}) or RFC 3339 with an offset, 2026-11-23T10:00:00+08:00"
            ))
        })
}

fn open_engine(common: &Common) -> Result<Engine, Error> {
    open_engine_with(common, SledStore::open)
}

/// For commands that read every order once: a larger page cache.
fn open_engine_for_batch(common: &Common) -> Result<Engine, Error> {
    open_engine_with(common, SledStore::open_for_batch)
}

fn open_engine_with(
    common: &Common,
    open: fn(&Path) -> Result<SledStore, paynudge::error::StoreError>,
) -> Result<Engine, Error> {
    open_engine_and_db(common, open).map(|(engine, _)| engine)
}

/// The engine and its database, for channels that keep their own trees.
fn open_engine_and_db(
    common: &Common,
    open: fn(&Path) -> Result<SledStore, paynudge::error::StoreError>,
) -> Result<(Engine, paynudge::store::SyncedDb), Error> {
    let config = load_config(common.config.as_deref())?;
    let links = config.links.signer().map_err(Error::Setup)?;
    let content = match (&config.paths.dialogs, &config.paths.locales) {
        (None, None) => Content::builtin()?,
        (d, l) => Content::from_dirs(d.as_deref(), l.as_deref())?,
    };
    let db = common.db.clone().unwrap_or_else(default_db_dir);
    let store = open(&db)?;
    eprintln!("paynudge: sessions in {}", display(&db));
    let orders =
        Reminders::open(store.db(), &config.reminders).map_err(|e| Error::Setup(e.to_string()))?;
    let classifier = Arc::new(Classifier::builtin());
    let db = store.db().clone();
    let store: Arc<dyn SessionStore> = Arc::new(store);
    let engine = Engine::new(config, content, classifier, store).with_orders(Arc::new(orders));
    Ok((
        match links {
            Some(links) => engine.with_links(links),
            None => engine,
        },
        db,
    ))
}

fn display(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn orders_of(engine: &Engine) -> Result<&Arc<Reminders>, Error> {
    engine
        .orders()
        .ok_or_else(|| Error::Setup("no order storage".into()))
}

/// Imports JSON lines or CSV (see `orders::import`). Bad lines are reported
/// as `file:line: field ...` and skipped; the good ones are applied.
fn import_orders(orders: &Reminders, file: &Path) -> Result<(), Error> {
    let opened = std::fs::File::open(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let lines: Box<dyn Iterator<Item = import::Line>> = if file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        Box::new(import::csv(opened).map_err(|e| Error::Setup(format!("{}: {e}", file.display())))?)
    } else {
        Box::new(import::json_lines(opened))
    };
    let now = chrono::Utc::now();
    let (mut ok, mut bad, mut stored_through) = (0, 0, 0);
    // A transaction per thousand events: each costs sled two log writes.
    let mut batch = Vec::with_capacity(1000);
    let mut lines = lines.peekable();
    while let Some((line, event)) = lines.next() {
        match event {
            Ok(event) => batch.push(event),
            Err(e) => {
                bad += 1;
                eprintln!("{}:{line}: {e}", file.display());
            }
        }
        if batch.len() == 1000 || (lines.peek().is_none() && !batch.is_empty()) {
            let stored = orders
                .ingest_batch(&batch, now)
                .and_then(|_| orders.flush());
            if let Err(e) = stored {
                return Err(Error::Setup(format!(
                    "{e}\n{ok} events, up to line {stored_through}, were stored; events apply only once, so running the import again is safe"
                )));
            }
            ok += batch.len();
            stored_through = line;
            batch.clear();
        }
    }
    println!("imported {ok} events, rejected {bad}");
    if bad > 0 {
        Err(Error::Setup(format!("{bad} events rejected (see above)")))
    } else {
        Ok(())
    }
}
