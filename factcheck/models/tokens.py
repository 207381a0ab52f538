"""Personal API tokens: a person's key for scripts, with a scope, and the request counts that
limit how fast one token may call the API."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow
from .users import User

TOKEN_PREFIX = "fct_"  # says what the string is, in a log or a secret scanner's rules


def new_api_token() -> str:
    """256 random bits: far beyond guessing, so a fast hash of it is as safe to store as a slow
    one (slow hashes protect low-entropy passwords) and can be looked up by an index."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"

    @property
    def label(self) -> str:
        return "Read only" if self is TokenScope.READ else "Read and write"


class ApiToken(db.Model):
    """One personal token. Only the SHA-256 of the token is stored; `prefix` (its first
    characters) lets a person recognise it in the list. A revoked token stays listed, dead.
    The token acts as its owner: their role limits it, and its scope may only narrow that."""

    __tablename__ = "api_tokens"
    NAME_MAX = 80
    PREFIX_LENGTH = 12  # "fct_" and 8 random characters
    NAME_REQUIRED = "Name the token after what will use it, e.g. CMS plug-in."

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, "token_scope"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(PREFIX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The rate limit's fixed window, counted in the database so every app server shares it.
    window_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    window_requests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def may_write(self) -> bool:
        return self.scope is TokenScope.WRITE

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… {self.scope}>"
