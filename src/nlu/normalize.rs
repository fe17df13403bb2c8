//! Text normalisation: one canonical form for matching and features.

use unicode_normalization::UnicodeNormalization;

/// Longer messages are cut before classification: the first two thousand
/// characters say what the buyer needs, and the cut keeps classification time
/// bounded whatever a buyer pastes.
pub const MAX_CLASSIFY_CHARS: usize = 2000;

/// Lower case, NFKC (full-width letters and digits folded), Traditional Chinese
/// turned Simplified, control characters dropped, whitespace collapsed, and
/// letters repeated more than twice squashed to two ("pleeease" -> "pleease").
pub fn normalize(text: &str) -> String {
    let cut: String = text.chars().take(MAX_CLASSIFY_CHARS).collect();
    let folded: String = cut.nfkc().collect();
    let simplified = fast2s::convert(&folded);
    let mut out = String::with_capacity(simplified.len());
    let mut last: Option<char> = None;
    let mut run = 0usize;
    let mut pending_space = false;
    for c in simplified.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            last = None;
            continue;
        }
        if Some(c) == last {
            run += 1;
            if run > 2 && c.is_ascii_alphabetic() {
                continue;
            }
        } else {
            run = 1;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_case_width_script_and_repeats() {
        assert_eq!(normalize("  Hello\tWORLD \n"), "hello world");
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
        assert_eq!(normalize("餘額不足"), "余额不足");
        assert_eq!(normalize("pleeeease"), "pleease");
        assert_eq!(normalize("a\u{0}b\u{7}c"), "a b c");
        assert_eq!(normalize("1111111"), "1111111");
    }

    #[test]
    fn cuts_huge_messages() {
        let huge = "钱".repeat(100_000);
        assert_eq!(normalize(&huge).chars().count(), super::MAX_CLASSIFY_CHARS);
    }
}
