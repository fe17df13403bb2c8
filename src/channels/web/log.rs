//! What a web buyer has seen, line by line, with sequence numbers.
//!
//! A browser keeps nothing: a reload, a second tab or a new page of the shop
//! asks the server for the conversation. So every line the buyer sees (their
//! own words, the bot's replies with their buttons) is written here, durably,
//! before it is shown, and a reconnecting page asks for the lines after the
//! last number it saw. Keys are `visitor \0 seq` (big-endian), so one
//! visitor's lines are one ordered range.

use crate::store::SyncedDb;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Chats whose last number one shard of the log keeps in memory.
const REMEMBERED: usize = 4096;

/// One line of the conversation as the widget draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub seq: u64,
    /// `buyer`, `bot` or `agent`.
    pub from: String,
    pub text: String,
    /// Buttons under the line: (value, label). Only the newest line's
    /// buttons can be tapped; the engine refuses an old question's tap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<(String, String)>,
    /// The question the buttons answer, sent back with a tap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<u64>,
    pub at: i64,
}

pub struct WebLog {
    lines: sled::Tree,
    /// Numbering a chat's lines needs its last number: one append per chat
    /// at a time (a buyer's turn, an agent's words and a reminder can
    /// meet). Sharded std mutexes, never held over an await, each keeping
    /// the last numbers it has seen: a reverse scan of sled per message cost
    /// more than the write. A shard forgets them all past `REMEMBERED`
    /// chats (they are read again), so memory stays bounded.
    numbering: Box<[std::sync::Mutex<HashMap<String, u64>>]>,
}

fn key(visitor: &str, seq: u64) -> Vec<u8> {
    [visitor.as_bytes(), &[0], &seq.to_be_bytes()].concat()
}

fn prefix(visitor: &str) -> Vec<u8> {
    [visitor.as_bytes(), &[0]].concat()
}

impl WebLog {
    pub fn open(db: &SyncedDb) -> Result<WebLog, String> {
        let lines = db.db().open_tree("web_lines").map_err(|e| e.to_string())?;
        Ok(WebLog {
            lines,
            numbering: (0..64)
                .map(|_| std::sync::Mutex::new(HashMap::new()))
                .collect(),
        })
    }

    /// Appends `lines` (their `seq` is set here). They are durable at the
    /// store's next flush: the caller waits for a barrier before showing them.
    pub fn append(&self, visitor: &str, lines: &mut [Line]) -> Result<(), String> {
        let shard = crate::channels::shard(visitor, self.numbering.len());
        let mut numbering = self.numbering[shard]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let last = match numbering.get(visitor) {
            Some(&last) => last,
            None => self
                .lines
                .scan_prefix(prefix(visitor))
                .keys()
                .next_back()
                .transpose()
                .map_err(|e| e.to_string())?
                .and_then(|k| Some(u64::from_be_bytes(k[k.len() - 8..].try_into().ok()?)))
                .unwrap_or(0),
        };
        let mut batch = sled::Batch::default();
        for (n, line) in lines.iter_mut().enumerate() {
            line.seq = last + 1 + n as u64;
            let bytes = serde_json::to_vec(line).map_err(|e| e.to_string())?;
            batch.insert(key(visitor, line.seq), bytes);
        }
        self.lines.apply_batch(batch).map_err(|e| e.to_string())?;
        if numbering.len() >= REMEMBERED {
            numbering.clear();
        }
        numbering.insert(visitor.to_string(), last + lines.len() as u64);
        Ok(())
    }

    /// Whether the chat has a line here (a buyer the web chat holds).
    pub fn knows(&self, visitor: &str) -> bool {
        self.lines
            .scan_prefix(prefix(visitor))
            .next()
            .is_some_and(|r| r.is_ok())
    }

    /// The visitor's lines after `after`, at most `limit` of the newest.
    pub fn after(&self, visitor: &str, after: u64, limit: usize) -> Result<Vec<Line>, String> {
        let start = key(visitor, after.saturating_add(1));
        let end = key(visitor, u64::MAX);
        let mut lines: Vec<Line> = self
            .lines
            .range(start..=end)
            .values()
            .rev()
            .take(limit)
            .filter_map(|v| serde_json::from_slice(&v.ok()?).ok())
            .collect();
        lines.reverse();
        Ok(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Line {
        Line {
            seq: 0,
            from: "bot".into(),
            text: text.into(),
            options: Vec::new(),
            question: None,
            at: 0,
        }
    }

    #[test]
    fn lines_are_numbered_per_visitor_and_read_back_after_a_number() {
        let dir = tempfile::tempdir().unwrap();
        let db = SyncedDb::open(sled::open(dir.path()).unwrap(), dir.path()).unwrap();
        let log = WebLog::open(&db).unwrap();
        log.append("v1", &mut [line("a"), line("b")]).unwrap();
        log.append("v2", &mut [line("x")]).unwrap();
        log.append("v1", &mut [line("c")]).unwrap();
        let seqs = |v, after| -> Vec<(u64, String)> {
            log.after(v, after, 100)
                .unwrap()
                .into_iter()
                .map(|l| (l.seq, l.text))
                .collect()
        };
        assert_eq!(
            seqs("v1", 0),
            [(1, "a".into()), (2, "b".into()), (3, "c".into())]
        );
        assert_eq!(seqs("v1", 2), [(3, "c".into())]);
        assert_eq!(seqs("v2", 0), [(1, "x".into())]);
        // A visitor id that is another's prefix sees only its own lines.
        assert!(seqs("v", 0).is_empty());
        assert_eq!(log.after("v1", 0, 2).unwrap().len(), 2);
    }
}
