//! Deep links that bind a chat to an order: `t.me/<bot>?start=<payload>`.
//!
//! The shop's site makes the payload: `<order>_<expiry>_<mac>`, where
//! `<order>` is the order id (`A-Za-z0-9-`, at most 32 characters),
//! `<expiry>` the Unix time in minutes after which the link stops working,
//! in base 36, and `<mac>` the first 16 characters of the URL-safe base64
//! (no padding) of HMAC-SHA256(secret, "<order>_<expiry>"). The whole payload
//! fits Telegram's 64 characters of `A-Za-z0-9_-`. A forged, altered or
//! expired payload binds nothing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const MAC_CHARS: usize = 16;
pub const MAX_ORDER_ID: usize = 32;

/// Why a payload binds nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    Malformed,
    BadSignature,
    Expired,
}

/// Signs and checks deep-link payloads with the shop's secret.
#[derive(Clone)]
pub struct LinkSigner {
    secret: Vec<u8>,
}

impl std::fmt::Debug for LinkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkSigner(<secret>)") // never print the secret
    }
}

pub fn valid_order_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ORDER_ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn base36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl LinkSigner {
    /// `None` when the secret is too short to be a secret (under 16 bytes).
    pub fn new(secret: &[u8]) -> Option<LinkSigner> {
        (secret.len() >= 16).then(|| LinkSigner {
            secret: secret.to_vec(),
        })
    }

    fn mac(&self, signed: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(signed.as_bytes());
        mac
    }

    /// The payload for `order_id`, valid until `expires_unix` (seconds).
    pub fn sign(&self, order_id: &str, expires_unix: i64) -> Option<String> {
        if !valid_order_id(order_id) {
            return None;
        }
        let signed = format!(
            "{order_id}_{}",
            base36((expires_unix.max(0) as u64).div_ceil(60))
        );
        let tag = URL_SAFE_NO_PAD.encode(self.mac(&signed).finalize().into_bytes());
        Some(format!("{signed}_{}", &tag[..MAC_CHARS]))
    }

    /// The order id a payload binds, checked at `now_unix` (seconds).
    pub fn verify(&self, payload: &str, now_unix: i64) -> Result<String, LinkError> {
        if payload.len() > 64
            || !payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(LinkError::Malformed);
        }
        // The tag is the last 16 characters; it may itself contain `_`.
        let split = payload
            .len()
            .checked_sub(MAC_CHARS + 1)
            .ok_or(LinkError::Malformed)?;
        let (signed, tag) = (&payload[..split], &payload[split + 1..]);
        if payload.as_bytes()[split] != b'_' {
            return Err(LinkError::Malformed);
        }
        let (order, expiry) = signed.split_once('_').ok_or(LinkError::Malformed)?;
        if !valid_order_id(order) {
            return Err(LinkError::Malformed);
        }
        let expires_minutes = u64::from_str_radix(expiry, 36).map_err(|_| LinkError::Malformed)?;
        // The tag's 16 characters are the MAC's first 12 bytes, checked
        // by the hmac crate in constant time.
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| LinkError::BadSignature)?;
        if self.mac(signed).verify_truncated_left(&tag).is_err() {
            return Err(LinkError::BadSignature);
        }
        if now_unix.max(0) as u64 >= expires_minutes.saturating_mul(60) {
            return Err(LinkError::Expired);
        }
        Ok(order.to_string())
    }
}

/// A logged-in buyer named by the shop's backend: the page carries the
/// shop's buyer id and `hex(HMAC-SHA256(secret, "buyer:" + id))`, the way
/// Chatwoot's `identifier_hash` works. The `buyer:` prefix keeps these
/// signatures apart from the order links' (a buyer id shaped like
/// `<order>_<expiry>` must not sign a link).
impl LinkSigner {
    pub fn buyer_hash(&self, buyer: &str) -> String {
        let mut mac = self.mac("buyer:");
        mac.update(buyer.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Whether `hash` is the shop's signature of `buyer` (constant time).
    pub fn verify_buyer(&self, buyer: &str, hash: &str) -> bool {
        let Some(tag) = (0..hash.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hash.get(i..i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        let mut mac = self.mac("buyer:");
        mac.update(buyer.as_bytes());
        mac.verify_slice(&tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> LinkSigner {
        LinkSigner::new(b"a shop secret of enough length").unwrap()
    }

    #[test]
    fn signed_links_verify_and_fit_telegram() {
        let payload = signer().sign("ORDER-2026-000123", 1_900_000_000).unwrap();
        assert!(payload.len() <= 64, "{payload}");
        assert_eq!(
            signer().verify(&payload, 1_800_000_000),
            Ok("ORDER-2026-000123".to_string())
        );
        let longest = signer()
            .sign(&"9".repeat(MAX_ORDER_ID), i64::MAX / 2)
            .unwrap();
        assert!(longest.len() <= 64, "{longest}");
    }

    #[test]
    fn forged_altered_and_expired_links_bind_nothing() {
        let s = signer();
        let payload = s.sign("A1", 1_900_000_000).unwrap();
        let other = LinkSigner::new(b"another secret, also long").unwrap();
        assert_eq!(other.verify(&payload, 0), Err(LinkError::BadSignature));
        let altered = payload.replacen("A1", "A2", 1);
        assert_eq!(s.verify(&altered, 0), Err(LinkError::BadSignature));
        assert_eq!(s.verify(&payload, 1_900_000_060), Err(LinkError::Expired));
        for bad in [
            "",
            "A1",
            "A1_zz",
            "A1_zz_short",
            "../etc/passwd",
            &"x".repeat(65),
            "A_1_x_y",
        ] {
            assert!(s.verify(bad, 0).is_err(), "{bad}");
        }
        assert!(s.sign("bad id!", 0).is_none());
        assert!(LinkSigner::new(b"short").is_none());
        assert_eq!(format!("{s:?}"), "LinkSigner(<secret>)");
    }

    #[test]
    fn only_the_shops_hash_names_a_buyer() {
        let s = signer();
        let hash = s.buyer_hash("alice");
        assert_eq!(hash.len(), 64);
        assert!(s.verify_buyer("alice", &hash));
        assert!(s.verify_buyer("alice", &hash.to_uppercase()));
        assert!(!s.verify_buyer("bob", &hash));
        assert!(!s.verify_buyer("alice", &hash[..62]));
        assert!(!s.verify_buyer("alice", "zz"));
        let other = LinkSigner::new(b"another secret, also long").unwrap();
        assert!(!other.verify_buyer("alice", &hash));
        // A buyer id shaped like a link signs no link.
        let payload = s.sign("A1", 1_900_000_000).unwrap();
        let signed = payload.rsplit_once('_').unwrap().0;
        assert_ne!(
            &s.buyer_hash(signed)[..16],
            payload.rsplit_once('_').unwrap().1
        );
    }
}
