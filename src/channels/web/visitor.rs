//! Who a web buyer is: an anonymous visitor id in a signed, HttpOnly cookie.
//!
//! The id is random; the cookie carries it with an HMAC-SHA256 of it under
//! the server's secret, so a cookie made up or altered by anyone else names
//! no one (the page gets a new visitor). The secret comes from the
//! environment, never the config file.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

pub const COOKIE: &str = "pn_visitor";

pub struct Visitors {
    secret: Vec<u8>,
    issued: AtomicU64,
}

impl Visitors {
    /// `None` for a secret shorter than 16 bytes: too easy to guess.
    pub fn new(secret: &[u8]) -> Option<Visitors> {
        (secret.len() >= 16).then(|| Visitors {
            secret: secret.to_vec(),
            issued: AtomicU64::new(0),
        })
    }

    fn mac(&self, id: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(b"visitor:");
        mac.update(id.as_bytes());
        mac
    }

    /// A new visitor id: 128 bits from the standard library's randomly
    /// keyed hasher (seeded from the OS) and a counter. It need not be
    /// secret, only unique: the signature is what cannot be made up.
    pub fn issue(&self) -> String {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let mut words = [0u64; 2];
        for (i, word) in words.iter_mut().enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(n);
            h.write_usize(i);
            *word = h.finish();
        }
        format!("{:016x}{:016x}", words[0], words[1])
    }

    /// The cookie's value for `id`.
    pub fn cookie_value(&self, id: &str) -> String {
        let tag = URL_SAFE_NO_PAD.encode(self.mac(id).finalize().into_bytes());
        format!("{id}.{tag}")
    }

    /// The visitor id in a cookie value, if the signature is ours.
    pub fn verify(&self, value: &str) -> Option<String> {
        let (id, mac) = value.rsplit_once('.')?;
        let valid = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
        let tag = URL_SAFE_NO_PAD.decode(mac).ok()?;
        // `verify_slice` compares in constant time.
        (valid && self.mac(id).verify_slice(&tag).is_ok()).then(|| id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_signature_names_a_visitor() {
        let visitors = Visitors::new(b"a secret of sixteen+ bytes").unwrap();
        let id = visitors.issue();
        assert_ne!(id, visitors.issue());
        let cookie = visitors.cookie_value(&id);
        assert_eq!(visitors.verify(&cookie), Some(id.clone()));
        let other = Visitors::new(b"another secret, also long").unwrap();
        assert_eq!(other.verify(&cookie), None);
        let forged = format!("{}.{}", "f".repeat(32), cookie.rsplit_once('.').unwrap().1);
        assert_eq!(visitors.verify(&forged), None);
        assert_eq!(visitors.verify("garbage"), None);
        assert!(Visitors::new(b"short").is_none());
    }
}
