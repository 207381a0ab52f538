"""The app's guard rails in one place: who is signed in, which endpoints are public, which
proxies to believe, safe redirects, password hashing and the security headers on every response.
Sessions live in factcheck.sessions, sign-in throttling in factcheck.throttle."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from . import sessions
from .extensions import login_manager
from .models import User
from .problems import is_api_path, problem

# Everything else needs a signed-in, active user. New public pages must be added here on purpose.
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login", "static", "main.health", "public.verdict", "public.corrections", "public.claimreview_feed",
        "public.policy", "public.ratings", "public.archive", "public.atom", "public.sitemap", "public.embed",
        "tips.new",
    }
)
# Pages other sites may show in a frame: the verdict card, and nothing else.
EMBEDDABLE_ENDPOINTS = frozenset({"public.embed"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
EMBED_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


class PublicPageSessions(SecureCookieSessionInterface):
    """A public page that caches may keep (Cache-Control: public) sends no cookie and does not
    vary on the reader's cookie: it is the same page for everyone. Should such a page ever change
    the session, the session wins and the page is made private."""

    def open_session(self, app, request):
        # Most readers send no cookie: skip building the signing serializer for them.
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if response.headers.get("Cache-Control", "").startswith("public"):
            if not session.modified:
                return
            response.headers["Cache-Control"] = "private, no-store"
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    trust_proxies(app)
    app.session_interface = PublicPageSessions()
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # The cookie holds a session's token, not the account id: ending the session ends the cookie.
        return sessions.load_user(session_token)

    @app.before_request
    def require_login():
        if is_api_path(request.path):
            # The API signs its requests in by bearer token (factcheck.api); the session cookie
            # is not read for them at all, so a browser's session cannot act through the API.
            g._login_user = login_manager.anonymous_user()
            return None
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if current_user.is_authenticated:
            return None
        if request.method in ("GET", "HEAD"):  # unknown addresses too: nothing is revealed before sign-in
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return _session_ended_page()

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        if request.endpoint in EMBEDDABLE_ENDPOINTS:
            headers["Content-Security-Policy"] = EMBED_SECURITY_POLICY
        else:
            headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # A public page a cache may keep is the same for everyone: the session is not read for it
        # (reading it would add "Vary: Cookie" and keep shared caches from holding the page).
        if not headers.get("Cache-Control", "").startswith("public") and current_user and current_user.is_authenticated:
            headers.setdefault("Cache-Control", "no-store")
        if app.config["SESSION_COOKIE_SECURE"]:  # served over https: browsers must never fall back
            headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if not current_user.is_authenticated and request.endpoint not in PUBLIC_ENDPOINTS:
            return _session_ended_page()  # the form's token went with the session
        message = "This form has expired or was not sent from factcheck. Go back, reload the page and try again."
        return render_template("errors/error.html", code=400, message=message, back=_local_referrer(), keep_drafts=True), 400

    for code, message in (
        (400, "That address or form was not understood. Go back and try again."),
        (403, "You do not have permission to do that."),
        (404, "There is nothing at this address."),
        (405, "That action is not available here."),
        (409, "Someone else changed this at the same time."),
        (413, "That upload is too large."),
    ):
        app.register_error_handler(code, _error_page(code, message))

    @app.errorhandler(500)
    def server_error(error):
        # A script reading the API gets JSON even when the app fails; pages keep Flask's own.
        return problem(500, "Something went wrong on the server. Read what you were changing again before you retry.") if is_api_path(request.path) else error


def _error_page(code: int, message: str):
    def handler(_error):
        if is_api_path(request.path):
            return problem(code, message)
        return render_template("errors/error.html", code=code, message=message), code

    return handler


def _session_ended_page():
    """A form sent after the session ended: sign in and return to the page the form was on,
    where what was typed comes back (static/drafts.js keeps it in the browser tab)."""
    return render_template(
        "errors/error.html", code=401, message="Your session has ended. Please sign in again.",
        sign_in=url_for("auth.login", next=_local_referrer()), keep_drafts=True,
    ), 401


def _local_referrer() -> str | None:
    """The page a form was sent from, as a local path, when it is one of ours."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return path if is_safe_next(path) else None


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: one leading slash, no scheme, no host, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address and scheme from the headers they
    set (X-Forwarded-For, X-Forwarded-Proto), counting from the nearest. Without proxies
    configured the headers are ignored: any client could write them."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def rotate_csrf_token() -> None:
    """A new CSRF token after signing in or out, so a token seen before cannot be replayed."""
    session.pop("csrf_token", None)  # Flask-WTF keeps the raw token here ...
    g.pop("csrf_token", None)  # ... and the signed one for this request here


def flash_form_errors(form) -> None:
    if form.errors:
        flash("Please correct the highlighted fields.", "error")


_hasher = None


def password_hasher():
    """argon2id with the library's current recommended parameters."""
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        password_hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if password_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


# Verifying against this when the account does not exist keeps the time the same either way.
_DUMMY_HASH = None


def verify_unknown_user(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password")
    try:
        password_hasher().verify(_DUMMY_HASH, password)
    except Exception:
        pass
