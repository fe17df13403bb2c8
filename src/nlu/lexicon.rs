//! The hand-written half of understanding: concepts, negation, decisive rules
//! and language-switch phrases, loaded from `data/lexicon.toml`.

use crate::intent::Intent;
use crate::lang::Lang;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    concepts: BTreeMap<String, String>,
    negation: NegationFile,
    rules: Vec<RuleFile>,
    lang_switch: BTreeMap<String, String>,
    answers: AnswersFile,
    signals: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersFile {
    sure: String,
    no: String,
    yes: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NegationFile {
    clause_split: String,
    fine: String,
    problem: String,
    lacks: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    intent: String,
    pattern: String,
}

/// Compiled lexicon. Every pattern is case-insensitive and runs on normalised text.
pub struct Lexicon {
    pub concept_names: Vec<String>,
    /// One regex per concept: a single `RegexSet` of all of them was 100x
    /// slower here (its lazy DFA keeps overflowing its cache and falls back).
    pub concepts: Vec<Regex>,
    pub clause_split: Regex,
    pub fine: Regex,
    pub problem: Regex,
    /// A clause saying the buyer lacks what it names ("没有支付宝").
    pub lacks: Regex,
    pub rules: Vec<(Intent, Regex)>,
    pub lang_switch: Vec<(Lang, Regex)>,
    /// Yes/no answers, in the order they are tried: sure-yes, no, yes.
    answers: [(bool, Regex); 3],
    /// One regex per [`Signal`], in `Signal::ALL` order.
    signals: Vec<Regex>,
}

/// Something a message says whatever the dialog state, next to its intent
/// (never instead of one): the engine acts on it before the dialog does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Stop payment reminders, in words ("别再催了", "stop spamming me").
    OptOut,
    /// Taking back a request for a person ("算了不用了", "never mind").
    NeverMind,
    /// "Are you a bot?"
    AsksIfBot,
    /// Frustration with the bot itself ("垃圾", "are you even listening").
    Frustrated,
    /// The buyer has just paid ("付好了", "done, paid").
    PaidNow,
    /// "I'll try again": an offered alternative is declined for now.
    WillRetry,
    /// A bare "ok" / "嗯" / "no": an answer only to a question.
    BareAnswer,
    /// "到时候提醒我一下", "what if I forget".
    RemindMe,
    /// "不用劝了，直接取消": a firm no, respected at once.
    FirmNo,
    /// "那我就买吧", "I'll take it": keeping the order.
    WillBuy,
    /// "不用真人": the word for a person, declined.
    NoPerson,
}

impl Signal {
    pub const ALL: [Signal; 11] = [
        Signal::OptOut,
        Signal::NeverMind,
        Signal::AsksIfBot,
        Signal::Frustrated,
        Signal::PaidNow,
        Signal::WillRetry,
        Signal::BareAnswer,
        Signal::RemindMe,
        Signal::FirmNo,
        Signal::WillBuy,
        Signal::NoPerson,
    ];

    fn key(self) -> &'static str {
        match self {
            Signal::OptOut => "opt_out",
            Signal::NeverMind => "never_mind",
            Signal::AsksIfBot => "asks_if_bot",
            Signal::Frustrated => "frustrated",
            Signal::PaidNow => "paid_now",
            Signal::WillRetry => "will_retry",
            Signal::BareAnswer => "bare_answer",
            Signal::RemindMe => "remind_me",
            Signal::FirmNo => "firm_no",
            Signal::WillBuy => "will_buy",
            Signal::NoPerson => "no_person",
        }
    }
}

/// The form every data-file pattern is compiled in: case-insensitive, with
/// `\b` as an ASCII word boundary. A Unicode `\b` would keep the fast DFA
/// engines off any message with Chinese in it (10x slower); word boundaries
/// only matter for Latin-script words.
pub fn pattern_source(pattern: &str) -> String {
    format!("(?i){}", pattern.replace("\\b", "(?-u:\\b)"))
}

fn compile(what: &str, pattern: &str) -> Result<Regex, String> {
    Regex::new(&pattern_source(pattern)).map_err(|e| format!("{what}: {e}"))
}

impl Lexicon {
    pub fn parse(source: &str) -> Result<Lexicon, String> {
        let file: LexiconFile = toml::from_str(source).map_err(|e| e.to_string())?;
        let concept_names: Vec<String> = file.concepts.keys().cloned().collect();
        let concepts = file
            .concepts
            .iter()
            .map(|(name, p)| compile(&format!("concepts.{name}"), p))
            .collect::<Result<_, String>>()?;
        let rules = file
            .rules
            .iter()
            .map(|r| {
                let intent = r.intent.parse::<Intent>()?;
                Ok((
                    intent,
                    compile(&format!("rule for {}", r.intent), &r.pattern)?,
                ))
            })
            .collect::<Result<_, String>>()?;
        let lang_switch = file
            .lang_switch
            .iter()
            .map(|(lang, p)| {
                Ok((
                    lang.parse::<Lang>()?,
                    compile(&format!("lang_switch.{lang}"), p)?,
                ))
            })
            .collect::<Result<_, String>>()?;
        let mut signals = Vec::new();
        for signal in Signal::ALL {
            let pattern = file
                .signals
                .get(signal.key())
                .ok_or_else(|| format!("signals.{} is missing", signal.key()))?;
            signals.push(compile(&format!("signals.{}", signal.key()), pattern)?);
        }
        if let Some(extra) = file
            .signals
            .keys()
            .find(|k| !Signal::ALL.iter().any(|s| s.key() == k.as_str()))
        {
            return Err(format!("signals.{extra} is not a signal paynudge knows"));
        }
        Ok(Lexicon {
            signals,
            concept_names,
            concepts,
            clause_split: compile("negation.clause_split", &file.negation.clause_split)?,
            fine: compile("negation.fine", &file.negation.fine)?,
            problem: compile("negation.problem", &file.negation.problem)?,
            lacks: compile("negation.lacks", &file.negation.lacks)?,
            rules,
            lang_switch,
            answers: [
                (true, compile("answers.sure", &file.answers.sure)?),
                (false, compile("answers.no", &file.answers.no)?),
                (true, compile("answers.yes", &file.answers.yes)?),
            ],
        })
    }

    /// The shipped lexicon.
    pub fn builtin() -> Lexicon {
        Lexicon::parse(include_str!("data/lexicon.toml"))
            .unwrap_or_else(|e| unreachable!("the built-in lexicon is checked by tests: {e}"))
    }

    /// The intent a decisive rule assigns to `normalized`, if any.
    pub fn decisive(&self, normalized: &str) -> Option<Intent> {
        self.rules
            .iter()
            .find(|(_, re)| re.is_match(normalized))
            .map(|(intent, _)| *intent)
    }

    /// The language the buyer asks to be answered in, if the message asks.
    pub fn requested_lang(&self, normalized: &str) -> Option<Lang> {
        self.lang_switch
            .iter()
            .find(|(_, re)| re.is_match(normalized))
            .map(|(lang, _)| *lang)
    }

    /// Reads a short answer to a yes/no question: `Some(true)` for yes.
    pub fn yes_no(&self, normalized: &str) -> Option<bool> {
        self.answers
            .iter()
            .find(|(_, re)| re.is_match(normalized))
            .map(|(yes, _)| *yes)
    }

    /// Whether the concept called `name` occurs in the message.
    pub fn has_concept(&self, name: &str, normalized: &str) -> bool {
        self.concept_names
            .iter()
            .position(|n| n == name)
            .is_some_and(|i| self.concepts[i].is_match(normalized))
    }

    /// Whether the message carries `signal`.
    pub fn signals(&self, signal: Signal, normalized: &str) -> bool {
        self.signals[signal as usize].is_match(normalized)
    }

    /// Calls `emit(concept_index, negated)` for every concept in every clause.
    pub fn concepts_in(&self, normalized: &str, mut emit: impl FnMut(usize, bool)) {
        for clause in self.clause_split.split(normalized) {
            if clause.trim().is_empty() {
                continue;
            }
            let fine = self.fine.is_match(clause) && !self.problem.is_match(clause);
            for (index, concept) in self.concepts.iter().enumerate() {
                if concept.is_match(clause) {
                    emit(index, fine);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nlu::normalize::normalize;

    fn concepts(lex: &Lexicon, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        lex.concepts_in(&normalize(text), |i, neg| {
            out.push(format!(
                "{}{}",
                if neg { "!" } else { "" },
                lex.concept_names[i]
            ))
        });
        out
    }

    #[test]
    fn builtin_parses() {
        let lex = Lexicon::builtin();
        assert!(lex.concept_names.len() > 20);
    }

    #[test]
    fn negated_clauses_flip_concepts() {
        let lex = Lexicon::builtin();
        let found = concepts(&lex, "password is fine, the code never comes");
        assert!(found.contains(&"!password".to_string()), "{found:?}");
        assert!(found.contains(&"code".to_string()), "{found:?}");
        let found = concepts(&lex, "密码没问题，就是验证码一直不来");
        assert!(found.contains(&"!password".to_string()), "{found:?}");
        assert!(found.contains(&"code".to_string()), "{found:?}");
        let found = concepts(&lex, "not enough money");
        assert!(found.contains(&"money".to_string()), "{found:?}");
    }

    #[test]
    fn human_requests_and_language_switches() {
        let lex = Lexicon::builtin();
        for text in [
            "转人工",
            "I want to talk to a real person",
            "人工",
            "agent",
            "speak to a manager",
        ] {
            assert_eq!(
                lex.decisive(&normalize(text)),
                Some(Intent::HumanAgent),
                "{text}"
            );
        }
        assert_eq!(lex.decisive(&normalize("my card was declined")), None);
        assert_eq!(
            lex.requested_lang(&normalize("please answer in English")),
            Some(Lang::En)
        );
        assert_eq!(lex.requested_lang(&normalize("说中文")), Some(Lang::Zh));
    }

    #[test]
    fn yes_no_answers() {
        let lex = Lexicon::builtin();
        for (text, want) in [
            ("yes", Some(true)),
            ("是的", Some(true)),
            ("没问题", Some(true)),
            ("Yeah it was", Some(true)),
            ("no", Some(false)),
            ("不是", Some(false)),
            ("没有", Some(false)),
            ("nope 😅", Some(false)),
            ("alipay", None),
            ("nothing", None),
        ] {
            assert_eq!(lex.yes_no(&normalize(text)), want, "{text}");
        }
    }
}
