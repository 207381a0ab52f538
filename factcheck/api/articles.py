"""/api/v1/articles: bringing an article in, reading the list and one article, and claiming a
span of its text."""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import workflow
from ..extensions import db
from ..filters import db_id
from ..forms import ApiArticleForm, ClaimForm
from ..models import Article, Claim
from ..views.helpers import load_article
from .common import apply, article_json, bp, claim_json, forbidden, page_size, payload, read_form, refuse, validated


@bp.get("/articles")
def list_articles():
    """Newest first, keyset-paged: `next` is the `after` of the following page."""
    size = page_size()
    query = select(Article).order_by(Article.id.desc()).limit(size + 1)
    if request.args.get("after"):
        try:
            query = query.where(Article.id < db_id(request.args["after"]))
        except ValueError:
            refuse(400, "The cursor `after` is not one this list gave out.")
    articles = db.session.scalars(query).all()
    more = len(articles) > size
    articles = articles[:size]
    return {"items": [article_json(a) for a in articles], "next": str(articles[-1].id) if more else None}


@bp.post("/articles")
def create_article():
    if not current_user.can_manage_articles:
        forbidden("Only editors and admins may add articles.")
    form = validated(read_form(ApiArticleForm, payload()))
    return apply(
        lambda: workflow.create_article(
            by=current_user,
            body=form.body.data,
            title=form.title.data.strip(),
            outlet=(form.outlet.data or "").strip(),
            url=form.url.data,
            published_on=form.published_on.data,
        ),
        lambda article: (
            article_json(article, body=True),
            201,
            {"Location": url_for("api.get_article", article_id=article.id)},
        ),
    )


@bp.get("/articles/<id:article_id>")
def get_article(article_id: int):
    article = load_article(article_id)
    claims = db.session.scalars(
        select(Claim).where(Claim.article_id == article.id).order_by(Claim.start, Claim.end, Claim.id)
    ).all()
    data = article_json(article, body=True)
    data["claims"] = [
        {"id": c.id, "start": c.start, "end": c.end, "wording": c.wording, "status": c.status.value, "version": c.version}
        for c in claims
    ]
    return data


@bp.post("/articles/<id:article_id>/claims")
def create_claim(article_id: int):
    article = load_article(article_id)
    if not article.can_edit(current_user):
        forbidden("Only editors and admins may create claims.")
    form = validated(read_form(ClaimForm, payload()))
    return apply(
        lambda: workflow.create_claim(
            article, by=current_user, start=form.start.data, end=form.end.data,
            wording=form.wording.data, claimant=form.claimant.data, claimant_kind=form.claimant_kind.data,
        ),
        lambda claim: (claim_json(claim), 201, {"Location": url_for("api.get_claim", claim_id=claim.id)}),
    )
