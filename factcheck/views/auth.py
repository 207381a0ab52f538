"""Signing in and out, and changing one's own password."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ..extensions import db
from ..forms import LoginForm, LogoutForm, PasswordChangeForm
from ..models import User
from ..security import (
    clear_failed_logins,
    hash_password,
    is_safe_next,
    login_throttled,
    record_failed_login,
    verify_password,
    verify_unknown_user,
)
from ..audit import record

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        if current_user.is_authenticated:
            return redirect(_next_or_home(form.next.data))
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status

    email = form.email.data.strip().lower()
    if login_throttled(email):
        form.email.errors.append(
            "Too many failed sign-in attempts. Wait a minute, then try again."
        )
        return render_template("auth/login.html", form=form), 429

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        verify_unknown_user(form.password.data)
    if user is None or not verify_password(user, form.password.data) or not user.active:
        record_failed_login(email)
        db.session.commit()
        form.password.errors.append("Email or password is not right, or the account is deactivated.")
        return render_template("auth/login.html", form=form), 422

    clear_failed_logins(email)
    user.rotate_session_token()
    db.session.commit()
    login_user(user)
    flash(f"Signed in as {user.name}.", "success")
    return redirect(_next_or_home(form.next.data))


def _next_or_home(target: str | None) -> str:
    return target if is_safe_next(target) else url_for("main.home")


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():  # CSRF failures are handled by the CSRF error page
        return redirect(url_for("main.home"))
    current_user.rotate_session_token()
    db.session.commit()
    logout_user()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user, form.current_password.data):
            form.current_password.errors.append("This is not your current password.")
        else:
            user = current_user._get_current_object()
            user.password_hash = hash_password(form.new_password.data)
            user.rotate_session_token()  # other browsers signed in as this user are signed out
            record(user, "password_changed", user)
            db.session.commit()
            login_user(user)
            flash("Password changed. Other sessions of yours have been signed out.", "success")
            return redirect(url_for("main.home"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status
