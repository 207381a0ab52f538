"""Failed sign-ins, throttled so that guessing is slow and nobody else's guessing locks a person
out of the browser they use (OWASP's device cookies).

A browser that has signed in to an account before holds a signed device cookie naming that
account. Its attempts on that account count against that cookie alone. Every other attempt (a new
browser, a made-up account, an attacker) counts against the account's shared limit and the
client address's limit. So an attacker can lock the account for unknown browsers, never for the
owner's own.

Each attempt is counted before its password is checked, by one upsert that returns the new count
(the database locks the counter row while it adds one), and committed at once: of N parallel
attempts, exactly one sees each number 1..N, and only those within the limit are checked."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Response, current_app, request, url_for
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db
from .models import LoginThrottle, User, utcnow

DEVICE_COOKIE = "factcheck_device"
# Accounts one browser is remembered for (a shared desk computer); the oldest drops off.
DEVICE_ACCOUNTS_MAX = 5
# Counters whose window ended this long ago are removed.
KEEP_COUNTERS = timedelta(days=1)


def client_address() -> str:
    """The client's address as the trusted proxies report it (ProxyFix, TRUSTED_PROXIES)."""
    return (request.remote_addr or "unknown")[:64]


def attempt_keys(email: str, user: User | None) -> list[tuple[str, int]]:
    """The counters this attempt goes against, each with its limit."""
    cfg = current_app.config
    device = _known_device(user) if user is not None else None
    if device is not None:
        return [(f"device:{device}", cfg["LOGIN_MAX_FAILURES_PER_DEVICE"])]
    return [
        (f"account:{email}"[: LoginThrottle.KEY_MAX], cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        (f"address:{client_address()}", cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    ]


def admit(keys: list[tuple[str, int]]) -> bool:
    """Count this attempt against every key; False when any is over its limit. The caller commits
    straight away so that parallel attempts see this one."""
    now = utcnow()
    since = now - timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    admitted = True
    for key, limit in keys:
        if _count(key, now, since) > limit:
            admitted = False
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.window_started_at < now - KEEP_COUNTERS))
    return admitted


def _count(key: str, now, since) -> int:
    table = LoginThrottle.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    window_over = table.c.window_started_at < since
    statement = (
        insert(table)
        .values(key=key, attempts=1, window_started_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "attempts": case((window_over, 1), else_=table.c.attempts + 1),
                "window_started_at": case((window_over, now), else_=table.c.window_started_at),
            },
        )
        .returning(table.c.attempts)
    )
    return db.session.execute(statement).scalar_one()


def forgive(keys: list[tuple[str, int]]) -> None:
    """A right password: this attempt was no failure. A device's own count starts again; the
    shared counters only lose this one attempt, so one person's sign-in never wipes out what an
    attacker has spent."""
    for key, _limit in keys:
        if key.startswith("device:"):
            db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
        else:
            db.session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key, LoginThrottle.attempts > 0)
                .values(attempts=LoginThrottle.attempts - 1)
            )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="factcheck-device")


def _max_age() -> int:
    return current_app.config["LOGIN_DEVICE_COOKIE_DAYS"] * 24 * 3600


def _devices() -> list[tuple[int, str]]:
    """(account id, device nonce) pairs from a valid cookie; nothing from a forged or old one."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        entries = _serializer().loads(raw, max_age=_max_age())
    except BadData:
        return []
    if not isinstance(entries, list):
        return []
    return [
        (entry[0], entry[1])
        for entry in entries
        if isinstance(entry, list) and len(entry) == 2 and type(entry[0]) is int and isinstance(entry[1], str)
    ]


def _known_device(user: User) -> str | None:
    return next((nonce for user_id, nonce in _devices() if user_id == user.id), None)


def remember_device(response: Response, user: User) -> None:
    """After a right password: this browser is known for this account from now on, with a new nonce."""
    entries = [[user.id, secrets.token_urlsafe(16)]]
    entries += [[user_id, nonce] for user_id, nonce in _devices() if user_id != user.id]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(entries[:DEVICE_ACCOUNTS_MAX]),
        max_age=_max_age(),
        path=url_for("auth.login"),  # only the sign-in form ever reads it
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def admit_tip() -> bool:
    """Count a reader's tip against their address (TIPS_PER_ADDRESS per TIP_WINDOW_SECONDS);
    False when over the limit. The address is kept only as a keyed hash, for the window."""
    import hashlib

    cfg = current_app.config
    digest = hashlib.blake2b(client_address().encode(), key=current_app.secret_key.encode()[:64], digest_size=16).hexdigest()
    now = utcnow()
    since = now - timedelta(seconds=cfg["TIP_WINDOW_SECONDS"])
    return _count(f"tip:{digest}", now, since) <= cfg["TIPS_PER_ADDRESS"]
