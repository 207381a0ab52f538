"""Claims: creating one from a span of an article, reading it with its history, editing, deleting."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..forms import (
    ActionForm,
    AssignForm,
    ClaimEditForm,
    ClaimForm,
    CommentForm,
    ConfirmForm,
    CorrectionForm,
    DropForm,
    EvidenceForm,
    NoteForm,
    ReturnForm,
    VerdictForm,
)
from ..models import MOVES, Article, AuditEvent, Claim, Comment, DropReason, Role, User
from ..ratings import scale
from ..templating import localize
from .. import workflow
from ..matching import similar_claims
from ..workflow import StaleEdit, WorkflowError, check_span, create_claim, delete_claim, edit_claim
from .articles import attach_error, load_article

bp = Blueprint("claims", __name__)

CONTEXT_CHARS = 280


def load_claim(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        abort(404)
    return claim


def span_context(article: Article, start: int, end: int) -> tuple[str, str, str]:
    """The span with the rest of its paragraph around it (cut at a word when the paragraph is
    long), for showing a claim in place."""
    body = article.body
    start, end = max(0, min(start, len(body))), max(0, min(end, len(body)))
    before_from = body.rfind("\n", 0, start) + 1
    if start - before_from > CONTEXT_CHARS:
        before_from = body.find(" ", start - CONTEXT_CHARS, start) + 1 or start - CONTEXT_CHARS
    after_to = body.find("\n", end)
    after_to = len(body) if after_to < 0 else after_to
    if after_to - end > CONTEXT_CHARS:
        after_to = body.rfind(" ", end, end + CONTEXT_CHARS)
        after_to = end + CONTEXT_CHARS if after_to < 0 else after_to
    before = ("…" if before_from > 0 and body[before_from - 1] != "\n" else "") + body[before_from:start]
    after = body[end:after_to] + ("…" if after_to < len(body) and body[after_to] != "\n" else "")
    return before, body[start:end], after


@bp.route("/articles/<int:article_id>/claims/new", methods=["GET", "POST"])
def new(article_id: int):
    article = load_article(article_id)
    if not article.can_edit(current_user):
        abort(403)
    form = ClaimForm()
    if request.method == "GET":  # the article page links here with the selected span or sentences
        picked = request.args.getlist("sentence", type=int)
        if picked or "start" not in request.args:
            span = _span_of_sentences(article, picked)
            if span is None:  # back to the picker, with the ticks as they were
                return redirect(
                    url_for("articles.show", article_id=article.id, picked=picked or None, _anchor="sentence-picker")
                )
            form.start.data, form.end.data = span
        else:
            form.start.data = request.args.get("start", type=int)
            form.end.data = request.args.get("end", type=int)
        try:
            form.start.data, form.end.data = check_span(article, form.start.data, form.end.data)
        except WorkflowError as error:
            attach_error(form, error)
    elif form.validate():
        try:
            claim = create_claim(
                article,
                by=current_user,
                start=form.start.data,
                end=form.end.data,
                wording=form.wording.data,
                claimant=form.claimant.data,
            )
            original = _duplicate_target(form, article)
            if original is not None:
                workflow.drop(claim, by=current_user, reason=DropReason.DUPLICATE, note=f"Duplicate of claim #{original.id}.")
        except WorkflowError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            if original is not None:
                flash(f"Claim #{claim.id} recorded as a duplicate of #{original.id} and dropped.", "success")
            else:
                flash(f"Claim #{claim.id} created.", "success")
            return redirect(url_for("articles.show", article_id=article.id, _anchor=f"claim-{claim.id}"))
    preview = None
    if isinstance(form.start.data, int) and isinstance(form.end.data, int):
        if 0 <= form.start.data < form.end.data <= len(article.body):
            preview = span_context(article, form.start.data, form.end.data)
    if request.method == "GET" and preview and not form.errors and not form.wording.data:
        form.wording.data = " ".join(preview[1].split())
    status = 422 if request.method == "POST" else 200
    form.span_open = bool(form.start.errors or form.end.errors)
    text = form.wording.data or (preview[1] if preview else "")
    matches = similar_claims(text, exclude_article=article.id) if text else []
    return render_template("claims/new.html", form=form, article=article, preview=preview, matches=matches), status


def _duplicate_target(form, article: Article) -> Claim | None:
    """The earlier claim the editor marked this one as repeating, if any (from another article)."""
    if not form.duplicate_of.data:
        return None
    original = db.session.get(Claim, form.duplicate_of.data)
    if original is None or original.article_id == article.id:
        raise WorkflowError("That earlier claim could not be found; choose one of those listed.", field="duplicate_of")
    return original


def _span_of_sentences(article: Article, positions: list[int]) -> tuple[int, int] | None:
    """The span from the first to the last ticked sentence, which must be adjacent."""
    by_position = {s.position: s for s in article.sentences}
    picked = sorted(set(positions))
    if not picked:
        flash("Tick at least one sentence to create a claim from.", "warning")
        return None
    if any(p not in by_position for p in picked):
        flash("That sentence is not in this article any more; reload the page.", "error")
        return None
    if picked != list(range(picked[0], picked[-1] + 1)):
        flash("Tick sentences that follow each other; one claim covers one continuous passage.", "warning")
        return None
    return by_position[picked[0]].start, by_position[picked[-1]].end


@bp.get("/claims/<int:claim_id>")
def show(claim_id: int):
    claim = load_claim(claim_id)
    return render_claim_page(claim)


def _typed(form) -> list[tuple[str, str]]:
    """The text a person typed into a form, label by label (for showing after a conflict)."""
    if form is None:
        return []
    return [
        (field.label.text, field.data)
        for field in form
        if field.type in ("TextAreaField", "StringField") and isinstance(field.data, str) and field.data.strip()
    ]


def reviewer_choices() -> list[tuple[int, str]]:
    reviewers = db.session.scalars(
        select(User).where(User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.name)
    )
    return [(u.id, u.name) for u in reviewers]


def rating_choices(claim: Claim) -> list[tuple[int, str]]:
    """Ratings in use, plus a retired one the claim already carries (it stays valid there)."""
    choices = [(0, "Choose a rating…")]
    for rating in scale():
        if not rating.retired or rating.id == claim.rating_id:
            choices.append((rating.id, rating.name + (" (retired)" if rating.retired else "")))
    return choices


def _pending_correction_note(claim: Claim) -> str | None:
    pending = [c for c in claim.corrections if c.published_at is None] if claim.is_published else []
    return pending[-1].note if pending else None


def blank_forms(claim: Claim) -> dict:
    """Every action form of the claim page, filled from the claim as it is now."""
    due_date = due_time = None
    if claim.due_at:
        local = localize(claim.due_at)
        due_date, due_time = local.date(), (local.time().replace(second=0) if claim.due_has_time else None)
    forms = {
        "assign_form": AssignForm(
            formdata=None, version=claim.version, assignee=claim.assignee_id, due_date=due_date, due_time=due_time
        ),
        "verdict_form": VerdictForm(
            formdata=None, version=claim.version, rating=claim.rating_id or 0, rationale=claim.rationale
        ),
        "evidence_form": EvidenceForm(formdata=None, stance="supports"),
        "approve_form": NoteForm(formdata=None, version=claim.version, note=_pending_correction_note(claim)),
        "return_form": ReturnForm(formdata=None, version=claim.version),
        "drop_form": DropForm(formdata=None, version=claim.version),
        "action_form": ActionForm(formdata=None, version=claim.version),
        "comment_form": CommentForm(formdata=None),
        "correction_form": CorrectionForm(formdata=None, version=claim.version),
    }
    return forms


def render_claim_page(claim: Claim, status: int = 200, unsaved=None, **submitted):
    """The claim page; a form that failed is passed in so it shows its errors and what was typed.
    `unsaved` is a form whose move is no longer possible: its typed text is shown for copying."""
    forms = blank_forms(claim)
    forms.update(submitted)
    forms["assign_form"].assignee.choices = [(0, "Choose a reviewer…")] + reviewer_choices()
    forms["verdict_form"].rating.choices = rating_choices(claim)
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim.id)
        .order_by(AuditEvent.id)
        .options(selectinload(AuditEvent.actor))
    ).all()
    comments = db.session.scalars(
        select(Comment).where(Comment.claim_id == claim.id).order_by(Comment.id).options(selectinload(Comment.author))
    ).all()
    timeline = sorted([*history, *comments], key=lambda item: (item.created_at if isinstance(item, Comment) else item.at))
    user = current_user._get_current_object()
    may = {move: claim.can(user, move) for move in MOVES}
    return (
        render_template(
            "claims/show.html",
            claim=claim,
            article=claim.article,
            context=span_context(claim.article, claim.start, claim.end),
            timeline=timeline,
            evidence=[e for e in claim.evidence if e.is_visible_to(user)],
            ratings={r.id: r for r in scale()},
            may=may,
            unsaved=_typed(unsaved),
            can_edit=may["edit"],
            can_delete=may["delete"],
            **forms,
        ),
        status,
    )


@bp.route("/claims/<int:claim_id>/edit", methods=["GET", "POST"])
def edit(claim_id: int):
    claim = load_claim(claim_id)
    if not claim.can_edit(current_user):
        abort(403)
    # On POST only what was sent counts: a field missing from the request must not be filled in
    # from the database (a missing version would otherwise pass as current).
    form = ClaimEditForm(obj=claim if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = claim.version
    elif form.validate():
        try:
            edit_claim(
                claim,
                by=current_user,
                wording=form.wording.data,
                claimant=form.claimant.data,
                expected_version=form.expected_version,
            )
        except StaleEdit as error:
            db.session.rollback()
            db.session.refresh(claim)
            flash(error.message, "error")
            form.version.data = claim.version
            return render_template("claims/edit.html", form=form, claim=claim, stale=claim), 409
        except WorkflowError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            flash("Claim saved.", "success")
            return redirect(url_for("claims.show", claim_id=claim.id))
    return render_template("claims/edit.html", form=form, claim=claim), 422 if form.errors else 200


@bp.route("/claims/<int:claim_id>/delete", methods=["GET", "POST"])
def delete(claim_id: int):
    claim = load_claim(claim_id)
    if not claim.can_delete(current_user):
        abort(403)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = claim.version
    elif form.validate_on_submit():
        article_id = claim.article_id
        try:
            delete_claim(claim, by=current_user, expected_version=form.expected_version)
        except StaleEdit:
            db.session.rollback()
            flash("Someone changed this claim while you were confirming; it was not deleted. Look again.", "error")
            return redirect(url_for("articles.show", article_id=article_id))
        db.session.commit()
        flash(f"Claim #{claim_id} deleted. The deletion is recorded in the article's history.", "success")
        return redirect(url_for("articles.show", article_id=article_id))
    return render_template("claims/delete.html", form=form, claim=claim), 422 if form.errors else 200
