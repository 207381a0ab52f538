"""Claims: creating one from a span of an article, reading it with its history, editing, deleting."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import workflow
from ..errors import DomainError
from ..extensions import db
from ..forms import ClaimEditForm, ClaimForm, ConfirmForm
from ..matching import similar_claims
from ..models import Article, Claim, DropReason
from ..text import span_context
from .helpers import attach_error, commit_change, load_article, load_claim, render_claim_page

bp = Blueprint("claims", __name__)



@bp.route("/articles/<id:article_id>/claims/new", methods=["GET", "POST"])
def new(article_id: int):
    article = load_article(article_id)
    if not article.can_edit(current_user):
        abort(403)
    form = ClaimForm()
    if request.method == "POST":
        if not form.validate():
            return _new_page(article, form, 422)
        return commit_change(
            lambda: _create(article, form),
            form=form,
            page=lambda status: _new_page(article, form, status),
            done=lambda made: (
                f"Claim #{made[0].id} recorded as a duplicate of #{made[1].id} and dropped."
                if made[1] else f"Claim #{made[0].id} created."
            ),
            to=lambda made: url_for("articles.show", article_id=article.id, _anchor=f"claim-{made[0].id}"),
        )
    # The article page links here with the selected span or the ticked sentences.
    picked = request.args.getlist("sentence", type=int)
    if picked or "start" not in request.args:
        span = _span_of_sentences(article, picked)
        if span is None:  # back to the picker, with the ticks as they were
            return redirect(url_for("articles.show", article_id=article.id, picked=picked or None, _anchor="sentence-picker"))
        form.start.data, form.end.data = span
    else:
        form.start.data = request.args.get("start", type=int)
        form.end.data = request.args.get("end", type=int)
    try:
        form.start.data, form.end.data = workflow.check_span(article, form.start.data, form.end.data)
    except DomainError as error:
        attach_error(form, error)
    return _new_page(article, form, 200)


def _create(article: Article, form) -> tuple[Claim, Claim | None]:
    """The new claim, and the earlier claim it repeats when the editor marked it a duplicate
    (then it is dropped as one, in the same transaction)."""
    claim = workflow.create_claim(
        article, by=current_user, start=form.start.data, end=form.end.data,
        wording=form.wording.data, claimant=form.claimant.data, claimant_kind=form.claimant_kind.data,
    )
    original = _duplicate_target(form, article)
    if original is not None:
        workflow.drop(claim, by=current_user, reason=DropReason.DUPLICATE, note=f"Duplicate of claim #{original.id}.")
    return claim, original


def _new_page(article: Article, form, status: int):
    preview = None
    if isinstance(form.start.data, int) and isinstance(form.end.data, int):
        if 0 <= form.start.data < form.end.data <= len(article.body):
            preview = span_context(article.body, form.start.data, form.end.data)
    if request.method == "GET" and preview and not form.errors and not form.wording.data:
        form.wording.data = " ".join(preview[1].split())
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
        raise DomainError(Claim.DUPLICATE_NOT_FOUND, field="duplicate_of")
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


@bp.get("/claims/<id:claim_id>")
def show(claim_id: int):
    claim = load_claim(claim_id)
    return render_claim_page(claim)


@bp.route("/claims/<id:claim_id>/edit", methods=["GET", "POST"])
def edit(claim_id: int):
    claim = load_claim(claim_id)
    if not claim.can_edit(current_user):
        abort(403)
    # On POST only what was sent counts: a field missing from the request must not be filled in
    # from the database (a missing version would otherwise pass as current).
    form = ClaimEditForm(obj=claim if request.method == "GET" else None)

    def page(status: int):
        stale = claim if status == 409 else None
        return render_template("claims/edit.html", form=form, claim=claim, stale=stale), status

    if request.method == "GET":
        form.version.data = claim.version
        return page(200)
    if not form.validate():
        return page(422)
    return commit_change(
        lambda: workflow.edit_claim(
            claim, by=current_user, wording=form.wording.data, claimant=form.claimant.data,
            claimant_kind=form.claimant_kind.data, expected_version=form.expected_version,
        ),
        form=form, obj=claim, page=page, done="Claim saved.", to=url_for("claims.show", claim_id=claim.id),
    )


@bp.route("/claims/<id:claim_id>/delete", methods=["GET", "POST"])
def delete(claim_id: int):
    claim = load_claim(claim_id)
    if not claim.can_delete(current_user):
        abort(403)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = claim.version
    elif form.validate_on_submit():
        article_url = url_for("articles.show", article_id=claim.article_id)
        return commit_change(
            lambda: workflow.delete_claim(claim, by=current_user, expected_version=form.expected_version),
            form=form,
            obj=claim,
            page=lambda status: redirect(article_url),
            stale_message=lambda: "Someone changed this claim while you were confirming; it was not deleted. Look again.",
            done=f"Claim #{claim_id} deleted. The deletion is recorded in the article's history.",
            to=article_url,
        )
    return render_template("claims/delete.html", form=form, claim=claim), 422 if form.errors else 200
