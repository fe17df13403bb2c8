//! Errors a user can act on: each says what failed, where, and what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: cannot read the config file: {source}\nhint: check the path given to --config, or start from paynudge.example.toml", path.display())]
    ConfigRead {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Config {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },

    /// A dialog, slot or locale file that does not hold together.
    #[error("{0}")]
    Content(String),

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(transparent)]
    Orders(#[from] crate::reminders::RemindersError),

    /// The environment or a channel is not set up right (token, URL, webhook).
    #[error("{0}")]
    Setup(String),

    /// Reading from or writing to the terminal or a pipe failed.
    #[error("console: {0}")]
    Console(#[from] std::io::Error),

    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "no session for user {0:?} in this database\nhint: check the id and --db; `chat --user ID` creates sessions"
    )]
    NoSession(String),

    #[error("invalid user id {id:?}: {reason}")]
    UserId { id: String, reason: &'static str },
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: the session database is in use by another paynudge process\nhint: stop the other process, or give this one its own --db DIR", path.display())]
    Locked { path: PathBuf },

    #[error("{}: the session database is not writable: {cause}\nhint: fix the directory's permissions, or choose another with --db DIR", path.display())]
    Unwritable { path: PathBuf, cause: String },

    #[error("{}: the session database is corrupt: {cause}\nhint: move the directory aside (it is kept for recovery) and start again, or restore a backup", path.display())]
    Corrupt { path: PathBuf, cause: String },

    #[error("{}: session database error: {cause}", path.display())]
    Io { path: PathBuf, cause: String },
}
