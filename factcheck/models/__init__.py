"""Tables of factcheck, one module per noun; import them from here."""

from .articles import Article, ArticleRevision, Sentence
from .audit import APPEND_ONLY_POSTGRESQL, APPEND_ONLY_SQLITE, AuditEvent
from .base import (
    MAX_ID,
    OPEN_FOR_REVIEWER,
    OPEN_STATUSES,
    AnchorOutcome,
    ClaimantKind,
    ClaimStatus,
    DropReason,
    EvidenceStance,
    RevisionSource,
    Role,
    utcnow,
)
from .claims import MOVES, Actor, Claim, ClaimAnchor, ClaimTerm, ClaimVector, Comment, Correction, Evidence, Rating, RatingTone, TermCount
from .counts import ClaimStatusCount
from .public import PolicyPage, Tip, TipStatus
from .notifications import (
    DEFAULT_DELIVERY,
    Channel,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    WebhookEndpoint,
    WebhookEvent,
)
from .saved_views import SavedView
from .tokens import TOKEN_PREFIX, ApiToken, TokenScope, new_api_token
from .users import LoginThrottle, SessionEnd, User, UserSession, new_session_token

__all__ = [
    "DEFAULT_DELIVERY",
    "Channel",
    "Delivery",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "OutboxMessage",
    "WebhookEndpoint",
    "WebhookEvent",
    "APPEND_ONLY_POSTGRESQL",
    "TOKEN_PREFIX",
    "ApiToken",
    "TokenScope",
    "new_api_token",
    "APPEND_ONLY_SQLITE",
    "MAX_ID",
    "MOVES",
    "OPEN_FOR_REVIEWER",
    "OPEN_STATUSES",
    "Actor",
    "AnchorOutcome",
    "Article",
    "ArticleRevision",
    "AuditEvent",
    "Claim",
    "ClaimAnchor",
    "ClaimTerm",
    "ClaimVector",
    "ClaimStatusCount",
    "TermCount",
    "ClaimStatus",
    "ClaimantKind",
    "Comment",
    "Correction",
    "DropReason",
    "Evidence",
    "EvidenceStance",
    "LoginThrottle",
    "PolicyPage",
    "Rating",
    "SavedView",
    "RatingTone",
    "RevisionSource",
    "Role",
    "Sentence",
    "SessionEnd",
    "Tip",
    "TipStatus",
    "User",
    "UserSession",
    "new_session_token",
    "utcnow",
]
