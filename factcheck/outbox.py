"""Delivering the outbox: emails and webhook deliveries queued in the transaction of the change
that caused them, sent afterwards by `flask deliver`, retried with growing pauses.

What is guaranteed. A message is taken by committing a lease on it (attempts + 1, leased_until)
before it is sent, and marked delivered in a second commit after the server accepted it:
- a crash after the change's commit and before any send loses nothing: the row is committed
  with the change and waits for the next run;
- two workers never send the same message at once: a leased row is skipped by the others
  (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite) until its lease ends;
- a message marked delivered is never sent again (only "Send again" queues a new copy);
- a worker that dies after the server accepted a message and before marking it delivered
  leaves it leased; when the lease ends it is sent once more, with the same Message-ID (email)
  or the same Factcheck-Delivery id and event id (webhooks), by which the receiver can tell it
  already has it. Exactly-once is not possible over SMTP or HTTP; at-least-once with a stable id
  is what this gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .mail import Connection, build_message
from .models import Channel, OutboxMessage, utcnow

LEASE_SECONDS = 300
BATCH = 50


def backoff(attempts: int) -> timedelta:
    """The pause after the n-th failed attempt: 30 s, 1 min, 2 min ... at most 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


@dataclass
class Report:
    delivered: int = 0
    failed: int = 0  # attempts that failed (the message is retried later, or given up)

    def __iadd__(self, other: Report) -> Report:
        self.delivered += other.delivered
        self.failed += other.failed
        return self


def take(limit: int = BATCH, now: datetime | None = None, lease_seconds: int | None = None) -> list[int]:
    """Lease up to `limit` messages that are due and commit the lease; their ids."""
    now = now or utcnow()
    lease = timedelta(seconds=lease_seconds or current_app.config.get("OUTBOX_LEASE_SECONDS", LEASE_SECONDS))
    due = select(OutboxMessage.id).where(
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now),
    )
    if not current_app.config.get("MAIL_SERVER"):
        # Emails wait, attempts untouched, until a mail server is configured.
        due = due.where(OutboxMessage.channel != Channel.EMAIL)
    ids = db.session.scalars(
        due
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(leased_until=now + lease, attempts=OutboxMessage.attempts + 1)
        )
    db.session.commit()
    return list(ids)


def emails_waiting_for_a_server() -> int:
    """Emails that cannot leave because MAIL_SERVER is not set (0 when it is)."""
    if current_app.config.get("MAIL_SERVER"):
        return 0
    return db.session.scalar(
        select(db.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.channel == Channel.EMAIL, OutboxMessage.next_attempt_at.is_not(None)
        )
    )


def send_one(message: OutboxMessage, smtp) -> int | None:
    """Send it; the HTTP status for a webhook. Raises DeliveryFailed (or the transport's error)."""
    if message.channel == Channel.EMAIL:
        smtp.send(build_message(message.payload, message.id))
        return None
    from .webhooks import send_delivery

    return send_delivery(message)


class DeliveryFailed(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


def mark_delivered(message: OutboxMessage, status: int | None) -> None:
    message.delivered_at = utcnow()
    message.next_attempt_at = None
    message.leased_until = None
    message.last_status = status
    message.last_error = None
    db.session.commit()


def mark_failed(message: OutboxMessage, error: str, status: int | None = None) -> None:
    message.leased_until = None
    message.last_status = status
    message.last_error = error[:1000]
    if message.attempts >= OutboxMessage.MAX_ATTEMPTS:
        message.next_attempt_at = None  # given up; "Send again" queues a new copy
    else:
        message.next_attempt_at = utcnow() + backoff(message.attempts)
    db.session.commit()


def deliver_pending(limit: int | None = None, now: datetime | None = None) -> Report:
    """Deliver what is due now, batch after batch, until nothing is left (or `limit` were tried)."""
    report = Report()
    tried = 0
    while limit is None or tried < limit:
        ids = take(BATCH if limit is None else min(BATCH, limit - tried), now=now)
        if not ids:
            break
        tried += len(ids)
        report += deliver(ids)
    return report


def deliver(ids: list[int]) -> Report:
    """Send these leased messages, marking each as it goes (emails share one SMTP session)."""
    report = Report()
    with Connection() as smtp:
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            if message is None or message.delivered_at is not None:
                continue
            try:
                status = send_one(message, smtp)
            except DeliveryFailed as failure:
                mark_failed(message, failure.message, failure.status)
                report.failed += 1
                continue
            except Exception as error:  # noqa: BLE001 - any failure of the transport is retried
                current_app.logger.warning("outbox message %s not delivered: %s", message_id, error)
                mark_failed(message, f"{type(error).__name__}: {error}")
                report.failed += 1
                continue
            mark_delivered(message, status)
            report.delivered += 1
    return report


def send_again(original: OutboxMessage) -> OutboxMessage:
    """A new copy of a message, due now, kept beside the original in the delivery log."""
    copies = db.session.scalar(
        select(db.func.count()).select_from(OutboxMessage).where(OutboxMessage.key.startswith(f"{original.key}#again", autoescape=True))
    )
    copy = OutboxMessage(
        key=f"{original.key}#again{copies + 1}"[: OutboxMessage.KEY_MAX],
        channel=original.channel,
        recipient_id=original.recipient_id,
        endpoint_id=original.endpoint_id,
        event=original.event,
        payload=original.payload,
    )
    db.session.add(copy)
    db.session.flush()
    return copy


# -- RQ: deliver at once when Redis is configured ------------------------------------------------

QUEUE = "factcheck-outbox"


@event.listens_for(Session, "after_flush")
def _note_queued_messages(session, _context) -> None:
    if any(isinstance(obj, OutboxMessage) for obj in session.new):
        session.info["outbox_queued"] = True


@event.listens_for(Session, "after_rollback")
def _forget_queued_messages(session) -> None:
    session.info.pop("outbox_queued", None)


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session) -> None:
    # Only after the commit: the job must find the rows. Losing this wake-up loses nothing; the
    # rows wait for the next job or for `flask deliver`.
    if session.info.pop("outbox_queued", False) and has_app_context() and current_app.config.get("REDIS_URL"):
        wake_worker()


def _queue(url: str):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE, connection=Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))


def wake_worker(delay: timedelta | None = None) -> None:
    """Ask an RQ worker (`rq worker factcheck-outbox --with-scheduler`) to deliver now, or after
    `delay` (the next retry). Never raises: without Redis, `flask deliver` still sends everything."""
    try:
        queue = _queue(current_app.config["REDIS_URL"])
        if delay is None:
            queue.enqueue(deliver_job, job_timeout=600)
        else:
            queue.enqueue_in(delay, deliver_job, job_timeout=600)
    except Exception as error:  # noqa: BLE001 - Redis down: the outbox keeps the messages
        current_app.logger.warning("could not queue the delivery job in Redis (%s); flask deliver will send it", error)


_worker_app = None


def deliver_job() -> str:
    """The RQ job: deliver what is due, then book a job for the earliest retry."""
    global _worker_app
    if has_app_context():
        return _deliver_and_book_retry()
    if _worker_app is None:
        from . import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            return _deliver_and_book_retry()
        finally:
            db.session.remove()


def _deliver_and_book_retry() -> str:
    report = deliver_pending()
    upcoming = db.session.scalar(
        select(db.func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.delivered_at.is_(None))
    )
    if upcoming is not None and current_app.config.get("REDIS_URL"):
        wake_worker(max(upcoming - utcnow(), timedelta(seconds=1)))
    return f"delivered {report.delivered}, failed {report.failed}"
