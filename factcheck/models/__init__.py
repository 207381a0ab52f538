"""Tables of factcheck, one module per noun; import them from here."""

from .articles import Article, Sentence
from .audit import APPEND_ONLY_POSTGRESQL, APPEND_ONLY_SQLITE, AuditEvent
from .base import MAX_ID, OPEN_FOR_REVIEWER, OPEN_STATUSES, ClaimantKind, ClaimStatus, DropReason, EvidenceStance, Role, utcnow
from .claims import MOVES, Actor, Claim, ClaimTerm, Comment, Correction, Evidence, Rating, RatingTone, TermCount
from .saved_views import SavedView
from .users import LoginAttempt, User, new_session_token

__all__ = [
    "APPEND_ONLY_POSTGRESQL",
    "APPEND_ONLY_SQLITE",
    "MAX_ID",
    "MOVES",
    "OPEN_FOR_REVIEWER",
    "OPEN_STATUSES",
    "Actor",
    "Article",
    "AuditEvent",
    "Claim",
    "ClaimTerm",
    "TermCount",
    "ClaimStatus",
    "ClaimantKind",
    "Comment",
    "Correction",
    "DropReason",
    "Evidence",
    "EvidenceStance",
    "LoginAttempt",
    "Rating",
    "SavedView",
    "RatingTone",
    "Role",
    "Sentence",
    "User",
    "new_session_token",
    "utcnow",
]
