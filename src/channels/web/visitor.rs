//! Who a web buyer is: a chat id (`web:<random>` for an anonymous visitor,
//! the shop's buyer id for one the shop named) in a signed token.
//!
//! The token is `<base64url(id)>.<base64url(HMAC-SHA256(secret, id))>`. It
//! travels as an HttpOnly cookie (the `/chat` page) and, for a widget on
//! another site, where the browser withholds that cookie, in the page's
//! localStorage, sent back in the `X-Paynudge` header (`?v=` for the event
//! stream, which cannot send headers). A token made up or altered by anyone
//! else names no one. The secret comes from the environment, never the
//! config file.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

pub const COOKIE: &str = "pn_visitor";
/// Anonymous visitors' chat ids start with this.
pub const PREFIX: &str = "web:";

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

    /// A new anonymous chat id: `web:` and 128 bits from the standard
    /// library's randomly keyed hasher (seeded from the OS) and a counter.
    /// It need not be secret, only unique: the signature is what cannot be
    /// made up.
    pub fn issue(&self) -> String {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let mut words = [0u64; 2];
        for (i, word) in words.iter_mut().enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(n);
            h.write_usize(i);
            *word = h.finish();
        }
        format!("{PREFIX}{:016x}{:016x}", words[0], words[1])
    }

    /// The token for chat `id`.
    pub fn token(&self, id: &str) -> String {
        let tag = URL_SAFE_NO_PAD.encode(self.mac(id).finalize().into_bytes());
        format!("{}.{tag}", URL_SAFE_NO_PAD.encode(id))
    }

    /// The chat id in a token, if the signature is ours.
    pub fn verify(&self, token: &str) -> Option<String> {
        let (id, mac) = token.split_once('.')?;
        let id = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(mac).ok()?;
        // `verify_slice` compares in constant time.
        self.mac(&id).verify_slice(&tag).is_ok().then_some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_signature_names_a_chat() {
        let visitors = Visitors::new(b"a secret of sixteen+ bytes").unwrap();
        let id = visitors.issue();
        assert!(id.starts_with(PREFIX));
        assert_ne!(id, visitors.issue());
        let token = visitors.token(&id);
        assert_eq!(visitors.verify(&token), Some(id.clone()));
        let named = visitors.token("shop buyer; 42.x");
        assert_eq!(visitors.verify(&named).as_deref(), Some("shop buyer; 42.x"));
        let other = Visitors::new(b"another secret, also long").unwrap();
        assert_eq!(other.verify(&token), None);
        let tag = token.split_once('.').unwrap().1;
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode("web:ffff"));
        assert_eq!(visitors.verify(&forged), None);
        assert_eq!(visitors.verify("garbage"), None);
        assert_eq!(visitors.verify("."), None);
        assert!(Visitors::new(b"short").is_none());
    }
}
