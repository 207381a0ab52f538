"""Which sentences are worth checking: a linear model over word and character n-grams, loaded
from an inspectable JSON file (vocabulary, idf weights, coefficients) and scored in plain Python.
factcheck/training.py trains it and checks that this scorer reproduces scikit-learn's numbers."""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "data" / "checkworthy-model.json.gz"
WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
WHITE_SPACES = re.compile(r"\s\s+")


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    tokens = WORD_TOKEN.findall(text.lower())
    grams = []
    for n in range(low, high + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space, as scikit-learn's char_wb."""
    text = WHITE_SPACES.sub(" ", text.lower())
    grams = []
    for word in text.split():
        word = f" {word} "
        length = len(word)
        for n in range(low, high + 1):
            offset = 0
            grams.append(word[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(word[offset : offset + n])
            if offset == 0:  # a word shorter than n gives one n-gram
                break
    return grams


class Suggester:
    def __init__(self, model: dict):
        self.version = model["version"]
        self.threshold = model["threshold"]
        self.intercept = model["intercept"]
        self.parts = []
        for part in model["features"]:
            analyzer = word_ngrams if part["analyzer"] == "word" else char_wb_ngrams
            weights = {gram: (idf, coef) for gram, idf, coef in part["vocabulary"]}
            self.parts.append((analyzer, tuple(part["ngram_range"]), weights))

    def score(self, text: str) -> float:
        """Probability (0-1) that the sentence holds a claim worth checking."""
        total = self.intercept
        for analyzer, (low, high), weights in self.parts:
            counts = Counter(g for g in analyzer(text, low, high) if g in weights)
            if not counts:
                continue
            values = {g: (1 + math.log(c)) * weights[g][0] for g, c in counts.items()}  # sublinear tf x idf
            norm = math.sqrt(sum(v * v for v in values.values()))
            total += sum(v / norm * weights[g][1] for g, v in values.items())
        return 1 / (1 + math.exp(-total))

    def scores(self, texts: list[str]) -> list[float]:
        return [self.score(t) for t in texts]


@lru_cache(maxsize=1)
def suggester() -> Suggester:
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as handle:
        return Suggester(json.load(handle))


def score_spans(body: str, spans) -> tuple[list[float | None], str | None]:
    """Scores for these spans of the body, and the model's version ([None, ...], None when the
    model cannot be loaded: the article is still split, just without suggestions)."""
    try:
        model = suggester()
    except (OSError, ValueError, KeyError):
        return [None] * len(spans), None
    return [round(model.score(body[s:e]), 4) for s, e in spans], model.version
