"""Earlier claims that say the same thing in other words, found by the cosine of their sentence
vectors (the suggester's encoder: all-MiniLM-L6-v2's lower layers shared with the suggester, its
own upper layers, int8 ONNX).

Storage: each claim's wording as 384 signed bytes in claim_vectors, written in the transaction
that creates or rewords the claim, with `seq` (milliseconds, growing) and the vector model's
version. The same table on SQLite and PostgreSQL, no extension.

Search: each app process keeps the vectors in memory (100,000 claims: 38 MB) and multiplies
them by the new claim's vector in one onnxruntime MatMulInteger (about 16 ms at 100,000). Before
each search it asks the database for the count and the sum of `seq`: an insert, reword or delete
changes them, so a copy that matches is current; one that does not first fetches the rows
written since its newest `seq` and, if it still does not match (a delete, a transaction that
committed late, a server whose clock is behind), loads everything again. Several app servers
each keep their own copy, and each rebuilds it every FULL_RELOAD_AFTER seconds whatever the
counts say (a reword in the very millisecond its claim was written changes neither)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import delete, func, select

from .extensions import db
from .models import Claim, ClaimVector
from .suggest import ENCODER_DIR, EncoderSuggester, suggester

WIDTH = 384
# Chosen on the paraphrase set (flask evaluate-matching): each half of its groups picks 0.65 or
# 0.66 for the other half, which then finds 94 % of the rewordings.
THRESHOLD = 0.66
FULL_RELOAD_AFTER = 600.0  # seconds: a copy is rebuilt at least this often, whatever the counts say


def encoder() -> EncoderSuggester | None:
    """The encoder with its matcher, or None where the n-gram fallback is in use or the matcher
    cannot be loaded (no vectors: words only, and claims are still written)."""
    try:
        model = suggester()
        if isinstance(model, EncoderSuggester):
            model.matcher  # noqa: B018 - loads matcher.onnx now, so a broken file fails here, not in a write
            return model
    except Exception:  # a missing or corrupt model file: onnxruntime raises its own errors
        pass
    return None


def quantise(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled so its largest component is ±127, as int8 (the cosine ignores scale)."""
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    return np.round(vectors * (127.0 / np.maximum(peak, 1e-12))).astype(np.int8)


_last_seq = 0
_seq_lock = threading.Lock()
_EPOCH_MS = 1_767_225_600_000  # 2026-01-01: the sum of seq fits 64 bits for ~300M claims now, ~27M in 2036


def _next_seq() -> int:
    """The time in milliseconds (never less than this process gave before). Rows written in the
    same millisecond share it; a seq that ran ahead of the clock would make every other server's
    next search reload everything, so batches do not count up."""
    global _last_seq
    with _seq_lock:
        _last_seq = max(_last_seq, time.time_ns() // 1_000_000 - _EPOCH_MS)
        return _last_seq


def store(claims: list[Claim], model: EncoderSuggester | None = None) -> None:
    """Write these claims' vectors (in the caller's transaction); nothing without the encoder."""
    model = model or encoder()
    if model is None or not claims:
        return
    rows = quantise(model.vectors([c.wording for c in claims]))
    ids = [c.id for c in claims]
    db.session.execute(delete(ClaimVector).where(ClaimVector.claim_id.in_(ids)))
    db.session.add_all(
        ClaimVector(claim_id=i, model=model.vector_version, seq=_next_seq(), vector=row.tobytes())
        for i, row in zip(ids, rows)
    )


def forget(claim: Claim) -> None:
    db.session.execute(delete(ClaimVector).where(ClaimVector.claim_id == claim.id))


def missing(model: EncoderSuggester) -> int:
    """How many claims have no vector from this model (flask index-claims writes them)."""
    have = select(ClaimVector.claim_id).where(ClaimVector.model == model.vector_version)
    return db.session.scalar(select(func.count()).select_from(Claim).where(Claim.id.not_in(have))) or 0


@dataclass(frozen=True)
class Copy:
    """One process's copy of one database's vectors for one model. Never changed in place: an
    update makes a new one, swapped in whole, so a search never sees half of one and no lock is
    held while the database is read."""

    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    articles: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    seqs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, WIDTH), dtype=np.int8))
    norms: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    loaded_at: float = 0.0

    def fingerprint(self) -> tuple[int, int]:
        return len(self.ids), int(self.seqs.sum())

    def with_rows(self, rows, loaded_at: float | None = None) -> Copy:
        """A copy with these (claim id, article id, seq, bytes) rows in, over any older row of
        the same claim."""
        fresh = np.array([r[0] for r in rows], dtype=np.int64)
        keep = ~np.isin(self.ids, fresh)
        matrix = np.frombuffer(b"".join(r[3] for r in rows), dtype=np.int8).reshape(len(rows), WIDTH)
        return Copy(
            ids=np.concatenate([self.ids[keep], fresh]),
            articles=np.concatenate([self.articles[keep], np.array([r[1] for r in rows], dtype=np.int64)]),
            seqs=np.concatenate([self.seqs[keep], np.array([r[2] for r in rows], dtype=np.int64)]),
            matrix=np.concatenate([self.matrix[keep], matrix]),
            norms=np.concatenate([self.norms[keep], np.linalg.norm(matrix.astype(np.float32), axis=1)]),
            loaded_at=self.loaded_at if loaded_at is None else loaded_at,
        )


def count(copy: Copy) -> int:
    return len(copy.ids)


_copies: dict[tuple[str, str], Copy] = {}
_search_session = None


def _rows(version: str, after: int | None = None):
    query = (select(ClaimVector.claim_id, Claim.article_id, ClaimVector.seq, ClaimVector.vector)
             .join(Claim, Claim.id == ClaimVector.claim_id).where(ClaimVector.model == version))
    if after is not None:  # from the newest seq held: rows written in that same millisecond too
        query = query.where(ClaimVector.seq >= after)
    return db.session.execute(query).all()


def current_copy(version: str) -> Copy:
    """This process's copy of the database's vectors, brought up to date. Two threads that find
    it stale at once may both update it; either result is current."""
    key = (db.engine.url.render_as_string(hide_password=True), version)
    held = _copies.get(key, Copy())
    count_, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(ClaimVector.seq), 0)).where(ClaimVector.model == version)
    ).one()
    wanted = (int(count_), int(total))
    recent = time.monotonic() - held.loaded_at < FULL_RELOAD_AFTER
    if held.fingerprint() == wanted and recent:
        return held
    if len(held.ids) and recent:
        updated = held.with_rows(_rows(version, after=int(held.seqs.max())))
        if updated.fingerprint() == wanted:
            _copies[key] = updated
            return updated
    reloaded = Copy().with_rows(_rows(version), loaded_at=time.monotonic())
    _copies[key] = reloaded
    return reloaded


def _search():
    global _search_session
    if _search_session is None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        _search_session = onnxruntime.InferenceSession(
            str(ENCODER_DIR / "search.onnx"), options, providers=["CPUExecutionProvider"]
        )
    return _search_session


def cosines(matrix: np.ndarray, norms: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The cosine of each stored int8 row (with its length in `norms`) and an int8 query."""
    (dots,) = _search().run(None, {"vectors": matrix, "query": query.reshape(WIDTH, 1)})
    return dots[:, 0] / (norms * float(np.linalg.norm(query.astype(np.float32))))


def nearest(text: str, model: EncoderSuggester, copy: Copy, *, exclude_article: int | None, limit: int,
            threshold: float = THRESHOLD) -> list[tuple[int, float]]:
    """(claim id, cosine) of the claims in `copy` (from current_copy) most like `text`, best
    first, at or above the threshold."""
    ids, articles, matrix, norms = copy.ids, copy.articles, copy.matrix, copy.norms
    if not len(ids):
        return []
    similarity = cosines(matrix, norms, quantise(model.vectors([text]))[0])
    if exclude_article is not None:
        similarity[articles == exclude_article] = -1.0
    k = min(limit, len(ids))
    best = np.argpartition(-similarity, k - 1)[:k]
    best = best[np.argsort(-similarity[best])]
    return [(int(ids[i]), float(similarity[i])) for i in best if similarity[i] >= threshold]
