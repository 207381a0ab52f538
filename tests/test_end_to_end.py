"""The desk's loop driven from outside, end to end: a script with an API token brings in an
article, claims a span and assigns it; the reviewer is emailed (a real SMTP server); the reviewer
and the editor finish the verdict through the API; a registered webhook receiver hears the
approval, signed. Everything leaves through the outbox and `flask deliver`."""

from __future__ import annotations

from datetime import date, timedelta

from factcheck.models import User

from . import factories
from .factories import Api
from .test_mail import smtp  # noqa: F401  (fixture: a real SMTP server in this process)
from .test_webhooks import receiver, register  # noqa: F401  (fixture: a real HTTP receiver)

DUE = date.today() + timedelta(days=3)


def deliver_command(app) -> str:
    result = app.test_cli_runner().invoke(args=["deliver", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def token_for(app, user_id: int, scope: str = "write") -> Api:
    email = factories.get(app, User, user_id).email
    result = app.test_cli_runner().invoke(args=["create-token", email, "--scope", scope, "--name", "newsroom script"])
    assert result.exit_code == 0, result.output
    return Api(app, result.output.strip().splitlines()[-1])


def test_a_script_starts_the_work_the_reviewer_is_emailed_and_a_webhook_hears_the_approval(
    app, users, client_as, smtp, receiver  # noqa: F811
):
    receiver.secret = register(client_as("admin"), receiver.url, ["claim.approved"])
    script = token_for(app, users["editor"])

    text = "The council said bus fares fell by 12 percent last year. Ridership rose."
    article = script.post("/api/v1/articles", {"title": "Fares", "body": text, "outlet": "Courier"})
    assert article.status_code == 201, article.get_json()
    start, end = text.index("bus fares"), text.index(" Ridership")
    claim = script.post(f"/api/v1/articles/{article.get_json()['id']}/claims", {"start": start, "end": end, "claimant": "The council"})
    assert claim.status_code == 201 and claim.get_json()["quote"] == "bus fares fell by 12 percent last year."
    claim_id = claim.get_json()["id"]
    reviewer_email = factories.get(app, User, users["reviewer"]).email
    assigned = script.post(f"/api/v1/claims/{claim_id}/assign", {"assignee": reviewer_email, "due": DUE.isoformat()})
    assert assigned.status_code == 200 and assigned.get_json()["status"] == "assigned"

    # The API answered without sending anything; the worker sends the email.
    assert smtp.envelopes == []
    deliver_command(app)
    assert [e.rcpt_tos for e in smtp.envelopes] == [[reviewer_email]]
    [message] = smtp.messages
    assert "assigned you claim" in message["Subject"]
    assert f"https://factcheck.desk.example.org/claims/{claim_id}" in message.get_body(("plain",)).get_content()

    reviewer = token_for(app, users["reviewer"])
    assert reviewer.post(f"/api/v1/claims/{claim_id}/start").get_json()["status"] == "in_research"
    evidence = {"url": "https://stats.example.org/fares", "source": "Transit authority", "stance": "contradicts"}
    assert reviewer.post(f"/api/v1/claims/{claim_id}/evidence", evidence).status_code == 201
    submitted = reviewer.post(f"/api/v1/claims/{claim_id}/submit", {"rating": "False", "rationale": "Fares fell by 2 percent."})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "in_review"
    assert receiver.requests == []  # nothing the endpoint asked for yet
    approved = script.post(f"/api/v1/claims/{claim_id}/approve", {})
    assert approved.status_code == 200 and approved.get_json()["verdict"]["published"] is True

    deliver_command(app)
    [heard] = receiver.requests
    assert heard["signed"] and heard["body"]["type"] == "claim.approved"
    assert heard["body"]["claim"]["id"] == claim_id and heard["body"]["claim"]["rating"] == "False"
    assert heard["body"]["claim"]["published_url"] == f"https://desk.example.org/verdicts/{claim_id}"
    # The editors were emailed when the verdict came in for review; the reviewer finds the approval
    # among their notifications (approvals go to the daily digest unless they choose otherwise).
    editor_email = factories.get(app, User, users["editor"]).email
    assert any(editor_email in e.rcpt_tos and "submitted a verdict" in m["Subject"]
               for e, m in zip(smtp.envelopes, smtp.messages))
    notifications = factories.page_text(client_as("reviewer").get("/notifications"))
    assert "approved" in notifications and "bus fares fell by 12 percent" in notifications
