"""The signed-in home page: where the desk's claims stand."""

from flask import Blueprint, render_template
from sqlalchemy import func, select

from ..extensions import db
from ..models import Article, Claim, ClaimStatus
from .articles import status_counts_by_article

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    totals = dict(db.session.execute(select(Claim.status, func.count()).group_by(Claim.status)).all())
    counts = {status: totals.get(status, 0) for status in ClaimStatus}
    recent = db.session.scalars(select(Article).order_by(Article.created_at.desc(), Article.id.desc()).limit(8)).all()
    by_article = status_counts_by_article([a.id for a in recent])
    return render_template(
        "main/home.html", counts=counts, total=sum(counts.values()), recent=recent, by_article=by_article
    )
