"""Claims: creating one from a span, editing and deleting it, and every move of the checking
workflow (assign, research, verdict, review, drop, restore, correct)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..anchoring import anchor_of
from ..audit import record
from ..counts import bump_status  # running counts by status, for the dashboard
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..matching import index_claim, unindex_claim
from ..models import (
    MOVES,
    Article,
    Claim,
    ClaimAnchor,
    ClaimantKind,
    ClaimStatus,
    Correction,
    DropReason,
    Evidence,
    Rating,
    Role,
    User,
    utcnow,
)
from ..export import snapshot_of
from ..ratings import scale
from ._base import check_version, diff, flush, lock, stale_safe

# -- claims -----------------------------------------------------------------------------------


def create_claim(
    article: Article,
    *,
    by: User,
    start: int,
    end: int,
    wording: str | None = None,
    claimant: str | None = None,
    claimant_kind: str | ClaimantKind = ClaimantKind.PERSON,
) -> Claim:
    if not article.can_edit(by):
        raise NotAllowed("Only editors and admins may create claims.")
    start, end = check_span(article, start, end)
    quote = article.body[start:end]
    anchor = anchor_of(article.body, start, end)  # the words around it, to find it again
    wording = (wording or "").strip() or " ".join(quote.split())
    claim = Claim(
        article=article,
        start=start,
        end=end,
        quote=quote,
        wording=wording,
        claimant=(claimant or "").strip() or None,
        claimant_kind=_kind(claimant_kind),
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        status=ClaimStatus.UNASSIGNED,
        created_by=by,
    )
    db.session.add(claim)
    try:
        db.session.flush()
    except IntegrityError:  # someone claimed the same span a moment ago
        raise DomainError("This exact span was just claimed by someone else.", field="start") from None
    if article.revisions:
        db.session.add(ClaimAnchor(
            claim=claim, revision=article.revisions[-1], start=start, end=end, quote=quote,
            outcome="created", method="created on this revision",
        ))
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


def _kind(value: str | ClaimantKind) -> ClaimantKind:
    try:
        return ClaimantKind(value)
    except ValueError:
        raise DomainError("Say whether the claimant is a person or an organisation.", field="claimant_kind") from None


def check_span(article: Article, start: int | None, end: int | None) -> tuple[int, int]:
    """The span without surrounding whitespace, or DomainError saying what is wrong with it."""
    body = article.body
    if start is None or not 0 <= start < len(body):
        raise DomainError(f"The start must be between 0 and {len(body) - 1}.", field="start")
    if end is None or end > len(body):
        raise DomainError(f"The end must be at most {len(body)}, the length of the text.", field="end")
    if end <= start:
        raise DomainError("The span is empty: the end must come after the start.", field="end")
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if not any(ch.isalnum() for ch in body[start:end]):
        raise DomainError("The span holds no words; select the text of the claim.", field="end")
    duplicate = db.session.scalar(
        select(Claim.id).where(Claim.article_id == article.id, Claim.start == start, Claim.end == end)
    )
    if duplicate is not None:
        raise DomainError(f"This exact span is already claim #{duplicate}.", field="start")
    return start, end


@stale_safe
def edit_claim(
    claim: Claim,
    *,
    by: User,
    wording: str,
    claimant: str | None,
    claimant_kind: str | ClaimantKind | None = None,
    expected_version: int | None = None,
) -> Claim:
    require(claim, by, "edit", expected_version)
    wording = (wording or "").strip()
    if not wording:
        raise DomainError(Claim.WORDING_REQUIRED, field="wording")
    values = {"wording": wording, "claimant": (claimant or "").strip() or None}
    if claimant_kind is not None:
        values["claimant_kind"] = _kind(claimant_kind)
    changes = diff(claim, values)
    if "claimant_kind" in changes:
        changes["claimant_kind"] = [kind.value for kind in changes["claimant_kind"]]
    if "wording" in changes:
        index_claim(claim)
    if changes:
        flush(claim)
        record(by, "edited", claim, changes=changes)
        db.session.flush()
    return claim


@stale_safe
def delete_claim(
    claim: Claim, *, by: User, note: str | None = None, expected_version: int | None = None
) -> None:
    require(claim, by, "delete", expected_version)
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
    flush(claim)
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


def require(claim: Claim, user: User, move: str, expected_version: int | None = None) -> None:
    """Refuse the move unless this person may make it, the form they used is current, and the
    claim's status allows it now (in that order, so a stale form says who changed the claim)."""
    actor, _statuses = MOVES[move]
    if not claim.is_actor(user, move):
        raise NotAllowed(f"Only {actor.value} may do this.")
    check_version(claim, expected_version)
    if not claim.allows(move):
        raise DomainError(
            f"Claim #{claim.id} is {claim.status.label.lower()}, so it cannot be {MOVE_NAMES[move]} now. "
            "Reload the page to see where it stands."
        )


def _move(claim: Claim, by: User, action: str, to: ClaimStatus, *, changes=None, note=None) -> None:
    """Change the status and write the one audit row for it, in the same flush."""
    from_status = claim.status
    claim.status = to
    flush(claim)
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
    require(claim, by, "assign", expected_version)
    if assignee.role != Role.REVIEWER or not assignee.active:
        raise DomainError(f"{assignee.name} is not an active reviewer.", field="assignee")
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
    require(claim, by, "start_research", expected_version)
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
    if submit:
        lock(claim)  # so the last evidence cannot be removed while the verdict goes in
    require(claim, by, "submit_verdict" if submit else "work", expected_version)
    rationale = (rationale or "").strip() or None
    if rating is not None and rating.retired and rating.id != claim.rating_id:
        raise DomainError(f"The rating “{rating.name}” has been retired; choose another.", field="rating")
    if rationale and len(rationale) > Claim.RATIONALE_MAX:
        raise DomainError(f"The rationale is limited to {Claim.RATIONALE_MAX:,} characters.", field="rationale")
    if submit:
        if rating is None:
            raise DomainError("Choose a rating before submitting.", field="rating")
        if rating.retired:
            raise DomainError(f"The rating “{rating.name}” has been retired; choose another.", field="rating")
        if not rationale:
            raise DomainError("Write the rationale: why this rating, in a few sentences.", field="rationale")
        if rating.needs_evidence and not _evidence_count(claim):
            raise DomainError(
                f"A verdict of “{rating.name}” needs at least one evidence link. Add the sources "
                "first, or rate it Unproven.",
                field="rating",
            )
    previous = claim.rating
    changes = diff(claim, {"rationale": rationale})
    if previous is not rating:
        changes["rating"] = [previous.name if previous else None, rating.name if rating else None]
        claim.rating = rating
    if submit:
        claim.submitted_at = utcnow()
        claim.return_note = None
        _move(claim, by, "submitted", ClaimStatus.IN_REVIEW, changes=changes or None)
    elif changes:
        flush(claim)
        record(by, "verdict_drafted", claim, changes=changes)
        db.session.flush()


def _evidence_count(claim: Claim) -> int:
    return db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.claim_id == claim.id))


@stale_safe
def approve(claim: Claim, *, by: User, note: str | None = None, expected_version: int | None = None) -> None:
    """Lock the verdict and publish it: everything readers see is fixed now, as it is now.
    Approving a corrected verdict replaces the published one and dates the correction; `note`
    is then the correction notice readers see, which the editor must write."""
    require(claim, by, "approve", expected_version)
    rating, corrections, evidence = claim.rating, list(claim.corrections), list(claim.evidence)  # load first
    note = (note or "").strip() or None
    pending = [c for c in corrections if c.published_at is None] if claim.first_published_at else []
    if pending and not note:
        raise DomainError(Correction.PUBLIC_NOTE_REQUIRED, field="note")
    if note and len(note) > Correction.NOTE_MAX:
        raise DomainError(f"The note is limited to {Correction.NOTE_MAX:,} characters.", field="note")
    now = utcnow()
    claim.approved_by = by
    claim.approved_at = now
    claim.published_rating = rating
    claim.published_rationale = claim.rationale
    claim.published_wording = claim.wording
    claim.published_sources = [
        {"evidence_id": e.id, "source": e.source, "url": e.url, "archive_url": e.archive_url, "summary": e.summary}
        for e in evidence
        if not e.withheld
    ]
    claim.published_snapshot = snapshot_of(claim, rating, scale())
    if claim.first_published_at is None:
        claim.first_published_at = now
    else:
        claim.corrected_at = now
        for correction in pending:
            correction.published_at = now
            correction.new_rating = rating.name if rating else None
            correction.public_note = note
    _move(claim, by, "approved", ClaimStatus.APPROVED, note=note)


@stale_safe
def issue_correction(claim: Claim, *, by: User, note: str, expected_version: int | None = None) -> Correction:
    """Reopen a published verdict to correct it. The published verdict stays up until the
    corrected one is approved; the reviewer sees the note as the editor's instructions."""
    require(claim, by, "correct", expected_version)
    note = (note or "").strip()
    if not note:
        raise DomainError(Correction.NOTE_REQUIRED, field="note")
    if len(note) > Correction.NOTE_MAX:
        raise DomainError(f"The note is limited to {Correction.NOTE_MAX:,} characters.", field="note")
    correction = Correction(
        claim=claim, note=note, issued_by=by, previous_rating=_published_rating_name(claim)
    )
    db.session.add(correction)
    claim.return_note = note
    claim.due_at = None  # the old deadline has passed; the editor sets a new one when reassigning
    claim.due_has_time = False
    _move(claim, by, "correction_issued", ClaimStatus.IN_RESEARCH, note=note)
    return correction


def _published_rating_name(claim: Claim) -> str | None:
    published = (claim.published_snapshot or {}).get("rating")
    if published:
        return published["name"]
    return claim.published_rating.name if claim.published_rating else None


@stale_safe
def return_for_work(claim: Claim, *, by: User, note: str, expected_version: int | None = None) -> None:
    require(claim, by, "return_for_work", expected_version)
    note = (note or "").strip()
    if not note:
        raise DomainError(Claim.RETURN_NOTE_REQUIRED, field="note")
    claim.return_note = note
    _move(claim, by, "returned", ClaimStatus.RETURNED, note=note)


@stale_safe
def drop(
    claim: Claim, *, by: User, reason: DropReason, note: str | None = None, expected_version: int | None = None
) -> None:
    require(claim, by, "drop", expected_version)
    claim.drop_reason = reason
    _move(claim, by, "dropped", ClaimStatus.DROPPED, changes={"reason": [None, reason.label]}, note=(note or "").strip() or None)


@stale_safe
def restore(claim: Claim, *, by: User, expected_version: int | None = None) -> None:
    """Back to unassigned: an editor assigns it afresh."""
    require(claim, by, "restore", expected_version)
    changes = {"reason": [claim.drop_reason.label if claim.drop_reason else None, None]}
    if claim.assignee_id:
        changes["assignee"] = [_name(claim.assignee), None]
    claim.drop_reason = None
    claim.assignee = None
    claim.due_at = None
    claim.due_has_time = False
    _move(claim, by, "restored", ClaimStatus.UNASSIGNED, changes=changes)




@stale_safe
def decide_text_change(
    claim: Claim, *, by: User, recheck: bool, note: str, expected_version: int | None = None
) -> None:
    """The words a claim was checked on changed in a new revision: the editor keeps the work
    (saying why) or sends the claim back to research, through the usual moves (a published
    verdict is reopened as a correction, one in review is returned)."""
    if not by.can_manage_articles:
        raise NotAllowed("Only editors and admins decide about changed text.")
    check_version(claim, expected_version)
    if not claim.text_changed:
        raise DomainError(f"Claim #{claim.id} has no changed text waiting for a decision. Reload the page.")
    note = (note or "").strip()
    if not note:
        raise DomainError(
            "Say why the work still holds, or what the reviewer should look at again.", field="note"
        )
    claim.text_changed = False
    if not recheck:
        flush(claim)
        record(by, "text_change_kept", claim, note=note)
        db.session.flush()
    elif claim.status == ClaimStatus.APPROVED:
        issue_correction(claim, by=by, note=note)
    elif claim.status == ClaimStatus.IN_REVIEW:
        return_for_work(claim, by=by, note=note)
    else:  # in research or returned: the reviewer reads the note in their queue
        claim.return_note = note
        flush(claim)
        record(by, "text_change_sent_back", claim, note=note)
        db.session.flush()
