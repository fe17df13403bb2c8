//! Natural-language understanding: which intent a buyer's message carries.
//!
//! Two layers: the hand-written [`Lexicon`] (concepts with negation, plus the
//! few decisive rules that must always win) and a statistical [`Model`] that
//! learns from examples how much each word, character n-gram and concept
//! counts. The model trains at start-up from examples compiled into the
//! binary, in well under a second. This module never touches storage.

pub mod eval;
mod features;
pub mod lexicon;
mod model;
pub mod normalize;
pub mod when;

use crate::intent::Intent;
use crate::lang::{self, Lang};
pub use lexicon::Lexicon;
pub use model::TrainParams;
use model::{Model, Sample};
use std::cell::RefCell;

/// One labelled example: `label<TAB>lang<TAB>text`.
#[derive(Debug, Clone)]
pub struct Example {
    pub intent: Intent,
    pub lang: Lang,
    pub text: String,
}

/// Parses a TSV of examples; errors name `source:line`.
pub fn parse_examples(tsv: &str, source: &str) -> Result<Vec<Example>, String> {
    tsv.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(n, line)| {
            let mut parts = line.splitn(3, '\t');
            let (Some(label), Some(lang), Some(text)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(format!(
                    "{source}:{}: expected `label<TAB>lang<TAB>text`",
                    n + 1
                ));
            };
            let at = |e: String| format!("{source}:{}: {e}", n + 1);
            Ok(Example {
                intent: label.parse().map_err(at)?,
                lang: lang.parse().map_err(at)?,
                text: text.to_string(),
            })
        })
        .collect()
}

/// The examples compiled into the binary: the shared training set plus the
/// examples this project wrote. Never the evaluation set.
pub fn builtin_examples() -> Vec<Example> {
    let sources = [
        ("intents_train.tsv", include_str!("data/intents_train.tsv")),
        ("examples_en.tsv", include_str!("data/examples_en.tsv")),
        ("examples_zh.tsv", include_str!("data/examples_zh.tsv")),
        (
            "examples_boundary.tsv",
            include_str!("data/examples_boundary.tsv"),
        ),
        (
            "examples_out_of_scope.tsv",
            include_str!("data/examples_out_of_scope.tsv"),
        ),
        ("examples_chat.tsv", include_str!("data/examples_chat.tsv")),
    ];
    sources
        .iter()
        .flat_map(|(name, tsv)| {
            parse_examples(tsv, name)
                .unwrap_or_else(|e| unreachable!("built-in examples are checked by tests: {e}"))
        })
        .collect()
}

/// What the classifier makes of one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub intent: Intent,
    /// Probability of `intent` (for `unknown` below the floor: one minus the
    /// best payment intent's probability).
    pub confidence: f32,
    /// The model's two likeliest intents with their probabilities, before the
    /// unknown floor: what a clarifying question offers.
    pub candidates: [(Intent, f32); 2],
    /// The language the message is written in, if it shows one.
    pub lang: Option<Lang>,
    /// True when a decisive rule, not the model, chose the intent.
    pub by_rule: bool,
}

pub struct Classifier {
    lexicon: Lexicon,
    model: Model,
    unknown_floor: f32,
}

thread_local! {
    /// Reused buffer: classification allocates nothing per message but the
    /// normalised text.
    static FEATURES: RefCell<Vec<(u64, f32)>> = const { RefCell::new(Vec::new()) };
}

impl Classifier {
    /// The shipped classifier: built-in lexicon and examples.
    pub fn builtin() -> Classifier {
        Classifier::train(
            Lexicon::builtin(),
            &builtin_examples(),
            TrainParams::default(),
        )
    }

    pub fn train(lexicon: Lexicon, examples: &[Example], params: TrainParams) -> Classifier {
        let samples: Vec<Sample> = examples
            .iter()
            .map(|ex| {
                let mut features = Vec::new();
                features::extract(&normalize::normalize(&ex.text), &lexicon, &mut features);
                Sample {
                    features,
                    class: ex.intent.index(),
                    weight: if ex.intent == Intent::Unknown {
                        params.unknown_weight
                    } else {
                        1.0
                    },
                }
            })
            .collect();
        let model = Model::train(&samples, Intent::ALL.len(), params);
        Classifier {
            lexicon,
            model,
            unknown_floor: params.unknown_floor,
        }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    pub fn feature_count(&self) -> usize {
        self.model.feature_count()
    }

    pub fn classify(&self, text: &str) -> Prediction {
        let normalized = normalize::normalize(text);
        self.classify_normalized(&normalized, lang::detect(text))
    }

    pub fn classify_normalized(&self, normalized: &str, lang: Option<Lang>) -> Prediction {
        if let Some(intent) = self.lexicon.decisive(normalized) {
            let candidates = [(intent, 0.99), (Intent::Unknown, 0.01)];
            return Prediction {
                intent,
                confidence: 0.99,
                candidates,
                lang,
                by_rule: true,
            };
        }
        let mut probs = [0.0f32; 19];
        let known = FEATURES.with_borrow_mut(|features| {
            features::extract(normalized, &self.lexicon, features);
            self.model.probabilities(features, &mut probs)
        });
        // Every message has its length feature; if nothing else in it was
        // ever seen in training, what the model says is its priors and the
        // length, not the message.
        if known <= 1 {
            probs = [0.0; 19];
            probs[Intent::Unknown.index()] = 1.0;
        }
        let mut ranked: Vec<(Intent, f32)> =
            Intent::ALL.iter().map(|i| (*i, probs[i.index()])).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let candidates = [ranked[0], ranked[1]];
        let (best, p) = ranked[0];
        if p < self.unknown_floor && best != Intent::Unknown {
            return Prediction {
                intent: Intent::Unknown,
                confidence: 1.0 - p,
                candidates,
                lang,
                by_rule: false,
            };
        }
        Prediction {
            intent: best,
            confidence: p,
            candidates,
            lang,
            by_rule: false,
        }
    }
}
