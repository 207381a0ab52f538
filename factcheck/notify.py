"""Who is told what when a claim moves. audit.record calls claim_recorded for every history row
of a claim, and add_comment calls comment_added, in the transaction of the change: the
notifications, the emails they call for and the webhook deliveries are all queued there, so
every path that moves a claim (pages, commands, the API) tells the same people, and a change
that is rolled back tells nobody."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .clock import localize, utc_midnight
from .extensions import db
from .mail import digest_email, notification_email
from .models import (
    DEFAULT_DELIVERY,
    OPEN_FOR_REVIEWER,
    AuditEvent,
    Channel,
    Claim,
    Comment,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    Role,
    User,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)

K = NotificationKind
# history action -> the kind of notification the claim's reviewer gets
TO_ASSIGNEE = {
    "assigned": K.ASSIGNED,
    "reassigned": K.ASSIGNED,
    "due_changed": K.ASSIGNED,
    "returned": K.RETURNED,
    "text_change_sent_back": K.RETURNED,
    "approved": K.APPROVED,
    "correction_issued": K.CORRECTED,
}
WEBHOOK_EVENTS = {
    "created": WebhookEvent.CREATED,
    "assigned": WebhookEvent.ASSIGNED,
    "reassigned": WebhookEvent.ASSIGNED,
    "submitted": WebhookEvent.SUBMITTED,
    "approved": WebhookEvent.APPROVED,
}


def app_url(path: str) -> str:
    """An absolute address in the app, from APP_URL (never a request's Host header)."""
    return current_app.config["APP_URL"].rstrip("/") + path


def claim_recorded(event: AuditEvent, claim: Claim) -> None:
    """Notify and queue what this history row of `claim` calls for (often nothing)."""
    notices = _notices(event, claim)
    events = _webhook_events(event, claim)
    if not notices and not events:
        return
    db.session.flush()  # ids for the keys that keep every message unique
    for kind, recipient, text, detail in notices:
        notify(recipient, kind, claim.id, text, detail)
    if events:
        queue_webhooks(event, claim, events)


def comment_added(comment: Comment) -> None:
    """Tell the people who work on the claim: its reviewer, its author, the editor who approved
    it and everyone who commented before, but never the one who wrote the comment."""
    claim = comment.claim
    people = [claim.assignee, claim.created_by, claim.approved_by]
    earlier = db.session.scalars(
        select(User).join(Comment, Comment.author_id == User.id).where(Comment.claim_id == claim.id).distinct()
    ).all()
    recipients = _unique(p for p in [*people, *earlier] if p is not None and p.id != comment.author_id)
    for person in recipients:
        notify(
            person, K.COMMENTED, claim.id,
            f"{comment.author.name} commented on claim #{claim.id}: {_short(claim.wording)}",
            comment.body,
        )


def notify(recipient: User, kind: NotificationKind, claim_id: int | None, text: str, detail: str | None = None) -> Notification | None:
    """One notification in the app, and the email the person's preference asks for (now, or
    held for the digest)."""
    if not recipient.active:
        return None
    delivery = preference(recipient.id, kind)
    notification = Notification(
        recipient=recipient, kind=kind, claim_id=claim_id, text=text[: Notification.TEXT_MAX],
        detail=detail, in_digest=delivery == Delivery.DIGEST,
    )
    db.session.add(notification)
    if delivery == Delivery.NOW:
        db.session.flush()
        db.session.add(OutboxMessage(
            key=f"email:notification:{notification.id}",
            channel=Channel.EMAIL,
            recipient_id=recipient.id,
            event=kind.value,
            payload=notification_email(recipient, notification),
        ))
    return notification


def preferences(user_id: int) -> dict[NotificationKind, Delivery]:
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(NotificationPreference.user_id == user_id)
        ).all()
    )
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NotificationKind}


def preference(user_id: int, kind: NotificationKind) -> Delivery:
    chosen = db.session.scalar(
        select(NotificationPreference.delivery).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == kind
        )
    )
    return chosen or DEFAULT_DELIVERY[kind]


def _notices(event: AuditEvent, claim: Claim) -> list[tuple]:
    actor = event.actor
    who = actor.name if actor else "Someone"
    number = f"claim #{claim.id}"
    notices = []
    kind = TO_ASSIGNEE.get(event.action)
    assignee = claim.assignee
    if kind and assignee is not None and assignee is not actor:
        due = f", due {due_text(claim)}" if claim.due_at else ", with no due date"
        text = {
            "assigned": f"{who} assigned you {number}{due}",
            "reassigned": f"{who} assigned you {number}{due}",
            "due_changed": f"{who} changed the due date of {number}{due.replace(', due', ' to')}",
            "returned": f"{who} returned {number} to you with a note",
            "text_change_sent_back": f"{who} sent {number} back to you: its words changed in the article",
            "approved": f"{who} approved your verdict on {number}",
            "correction_issued": f"{who} reopened your verdict on {number} for a correction",
        }[event.action]
        notices.append((kind, assignee, f"{text}: {_short(claim.wording)}", event.note))
    if event.action == "submitted":
        editors = db.session.scalars(
            select(User).where(User.role.in_([Role.EDITOR, Role.ADMIN]), User.active.is_(True)).order_by(User.id)
        ).all()
        text = f"{who} submitted a verdict on {number} for review: {_short(claim.wording)}"
        notices += [(K.SUBMITTED, editor, text, None) for editor in editors if editor is not actor]
    return notices


def _webhook_events(event: AuditEvent, claim: Claim) -> list[WebhookEvent]:
    first = WEBHOOK_EVENTS.get(event.action)
    if first is None:
        return []
    events = [first]
    if first is WebhookEvent.APPROVED:
        corrected = claim.corrected_at is not None and claim.corrected_at == claim.approved_at
        events.append(WebhookEvent.CORRECTED if corrected else WebhookEvent.PUBLISHED)
    return events


def queue_webhooks(event: AuditEvent, claim: Claim, events: list[WebhookEvent]) -> None:
    endpoints = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))).all()
    for endpoint in endpoints:
        for kind in events:
            if kind.value not in endpoint.events:
                continue
            body = {
                "id": f"evt_{event.id}_{kind.value.split('.')[1]}",
                "type": kind.value,
                "created_at": event.at.isoformat(timespec="seconds") + "Z" if event.at else None,
                "actor": {"id": event.actor.id, "name": event.actor.name} if event.actor else None,
                "note": event.note,
                "claim": claim_payload(claim),
            }
            db.session.add(OutboxMessage(
                key=f"webhook:{endpoint.id}:{body['id']}",
                channel=Channel.WEBHOOK,
                endpoint_id=endpoint.id,
                event=kind.value,
                payload={"body": json.dumps(body, ensure_ascii=False, sort_keys=True)},
            ))


def claim_payload(claim: Claim) -> dict:
    """A claim as webhook receivers see it."""
    from .export import verdict_url

    rating = claim.rating
    return {
        "id": claim.id,
        "url": app_url(f"/claims/{claim.id}"),
        "article": {"id": claim.article_id, "title": claim.article.title},
        "wording": claim.wording,
        "claimant": claim.claimant,
        "status": claim.status.value,
        "assignee": {"id": claim.assignee.id, "name": claim.assignee.name, "email": claim.assignee.email} if claim.assignee else None,
        "due_at": claim.due_at.isoformat(timespec="seconds") + "Z" if claim.due_at else None,
        "rating": rating.name if rating else None,
        "rationale": claim.rationale,
        "published_url": verdict_url(claim.id) if claim.first_published_at else None,
    }


def due_text(claim: Claim) -> str:
    local = localize(claim.due_at)
    text = local.strftime("%-d %b %Y")
    return f"{text}, {local.strftime('%H:%M')}" if claim.due_has_time else text


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return f"“{text}”" if len(text) <= limit else f"“{text[: limit - 1]}…”"


def _unique(people) -> list[User]:
    seen, result = set(), []
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            result.append(person)
    return result


# -- the daily digest ------------------------------------------------------------------------------


def queue_digests(day: date, now: datetime | None = None) -> int:
    """One digest email per person for `day` (a date in the newsroom's time zone), holding the
    notifications they chose to get in the digest since the last one, their claims due the next
    day and their overdue ones. A person with nothing to read gets none. Running it twice on a
    day queues nothing more: each digest's key names the person and the day."""
    now = now or utcnow()
    queued = 0
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    for person in people:
        key = f"digest:{person.id}:{day.isoformat()}"
        if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
            continue
        chosen = preferences(person.id)
        held = db.session.scalars(
            select(Notification)
            .where(Notification.in_digest.is_(True), Notification.recipient_id == person.id)
            .order_by(Notification.id)
        ).all()
        open_claims = select(Claim).where(Claim.assignee_id == person.id, Claim.status.in_(OPEN_FOR_REVIEWER))
        due_soon = overdue = []
        if chosen[K.DUE_SOON] == Delivery.DIGEST:
            start, end = utc_midnight(day + timedelta(days=1)), utc_midnight(day + timedelta(days=2))
            due_soon = db.session.scalars(
                open_claims.where(Claim.due_at >= max(start, now), Claim.due_at < end).order_by(Claim.due_at, Claim.id)
            ).all()
        if chosen[K.OVERDUE] == Delivery.DIGEST:
            overdue = db.session.scalars(open_claims.where(Claim.due_at < now).order_by(Claim.due_at, Claim.id)).all()
        if not (held or due_soon or overdue):
            continue
        db.session.add(OutboxMessage(
            key=key,
            channel=Channel.EMAIL,
            recipient_id=person.id,
            event="digest",
            payload=digest_email(
                person, day.strftime("%-d %B %Y"), held,
                [(c, due_text(c)) for c in due_soon], [(c, due_text(c)) for c in overdue],
            ),
        ))
        for notification in held:
            notification.in_digest = False
        queued += 1
    db.session.flush()
    return queued
