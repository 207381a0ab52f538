"""Webhooks: admins register endpoints; claims' events are posted to them signed, retried when the
receiver fails, logged with status codes and sent again by hand. The receiver here is a real
HTTP server on 127.0.0.1 (allowed through FETCH_ALLOWED_NETWORKS) that checks every signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from factcheck import outbox, workflow
from factcheck.extensions import db
from factcheck.models import Claim, OutboxMessage, User, WebhookEndpoint, utcnow
from factcheck.webhooks import sign, verify

from . import factories
from .factories import page_text


class Receiver:
    """Answers `fail_next` requests with 500, then 200; keeps every request and whether its
    signature checked out against `secret`."""

    def __init__(self):
        self.secret = None
        self.fail_next = 0
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get("Factcheck-Signature", "")
                receiver.requests.append({
                    "body": json.loads(body), "headers": dict(self.headers),
                    "signed": receiver.check(body, header),
                })
                failing = receiver.fail_next > 0
                receiver.fail_next -= 1 if failing else 0
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"receiver down for maintenance" if failing else b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/factcheck"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def check(self, body: bytes, header: str) -> bool:
        """What the README tells receivers to do."""
        parts = dict(item.split("=", 1) for item in header.split(","))
        expected = hmac.new(self.secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


@pytest.fixture
def receiver(app):
    app.config["FETCH_ALLOWED_NETWORKS"] = "127.0.0.0/8"
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def register(client, url: str, events: list[str]) -> str:
    """Register through the admin page; the secret the page shows once."""
    response = client.post("/admin/webhooks", data={"url": url, "events": events, "description": "CMS verdict boxes"})
    assert response.status_code == 201, page_text(response)
    return re.search(r'id="secret">([^<]+)<', response.get_data(as_text=True)).group(1)


def deliver(app, **kwargs) -> outbox.Report:
    with app.app_context():
        report = outbox.deliver_pending(**kwargs)
        db.session.remove()
        return report


def approve(app, users, claim_id: int) -> None:
    with app.app_context():
        workflow.approve(db.session.get(Claim, claim_id), by=db.session.get(User, users["editor"]))
        db.session.commit()


def test_an_approval_reaches_the_receiver_signed_after_it_failed_and_recovered(app, users, client_as, receiver):
    admin = client_as("admin")
    receiver.secret = register(admin, receiver.url, ["claim.approved", "claim.published"])
    assert receiver.secret.startswith("whsec_")
    claim = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"])
    approve(app, users, claim)
    receiver.fail_next = 2  # down for a while
    assert deliver(app).failed == 2
    with app.app_context():
        endpoint = db.session.scalar(select(WebhookEndpoint))
    log = admin.get(f"/admin/webhooks/{endpoint.id}")
    text = page_text(log)
    assert "Retrying · HTTP 500" in text and "receiver down for maintenance" in text
    assert receiver.secret not in log.get_data(as_text=True)  # shown once, never again
    assert deliver(app, now=utcnow() + timedelta(seconds=31)).delivered == 2  # recovered
    signed = [r for r in receiver.requests if r["signed"]]
    assert len(signed) == len(receiver.requests) == 4
    delivered = receiver.requests[2:]
    assert sorted(r["body"]["type"] for r in delivered) == ["claim.approved", "claim.published"]
    body = delivered[0]["body"]
    assert body["claim"]["id"] == claim and body["claim"]["status"] == "approved" and body["claim"]["rating"] == "False"
    assert body["claim"]["url"] == f"https://factcheck.desk.example.org/claims/{claim}"
    assert body["claim"]["published_url"] == f"https://desk.example.org/verdicts/{claim}"
    assert delivered[0]["headers"]["Factcheck-Event"] == body["type"]
    assert "Delivered · HTTP 200" in page_text(admin.get(f"/admin/webhooks/{endpoint.id}"))


def test_send_again_posts_the_same_event_once_more(app, users, client_as, receiver):
    admin = client_as("admin")
    receiver.secret = register(admin, receiver.url, ["claim.created"])
    factories.make_claim(app, factories.make_article(app, users["editor"]), users["editor"], quote="Bus spending rises by 18 percent.")
    assert deliver(app).delivered == 1
    with app.app_context():
        first = db.session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "webhook"))
    response = admin.post(f"/admin/webhooks/deliveries/{first.id}/again")
    assert response.status_code == 302
    assert deliver(app).delivered == 1
    one, two = receiver.requests
    assert one["body"] == two["body"] and two["signed"]  # the same event, signed anew
    assert one["headers"]["Factcheck-Delivery"] != two["headers"]["Factcheck-Delivery"]
    log = page_text(admin.get(response.headers["Location"]))
    assert log.count("Delivered · HTTP 200") == 2


def test_an_endpoint_hears_only_the_events_it_chose_and_nothing_while_paused(app, users, client_as, receiver):
    admin = client_as("admin")
    receiver.secret = register(admin, receiver.url, ["claim.assigned"])
    claim = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"])
    approve(app, users, claim)
    deliver(app)
    assert [r["body"]["type"] for r in receiver.requests] == ["claim.assigned"]
    with app.app_context():
        endpoint_id = db.session.scalar(select(WebhookEndpoint.id))
    assert admin.post(f"/admin/webhooks/{endpoint_id}/off").status_code == 302
    factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"], quote="Critics said property taxes would rise again.")
    deliver(app)
    assert len(receiver.requests) == 1


def test_a_correction_is_announced_as_corrected_not_published(app, users, client_as, receiver):
    receiver.secret = register(client_as("admin"), receiver.url, ["claim.published", "claim.corrected"])
    claim = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"])
    with app.app_context():
        row, ed, rev = db.session.get(Claim, claim), db.session.get(User, users["editor"]), db.session.get(User, users["reviewer"])
        workflow.issue_correction(row, by=ed, note="The office revised the table.")
        false = row.rating
        workflow.save_verdict(row, by=rev, rating=false, rationale="Revised table, same verdict.", submit=True)
        workflow.approve(row, by=ed, note="We first cited the 2023 table.")
        db.session.commit()
    deliver(app)
    assert [r["body"]["type"] for r in receiver.requests] == ["claim.published", "claim.corrected"]
    assert receiver.requests[1]["body"]["note"] == "We first cited the 2023 table."


def test_a_private_address_is_refused_unless_the_network_is_allowed(app, users, client_as, receiver):
    admin = client_as("admin")
    app.config["FETCH_ALLOWED_NETWORKS"] = ""
    response = admin.post("/admin/webhooks", data={"url": receiver.url, "events": ["claim.created"]})
    assert response.status_code == 422
    assert "private or local network" in page_text(response)
    # A name is checked when each delivery connects, so one that leads to a private address fails there.
    receiver.secret = register(admin, receiver.url.replace("127.0.0.1", "localhost.test.invalid"), ["claim.created"])
    with app.app_context():
        db.session.add(WebhookEndpoint(url="http://127.0.0.2:9/x", secret="whsec_x", events=["claim.created"]))
        db.session.commit()
    factories.make_claim(app, factories.make_article(app, users["editor"]), users["editor"], quote="Bus spending rises by 18 percent.")
    assert deliver(app).failed == 2
    with app.app_context():
        errors = sorted(m.last_error for m in db.session.scalars(select(OutboxMessage)))
    assert any("private or local network" in e for e in errors)
    assert any("could not be found" in e for e in errors)
    assert receiver.requests == []


def test_the_form_explains_what_is_missing(app, client_as):
    response = client_as("admin").post("/admin/webhooks", data={"url": "ftp://hooks.example.org/x"})
    assert response.status_code == 422
    text = page_text(response)
    assert "Only http:// and https:// addresses are accepted." in text and "Choose at least one event to send." in text
    assert 'value="ftp://hooks.example.org/x"' in response.get_data(as_text=True)


def test_a_signature_fails_for_another_body_another_secret_or_an_old_timestamp():
    body = b'{"type":"claim.approved"}'
    now = int(time.time())
    header = sign("whsec_a", body, now)
    assert verify("whsec_a", body, header)
    assert not verify("whsec_a", body + b" ", header)
    assert not verify("whsec_b", body, header)
    assert not verify("whsec_a", body, sign("whsec_a", body, now - 600))
    assert not verify("whsec_a", body, "garbage")


def test_the_readme_snippet_verifies_what_factcheck_signs():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    snippet = re.search(r"```python\n(import hashlib, hmac, time\n.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(snippet, namespace)
    body = b'{"type": "claim.approved"}'
    header = sign("whsec_x", body, int(time.time()))
    assert namespace["verified"]("whsec_x", body, header)
    assert not namespace["verified"]("whsec_x", body + b"!", header)
    example = re.search(r"Factcheck-Signature: (t=\d+,v1=\w+)", readme).group(1)
    assert example == sign("whsec_example", b"{}", 1764421200)
