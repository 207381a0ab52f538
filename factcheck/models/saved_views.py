"""A person's saved views: a name for one filter of the claims list, shown in their menu."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class SavedView(db.Model):
    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name"),)
    NAME_MAX = 60
    QUERY_MAX = 2000  # the claims list's query string, without the page position
    PER_PERSON = 30  # a menu, not an archive

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    query: Mapped[str] = mapped_column(String(QUERY_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
