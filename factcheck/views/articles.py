"""Articles: listing, creating from pasted text or an upload, reading with highlights, editing."""

from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..filters import db_id, db_ids
from ..forms import ArticleForm, ConfirmForm
from ..models import Article, AuditEvent, Claim, ClaimStatus
from ..text import highlight_segments, render_body
from ..workflow import StaleEdit, WorkflowError, create_article, edit_article, unlock_article

bp = Blueprint("articles", __name__, url_prefix="/articles")

PAGE_SIZE = 50
HISTORY_SHOWN = 100


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


def load_article(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    return article


def _require_editor(article: Article | None = None) -> None:
    allowed = article.can_edit(current_user) if article else current_user.can_manage_articles
    if not allowed:
        abort(403)


@bp.get("/")
def index():
    before = request.args.get("before", type=db_id)
    query = select(Article).order_by(Article.id.desc()).limit(PAGE_SIZE + 1)
    if before:
        query = query.where(Article.id < before)
    articles = db.session.scalars(query).all()
    more = len(articles) > PAGE_SIZE
    articles = articles[:PAGE_SIZE]
    return render_template(
        "articles/index.html",
        articles=articles,
        by_article=status_counts_by_article([a.id for a in articles]),
        next_before=articles[-1].id if more else None,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    _require_editor()
    form = ArticleForm()
    if form.is_submitted():
        form.read_upload()
        if form.validate():
            try:
                article = create_article(
                    by=current_user,
                    body=form.body.data,
                    title=form.title.data.strip(),
                    outlet=form.outlet.data.strip(),
                    url=form.url.data,
                    published_on=form.published_on.data,
                )
            except WorkflowError as error:
                attach_error(form, error)
            else:
                db.session.commit()
                flash(
                    f"Article saved and split into {len(article.sentences)} sentences. "
                    "Select text or tick sentences to create claims.",
                    "success",
                )
                return redirect(url_for("articles.show", article_id=article.id))
    return render_template("articles/form.html", form=form, article=None), 422 if form.errors else 200


@bp.get("/<int:article_id>")
def show(article_id: int):
    article = db.session.scalar(
        select(Article)
        .where(Article.id == article_id)
        .options(
            selectinload(Article.sentences),
            selectinload(Article.claims).selectinload(Claim.rating),
            selectinload(Article.created_by),
        )
    )
    if article is None:
        abort(404)
    claims = article.claims
    segments = highlight_segments(article.body, article.sentences, claims)
    show_suggestions, threshold = _suggestion_settings()
    spans = [(c.start, c.end) for c in claims]
    suggestions = [  # sentences worth checking that no claim touches yet
        s for s in article.sentences
        if show_suggestions and s.score is not None and s.score >= threshold
        and not any(start < s.end and s.start < end for start, end in spans)
    ]
    body_html = render_body(
        segments,
        claim_url=lambda c: url_for("claims.show", claim_id=c.id),
        claim_label=lambda c: f"Claim #{c.id} · {c.status.label}",
        suggested={s.position: s.score for s in suggestions},
    )
    counts = defaultdict(int)
    for claim in claims:
        counts[claim.status] += 1
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.article_id == article.id)
        .order_by(AuditEvent.id.desc())
        .limit(HISTORY_SHOWN + 1)
        .options(selectinload(AuditEvent.actor))
    ).all()
    return render_template(
        "articles/show.html",
        history=history[:HISTORY_SHOWN],
        history_more=len(history) > HISTORY_SHOWN,
        article=article,
        claims=claims,
        picked=set(request.args.getlist("picked", type=int)),
        selected=db_ids(request.args.get("selected", "").split(",")),
        bulk_form=_bulk_form(),
        body_html=body_html,
        suggestions=sorted(suggestions, key=lambda s: -s.score),
        show_suggestions=show_suggestions,
        threshold=threshold,
        counts=counts,
        can_edit=article.can_edit(current_user),
    )


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
def edit(article_id: int):
    article = load_article(article_id)
    _require_editor(article)
    form = ArticleForm(obj=article if request.method == "GET" else None)  # see claims.edit
    if request.method == "GET":
        form.version.data = article.version
    else:
        if article.is_body_locked:
            form.body.data = article.body  # the locked text is not in the form
        else:
            form.read_upload()
        if form.validate():
            try:
                edit_article(
                    article,
                    by=current_user,
                    body=form.body.data,
                    expected_version=form.expected_version,
                    title=form.title.data.strip(),
                    outlet=form.outlet.data.strip(),
                    url=form.url.data,
                    published_on=form.published_on.data,
                )
            except StaleEdit as error:
                db.session.rollback()
                db.session.refresh(article)
                flash(error.message, "error")
                form.version.data = article.version
                return render_template("articles/form.html", form=form, article=article, stale=article), 409
            except WorkflowError as error:
                attach_error(form, error)
            else:
                db.session.commit()
                flash("Article saved.", "success")
                return redirect(url_for("articles.show", article_id=article.id))
    return render_template("articles/form.html", form=form, article=article), 422 if form.errors else 200


@bp.route("/<int:article_id>/unlock", methods=["GET", "POST"])
def unlock(article_id: int):
    article = load_article(article_id)
    _require_editor(article)
    if not article.is_body_locked:
        flash("The text has no claims, so it is not locked: edit it here.", "info")
        return redirect(url_for("articles.edit", article_id=article.id))
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = article.version
    elif form.validate_on_submit():
        try:
            removed = unlock_article(article, by=current_user, expected_version=form.expected_version)
        except StaleEdit:
            db.session.rollback()
            flash("Someone changed this article while you were confirming. Look again before unlocking.", "error")
            return redirect(url_for("articles.show", article_id=article.id))
        db.session.commit()
        claims = "1 claim" if removed == 1 else f"{removed} claims"
        flash(f"Text unlocked; {claims} removed (each removal is in the history).", "success")
        return redirect(url_for("articles.edit", article_id=article.id))
    return render_template("articles/unlock.html", form=form, article=article), 422 if form.errors else 200


def _suggestion_settings() -> tuple[bool, float]:
    """Whether to mark suggested sentences, and from which score (the model's default unless
    the editor moved it on the page)."""
    from ..suggest import suggester

    try:
        default = suggester().threshold
    except (OSError, ValueError, KeyError):
        return False, 1.0
    threshold = request.args.get("threshold", type=float)
    if threshold is None or not 0.0 <= threshold <= 1.0:
        threshold = default
    hidden = request.args.get("suggestions") == "off" or (
        request.args.get("shown") == "1" and request.args.get("suggestions") != "on"  # the box was unticked
    )
    return not hidden, threshold


def _bulk_form():
    from ..forms import BulkForm
    from .claims import reviewer_choices

    return BulkForm.for_page(request.args, reviewer_choices())


def attach_error(form, error: WorkflowError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        flash(error.message, "error")
