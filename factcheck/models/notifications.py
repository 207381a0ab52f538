"""Notifications: what a person is told in the app, how each kind reaches them by email, and
the outbox of messages (emails, webhook deliveries) that leave the process after the commit."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import enum_column, utcnow
from .users import User


class NotificationKind(enum.StrEnum):
    ASSIGNED = "assigned"
    RETURNED = "returned"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CORRECTED = "corrected"
    COMMENTED = "commented"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            "assigned": "A claim is assigned to you, or its due date changes",
            "returned": "An editor returns your verdict with a note",
            "submitted": "A verdict is submitted for review (editors)",
            "approved": "Your verdict is approved",
            "corrected": "A correction reopens a verdict you wrote",
            "commented": "Someone comments on a claim you work on",
            "due_soon": "A claim of yours is due tomorrow",
            "overdue": "A claim of yours is overdue",
        }[self.value]

    @property
    def digest_only(self) -> bool:
        """Reminders about deadlines are gathered once a day; there is no moment to send them at once."""
        return self in (NotificationKind.DUE_SOON, NotificationKind.OVERDUE)


class Delivery(enum.StrEnum):
    NOW = "now"
    DIGEST = "digest"
    NEVER = "never"

    @property
    def label(self) -> str:
        return {"now": "At once", "digest": "In the daily digest", "never": "Never"}[self.value]


# What a person who never chose gets: the moves that hand them work at once, the rest in the digest.
DEFAULT_DELIVERY = {
    NotificationKind.ASSIGNED: Delivery.NOW,
    NotificationKind.RETURNED: Delivery.NOW,
    NotificationKind.SUBMITTED: Delivery.NOW,
    NotificationKind.APPROVED: Delivery.DIGEST,
    NotificationKind.CORRECTED: Delivery.NOW,
    NotificationKind.COMMENTED: Delivery.DIGEST,
    NotificationKind.DUE_SOON: Delivery.DIGEST,
    NotificationKind.OVERDUE: Delivery.DIGEST,
}


class Notification(db.Model):
    """One thing a person is told, in the app (and by email as their preference says)."""

    __tablename__ = "notifications"
    TEXT_MAX = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, "notification_kind"))
    # No foreign key, like the history: a deleted claim leaves its notifications readable.
    claim_id: Mapped[int | None]
    text: Mapped[str] = mapped_column(String(TEXT_MAX))
    # The editor's note (a return, a correction) or the comment, shown under the text.
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Waiting for the recipient's next daily digest.
    in_digest: Mapped[bool] = mapped_column(Boolean, default=False)

    recipient: Mapped[User] = relationship()

    __table_args__ = (
        Index("ix_notifications_recipient_id_id", "recipient_id", "id"),
        Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),
        Index("ix_notifications_in_digest_recipient_id", "in_digest", "recipient_id"),
    )


class NotificationPreference(db.Model):
    """A person's choice for one kind; a kind without a row gets DEFAULT_DELIVERY."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, "notification_kind"), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "notification_delivery"))


class Channel(enum.StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class OutboxMessage(db.Model):
    """A message to send, written in the transaction of the change that caused it and delivered
    afterwards by `flask deliver`. `key` is unique, so the same message is never queued twice."""

    __tablename__ = "outbox_messages"
    KEY_MAX = 200
    MAX_ATTEMPTS = 10

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "outbox_channel"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    # email: {"to", "subject", "text", "html"}; webhook: {"body"} (the JSON text signed and sent)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Due for (another) attempt from then; None once delivered or given up.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)
    # A worker that took the message holds it until then; after a crash it is taken again.
    leased_until: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_status: Mapped[int | None]  # the HTTP status a webhook answered
    last_error: Mapped[str | None] = mapped_column(String(1000))

    endpoint: Mapped[WebhookEndpoint | None] = relationship(back_populates="deliveries")

    __table_args__ = (
        Index("ix_outbox_messages_next_attempt_at", "next_attempt_at"),
        Index("ix_outbox_messages_endpoint_id_id", "endpoint_id", "id"),
    )

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        if self.next_attempt_at is None:
            return "failed"
        return "retrying" if self.attempts else "pending"


class WebhookEvent(enum.StrEnum):
    CREATED = "claim.created"
    ASSIGNED = "claim.assigned"
    SUBMITTED = "claim.submitted"
    APPROVED = "claim.approved"
    PUBLISHED = "claim.published"
    CORRECTED = "claim.corrected"

    @property
    def label(self) -> str:
        return {
            "claim.created": "A claim is created",
            "claim.assigned": "A claim is assigned or reassigned",
            "claim.submitted": "A verdict is submitted for review",
            "claim.approved": "A verdict is approved (every approval)",
            "claim.published": "A verdict is published for the first time",
            "claim.corrected": "A corrected verdict replaces a published one",
        }[self.value]


class WebhookEndpoint(db.Model):
    """An address that hears about claims. The secret signs each delivery; it is shown once,
    when the endpoint is registered, and kept because every delivery is signed with it."""

    __tablename__ = "webhook_endpoints"
    URL_MAX = 2000
    DESCRIPTION_MAX = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="")
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    deliveries: Mapped[list[OutboxMessage]] = relationship(back_populates="endpoint", passive_deletes=True)

    __table_args__ = (UniqueConstraint("url"),)
