//! Multinomial logistic regression over sparse features, trained by SGD.
//!
//! Chosen over naive Bayes for its calibrated confidences (the engine asks a
//! clarifying question when unsure, so the probabilities must mean something)
//! and over anything deeper because a few thousand examples train it in well
//! under a second, with no model file to ship or download.

use super::features::FeatureId;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

thread_local! {
    /// Reused buffer: a message's known features (row, IDF-scaled value).
    static KNOWN: RefCell<Vec<(usize, f32)>> = const { RefCell::new(Vec::new()) };
}

/// Features are already 64-bit hashes: hashing them again would be wasted work.
#[derive(Default)]
pub struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type FeatureIndex = HashMap<FeatureId, u32, BuildHasherDefault<PassThroughHasher>>;

/// Training settings; the defaults were chosen by cross-validation on the
/// training data (see `tests/classifier.rs`).
#[derive(Debug, Clone, Copy)]
pub struct TrainParams {
    pub epochs: usize,
    pub learning_rate: f32,
    pub decay: f32,
    pub l2: f32,
    pub seed: u64,
    /// Below this probability the best guess is not trusted at all and the
    /// message counts as out of scope (`unknown`). Chosen by
    /// cross-validation on the training data, not on the evaluation set.
    pub unknown_floor: f32,
    /// How much an `unknown` example counts in training
    /// against the others: above 1, out-of-scope messages are taken for a
    /// payment intent less often.
    pub unknown_weight: f32,
    /// L2 penalty of the out-of-scope gate: stronger than the intent
    /// model's, so its probability is smooth enough to threshold.
    pub gate_l2: f32,
    /// The gate's epochs: it is trained beside the intent model, in
    /// parallel, so more of them cost no start-up time.
    pub gate_epochs: usize,
    /// Above this gate probability a message is out of scope whatever the
    /// intent model says, per language (English, Chinese). Chosen by
    /// cross-validation so that `unknown` false accepts stay at or below the
    /// logistic-regression baseline's (scripts/baseline.py).
    pub gate_above: [f32; 2],
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            epochs: 20,
            learning_rate: 1.5,
            decay: 0.15,
            l2: 1e-5,
            seed: 0x5eed,
            unknown_floor: 0.20,
            unknown_weight: 1.5,
            gate_l2: 5e-4,
            gate_epochs: 32,
            gate_above: [0.30, 0.45],
        }
    }
}

/// Gradients smaller than this are not applied in training.
const MIN_GRADIENT: f32 = 1e-3;

pub struct Model {
    index: FeatureIndex,
    /// Per known feature: how rare it is in training (smoothed inverse
    /// document frequency). A feature in every other message ("的", "i")
    /// says little; one in a few says much. Each message's vector is scaled
    /// by it and normalised again.
    idf: Vec<f32>,
    /// Row-major: one row of `classes` weights per known feature.
    weights: Vec<f32>,
    bias: Vec<f32>,
    classes: usize,
}

/// One training example: its features and its class.
pub struct Sample {
    pub features: Vec<(FeatureId, f32)>,
    pub class: usize,
    /// How much this example counts (its class's weight).
    pub weight: f32,
}

impl Model {
    pub fn train(samples: &[Sample], classes: usize, params: TrainParams) -> Model {
        let mut index = FeatureIndex::default();
        let rows: Vec<Vec<(usize, f32)>> = samples
            .iter()
            .map(|s| {
                s.features
                    .iter()
                    .map(|(f, w)| {
                        let next = index.len() as u32;
                        (*index.entry(*f).or_insert(next) as usize, *w)
                    })
                    .collect()
            })
            .collect();
        let mut df = vec![0u32; index.len()];
        let mut seen = vec![usize::MAX; index.len()];
        for (n, row) in rows.iter().enumerate() {
            for &(f, _) in row {
                if seen[f] != n {
                    seen[f] = n;
                    df[f] += 1;
                }
            }
        }
        let total = rows.len() as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((1.0 + total) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        let rows: Vec<Vec<(usize, f32)>> = rows
            .into_iter()
            .map(|row| {
                let norm = norm(row.iter().map(|&(f, x)| x * idf[f]));
                row.into_iter()
                    .map(|(f, x)| (f, x * idf[f] / norm))
                    .collect()
            })
            .collect();
        let mut model = Model {
            weights: vec![0.0; index.len() * classes],
            idf,
            index,
            bias: vec![0.0; classes],
            classes,
        };
        let mut order: Vec<usize> = (0..samples.len()).collect();
        let mut rng = params.seed | 1;
        let mut probs = vec![0.0f32; classes];
        let mut active: Vec<(usize, f32)> = Vec::with_capacity(classes);
        // Averaged SGD: the weights of the second half of the epochs are
        // averaged, which smooths out the last steps' noise (CV +0.1 to
        // +0.3 points) at no cost when classifying.
        let average_from = params.epochs / 2;
        let mut sum_weights = vec![0.0f32; model.weights.len()];
        let mut sum_bias = vec![0.0f32; classes];
        for epoch in 0..params.epochs {
            // Fisher-Yates with xorshift: deterministic, so training is reproducible.
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            let lr = params.learning_rate / (1.0 + params.decay * epoch as f32);
            for &n in &order {
                let row = &rows[n];
                model.scores(row.iter().copied(), &mut probs);
                softmax(&mut probs);
                probs[samples[n].class] -= 1.0; // now the gradient of the loss
                let weight = samples[n].weight;
                // Once the model fits, most classes' gradients are nearly
                // zero: skipping them takes ~20 ms (7%) off start-up, with
                // the same cross-validated scores.
                active.clear();
                active.extend(
                    probs
                        .iter()
                        .enumerate()
                        .map(|(c, g)| (c, g * weight))
                        .filter(|(_, g)| g.abs() > MIN_GRADIENT),
                );
                for &(c, g) in &active {
                    model.bias[c] -= lr * g;
                }
                for &(f, x) in row {
                    let w = &mut model.weights[f * classes..(f + 1) * classes];
                    for &(c, g) in &active {
                        w[c] -= lr * (g * x + params.l2 * w[c]);
                    }
                }
            }
            if epoch >= average_from {
                add(&mut sum_weights, &model.weights);
                add(&mut sum_bias, &model.bias);
            }
        }
        let averaged = (params.epochs - average_from).max(1) as f32;
        model.weights = sum_weights.into_iter().map(|w| w / averaged).collect();
        model.bias = sum_bias.into_iter().map(|b| b / averaged).collect();
        model
    }

    fn scores(&self, features: impl Iterator<Item = (usize, f32)>, out: &mut [f32]) {
        out.copy_from_slice(&self.bias);
        for (f, x) in features {
            let w = &self.weights[f * self.classes..(f + 1) * self.classes];
            for (o, w) in out.iter_mut().zip(w) {
                *o += w * x;
            }
        }
    }

    /// Class probabilities for `features` into `out` (length = classes).
    /// Features never seen in training are ignored; returns how many were
    /// seen.
    pub fn probabilities(&self, features: &[(FeatureId, f32)], out: &mut [f32]) -> usize {
        KNOWN.with_borrow_mut(|known| {
            // One index lookup per feature: the rows are kept for both passes.
            known.clear();
            known.extend(
                features
                    .iter()
                    .filter_map(|(f, x)| self.index.get(f).map(|&row| (row as usize, *x)))
                    .map(|(row, x)| (row, x * self.idf[row])),
            );
            let norm = norm(known.iter().map(|&(_, x)| x));
            self.scores(known.iter().map(|&(row, x)| (row, x / norm)), out);
            softmax(out);
            known.len()
        })
    }

    pub fn feature_count(&self) -> usize {
        self.index.len()
    }
}

fn add(sum: &mut [f32], values: &[f32]) {
    sum.iter_mut().zip(values).for_each(|(s, v)| *s += v);
}

/// Euclidean length, or 1 for an empty vector (nothing to scale).
fn norm(values: impl Iterator<Item = f32>) -> f32 {
    let sum: f32 = values.map(|x| x * x).sum();
    if sum > 0.0 { sum.sqrt() } else { 1.0 }
}

fn softmax(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in v.iter_mut() {
        *x /= sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem() {
        let samples: Vec<Sample> = (0..20)
            .map(|i| Sample {
                features: vec![((i % 2) as u64, 1.0), (99, 1.0)],
                class: i % 2,
                weight: 1.0,
            })
            .collect();
        let model = Model::train(&samples, 2, TrainParams::default());
        let mut p = [0.0; 2];
        model.probabilities(&[(1, 1.0)], &mut p);
        assert!(p[1] > 0.9, "{p:?}");
        model.probabilities(&[(12345, 1.0)], &mut p);
        assert!(
            (p[0] - 0.5).abs() < 0.2,
            "unseen features fall back to the prior: {p:?}"
        );
    }
}
