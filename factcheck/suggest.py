"""Which sentences are worth checking. Two models: a fine-tuned small sentence encoder run as
int8 ONNX with onnxruntime (data/suggester/: shared.onnx and checkworthy.onnx, tokenizer.json,
model.json; matcher.onnx gives the same encoder's sentence vectors for finding earlier claims),
and, where onnxruntime is not installed, a linear model over word and character n-grams loaded from an
inspectable JSON file and scored in plain Python. factcheck/encoder_training.py and
factcheck/training.py train them. Neither loads a pickle or downloads anything."""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import re
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "data" / "checkworthy-model.json.gz"
ENCODER_DIR = Path(__file__).resolve().parent / "data" / "suggester"
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


class EncoderSuggester:
    """The fine-tuned encoder: sentences tokenised (truncated at the model's max tokens), run in
    batches of similar length through the shared lower layers, then either the fine-tuned upper
    layers and head (scores: a sigmoid of the logit) or the base model's upper layers (vectors:
    mean-pooled, length 1, what matching compares)."""

    BATCH = 64

    def __init__(self, folder: Path = ENCODER_DIR):
        import onnxruntime
        from tokenizers import Tokenizer

        meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        self.version = meta["version"]
        self.threshold = meta["threshold"]
        # The vectors depend on shared.onnx and matcher.onnx only, not on the fine-tuning: stored
        # vectors stay valid while those two files are the same.
        files = meta.get("files_sha256", {})
        tag = hashlib.sha256(f"{files.get('shared.onnx')}{files.get('matcher.onnx')}".encode()).hexdigest()[:8]
        self.vector_version = f"minilm-l6-base-top{6 - meta['train_layers']}-int8-{tag}"
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(meta["max_tokens"])
        options = onnxruntime.SessionOptions()
        # A web worker scores one article at a time; more threads than this fight each other.
        options.intra_op_num_threads = int(os.environ.get("FACTCHECK_SUGGESTER_THREADS", "1"))
        options.inter_op_num_threads = 1
        self._open = lambda name: onnxruntime.InferenceSession(
            str(folder / name), options, providers=["CPUExecutionProvider"]
        )
        self.shared, self.checkworthy = self._open("shared.onnx"), self._open("checkworthy.onnx")
        self._matcher = None

    @property
    def matcher(self):
        if self._matcher is None:  # loaded on first use: scoring alone never needs it
            self._matcher = self._open("matcher.onnx")
        return self._matcher

    def _run(self, top, texts: list[str]):
        """Each sentence's row of the top graph's output, in the order given."""
        import numpy as np

        rows = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
        hidden_name = next(i.name for i in top.get_inputs() if i.name != "attention_mask")
        out = [None] * len(rows)
        for at in range(0, len(order), self.BATCH):
            chosen = order[at : at + self.BATCH]
            width = max(len(rows[i]) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, i in enumerate(chosen):
                ids[row, : len(rows[i])] = rows[i]
                mask[row, : len(rows[i])] = 1
            (hidden,) = self.shared.run(None, {"input_ids": ids, "attention_mask": mask})
            (result,) = top.run(None, {hidden_name: hidden, "attention_mask": mask})
            for i, value in zip(chosen, result):
                out[i] = value
        return out

    def scores(self, texts: list[str]) -> list[float]:
        if not texts:
            return []
        return [1 / (1 + math.exp(-max(-60.0, min(60.0, float(logit))))) for logit in self._run(self.checkworthy, texts)]

    def score(self, text: str) -> float:
        return self.scores([text])[0]

    def vectors(self, texts: list[str]):
        """One float32 row of length 1 per text (384 wide)."""
        import numpy as np

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack(self._run(self.matcher, texts)).astype(np.float32)


def ngram_suggester() -> Suggester:
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as handle:
        return Suggester(json.load(handle))


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


# How the active model was chosen and what loading it cost (flask check shows it).
LOADED: dict = {}


@lru_cache(maxsize=1)
def suggester() -> Suggester | EncoderSuggester:
    """The encoder when onnxruntime and its files are there (FACTCHECK_SUGGESTER=ngram chooses
    the n-gram model), else the n-gram model."""
    before, started = _resident_bytes(), time.perf_counter()
    model, why = None, "chosen by FACTCHECK_SUGGESTER"
    if os.environ.get("FACTCHECK_SUGGESTER", "").lower() != "ngram":
        try:
            model, why = EncoderSuggester(), "onnxruntime"
        except ImportError as error:
            why = f"fallback: {error.name or 'onnxruntime'} is not installed"
        except (OSError, ValueError, KeyError) as error:
            why = f"fallback: the encoder could not be loaded ({error})"
    if model is None:
        model = ngram_suggester()
    after = _resident_bytes()
    LOADED.clear()
    LOADED.update(
        why=why, seconds=time.perf_counter() - started,
        memory=(after - before) if before is not None and after is not None else None,
    )
    return model
# Lines that are never a claim, whatever a model thinks of their words: page furniture, photo
# credits, bylines. Matched against the whole sentence (trailing punctuation aside).
_FURNITURE = re.compile(
    r"(?:advertisement|advertising|sponsored(?: content)?|story continues(?: below)?(?: advertisement)?"
    r"|(?:read|see) (?:the original article|more|also|next)\b.*|continue reading\b.*|skip (?:to|past)\b.*"
    r"|(?:sign up|subscribe|register)\b.{0,80}|follow (?:us|\w+) on\b.*|click here\b.*|share(?: this)?(?: article| story)?"
    r"|(?:copyright|©)\s.*|.{0,60}all rights reserved|related(?: articles?| stories| coverage| content)?(?::.*)?"
    r"|(?:last )?(?:updated|published|posted)(?: on| at)? \S.{0,50}|listen to (?:this|the) (?:article|story)\b.*)",
    re.IGNORECASE,
)
_CREDIT = re.compile(  # names stay capitalised: only the keywords ignore case
    r"\(?(?:(?i:(?:photo(?:graph)?|image|picture|credit|illustration|video|footage)s?(?: by|:))\s.{1,80}"
    r"|(?:[A-Z][\w.'’-]*\s?){1,5}/\s?(?:[A-Z][\w&.'’-]*\s?){1,5}(?:via [A-Z][\w ]{1,30})?"
    r"|(?:[A-Z][\w.'’-]*\s){0,5}(?i:(?:via |for |/)?(?:getty images|shutterstock|ap photo|afp|reuters|epa))(?: \w+){0,3}"
    r"|(?i:courtesy(?: of)?) .{1,60})\)?"
)
_NAME = r"[A-Z][\w.'’-]*"
_BYLINE = re.compile(
    rf"(?i:by|reporting by|additional reporting by|writing by|editing by|edited by|compiled by)\s+{_NAME}(?:\s+{_NAME}){{0,3}}"
    rf"(?:(?:,|;| and)\s+(?i:(?:additional )?(?:reporting|writing|editing|edited) by\s+)?{_NAME}(?:\s+{_NAME}){{0,3}})*"
    r"(?:\s+in\s+[A-Z][\w ]{1,30})?"
)


def not_a_claim(text: str) -> str | None:
    """Why a sentence is never suggested (page furniture, a photo credit, a byline), or None.
    Short lines only: a real sentence that merely starts with "By" or mentions Reuters is scored."""
    line = text.strip().strip(".:;!|•*-–— ").strip()
    if not line:
        return "empty"
    words = len(line.split())
    if words <= 16 and _FURNITURE.fullmatch(line):
        return "page furniture"
    if words <= 12 and _CREDIT.fullmatch(line):
        return "photo credit"
    if words <= 16 and _BYLINE.fullmatch(line) and _BYLINE_NAMES(line):
        return "byline"
    return None


def _BYLINE_NAMES(line: str) -> bool:  # noqa: N802 - a predicate beside the pattern it completes
    """Every word after "by" is capitalised or a joining word: "By Friday the council will
    vote" is a sentence, "By Jane Doe and John Roe" a byline."""
    rest = re.split(r"\bby\s+", line, maxsplit=1, flags=re.IGNORECASE)[-1]
    joiners = {"and", "in", "by", "reporting", "writing", "editing", "edited", "additional"}
    return all(w[:1].isupper() or w.strip(",;").lower() in joiners for w in rest.split())


def suggestion_scores(model, texts: list[str]) -> list[float]:
    """The model's scores, with 0 for sentences that are never a claim."""
    marked = [not_a_claim(t) for t in texts]
    todo = [t for t, why in zip(texts, marked) if why is None]
    scored = iter(model.scores(todo) if todo else [])
    return [0.0 if why else next(scored) for why in marked]


def score_spans(body: str, spans) -> tuple[list[float | None], str | None]:
    """Scores for these spans of the body, and the model's version ([None, ...], None when the
    model cannot be loaded: the article is still split, just without suggestions)."""
    try:
        model = suggester()
    except (OSError, ValueError, KeyError):
        return [None] * len(spans), None
    if not spans:
        return [], model.version
    return [round(x, 4) for x in suggestion_scores(model, [body[s:e] for s, e in spans])], model.version
