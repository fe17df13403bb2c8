//! The `paynudge` command: parses the command line and wires the library up.

use clap::{Args, Parser, Subcommand};
use paynudge::channels::console::{self, ConsoleOptions};
use paynudge::channels::telegram::{self, Mode, Telegram};
use paynudge::nlu::{self, eval};
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
    },
    /// Print the deep link that binds a buyer's chat to an order.
    Link {
        /// The order id (A-Z, a-z, 0-9 and -, at most 32 characters).
        order_id: String,
        /// Shop configuration file (see paynudge.example.toml).
        #[arg(long, value_name = "FILE", env = "PAYNUDGE_CONFIG")]
        config: Option<PathBuf>,
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
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
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
        Command::Telegram {
            common,
            webhook,
            listen,
        } => {
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
                Telegram::new(engine).run(bot, mode).await
            })
        }
        Command::Link { order_id, config } => {
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
            if bot.is_empty() {
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
        Command::Eval { file, cv, mistakes } => {
            let reports = match (file, cv) {
                (_, Some(k)) => {
                    eval::cross_validate(&nlu::builtin_examples(), k, nlu::TrainParams::default())
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
            for report in reports {
                println!("{report}");
                if mistakes {
                    for (want, got, text) in &report.mistakes {
                        println!("  {want} -> {got}: {text}");
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

fn open_engine(common: &Common) -> Result<Engine, Error> {
    let config = load_config(common.config.as_deref())?;
    let links = config.links.signer().map_err(Error::Setup)?;
    let content = match (&config.paths.dialogs, &config.paths.locales) {
        (None, None) => Content::builtin()?,
        (d, l) => Content::from_dirs(d.as_deref(), l.as_deref())?,
    };
    let db = common.db.clone().unwrap_or_else(default_db_dir);
    let store = SledStore::open(&db)?;
    eprintln!("paynudge: sessions in {}", display(&db));
    let classifier = Arc::new(Classifier::builtin());
    let store: Arc<dyn SessionStore> = Arc::new(store);
    let engine = Engine::new(config, content, classifier, store);
    Ok(match links {
        Some(links) => engine.with_links(links),
        None => engine,
    })
}

fn display(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}
