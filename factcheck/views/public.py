"""What readers see without signing in: published verdicts, the corrections log, and the
ClaimReview feed for publishers' sites and search engines."""

import json

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..export import claim_review, newsroom, public_url, published_verdict, verdict_url
from ..extensions import db
from ..filters import db_id
from ..models import Claim, Correction
from ..ratings import scale

bp = Blueprint("public", __name__)

FEED_PAGE = 100


def _published():
    return select(Claim).where(Claim.first_published_at.is_not(None)).options(
        selectinload(Claim.article), selectinload(Claim.published_rating), selectinload(Claim.evidence)
    )


@bp.get("/verdicts/<path:claim_id>")
def verdict(claim_id: str):
    # Any address under /verdicts/ is this public page, so a reader's mistyped link
    # (/verdicts/abc) gets the public "not found", not the staff sign-in page.
    try:
        number = db_id(claim_id)
    except ValueError:
        number = None
    claim = None
    if number is not None:
        claim = db.session.scalar(_published().where(Claim.id == number).options(selectinload(Claim.corrections)))
    if claim is None:
        return render_template("public/not_found.html", newsroom=newsroom()), 404
    published = published_verdict(claim, scale())
    review = claim_review(published, verdict_url(claim.id), newsroom())
    # JSON in a script tag: escape <, > and & so no text in it can close the tag.
    json_ld = json.dumps(review, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return render_template(
        "public/verdict.html",
        verdict=published,
        corrections=[c for c in claim.corrections if c.published_at],
        json_ld=Markup(json_ld),
        newsroom=newsroom(),
    )


@bp.get("/corrections")
def corrections():
    rows = db.session.scalars(
        select(Correction)
        .where(Correction.published_at.is_not(None))
        .order_by(Correction.published_at.desc(), Correction.id.desc())
        .options(selectinload(Correction.claim))
        .limit(500)
    ).all()
    return render_template("public/corrections.html", corrections=rows, newsroom=newsroom())


@bp.get("/claimreview.json")
def claimreview_feed():
    """All published verdicts as ClaimReview, a page of 100 at a time (keyset by claim id)."""
    after = request.args.get("after", 0, type=db_id)
    claims = db.session.scalars(_published().where(Claim.id > after).order_by(Claim.id).limit(FEED_PAGE + 1)).all()
    more = len(claims) > FEED_PAGE
    claims = claims[:FEED_PAGE]
    ratings = scale()
    body = {
        "total": db.session.scalar(select(func.count()).select_from(Claim).where(Claim.first_published_at.is_not(None))),
        "next": public_url(f"/claimreview.json?after={claims[-1].id}") if more else None,
        "items": [claim_review(published_verdict(c, ratings), verdict_url(c.id), newsroom()) for c in claims],
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
