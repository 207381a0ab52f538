"""Accounts, their signed-in sessions, and the counters that throttle failed sign-ins."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Role, enum_column, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    EMAIL_MAX = 254
    NAME_MAX = 120
    PASSWORD_MIN = 10
    PASSWORD_MAX = 256

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    # The session this request is signed in with, set when its cookie has been checked (see
    # factcheck.sessions). Not columns: they belong to one request, not to the account.
    current_session = None  # a UserSession
    current_session_token = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the signed cookie: the token of this browser's session, never
        # the account id, so a cookie is only as good as the session row it names.
        return self.current_session_token

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_manage_articles(self) -> bool:
        """Create and edit articles and claims."""
        return self.role in (Role.ADMIN, Role.EDITOR)

    @property
    def can_manage_users(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class SessionEnd(enum.StrEnum):
    """Why a session ended; the sign-in page tells the person when its cookie comes back."""

    SIGNED_OUT = "signed_out"
    ENDED_ELSEWHERE = "ended_elsewhere"
    PASSWORD_CHANGED = "password_changed"
    DEACTIVATED = "deactivated"
    EXPIRED = "expired"

    @property
    def message(self) -> str:
        return {
            SessionEnd.SIGNED_OUT: "You signed out of this session.",
            SessionEnd.ENDED_ELSEWHERE: "You signed out on another device.",
            SessionEnd.PASSWORD_CHANGED: "Your password was changed, so you were signed out.",
            SessionEnd.DEACTIVATED: "An admin deactivated your account.",
            SessionEnd.EXPIRED: "You were signed out after a long time without activity.",
        }[self]


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so
    a copy of this table signs nobody in. Ended sessions stay, with why, until they age out."""

    __tablename__ = "user_sessions"
    __table_args__ = (
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
        Index("ix_user_sessions_user_id_ended_at", "user_id", "ended_at"),
    )
    USER_AGENT_MAX = 80

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_MAX))  # a summary: "Firefox on Android"
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[SessionEnd | None] = mapped_column(enum_column(SessionEnd, "session_end"))

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class LoginThrottle(db.Model):
    """Failed sign-ins counted per key in the current window, in the database so that every app
    process shares the count. One row per key, changed by a single upsert, so parallel attempts
    each see their own number (see factcheck.throttle)."""

    __tablename__ = "login_throttles"
    KEY_MAX = 300

    # "account:<email>", "address:<ip>" or "device:<nonce>"
    key: Mapped[str] = mapped_column(String(KEY_MAX), primary_key=True)
    attempts: Mapped[int]
    window_started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
