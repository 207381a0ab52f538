"""Personal API tokens: making one (shown once), revoking it, finding the token a request
carries, and counting its requests against the rate limit.

Only the SHA-256 of a token is stored. A token is 256 random bits, so unlike a password it
cannot be guessed from its hash by trying candidates, and a fast, unsalted hash lets the
database find it by a unique index in one lookup per request (a salted slow hash would need
the owner first and cost tens of milliseconds each time)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, select, update

from .audit import record
from .errors import DomainError
from .extensions import db
from .models import ApiToken, TokenScope, User, new_api_token, utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, *, name: str, scope: str | TokenScope, by: User | None) -> tuple[ApiToken, str]:
    """A new token for `user`; the second value is the token itself, never stored or shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(ApiToken.NAME_REQUIRED, field="name")
    if len(name) > ApiToken.NAME_MAX:
        raise DomainError(f"The name is limited to {ApiToken.NAME_MAX} characters.", field="name")
    try:
        scope = TokenScope(scope)
    except ValueError:
        raise DomainError("Choose read or write.", field="scope") from None
    raw = new_api_token()
    token = ApiToken(
        user=user, name=name, scope=scope, token_hash=hash_token(raw), prefix=raw[: ApiToken.PREFIX_LENGTH]
    )
    db.session.add(token)
    db.session.flush()
    record(by, "api_token_created", user, changes={"api token": [None, f"{name} ({scope.value}, {token.prefix}…)"]})
    db.session.flush()
    return token, raw


def revoke_token(token: ApiToken, *, by: User | None) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    record(by, "api_token_revoked", token.user, changes={"api token": [f"{token.name} ({token.prefix}…)", None]})
    db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    """A person's tokens, live ones first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        )
    )


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def find_token(raw: str | None) -> ApiToken | None:
    """The live token of an active person, or None (missing, forged, revoked or deactivated)."""
    if not raw or len(raw) > 200:
        return None
    found = db.session.execute(
        select(ApiToken, User)
        .join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    return found[0] if found else None


@dataclass(frozen=True)
class Counted:
    retry_after: int | None  # None while within the limit, else seconds until the window ends


def count_request(raw: str) -> Counted | None:
    """Count one request against the fixed window of the live token `raw` (None when there is
    no such token). One UPDATE ... RETURNING, committed at once on a connection of its own and
    before the request's own transaction starts (on SQLite a writing request holds the write
    lock from its first statement): parallel requests on any app server each see their own
    number, and a request that fails later still counts. It also dates the token's last use."""
    if len(raw) > 200:
        return None
    limit = current_app.config["API_RATE_LIMIT"]
    window = timedelta(seconds=current_app.config["API_RATE_WINDOW_SECONDS"])
    now = utcnow()
    table = ApiToken.__table__
    over = (table.c.window_started_at.is_(None)) | (table.c.window_started_at <= now - window)
    statement = (
        update(table)
        .where(table.c.token_hash == hash_token(raw), table.c.revoked_at.is_(None))
        .values(
            window_requests=case((over, 1), else_=table.c.window_requests + 1),
            window_started_at=case((over, now), else_=table.c.window_started_at),
            last_used_at=now,
        )
        .returning(table.c.window_requests, table.c.window_started_at)
    )
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):  # one connection only
        row = db.session.execute(statement).first()
    else:
        with db.engine.begin() as connection:
            row = connection.execute(statement).first()
    if row is None:
        return None
    requests, started = row
    if requests <= limit:
        return Counted(None)
    return Counted(max(1, math.ceil((started + window - now).total_seconds())))
