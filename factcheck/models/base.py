"""What every table module shares: timestamps, database-checked enums, roles and statuses."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum

MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL


def utcnow() -> datetime:
    """Naive UTC, the one form every timestamp is stored in on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


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


# A reviewer owes work on these: they count towards workload and can be overdue.
OPEN_FOR_REVIEWER = (ClaimStatus.ASSIGNED, ClaimStatus.IN_RESEARCH, ClaimStatus.RETURNED)
# Still being worked on: neither published nor dropped. Listed (not "not in") so that an index
# led by status can answer.
OPEN_STATUSES = tuple(s for s in ClaimStatus if s not in (ClaimStatus.APPROVED, ClaimStatus.DROPPED))


class DropReason(enum.StrEnum):
    NOT_CHECKABLE = "not_checkable"
    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out_of_scope"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ClaimantKind(enum.StrEnum):
    """Who made a claim: ClaimReview types its author as a Person or an Organization."""

    PERSON = "person"
    ORGANIZATION = "organization"

    @property
    def label(self) -> str:
        return "A person" if self is ClaimantKind.PERSON else "An organisation"


class RevisionSource(enum.StrEnum):
    """Where a revision of an article's text came from."""

    PASTE = "paste"
    UPLOAD = "upload"
    LINK = "link"

    @property
    def label(self) -> str:
        return {"paste": "pasted", "upload": "uploaded", "link": "fetched from its address"}[self.value]


class AnchorOutcome(enum.StrEnum):
    """What became of a claim's words when its article got a new revision."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    GONE = "gone"


class EvidenceStance(enum.StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    CONTEXT = "context"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def enum_column(enum_cls: type[enum.Enum], name: str):
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
