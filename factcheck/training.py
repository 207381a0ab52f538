"""Train and evaluate the n-gram sentence suggester (needs scikit-learn: pip install -e '.[train]').

    .venv/bin/flask --app factcheck train-suggester      # rebuilds factcheck/data/checkworthy-model.json.gz
    .venv/bin/flask --app factcheck evaluate-suggester   # F1 of the Yes class and AP on dev-test, with a baseline
    .venv/bin/flask --app factcheck evaluate-suggester --full   # and what to expect: factcheck/evaluation.py

Training uses train only; the threshold is chosen on dev (F1 of the Yes class); dev-test is
reported, never tuned on. Training is deterministic (liblinear), so the same data gives the
same model file.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from .suggest import MODEL_PATH, Suggester

DATA = Path(__file__).resolve().parent / "data" / "checkworthiness"
WORDS = {"analyzer": "word", "ngram_range": (1, 2), "min_df": 2, "max_features": 30000}
CHARS = {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 3, "max_features": 60000}
C = 2.0
# What train() does, in order; it calls done(step) as each finishes (the command's progress bar).
STEPS = ("read train", "fit", "choose the threshold on dev", "check the plain-Python scorer", "write the model")


def load(split: str) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    with open(DATA / f"CT24_checkworthy_english_{split}.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            label = (row.get("class_label") or "").strip()
            if label not in ("Yes", "No"):  # one training line holds two records glued together
                continue
            texts.append(row["Text"])
            labels.append(1 if label == "Yes" else 0)
    return texts, labels


def _vectorizers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return [TfidfVectorizer(sublinear_tf=True, lowercase=True, **spec) for spec in (WORDS, CHARS)]


def fit(texts, labels):
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    vectorizers = _vectorizers()
    matrix = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
    model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced")
    model.fit(matrix, labels)
    return vectorizers, model


def best_threshold(probabilities, labels) -> float:
    from sklearn.metrics import f1_score

    candidates = [t / 100 for t in range(20, 90)]
    return max(candidates, key=lambda t: f1_score(labels, [p >= t for p in probabilities]))


def export(vectorizers, model, threshold: float) -> dict:
    coefs = model.coef_[0]
    features, offset = [], 0
    for spec, vectorizer in zip((WORDS, CHARS), vectorizers):
        vocabulary = vectorizer.vocabulary_
        rows = sorted(
            [gram, round(float(vectorizer.idf_[i]), 6), round(float(coefs[offset + i]), 6)] for gram, i in vocabulary.items()
        )
        features.append({"analyzer": spec["analyzer"], "ngram_range": list(spec["ngram_range"]), "vocabulary": rows})
        offset += len(vocabulary)
    return {
        "version": f"tfidf-lr-{len(coefs)}f-C{C}",
        "threshold": threshold,
        "intercept": round(float(model.intercept_[0]), 6),
        "features": features,
    }


def train(output: Path = MODEL_PATH, done=lambda step: None) -> dict:
    texts, labels = load("train")
    done(STEPS[0])
    vectorizers, model = fit(texts, labels)
    done(STEPS[1])
    dev_texts, dev_labels = load("dev")
    from scipy.sparse import hstack

    dev_probabilities = model.predict_proba(hstack([v.transform(dev_texts) for v in vectorizers]))[:, 1]
    exported = export(vectorizers, model, best_threshold(dev_probabilities, dev_labels))
    done(STEPS[2])
    ours = Suggester(exported).scores(dev_texts)
    drift = max(abs(a - b) for a, b in zip(ours, dev_probabilities))
    assert drift < 1e-4, f"the plain-Python scorer differs from scikit-learn by {drift}"
    done(STEPS[3])
    with gzip.open(output, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(exported, handle, ensure_ascii=False, separators=(",", ":"))
    done(STEPS[4])
    return {"version": exported["version"], "threshold": exported["threshold"], "drift": drift}


def evaluate(sample: int | None = None) -> list[tuple[str, float, float]]:
    """(name, F1 of Yes, average precision) on dev-test for the shipped model and a baseline.
    `sample` takes the first rows only (of dev-test, and x20 of train for the baseline), so the
    test suite can run it quickly."""
    from scipy.sparse import hstack  # noqa: F401
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, f1_score

    from .suggest import EncoderSuggester, ngram_suggester

    test_texts, test_labels = load("dev-test")
    if sample:
        test_texts, test_labels = test_texts[:sample], test_labels[:sample]
    rows = []
    for kind, load_model in (("n-gram", ngram_suggester), ("transformer", EncoderSuggester)):
        try:
            shipped = load_model()
        except ImportError:  # no onnxruntime: only the n-gram model is there to measure
            continue
        ours = shipped.scores(test_texts)
        rows.append((f"shipped {kind} ({shipped.version}, threshold {shipped.threshold})",
                     f1_score(test_labels, [p >= shipped.threshold for p in ours]), average_precision_score(test_labels, ours)))
    texts, labels = load("train")
    if sample:
        texts, labels = texts[: sample * 20], labels[: sample * 20]
    baseline_vectorizer = TfidfVectorizer(ngram_range=(1, 2))
    baseline = LogisticRegression(max_iter=1000).fit(baseline_vectorizer.fit_transform(texts), labels)
    probabilities = baseline.predict_proba(baseline_vectorizer.transform(test_texts))[:, 1]
    rows.append(("baseline TF-IDF words 1-2 + LR (threshold 0.5)",
                 f1_score(test_labels, [p >= 0.5 for p in probabilities]), average_precision_score(test_labels, probabilities)))
    return rows
