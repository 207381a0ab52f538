"""Signing in and out, and one's own account: password and signed-in sessions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from .. import sessions, throttle, tokens
from ..errors import DomainError
from ..extensions import db
from ..forms import ActionForm, ApiTokenForm, LoginForm, LogoutForm, PasswordChangeForm
from ..models import ApiToken, SessionEnd, User, UserSession
from ..security import (
    hash_password,
    is_safe_next,
    rotate_csrf_token,
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
    user = db.session.scalar(select(User).where(User.email == email))
    keys = throttle.attempt_keys(email, user)
    admitted = throttle.admit(keys)
    db.session.commit()  # counted before the password is checked, so parallel guesses see each other
    if not admitted:
        form.email.errors.append(
            "Too many failed sign-in attempts. Wait a minute, then try again."
        )
        return render_template("auth/login.html", form=form), 429

    if user is None:
        verify_unknown_user(form.password.data)
    if user is None or not verify_password(user, form.password.data) or not user.active:
        form.password.errors.append("Email or password is not right, or the account is deactivated.")
        return render_template("auth/login.html", form=form), 422

    throttle.forgive(keys)
    if current_user.is_authenticated:  # signing in again in the same browser replaces its session
        sessions.end_session(current_user.current_session, SessionEnd.SIGNED_OUT)
    sessions.start_session(user, request.headers.get("User-Agent"))
    db.session.commit()
    login_user(user)
    rotate_csrf_token()
    flash(f"Signed in as {user.name}.", "success")
    response = redirect(_next_or_home(form.next.data))
    throttle.remember_device(response, user)
    return response


def _next_or_home(target: str | None) -> str:
    return target if is_safe_next(target) else url_for("main.home")


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():  # CSRF failures are handled by the CSRF error page
        return redirect(url_for("main.home"))
    sessions.end_session(current_user.current_session, SessionEnd.SIGNED_OUT)  # only this browser
    db.session.commit()
    logout_user()
    rotate_csrf_token()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.get("/account")
def account():
    return _account_page(PasswordChangeForm())


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user, form.current_password.data):
            form.current_password.errors.append("This is not your current password.")
        else:
            user = current_user._get_current_object()
            user.password_hash = hash_password(form.new_password.data)
            sessions.end_sessions(user, SessionEnd.PASSWORD_CHANGED, keep=user.current_session)
            record(user, "password_changed", user)
            db.session.commit()
            flash("Password changed. Your other sessions have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(form), 422 if form.errors else 200


def _account_page(password_form: PasswordChangeForm, token_form: ApiTokenForm | None = None, new_token: str | None = None):
    return render_template(
        "auth/account.html",
        form=password_form,
        sessions=sessions.active_sessions(current_user),
        this_session=current_user.current_session,
        token_form=token_form or ApiTokenForm(formdata=None),
        revoke_form=ActionForm(formdata=None),
        api_tokens=tokens.tokens_of(current_user),
        new_token=new_token,
    )


@bp.post("/account/tokens")
def create_token():
    """A new personal API token, shown on this one answer only: it is not stored, so it is never
    put in a redirect, a flash message or the session cookie."""
    form = ApiTokenForm()
    user = current_user._get_current_object()
    if form.validate():
        try:
            _token, raw = tokens.create_token(user, name=form.name.data, scope=form.scope.data, by=user)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            db.session.commit()
            flash("Token created. Copy it now: it is shown only this once.", "success")
            return _account_page(PasswordChangeForm(formdata=None), new_token=raw), 201
    return _account_page(PasswordChangeForm(formdata=None), token_form=form), 422


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)  # someone else's token: nobody learns it exists
    tokens.revoke_token(token, by=current_user._get_current_object())
    db.session.commit()
    flash(f"Revoked the token “{token.name}”; requests with it are refused from now on.", "success")
    return redirect(url_for("auth.account", _anchor="api-tokens"))


@bp.post("/account/sessions/<int:session_id>/end")
def end_session(session_id: int):
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != current_user.id or not row.is_active:
        abort(404)
    if row.id == current_user.current_session.id:  # this browser signs out with the Sign out button
        abort(400)
    sessions.end_session(row, SessionEnd.ENDED_ELSEWHERE)
    db.session.commit()
    flash(f"Signed out {row.user_agent}.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions/end-others")
def end_other_sessions():
    user = current_user._get_current_object()
    ended = sessions.end_sessions(user, SessionEnd.ENDED_ELSEWHERE, keep=user.current_session)
    db.session.commit()
    flash("No other sessions were open." if not ended else
          f"Signed out {ended} other session{'s' if ended != 1 else ''}.", "success")
    return redirect(url_for("auth.account"))
