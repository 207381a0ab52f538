"""Every change to articles and claims. Each verb checks the change is allowed now, changes the
objects, writes one audit row and flushes; only views and CLI commands commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db
from .models import Article, AuditEvent, Claim, ClaimStatus, Sentence, User, utcnow
from .text import normalize_body, split_sentences


class WorkflowError(Exception):
    """A change that is not allowed; field names the form field the message belongs beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(WorkflowError):
    """Someone else saved the same object since this form was loaded."""

    def __init__(self, obj: Any):
        super().__init__(
            "Someone else changed this while you were editing. Their version is shown below; "
            "your text is kept in the form so you can re-apply it."
        )
        self.obj = obj


def record(
    actor: User | None,
    action: str,
    obj: Article | Claim | User,
    *,
    changes: dict[str, Any] | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
) -> AuditEvent:
    entity = {Article: "article", Claim: "claim", User: "user"}[type(obj)]
    article_id = obj.id if isinstance(obj, Article) else getattr(obj, "article_id", None)
    event = AuditEvent(
        actor=actor,
        entity=entity,
        entity_id=obj.id,
        article_id=article_id,
        action=action,
        changes=_jsonable(changes) if changes else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    db.session.add(event)
    return event


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return {key: plain(value) for key, value in changes.items()}


def _check_version(obj: Article | Claim, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise StaleEdit(obj)


def _flush(obj: Article | Claim) -> None:
    """Flush, turning a concurrent save of the same row (caught by its version column) into
    StaleEdit, so the view shows the other person's version instead of an error page."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleEdit(obj) from None


def _diff(obj, values: dict[str, Any]) -> dict[str, list]:
    """Set the values that differ and return {field: [before, after]} for them."""
    changed = {}
    for key, value in values.items():
        before = getattr(obj, key)
        if before != value:
            changed[key] = [before, value]
            setattr(obj, key, value)
    return changed


# -- articles ---------------------------------------------------------------------------------

ARTICLE_FIELDS = ("title", "outlet", "url", "published_on")


def create_article(*, by: User, body: str, **fields: Any) -> Article:
    body = check_body(body)
    article = Article(body=body, created_by=by, **{k: fields.get(k) for k in ARTICLE_FIELDS})
    db.session.add(article)
    _store_sentences(article)
    db.session.flush()
    record(by, "created", article, changes={k: [None, getattr(article, k)] for k in ARTICLE_FIELDS})
    db.session.flush()
    return article


def edit_article(
    article: Article, *, by: User, body: str, expected_version: int | None = None, **fields: Any
) -> Article:
    _check_version(article, expected_version)
    body = check_body(body)
    if body != article.body and article.is_body_locked:
        raise WorkflowError(
            "The text is locked because claims point into it. Unlock it (which removes its "
            "claims) to change the text.",
            field="body",
        )
    changes = _diff(article, {k: fields.get(k) for k in ARTICLE_FIELDS})
    if body != article.body:
        changes["body"] = [f"{len(article.body)} characters", f"{len(body)} characters"]
        article.body = body
        article.sentences.clear()
        db.session.flush()
        _store_sentences(article)
    if changes:
        _flush(article)
        record(by, "edited", article, changes=changes)
        db.session.flush()
    return article


def unlock_article(article: Article, *, by: User, expected_version: int | None = None) -> int:
    """Delete every claim of the article (each deletion recorded) so its text can change."""
    _check_version(article, expected_version)
    claims = list(article.claims)
    for claim in claims:
        delete_claim(claim, by=by, note="Removed to unlock the article text")
    db.session.expire(article, ["claims"])
    article.updated_at = utcnow()  # a change to the article: its version moves on
    record(by, "unlocked", article, changes={"claims_removed": [len(claims), 0]})
    db.session.flush()
    return len(claims)


def check_body(body: str | None) -> str:
    """The normalised body, or WorkflowError saying why it cannot be an article's text."""
    body = normalize_body(body or "")
    if not body.strip():
        raise WorkflowError("The article text is empty.", field="body")
    if len(body) > Article.BODY_MAX:
        raise WorkflowError(
            f"The article text is {len(body):,} characters; the limit is {Article.BODY_MAX:,}.",
            field="body",
        )
    return body


def _store_sentences(article: Article) -> None:
    article.sentences = [
        Sentence(position=i, start=s, end=e)
        for i, (s, e) in enumerate(split_sentences(article.body))
    ]


# -- claims -----------------------------------------------------------------------------------


def create_claim(
    article: Article,
    *,
    by: User,
    start: int,
    end: int,
    wording: str | None = None,
    claimant: str | None = None,
) -> Claim:
    start, end = check_span(article, start, end)
    quote = article.body[start:end]
    wording = (wording or "").strip() or " ".join(quote.split())
    claim = Claim(
        article=article,
        start=start,
        end=end,
        quote=quote,
        wording=wording,
        claimant=(claimant or "").strip() or None,
        status=ClaimStatus.UNASSIGNED,
        created_by=by,
    )
    db.session.add(claim)
    try:
        db.session.flush()
    except IntegrityError:  # someone claimed the same span a moment ago
        raise WorkflowError("This exact span was just claimed by someone else.", field="start") from None
    record(
        by,
        "created",
        claim,
        changes={"span": [None, [start, end]], "wording": [None, wording], "claimant": [None, claim.claimant]},
        to_status=claim.status.value,
    )
    db.session.flush()
    return claim


def check_span(article: Article, start: int | None, end: int | None) -> tuple[int, int]:
    """The span without surrounding whitespace, or WorkflowError saying what is wrong with it."""
    body = article.body
    if start is None or not 0 <= start < len(body):
        raise WorkflowError(f"The start must be between 0 and {len(body) - 1}.", field="start")
    if end is None or end > len(body):
        raise WorkflowError(f"The end must be at most {len(body)}, the length of the text.", field="end")
    if end <= start:
        raise WorkflowError("The span is empty: the end must come after the start.", field="end")
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if not any(ch.isalnum() for ch in body[start:end]):
        raise WorkflowError("The span holds no words; select the text of the claim.", field="end")
    duplicate = db.session.scalar(
        select(Claim.id).where(Claim.article_id == article.id, Claim.start == start, Claim.end == end)
    )
    if duplicate is not None:
        raise WorkflowError(f"This exact span is already claim #{duplicate}.", field="start")
    return start, end


def edit_claim(
    claim: Claim,
    *,
    by: User,
    wording: str,
    claimant: str | None,
    expected_version: int | None = None,
) -> Claim:
    _check_version(claim, expected_version)
    wording = (wording or "").strip()
    if not wording:
        raise WorkflowError("The claim needs a checkable wording.", field="wording")
    changes = _diff(claim, {"wording": wording, "claimant": (claimant or "").strip() or None})
    if changes:
        _flush(claim)
        record(by, "edited", claim, changes=changes)
        db.session.flush()
    return claim


def delete_claim(
    claim: Claim, *, by: User, note: str | None = None, expected_version: int | None = None
) -> None:
    _check_version(claim, expected_version)
    record(
        by,
        "deleted",
        claim,
        changes={
            "span": [[claim.start, claim.end], None],
            "quote": [claim.quote, None],
            "wording": [claim.wording, None],
            "claimant": [claim.claimant, None],
        },
        from_status=claim.status.value,
        note=note,
    )
    db.session.delete(claim)
    _flush(claim)
