"""Tables of factcheck, one module per noun; import them from here."""

from .articles import Article, Sentence
from .audit import APPEND_ONLY_POSTGRESQL, APPEND_ONLY_SQLITE, AuditEvent
from .base import OPEN_FOR_REVIEWER, OPEN_STATUSES, ClaimStatus, DropReason, EvidenceStance, Role, utcnow
from .claims import MOVES, Actor, Claim, ClaimTerm, Comment, Correction, Evidence, Rating, RatingTone, TermCount
from .counts import ClaimStatusCount
from .users import LoginAttempt, User, new_session_token

__all__ = [
    "APPEND_ONLY_POSTGRESQL",
    "APPEND_ONLY_SQLITE",
    "MOVES",
    "OPEN_FOR_REVIEWER",
    "OPEN_STATUSES",
    "Actor",
    "Article",
    "AuditEvent",
    "Claim",
    "ClaimTerm",
    "ClaimStatusCount",
    "TermCount",
    "ClaimStatus",
    "Comment",
    "Correction",
    "DropReason",
    "Evidence",
    "EvidenceStance",
    "LoginAttempt",
    "Rating",
    "RatingTone",
    "Role",
    "Sentence",
    "User",
    "new_session_token",
    "utcnow",
]
