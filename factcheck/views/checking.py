"""The checking workflow on a claim's page: assign, research, verdict, review, drop, comment,
and the same moves for several claims at once."""

from typing import Callable
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import workflow
from ..clock import localize
from ..errors import DomainError
from ..extensions import db
from ..filters import db_ids
from ..forms import (
    AssignForm,
    BulkForm,
    CommentForm,
    CorrectionForm,
    DropForm,
    NoteForm,
    ReturnForm,
    TextChangeForm,
    VerdictForm,
)
from ..models import Claim, ClaimStatus, DropReason, Rating, User
from ..ratings import scale
from ..security import is_safe_next
from .helpers import commit_change, last_change, load_claim, render_claim_page, reviewer_choices

bp = Blueprint("checking", __name__)


def _authorize(claim: Claim, move: str) -> None:
    if not claim.is_actor(current_user, move):
        abort(403)


def attempt(claim: Claim, form_name: str, form, change: Callable[[], object], done: str, anchor: str | None = None):
    """Run one workflow move and commit it, or show the claim page with why it did not happen:
    the submitted form keeps what was typed, and a move no longer possible shows it for copying."""

    def page(status: int):
        return render_claim_page(claim, status, unsaved=form if status == 409 else None, **{form_name: form})

    return commit_change(
        change, form=form, obj=claim, page=page, stale_message=lambda: last_change(claim), done=done,
        to=url_for("claims.show", claim_id=claim.id, _anchor=anchor),
    )


# Where each of the claim page's forms sits on it, by the address the form posts to.
FORM_ANCHORS = {
    "assign": "assign", "start": None, "verdict": "verdict", "approve": "verdict", "return": "verdict",
    "drop": "more", "restore": None, "correct": "published", "comments": "timeline-end",
}


@bp.get("/claims/<id:claim_id>/<any(assign, start, verdict, approve, return, drop, restore, correct, comments):form>")
def form_address(claim_id: int, form: str):
    """A refused form's page is shown at the address it posted to; reloading it from the address
    bar, or coming back to it later, asks for that address again. Nothing is sent then, so the
    answer is the claim page as it is now, at that form."""
    return redirect(url_for("claims.show", claim_id=claim_id, _anchor=FORM_ANCHORS[form]), 303)


@bp.post("/claims/<id:claim_id>/assign")
def assign(claim_id: int):
    claim = load_claim(claim_id)
    _authorize(claim, "assign")
    form = AssignForm()
    form.assignee.choices = [(0, "Choose a reviewer…")] + reviewer_choices()
    if claim.due_at:
        form.unchanged_due = localize(claim.due_at).date()
    if not form.validate():
        return render_claim_page(claim, 422, assign_form=form)
    reviewer = db.session.get(User, form.assignee.data)
    due_at, has_time = form.due()
    return attempt(
        claim,
        "assign_form",
        form,
        lambda: workflow.assign(
            claim, by=current_user, assignee=reviewer, due_at=due_at, due_has_time=has_time,
            expected_version=form.expected_version,
        ),
        f"Assigned to {reviewer.name}.",
    )


@bp.post("/claims/<id:claim_id>/start")
def start_research(claim_id: int):
    claim = load_claim(claim_id)
    _authorize(claim, "start_research")
    form = NoteForm()
    return attempt(
        claim, "action_form", form,
        lambda: workflow.start_research(claim, by=current_user, expected_version=form.expected_version),
        "Research resumed. The editor's note stays on the page until you resubmit."
        if claim.status == ClaimStatus.RETURNED
        else "Research started. Add evidence, then write the verdict.",
    )


@bp.post("/claims/<id:claim_id>/verdict")
def verdict(claim_id: int):
    claim = load_claim(claim_id)
    submit = request.form.get("submit_verdict") is not None
    _authorize(claim, "submit_verdict" if submit else "work")
    form = VerdictForm()
    # Every rating is a valid choice here, so a rating retired since the page was opened gets
    # the workflow's own message ("retired; choose another") instead of "not a valid choice".
    form.rating.choices = [(0, "")] + [(r.id, r.name) for r in scale()]
    if not form.validate():
        return render_claim_page(claim, 422, verdict_form=form)
    rating = db.session.get(Rating, form.rating.data) if form.rating.data else None
    return attempt(
        claim, "verdict_form", form,
        lambda: workflow.save_verdict(
            claim, by=current_user, rating=rating, rationale=form.rationale.data, submit=submit,
            expected_version=form.expected_version,
        ),
        "Verdict submitted for review." if submit else "Draft saved.",
    )


@bp.post("/claims/<id:claim_id>/approve")
def approve(claim_id: int):
    claim = load_claim(claim_id)
    _authorize(claim, "approve")
    form = NoteForm()
    if not form.validate():
        return render_claim_page(claim, 422, approve_form=form)
    return attempt(
        claim, "approve_form", form,
        lambda: workflow.approve(claim, by=current_user, note=form.note.data, expected_version=form.expected_version),
        "Verdict approved.",
    )


@bp.post("/claims/<id:claim_id>/return")
def return_for_work(claim_id: int):
    claim = load_claim(claim_id)
    _authorize(claim, "return_for_work")
    form = ReturnForm()
    if not form.validate():
        return render_claim_page(claim, 422, return_form=form)
    return attempt(
        claim, "return_form", form,
        lambda: workflow.return_for_work(claim, by=current_user, note=form.note.data, expected_version=form.expected_version),
        "Returned to the reviewer with your note.",
    )


@bp.post("/claims/<id:claim_id>/drop")
def drop(claim_id: int):
    claim = load_claim(claim_id)
    _authorize(claim, "drop")
    form = DropForm()
    if not form.validate():
        return render_claim_page(claim, 422, drop_form=form)
    return attempt(
        claim, "drop_form", form,
        lambda: workflow.drop(
            claim, by=current_user, reason=DropReason(form.reason.data), note=form.note.data,
            expected_version=form.expected_version,
        ),
        "Claim dropped.",
    )


@bp.post("/claims/<id:claim_id>/correct")
def correct(claim_id: int):
    claim = load_claim(claim_id)
    _authorize(claim, "correct")
    form = CorrectionForm()
    if not form.validate():
        return render_claim_page(claim, 422, correction_form=form)
    return attempt(
        claim, "correction_form", form,
        lambda: workflow.issue_correction(claim, by=current_user, note=form.note.data, expected_version=form.expected_version),
        "Correction opened. The published verdict stays up until the corrected one is approved.",
    )


@bp.post("/claims/<id:claim_id>/text-change")
def text_change(claim_id: int):
    claim = load_claim(claim_id)
    if not current_user.can_manage_articles:
        abort(403)
    form = TextChangeForm()
    if not form.validate():
        return render_claim_page(claim, 422, text_change_form=form)
    recheck = form.decision.data == "recheck"
    return attempt(
        claim, "text_change_form", form,
        lambda: workflow.decide_text_change(
            claim, by=current_user, recheck=recheck, note=form.note.data, expected_version=form.expected_version
        ),
        "Sent back to research with your note." if recheck else "The work stands; your note is in the history.",
    )


@bp.post("/claims/<id:claim_id>/restore")
def restore(claim_id: int):
    claim = load_claim(claim_id)
    _authorize(claim, "restore")
    form = NoteForm()
    return attempt(
        claim, "action_form", form,
        lambda: workflow.restore(claim, by=current_user, expected_version=form.expected_version),
        "Claim restored; it is unassigned again.",
    )


@bp.post("/claims/<id:claim_id>/comments")
def comment(claim_id: int):
    claim = load_claim(claim_id)
    _authorize(claim, "comment")
    form = CommentForm()
    if not form.validate():
        return render_claim_page(claim, 422, comment_form=form)
    return attempt(
        claim, "comment_form", form, lambda: workflow.add_comment(claim, by=current_user, body=form.body.data),
        done=None, anchor="timeline-end",
    )


def _as_left(url: str, ids: list[int]) -> str:
    """The same page with these claims still ticked and the bulk bar's choices as they were."""
    params = {f"bulk_{name}": request.form.get(name, "") for name in BulkForm.CARRIED if request.form.get(name)}
    if ids:
        params["selected"] = ",".join(map(str, ids))
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


@bp.post("/claims/bulk")
def bulk():
    """Assign or drop the ticked claims, all or none."""
    if not current_user.can_manage_articles:
        abort(403)
    back = request.form.get("next") if is_safe_next(request.form.get("next")) else url_for("queues.claims")
    ids = sorted(db_ids(request.form.getlist("claim")))
    refused = _as_left(back, ids)  # where to go when nothing changed: ticks and choices kept
    form = BulkForm()
    form.assignee.choices = [(0, "")] + reviewer_choices()
    if not ids:
        flash("Tick at least one claim first.", "warning")
        return redirect(refused)
    if not form.validate():
        problems = " ".join(error for errors in form.errors.values() for error in errors)
        flash(f"Nothing was changed. {problems}", "error")
        return redirect(refused)
    claims = db.session.scalars(select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id)).all()
    failures = []
    for claim in claims:
        try:
            if form.action.data == "assign":
                due_at, has_time = form.due()
                workflow.assign(
                    claim, by=current_user, assignee=db.session.get(User, form.assignee.data),
                    due_at=due_at, due_has_time=has_time,
                )
            else:
                workflow.drop(claim, by=current_user, reason=DropReason(form.reason.data or DropReason.OUT_OF_SCOPE))
        except DomainError as error:
            failures.append(error.message.replace(" Reload the page to see where it stands.", ""))
    if failures:
        db.session.rollback()
        flash("Nothing was changed, because: " + " ".join(failures) + " Untick those claims and apply again.", "error")
        return redirect(refused)
    db.session.commit()
    verb = "assigned" if form.action.data == "assign" else "dropped"
    flash(f"{len(claims)} claim{'s' if len(claims) != 1 else ''} {verb}.", "success")
    return redirect(back)
