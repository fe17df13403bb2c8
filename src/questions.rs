//! Side questions (`dialogs/questions.toml`): what a buyer asks in the middle
//! of any dialog and a CS agent answers from the shop's facts ("how long is
//! my order held?", "退货运费谁出"). A question is a digression: answered in
//! a line or two, after which the pending dialog question is asked again.
//! Kept apart from the dialogs, as conversation repair is kept apart from
//! business flows.

use crate::config::line_of;
use crate::intent::Intent;
use crate::nlu::lexicon::pattern_source;
use crate::nlu::normalize::normalize;
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug)]
pub struct Question {
    pub id: String,
    re: Regex,
    /// Locale keys of the answer.
    pub say: Vec<String>,
    /// The shop has no fact for this: after the answer, a person is offered.
    pub offer_human: bool,
    /// Intents the answer already covers: a message read as one of them
    /// starts no dialog after the answer ("can I pay cash on delivery?").
    pub covers: Vec<Intent>,
    /// Blockers this question is usually part of ("why does it still show
    /// unpaid?" is "I think I paid"): asked in the middle of another dialog
    /// together with one of them, that blocker's dialog follows the answer.
    pub leads_to: Vec<Intent>,
}

/// The questions in file order: the first that matches answers.
#[derive(Debug, Default)]
pub struct Questions {
    list: Vec<Question>,
    /// Per question: where it is (`path:line`), its examples and near misses.
    checks: Vec<Check>,
}

#[derive(Debug)]
struct Check {
    at: String,
    id: String,
    examples: Vec<String>,
    not: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionsFile {
    #[serde(default)]
    questions: Vec<Spanned<QuestionFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    id: String,
    #[serde(rename = "match")]
    pattern: String,
    say: Vec<String>,
    #[serde(default)]
    offer_human: bool,
    #[serde(default)]
    covers: Vec<String>,
    #[serde(default)]
    leads_to: Vec<String>,
    /// Messages that must be answered by this question: checked at start-up,
    /// so an edit that breaks one is an error, not a silent miss.
    #[serde(default)]
    examples: Vec<String>,
    /// Near misses this question must not answer.
    #[serde(default)]
    not: Vec<String>,
}

impl Questions {
    /// Loads and checks the file; problems are `path:line: message`.
    pub fn load(path: &str, source: &str, problems: &mut Vec<String>) -> Questions {
        let file: QuestionsFile = match toml::from_str(source) {
            Ok(file) => file,
            Err(e) => {
                let line = e.span().map(|s| line_of(source, s.start)).unwrap_or(1);
                problems.push(format!("{path}:{line}: {}", e.message()));
                return Questions::default();
            }
        };
        let mut list = Vec::new();
        let mut checks = Vec::new();
        for spanned in file.questions {
            let line = line_of(source, spanned.span().start);
            let q = spanned.into_inner();
            let mut bad = |message: String| problems.push(format!("{path}:{line}: {message}"));
            if q.id.is_empty() || !q.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                bad(format!("question id `{}` must be [a-z_]+", q.id));
                continue;
            }
            if list.iter().any(|other: &Question| other.id == q.id) {
                bad(format!("a second question `{}`", q.id));
                continue;
            }
            if q.say.is_empty() {
                bad(format!("question `{}`: `say` is empty", q.id));
            }
            let mut intents = |field: &str, labels: &[String]| {
                let mut list = Vec::new();
                for label in labels {
                    match label.parse::<Intent>() {
                        Ok(intent) => list.push(intent),
                        Err(e) => bad(format!("question `{}`: {field}: {e}", q.id)),
                    }
                }
                list
            };
            let covers = intents("covers", &q.covers);
            let leads_to = intents("leads_to", &q.leads_to);
            match Regex::new(&pattern_source(&q.pattern)) {
                Ok(re) => {
                    checks.push(Check {
                        at: format!("{path}:{line}"),
                        id: q.id.clone(),
                        examples: q.examples,
                        not: q.not,
                    });
                    list.push(Question {
                        id: q.id,
                        re,
                        say: q.say,
                        offer_human: q.offer_human,
                        covers,
                        leads_to,
                    });
                }
                Err(e) => bad(format!("question `{}`: bad regex: {e}", q.id)),
            }
        }
        Questions { list, checks }
    }

    /// Every example is answered by its own question and no near miss is:
    /// problems as `path:line: message`. Run at start-up on a shop's own
    /// copy, and by the tests on the built-in one.
    pub fn check_examples(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for Check {
            at,
            id,
            examples,
            not,
        } in &self.checks
        {
            for example in examples {
                let answered = self.find(&normalize(example)).map(|q| q.id.as_str());
                if answered != Some(id.as_str()) {
                    problems.push(format!(
                        "{at}: question `{id}`: example {example:?} is answered by {}",
                        answered.map_or("no question".to_string(), |a| format!("`{a}`"))
                    ));
                }
            }
            for near_miss in not {
                if self.find(&normalize(near_miss)).map(|q| q.id.as_str()) == Some(id.as_str()) {
                    problems.push(format!(
                        "{at}: question `{id}`: {near_miss:?} (in `not`) matches it"
                    ));
                }
            }
        }
        problems
    }

    /// The question a normalised message asks, if any.
    pub fn find(&self, normalized: &str) -> Option<&Question> {
        self.list.iter().find(|q| q.re.is_match(normalized))
    }

    /// Every locale key the questions use, with where.
    pub fn keys_used(&self) -> Vec<(String, String)> {
        self.list
            .iter()
            .flat_map(|q| {
                q.say
                    .iter()
                    .map(move |k| (k.clone(), format!("dialogs/questions.toml, `{}`", q.id)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_and_near_misses_are_checked() {
        let source = "[[questions]]\nid = \"cod\"\nmatch = 'cash on delivery|货到付款'\nsay = [\"q-cod\"]\nexamples = [\"Cash on delivery?\", \"能不能分期\"]\nnot = [\"货到付款吗\"]\n";
        let mut problems = Vec::new();
        let q = Questions::load("q.toml", source, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let problems = q.check_examples();
        assert_eq!(q.find("货到付款可以吗").map(|q| q.id.as_str()), Some("cod"));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("q.toml:1: question `cod`: example \"能不能分期\""));
        assert!(problems[1].contains("(in `not`) matches it"));
    }

    #[test]
    fn bad_files_name_the_line() {
        let mut problems = Vec::new();
        Questions::load(
            "q.toml",
            "[[questions]]\nid = \"x\"\nmatch = '('\nsay = [\"k\"]\n",
            &mut problems,
        );
        assert!(
            problems[0].starts_with("q.toml:1: question `x`: bad regex"),
            "{problems:?}"
        );
    }
}
