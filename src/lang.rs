//! Buyer languages and how a message's language is told.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The languages paynudge speaks. Traditional Chinese is `Zh` too: texts are
/// written in Simplified, which Traditional readers read without trouble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "zh" | "cn" | "chinese" | "zh-cn" | "zh-tw" | "zh-hk" => Ok(Lang::Zh),
            other => Err(format!("unknown language `{other}` (use `en` or `zh`)")),
        }
    }
}

/// Latin-script words Chinese buyers use as often as English ones: they say
/// nothing about which language the buyer reads.
const NEUTRAL_WORDS: &[&str] = &[
    "ok",
    "okay",
    "k",
    "kk",
    "ha",
    "haha",
    "hahaha",
    "hmm",
    "hm",
    "emm",
    "em",
    "lol",
    "app",
    "otp",
    "sms",
    "pin",
    "id",
    "qq",
    "vip",
    "wifi",
    "alipay",
    "wechat",
    "paypal",
    "visa",
    "apple",
    "pay",
    "applepay",
    "ios",
    "android",
    "iphone",
    "ukey",
    "u",
    "bug",
    "www",
    "com",
    "http",
    "https",
    "mastercard",
    "unionpay",
    "huabei",
    "taobao",
    "tmall",
    "jd",
    "4g",
    "5g",
];

/// Tells the language of `text` from its words, or `None` when it carries none
/// ("ok", "123", "👍"), so the caller keeps the language it had.
///
/// Mixed lines go by most words. Chinese is not written with spaces, so its
/// words are estimated from its characters (1.5 characters a word on average).
pub fn detect(text: &str) -> Option<Lang> {
    let mut han = 0usize;
    let mut latin_words = 0usize;
    let mut word = String::new();
    let flush = |word: &mut String, latin_words: &mut usize| {
        // One letter says nothing ("A-10023"), except English's "I"; nor
        // do neutral words.
        if word.len() > 1 || word.as_str() == "I" || word.as_str() == "i" {
            let w = word.to_ascii_lowercase();
            if !NEUTRAL_WORDS.contains(&w.as_str()) {
                *latin_words += 1;
            }
        }
        word.clear();
    };
    for c in text.chars() {
        if is_han(c) {
            han += 1;
            flush(&mut word, &mut latin_words);
        } else if c.is_ascii_alphabetic() || ((c == '\'' || c.is_ascii_digit()) && !word.is_empty())
        {
            word.push(c);
        } else {
            flush(&mut word, &mut latin_words);
        }
    }
    flush(&mut word, &mut latin_words);
    if han == 0 && latin_words == 0 {
        return None;
    }
    let han_words = han as f32 / 1.5;
    if han_words >= latin_words as f32 {
        Some(Lang::Zh)
    } else {
        Some(Lang::En)
    }
}

/// CJK ideographs, including the extension blocks and compatibility forms.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF
        | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_most_words() {
        assert_eq!(detect("余额不够"), Some(Lang::Zh));
        assert_eq!(detect("my balance is too low"), Some(Lang::En));
        assert_eq!(detect("餘額不足"), Some(Lang::Zh));
        assert_eq!(detect("already paid 了 你们看下后台"), Some(Lang::Zh));
        assert_eq!(detect("余额不够 can I pay later"), Some(Lang::En));
        assert_eq!(detect("支付宝 otp 收不到"), Some(Lang::Zh));
        assert_eq!(detect("A-10023"), None);
    }

    #[test]
    fn neutral_messages_have_no_language() {
        for text in ["ok", "123", "👍", "", "   ", "OK!!", "alipay", "2"] {
            assert_eq!(detect(text), None, "{text:?}");
        }
    }
}
