//! Message rates: per visitor (one buyer typing too fast, a script) and per
//! address (many made-up visitors from one machine). A refused message gets
//! a friendly "slow down" in the buyer's language, never a silent error.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const MINUTE: Duration = Duration::from_secs(60);

pub struct Limits {
    per_visitor: u32,
    per_address: u32,
    visitors: Window<String>,
    addresses: Window<IpAddr>,
}

impl Limits {
    /// Messages a minute per visitor and per address.
    pub fn new(per_visitor: u32, per_address: u32) -> Limits {
        Limits {
            per_visitor,
            per_address,
            visitors: Window::default(),
            addresses: Window::default(),
        }
    }

    /// Whether a message from `chat` at `address` may go now; counts it.
    pub fn allow(&self, chat: &str, address: Option<IpAddr>) -> bool {
        let now = Instant::now();
        let by_address = address.is_none_or(|a| self.addresses.count(a, now) <= self.per_address);
        let by_visitor = self.visitors.count(chat.to_string(), now) <= self.per_visitor;
        by_address && by_visitor
    }
}

/// Counts per key in fixed one-minute windows.
struct Window<K> {
    counts: Mutex<HashMap<K, (Instant, u32)>>,
    /// Keys left by the last sweep of expired windows.
    swept: AtomicUsize,
}

impl<K> Default for Window<K> {
    fn default() -> Self {
        Window {
            counts: Mutex::new(HashMap::new()),
            swept: AtomicUsize::new(0),
        }
    }
}

impl<K: Hash + Eq> Window<K> {
    /// Counts one message for `key` at `now`: the count in its window.
    fn count(&self, key: K, now: Instant) -> u32 {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        // Expired windows go when the map has doubled since the last sweep:
        // memory stays bounded by twice the active keys, and a message costs
        // a full pass only that rarely.
        let swept = self.swept.load(Ordering::Relaxed);
        if counts.len() >= 1024 && counts.len() >= 2 * swept {
            counts.retain(|_, (start, _)| now.duration_since(*start) < MINUTE);
            self.swept.store(counts.len(), Ordering::Relaxed);
        }
        let (start, count) = counts.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= MINUTE {
            *start = now;
            *count = 0;
        }
        *count = count.saturating_add(1);
        *count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visitors_and_addresses_are_limited_apart() {
        let limits = Limits::new(3, 5);
        let home: IpAddr = "10.0.0.1".parse().unwrap();
        assert!((0..3).all(|_| limits.allow("a", Some(home))));
        assert!(!limits.allow("a", Some(home)), "a's fourth in a minute");
        assert!(limits.allow("b", Some(home)));
        assert!(!limits.allow("c", Some(home)), "the address's sixth");
        assert!(limits.allow("c", Some("10.0.0.2".parse().unwrap())));
        assert!(limits.allow("d", None));
    }

    #[test]
    fn expired_windows_are_swept_as_the_map_doubles() {
        let window = Window::default();
        let long_ago = Instant::now();
        for n in 0..1024u32 {
            window.count(n, long_ago);
        }
        let later = long_ago + MINUTE * 2;
        window.count(5000, later);
        assert_eq!(window.counts.lock().unwrap().len(), 1);
        // A window starts again after a minute.
        assert_eq!(window.count(5000, later + MINUTE), 1);
    }
}
