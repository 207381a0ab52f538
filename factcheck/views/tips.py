"""Reader tips: the public form, and the editors' inbox where each tip becomes an article or a
claim, is merged into an earlier tip, or is dismissed."""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import workflow
from ..export import newsroom
from ..extensions import db
from ..forms import TipActionForm, TipForm
from ..models import Tip, TipStatus
from ..throttle import admit_tip
from .helpers import commit_change

bp = Blueprint("tips", __name__)

INBOX_PAGE = 100


@bp.route("/tips/new", methods=["GET", "POST"])
def new():
    form = TipForm()

    def page(status: int):
        response = render_template("tips/new.html", form=form, newsroom=newsroom())
        return response, status, {"Cache-Control": "no-store"}

    if request.method == "GET" or not form.validate_on_submit():
        return page(422 if form.errors else 200)
    if not admit_tip():
        db.session.commit()  # the attempt counts, even refused
        form.text.errors = [
            *form.text.errors,
            "You have sent us several tips in the last hour, the most we take from one connection. "
            "Please try again later; what you typed is kept below.",
        ]
        return page(429)
    return commit_change(
        lambda: workflow.submit_tip(text=form.text.data, seen_at=form.seen_at.data, contact=form.contact.data),
        form=form,
        page=page,
        done="Thank you: your tip reached our fact-checking desk. We cannot answer every tip, but we read them all.",
        to=url_for("tips.new"),
    )


def _require_editor() -> None:
    if not current_user.can_manage_articles:
        abort(403)


def _inbox_page(status: str, form: TipActionForm, code: int = 200, failed: int | None = None):
    query = select(Tip).order_by(Tip.id.desc()).limit(INBOX_PAGE).options(
        selectinload(Tip.handled_by), selectinload(Tip.duplicate_of)
    )
    if status != "all":
        query = query.where(Tip.status == TipStatus(status))
    return render_template(
        "tips/inbox.html", tips=db.session.scalars(query).all(), status=status, statuses=list(TipStatus),
        form=form, contact_days=current_app.config["TIP_CONTACT_DAYS"], failed=failed,
    ), code


@bp.get("/tips")
def inbox():
    _require_editor()
    # Contacts older than the limit go now, whether or not cron ran purge-tip-contacts today.
    if workflow.erase_old_contacts(days=current_app.config["TIP_CONTACT_DAYS"]):
        db.session.commit()
    status = request.args.get("status", "new")
    if status not in {s.value for s in TipStatus}:
        status = "all"
    return _inbox_page(status, TipActionForm(formdata=None))


def _load(tip_id: int) -> Tip:
    tip = db.session.get(Tip, tip_id)
    if tip is None:
        abort(404)
    return tip


@bp.post("/tips/<id:tip_id>/<any(article, claim, merge, dismiss):action>")
def handle(tip_id: int, action: str):
    _require_editor()
    tip = _load(tip_id)
    form = TipActionForm()
    back = url_for("tips.inbox")

    def page(status: int):
        return _inbox_page("new", form, status, failed=tip.id)

    if not form.validate():
        return page(422)
    version = form.expected_version
    if action == "article":
        change = lambda: workflow.tip_to_article(tip, by=current_user, expected_version=version)  # noqa: E731
        done, to = f"Tip {tip.id} is now an article: select the claims in it.", lambda article: url_for("articles.show", article_id=article.id)
    elif action == "claim":
        change = lambda: workflow.tip_to_claim(tip, by=current_user, expected_version=version)  # noqa: E731
        done, to = f"Tip {tip.id} is now a claim, ready to assign.", lambda claim: url_for("claims.show", claim_id=claim.id)
    elif action == "merge":
        into = db.session.get(Tip, form.into.data) if form.into.data else None
        change = lambda: workflow.merge_tip(tip, into=into, by=current_user, expected_version=version)  # noqa: E731
        done, to = lambda first: f"Tip {tip.id} merged into tip {first.id}.", back
    else:
        change = lambda: workflow.dismiss_tip(tip, by=current_user, expected_version=version)  # noqa: E731
        done, to = f"Tip {tip.id} dismissed.", back
    return commit_change(change, form=form, page=page, done=done, to=to, obj=tip)
