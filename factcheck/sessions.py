"""Signed-in sessions: one row per browser, started at sign-in, checked on every request, and
ended one at a time, all but this one, or all of a person's at once, each with the reason that
the sign-in page gives when an ended session's cookie comes back."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app, flash, request, session
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db
from .models import SessionEnd, User, UserSession, new_session_token, utcnow

# last_seen_at is written at most this often, so an active person does not cost a write per request.
SEEN_RESOLUTION = timedelta(minutes=1)
# Ended (or long idle) sessions are kept this long to explain a returning cookie, then removed.
KEEP_ENDED = timedelta(days=90)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(seconds=current_app.config["SESSION_IDLE_TIMEOUT_SECONDS"])


def start_session(user: User, user_agent: str) -> str:
    """A new session for this browser; the returned token goes into its cookie (login_user)."""
    token = new_session_token()
    now = utcnow()
    row = UserSession(
        user=user,
        token_hash=hash_token(token),
        created_at=now,
        last_seen_at=now,
        user_agent=describe_user_agent(user_agent),
    )
    db.session.add(row)
    cutoff = now - KEEP_ENDED
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.ended_at < cutoff, UserSession.last_seen_at < cutoff),
        )
    )
    db.session.flush()
    user.current_session, user.current_session_token = row, token
    return token


def load_user(token: str) -> User | None:
    """The person whose live session the cookie names; None, with the reason flashed once, when
    that session has ended."""
    found = db.session.execute(
        select(UserSession, User).join(User, UserSession.user_id == User.id).where(
            UserSession.token_hash == hash_token(token)
        )
    ).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    reason = row.end_reason
    if reason is None and not user.active:  # ended with the account; say so even if a row was missed
        reason = SessionEnd.DEACTIVATED
    if reason is None and row.last_seen_at < now - idle_limit():
        reason = SessionEnd.EXPIRED
        _update_session(row, ended_at=now, end_reason=reason)
    if reason is not None:
        _forget_cookie(reason)
        return None
    if row.last_seen_at < now - SEEN_RESOLUTION:
        _update_session(row, last_seen_at=now)
    user.current_session, user.current_session_token = row, token
    return user


def _update_session(row: UserSession, **values) -> None:
    """A request that may write carries the change in its own commit. A reading request writes it
    in a short transaction of its own (on SQLite its reads hold no lock a writer waits for), so a
    page view never has to commit."""
    url = db.engine.url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")  # one connection only
    if request.method not in ("GET", "HEAD", "OPTIONS") or in_memory:
        for name, value in values.items():
            setattr(row, name, value)
        return
    with db.engine.begin() as connection:
        connection.execute(
            update(UserSession).where(UserSession.id == row.id, UserSession.ended_at.is_(None)).values(**values)
        )
    for name, value in values.items():  # as committed: the request's own session has nothing to flush
        set_committed_value(row, name, value)


def _forget_cookie(reason: SessionEnd) -> None:
    session.pop("_user_id", None)
    session.pop("_fresh", None)
    flash(reason.message, "warning")


def end_session(row: UserSession, reason: SessionEnd) -> None:
    if row.ended_at is None:
        row.ended_at, row.end_reason = utcnow(), reason
        db.session.flush()


def end_sessions(user: User, reason: SessionEnd, *, keep: UserSession | None = None) -> int:
    """End every live session of this person but `keep`; how many ended."""
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    return db.session.execute(statement).rowcount


def active_sessions(user: User) -> list[UserSession]:
    """Live sessions, most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.last_seen_at >= utcnow() - idle_limit(),
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str | None) -> str:
    """A summary a person recognises ("Firefox on Android"); the full string is not kept."""
    text = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in text), "Unknown browser")
    system = next((name for token, name in _SYSTEMS if token in text), None)
    summary = f"{browser} on {system}" if system else browser
    return summary[: UserSession.USER_AGENT_MAX]

