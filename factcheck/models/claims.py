"""Claims and what is attached to them: evidence, the rating scale of verdicts, comments.
Who may make each move on a claim, and from which statuses, is declared here in MOVES."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON, BigInteger, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .articles import Article, ArticleRevision
from .base import OPEN_FOR_REVIEWER, AnchorOutcome, ClaimantKind, ClaimStatus, DropReason, EvidenceStance, Role, enum_column, utcnow
from .users import User

S = ClaimStatus


class Actor(enum.Enum):
    EDITOR = "an editor"  # editors and admins
    ASSIGNEE = "the assigned reviewer"  # the reviewer the claim is assigned to, or an admin
    PARTICIPANT = "an editor or the assigned reviewer"


# move -> (who may make it, the statuses it may be made from)
MOVES: dict[str, tuple[Actor, frozenset[ClaimStatus]]] = {
    "edit": (Actor.EDITOR, frozenset(S) - {S.APPROVED}),
    "delete": (Actor.EDITOR, frozenset({S.UNASSIGNED, S.DROPPED})),
    "assign": (Actor.EDITOR, frozenset({S.UNASSIGNED, S.ASSIGNED, S.IN_RESEARCH, S.RETURNED})),
    "start_research": (Actor.ASSIGNEE, frozenset({S.ASSIGNED, S.RETURNED})),
    "work": (Actor.ASSIGNEE, frozenset({S.IN_RESEARCH})),  # evidence and verdict drafts
    "submit_verdict": (Actor.ASSIGNEE, frozenset({S.IN_RESEARCH})),
    "approve": (Actor.EDITOR, frozenset({S.IN_REVIEW})),
    "return_for_work": (Actor.EDITOR, frozenset({S.IN_REVIEW})),
    "drop": (Actor.EDITOR, frozenset(S) - {S.APPROVED, S.DROPPED}),
    "restore": (Actor.EDITOR, frozenset({S.DROPPED})),
    "comment": (Actor.PARTICIPANT, frozenset(S)),
    "correct": (Actor.EDITOR, frozenset({S.APPROVED})),
}


class RatingTone(enum.StrEnum):
    """The colour a rating's pill takes: green to red rank a claim from true to false; purple
    and slate are for ratings off that line (misleading, unproven)."""

    GREEN = "green"
    LIME = "lime"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"
    PURPLE = "purple"
    SLATE = "slate"

    @property
    def on_true_false_line(self) -> bool:
        return self not in (RatingTone.PURPLE, RatingTone.SLATE)

    @property
    def label(self) -> str:
        return self.value.capitalize() + ("" if self.on_true_false_line else " (off the true–false scale)")


class Rating(db.Model):
    """One step of the newsroom's verdict scale. Retired ratings stay valid on old verdicts."""

    __tablename__ = "ratings"
    NAME_MAX = 60
    NAME_REQUIRED = "Give the rating a name."
    DESCRIPTION_MAX = 300

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    position: Mapped[int]
    tone: Mapped[RatingTone] = mapped_column(enum_column(RatingTone, "rating_tone"), default=RatingTone.SLATE)
    needs_evidence: Mapped[bool] = mapped_column(Boolean, default=True)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Rating {self.name}>"


class Claim(db.Model):
    __tablename__ = "claims"
    WORDING_MAX = 2000
    CLAIMANT_MAX = 200
    NOTE_MAX = 5000
    RATIONALE_MAX = 20_000
    WORDING_REQUIRED = "The claim needs a checkable wording."
    DUPLICATE_NOT_FOUND = "That earlier claim could not be found; choose one of those listed."
    RETURN_NOTE_REQUIRED = "Say what needs doing; the reviewer sees this note in their queue."

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="RESTRICT"))
    # Offsets in the article's current text (code points); None when the words are gone from
    # it, while quote keeps the words last found. prefix and suffix are the text just around the
    # quote, which tells repeated quotes apart when the text changes (see anchoring.py).
    start: Mapped[int | None]
    end: Mapped[int | None]
    quote: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(String(64), default="", server_default="")
    suffix: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # What the latest revision did to the claim's words (None: made on the current text), and
    # whether an editor must still decide about work done on the earlier words.
    anchor_outcome: Mapped[AnchorOutcome | None] = mapped_column(enum_column(AnchorOutcome, "anchor_outcome"))
    text_changed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    wording: Mapped[str] = mapped_column(Text)
    claimant: Mapped[str | None] = mapped_column(String(CLAIMANT_MAX))
    claimant_kind: Mapped[ClaimantKind] = mapped_column(
        enum_column(ClaimantKind, "claimant_kind"), default=ClaimantKind.PERSON, server_default="person"
    )
    status: Mapped[ClaimStatus] = mapped_column(
        enum_column(ClaimStatus, "claim_status"), default=ClaimStatus.UNASSIGNED
    )
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # The deadline as an instant (UTC); a date without a time means the end of that day in the
    # newsroom's time zone, and due_has_time says which the editor gave.
    due_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    due_has_time: Mapped[bool] = mapped_column(Boolean, default=False)
    return_note: Mapped[str | None] = mapped_column(Text)
    drop_reason: Mapped[DropReason | None] = mapped_column(enum_column(DropReason, "drop_reason"))
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id", ondelete="RESTRICT"))
    rationale: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # What readers see: the verdict as last approved. It stays up while a correction is worked
    # on, and is replaced when the corrected verdict is approved.
    published_rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id", ondelete="RESTRICT"))
    published_rationale: Mapped[str | None] = mapped_column(Text)
    published_wording: Mapped[str | None] = mapped_column(Text)
    # The sources readers see: [{"evidence_id", "source", "url", "archive_url", "summary"}],
    # withheld ones left out (and one withheld later is hidden again when shown).
    published_sources: Mapped[list[dict] | None] = mapped_column(JSON)
    # Everything else readers see, as it was when the verdict was approved, so renaming a
    # rating or editing the article changes nothing public until a correction is approved:
    # {"rating": {name, tone, value, best, worst}, "article": {title, outlet, url, published_on},
    #  "claimant": {name, kind}, "context": [before, quote, after]}
    published_snapshot: Mapped[dict | None] = mapped_column(JSON)
    first_published_at: Mapped[datetime | None] = mapped_column(DateTime)
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    article: Mapped[Article] = relationship(back_populates="claims")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    rating: Mapped[Rating | None] = relationship(foreign_keys=[rating_id])
    published_rating: Mapped[Rating | None] = relationship(foreign_keys=[published_rating_id])
    corrections: Mapped[list[Correction]] = relationship(
        back_populates="claim", order_by="Correction.id", cascade="all, delete-orphan", passive_deletes=True
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="claim", order_by="Evidence.id", cascade="all, delete-orphan", passive_deletes=True
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="claim", order_by="Comment.id", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("article_id", "start", "end"),
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
        Index("ix_claims_article_id_start", "article_id", "start"),
        # The dashboard's and lists' questions start from a status: open claims per reviewer and
        # overdue ones (answered from the index alone), articles with open claims, and a list of
        # one status newest or oldest first (read in index order, with no sort; the database
        # picks these without planner statistics, which a newsroom's SQLite file never gathers).
        Index("ix_claims_status_assignee_id_due_at", "status", "assignee_id", "due_at"),
        Index("ix_claims_status_article_id", "status", "article_id"),
        Index("ix_claims_status_id", "status", "id"),
        # The public archive, newest first, a keyset page at a time.
        Index("ix_claims_first_published_at_id", "first_published_at", "id"),
    )

    def is_actor(self, user: User, move: str) -> bool:
        """Whether this person may make this kind of move on this claim (whatever its status)."""
        actor, _ = MOVES[move]
        is_editor = user.role in (Role.ADMIN, Role.EDITOR)
        is_assignee = user.role == Role.ADMIN or (
            user.role == Role.REVIEWER and self.assignee_id is not None and self.assignee_id == user.id
        )
        if actor is Actor.EDITOR:
            return is_editor
        if actor is Actor.ASSIGNEE:
            return is_assignee
        return is_editor or is_assignee

    def allows(self, move: str) -> bool:
        """Whether the claim's status allows this move now. A published verdict is never
        dropped or deleted: readers have seen it; it can only be corrected."""
        if move in ("drop", "delete") and self.is_published:
            return False
        return self.status in MOVES[move][1]

    def can(self, user: User, move: str) -> bool:
        return self.is_actor(user, move) and self.allows(move)

    def can_edit(self, user: User) -> bool:
        return self.can(user, "edit")

    def can_delete(self, user: User) -> bool:
        return self.can(user, "delete")

    @property
    def is_published(self) -> bool:
        return self.first_published_at is not None

    def is_overdue(self, now: datetime | None = None) -> bool:
        return (
            self.due_at is not None
            and self.status in OPEN_FOR_REVIEWER
            and self.due_at < (now or utcnow())
        )

    def __repr__(self) -> str:
        return f"<Claim {self.id} {self.status}>"


class Evidence(db.Model):
    __tablename__ = "evidence"
    URL_MAX = 2000
    SOURCE_MAX = 200
    NOTE_MAX = 2000
    # What the form and the verb say when a field is missing (one wording for both).
    URL_REQUIRED = "Paste the address of the source."
    SOURCE_REQUIRED = "Name the source or give the page's title."
    STANCE_REQUIRED = "Say whether it supports, contradicts or gives context."
    WITHHELD_REASON_REQUIRED = "Say why the source must stay private."

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    stance: Mapped[EvidenceStance] = mapped_column(enum_column(EvidenceStance, "evidence_stance"))
    summary: Mapped[str | None] = mapped_column(Text)
    archive_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    withheld_reason: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    claim: Mapped[Claim] = relationship(back_populates="evidence")
    added_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def is_visible_to(self, user: User) -> bool:
        """Withheld sources are for the desk: hidden from viewers (and from exports)."""
        return not self.withheld or Evidence.may_see_withheld(user)

    @staticmethod
    def may_see_withheld(user: User) -> bool:
        return user.role != Role.VIEWER


class Comment(db.Model):
    __tablename__ = "comments"
    BODY_MAX = 5000
    BODY_REQUIRED = "Write something first."

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class ClaimAnchor(db.Model):
    """Where a claim stood in one revision of its article's text, and how it was found there:
    the record that makes re-anchoring explainable and repeatable."""

    __tablename__ = "claim_anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("article_revisions.id", ondelete="CASCADE"), index=True)
    start: Mapped[int | None]
    end: Mapped[int | None]
    quote: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))  # created, unchanged, changed or gone
    method: Mapped[str] = mapped_column(String(120))
    similarity: Mapped[float | None]

    claim: Mapped[Claim] = relationship()
    revision: Mapped[ArticleRevision] = relationship()

    __table_args__ = (UniqueConstraint("claim_id", "revision_id"),)


class Correction(db.Model):
    """A published verdict reopened to be corrected: why, by whom, and when the corrected
    verdict went out. The public corrections log lists the published ones."""

    __tablename__ = "corrections"
    NOTE_MAX = 5000
    NOTE_REQUIRED = "Say what changed and why; the reviewer sees this note in their queue."
    PUBLIC_NOTE_REQUIRED = (
        "Write the correction notice readers will see: what changed and why, in a sentence or two."
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    # The editor's instructions to the reviewer: internal, never shown to readers.
    note: Mapped[str] = mapped_column(Text)
    # What readers see on the verdict page and in the corrections log, written by the editor
    # when approving the corrected verdict.
    public_note: Mapped[str | None] = mapped_column(Text)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    previous_rating: Mapped[str | None] = mapped_column(String(Rating.NAME_MAX))
    new_rating: Mapped[str | None] = mapped_column(String(Rating.NAME_MAX))
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    claim: Mapped[Claim] = relationship(back_populates="corrections")
    issued_by: Mapped[User] = relationship()


class ClaimTerm(db.Model):
    """The distinct words of a claim's wording and quote: the index duplicate matching uses."""

    __tablename__ = "claim_terms"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    term: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_claim_terms_term", "term"),)


class TermCount(db.Model):
    """How many claims hold each word: what makes a word rare or common when matching. Kept
    with claim_terms by matching.index_claim and unindex_claim; `flask index-claims` rebuilds it."""

    __tablename__ = "term_counts"

    term: Mapped[str] = mapped_column(String(40), primary_key=True)
    claims: Mapped[int] = mapped_column(Integer, default=0)


class ClaimVector(db.Model):
    """A claim's wording as the encoder's sentence vector (384 signed bytes, length 127): what
    finds earlier claims that say the same thing in other words. `seq` grows with every write,
    so an app server's copy of the vectors can tell what changed (factcheck/claim_vectors.py)."""

    __tablename__ = "claim_vectors"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(BigInteger)
    vector: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("ix_claim_vectors_model_seq", "model", "seq"),)
