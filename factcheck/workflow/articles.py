"""Articles: bringing one in, editing its details, and new revisions of its text, which every
claim follows (anchoring.py finds their words in the new text)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..anchoring import GONE, Anchor, Placement, Reanchorer, anchor_of
from ..audit import record
from ..errors import NotAllowed
from ..extensions import db
from ..models import (
    AnchorOutcome,
    Article,
    ArticleRevision,
    Claim,
    ClaimAnchor,
    ClaimStatus,
    RevisionSource,
    Sentence,
    User,
    utcnow,
)
from ..suggest import score_spans
from ..text import check_body, split_sentences
from ._base import check_version, diff, flush, stale_safe

ARTICLE_FIELDS = ("title", "outlet", "author", "url", "published_on")
# Work on these statuses was done on the earlier words: when they change, an editor decides.
CHECKED_WORK = (ClaimStatus.IN_RESEARCH, ClaimStatus.RETURNED, ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED)


def create_article(
    *, by: User, body: str, source: RevisionSource = RevisionSource.PASTE, source_detail: str | None = None, **fields: Any
) -> Article:
    if not by.can_manage_articles:
        raise NotAllowed("Only editors and admins may add articles.")
    body = check_body(body)
    article = Article(body=body, created_by=by, **{k: fields.get(k) for k in ARTICLE_FIELDS})
    db.session.add(article)
    article.revisions.append(
        ArticleRevision(number=1, body=body, source=RevisionSource(source), source_detail=source_detail, created_by=by)
    )
    _store_sentences(article)
    db.session.flush()
    record(by, "created", article, changes={k: [None, getattr(article, k)] for k in ARTICLE_FIELDS})
    db.session.flush()
    return article


@stale_safe
def edit_article(
    article: Article,
    *,
    by: User,
    body: str | None = None,
    source: RevisionSource = RevisionSource.PASTE,
    source_detail: str | None = None,
    expected_version: int | None = None,
    **fields: Any,
) -> RevisionResult | None:
    """Change the headline, outlet, author, address or date; a changed text becomes a new revision
    (returned, with where each claim went)."""
    _require_editor(article, by)
    check_version(article, expected_version)
    body = article.body if body is None else check_body(body)
    changes = diff(article, {k: fields.get(k) for k in ARTICLE_FIELDS})
    if changes:
        article.updated_at = utcnow()
        flush(article)
        record(by, "edited", article, changes=changes)
        db.session.flush()
    if body != article.body:
        return add_revision(article, by=by, body=body, source=source, source_detail=source_detail)
    return None


@dataclass(frozen=True)
class RevisionResult:
    revision: ArticleRevision
    placements: list[tuple[Claim, Placement]]

    def count(self, outcome: str) -> int:
        return sum(1 for _claim, placement in self.placements if placement.outcome == outcome)


@stale_safe
def add_revision(
    article: Article,
    *,
    by: User,
    body: str,
    source: RevisionSource = RevisionSource.PASTE,
    source_detail: str | None = None,
    expected_version: int | None = None,
) -> RevisionResult | None:
    """A new version of the text: every claim follows its words (unchanged, changed or gone),
    sentences are split and scored afresh, and claims whose checked words changed are flagged
    for an editor. None when the text is the same as the latest revision (nothing is stored)."""
    _require_editor(article, by)
    check_version(article, expected_version)
    body = check_body(body)
    if body == article.body:
        return None
    old = article.body
    latest = article.revisions[-1] if article.revisions else None
    revision = ArticleRevision(
        number=(latest.number + 1) if latest else 1, body=body, source=RevisionSource(source),
        source_detail=source_detail, created_by=by,
    )
    article.revisions.append(revision)
    reanchorer = Reanchorer(old, body)
    claims = list(article.claims)
    placements = [(claim, reanchorer.place(_anchor(claim), claim.quote)) for claim in claims]
    # Two claims must not land on one span (the database holds each span once per article).
    taken: dict[tuple[int, int], Claim] = {}
    for i, (claim, placement) in enumerate(placements):
        if placement.start is None:
            continue
        span = (placement.start, placement.end)
        if span in taken:
            placements[i] = (claim, Placement(GONE, None, None, f"its words are now those of claim #{taken[span].id}"))
        else:
            taken[span] = claim
    for claim in claims:  # clear spans first, so moves that swap two spans never collide
        claim.start = claim.end = None
    article.body = body
    article.updated_at = utcnow()
    article.sentences.clear()
    flush(article)
    _store_sentences(article)
    for claim, placement in placements:
        _follow(claim, placement, body, revision, by)
    flush(article)
    record(
        by, "revised", article,
        changes={
            "revision": [latest.number if latest else None, revision.number],
            "claims": [None, ", ".join(f"{n} {o}" for o in ("unchanged", "changed", "gone")
                                       if (n := sum(1 for _c, p in placements if p.outcome == o)))],
        },
    )
    db.session.flush()
    return RevisionResult(revision, placements)


def _anchor(claim: Claim) -> Anchor | None:
    if claim.start is None:
        return None  # gone in an earlier revision: looked for anywhere by its last quote
    return Anchor(claim.start, claim.end, claim.quote, claim.prefix or "", claim.suffix or "")


def _follow(claim: Claim, placement: Placement, body: str, revision: ArticleRevision, by: User) -> None:
    old_quote = claim.quote
    outcome = AnchorOutcome(placement.outcome)
    if placement.start is not None:
        anchor = anchor_of(body, placement.start, placement.end)
        claim.start, claim.end, claim.quote = anchor.start, anchor.end, anchor.quote
        claim.prefix, claim.suffix = anchor.prefix, anchor.suffix
    claim.anchor_outcome = outcome
    if outcome != AnchorOutcome.UNCHANGED and claim.status in CHECKED_WORK:
        claim.text_changed = True
    db.session.add(ClaimAnchor(
        claim=claim, revision=revision, start=claim.start if placement.start is not None else None,
        end=claim.end if placement.start is not None else None, quote=claim.quote, outcome=outcome.value,
        method=placement.method[:120], similarity=placement.similarity,
    ))
    changes = {"revision": [None, revision.number]}
    if outcome == AnchorOutcome.CHANGED:
        changes["quote"] = [old_quote, claim.quote]
    record(
        by, f"text_{outcome.value}", claim, changes=changes,
        note=placement.method if outcome != AnchorOutcome.UNCHANGED else None,
    )


def _require_editor(article: Article, by: User) -> None:
    if not article.can_edit(by):
        raise NotAllowed("Only editors and admins may change articles.")


def _store_sentences(article: Article) -> None:
    """Split the body and score each sentence: scoring is part of splitting."""
    spans = split_sentences(article.body)
    scores, version = score_spans(article.body, spans)
    article.sentences = [
        Sentence(position=i, start=s, end=e, score=score) for i, ((s, e), score) in enumerate(zip(spans, scores))
    ]
    article.scored_with = version

