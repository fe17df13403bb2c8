#!/usr/bin/env python3
"""The strong linear baseline beside paynudge, on the same data and folds.

Run by hand (needs Python 3 and scikit-learn; not run by CI):

    cargo build --release
    target/release/paynudge eval --cv 5 --folds /tmp/folds.tsv
    python3 scripts/baseline.py /tmp/folds.tsv [tests/data/intents_test.tsv]

The folds file holds exactly the examples paynudge trains on, each with the
fold paynudge's own cross-validation gives it (`fold<TAB>label<TAB>lang<TAB>text`),
so both are measured on the very same split. For each fold, the baselines are
trained on the other folds (both languages together, as paynudge is) and
predict the fold. Printed per language: macro-F1 over the labels present,
and the share of `unknown` examples taken as a payment intent. With a second
file, the baselines are also trained on all folds and scored on it (held out).
"""

import sys
from collections import defaultdict

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

# As `Intent::is_payment_intent` in src/intent.rs.
NOT_PAYMENT = {"greeting", "thanks_bye", "unknown", "human_agent"}


def baselines():
    def tfidf():
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)

    return {
        "TF-IDF char_wb 1-4 + LinearSVC (C=1)": lambda: make_pipeline(tfidf(), LinearSVC(C=1.0)),
        "TF-IDF char_wb 1-4 + logistic regression (C=10)": lambda: make_pipeline(
            tfidf(), LogisticRegression(C=10.0, max_iter=2000)
        ),
    }


def read_folds(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            fold, label, lang, text = line.rstrip("\n").split("\t", 3)
            rows.append((int(fold), label, lang, text))
    return rows


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            label, lang, text = line.split("\t", 2)
            rows.append((label, lang, text))
    return rows


def scores(gold, predicted, langs):
    out = {}
    for lang in sorted(set(langs)):
        idx = [i for i, l in enumerate(langs) if l == lang]
        g = [gold[i] for i in idx]
        p = [predicted[i] for i in idx]
        labels = sorted(set(g))
        f1 = f1_score(g, p, labels=labels, average="macro", zero_division=0)
        unknowns = [i for i in idx if gold[i] == "unknown"]
        accepted = sum(1 for i in unknowns if predicted[i] not in NOT_PAYMENT)
        out[lang] = (f1, accepted / len(unknowns) if unknowns else 0.0, len(idx))
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows = read_folds(sys.argv[1])
    folds = sorted({r[0] for r in rows})
    texts = [r[3] for r in rows]
    gold = [r[1] for r in rows]
    langs = [r[2] for r in rows]
    for name, make in baselines().items():
        predicted = [None] * len(rows)
        for k in folds:
            train = [i for i, r in enumerate(rows) if r[0] != k]
            test = [i for i, r in enumerate(rows) if r[0] == k]
            model = make().fit([texts[i] for i in train], [gold[i] for i in train])
            for i, p in zip(test, model.predict([texts[i] for i in test])):
                predicted[i] = p
        print(f"{name}, {len(folds)}-fold cross-validation:")
        for lang, (f1, fa, n) in scores(gold, predicted, langs).items():
            print(f"  {lang}: {n} examples, macro-F1 {f1:.4f}, unknown taken as a payment intent {fa * 100:.1f}%")
        if len(sys.argv) > 2:
            held = read_tsv(sys.argv[2])
            model = make().fit(texts, gold)
            p = list(model.predict([t for _, _, t in held]))
            print(f"{name}, held out ({sys.argv[2]}):")
            for lang, (f1, fa, n) in scores([h[0] for h in held], p, [h[1] for h in held]).items():
                print(f"  {lang}: {n} examples, macro-F1 {f1:.4f}, unknown taken as a payment intent {fa * 100:.1f}%")


if __name__ == "__main__":
    main()
