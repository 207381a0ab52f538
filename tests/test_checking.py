"""The checking workflow through the web forms: what people see when a move works, and the
message beside the field when it does not (with what they typed kept)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from factcheck.models import AuditEvent, Claim, ClaimStatus, Comment, Evidence, User

from . import factories
from .factories import page_text

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def claim_at(app, users):
    def make(status, quote="Bus spending rises by 18 percent."):
        return factories.claim_in(app, status, editor=users["editor"], reviewer=users["reviewer"], quote=quote)

    return make


def version(app, claim_id):
    return factories.get(app, Claim, claim_id).version


def test_editor_assigns_with_due_date_and_reviewer_sees_it_in_their_queue(app, users, client_as, claim_at):
    claim = claim_at("unassigned")
    response = client_as("editor").post(
        f"/claims/{claim}/assign",
        data={"assignee": users["reviewer"], "due_date": TOMORROW, "due_time": "15:30", "version": version(app, claim)},
    )
    assert response.status_code == 302
    saved = factories.get(app, Claim, claim)
    assert (saved.status, saved.assignee_id, saved.due_has_time) == (ClaimStatus.ASSIGNED, users["reviewer"], True)
    queue = client_as("reviewer").get("/queue")
    assert f"/claims/{claim}" in queue.get_data(as_text=True)
    assert "15:30" in page_text(queue)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"due_date": (date.today() - timedelta(days=1)).isoformat()}, "The due date is in the past."),
        ({"due_date": "31/12/2030"}, "Not a valid date value"),
        ({"due_date": ""}, "Give a due date."),
        ({"due_time": "25:99"}, "Not a valid time value"),
    ],
)
def test_bad_due_dates_are_explained(app, users, client_as, claim_at, data, message):
    claim = claim_at("unassigned")
    form = {"assignee": users["reviewer"], "due_date": TOMORROW, "version": version(app, claim), **data}
    response = client_as("editor").post(f"/claims/{claim}/assign", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert factories.get(app, Claim, claim).status == ClaimStatus.UNASSIGNED


@pytest.mark.parametrize("who", ["viewer", "deactivated reviewer", "editor"])
def test_only_active_reviewers_can_be_assigned(app, users, client_as, claim_at, who):
    claim = claim_at("unassigned")
    person = {
        "viewer": users["viewer"],
        "editor": users["editor"],
        "deactivated reviewer": factories.make_user(app, role="reviewer", active=False),
    }[who]
    response = client_as("editor").post(
        f"/claims/{claim}/assign", data={"assignee": person, "due_date": TOMORROW, "version": version(app, claim)}
    )
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)  # not offered, and refused if forged
    assert factories.get(app, Claim, claim).assignee_id is None


def test_an_overdue_claim_can_be_reassigned_keeping_its_date(app, users, client_as, claim_at):
    from datetime import datetime

    from factcheck.extensions import db

    claim = claim_at("assigned")
    with app.app_context():
        db.session.get(Claim, claim).due_at = datetime(2020, 1, 1, 12)
        db.session.commit()
    other = factories.make_user(app, role="reviewer")
    response = client_as("editor").post(
        f"/claims/{claim}/assign", data={"assignee": other, "due_date": "2020-01-01", "version": version(app, claim)}
    )
    assert response.status_code == 302
    assert factories.get(app, Claim, claim).assignee_id == other


def test_reassigning_work_in_progress_records_who_had_it(app, users, client_as, claim_at):
    claim = claim_at("in_research")
    other = factories.make_user(app, role="reviewer")
    response = client_as("editor").post(
        f"/claims/{claim}/assign", data={"assignee": other, "due_date": TOMORROW, "version": version(app, claim)}
    )
    assert response.status_code == 302
    saved = factories.get(app, Claim, claim)
    assert (saved.status, saved.assignee_id) == (ClaimStatus.ASSIGNED, other)
    last = factories.scalars(app, select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))[0]
    reviewer_name = factories.get(app, User, users["reviewer"]).name
    assert last.action == "reassigned" and last.changes["assignee"][0] == reviewer_name


@pytest.mark.parametrize(
    "url, message",
    [
        ("javascript:alert(1)", "Only http:// and https:// addresses"),
        ("data:text/html,<script>alert(1)</script>", "Only http:// and https:// addresses"),
        ("https://user:pw@example.org/", "user name or password"),
        ("https://", "needs a host name"),
        ("https://example.org/" + "a" * 2100, "Field cannot be longer than 2000 characters"),
    ],
)
def test_evidence_links_must_be_plain_web_addresses(app, client_as, claim_at, url, message):
    claim = claim_at("in_research")
    response = client_as("reviewer").post(
        f"/claims/{claim}/evidence", data={"url": url, "source": "My source", "stance": "supports"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="My source"' in page
    assert factories.scalars(app, select(Evidence)) == []


def test_withheld_source_needs_a_reason_and_is_hidden_from_viewers(app, client_as, claim_at):
    claim = claim_at("in_research")
    reviewer = client_as("reviewer")
    data = {"url": "https://leak.example.org/memo", "source": "Council insider", "stance": "context", "withheld": "y"}
    refused = reviewer.post(f"/claims/{claim}/evidence", data=data)
    assert refused.status_code == 422 and "Say why the source must stay private." in refused.get_data(as_text=True)
    assert reviewer.post(f"/claims/{claim}/evidence", data={**data, "withheld_reason": "Named source at risk"}).status_code == 302
    assert "leak.example.org" in client_as("editor").get(f"/claims/{claim}").get_data(as_text=True)
    assert "leak.example.org" not in client_as("viewer").get(f"/claims/{claim}").get_data(as_text=True)


def test_evidence_can_be_edited_and_removed_with_history(app, users, client_as, claim_at):
    claim = claim_at("in_research")
    evidence = factories.evidence(app, claim, users["reviewer"])
    reviewer = client_as("reviewer")
    edited = reviewer.post(
        f"/evidence/{evidence}/edit",
        data={"url": "https://stats.example.org/t5", "source": "Stats office", "stance": "supports", "version": "1"},
    )
    assert edited.status_code == 302
    assert factories.get(app, Evidence, evidence).url == "https://stats.example.org/t5"
    assert reviewer.post(f"/evidence/{evidence}/delete", data={"confirm": "y", "version": "2"}).status_code == 302
    assert factories.get(app, Evidence, evidence) is None
    actions = [e.action for e in factories.scalars(app, select(AuditEvent).where(AuditEvent.entity_id == claim))]
    assert actions[-2:] == ["evidence_edited", "evidence_removed"]


def test_evidence_is_frozen_once_submitted(app, client_as, claim_at):
    claim = claim_at("in_review")
    response = client_as("reviewer").post(
        f"/claims/{claim}/evidence", data={"url": "https://late.example.org", "source": "Late", "stance": "supports"}
    )
    assert response.status_code == 409
    assert "cannot be worked on now" in response.get_data(as_text=True)


def _verdict(client, claim, app, **data):
    form = {"rating": factories.rating_id(app, "False"), "rationale": "The official table says 12 percent.", "submit_verdict": "1", "version": version(app, claim)}
    form.update(data)
    return client.post(f"/claims/{claim}/verdict", data=form)


def test_verdict_needs_rationale_and_evidence(app, users, client_as, claim_at):
    claim = claim_at("in_research")
    reviewer = client_as("reviewer")
    no_rationale = _verdict(reviewer, claim, app, rationale="   ")
    assert no_rationale.status_code == 422 and "Write the rationale" in no_rationale.get_data(as_text=True)
    no_evidence = _verdict(reviewer, claim, app)
    page = no_evidence.get_data(as_text=True)
    assert no_evidence.status_code == 422 and "needs at least one evidence link" in page
    assert "The official table says 12 percent." in page  # the rationale typed is kept
    assert factories.get(app, Claim, claim).status == ClaimStatus.IN_RESEARCH
    unproven = _verdict(reviewer, claim, app, rating=factories.rating_id(app, "Unproven"))
    assert unproven.status_code == 302
    assert factories.get(app, Claim, claim).status == ClaimStatus.IN_REVIEW


def test_a_retired_rating_cannot_be_chosen_but_stays_on_old_verdicts(app, users, client_as, claim_at):
    approved = claim_at("approved")
    fresh = claim_at("in_research", quote="Critics said property taxes would rise again.")
    factories.evidence(app, fresh, users["reviewer"])
    false = factories.rating_id(app, "False")
    assert client_as("admin").post(f"/admin/ratings/{false}/retire").status_code == 302
    assert "False" in page_text(client_as("viewer").get(f"/claims/{approved}"))
    response = _verdict(client_as("reviewer"), fresh, app, rating=false)  # a page opened before
    assert response.status_code == 422 and "has been retired; choose another" in response.get_data(as_text=True)
    assert f'<option value="{false}"' not in client_as("reviewer").get(f"/claims/{fresh}").get_data(as_text=True)


def test_editor_returns_with_a_note_the_reviewer_sees_then_approves(app, client_as, claim_at):
    claim = claim_at("in_review")
    editor, reviewer = client_as("editor"), client_as("reviewer")
    empty = editor.post(f"/claims/{claim}/return", data={"note": " ", "version": version(app, claim)})
    assert empty.status_code == 422 and "Say what needs doing" in empty.get_data(as_text=True)
    editor.post(f"/claims/{claim}/return", data={"note": "Add the 2024 figure.", "version": version(app, claim)})
    assert "Add the 2024 figure." in reviewer.get("/queue").get_data(as_text=True)
    reviewer.post(f"/claims/{claim}/start", data={"version": version(app, claim)})
    assert _verdict(reviewer, claim, app).status_code == 302
    assert editor.post(f"/claims/{claim}/approve", data={"version": version(app, claim)}).status_code == 302
    saved = factories.get(app, Claim, claim)
    assert saved.status == ClaimStatus.APPROVED and saved.approved_at is not None
    assert saved.return_note is None
    assert "Approved" in page_text(editor.get("/dashboard"))


def test_approved_verdict_is_locked(app, client_as, claim_at):
    claim = claim_at("approved")
    assert _verdict(client_as("admin"), claim, app, rationale="Changed my mind").status_code == 409
    assert client_as("editor").get(f"/claims/{claim}/edit").status_code == 403
    assert factories.get(app, Claim, claim).rationale == "The table says 12 percent."


def test_a_move_someone_else_already_made_says_who(app, client_as, claim_at):
    claim = claim_at("in_review")
    stale_version = version(app, claim)
    client_as("editor").post(f"/claims/{claim}/approve", data={"version": stale_version})
    response = client_as("admin").post(f"/claims/{claim}/return", data={"note": "Please redo", "version": stale_version})
    text = page_text(response)
    assert response.status_code == 409
    assert "approved the verdict just now, after you opened this page" in text
    assert "Please redo" in response.get_data(as_text=True)  # what was typed is shown
    assert factories.get(app, Claim, claim).status == ClaimStatus.APPROVED


def test_drop_and_restore(app, client_as, claim_at):
    claim = claim_at("assigned")
    editor = client_as("editor")
    assert editor.post(f"/claims/{claim}/drop", data={"reason": "duplicate", "version": version(app, claim)}).status_code == 302
    assert factories.get(app, Claim, claim).status == ClaimStatus.DROPPED
    bad = editor.post(f"/claims/{claim}/drop", data={"reason": "bored", "version": version(app, claim)})
    assert bad.status_code == 422
    assert editor.post(f"/claims/{claim}/restore", data={"version": version(app, claim)}).status_code == 302
    saved = factories.get(app, Claim, claim)
    assert (saved.status, saved.assignee_id, saved.drop_reason) == (ClaimStatus.UNASSIGNED, None, None)


def test_comments_keep_newlines_and_render_no_html(app, client_as, claim_at):
    claim = claim_at("in_research")
    body = "First line\n<script>alert('x')</script>\n<b>bold?</b>"
    assert client_as("reviewer").post(f"/claims/{claim}/comments", data={"body": body}).status_code == 302
    page = client_as("viewer").get(f"/claims/{claim}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page and "<b>bold?</b>" not in page
    assert factories.scalars(app, select(Comment.body)) == [body]
    empty = client_as("editor").post(f"/claims/{claim}/comments", data={"body": "  "})
    assert empty.status_code == 422 and "Write something first." in empty.get_data(as_text=True)


def test_bulk_assign_is_all_or_nothing(app, users, client_as, claim_at):
    first = claim_at("unassigned")
    second = claim_at("unassigned", quote="Critics said property taxes would rise again.")
    approved = claim_at("approved", quote="The mayor said it was the largest investment in the city's history.")
    editor = client_as("editor")
    data = {"action": "assign", "assignee": users["reviewer"], "due_date": TOMORROW, "next": "/claims"}
    refused = editor.post("/claims/bulk", data={**data, "claim": [first, second, approved]})
    assert refused.status_code == 302
    assert {factories.get(app, Claim, c).status for c in (first, second)} == {ClaimStatus.UNASSIGNED}
    assert f"#{approved}" in editor.get("/claims").get_data(as_text=True)  # the flash names the claim
    assert editor.post("/claims/bulk", data={**data, "claim": [first, second]}).status_code == 302
    assert {factories.get(app, Claim, c).status for c in (first, second)} == {ClaimStatus.ASSIGNED}
    missing = editor.post("/claims/bulk", data={"action": "assign", "claim": [first], "due_date": TOMORROW})
    assert "Choose a reviewer" in editor.get(missing.headers["Location"]).get_data(as_text=True)


def test_refused_bulk_apply_keeps_ticks_and_choices(app, users, client_as, claim_at):
    first = claim_at("unassigned")
    editor = client_as("editor")
    due_only = editor.post("/claims/bulk", data={"action": "assign", "claim": [first], "due_date": TOMORROW, "next": "/claims"})
    page = editor.get(due_only.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed. Choose a reviewer." in page
    assert f'value="{TOMORROW}"' in page and f'value="{first}" aria-label="Select claim {first}" checked' in page
    reviewer_only = editor.post("/claims/bulk", data={"action": "assign", "claim": [first], "assignee": users["reviewer"], "next": "/claims"})
    page = editor.get(reviewer_only.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed. Give a due date." in page
    assert f'<option selected value="{users["reviewer"]}">' in page
    nothing_ticked = editor.post("/claims/bulk", data={"action": "drop", "reason": "duplicate", "next": "/claims"})
    page = editor.get(nothing_ticked.headers["Location"]).get_data(as_text=True)
    assert "Tick at least one claim first." in page
    assert '<option selected value="drop">' in page and '<option selected value="duplicate">' in page
    assert factories.get(app, Claim, first).status == ClaimStatus.UNASSIGNED


def test_bulk_assign_from_the_article_page(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    claims = [
        factories.make_claim(app, article, users["editor"], quote=q)
        for q in ("Bus spending rises by 18 percent.", "Critics said property taxes would rise again.")
    ]
    editor = client_as("editor")
    page = editor.get(f"/articles/{article}").get_data(as_text=True)
    assert 'name="claim"' in page and "Assign or drop the ticked claims" in page
    response = editor.post(
        "/claims/bulk",
        data={"claim": claims, "action": "assign", "assignee": users["reviewer"], "due_date": TOMORROW, "next": f"/articles/{article}"},
    )
    assert response.headers["Location"] == f"/articles/{article}"
    assert {factories.get(app, Claim, c).assignee_id for c in claims} == {users["reviewer"]}
    assert 'name="claim"' not in client_as("viewer").get(f"/articles/{article}").get_data(as_text=True)
