"""Administration: the newsroom's accounts."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..forms import ActionForm, UserForm
from ..models import Role, User
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
