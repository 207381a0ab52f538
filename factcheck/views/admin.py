"""Administration: the newsroom's accounts, its verdict scale, its public policy pages and its
webhook endpoints."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..errors import DomainError
from ..export import newsroom
from ..forms import ActionForm, PolicyPageForm, RatingForm, UserForm, WebhookForm
from ..models import Claim, OutboxMessage, PolicyPage, Rating, RatingTone, Role, User, WebhookEndpoint
from ..outbox import send_again
from ..policies import edit_policy_page, policy_page, render_markdown
from ..ratings import create_rating, edit_rating, move_rating, scale, set_retired
from ..users import create_user, set_active
from ..webhooks import create_endpoint
from .helpers import attach_error, commit_change

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin():
    if not current_user.can_manage_users:
        abort(403)


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserForm()

    def page(status: int):
        people = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
        return render_template("admin/users.html", form=form, people=people, action_form=ActionForm()), status

    if not form.validate_on_submit():
        return page(422 if form.errors else 200)
    return commit_change(
        lambda: create_user(
            email=form.email.data, name=form.name.data.strip(), role=Role(form.role.data),
            password=form.password.data, by=current_user,
        ),
        form=form,
        page=page,
        done=lambda user: f"Account created for {user.name} ({user.role.value}).",
        to=url_for("admin.users"),
    )


@bp.post("/users/<id:user_id>/deactivate")
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<id:user_id>/reactivate")
def reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("admin.users"))
    set_active(user, active, by=current_user)
    db.session.commit()
    flash(f"{user.name} is {'active again' if active else 'deactivated and signed out'}.", "success")
    return redirect(url_for("admin.users"))


# -- the verdict scale --------------------------------------------------------------------------


def _load_rating(rating_id: int) -> Rating:
    rating = db.session.get(Rating, rating_id)
    if rating is None:
        abort(404)
    return rating


@bp.route("/ratings", methods=["GET", "POST"])
def ratings():
    form = RatingForm()

    def page(status: int):
        in_use = dict(db.session.execute(select(Claim.rating_id, func.count()).group_by(Claim.rating_id)).all())
        return render_template("admin/ratings.html", form=form, ratings=scale(), in_use=in_use), status

    if not form.validate_on_submit():
        return page(422 if form.errors else 200)
    return commit_change(
        lambda: create_rating(
            by=current_user, name=form.name.data, description=form.description.data,
            tone=RatingTone(form.tone.data), needs_evidence=form.needs_evidence.data,
        ),
        form=form,
        page=page,
        done=lambda rating: f"Rating “{rating.name}” added at the end of the scale.",
        to=url_for("admin.ratings"),
    )


@bp.route("/ratings/<id:rating_id>/edit", methods=["GET", "POST"])
def edit_rating_page(rating_id: int):
    rating = _load_rating(rating_id)
    form = RatingForm(obj=rating if request.method == "GET" else None)

    def page(status: int):
        return render_template("admin/rating_edit.html", form=form, rating=rating), status

    if request.method == "GET":
        form.tone.data = rating.tone.value
        return page(200)
    if not form.validate():
        return page(422)
    return commit_change(
        lambda: edit_rating(
            rating, by=current_user, name=form.name.data, description=form.description.data,
            tone=RatingTone(form.tone.data), needs_evidence=form.needs_evidence.data,
        ),
        form=form,
        obj=rating,
        page=page,
        done="Rating saved. Verdicts that use it show the new name.",
        to=url_for("admin.ratings"),
    )


@bp.post("/ratings/<id:rating_id>/<any(up, down):direction>")
def move(rating_id: int, direction: str):
    move_rating(_load_rating(rating_id), by=current_user, direction=-1 if direction == "up" else 1)
    db.session.commit()
    return redirect(url_for("admin.ratings"))


@bp.post("/ratings/<id:rating_id>/<any(retire, reinstate):action>")
def retire(rating_id: int, action: str):
    rating = _load_rating(rating_id)
    back = url_for("admin.ratings")
    return commit_change(
        lambda: set_retired(rating, by=current_user, retired=action == "retire"),
        form=None,
        page=lambda status: redirect(back),
        done=lambda _: (
            f"“{rating.name}” retired: no new verdict can use it; old verdicts keep it."
            if rating.retired else f"“{rating.name}” is in use again."
        ),
        to=back,
    )


# -- the policy pages -----------------------------------------------------------------------------


@bp.get("/pages")
def pages():
    return render_template(
        "admin/pages.html", pages=[policy_page(slug, newsroom()["name"]) for slug in PolicyPage.PAGES]
    )


@bp.route("/pages/<any(about, methodology, 'corrections-policy', contact):slug>", methods=["GET", "POST"])
def edit_page(slug: str):
    page = policy_page(slug, newsroom()["name"])
    form = PolicyPageForm(obj=page if request.method == "GET" else None)

    def show(status: int):
        nonlocal page
        theirs = None
        if status == 409:  # someone else saved first: show their text, keep ours in the form
            db.session.expire_all()
            page = policy_page(slug, newsroom()["name"])
            theirs = render_markdown(page.body)
        preview = render_markdown(form.body.data or "")
        return render_template("admin/page_edit.html", form=form, page=page, preview=preview, theirs=theirs), status

    if request.method == "GET":
        return show(200)
    if not form.validate():
        return show(422)
    return commit_change(
        lambda: edit_policy_page(page, by=current_user, title=form.title.data, body=form.body.data,
                                 expected_version=form.expected_version),
        form=form,
        obj=page if page.id else None,
        page=show,
        done=f"Saved. Readers see the new text at /{slug}.",
        to=url_for("admin.pages"),
        stale_message=lambda: "Someone else saved this page while you were editing. Their text is shown in the "
        "preview below; yours is kept in the form so you can re-apply it.",
    )
# -- webhooks ---------------------------------------------------------------------------------

LOG_ROWS = 100


@bp.route("/webhooks", methods=["GET", "POST"])
def webhooks():
    form = WebhookForm()

    def page(status: int):
        endpoints = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.active.desc(), WebhookEndpoint.id)).all()
        latest = dict(db.session.execute(
            select(OutboxMessage.endpoint_id, func.max(OutboxMessage.id)).where(OutboxMessage.endpoint_id.is_not(None)).group_by(OutboxMessage.endpoint_id)
        ).all())
        last = {m.endpoint_id: m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(latest.values())))} if latest else {}
        return render_template("admin/webhooks.html", form=form, endpoints=endpoints, last=last), status

    if not form.validate_on_submit():
        return page(422 if form.errors else 200)
    try:
        endpoint = create_endpoint(url=form.url.data, events=form.events.data, description=form.description.data, by=current_user)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return page(422)
    db.session.commit()
    # The secret is shown on this page once; afterwards only its first characters are.
    return render_template("admin/webhook_created.html", endpoint=endpoint), 201


def _load_endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


@bp.get("/webhooks/<id:endpoint_id>")
def webhook_log(endpoint_id: int):
    endpoint = _load_endpoint(endpoint_id)
    deliveries = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.endpoint_id == endpoint.id).order_by(OutboxMessage.id.desc()).limit(LOG_ROWS)
    ).all()
    return render_template("admin/webhook_log.html", endpoint=endpoint, deliveries=deliveries)


@bp.post("/webhooks/<id:endpoint_id>/<any(on, off):switch>")
def switch_webhook(endpoint_id: int, switch: str):
    endpoint = _load_endpoint(endpoint_id)
    endpoint.active = switch == "on"
    db.session.commit()
    flash(
        f"Deliveries to {endpoint.url} {'start again with the next event' if endpoint.active else 'are paused; events meanwhile are not sent'}.",
        "success",
    )
    return redirect(url_for("admin.webhook_log", endpoint_id=endpoint.id))


@bp.post("/webhooks/deliveries/<id:delivery_id>/again")
def send_delivery_again(delivery_id: int):
    original = db.session.get(OutboxMessage, delivery_id)
    if original is None or original.endpoint_id is None:
        abort(404)
    copy = send_again(original)
    db.session.commit()
    flash(f"Delivery #{original.id} is queued again as #{copy.id}; the worker sends it within seconds.", "success")
    return redirect(url_for("admin.webhook_log", endpoint_id=original.endpoint_id))
