//! Measuring the classifier: macro-F1 per language and how often an
//! out-of-scope message is taken for a payment intent.

use super::{Classifier, Example, Lexicon, TrainParams};
use crate::intent::Intent;
use crate::lang::Lang;
use std::fmt;

#[derive(Debug, Clone)]
pub struct LangReport {
    pub lang: Lang,
    pub examples: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// `unknown` examples classified as a payment intent, as a share of all
    /// `unknown` examples (0 when there are none).
    pub unknown_false_accept: f64,
    /// F1 per intent that occurs in the examples.
    pub per_intent: Vec<(Intent, f64)>,
    /// (expected, got, text) for each mistake.
    pub mistakes: Vec<(Intent, Intent, String)>,
}

impl LangReport {
    /// Where the mistakes go: (expected, got, how many), most first.
    pub fn confusions(&self) -> Vec<(Intent, Intent, usize)> {
        let mut cells: Vec<(Intent, Intent, usize)> = Vec::new();
        for (want, got, _) in &self.mistakes {
            match cells.iter_mut().find(|(w, g, _)| w == want && g == got) {
                Some(cell) => cell.2 += 1,
                None => cells.push((*want, *got, 1)),
            }
        }
        cells.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        cells
    }

    /// The confusion summary: mistakes to `unknown` (swallowed by the
    /// thresholds) and between intents, then the worst cells.
    pub fn confusion_summary(&self, cells: usize) -> String {
        use std::fmt::Write;
        let to_unknown = self
            .mistakes
            .iter()
            .filter(|(w, g, _)| *g == Intent::Unknown && *w != Intent::Unknown)
            .count();
        let from_unknown = self
            .mistakes
            .iter()
            .filter(|(w, _, _)| *w == Intent::Unknown)
            .count();
        let mut out = format!(
            "  {} mistakes: {to_unknown} to unknown, {from_unknown} unknown taken as an intent, {} between intents\n",
            self.mistakes.len(),
            self.mistakes.len() - to_unknown - from_unknown
        );
        for (want, got, n) in self.confusions().into_iter().take(cells) {
            let _ = writeln!(out, "  {n:>4}  {want} -> {got}");
        }
        out
    }
}

/// Classifies `examples` and reports per language.
pub fn evaluate(classifier: &Classifier, examples: &[Example]) -> Vec<LangReport> {
    let predicted: Vec<Intent> = examples
        .iter()
        .map(|e| classifier.classify(&e.text).intent)
        .collect();
    reports(examples, &predicted)
}

/// The fold of the `i`-th example in `folds`-fold cross-validation: a
/// deterministic interleaving by a hash of the position, which spreads every
/// label over all folds. `paynudge eval --cv K --folds FILE` writes it out,
/// so another tool (`scripts/baseline.py`) can use the very same split.
pub fn fold_of(i: usize, folds: usize) -> usize {
    (i.wrapping_mul(2_654_435_761) >> 7) % folds.max(2)
}

/// k-fold cross-validation: each example is classified by a model trained on
/// the other folds only. Used to choose settings without touching the
/// held-out evaluation set.
pub fn cross_validate(examples: &[Example], folds: usize, params: TrainParams) -> Vec<LangReport> {
    let folds = folds.max(2);
    let fold_of = |i: usize| fold_of(i, folds);
    let mut predicted = vec![Intent::Unknown; examples.len()];
    for fold in 0..folds {
        let train: Vec<Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| fold_of(*i) != fold)
            .map(|(_, e)| e.clone())
            .collect();
        let classifier = Classifier::train(Lexicon::builtin(), &train, params);
        for (i, e) in examples
            .iter()
            .enumerate()
            .filter(|(i, _)| fold_of(*i) == fold)
        {
            predicted[i] = classifier.classify(&e.text).intent;
        }
    }
    reports(examples, &predicted)
}

fn reports(examples: &[Example], predicted: &[Intent]) -> Vec<LangReport> {
    Lang::ALL
        .iter()
        .filter_map(|lang| {
            let subset: Vec<(&Example, Intent)> = examples
                .iter()
                .zip(predicted)
                .filter(|(e, _)| e.lang == *lang)
                .map(|(e, p)| (e, *p))
                .collect();
            (!subset.is_empty()).then(|| report(*lang, &subset))
        })
        .collect()
}

fn report(lang: Lang, examples: &[(&Example, Intent)]) -> LangReport {
    let n = Intent::ALL.len();
    let mut tp = vec![0usize; n];
    let mut fp = vec![0usize; n];
    let mut fneg = vec![0usize; n];
    let mut present = vec![false; n];
    let (mut correct, mut unknowns, mut accepted) = (0usize, 0usize, 0usize);
    let mut mistakes = Vec::new();
    for &(ex, got) in examples {
        present[ex.intent.index()] = true;
        if got == ex.intent {
            correct += 1;
            tp[got.index()] += 1;
        } else {
            fp[got.index()] += 1;
            fneg[ex.intent.index()] += 1;
            mistakes.push((ex.intent, got, ex.text.clone()));
        }
        if ex.intent == Intent::Unknown {
            unknowns += 1;
            if got.is_payment_intent() {
                accepted += 1;
            }
        }
    }
    let per_intent: Vec<(Intent, f64)> = Intent::ALL
        .iter()
        .filter(|i| present[i.index()])
        .map(|i| {
            let k = i.index();
            let denom = 2 * tp[k] + fp[k] + fneg[k];
            (
                *i,
                if denom == 0 {
                    0.0
                } else {
                    2.0 * tp[k] as f64 / denom as f64
                },
            )
        })
        .collect();
    let macro_f1 = per_intent.iter().map(|(_, f)| f).sum::<f64>() / per_intent.len().max(1) as f64;
    LangReport {
        lang,
        examples: examples.len(),
        accuracy: correct as f64 / examples.len().max(1) as f64,
        macro_f1,
        unknown_false_accept: if unknowns == 0 {
            0.0
        } else {
            accepted as f64 / unknowns as f64
        },
        per_intent,
        mistakes,
    }
}

impl fmt::Display for LangReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} examples, macro-F1 {:.4}, accuracy {:.3}, unknown taken as a payment intent {:.1}%",
            self.lang,
            self.examples,
            self.macro_f1,
            self.accuracy,
            self.unknown_false_accept * 100.0
        )
    }
}
