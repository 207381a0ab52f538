"""Articles: bringing one in, editing it, and unlocking its text (which removes its claims)."""

from __future__ import annotations

from typing import Any

from ..audit import record
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..models import Article, Sentence, User, utcnow
from ..suggest import score_spans
from ..text import check_body, split_sentences
from ._base import check_version, diff, flush, stale_safe
from .claims import delete_claim

ARTICLE_FIELDS = ("title", "outlet", "url", "published_on")


def create_article(*, by: User, body: str, **fields: Any) -> Article:
    if not by.can_manage_articles:
        raise NotAllowed("Only editors and admins may add articles.")
    body = check_body(body)
    article = Article(body=body, created_by=by, **{k: fields.get(k) for k in ARTICLE_FIELDS})
    db.session.add(article)
    _store_sentences(article)
    db.session.flush()
    record(by, "created", article, changes={k: [None, getattr(article, k)] for k in ARTICLE_FIELDS})
    db.session.flush()
    return article


@stale_safe
def edit_article(
    article: Article, *, by: User, body: str, expected_version: int | None = None, **fields: Any
) -> Article:
    _require_editor(article, by)
    check_version(article, expected_version)
    body = check_body(body)
    if body != article.body and article.is_body_locked:
        raise DomainError(
            "The text is locked because claims point into it. Unlock it (which removes its "
            "claims) to change the text.",
            field="body",
        )
    changes = diff(article, {k: fields.get(k) for k in ARTICLE_FIELDS})
    if body != article.body:
        changes["body"] = [f"{len(article.body)} characters", f"{len(body)} characters"]
        article.body = body
        article.sentences.clear()
        db.session.flush()
        _store_sentences(article)
    if changes:
        flush(article)
        record(by, "edited", article, changes=changes)
        db.session.flush()
    return article


@stale_safe
def unlock_article(article: Article, *, by: User, expected_version: int | None = None) -> int:
    """Delete every claim of the article (each deletion recorded) so its text can change."""
    _require_editor(article, by)
    check_version(article, expected_version)
    claims = list(article.claims)
    busy = [c for c in claims if not c.allows("delete")]
    if busy:
        raise DomainError(
            f"{len(busy)} of its claims are being checked or have verdicts; drop them first "
            "(unlocking deletes claims, and only unassigned or dropped claims can be deleted)."
        )
    for claim in claims:
        delete_claim(claim, by=by, note="Removed to unlock the article text")
    db.session.expire(article, ["claims"])
    article.updated_at = utcnow()  # a change to the article: its version moves on
    record(by, "unlocked", article, changes={"claims_removed": [len(claims), 0]})
    db.session.flush()
    return len(claims)


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
