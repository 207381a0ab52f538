"""Has this been checked before? Earlier claims that say nearly the same thing: by the cosine of
the encoder's sentence vectors (claim_vectors.py) where the encoder runs and every claim has a
vector, else by TF-IDF cosine over their words. On the paraphrase set the vectors find 94 % of
rewordings against the words' 75 % (flask evaluate-matching, thresholds held out).

For the words, each claim's distinct words are kept in claim_terms, so finding candidates is an
indexed lookup of the new claim's rarest words, not a scan of the archive; and how many claims
hold each word is kept in term_counts, so weighing a word is one row, not a count of its
postings."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased, selectinload

from . import claim_vectors
from .extensions import db
from .models import Claim, ClaimTerm, TermCount

WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)
STOPWORDS = frozenset(
    "the and for that this with from have has had was were are but not you his her its our their they them"
    " she him who what when where which while will would could should than then there these those into about"
    " said says also been being more most some such only over very just all any can may one two".split()
)
QUERY_TERMS = 3  # the rarest words of the new claim pick the candidates
CANDIDATES = 300
THRESHOLD = 0.35
LIMIT = 5


def terms(text: str) -> set[str]:
    """The distinct content words of a claim: lower case, three letters or more, no stopwords."""
    return {w[:40] for w in WORD.findall(text.lower()) if w not in STOPWORDS}


def index_claim(claim: Claim, *, vector: bool = True) -> None:
    """(Re)write the claim's words and their counts, and its vector (unless the caller writes
    vectors in batches); called by the verbs that create or reword claims, in their transaction."""
    if vector:
        claim_vectors.store([claim])
    had = set(db.session.scalars(select(ClaimTerm.term).where(ClaimTerm.claim_id == claim.id)))
    words = terms(f"{claim.wording} {claim.quote}")
    gone, new = had - words, words - had
    if gone:
        db.session.execute(delete(ClaimTerm).where(ClaimTerm.claim_id == claim.id, ClaimTerm.term.in_(gone)))
    if new:
        db.session.execute(insert(ClaimTerm), [{"claim_id": claim.id, "term": w} for w in sorted(new)])
    _count({**dict.fromkeys(gone, -1), **dict.fromkeys(new, +1)})


def unindex_claim(claim: Claim) -> None:
    """Take a claim that is being deleted out of the counts (its rows go with it)."""
    claim_vectors.forget(claim)
    _count(dict.fromkeys(db.session.scalars(select(ClaimTerm.term).where(ClaimTerm.claim_id == claim.id)), -1))


def _count(changes: dict[str, int]) -> None:
    """Add each word's change to its count, in one statement over the words in sorted order, so
    that two transactions rewording claims lock shared words in the same order and never wait
    for each other crosswise."""
    if not changes:
        return
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    statement = dialect.insert(TermCount).values([{"term": w, "claims": changes[w]} for w in sorted(changes)])
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[TermCount.term], set_={"claims": TermCount.claims + statement.excluded.claims}
        )
    )


def rebuild_counts() -> None:
    """Count every word's claims afresh from claim_terms (flask index-claims, the benchmarks)."""
    db.session.execute(delete(TermCount))
    db.session.execute(
        insert(TermCount).from_select(
            ["term", "claims"], select(ClaimTerm.term, func.count()).group_by(ClaimTerm.term)
        )
    )


def _candidates(rare: list[str], exclude_article: int | None) -> list[int]:
    """Claims holding the rarest words of the new claim: all three rarest if that finds enough,
    else the two, else the rarest alone. Each lookup walks only the rarest word's postings."""
    for needed in (3, 2, 1):
        if len(rare) < needed and needed > 1:
            continue
        first = aliased(ClaimTerm)
        query = select(first.claim_id).where(first.term == rare[0])
        for term in rare[1:needed]:
            other = aliased(ClaimTerm)
            query = query.join(other, (other.claim_id == first.claim_id) & (other.term == term))
        if exclude_article is not None:
            query = query.join(Claim, Claim.id == first.claim_id).where(Claim.article_id != exclude_article)
        found = list(db.session.scalars(query.limit(CANDIDATES)))
        if len(found) >= LIMIT or needed == 1:
            return found
    return []


@dataclass
class Match:
    claim: Claim
    similarity: float


def similar_claims(text: str, *, exclude_article: int | None = None, limit: int = LIMIT,
                   threshold: float | None = None) -> list[Match]:
    """Up to `limit` earlier claims like `text`, best first, at or above the threshold (the
    method's own by default)."""
    if not text.strip():
        return []
    total = db.session.scalar(select(func.count()).select_from(Claim)) or 0
    if not total:
        return []
    model = claim_vectors.encoder()
    if model is not None:
        copy = claim_vectors.current_copy(model.vector_version)
        # Vectors are used once every claim has one (after an upgrade, `flask index-claims`).
        if claim_vectors.count(copy) == total:
            found = claim_vectors.nearest(text, model, copy, exclude_article=exclude_article, limit=limit,
                                          threshold=claim_vectors.THRESHOLD if threshold is None else threshold)
            return _matches(found)
    return by_words(text, total, exclude_article, limit, THRESHOLD if threshold is None else threshold)


def _matches(found: list[tuple[int, float]]) -> list[Match]:
    if not found:
        return []
    claims = {
        c.id: c
        for c in db.session.scalars(
            select(Claim).where(Claim.id.in_([cid for cid, _ in found]))
            .options(selectinload(Claim.article), selectinload(Claim.published_rating), selectinload(Claim.rating))
        )
    }
    return [Match(claims[cid], round(sim, 3)) for cid, sim in found if cid in claims]


def by_words(text: str, total: int, exclude_article: int | None, limit: int, threshold: float) -> list[Match]:
    words = terms(text)
    if not words:
        return []
    frequency = dict(db.session.execute(
        select(TermCount.term, TermCount.claims).where(TermCount.term.in_(words), TermCount.claims > 0)
    ).all())
    idf = {w: math.log((1 + total) / (1 + frequency.get(w, 0))) + 1 for w in words}
    # Ties broken by the word itself: a set's order changes from one process to the next.
    rare = sorted((w for w in words if w in frequency), key=lambda w: (frequency[w], w))[:QUERY_TERMS]
    if not rare:
        return []
    candidates = _candidates(rare, exclude_article)
    if not candidates:
        return []
    their_terms: dict[int, set[str]] = {}
    for claim_id, term in db.session.execute(select(ClaimTerm.claim_id, ClaimTerm.term).where(ClaimTerm.claim_id.in_(candidates))):
        their_terms.setdefault(claim_id, set()).add(term)
    # Terms the new claim does not have only lengthen the other vector; weigh unknown ones as rare.
    other_frequency = dict(db.session.execute(
        select(TermCount.term, TermCount.claims)
        .where(TermCount.term.in_({t for ts in their_terms.values() for t in ts} - words))
    ).all())

    def weight(term: str) -> float:
        return idf[term] if term in idf else math.log((1 + total) / (1 + other_frequency.get(term, 0))) + 1

    own_norm = math.sqrt(sum(idf[w] ** 2 for w in words))
    scored = []
    for claim_id, theirs in their_terms.items():
        shared = words & theirs
        dot = sum(idf[w] ** 2 for w in shared)
        norm = math.sqrt(sum(weight(t) ** 2 for t in theirs))
        similarity = dot / (own_norm * norm) if norm else 0.0
        if similarity >= threshold:
            scored.append((similarity, claim_id))
    scored.sort(reverse=True)
    return _matches([(cid, sim) for sim, cid in scored[:limit]])
