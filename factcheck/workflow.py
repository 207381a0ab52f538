"""Every change to articles and claims. Each verb checks the change is allowed now, changes the
objects, writes one audit row and flushes; only views and CLI commands commit."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .counts import bump_status  # running counts by status, for the dashboard
from .extensions import db
from .links import web_address_problem
from .models import (
    MOVES,
    Article,
    AuditEvent,
    Claim,
    ClaimStatus,
    Comment,
    Correction,
    DropReason,
    Evidence,
    EvidenceStance,
    Rating,
    Role,
    Sentence,
    User,
    utcnow,
)
from .matching import index_claim, unindex_claim
from .suggest import suggester
from .text import normalize_body, split_sentences


class WorkflowError(Exception):
    """A change that is not allowed; field names the form field the message belongs beside."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(WorkflowError):
    """This person may not make this move at all (the view answers 403)."""


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
    obj: Article | Claim | User | Rating,
    *,
    changes: dict[str, Any] | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
) -> AuditEvent:
    entity = {Article: "article", Claim: "claim", User: "user", Rating: "rating"}[type(obj)]
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


def _check_version(obj: Article | Claim | Evidence, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise StaleEdit(obj)


def stale_safe(verb):
    """A concurrent save of the same row can surface at any flush, autoflush included; the
    verb then raises StaleEdit, like one caught at its own flush."""

    @functools.wraps(verb)
    def wrapper(obj, *args, **kwargs):
        try:
            return verb(obj, *args, **kwargs)
        except StaleDataError:
            raise StaleEdit(obj) from None

    return wrapper


def _flush(obj: Article | Claim | Evidence) -> None:
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


@stale_safe
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


@stale_safe
def unlock_article(article: Article, *, by: User, expected_version: int | None = None) -> int:
    """Delete every claim of the article (each deletion recorded) so its text can change."""
    _check_version(article, expected_version)
    claims = list(article.claims)
    busy = [c for c in claims if not c.allows("delete")]
    if busy:
        raise WorkflowError(
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
    """Split the body and score each sentence: scoring is part of splitting."""
    spans = split_sentences(article.body)
    scores, version = score_spans(article.body, spans)
    article.sentences = [
        Sentence(position=i, start=s, end=e, score=score) for i, ((s, e), score) in enumerate(zip(spans, scores))
    ]
    article.scored_with = version


def score_spans(body: str, spans) -> tuple[list[float | None], str | None]:
    """Scores for these spans of the body, and the model's version (None, None... when the
    model cannot be loaded: the article is still split, just without suggestions)."""
    try:
        model = suggester()
    except (OSError, ValueError, KeyError):
        return [None] * len(spans), None
    return [round(model.score(body[s:e]), 4) for s, e in spans], model.version


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
    index_claim(claim)
    bump_status(None, claim.status)
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


@stale_safe
def edit_claim(
    claim: Claim,
    *,
    by: User,
    wording: str,
    claimant: str | None,
    expected_version: int | None = None,
) -> Claim:
    _require(claim, by, "edit", expected_version)
    wording = (wording or "").strip()
    if not wording:
        raise WorkflowError("The claim needs a checkable wording.", field="wording")
    changes = _diff(claim, {"wording": wording, "claimant": (claimant or "").strip() or None})
    if "wording" in changes:
        index_claim(claim)
    if changes:
        _flush(claim)
        record(by, "edited", claim, changes=changes)
        db.session.flush()
    return claim


@stale_safe
def delete_claim(
    claim: Claim, *, by: User, note: str | None = None, expected_version: int | None = None
) -> None:
    _require(claim, by, "delete", expected_version)
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
    unindex_claim(claim)
    db.session.delete(claim)
    _flush(claim)
    bump_status(claim.status, None)


# -- the status workflow ------------------------------------------------------------------------

MOVE_NAMES = {
    "edit": "edited",
    "delete": "deleted",
    "assign": "assigned",
    "start_research": "researched",
    "work": "worked on",
    "submit_verdict": "submitted for review",
    "approve": "approved",
    "return_for_work": "returned",
    "drop": "dropped",
    "restore": "restored",
    "comment": "commented on",
    "correct": "corrected",
}


def _require(claim: Claim, user: User, move: str, expected_version: int | None = None) -> None:
    """Refuse the move unless this person may make it, the form they used is current, and the
    claim's status allows it now (in that order, so a stale form says who changed the claim)."""
    actor, _statuses = MOVES[move]
    if not claim.is_actor(user, move):
        raise NotAllowed(f"Only {actor.value} may do this.")
    _check_version(claim, expected_version)
    if not claim.allows(move):
        raise WorkflowError(
            f"Claim #{claim.id} is {claim.status.label.lower()}, so it cannot be {MOVE_NAMES[move]} now. "
            "Reload the page to see where it stands."
        )


def _move(claim: Claim, by: User, action: str, to: ClaimStatus, *, changes=None, note=None) -> None:
    """Change the status and write the one audit row for it, in the same flush."""
    from_status = claim.status
    claim.status = to
    _flush(claim)
    bump_status(from_status, to)
    record(by, action, claim, changes=changes, from_status=from_status.value, to_status=to.value, note=note)
    db.session.flush()


def _name(user: User | None) -> str | None:
    return user.name if user else None


@stale_safe
def assign(
    claim: Claim,
    *,
    by: User,
    assignee: User,
    due_at,
    due_has_time: bool = False,
    expected_version: int | None = None,
) -> None:
    """Give the claim to a reviewer with a deadline. Reassigning work already under way sends it
    back to 'assigned' so the new reviewer starts it; changing only the deadline keeps the status."""
    _require(claim, by, "assign", expected_version)
    if assignee.role != Role.REVIEWER or not assignee.active:
        raise WorkflowError(f"{assignee.name} is not an active reviewer.", field="assignee")
    previous = claim.assignee
    changes = {}
    if previous is not assignee:
        changes["assignee"] = [_name(previous), assignee.name]
    if claim.due_at != due_at or claim.due_has_time != due_has_time:
        changes["due"] = [claim.due_at.isoformat() if claim.due_at else None, due_at.isoformat() if due_at else None]
    if not changes:
        return
    claim.assignee = assignee
    claim.due_at = due_at
    claim.due_has_time = due_has_time
    if claim.status == ClaimStatus.UNASSIGNED:
        action, to = "assigned", ClaimStatus.ASSIGNED
    elif "assignee" in changes:
        action, to = "reassigned", ClaimStatus.ASSIGNED
    else:
        action, to = "due_changed", claim.status
    _move(claim, by, action, to, changes=changes)


@stale_safe
def start_research(claim: Claim, *, by: User, expected_version: int | None = None) -> None:
    _require(claim, by, "start_research", expected_version)
    action = "resumed_research" if claim.status == ClaimStatus.RETURNED else "started_research"
    _move(claim, by, action, ClaimStatus.IN_RESEARCH)


@stale_safe
def save_verdict(
    claim: Claim,
    *,
    by: User,
    rating: Rating | None,
    rationale: str | None,
    submit: bool = False,
    expected_version: int | None = None,
) -> None:
    """Save the reviewer's verdict as a draft, or submit it for the editor's review."""
    _require(claim, by, "submit_verdict" if submit else "work", expected_version)
    rationale = (rationale or "").strip() or None
    if rating is not None and rating.retired and rating.id != claim.rating_id:
        raise WorkflowError(f"The rating “{rating.name}” has been retired; choose another.", field="rating")
    if rationale and len(rationale) > Claim.RATIONALE_MAX:
        raise WorkflowError(f"The rationale is limited to {Claim.RATIONALE_MAX:,} characters.", field="rationale")
    if submit:
        if rating is None:
            raise WorkflowError("Choose a rating before submitting.", field="rating")
        if rating.retired:
            raise WorkflowError(f"The rating “{rating.name}” has been retired; choose another.", field="rating")
        if not rationale:
            raise WorkflowError("Write the rationale: why this rating, in a few sentences.", field="rationale")
        if rating.needs_evidence and not claim.evidence:
            raise WorkflowError(
                f"A verdict of “{rating.name}” needs at least one evidence link. Add the sources "
                "first, or rate it Unproven.",
                field="rating",
            )
    previous = claim.rating
    changes = _diff(claim, {"rationale": rationale})
    if previous is not rating:
        changes["rating"] = [previous.name if previous else None, rating.name if rating else None]
        claim.rating = rating
    if submit:
        claim.submitted_at = utcnow()
        claim.return_note = None
        _move(claim, by, "submitted", ClaimStatus.IN_REVIEW, changes=changes or None)
    elif changes:
        _flush(claim)
        record(by, "verdict_drafted", claim, changes=changes)
        db.session.flush()


@stale_safe
def approve(claim: Claim, *, by: User, note: str | None = None, expected_version: int | None = None) -> None:
    """Lock the verdict and publish it. Approving a corrected verdict replaces the published
    one, dates the correction and says so on the public page."""
    _require(claim, by, "approve", expected_version)
    rating, corrections, evidence = claim.rating, list(claim.corrections), list(claim.evidence)  # load first
    now = utcnow()
    claim.approved_by = by
    claim.approved_at = now
    claim.published_rating = rating
    claim.published_rationale = claim.rationale
    claim.published_wording = claim.wording
    claim.published_sources = [
        {"source": e.source, "url": e.url, "archive_url": e.archive_url, "summary": e.summary}
        for e in evidence
        if not e.withheld
    ]
    if claim.first_published_at is None:
        claim.first_published_at = now
    else:
        claim.corrected_at = now
        for correction in corrections:
            if correction.published_at is None:
                correction.published_at = now
                correction.new_rating = rating.name if rating else None
                if note and note.strip():  # the editor's final word on what changed
                    correction.note = note.strip()
    _move(claim, by, "approved", ClaimStatus.APPROVED, note=(note or "").strip() or None)


@stale_safe
def issue_correction(claim: Claim, *, by: User, note: str, expected_version: int | None = None) -> Correction:
    """Reopen a published verdict to correct it. The published verdict stays up until the
    corrected one is approved; the reviewer sees the note as the editor's instructions."""
    _require(claim, by, "correct", expected_version)
    note = (note or "").strip()
    if not note:
        raise WorkflowError("Say what changed and why; readers see this note in the corrections log.", field="note")
    if len(note) > Correction.NOTE_MAX:
        raise WorkflowError(f"The note is limited to {Correction.NOTE_MAX:,} characters.", field="note")
    correction = Correction(
        claim=claim, note=note, issued_by=by, previous_rating=claim.published_rating.name if claim.published_rating else None
    )
    db.session.add(correction)
    claim.return_note = note
    claim.due_at = None  # the old deadline has passed; the editor sets a new one when reassigning
    claim.due_has_time = False
    _move(claim, by, "correction_issued", ClaimStatus.IN_RESEARCH, note=note)
    return correction


@stale_safe
def return_for_work(claim: Claim, *, by: User, note: str, expected_version: int | None = None) -> None:
    _require(claim, by, "return_for_work", expected_version)
    note = (note or "").strip()
    if not note:
        raise WorkflowError("Say what needs doing; the reviewer sees this note in their queue.", field="note")
    claim.return_note = note
    _move(claim, by, "returned", ClaimStatus.RETURNED, note=note)


@stale_safe
def drop(
    claim: Claim, *, by: User, reason: DropReason, note: str | None = None, expected_version: int | None = None
) -> None:
    _require(claim, by, "drop", expected_version)
    claim.drop_reason = reason
    _move(claim, by, "dropped", ClaimStatus.DROPPED, changes={"reason": [None, reason.label]}, note=(note or "").strip() or None)


@stale_safe
def restore(claim: Claim, *, by: User, expected_version: int | None = None) -> None:
    """Back to unassigned: an editor assigns it afresh."""
    _require(claim, by, "restore", expected_version)
    changes = {"reason": [claim.drop_reason.label if claim.drop_reason else None, None]}
    if claim.assignee_id:
        changes["assignee"] = [_name(claim.assignee), None]
    claim.drop_reason = None
    claim.assignee = None
    claim.due_at = None
    claim.due_has_time = False
    _move(claim, by, "restored", ClaimStatus.UNASSIGNED, changes=changes)


# -- evidence and comments ----------------------------------------------------------------------

EVIDENCE_FIELDS = ("url", "source", "stance", "summary", "archive_url", "withheld", "withheld_reason")


def _clean_evidence(fields: dict[str, Any]) -> dict[str, Any]:
    values = {key: fields.get(key) for key in EVIDENCE_FIELDS}
    for key in ("url", "source", "summary", "archive_url", "withheld_reason"):
        values[key] = (values[key] or "").strip() or None
    values["withheld"] = bool(values["withheld"])
    if not values["url"]:
        raise WorkflowError("Paste the address of the source.", field="url")
    for key in ("url", "archive_url"):
        if values[key] and (problem := web_address_problem(values[key])):
            raise WorkflowError(problem, field=key)
    if not values["source"]:
        raise WorkflowError("Name the source or give the page's title.", field="source")
    try:
        values["stance"] = EvidenceStance(values["stance"])
    except ValueError:
        raise WorkflowError("Say whether it supports, contradicts or gives context.", field="stance") from None
    if values["withheld"] and not values["withheld_reason"]:
        raise WorkflowError("Say why the source must stay private.", field="withheld_reason")
    if not values["withheld"]:
        values["withheld_reason"] = None
    return values


def add_evidence(claim: Claim, *, by: User, **fields: Any) -> Evidence:
    _require(claim, by, "work")
    values = _clean_evidence(fields)
    evidence = Evidence(claim=claim, added_by=by, **values)
    db.session.add(evidence)
    db.session.flush()
    record(by, "evidence_added", claim, changes={"evidence": [None, _evidence_label(evidence)]})
    db.session.flush()
    return evidence


@stale_safe
def edit_evidence(evidence: Evidence, *, by: User, expected_version: int | None = None, **fields: Any) -> None:
    _require(evidence.claim, by, "work")
    _check_version(evidence, expected_version)
    before = _evidence_label(evidence)
    changes = _diff(evidence, _clean_evidence(fields))
    if changes:
        _flush(evidence)
        if evidence.withheld or "withheld" in changes:
            changes = {"evidence": [before, _evidence_label(evidence)]}
        else:
            changes = {f"evidence {key}": [_plain(a), _plain(b)] for key, (a, b) in changes.items()}
        record(by, "evidence_edited", evidence.claim, changes=changes, note=None if evidence.withheld else before)
        db.session.flush()


@stale_safe
def remove_evidence(evidence: Evidence, *, by: User, expected_version: int | None = None) -> None:
    claim = evidence.claim
    _require(claim, by, "work")
    _check_version(evidence, expected_version)
    record(by, "evidence_removed", claim, changes={"evidence": [_evidence_label(evidence), None]})
    db.session.delete(evidence)
    _flush(evidence)
    db.session.expire(claim, ["evidence"])


def _plain(value) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _evidence_label(evidence: Evidence) -> str:
    """How the history names a piece of evidence; a withheld source is not named there."""
    if evidence.withheld:
        return f"withheld source ({evidence.stance.value})"
    return f"{evidence.source} ({evidence.stance.value}): {evidence.url}"


def add_comment(claim: Claim, *, by: User, body: str) -> Comment:
    _require(claim, by, "comment")
    body = (body or "").strip()
    if not body:
        raise WorkflowError("Write something first.", field="body")
    if len(body) > Comment.BODY_MAX:
        raise WorkflowError(f"Comments are limited to {Comment.BODY_MAX:,} characters.", field="body")
    comment = Comment(claim=claim, author=by, body=body)
    db.session.add(comment)
    db.session.flush()
    return comment
