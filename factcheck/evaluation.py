"""How well the suggesters do on text they have not seen (needs the [train] extra):

- dev-test, as the data set's authors split it (close to train: it flatters n-grams);
- a cross-validation over train + dev in which near-duplicate sentences are first clustered
  and a cluster never sits on both sides of a split, each fold's threshold chosen on the other
  folds' out-of-fold predictions;
- news sentences written for this project (data/news-checkworthiness.tsv), labelled by the
  CheckThat! guideline: factual claims, quotes with numbers, opinion, captions, credits,
  bullets, boilerplate.

The shipped models' thresholds come from the out-of-fold predictions of all folds, never from
what is reported. The transformer's cross-validation is slow (one fine-tuning per fold), so its
out-of-fold predictions are kept in instance/ and reused while the data and folds are the same:
on a sample of each fold (--transformer-cv, minutes) or on whole folds, trained exactly as the
shipped model is (--whole-folds, about 20 minutes on 2 idle cores). Only whole folds choose the
shipped transformer's threshold; without them it is chosen on the dev sentences that have no
near-duplicate in train."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np

from .suggest import suggestion_scores
from .training import DATA, load

NEWS = Path(__file__).resolve().parent / "data" / "news-checkworthiness.tsv"
FOLDS = 3
NEAR_DUPLICATE = 0.8  # TF-IDF cosine (content words and their pairs) at which two sentences count as one
THRESHOLDS = [t / 100 for t in range(5, 96)]


def load_news() -> tuple[list[str], list[int], list[str]]:
    texts, labels, kinds = [], [], []
    with open(NEWS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts.append(row["Text"])
            labels.append(1 if row["class_label"] == "Yes" else 0)
            kinds.append(row["kind"])
    return texts, labels, kinds


def clusters(texts: list[str], threshold: float = NEAR_DUPLICATE) -> np.ndarray:
    """A cluster id per sentence: sentences whose character n-gram cosine reaches the
    threshold are joined, transitively (union-find)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True).fit_transform(texts)
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for start in range(0, len(texts), 1000):
        block = (matrix[start : start + 1000] @ matrix.T).tocoo()
        for i, j, value in zip(block.row, block.col, block.data):
            if value >= threshold and start + i != j:
                a, b = find(start + i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return np.array([find(i) for i in range(len(texts))])


def pool() -> tuple[list[str], list[int], np.ndarray]:
    """train + dev, and the fold of each sentence (clusters kept whole, dealt out largest first)."""
    texts, labels = load("train")
    dev_texts, dev_labels = load("dev")
    texts, labels = texts + dev_texts, labels + dev_labels
    groups = clusters(texts)
    from sklearn.model_selection import GroupKFold

    fold = np.zeros(len(texts), dtype=int)
    for number, (_, test) in enumerate(GroupKFold(n_splits=FOLDS).split(texts, labels, groups)):
        fold[test] = number
    return texts, labels, fold


def pool_key(texts, labels, fold) -> str:
    digest = hashlib.sha256()
    for text, label, f in zip(texts, labels, fold):
        digest.update(f"{f}\t{label}\t{text}\n".encode())
    return digest.hexdigest()[:16]


def best_threshold(scores, labels) -> float:
    from sklearn.metrics import f1_score

    scores, labels = np.asarray(scores), np.asarray(labels)
    return max(THRESHOLDS, key=lambda t: (f1_score(labels, scores >= t, zero_division=0), -abs(t - 0.5)))


def cross_validated(oof: np.ndarray, labels, fold) -> tuple[float, float]:
    """F1 (each fold at the threshold the other folds' predictions choose) and AP over all
    (over the sentences that have a prediction, when only a sample of each fold was scored)."""
    from sklearn.metrics import average_precision_score, f1_score

    scored = ~np.isnan(oof)
    oof, labels, fold = oof[scored], np.asarray(labels)[scored], np.asarray(fold)[scored]
    predicted = np.zeros(len(labels), dtype=bool)
    for f in range(FOLDS):
        mine = fold == f
        threshold = best_threshold(oof[~mine], labels[~mine])
        predicted[mine] = oof[mine] >= threshold
    return f1_score(labels, predicted), average_precision_score(labels, oof)


# The three contenders: how to train one on some sentences and score others.
def _ngram_fit(texts, labels):
    from scipy.sparse import hstack

    from .training import fit

    vectorizers, model = fit(texts, labels)
    return lambda others: model.predict_proba(hstack([v.transform(others) for v in vectorizers]).tocsr())[:, 1]


def _baseline_fit(texts, labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2))
    model = LogisticRegression(max_iter=1000).fit(vectorizer.fit_transform(texts), labels)
    return lambda others: model.predict_proba(vectorizer.transform(others))[:, 1]


def _transformer_fit(texts, labels, log=print):
    from . import encoder_training

    model = encoder_training.fit(texts, labels, epochs=1, log=log)
    return lambda others: encoder_training.predict(model, others)


# The transformer fine-tunes once per fold, which a busy 2-core machine cannot afford on whole
# folds: each fold's model learns from TRANSFORMER_TRAIN sentences of the other folds and scores
# TRANSFORMER_TEST of its own (drawn with the seed); None means all.
TRANSFORMER_TRAIN = 2000
TRANSFORMER_TEST = 1000


def out_of_fold(fit, texts, labels, fold, train_size: int | None = None, test_size: int | None = None,
                seed: int = 13) -> np.ndarray:
    """Out-of-fold scores (NaN where a fold's sample left a sentence unscored)."""
    import random

    rng = random.Random(seed)
    oof = np.full(len(texts), np.nan)
    for f in range(FOLDS):
        train = [i for i in range(len(texts)) if fold[i] != f]
        test = [i for i in range(len(texts)) if fold[i] == f]
        if train_size and train_size < len(train):
            train = sorted(rng.sample(train, train_size))
        if test_size and test_size < len(test):
            test = sorted(rng.sample(test, test_size))
        score = fit([texts[i] for i in train], [labels[i] for i in train])
        oof[test] = score([texts[i] for i in test])
    return oof


def transformer_cache(texts, labels, fold, cache_dir: Path, whole: bool = False) -> Path:
    sizes = "whole" if whole else f"{TRANSFORMER_TRAIN}-{TRANSFORMER_TEST}"
    return cache_dir / f"suggester-cv-transformer-{pool_key(texts, labels, fold)}-{sizes}.json"


def transformer_oof(texts, labels, fold, cache_dir: Path, log=print, whole: bool = False) -> np.ndarray:
    cache = transformer_cache(texts, labels, fold, cache_dir, whole)
    if cache.exists():
        return np.array([np.nan if x is None else x for x in json.loads(cache.read_text())], dtype=float)
    oof = out_of_fold(lambda t, y: _transformer_fit(t, y, log=log), texts, labels, fold,
                      None if whole else TRANSFORMER_TRAIN, None if whole else TRANSFORMER_TEST)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([None if np.isnan(x) else round(float(x), 6) for x in oof]))
    return oof


def unseen_dev(train_texts: list[str]) -> tuple[list[str], list[int]]:
    """dev without the sentences that have a near-duplicate in train."""
    dev_texts, dev_labels = load("dev")
    groups = clusters(train_texts + dev_texts)
    seen = set(groups[: len(train_texts)].tolist())
    kept = [i for i, g in enumerate(groups[len(train_texts):].tolist()) if g not in seen]
    return [dev_texts[i] for i in kept], [dev_labels[i] for i in kept]


def evaluate(cache_dir: Path, *, transformer: bool = True, transformer_cv: bool = False,
             whole_folds: bool = False, log=print) -> list[dict]:
    """One row per model: threshold (from out-of-fold predictions), dev-test F1/AP, clustered
    cross-validation F1/AP, news F1/AP (with the sentence hygiene that runs in the app).

    The transformer's cross-validation fine-tunes it once per fold: on whole folds with
    whole_folds (or when those predictions are cached), else on a sample with transformer_cv
    (or cached); with neither it is left out (NaN)."""
    from sklearn.metrics import average_precision_score, f1_score

    from .suggest import EncoderSuggester, ngram_suggester

    texts, labels, fold = pool()
    log(f"pool {len(texts)} sentences in {FOLDS} folds of {np.bincount(fold).tolist()}")
    test_texts, test_labels = load("dev-test")
    news_texts, news_labels, _ = load_news()
    train_texts, train_labels = load("train")
    contenders = [("TF-IDF words 1-2 + LR (baseline)", _baseline_fit, None),
                  ("n-gram model (words 1-2 + chars 2-5, LR)", _ngram_fit, ngram_suggester)]
    if transformer:
        contenders.append(("MiniLM-L6 fine-tuned, int8 ONNX", None, EncoderSuggester))
    rows = []
    for name, fit, shipped in contenders:
        log(f"cross-validating {name}")
        if fit is None and (whole_folds or transformer_cache(texts, labels, fold, cache_dir, True).exists()):
            # Whole folds train as the shipped model does, so their predictions choose its threshold.
            oof = transformer_oof(texts, labels, fold, cache_dir, log, whole=True)
            threshold = best_threshold(oof, labels)
            cv_f1, cv_ap = cross_validated(oof, labels, fold)
        elif fit is None:
            # Folds that learn from a sample (see TRANSFORMER_TRAIN) would not suit the shipped
            # model: its threshold is chosen on the dev sentences with no near-duplicate in
            # train, a set none of the columns reports on.
            model = shipped()
            dev_texts, dev_labels = unseen_dev(train_texts)
            log(f"{name}: threshold chosen on {len(dev_texts)} dev sentences unseen in train")
            threshold = best_threshold(model.scores(dev_texts), dev_labels)
            cv_f1 = cv_ap = float("nan")
            if transformer_cv or transformer_cache(texts, labels, fold, cache_dir).exists():
                cv_f1, cv_ap = cross_validated(transformer_oof(texts, labels, fold, cache_dir, log), labels, fold)
        else:
            oof = out_of_fold(fit, texts, labels, fold)
            threshold = best_threshold(oof, labels)
            cv_f1, cv_ap = cross_validated(oof, labels, fold)
        if shipped is not None:
            model = shipped()
        else:
            score = fit(train_texts, train_labels)
            model = type("Fitted", (), {"scores": staticmethod(lambda t: list(score(t)))})()
        test = np.array(model.scores(test_texts))
        news = np.array(suggestion_scores(model, news_texts))
        raw = np.array(model.scores(news_texts))
        rows.append({
            "model": name, "threshold": threshold,
            "dev-test F1": f1_score(test_labels, test >= threshold), "dev-test AP": average_precision_score(test_labels, test),
            "CV F1": cv_f1, "CV AP": cv_ap,
            "news F1": f1_score(news_labels, news >= threshold), "news AP": average_precision_score(news_labels, news),
            "news F1 without hygiene": f1_score(news_labels, raw >= threshold),
            "news AP without hygiene": average_precision_score(news_labels, raw),
        })
        log(json.dumps(rows[-1]))
    return rows


__all__ = ["DATA", "evaluate", "clusters", "load_news", "pool"]
