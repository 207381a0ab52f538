"""How well "already checked" finds earlier claims (flask evaluate-matching).

The paraphrase set (data/claim-paraphrases.tsv), written for this project, holds claims as a desk
first recorded them, each reworded as it would come back in another article (paraphrases), and
sentences that share its names or numbers but say something else (near-misses). The archive
searched is the set's claims among the check-worthy sentences of the CheckThat! training data,
which stand in for a desk's other checked claims. Each paraphrase should find its claim; a
near-miss should find nothing of its group.

- recall@5: the share of paraphrases whose claim is among the five best matches, whatever their
  similarity (what the editor could see with no threshold);
- at the threshold: what the form really lists (matches at or above it, five at most):
  precision (listed matches that are the right claim; a near-miss's match is always wrong),
  recall (paraphrases whose claim is listed) and how many near-misses list their group's claim.

A threshold is never reported on the sentences that chose it: the groups are split in two
halves, each half's threshold is chosen on the other half, and the shipped one on all."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

PARAPHRASES = Path(__file__).resolve().parent / "data" / "claim-paraphrases.tsv"
THRESHOLDS = [t / 100 for t in range(10, 100)]
TOP = 5


@dataclass
class Query:
    group: int
    text: str
    paraphrase: bool  # False: a near-miss, which must not find its group's claim


def load_paraphrases(path: Path = PARAPHRASES) -> tuple[dict[int, str], list[Query]]:
    claims, queries = {}, []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            group = int(row["group"])
            if row["role"] == "claim":
                claims[group] = row["text"]
            else:
                queries.append(Query(group, row["text"], row["role"] == "paraphrase"))
    return claims, queries


def archive(claims: dict[int, str]) -> tuple[list[str], list[int | None]]:
    """The set's claims, then the check-worthy training sentences (owner None) as the rest of
    the archive."""
    from .training import load

    texts, labels = load("train")
    others = sorted({t for t, y in zip(texts, labels) if y == 1 and len(t.split()) >= 6} - set(claims.values()))
    groups = sorted(claims)
    return [claims[g] for g in groups] + others, [*groups, *[None] * len(others)]


# A ranking per query: the best TOP archive indexes with their similarity, best first.
Ranking = list[tuple[int, float]]


def tfidf_rankings(texts: list[str], queries: list[Query], new_app) -> list[Ranking]:
    """The words method as the app runs it (matching.by_words: its candidate lookup and cosine)
    over the archive written to a scratch SQLite database, in the app new_app(url) makes on it
    (the CLI passes the app factory down)."""
    from sqlalchemy import insert

    from .extensions import db
    from .matching import by_words, rebuild_counts, terms
    from .models import Article, Claim, ClaimTerm, User

    with tempfile.TemporaryDirectory() as scratch:
        app = new_app(f"sqlite:///{scratch}/matching.db")
        with app.app_context():
            db.create_all()
            now = datetime(2026, 1, 1)
            db.session.execute(insert(User), [{"id": 1, "email": "e@example.org", "name": "Editor", "role": "editor",
                                               "password_hash": "x", "active": True, "created_at": now}])
            db.session.execute(insert(Article), [{"id": 1, "title": "Archive", "outlet": "Desk", "body": "x",
                                                  "created_by_id": 1, "created_at": now, "updated_at": now, "version": 1}])
            db.session.execute(insert(Claim), [
                {"id": i + 1, "article_id": 1, "start": i, "end": i + 1, "quote": t, "wording": t, "status": "approved",
                 "created_by_id": 1, "created_at": now, "updated_at": now, "version": 1}
                for i, t in enumerate(texts)
            ])
            db.session.execute(insert(ClaimTerm), [
                {"claim_id": i + 1, "term": w} for i, t in enumerate(texts) for w in sorted(terms(t))
            ])
            rebuild_counts()
            db.session.commit()
            rankings = [[(m.claim.id - 1, m.similarity) for m in by_words(q.text, len(texts), None, TOP, 0.0)]
                        for q in queries]
            db.session.remove()
            db.engine.dispose()
    return rankings


def vector_rankings(texts: list[str], queries: list[Query], model) -> list[Ranking]:
    """The sentence vectors as the app stores and compares them (int8, claim_vectors.cosines)."""
    from .claim_vectors import cosines, quantise

    matrix = quantise(model.vectors(texts))
    norms = np.linalg.norm(matrix.astype(np.float32), axis=1)
    out = []
    for query in quantise(model.vectors([q.text for q in queries])):
        similarity = cosines(matrix, norms, query)
        best = np.argsort(-similarity)[:TOP]
        out.append([(int(j), float(similarity[j])) for j in best])
    return out


def combined_rankings(tfidf: list[Ranking], vectors: list[Ranking], weight: float = 0.5) -> list[Ranking]:
    """Both methods' matches, each scored by the mean of its two similarities (0 where one
    method did not list it)."""
    out = []
    for lexical, semantic in zip(tfidf, vectors):
        a, b = dict(lexical), dict(semantic)
        merged = {j: weight * a.get(j, 0.0) + (1 - weight) * b.get(j, 0.0) for j in a.keys() | b.keys()}
        out.append(sorted(merged.items(), key=lambda item: -item[1])[:TOP])
    return out


def measure(rankings: list[Ranking], queries: list[Query], owners: list[int | None], threshold: float,
            chosen: list[bool] | None = None) -> dict:
    """recall@1 and @5 over the paraphrases, and precision, recall and near-misses matched at the
    threshold; over the queries `chosen` marks (all by default)."""
    chosen = chosen or [True] * len(queries)
    paraphrases = [(r, q) for r, q, c in zip(rankings, queries, chosen) if c and q.paraphrase]
    near_misses = [(r, q) for r, q, c in zip(rankings, queries, chosen) if c and not q.paraphrase]
    right = lambda j, q: owners[j] == q.group  # noqa: E731
    listed = correct = found = 0
    for ranking, q in paraphrases + near_misses:
        shown = [j for j, s in ranking if s >= threshold]
        listed += len(shown)
        if q.paraphrase:
            hits = sum(right(j, q) for j in shown)
            correct += hits
            found += hits > 0
    precision = correct / listed if listed else float("nan")
    recall = found / len(paraphrases) if paraphrases else float("nan")
    return {
        "recall@1": np.mean([bool(r) and right(r[0][0], q) for r, q in paraphrases]),
        "recall@5": np.mean([any(right(j, q) for j, _ in r) for r, q in paraphrases]),
        "threshold": threshold, "precision": precision, "recall": recall,
        "F1": 2 * precision * recall / (precision + recall) if listed and precision + recall else 0.0,
        "near-misses matched": sum(any(right(j, q) and s >= threshold for j, s in r) for r, q in near_misses),
        "near-misses": len(near_misses), "paraphrases": len(paraphrases),
    }


def best_threshold(rankings, queries, owners, chosen=None) -> float:
    return max(THRESHOLDS, key=lambda t: (measure(rankings, queries, owners, t, chosen)["F1"], t))


def held_out(rankings, queries, owners) -> dict:
    """Each half of the groups measured at the threshold the other half chose, pooled."""
    halves = [[q.group % 2 == side for q in queries] for side in (0, 1)]
    thresholds = [best_threshold(rankings, queries, owners, half) for half in halves]
    listed = correct = found = near = 0
    for i, half in enumerate(halves):
        for ranking, q, mine in zip(rankings, queries, half):
            if not mine:
                continue
            shown = [j for j, s in ranking if s >= thresholds[1 - i]]
            hits = sum(owners[j] == q.group for j in shown)
            listed += len(shown)
            if q.paraphrase:
                correct += hits
                found += hits > 0
            else:
                near += hits > 0
    return {
        "held-out thresholds": thresholds,
        "held-out precision": correct / listed if listed else float("nan"),
        "held-out recall": found / sum(q.paraphrase for q in queries),
        "held-out near-misses matched": near,
    }


def evaluate(new_app, log=print) -> list[dict]:
    """One row per method: recall@1/@5, precision and recall at the shipped threshold, and with
    thresholds chosen on the other half of the groups."""
    from . import claim_vectors, matching
    from .suggest import EncoderSuggester

    claims, queries = load_paraphrases()
    texts, owners = archive(claims)
    log(f"{len(claims)} claims, {sum(q.paraphrase for q in queries)} paraphrases, "
        f"{sum(not q.paraphrase for q in queries)} near-misses; archive of {len(texts):,} claims")
    words = tfidf_rankings(texts, queries, new_app)
    vectors = vector_rankings(texts, queries, EncoderSuggester())
    methods = [("words: TF-IDF cosine", words, matching.THRESHOLD),
               ("sentence vectors: MiniLM-L6, int8", vectors, claim_vectors.THRESHOLD),
               ("both: mean of the two", combined_rankings(words, vectors), None)]
    rows = []
    for name, rankings, shipped in methods:
        threshold = shipped if shipped is not None else best_threshold(rankings, queries, owners)
        rows.append({"method": name, **measure(rankings, queries, owners, threshold),
                     **held_out(rankings, queries, owners)})
        log(f"{name}: done")
    return rows
