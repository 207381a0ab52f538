"""Articles: listing, creating from pasted text or an upload, reading with highlights, editing."""

from collections import defaultdict

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, undefer

from .. import workflow
from ..extensions import db
from ..filters import db_id, db_ids
from ..errors import DomainError
from ..forms import ActionForm, ArticleForm, BulkForm, NewArticleForm
from ..intake import Extracted, fetch_article
from ..models import Article, ArticleRevision, AuditEvent, Claim, ClaimAnchor, ClaimStatus, RevisionSource, Sentence
from ..suggest import suggester
from ..anchoring import marked_diff
from ..text import highlight_segments, render_body, touched_sentences
from .helpers import (
    commit_change,
    load_article,
    reviewer_choices,
    rows_naming_withheld_sources,
    status_counts_by_article,
)

bp = Blueprint("articles", __name__, url_prefix="/articles")

PAGE_SIZE = 50
HISTORY_SHOWN = 100
# The rail lists this many claims in the text's order; "Show all" lists the rest (a page of
# thousands of claims then costs its reader the wait only when asked for).
RAIL_SHOWN = 200


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
    form = NewArticleForm()

    def page(status: int):
        if form.fetched_from:
            form.body.data = ""  # the text came from the page, not from the editor: fetch it again
        return render_template("articles/form.html", form=form, article=None), status

    source, detail, found = None, None, None
    if not form.is_submitted():
        return page(200)
    form.read_upload()
    if form.fetching:
        try:
            found = fetch_article(form.link.data, current_app.config)
        except DomainError as error:
            form.link.errors = [error.message]
            return page(422)
        form.take(found)
        source, detail = RevisionSource.LINK, found.url[: ArticleRevision.SOURCE_DETAIL_MAX]
        form.link.data = form.link.data.strip()
    else:
        source = RevisionSource.UPLOAD if form.uploaded_name else RevisionSource.PASTE
        detail = form.uploaded_name
    if not form.validate():
        return page(422)
    return commit_change(
        lambda: workflow.create_article(by=current_user, body=form.body.data, **_fields(form), source=source, source_detail=detail),
        form=form,
        page=page,
        done=lambda article: _created_said(article, found),
        to=lambda article: url_for("articles.show", article_id=article.id),
    )


@bp.errorhandler(413)
def too_large(_error):
    """A text or file larger than a request may carry: the new-article form again, with the
    reason beside the field (what was typed comes back from the browser tab, static/drafts.js)."""
    if request.endpoint != "articles.new" or not current_user.is_authenticated or not current_user.can_manage_articles:
        return render_template("errors/error.html", code=413, message="That upload is too large."), 413
    form = NewArticleForm(formdata=None)  # the request's own form cannot be read
    size, limit = (request.content_length or 0) / 1024 / 1024, current_app.config["MAX_CONTENT_LENGTH"] / 1024 / 1024
    if size > limit:
        form.upload.errors = [f"What was sent is {size:.1f} MB, more than the {limit:g} MB a file may have."]
    else:
        form.body.errors = [
            f"The text is too long to send ({size:.1f} MB); an article holds up to {Article.BODY_MAX:,} "
            "characters. Shorten it, or split it into two articles."
        ]
    return render_template("articles/form.html", form=form, article=None, keep_drafts=True), 413


def _created_said(article: Article, found: Extracted | None) -> str:
    split = f"split into {len(article.sentences)} sentences. Select text or tick sentences to create claims."
    if found is None:
        return f"Article saved and {split}"
    by = f" (by {found.author})" if found.author else ""
    return f"Article fetched from {urlsplit(found.url).hostname}{by} and {split}"


def _fields(form: ArticleForm) -> dict:
    return {
        "title": form.title.data.strip(),
        "outlet": form.outlet.data.strip(),
        "author": (form.author.data or "").strip() or None,
        "url": form.url.data,
        "published_on": form.published_on.data,
    }


@bp.get("/<id:article_id>")
def show(article_id: int):
    article = db.session.scalar(
        select(Article).where(Article.id == article_id).options(selectinload(Article.created_by))
    )
    if article is None:
        abort(404)
    # The text's highlights need only each claim's place and status, and the sentences only their
    # place and score: read those as plain rows (thousands of ORM objects cost more than the page).
    in_order = (Claim.start, Claim.end, Claim.id)  # the order of Article.claims
    claims = db.session.execute(
        select(Claim.id, Claim.start, Claim.end, Claim.status).where(Claim.article_id == article.id).order_by(*in_order)
    ).all()
    sentences = db.session.execute(
        select(Sentence.position, Sentence.start, Sentence.end, Sentence.score)
        .where(Sentence.article_id == article.id)
        .order_by(Sentence.position)
    ).all()
    placed = [c for c in claims if c.start is not None]  # a claim whose words are gone has no place
    segments = highlight_segments(article.body, sentences, placed)
    show_suggestions, threshold = _suggestion_settings()
    claimed = touched_sentences(sentences, placed) if show_suggestions else set()
    suggestions = [  # sentences worth checking that no claim touches yet
        s for s in sentences
        if show_suggestions and s.score is not None and s.score >= threshold and s.position not in claimed
    ]
    labels = {status: status.label for status in ClaimStatus}
    claim_url = url_for("claims.show", claim_id=1_000_000_007)  # one address built, the rest by its pattern
    body_html = render_body(
        segments,
        claim_url=lambda c: claim_url.replace("1000000007", str(c.id)),
        claim_label=lambda c: f"Claim #{c.id} · {labels[c.status]}",
        suggested={s.position: s.score for s in suggestions},
    )
    counts = defaultdict(int)
    for claim in claims:
        counts[claim.status] += 1
    selected = db_ids(request.args.get("selected", "").split(","))
    everything = (
        len(claims) <= RAIL_SHOWN
        or request.args.get("claims") == "all"
        or bool(selected - {c.id for c in claims[:RAIL_SHOWN]})  # a ticked claim further down: list them all
    )
    rail = db.session.scalars(
        select(Claim).where(Claim.article_id == article.id).order_by(*in_order)
        .limit(None if everything else RAIL_SHOWN).options(selectinload(Claim.rating))
    ).all()
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
        redacted=rows_naming_withheld_sources(history[:HISTORY_SHOWN], current_user),
        history_more=len(history) > HISTORY_SHOWN,
        article=article,
        claims=claims,
        sentences=sentences,
        picked=set(request.args.getlist("picked", type=int)),
        selected=selected,
        rail=rail,
        all_claims_url=url_for("articles.show", article_id=article.id, **{**request.args.to_dict(flat=False), "claims": "all"}),
        bulk_form=_bulk_form(),
        body_html=body_html,
        suggestions=sorted(suggestions, key=lambda s: -s.score),
        show_suggestions=show_suggestions,
        threshold=threshold,
        counts=counts,
        can_edit=article.can_edit(current_user),
    )


@bp.route("/<id:article_id>/edit", methods=["GET", "POST"])
def edit(article_id: int):
    article = load_article(article_id)
    _require_editor(article)
    form = ArticleForm(obj=article if request.method == "GET" else None)  # see claims.edit

    def page(status: int):
        stale = article if status == 409 else None
        return render_template("articles/form.html", form=form, article=article, stale=stale), status

    if request.method == "GET":
        form.version.data = article.version
        return page(200)
    form.read_upload()
    if not form.validate():
        return page(422)
    return commit_change(
        lambda: workflow.edit_article(
            article, by=current_user, body=form.body.data, expected_version=form.expected_version,
            source=RevisionSource.UPLOAD if form.uploaded_name else RevisionSource.PASTE,
            source_detail=form.uploaded_name, **_fields(form),
        ),
        form=form, obj=article, page=page, done=_revision_said,
        to=url_for("articles.show", article_id=article.id),
    )


@bp.post("/<id:article_id>/fetch")
def fetch_again(article_id: int):
    """Fetch the article's address again; a changed text becomes a new revision, which every
    claim follows, as when a new text is pasted or uploaded."""
    article = load_article(article_id)
    _require_editor(article)
    form = ActionForm()

    def page(status: int):
        return show(article.id), status

    if not form.validate():
        flash("The form had expired; press Fetch again once more.", "error")
        return page(422)
    if not article.url:
        flash("This article has no address to fetch; add one with Edit.", "error")
        return page(422)
    try:
        found = fetch_article(article.url, current_app.config)
    except DomainError as error:
        flash(f"The article could not be fetched again. {error.message}", "error")
        return page(422)
    latest = article.revisions[-1].number if article.revisions else 1
    return commit_change(
        lambda: workflow.add_revision(
            article, by=current_user, body=found.text, source=RevisionSource.LINK,
            source_detail=found.url[: ArticleRevision.SOURCE_DETAIL_MAX], expected_version=form.expected_version,
        ),
        form=form, obj=article, page=page,
        done=lambda result: _revision_said(result) if result else f"No change since revision {latest}.",
        to=url_for("articles.show", article_id=article.id),
    )


def _revision_said(result) -> str:
    if result is None:
        return "Article saved."
    parts = [f"{n} {words}" for words, n in (
        ("kept their words", result.count("unchanged")), ("changed", result.count("changed")), ("are gone", result.count("gone"))
    ) if n]
    follow = f" Claims: {', '.join(parts)}." if parts else ""
    return f"Saved as revision {result.revision.number}.{follow}"


@bp.get("/<id:article_id>/revisions")
def revisions(article_id: int):
    article = load_article(article_id)
    rows = db.session.execute(
        select(
            ArticleRevision,
            func.count(ClaimAnchor.id).filter(ClaimAnchor.outcome == "changed"),
            func.count(ClaimAnchor.id).filter(ClaimAnchor.outcome == "gone"),
        )
        .outerjoin(ClaimAnchor, ClaimAnchor.revision_id == ArticleRevision.id)
        .where(ArticleRevision.article_id == article.id)
        .group_by(ArticleRevision.id)
        .order_by(ArticleRevision.number.desc())
        .options(selectinload(ArticleRevision.created_by), undefer(ArticleRevision.body))  # word counts
    ).all()
    return render_template("articles/revisions.html", article=article, rows=rows)


@bp.get("/<id:article_id>/revisions/compare")
def compare(article_id: int):
    """The difference between two revisions, word by word, with claims marked in both."""
    article = load_article(article_id)
    numbers = [r.number for r in article.revisions]
    if len(numbers) < 2:
        flash("This article has one revision so far: nothing to compare.", "info")
        return redirect(url_for("articles.revisions", article_id=article.id))
    a = request.args.get("a", type=int, default=numbers[-2])
    b = request.args.get("b", type=int, default=numbers[-1])
    if a not in numbers or b not in numbers:
        abort(404)
    old, new = (next(r for r in article.revisions if r.number == n) for n in (a, b))
    spans: dict[int, list] = {old.id: [], new.id: []}
    for anchor in db.session.scalars(
        select(ClaimAnchor).where(ClaimAnchor.revision_id.in_([old.id, new.id]), ClaimAnchor.start.is_not(None))
    ):
        spans[anchor.revision_id].append((anchor.start, anchor.end, anchor.claim_id))
    pieces = marked_diff(old.body, new.body, spans[old.id], spans[new.id])
    return render_template("articles/compare.html", article=article, old=old, new=new, pieces=pieces, numbers=numbers)


def _suggestion_settings() -> tuple[bool, float]:
    """Whether to mark suggested sentences, and from which score (the model's default unless
    the editor moved it on the page)."""
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
    return BulkForm.for_page(request.args, reviewer_choices())

