"""Articles and the sentences their text is split into."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import RevisionSource, enum_column, utcnow
from .users import User

if TYPE_CHECKING:
    from .claims import Claim


class Article(db.Model):
    __tablename__ = "articles"
    TITLE_MAX = 300
    OUTLET_MAX = 120
    AUTHOR_MAX = 200
    URL_MAX = 2000
    BODY_MAX = 200_000

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    outlet: Mapped[str] = mapped_column(String(OUTLET_MAX))
    author: Mapped[str | None] = mapped_column(String(AUTHOR_MAX))  # the byline, when known
    url: Mapped[str | None] = mapped_column(String(URL_MAX))
    published_on: Mapped[date | None]
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    scored_with: Mapped[str | None] = mapped_column(String(80))

    created_by: Mapped[User] = relationship()
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", order_by="ArticleRevision.number", cascade="all, delete-orphan", passive_deletes=True
    )
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

    def can_edit(self, user: User) -> bool:
        return user.can_manage_articles

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.title!r}>"


class ArticleRevision(db.Model):
    """One version of an article's text: numbered from 1, who brought it in, when and how. The
    article's body is its latest revision's text."""

    __tablename__ = "article_revisions"
    SOURCE_DETAIL_MAX = 2000

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    # Loaded only when read: the article page counts revisions and a new claim finds the latest
    # one without reading every earlier text.
    body: Mapped[str] = mapped_column(Text, deferred=True)
    source: Mapped[RevisionSource] = mapped_column(enum_column(RevisionSource, "revision_source"))
    # The file name of an upload or the address a text was fetched from.
    source_detail: Mapped[str | None] = mapped_column(String(SOURCE_DETAIL_MAX))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
    created_by: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("article_id", "number"),)


class Sentence(db.Model):
    __tablename__ = "sentences"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    # How likely the sentence holds a claim worth checking (0-1), from the suggester model
    # named in its article's scored_with; None when it could not be scored.
    score: Mapped[float | None]

    article: Mapped[Article] = relationship(back_populates="sentences")

    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
    )

    @property
    def text(self) -> str:
        return self.article.body[self.start : self.end]
