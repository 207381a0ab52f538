"""Administration: the newsroom's accounts and its verdict scale."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..forms import ActionForm, RatingForm, UserForm
from ..models import Claim, Rating, RatingTone, Role, User
from ..ratings import create_rating, edit_rating, move_rating, scale, set_retired
from ..workflow import WorkflowError
from ..users import UserError, create_user, set_active

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin():
    if not current_user.can_manage_users:
        abort(403)


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                name=form.name.data.strip(),
                role=Role(form.role.data),
                password=form.password.data,
                by=current_user,
            )
        except UserError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Account created for {user.name} ({user.role.value}).", "success")
            return redirect(url_for("admin.users"))
    people = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return (
        render_template("admin/users.html", form=form, people=people, action_form=ActionForm()),
        422 if form.errors else 200,
    )


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
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
    if form.validate_on_submit():
        try:
            rating = create_rating(
                by=current_user, name=form.name.data, description=form.description.data,
                tone=RatingTone(form.tone.data), needs_evidence=form.needs_evidence.data,
            )
        except WorkflowError as error:
            db.session.rollback()
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(f"Rating “{rating.name}” added at the end of the scale.", "success")
            return redirect(url_for("admin.ratings"))
    in_use = dict(db.session.execute(select(Claim.rating_id, func.count()).group_by(Claim.rating_id)).all())
    return (
        render_template("admin/ratings.html", form=form, ratings=scale(), in_use=in_use),
        422 if form.errors else 200,
    )


@bp.route("/ratings/<int:rating_id>/edit", methods=["GET", "POST"])
def edit_rating_page(rating_id: int):
    rating = _load_rating(rating_id)
    form = RatingForm(obj=rating if request.method == "GET" else None)
    if request.method == "GET":
        form.tone.data = rating.tone.value
    elif form.validate():
        try:
            edit_rating(
                rating, by=current_user, name=form.name.data, description=form.description.data,
                tone=RatingTone(form.tone.data), needs_evidence=form.needs_evidence.data,
            )
        except WorkflowError as error:
            db.session.rollback()
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash("Rating saved. Verdicts that use it show the new name.", "success")
            return redirect(url_for("admin.ratings"))
    return render_template("admin/rating_edit.html", form=form, rating=rating), 422 if form.errors else 200


@bp.post("/ratings/<int:rating_id>/<any(up, down):direction>")
def move(rating_id: int, direction: str):
    move_rating(_load_rating(rating_id), by=current_user, direction=-1 if direction == "up" else 1)
    db.session.commit()
    return redirect(url_for("admin.ratings"))


@bp.post("/ratings/<int:rating_id>/<any(retire, reinstate):action>")
def retire(rating_id: int, action: str):
    rating = _load_rating(rating_id)
    try:
        set_retired(rating, by=current_user, retired=action == "retire")
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            f"“{rating.name}” retired: no new verdict can use it; old verdicts keep it."
            if rating.retired else f"“{rating.name}” is in use again.",
            "success",
        )
    return redirect(url_for("admin.ratings"))
