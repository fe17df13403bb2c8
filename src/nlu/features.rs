//! Turning a normalised message into sparse features for the model.
//!
//! Latin-script words give word, word-bigram and character n-gram features
//! (the n-grams carry typos: "pasword" shares most of "password"); Chinese runs
//! give character uni-, bi- and trigrams (no word segmenter needed); the
//! lexicon adds concept features shared by both languages.

use super::lexicon::Lexicon;
use crate::lang::is_han;

/// A feature is the 64-bit FNV-1a hash of its kind tag and text: no strings
/// are allocated on the classification path.
pub type FeatureId = u64;

/// How much each kind of feature counts before the vector is normalised.
/// Concepts are few and carry the most meaning; character n-grams are many.
const W_CONCEPT: f32 = 1.5;
const W_WORD: f32 = 1.0;
const W_BIGRAM: f32 = 0.7;
const W_CHARGRAM: f32 = 0.35;
const W_HAN1: f32 = 1.0;
const W_HAN2: f32 = 1.4;
const W_HAN3: f32 = 1.4;
const W_OTHER: f32 = 0.5;

fn fnv(tag: u8, parts: &[&[u8]]) -> FeatureId {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in std::iter::once(&tag).chain(parts.iter().flat_map(|p| p.iter())) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Light English stemming: enough to join "payments"/"payment", "tried"/"try".
fn stem(word: &str) -> &str {
    let w = word.strip_suffix("'s").unwrap_or(word);
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 3
            && !(suffix == "s" && base.ends_with('s'))
        {
            return base;
        }
    }
    w
}

/// Appends `(feature, weight)` pairs for `normalized` to `out`, then scales the
/// weights to unit length so long and short messages weigh the same.
pub fn extract(normalized: &str, lexicon: &Lexicon, out: &mut Vec<(FeatureId, f32)>) {
    out.clear();
    lexicon.concepts_in(normalized, |index, negated| {
        let tag = if negated { b'!' } else { b'k' };
        out.push((fnv(tag, &[&(index as u32).to_le_bytes()]), W_CONCEPT));
    });

    let mut words: Vec<&str> = Vec::new();
    let mut han_chars = 0usize;
    let bytes = normalized.as_bytes();
    let mut i = 0;
    while i < normalized.len() {
        let c = normalized[i..].chars().next().unwrap_or(' ');
        if c.is_ascii_alphanumeric() || c == '\'' {
            let start = i;
            while i < normalized.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'\'') {
                i += 1;
            }
            let token = normalized[start..i].trim_matches('\'');
            if token.bytes().all(|b| b.is_ascii_digit()) {
                let bucket = [token.len().min(4) as u8];
                out.push((fnv(b'd', &[&bucket]), W_OTHER));
            } else if !token.is_empty() {
                words.push(token);
            }
            continue;
        }
        if is_han(c) {
            let start = i;
            while i < normalized.len() {
                let next = normalized[i..].chars().next().unwrap_or(' ');
                if !is_han(next) {
                    break;
                }
                i += next.len_utf8();
            }
            han_chars += han_run(&normalized[start..i], out);
            continue;
        }
        if !c.is_whitespace()
            && !matches!(
                c,
                ',' | '.' | ';' | ':' | '，' | '。' | '、' | '"' | '(' | ')'
            )
        {
            let mut buf = [0u8; 4];
            out.push((fnv(b's', &[c.encode_utf8(&mut buf).as_bytes()]), W_OTHER));
        }
        i += c.len_utf8();
    }

    for (n, word) in words.iter().enumerate() {
        let stemmed = stem(word);
        out.push((fnv(b'w', &[stemmed.as_bytes()]), W_WORD));
        if let Some(next) = words.get(n + 1) {
            out.push((
                fnv(b'b', &[stemmed.as_bytes(), b" ", stem(next).as_bytes()]),
                W_BIGRAM,
            ));
        }
        if word.len() >= 4 {
            let padded = format!("<{word}>");
            let p = padded.as_bytes();
            for len in 3..=4 {
                for gram in p.windows(len) {
                    out.push((fnv(b'c', &[gram]), W_CHARGRAM));
                }
            }
        }
    }

    // Message length helps tell "hi" and "thanks" from a blocker in passing.
    let size = words.len() + han_chars.div_ceil(2);
    let bucket = match size {
        0 => 0u8,
        1 => 1,
        2 => 2,
        3..=5 => 3,
        6..=12 => 4,
        _ => 5,
    };
    out.push((fnv(b'n', &[&[bucket]]), W_OTHER));

    let norm = out.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in out.iter_mut() {
            *w /= norm;
        }
    }
}

/// Character uni-, bi- and trigrams of one run of Chinese characters.
fn han_run(run: &str, out: &mut Vec<(FeatureId, f32)>) -> usize {
    let offsets: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain([run.len()])
        .collect();
    let count = offsets.len() - 1;
    for start in 0..count {
        for (len, weight, tag) in [(1, W_HAN1, b'1'), (2, W_HAN2, b'2'), (3, W_HAN3, b'3')] {
            if start + len <= count {
                let gram = &run[offsets[start]..offsets[start + len]];
                out.push((fnv(tag, &[gram.as_bytes()]), weight));
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nlu::normalize::normalize;

    #[test]
    fn features_are_unit_length_and_deterministic() {
        let lex = Lexicon::builtin();
        let mut a = Vec::new();
        let mut b = Vec::new();
        extract(&normalize("forgot my Alipay 密码 😭"), &lex, &mut a);
        extract(&normalize("forgot my Alipay 密码 😭"), &lex, &mut b);
        assert_eq!(a, b);
        let len: f32 = a.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        assert!((len - 1.0).abs() < 1e-4);
    }

    #[test]
    fn empty_text_still_has_a_length_feature() {
        let lex = Lexicon::builtin();
        let mut out = Vec::new();
        extract("", &lex, &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn stems_common_suffixes() {
        assert_eq!(stem("payments"), "payment");
        assert_eq!(stem("loading"), "load");
        assert_eq!(stem("pass"), "pass");
        assert_eq!(stem("is"), "is");
    }
}
