"""Email: what a notification and a digest say, delivery through a real SMTP server (aiosmtpd,
in this process) with retries, and what a crash at any point does to a message."""

from __future__ import annotations

import email
import socket
import subprocess
import sys
from datetime import date, timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from factcheck import create_app, outbox, workflow
from factcheck.extensions import db
from factcheck.models import Claim, Notification, NotificationKind, NotificationPreference, Delivery, OutboxMessage, User, utcnow

from . import factories

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server accepted, as parsed messages."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="Desk <factcheck@desk.example.org>")
    inbox.port = port
    yield inbox
    controller.stop()


def deliver(app, **kwargs) -> outbox.Report:
    with app.app_context():
        report = outbox.deliver_pending(**kwargs)
        db.session.remove()
        return report


def assign(app, users, due: str = "2031-03-14") -> int:
    article = factories.make_article(app, users["editor"])
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    client = app.test_client()
    factories.sign_in(client, app, users["editor"])
    version = factories.get(app, Claim, claim).version
    assert client.post(f"/claims/{claim}/assign", data={"assignee": users["reviewer"], "due_date": due, "version": version}).status_code == 302
    return claim


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_an_assignment_email_arrives_with_its_due_date_a_link_to_the_claim_and_the_settings(app, users, smtp):
    claim = assign(app, users)
    # Nothing is sent by the page itself: the message waits, committed with the move, for the worker.
    assert smtp.envelopes == []
    assert deliver(app).delivered == 1
    [message] = smtp.messages
    reviewer = factories.get(app, User, users["reviewer"])
    assert smtp.envelopes[0].rcpt_tos == [reviewer.email]
    assert message["From"] == "Desk <factcheck@desk.example.org>"
    assert "assigned you claim" in message["Subject"] and "14 Mar 2031" in message["Subject"]
    text, html = parts(message)
    assert f"https://factcheck.desk.example.org/claims/{claim}" in text
    assert "https://factcheck.desk.example.org/notifications/settings" in text
    assert f'href="https://factcheck.desk.example.org/claims/{claim}"' in html
    assert 'href="https://factcheck.desk.example.org/notifications/settings"' in html
    assert message["Message-ID"].endswith("@factcheck.desk.example.org>")
    assert deliver(app).delivered == 0 and len(smtp.envelopes) == 1  # marked: never sent again


def test_the_deliver_command_sends_what_is_pending_and_exits(app, users, smtp):
    assign(app, users)
    result = app.test_cli_runner().invoke(args=["deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "delivered 1, failed 0" in result.output
    assert len(smtp.envelopes) == 1


def test_a_server_that_is_down_is_tried_again_later_with_growing_pauses(app, users, smtp):
    assign(app, users)
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    assert deliver(app).failed == 1
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.attempts == 1 and message.delivered_at is None and "ConnectionRefused" in message.last_error
        first_pause = message.next_attempt_at - utcnow()
    assert timedelta(seconds=20) < first_pause <= timedelta(seconds=30)
    assert deliver(app).failed == 0  # not due yet
    later = utcnow() + timedelta(seconds=31)
    assert deliver(app, now=later).failed == 1
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.attempts == 2 and timedelta(seconds=50) < message.next_attempt_at - utcnow() <= timedelta(seconds=60)
    app.config["MAIL_PORT"] = smtp.port  # the server is back
    assert deliver(app, now=utcnow() + timedelta(minutes=2)).delivered == 1
    assert len(smtp.envelopes) == 1


def test_a_message_is_given_up_after_ten_attempts(app, users):
    assign(app, users)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    now = utcnow()
    for _ in range(OutboxMessage.MAX_ATTEMPTS + 2):
        now += timedelta(hours=7)
        deliver(app, now=now)
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.attempts == OutboxMessage.MAX_ATTEMPTS and message.state == "failed" and message.next_attempt_at is None


def test_a_worker_killed_after_sending_and_before_recording_it_sends_it_once_more_with_the_same_id(app, users, smtp):
    """The one duplicate a crash can cause: the server accepted the message and the worker died
    before recording it. The lease keeps other workers off it until it ends; then it is sent once
    more, with the same Message-ID, by which the receiving side can tell it is the same message."""
    assign(app, users)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    worker = subprocess.run([sys.executable, str(ROOT / "tests" / "outbox_crash_worker.py"), url, str(smtp.port), str(ROOT)], capture_output=True, text=True, timeout=60)
    assert worker.returncode == -9, worker.stderr
    assert len(smtp.envelopes) == 1
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.delivered_at is None and message.leased_until is not None and message.attempts == 1
        db.session.remove()
    assert deliver(app).delivered == 0  # still leased: no second copy while the first may be in flight
    after_lease = utcnow() + timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)
    assert deliver(app, now=after_lease).delivered == 1
    assert deliver(app, now=after_lease + timedelta(hours=1)).delivered == 0
    first, second = smtp.messages
    assert first["Message-ID"] == second["Message-ID"]


def test_a_crash_between_the_moves_commit_and_the_send_loses_nothing(app, users, smtp):
    assign(app, users)
    # A worker that took the message and died before even connecting: the lease ends, it is sent.
    with app.app_context():
        assert outbox.take() != []
        db.session.remove()
    assert deliver(app).delivered == 0
    assert deliver(app, now=utcnow() + timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)).delivered == 1
    assert len(smtp.envelopes) == 1


def test_a_message_taken_by_one_worker_is_left_alone_by_another(app, users):
    assign(app, users)
    app.config["MAIL_SERVER"] = "127.0.0.1"
    with app.app_context():
        first = outbox.take()
        db.session.remove()
    with app.app_context():
        assert len(first) == 1 and outbox.take() == []


# -- the daily digest ------------------------------------------------------------------------------


def digest_setup(app, users) -> tuple[int, int]:
    """The reviewer has an overdue claim, one due tomorrow, and a comment held for the digest."""
    from factcheck.clock import due_instant, today_in_newsroom

    editor, reviewer = users["editor"], users["reviewer"]
    late = factories.claim_in(app, "in_research", editor=editor, reviewer=reviewer)
    soon = factories.claim_in(app, "assigned", editor=editor, reviewer=reviewer, quote="Critics said property taxes would rise again.")
    with app.app_context():
        db.session.get(Claim, late).due_at = utcnow() - timedelta(days=1)
        db.session.get(Claim, soon).due_at = due_instant(today_in_newsroom() + timedelta(days=1), None)[0]
        workflow.add_comment(db.session.get(Claim, late), by=db.session.get(User, editor), body="Any news from the office?")
        db.session.execute(OutboxMessage.__table__.delete())  # the assignment emails, sent long ago
        db.session.commit()
    return late, soon


def test_the_digest_holds_what_happened_what_is_due_tomorrow_and_what_is_late_once_a_day(app, users, smtp):
    late, soon = digest_setup(app, users)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    assert "queued 1 digest" in result.output  # the reviewer; the editor had nothing held
    assert "queued 0 digests" in runner.invoke(args=["send-digests"]).output  # the same day: nothing more
    deliver(app)
    [message] = smtp.messages
    assert "1 overdue, 1 due tomorrow, 1 update" in message["Subject"]
    text, html = parts(message)
    assert f"/claims/{late}" in text and f"/claims/{soon}" in text and "Any news from the office?" in text
    assert "Overdue" in html and "Due tomorrow" in html
    assert "https://factcheck.desk.example.org/notifications/settings" in text
    # The next day the comment is not repeated; the late claim still is.
    tomorrow = date.today() + timedelta(days=1)
    assert "queued 1 digest" in runner.invoke(args=["send-digests", "--date", tomorrow.isoformat()]).output
    deliver(app)
    text, _ = parts(smtp.messages[1])
    assert "Any news from the office?" not in text and f"/claims/{late}" in text


def test_a_person_who_wants_no_reminders_gets_no_digest_for_them(app, users, smtp):
    digest_setup(app, users)
    with app.app_context():
        for kind in (NotificationKind.OVERDUE, NotificationKind.DUE_SOON, NotificationKind.COMMENTED):
            db.session.add(NotificationPreference(user_id=users["reviewer"], kind=kind, delivery=Delivery.NEVER))
        db.session.execute(Notification.__table__.update().values(in_digest=False))
        db.session.commit()
    assert "queued 0 digests" in app.test_cli_runner().invoke(args=["send-digests"]).output


def test_mail_settings_come_from_the_environment(monkeypatch):
    for key, value in {
        "MAIL_SERVER": "smtp.desk.example.org", "MAIL_PORT": "587", "MAIL_USE_TLS": "true",
        "MAIL_USERNAME": "factcheck", "MAIL_PASSWORD": "s3cret", "MAIL_DEFAULT_SENDER": "Desk <fc@desk.example.org>",
    }.items():
        monkeypatch.setenv(key, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert (app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["MAIL_USE_TLS"]) == ("smtp.desk.example.org", 587, True)
    assert (app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"]) == ("factcheck", "s3cret")
    assert app.config["MAIL_DEFAULT_SENDER"] == "Desk <fc@desk.example.org>"


def test_without_a_mail_server_emails_wait_untouched_and_the_worker_says_so(app, users):
    assign(app, users)
    app.config["MAIL_SERVER"] = None
    result = app.test_cli_runner().invoke(args=["deliver", "--once"])
    assert "MAIL_SERVER is not set: 1 email wait in the outbox" in result.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.attempts == 0 and message.state == "pending"
