"""What the public side keeps besides verdicts: the policy pages an admin writes, and the tips
readers send in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .articles import Article
from .base import enum_column, utcnow
from .claims import Claim
from .users import User


class PolicyPage(db.Model):
    """One of the fixed pages readers and fact-check assessors look for (about, methodology,
    corrections policy, contact), written in Markdown by an admin."""

    __tablename__ = "policy_pages"
    # slug -> title; the addresses are fixed, so ClaimReview can point at them.
    PAGES = {
        "about": "About us",
        "methodology": "How we check",
        "corrections-policy": "Corrections policy",
        "contact": "Contact us",
    }
    TITLE_MAX = 120
    BODY_MAX = 50_000
    TITLE_REQUIRED = "Give the page a title."
    BODY_REQUIRED = "Write the page; readers and assessors look for it."

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class TipStatus(enum.StrEnum):
    NEW = "new"
    ARTICLE = "article"  # turned into an article
    CLAIM = "claim"  # turned into a claim
    DUPLICATE = "duplicate"  # merged into an earlier tip
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return {
            "new": "New", "article": "Made an article", "claim": "Made a claim",
            "duplicate": "Merged", "dismissed": "Dismissed",
        }[self.value]


class Tip(db.Model):
    """A claim a reader asks the desk to check. The reader's contact is for editors only and is
    erased after TIP_CONTACT_DAYS (purge-tip-contacts); nothing else about the sender is kept."""

    __tablename__ = "tips"
    TEXT_MAX = 2000
    CONTACT_MAX = 200
    URL_MAX = 2000
    TEXT_REQUIRED = "Tell us what the claim says, in your own words."

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    seen_at: Mapped[str | None] = mapped_column(String(URL_MAX))
    contact: Mapped[str | None] = mapped_column(String(CONTACT_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    status: Mapped[TipStatus] = mapped_column(enum_column(TipStatus, "tip_status"), default=TipStatus.NEW)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id", ondelete="SET NULL"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)
    contact_erased_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    duplicate_of: Mapped[Tip | None] = relationship(remote_side=[id])
    article: Mapped[Article | None] = relationship()
    claim: Mapped[Claim | None] = relationship()
    handled_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_tips_status_id", "status", "id"),)
