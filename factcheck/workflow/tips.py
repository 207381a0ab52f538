"""Reader tips: a reader's claim arriving, and an editor turning it into an article or a claim,
merging it into an earlier tip, or dismissing it. The reader's contact never enters the
history, and is erased after the configured number of days."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import update

from ..audit import record
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..links import web_address_problem
from ..models import Article, Claim, Tip, TipStatus, User, utcnow
from ._base import check_version, flush, stale_safe
from .articles import create_article
from .claims import create_claim

READER_OUTLET = "Sent by a reader"


def submit_tip(*, text: str, seen_at: str | None, contact: str | None) -> Tip:
    """A reader's tip, as typed (the form has checked it; this checks again)."""
    text = (text or "").strip()
    if not text:
        raise DomainError(Tip.TEXT_REQUIRED, field="text")
    if len(text) > Tip.TEXT_MAX:
        raise DomainError(f"Keep it under {Tip.TEXT_MAX:,} characters.", field="text")
    seen_at = (seen_at or "").strip() or None
    if seen_at and (problem := web_address_problem(seen_at)):
        raise DomainError(problem, field="seen_at")
    contact = (contact or "").strip() or None
    if contact and len(contact) > Tip.CONTACT_MAX:
        raise DomainError(f"Keep the contact under {Tip.CONTACT_MAX} characters.", field="contact")
    tip = Tip(text=text, seen_at=seen_at, contact=contact, status=TipStatus.NEW)
    db.session.add(tip)
    db.session.flush()
    record(None, "received", tip, changes={"seen_at": [None, seen_at]})
    db.session.flush()
    return tip


def _require_open(tip: Tip, by: User, expected_version: int | None) -> None:
    if not by.can_manage_articles:
        raise NotAllowed("Only editors and admins handle tips.")
    check_version(tip, expected_version)
    if tip.status != TipStatus.NEW:
        raise DomainError(f"This tip was already handled ({tip.status.label.lower()}).")


def _handled(tip: Tip, by: User, status: TipStatus, action: str, **changes) -> None:
    tip.status, tip.handled_by, tip.handled_at = status, by, utcnow()
    flush(tip)
    record(by, action, tip, from_status=TipStatus.NEW.value, to_status=status.value, changes=changes or None)
    db.session.flush()


def _article_from(tip: Tip, by: User) -> Article:
    """An article holding the tip's words, linked to where the reader saw it."""
    host = urlsplit(tip.seen_at).hostname if tip.seen_at else None
    title = " ".join(tip.text.split())
    title = title if len(title) <= 80 else title[:79].rsplit(" ", 1)[0] + "…"
    return create_article(
        by=by, body=tip.text, title=f"Reader tip: {title}", outlet=host or READER_OUTLET, url=tip.seen_at, published_on=None
    )


@stale_safe
def tip_to_article(tip: Tip, *, by: User, expected_version: int | None = None) -> Article:
    _require_open(tip, by, expected_version)
    article = _article_from(tip, by)
    tip.article = article
    _handled(tip, by, TipStatus.ARTICLE, "made_article", article=[None, article.id])
    return article


@stale_safe
def tip_to_claim(tip: Tip, *, by: User, expected_version: int | None = None) -> Claim:
    """An article of the tip's words and one claim over all of them, ready to assign."""
    _require_open(tip, by, expected_version)
    article = _article_from(tip, by)
    claim = create_claim(article, by=by, start=0, end=len(article.body), wording=" ".join(tip.text.split())[: Claim.WORDING_MAX])
    tip.article, tip.claim = article, claim
    _handled(tip, by, TipStatus.CLAIM, "made_claim", claim=[None, claim.id])
    return claim


@stale_safe
def merge_tip(tip: Tip, *, into: Tip | None, by: User, expected_version: int | None = None) -> Tip:
    """The same claim as an earlier tip: this one is kept, marked as its duplicate."""
    _require_open(tip, by, expected_version)
    if into is None:
        raise DomainError("Choose the tip this one repeats, by its number.", field="into")
    while into.duplicate_of is not None:  # merge into the first of a chain
        into = into.duplicate_of
    if into.id == tip.id:
        raise DomainError("A tip cannot repeat itself; choose another tip's number.", field="into")
    tip.duplicate_of = into
    _handled(tip, by, TipStatus.DUPLICATE, "merged", duplicate_of=[None, into.id])
    return into


@stale_safe
def dismiss_tip(tip: Tip, *, by: User, expected_version: int | None = None) -> None:
    _require_open(tip, by, expected_version)
    _handled(tip, by, TipStatus.DISMISSED, "dismissed")


def erase_old_contacts(*, days: int, now: datetime | None = None) -> int:
    """Erase readers' contacts older than `days`; returns how many were erased."""
    now = now or utcnow()
    result = db.session.execute(
        update(Tip)
        .where(Tip.contact.is_not(None), Tip.created_at < now - timedelta(days=days))
        .values(contact=None, contact_erased_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
