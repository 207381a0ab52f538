"""Tables of factcheck: users, articles and their sentences, claims, and the audit history."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    DDL,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    """Naive UTC, the one form every timestamp is stored in on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Role(enum.StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    VIEWER = "viewer"


class ClaimStatus(enum.StrEnum):
    UNASSIGNED = "unassigned"
    ASSIGNED = "assigned"
    IN_RESEARCH = "in_research"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    APPROVED = "approved"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


def _enum_column(enum_cls: type[enum.Enum], name: str):
    """A string column whose allowed values the database itself checks."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class User(UserMixin, db.Model):
    __tablename__ = "users"
    EMAIL_MAX = 254
    NAME_MAX = 120
    PASSWORD_MIN = 10
    PASSWORD_MAX = 256

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    role: Mapped[Role] = mapped_column(_enum_column(Role, "user_role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on login, logout, password change and deactivation; the session cookie carries it,
    # so a copied cookie stops working the moment the session it came from ends.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

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


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so every app process sees the same throttle."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(User.EMAIL_MAX), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Article(db.Model):
    __tablename__ = "articles"
    TITLE_MAX = 300
    OUTLET_MAX = 120
    URL_MAX = 2000
    BODY_MAX = 200_000

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    outlet: Mapped[str] = mapped_column(String(OUTLET_MAX))
    url: Mapped[str | None] = mapped_column(String(URL_MAX))
    published_on: Mapped[date | None]
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    created_by: Mapped[User] = relationship()
    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="article",
        order_by="Sentence.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    claims: Mapped[list[Claim]] = relationship(
        back_populates="article", order_by="[Claim.start, Claim.end, Claim.id]"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_body_locked(self) -> bool:
        """Claims point into the body by character offsets, so its text must not move under them."""
        return bool(self.claims)

    def can_edit(self, user: User) -> bool:
        return user.can_manage_articles

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.title!r}>"


class Sentence(db.Model):
    __tablename__ = "sentences"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]

    article: Mapped[Article] = relationship(back_populates="sentences")

    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
    )

    @property
    def text(self) -> str:
        return self.article.body[self.start : self.end]


class Claim(db.Model):
    __tablename__ = "claims"
    WORDING_MAX = 2000
    CLAIMANT_MAX = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="RESTRICT"))
    start: Mapped[int]
    end: Mapped[int]
    quote: Mapped[str] = mapped_column(Text)
    wording: Mapped[str] = mapped_column(Text)
    claimant: Mapped[str | None] = mapped_column(String(CLAIMANT_MAX))
    status: Mapped[ClaimStatus] = mapped_column(
        _enum_column(ClaimStatus, "claim_status"), default=ClaimStatus.UNASSIGNED, index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    article: Mapped[Article] = relationship(back_populates="claims")
    created_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("article_id", "start", "end"),
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
        Index("ix_claims_article_id_start", "article_id", "start"),
    )

    def can_edit(self, user: User) -> bool:
        return user.can_manage_articles

    def can_delete(self, user: User) -> bool:
        return user.can_manage_articles

    def __repr__(self) -> str:
        return f"<Claim {self.id} {self.status}>"


class AuditEvent(db.Model):
    """One row per change. Append-only: the database refuses UPDATE and DELETE on this table.
    It has no foreign key to what it describes, so a deleted claim keeps its history."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int]
    article_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id", "id"),)


APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit history is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit history is append-only'); END",
]
APPEND_ONLY_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit history is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
]

for _statement in APPEND_ONLY_SQLITE:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in APPEND_ONLY_POSTGRESQL:
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
