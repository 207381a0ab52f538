"""Notifications: who is told what when a claim moves, in the move's own transaction; the
notifications page, the unread count, and the email settings."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from factcheck import workflow
from factcheck.extensions import db
from factcheck.models import (
    Claim,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    User,
    utcnow,
)

from . import factories
from .factories import page_text


def notifications_of(app, user_id: int) -> list[Notification]:
    return factories.scalars(app, select(Notification).where(Notification.recipient_id == user_id).order_by(Notification.id))


def emails_to(app, user_id: int) -> list[OutboxMessage]:
    return factories.scalars(app, select(OutboxMessage).where(OutboxMessage.recipient_id == user_id).order_by(OutboxMessage.id))


def _radios(page, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*>', page.get_data(as_text=True))


def choices_offered(page, name: str) -> list[str]:
    return [re.search(r'value="(\w+)"', tag).group(1) for tag in _radios(page, name)]


def checked(page, name: str) -> str | None:
    found = [re.search(r'value="(\w+)"', tag).group(1) for tag in _radios(page, name) if " checked" in tag]
    return found[0] if found else None


def test_the_reviewer_is_told_of_an_assignment_with_its_due_date(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    version = factories.get(app, Claim, claim).version
    response = client_as("editor").post(
        f"/claims/{claim}/assign", data={"assignee": users["reviewer"], "due_date": "2031-03-14", "version": version}
    )
    assert response.status_code == 302
    [notice] = notifications_of(app, users["reviewer"])
    assert notice.kind == NotificationKind.ASSIGNED
    assert "assigned you claim" in notice.text and "14 Mar 2031" in notice.text
    assert notice.claim_id == claim
    # At once by default: the email waits in the outbox, committed with the move.
    [email] = emails_to(app, users["reviewer"])
    assert email.delivered_at is None and "14 Mar 2031" in email.payload["text"]
    assert notifications_of(app, users["editor"]) == []  # never told of one's own move


def test_each_move_tells_the_people_it_concerns(app, users):
    editor, reviewer, admin = users["editor"], users["reviewer"], users["admin"]
    claim_id = factories.claim_in(app, "in_research", editor=editor, reviewer=reviewer)
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        rev, ed = db.session.get(User, reviewer), db.session.get(User, editor)
        workflow.add_evidence(claim, by=rev, url="https://stats.example.org/t", source="Stats", stance="contradicts")
        false = db.session.scalar(select(workflow.claims.Rating).where(workflow.claims.Rating.name == "False"))
        workflow.save_verdict(claim, by=rev, rating=false, rationale="No.", submit=True)
        workflow.return_for_work(claim, by=ed, note="Cite the 2025 table too.")
        workflow.start_research(claim, by=rev)
        workflow.save_verdict(claim, by=rev, rating=false, rationale="Still no.", submit=True)
        workflow.approve(claim, by=ed)
        workflow.issue_correction(claim, by=ed, note="The office revised the figure.")
        db.session.commit()
    kinds = [n.kind for n in notifications_of(app, reviewer)]
    assert kinds == [NotificationKind.ASSIGNED, NotificationKind.RETURNED, NotificationKind.APPROVED, NotificationKind.CORRECTED]
    returned = notifications_of(app, reviewer)[1]
    assert returned.detail == "Cite the 2025 table too."
    # Submissions go to the editors and admins, the two of them, once per submission.
    assert [n.kind for n in notifications_of(app, editor)] == [NotificationKind.SUBMITTED] * 2
    assert [n.kind for n in notifications_of(app, admin)] == [NotificationKind.SUBMITTED] * 2
    assert notifications_of(app, users["viewer"]) == []


def test_a_comment_tells_the_people_working_on_the_claim_but_not_its_author(app, users, client_as):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    assert client_as("editor").post(f"/claims/{claim}/comments", data={"body": "Is the 2024 table out yet?"}).status_code == 302
    [notice] = [n for n in notifications_of(app, users["reviewer"]) if n.kind == NotificationKind.COMMENTED]
    assert notice.detail == "Is the 2024 table out yet?"
    assert [n for n in notifications_of(app, users["editor"]) if n.kind == NotificationKind.COMMENTED] == []
    assert client_as("reviewer").post(f"/claims/{claim}/comments", data={"body": "Not until June."}).status_code == 302
    [reply] = [n for n in notifications_of(app, users["editor"]) if n.kind == NotificationKind.COMMENTED]
    assert reply.detail == "Not until June."


def test_a_refused_move_notifies_nobody(app, users, client_as):
    claim = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"])
    before = len(notifications_of(app, users["reviewer"]))
    stale = factories.get(app, Claim, claim).version - 1
    response = client_as("editor").post(f"/claims/{claim}/return", data={"note": "More.", "version": stale})
    assert response.status_code == 409
    assert len(notifications_of(app, users["reviewer"])) == before


def test_the_top_bar_counts_unread_and_the_page_marks_them_read(app, users, client_as):
    factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"])
    factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"], quote="Critics said property taxes would rise again.")
    reviewer = client_as("reviewer")
    page = reviewer.get("/notifications")
    assert "Notifications 2 unread" in page_text(page)
    first, second = notifications_of(app, users["reviewer"])
    text = page_text(page)
    assert text.index(f"claim #{second.claim_id}") < text.index(f"claim #{first.claim_id}")  # newest first
    assert f'href="/claims/{first.claim_id}"' in page.get_data(as_text=True)
    assert reviewer.post(f"/notifications/{first.id}/read").status_code == 302
    assert "Notifications 1 unread" in page_text(reviewer.get("/notifications"))
    assert reviewer.post("/notifications/read-all").status_code == 302
    page = page_text(reviewer.get("/notifications"))
    assert "unread" not in page and "Mark all read" not in page
    # Someone else's notification cannot be touched, nor its existence learnt.
    assert client_as("editor").post(f"/notifications/{first.id}/read").status_code == 404


def test_older_notifications_are_a_page_away(app, users, client_as):
    with app.app_context():
        db.session.add_all(
            Notification(recipient_id=users["viewer"], kind=NotificationKind.COMMENTED, text=f"Note {i:02d}") for i in range(55)
        )
        db.session.commit()
    viewer = client_as("viewer")
    page = viewer.get("/notifications").get_data(as_text=True)
    assert "Note 54" in page and "Note 04" not in page
    oldest_shown = min(n.id for n in notifications_of(app, users["viewer"])[5:])
    assert f"/notifications?before={oldest_shown}" in page
    older = viewer.get(f"/notifications?before={oldest_shown}").get_data(as_text=True)
    assert "Note 04" in older and "Note 05" not in older and "Older notifications" not in older


def test_settings_choose_per_kind_and_decide_what_is_emailed(app, users, client_as):
    reviewer = client_as("reviewer")
    page = reviewer.get("/notifications/settings")
    assert page.status_code == 200
    # Reminders of deadlines come in the digest or not at all.
    assert choices_offered(page, "due_soon") == ["digest", "never"]
    assert choices_offered(page, "assigned") == ["now", "digest", "never"]
    assert checked(page, "assigned") == "now" and checked(page, "approved") == "digest"  # the defaults
    choices = {kind.value: "digest" for kind in NotificationKind}
    choices["assigned"] = "never"
    assert reviewer.post("/notifications/settings", data=choices).status_code == 302
    with app.app_context():
        stored = dict(db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(NotificationPreference.user_id == users["reviewer"])
        ).all())
    assert stored[NotificationKind.ASSIGNED] == Delivery.NEVER and stored[NotificationKind.RETURNED] == Delivery.DIGEST
    assert checked(reviewer.get("/notifications/settings"), "assigned") == "never"
    claim = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"])
    with app.app_context():
        workflow.return_for_work(db.session.get(Claim, claim), by=db.session.get(User, users["editor"]), note="Again.")
        db.session.commit()
    # In the app either way; by email never (assigned) or later (returned, held for the digest).
    kinds = {n.kind: n for n in notifications_of(app, users["reviewer"])}
    assert set(kinds) == {NotificationKind.ASSIGNED, NotificationKind.RETURNED}
    assert kinds[NotificationKind.RETURNED].in_digest and not kinds[NotificationKind.ASSIGNED].in_digest
    assert emails_to(app, users["reviewer"]) == []


def test_a_digest_only_kind_cannot_be_set_to_at_once(app, users, client_as):
    choices = {kind.value: "digest" for kind in NotificationKind}
    choices["overdue"] = "now"
    response = client_as("reviewer").post("/notifications/settings", data=choices)
    assert response.status_code == 422
    assert "Not a valid choice" in page_text(response)


def test_a_deactivated_person_is_not_notified(app, users):
    reviewer = factories.make_user(app, role="reviewer")
    claim = factories.claim_in(app, "assigned", editor=users["editor"], reviewer=reviewer)
    with app.app_context():
        db.session.get(User, reviewer).active = False
        claim_row = db.session.get(Claim, claim)
        workflow.assign(claim_row, by=db.session.get(User, users["editor"]), assignee=db.session.get(User, users["reviewer"]), due_at=utcnow() + timedelta(days=1))
        db.session.commit()
        count = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.recipient_id == reviewer))
    assert count == 1  # the first assignment, from before
