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
    /// All intents, `unknown` included.
    model: Model,
    /// In scope (0) or out of scope (1), trained on the same examples. One
    /// class among nineteen, `unknown` is too varied for the intent model to
    /// hold apart on its own: a binary model with its own threshold takes
    /// fewer "is the shampoo sulfate free" for a payment question.
    gate: Model,
    unknown_floor: f32,
    gate_above: [f32; 2],
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
        let unknown = Intent::Unknown.index();
        let gate_samples: Vec<Sample> = samples
            .iter()
            .map(|s| Sample {
                features: s.features.clone(),
                class: usize::from(s.class == unknown),
                weight: 1.0,
            })
            .collect();
        let gate_params = TrainParams {
            l2: params.gate_l2,
            epochs: params.gate_epochs,
            ..params
        };
        // Two independent models: trained side by side, start-up waits for
        // the slower one only.
        let (model, gate) = std::thread::scope(|scope| {
            let gate = scope.spawn(|| Model::train(&gate_samples, 2, gate_params));
            let model = Model::train(&samples, Intent::ALL.len(), params);
            let gate = gate
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (model, gate)
        });
        Classifier {
            lexicon,
            model,
            gate,
            unknown_floor: params.unknown_floor,
            gate_above: params.gate_above,
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
        let mut gate = [0.0f32; 2];
        let known = FEATURES.with_borrow_mut(|features| {
            features::extract(normalized, &self.lexicon, features);
            self.gate.probabilities(features, &mut gate);
            self.model.probabilities(features, &mut probs)
        });
        let gate_above = self.gate_above[usize::from(lang == Some(Lang::Zh))];
        // Every message has its length feature; if nothing else in it was
        // ever seen in training, what the model says is its priors and the
        // length, not the message.
        if known <= 1 || gate[1] > gate_above {
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
