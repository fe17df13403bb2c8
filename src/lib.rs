//! paynudge: a bilingual chat bot that helps shop buyers finish paying for
//! orders they placed but did not pay.
//!
//! Layout (see ARCHITECTURE.md for the map and its invariants):
//! - [`lang`]: the two languages and how a message's language is told.
//! - [`intent`]: the fixed intent labels.
//! - [`nlu`]: normalisation, the lexicon and the statistical classifier.
//! - [`dialog`]: dialog flows and slots, loaded from `dialogs/`.
//! - [`questions`]: side questions answered from the shop's facts, from any dialog.
//! - [`locale`]: the texts, from Fluent files in `locales/`.
//! - [`content`]: dialogs and texts together, built in or the shop's own, cross-checked.
//! - [`config`]: the shop's configuration file.
//! - [`links`]: signed deep-link payloads that bind a chat to an order, and
//!   shop-signed buyer ids.
//! - [`session`]: what is remembered per buyer.
//! - [`store`]: where sessions live (sled, or memory in tests), with group commit.
//! - [`orders`]: orders and the events that change them.
//! - [`reminders`]: when to remind buyers to pay, the outbox, the scheduler.
//! - [`engine`]: one message in, replies out; the only thing channels call.
//! - [`channels`]: the edges buyers talk through (console, Telegram, the web
//!   chat), the orders endpoint, and `desk` (what channels need of each other).
//! - [`html`]: escaping text into the pages (the report, the web chat).
//! - [`error`]: errors that say what to do.

pub mod channels;
pub mod config;
pub mod content;
pub mod dialog;
pub mod engine;
pub mod error;
pub mod html;
pub mod intent;
pub mod lang;
pub mod links;
pub mod locale;
pub mod nlu;
pub mod orders;
pub mod questions;
pub mod reminders;
pub mod session;
pub mod store;

pub use config::Config;
pub use content::Content;
pub use engine::{Engine, QuickReply, Reply};
pub use error::{Error, StoreError};
pub use intent::Intent;
pub use lang::Lang;
pub use nlu::Classifier;
pub use session::{Session, UserId};
