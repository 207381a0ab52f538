"""The history writer: one append-only audit row per change, added in the caller's transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from .extensions import db
from .models import Article, AuditEvent, Claim, PolicyPage, Rating, Tip, User
from .notify import claim_recorded

ENTITIES = {Article: "article", Claim: "claim", User: "user", Rating: "rating", PolicyPage: "policy_page", Tip: "tip"}


def record(
    actor: User | None,
    action: str,
    obj: Article | Claim | User | Rating | PolicyPage | Tip,
    *,
    changes: dict[str, Any] | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    evidence_id: int | None = None,
) -> AuditEvent:
    article_id = obj.id if isinstance(obj, Article) else getattr(obj, "article_id", None)
    event = AuditEvent(
        actor=actor,
        entity=ENTITIES[type(obj)],
        entity_id=obj.id,
        article_id=article_id,
        action=action,
        changes=_jsonable(changes) if changes else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
        evidence_id=evidence_id,
    )
    db.session.add(event)
    if isinstance(obj, Claim):
        # Who must hear of it (in the app, by email, by webhook), queued in this same transaction.
        claim_recorded(event, obj)
    return event


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return {key: plain(value) for key, value in changes.items()}
