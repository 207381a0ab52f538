"""What the staff views share: loading an object or answering 404, the claim page with its
forms, the choices forms offer, and the one error path that applies a change and commits it or
explains why not. View modules import this module and no other view module."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Callable

from flask import abort, flash, redirect, render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..clock import localize
from ..errors import DomainError, NotAllowed, StaleEdit
from ..extensions import db
from ..forms import (
    ActionForm,
    AssignForm,
    CommentForm,
    CorrectionForm,
    DropForm,
    EvidenceForm,
    NoteForm,
    ReturnForm,
    TextChangeForm,
    VerdictForm,
)
from ..models import MOVES, Article, ArticleRevision, AuditEvent, Claim, ClaimAnchor, ClaimStatus, Comment, Evidence, Role, User
from ..ratings import scale
from ..templating import action_text, reltime
from ..text import span_context

# Export is reading: desk leads and read-only staff (standards editors, analysts) may; reviewers
# work from their queue and the list.
MAY_EXPORT = {Role.ADMIN, Role.EDITOR, Role.VIEWER}


def load_article(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    return article


def load_claim(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        abort(404)
    return claim


# -- the one error path --------------------------------------------------------------------------


def commit_change(
    change: Callable[[], Any],
    *,
    form,
    page: Callable[[int], Any],
    done: str | Callable[[Any], str] | None,
    to: str | Callable[[Any], str],
    obj=None,
    stale_message: Callable[[], str] | None = None,
):
    """Apply one change and commit it, then say `done` and go `to` (either may be a function of
    what the change returned). When the change is refused, nothing of it is kept and `page(status)`
    answers with the form as typed:
    - 403 for a person who may not make it at all;
    - 422 with the message beside the field it concerns;
    - 409 when the change as a whole is no longer possible, or someone else saved `obj` first:
      `obj` is reloaded so the page shows it as it is now, and the form carries its new version."""
    try:
        result = change()
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        if obj is not None and obj in db.session:
            db.session.refresh(obj)
        if isinstance(error, StaleEdit):
            flash(stale_message() if stale_message else error.message, "error")
            if obj is not None and hasattr(form, "version"):
                form.version.data = obj.version
            return page(409)
        return page(422 if attach_error(form, error) else 409)
    db.session.commit()
    if done:
        flash(done(result) if callable(done) else done, "success")
    return redirect(to(result) if callable(to) else to)


def attach_error(form, error: DomainError) -> bool:
    """Put the message beside its field (True), or at the top of the page when it concerns no
    field of this form (False)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
        return True
    flash(error.message, "error")
    return False


def last_change(claim: Claim) -> str:
    """'Eda Editor approved it 2 min ago': what the other person did, for the 409 page."""
    event = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if event is None:
        return "Someone else changed this claim while you were working."
    if event.actor_id == current_user.id:
        who = "You (in another tab or window)"
    else:
        who = event.actor.name if event.actor else "Someone"
    return (
        f"{who} {action_text(event.action)} {reltime(event.at)}, after you opened this page. "
        "Here is the claim as it is now; what you typed is kept."
    )


# -- choices and counts ----------------------------------------------------------------------------


def reviewer_choices() -> list[tuple[int, str]]:
    """Active reviewers by name, each with the address they sign in with: two people may share
    a name (or a first letter), never an address."""
    reviewers = db.session.scalars(
        select(User).where(User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.name, User.email)
    )
    return [(u.id, f"{u.name} ({u.email})") for u in reviewers]


def rating_choices(claim: Claim) -> list[tuple[int, str]]:
    """Ratings in use, plus a retired one the claim already carries (it stays valid there)."""
    choices = [(0, "Choose a rating…")]
    for rating in scale():
        if not rating.retired or rating.id == claim.rating_id:
            choices.append((rating.id, rating.name + (" (retired)" if rating.retired else "")))
    return choices


def status_counts_by_article(article_ids: list[int]) -> dict[int, dict[ClaimStatus, int]]:
    counts: dict[int, dict[ClaimStatus, int]] = defaultdict(dict)
    if article_ids:
        rows = db.session.execute(
            select(Claim.article_id, Claim.status, func.count())
            .where(Claim.article_id.in_(article_ids))
            .group_by(Claim.article_id, Claim.status)
        )
        for article_id, status, count in rows:
            counts[article_id][status] = count
    return counts


# -- history -----------------------------------------------------------------------------------------

WITHHELD_LABEL = "withheld source"  # how the verbs name a withheld source in the history


def rows_naming_withheld_sources(events: list[AuditEvent], user: User) -> set[int]:
    """The history rows this person must not read in full: those about a source that is withheld
    now (or was when it was removed), including rows written while it was still open. History
    stays append-only; what a row shows follows the source's visibility today. Rows from before
    rows named their evidence are matched by the withheld sources' addresses and names."""
    if Evidence.may_see_withheld(user):
        return set()
    about = [e for e in events if e.entity == "claim" and e.action.startswith("evidence_")]
    if not about:
        return set()
    withheld: dict[int, bool] = {}
    secrets: dict[int, list[str]] = defaultdict(list)
    for evidence_id, claim_id, is_withheld, url, source in db.session.execute(
        select(Evidence.id, Evidence.claim_id, Evidence.withheld, Evidence.url, Evidence.source)
        .where(Evidence.claim_id.in_({e.entity_id for e in about}))
    ):
        withheld[evidence_id] = is_withheld
        if is_withheld:
            secrets[claim_id] += [s for s in (url, source) if s]
    gone = {e.evidence_id for e in about if e.evidence_id is not None and e.evidence_id not in withheld}
    if gone:  # removed evidence: as it was when removed
        for evidence_id, changes in db.session.execute(
            select(AuditEvent.evidence_id, AuditEvent.changes)
            .where(AuditEvent.evidence_id.in_(gone), AuditEvent.action == "evidence_removed")
        ):
            label = ((changes or {}).get("evidence") or [""])[0] or ""
            withheld[evidence_id] = label.startswith(WITHHELD_LABEL)
    hidden = set()
    for event in about:
        text = json.dumps(event.changes or {}, ensure_ascii=False) + (event.note or "")
        if withheld.get(event.evidence_id, False) or any(secret in text for secret in secrets[event.entity_id]):
            hidden.add(event.id)
    return hidden


# -- the claim page --------------------------------------------------------------------------------


def _typed(form) -> list[tuple[str, str]]:
    """The text a person typed into a form, label by label (for showing after a conflict)."""
    if form is None:
        return []
    return [
        (field.label.text, field.data)
        for field in form
        if field.type in ("TextAreaField", "StringField") and isinstance(field.data, str) and field.data.strip()
    ]


def blank_forms(claim: Claim) -> dict:
    """Every action form of the claim page, filled from the claim as it is now."""
    due_date = due_time = None
    if claim.due_at:
        local = localize(claim.due_at)
        due_date, due_time = local.date(), (local.time().replace(second=0) if claim.due_has_time else None)
    return {
        "assign_form": AssignForm(
            formdata=None, version=claim.version, assignee=claim.assignee_id, due_date=due_date, due_time=due_time
        ),
        "verdict_form": VerdictForm(
            formdata=None, version=claim.version, rating=claim.rating_id or 0, rationale=claim.rationale
        ),
        "evidence_form": EvidenceForm(formdata=None, stance="supports"),
        "approve_form": NoteForm(formdata=None, version=claim.version),  # a correction's public notice starts empty
        "return_form": ReturnForm(formdata=None, version=claim.version),
        "drop_form": DropForm(formdata=None, version=claim.version),
        "action_form": ActionForm(formdata=None, version=claim.version),
        "comment_form": CommentForm(formdata=None),
        "correction_form": CorrectionForm(formdata=None, version=claim.version),
        "text_change_form": TextChangeForm(formdata=None, version=claim.version),
    }


def _anchors(claim: Claim) -> list:
    """Where the claim stood in each revision of its article, newest first."""
    return db.session.execute(
        select(ClaimAnchor, ArticleRevision.number)
        .join(ArticleRevision, ClaimAnchor.revision_id == ArticleRevision.id)
        .where(ClaimAnchor.claim_id == claim.id)
        .order_by(ArticleRevision.number.desc())
    ).all()


def claim_history(claim: Claim) -> list[AuditEvent]:
    """The claim's history rows, oldest first, with who made each (the page and the API show them)."""
    return list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim.id)
        .order_by(AuditEvent.id)
        .options(selectinload(AuditEvent.actor))
    ))


def claim_comments(claim: Claim) -> list[Comment]:
    return list(db.session.scalars(
        select(Comment).where(Comment.claim_id == claim.id).order_by(Comment.id).options(selectinload(Comment.author))
    ))


def render_claim_page(claim: Claim, status: int = 200, unsaved=None, **submitted):
    """The claim page; a form that failed is passed in so it shows its errors and what was typed.
    `unsaved` is a form whose move is no longer possible: its typed text is shown for copying."""
    forms = blank_forms(claim)
    forms.update(submitted)
    forms["assign_form"].assignee.choices = [(0, "Choose a reviewer…")] + reviewer_choices()
    forms["verdict_form"].rating.choices = rating_choices(claim)
    history, comments = claim_history(claim), claim_comments(claim)
    timeline = sorted([*history, *comments], key=lambda item: (item.created_at if isinstance(item, Comment) else item.at))
    user = current_user._get_current_object()
    may = {move: claim.can(user, move) for move in MOVES}
    return (
        render_template(
            "claims/show.html",
            claim=claim,
            article=claim.article,
            context=span_context(claim.article.body, claim.start, claim.end) if claim.start is not None else None,
            anchors=_anchors(claim),
            timeline=timeline,
            evidence=[e for e in claim.evidence if e.is_visible_to(user)],
            redacted=rows_naming_withheld_sources(history, user),
            ratings={r.id: r for r in scale()},
            may=may,
            unsaved=_typed(unsaved),
            can_edit=may["edit"],
            can_delete=may["delete"],
            **forms,
        ),
        status,
    )
