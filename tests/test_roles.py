"""Every route × every role. A new route fails test_every_route_is_in_the_matrix until it is
added here with the answer each role should get. The reviewer account is the one the
workflow claims are assigned to."""

import re
from datetime import date, timedelta

import pytest

from factcheck.extensions import db
from factcheck.models import Channel, Claim, Notification, NotificationKind, OutboxMessage, SavedView, WebhookEndpoint

from . import factories

ROLES = ["admin", "editor", "reviewer", "viewer", "anonymous"]
EDITORS = {"admin", "editor"}
ALL = {"admin", "editor", "reviewer", "viewer"}
ASSIGNEE = {"admin", "reviewer"}
PARTICIPANTS = {"admin", "editor", "reviewer"}
FUTURE = (date.today() + timedelta(days=7)).isoformat()

ARTICLE = {
    "title": "Edited headline",
    "outlet": "The Test Courier",
    "url": "https://courier.example.org/x",
    "published_on": "2026-01-05",
    "body": "One sentence here. Another one there.",
}
EVIDENCE = {"url": "https://stats.example.org/t", "source": "Stats office", "stance": "supports"}
RATING = {"name": "Satire", "description": "Not meant literally.", "tone": "slate"}

# (method, path template, data, who may, code when allowed). Placeholders: {article}; {claim}
# (unassigned); {assigned}, {research}, {review}, {dropped}: claims in that status assigned to the
# reviewer; {evidence} on the claim in research; {version} of the row's claim; {target} a user.
MATRIX = [
    ("GET", "/", None, ALL, 200),
    ("GET", "/dashboard", None, ALL, 200),
    ("GET", "/queue", None, ALL, 200),
    ("GET", "/review", None, ALL, 200),
    ("GET", "/claims", None, ALL, 200),
    ("GET", "/claims/export.csv", None, {"admin", "editor", "viewer"}, 200),
    ("GET", "/articles/", None, ALL, 200),
    ("GET", "/articles/new", None, EDITORS, 200),
    ("POST", "/articles/new", ARTICLE, EDITORS, 302),
    ("GET", "/articles/{article}", None, ALL, 200),
    ("GET", "/articles/{article}/edit", None, EDITORS, 200),
    ("POST", "/articles/{article}/edit", {**ARTICLE, "version": "1"}, EDITORS, 302),
    # Fetch again: {linked}'s address is on this machine, which factcheck does not fetch from, so
    # editors are told why (422) without a request leaving the test.
    ("POST", "/articles/{linked}/fetch", {"version": "1"}, EDITORS, 422),
    ("GET", "/articles/{article}/revisions", None, ALL, 200),
    ("GET", "/articles/{article}/revisions/compare", None, ALL, 302),  # one revision: back to the list
    ("GET", "/articles/{article}/claims/new?start=0&end=10", None, EDITORS, 200),
    ("POST", "/articles/{article}/claims/new", {"start": "0", "end": "10"}, EDITORS, 302),
    ("GET", "/claims/{claim}", None, ALL, 200),
    ("GET", "/claims/{claim}/edit", None, EDITORS, 200),
    ("POST", "/claims/{claim}/edit", {"wording": "New wording", "version": "{version}"}, EDITORS, 302),
    ("GET", "/claims/{claim}/delete", None, EDITORS, 200),
    ("POST", "/claims/{claim}/delete", {"confirm": "y", "version": "{version}"}, EDITORS, 302),
    ("POST", "/claims/{claim}/assign", {"assignee": "{reviewer}", "due_date": FUTURE, "version": "{version}"}, EDITORS, 302),
    ("POST", "/claims/{assigned}/start", {"version": "{version}"}, ASSIGNEE, 302),
    ("POST", "/claims/{research}/evidence", EVIDENCE, ASSIGNEE, 302),
    ("GET", "/evidence/{evidence}/edit", None, ASSIGNEE, 200),
    ("POST", "/evidence/{evidence}/edit", {**EVIDENCE, "version": "{evidence_version}"}, ASSIGNEE, 302),
    ("GET", "/evidence/{evidence}/delete", None, ASSIGNEE, 200),
    ("POST", "/evidence/{evidence}/delete", {"confirm": "y", "version": "{evidence_version}"}, ASSIGNEE, 302),
    ("POST", "/claims/{research}/verdict", {"rating": "{false}", "rationale": "Draft.", "save_draft": "1", "version": "{version}"}, ASSIGNEE, 302),
    ("POST", "/claims/{review}/approve", {"note": "", "version": "{version}"}, EDITORS, 302),
    ("POST", "/claims/{review}/return", {"note": "More, please.", "version": "{version}"}, EDITORS, 302),
    ("POST", "/claims/{claim}/drop", {"reason": "out_of_scope", "version": "{version}"}, EDITORS, 302),
    ("POST", "/claims/{dropped}/restore", {"version": "{version}"}, EDITORS, 302),
    ("POST", "/claims/{approved}/correct", {"note": "A figure was revised.", "version": "{version}"}, EDITORS, 302),
    # No changed text is waiting on this claim: editors are told so (409), others may not ask.
    ("POST", "/claims/{approved}/text-change", {"decision": "keep", "note": "Still holds.", "version": "{version}"}, EDITORS, 409),
    ("POST", "/claims/{research}/comments", {"body": "A question."}, PARTICIPANTS, 302),
    ("POST", "/claims/bulk", {"claim": "{claim}", "action": "drop", "reason": "out_of_scope"}, EDITORS, 302),
    # A form's address asked for by GET (a reload of its error page) is the claim page, for anyone who may read it.
    ("GET", "/claims/{claim}/assign", None, ALL, 303),
    ("GET", "/claims/{research}/evidence", None, ALL, 303),
    ("POST", "/claims/views", {"name": "Open at the Courier", "query": "status=open&outlet=Courier"}, ALL, 302),
    ("POST", "/claims/views/{view}/delete", {}, {"editor"}, 302),  # only its owner, the editor, removes it
    ("GET", "/admin/users", None, {"admin"}, 200),
    ("POST", "/admin/users", {"email": "n@desk.example.org", "name": "N", "role": "viewer", "password": "long enough pass"}, {"admin"}, 302),
    ("POST", "/admin/users/{target}/deactivate", {}, {"admin"}, 302),
    ("POST", "/admin/users/{target}/reactivate", {}, {"admin"}, 302),
    ("GET", "/admin/ratings", None, {"admin"}, 200),
    ("POST", "/admin/ratings", RATING, {"admin"}, 302),
    ("GET", "/admin/ratings/1/edit", None, {"admin"}, 200),
    ("POST", "/admin/ratings/1/edit", {**RATING, "name": "Correct"}, {"admin"}, 302),
    ("POST", "/admin/ratings/1/down", {}, {"admin"}, 302),
    ("POST", "/admin/ratings/1/up", {}, {"admin"}, 302),
    ("POST", "/admin/ratings/1/retire", {}, {"admin"}, 302),
    ("POST", "/admin/ratings/1/reinstate", {}, {"admin"}, 302),
    ("GET", "/account/password", None, ALL, 200),
    ("POST", "/account/password", {"current_password": factories.PASSWORD, "new_password": "another long one", "confirm": "another long one"}, ALL, 302),
    ("POST", "/logout", {}, ALL, 302),
    ("GET", "/account", None, ALL, 200),
    ("GET", "/admin/pages", None, {"admin"}, 200),
    ("GET", "/admin/pages/about", None, {"admin"}, 200),
    ("POST", "/admin/pages/methodology", {"title": "How we check", "body": "We **check**.", "version": "0"}, {"admin"}, 302),
    ("GET", "/tips", None, EDITORS, 200),
    ("POST", "/tips/{tip}/claim", {"version": "1"}, EDITORS, 302),
    ("POST", "/tips/{tip}/article", {"version": "1"}, EDITORS, 302),
    ("POST", "/tips/{tip}/merge", {"version": "1", "into": "{other_tip}"}, EDITORS, 302),
    ("POST", "/tips/{tip}/dismiss", {"version": "1"}, EDITORS, 302),
    ("POST", "/account/sessions/end-others", {}, ALL, 302),
    ("POST", "/account/sessions/{session}/end", {}, ALL, 302),
    ("GET", "/notifications", None, ALL, 200),
    ("POST", "/notifications/{notification}/read", {}, {"reviewer"}, 302),  # the reviewer's own
    ("POST", "/notifications/read-all", {}, ALL, 302),
    ("GET", "/notifications/settings", None, ALL, 200),
    ("POST", "/notifications/settings", {kind.value: "digest" for kind in NotificationKind}, ALL, 302),
    ("GET", "/admin/webhooks", None, {"admin"}, 200),
    ("POST", "/admin/webhooks", {"url": "https://hooks.example.org/factcheck", "events": "claim.approved"}, {"admin"}, 201),
    ("GET", "/admin/webhooks/{endpoint}", None, {"admin"}, 200),
    ("POST", "/admin/webhooks/{endpoint}/off", {}, {"admin"}, 302),
    ("POST", "/admin/webhooks/deliveries/{delivery}/again", {}, {"admin"}, 302),
    ("POST", "/account/tokens", {"name": "CMS plug-in", "scope": "write"}, ALL, 201),  # shown once, on this answer
    ("POST", "/account/tokens/{token}/revoke", {}, ALL, 302),
]
# Public on purpose: the sign-in page (signed-in people are sent on to their home page), the
# health check for load balancers (test_production.py) and what readers see (test_public.py).
PUBLIC = [("GET", "/login"), ("POST", "/login"), ("GET", "/healthz"), ("GET", "/verdicts/1"), ("GET", "/corrections"), ("GET", "/claimreview.json"),
          ("GET", "/verdicts"), ("GET", "/verdicts.atom"), ("GET", "/sitemap.xml"), ("GET", "/verdicts/1/card"), ("GET", "/about"),
          ("GET", "/ratings"), ("GET", "/tips/new"), ("POST", "/tips/new")]
# Answers that are not 'allowed or 403': a reviewer's home page is their queue.
SPECIAL = {("GET", "/", "reviewer"): 302}
# {session} is someone else's session: nobody may end it, and nobody learns it exists.
SPECIAL.update({("POST", "/account/sessions/{session}/end", role): 404 for role in ALL})
# {notification} is the reviewer's: the others are told it does not exist.
SPECIAL.update({("POST", "/notifications/{notification}/read", role): 404 for role in ALL - {"reviewer"}})
# {token} is someone else's API token: the same.
SPECIAL.update({("POST", "/account/tokens/{token}/revoke", role): 404 for role in ALL})


def expected(role, allowed, ok, method, path):
    if (method, path, role) in SPECIAL:
        return SPECIAL[(method, path, role)]
    if role == "anonymous":
        return 302 if method == "GET" else 401
    return ok if role in allowed else 403


def build(app, users, text: str) -> dict:
    """Create only what this row's placeholders name."""
    names = set(re.findall(r"{(\w+)}", text))
    values = {"reviewer": users["reviewer"]}
    article = factories.make_article(app, users["editor"], body="The budget rose by ten percent. Taxes fell. Rents rose.")
    values["article"] = article
    factories.make_claim(app, article, users["editor"], quote="Rents rose.")  # a claim on the text
    claim_id = None
    for name, status, quote in [
        ("claim", "unassigned", "Taxes fell."),
        ("assigned", "assigned", "Taxes fell."),
        ("research", "in_research", "Taxes fell."),
        ("evidence", "in_research", "Taxes fell."),
        ("review", "in_review", "Taxes fell."),
        ("dropped", "dropped", "Taxes fell."),
        ("approved", "approved", "Taxes fell."),
    ]:
        if name in names:
            claim_id = factories.claim_in(app, status, editor=users["editor"], reviewer=users["reviewer"], article=article, quote=quote)
            values[name] = values["claim" if name == "claim" else name] = claim_id
            break
    if "evidence" in names:
        values["evidence"] = factories.evidence(app, claim_id, users["reviewer"])
        values["evidence_version"] = 1
    if claim_id:
        values["version"] = factories.get(app, Claim, claim_id).version
    if "view" in names:
        with app.app_context():
            view = SavedView(user_id=users["editor"], name="Mine", query="status=open")
            db.session.add(view)
            db.session.commit()
            values["view"] = view.id
    if "linked" in names:
        values["linked"] = factories.make_article(app, users["editor"], url="http://127.0.0.1:9/story")
    if "target" in names:
        values["target"] = factories.make_user(app, role="reviewer")
    if "session" in names:
        values["session"] = factories.session_of(app, factories.make_user(app, role="reviewer"))
    if "tip" in names:
        values["tip"] = factories.tip(app)
        values["other_tip"] = factories.tip(app, text="The same claim, seen elsewhere.")
    if "notification" in names or "endpoint" in names or "delivery" in names:
        with app.app_context():
            notification = Notification(recipient_id=users["reviewer"], kind=NotificationKind.ASSIGNED, text="Claim assigned")
            endpoint = WebhookEndpoint(url="https://hooks.example.org/x", secret="whsec_test", events=["claim.approved"])
            db.session.add_all([notification, endpoint])
            db.session.flush()
            delivery = OutboxMessage(key="webhook:test", channel=Channel.WEBHOOK, endpoint_id=endpoint.id, event="claim.approved", payload={"body": "{}"})
            db.session.add(delivery)
            db.session.commit()
            values.update(notification=notification.id, endpoint=endpoint.id, delivery=delivery.id)
    if "token" in names:
        factories.make_token(app, factories.make_user(app, role="editor"))
        with app.app_context():
            from factcheck.models import ApiToken

            values["token"] = db.session.scalars(db.select(ApiToken.id)).first()
    if "false" in names:
        values["false"] = factories.rating_id(app, "False")
    return values


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, data, allowed, ok", MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX])
def test_role_matrix(app, users, client_as, role, method, path, data, allowed, ok):
    values = build(app, users, path + repr(data))
    url = path.format(**values)
    client = app.test_client() if role == "anonymous" else client_as(role)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={k: str(v).format(**values) for k, v in (data or {}).items()})
    assert response.status_code == expected(role, allowed, ok, method, path), response.get_data(as_text=True)[:800]


@pytest.mark.parametrize("role", ROLES)
def test_sign_in_page_is_public(app, client_as, role):
    client = app.test_client() if role == "anonymous" else client_as(role)
    assert client.get("/login").status_code == (200 if role == "anonymous" else 302)


def test_every_route_is_in_the_matrix(app):
    adapter = app.url_map.bind("localhost")
    covered = set(PUBLIC and [(m, adapter.match(p, method=m)[0]) for m, p in PUBLIC])
    for method, path, *_ in MATRIX:
        url = re.sub(r"{\w+}", "1", path.split("?")[0])
        covered.add((method, adapter.match(url, method=method)[0]))
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue  # the JSON API has its own matrix (tests/test_api_roles.py), by token scope too
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.endpoint) in covered, f"{method} {rule.rule} has no row in the role matrix"
