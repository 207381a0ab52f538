"""The JSON API at /api/v1: what a script sends and gets back, the pages' rules and messages as
problem documents, keyset paging of the claims list with its filters, and the OpenAPI document."""

import json
import re
import threading
import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, User

from . import factories
from .factories import Api

FUTURE = (date.today() + timedelta(days=5)).isoformat()
BODY = "The budget rose by ten percent. Taxes fell. Rents rose."


@pytest.fixture
def api(app, users):
    """api('editor') is a client sending a write token of that role's account."""
    tokens = {}

    def client(role: str, scope: str = "write") -> Api:
        if (role, scope) not in tokens:
            tokens[role, scope] = factories.make_token(app, users[role], scope=scope)
        return Api(app, tokens[role, scope])

    return client


def email_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


# -- articles --------------------------------------------------------------------------------


def test_an_article_sent_as_json_comes_back_with_its_id(app, users, api):
    response = api("editor").post(
        "/api/v1/articles", {"title": "Council budget", "body": BODY, "url": "https://courier.example.org/b"}
    )
    assert response.status_code == 201
    article = response.get_json()
    assert article["id"] and article["title"] == "Council budget" and article["body"] == BODY
    assert article["outlet"] is None  # optional in the API
    assert response.headers["Location"].endswith(f"/api/v1/articles/{article['id']}")
    assert api("viewer").get(f"/api/v1/articles/{article['id']}").get_json()["url"] == "https://courier.example.org/b"


def test_an_invalid_article_gets_the_forms_messages_by_field(app, users, api):
    response = api("editor").post("/api/v1/articles", {"title": "", "body": "  ", "url": "ftp://x"})
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["status"] == 422 and problem["type"].endswith("invalid-fields")
    assert problem["errors"]["title"] == "Give the article's headline."
    assert problem["errors"]["body"] == "The article text is empty."
    assert "url" in problem["errors"]


def test_a_body_that_is_not_json_is_refused(app, users, api):
    client = api("editor")
    response = client.client.post("/api/v1/articles", data="title=x", headers=client.headers, csrf=False)
    assert response.status_code == 415
    response = client.client.post("/api/v1/articles", data="[1]", content_type="application/json", headers=client.headers, csrf=False)
    assert response.status_code == 400


def test_articles_are_listed_newest_first_a_page_at_a_time(app, users, api):
    ids = [factories.make_article(app, users["editor"], title=f"A{i}") for i in range(5)]
    client = api("viewer")
    seen, after = [], None
    while True:
        page = client.get("/api/v1/articles", query_string={"limit": 2, **({"after": after} if after else {})}).get_json()
        seen += [a["id"] for a in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert seen == sorted(ids, reverse=True)


def test_an_article_lists_its_claims(app, users, api):
    article = factories.make_article(app, users["editor"], body=BODY)
    claim = factories.make_claim(app, article, users["editor"], quote="Taxes fell.")
    data = api("reviewer").get(f"/api/v1/articles/{article}").get_json()
    assert [(c["id"], c["status"]) for c in data["claims"]] == [(claim, "unassigned")]


# -- claims ------------------------------------------------------------------------------------


def test_a_span_in_code_points_becomes_a_claim(app, users, api):
    body = "Tea 🍵 costs more. The budget rose by ten percent."
    article = factories.make_article(app, users["editor"], body=body)
    start = body.index("The budget")
    response = api("editor").post(
        f"/api/v1/articles/{article}/claims",
        {"start": start, "end": len(body), "claimant": "The mayor", "wording": "The budget rose 10%"},
    )
    assert response.status_code == 201
    claim = response.get_json()
    assert claim["quote"] == "The budget rose by ten percent."
    assert (claim["start"], claim["end"], claim["status"], claim["version"]) == (start, len(body), "unassigned", 1)
    assert claim["claimant"] == "The mayor" and claim["wording"] == "The budget rose 10%"


@pytest.mark.parametrize(
    "span, field, message",
    [
        ({"end": 5}, "start", "Give the start of the span."),
        ({"start": 0, "end": 500}, "end", "The end must be at most"),
        ({"start": 10, "end": 5}, "end", "The span is empty"),
        ({"start": "ten", "end": 5}, "start", "Not a valid integer"),
        ({"start": 0, "end": 31}, "start", "already claim #"),
    ],
)
def test_a_bad_span_is_refused_with_the_pages_message(app, users, api, span, field, message):
    article = factories.make_article(app, users["editor"], body=BODY)
    factories.make_claim(app, article, users["editor"], start=0, end=31)
    response = api("editor").post(f"/api/v1/articles/{article}/claims", span)
    assert response.status_code == 422, response.get_json()
    assert message in response.get_json()["errors"][field]


def test_the_claims_list_takes_the_pages_filters(app, users, api):
    article = factories.make_article(app, users["editor"], body=BODY)
    open_one = factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"], article=article, quote="Taxes fell.")
    factories.make_claim(app, article, users["editor"], quote="Rents rose.")
    client = api("viewer")

    def ids(**query):
        response = client.get("/api/v1/claims", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [c["id"] for c in response.get_json()["items"]]

    assert ids(status="assigned") == [open_one]
    assert ids(assignee=str(users["reviewer"])) == ids(assignee=email_of(app, users["reviewer"])) == [open_one]
    assert ids(q="taxes") == [open_one]
    assert len(ids(article=str(article))) == 2
    assert ids(overdue="1") == []
    assert len(ids(status="open")) == 2


def test_bad_filters_are_named_in_the_problem(app, users, api):
    response = api("viewer").get("/api/v1/claims", query_string={"status": "finished", "rating": "999", "article": "x"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["status"] == "There is no status “finished”."
    assert errors["rating"] == "There is no rating “999”."
    assert errors["article"] == "There is no such article."
    assert api("viewer").get("/api/v1/claims", query_string={"after": "nonsense"}).status_code == 400


@pytest.mark.parametrize("sort", ["newest", "oldest", "due"])
def test_the_claims_list_pages_through_every_claim_once(app, users, api, sort):
    body = " ".join(f"Claim number {i} is here." for i in range(7))
    article = factories.make_article(app, users["editor"], body=body)
    made = [factories.make_claim(app, article, users["editor"], quote=f"Claim number {i} is here.") for i in range(7)]
    seen, after = [], None
    while True:
        query = {"limit": 3, "sort": sort, **({"after": after} if after else {})}
        page = api("viewer").get("/api/v1/claims", query_string=query).get_json()
        assert len(page["items"]) <= 3
        seen += [c["id"] for c in page["items"]]
        after = page["next"]
        if not after:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_a_claim_comes_with_evidence_verdict_and_history(app, users, api):
    claim = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"])
    data = api("viewer").get(f"/api/v1/claims/{claim}").get_json()
    assert data["status"] == "in_review"
    assert data["evidence"][0]["source"] == "Stats office"
    assert data["verdict"]["rating"]["name"] == "False" and data["verdict"]["rationale"]
    assert [e["action"] for e in data["history"]] == ["created", "assigned", "started_research", "evidence_added", "submitted"]
    assert data["moves"] == []  # a viewer may make none


def test_a_viewer_does_not_see_withheld_sources(app, users, api):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    factories.evidence(app, claim, users["reviewer"], url="https://secret.example.org/leak", source="Insider", withheld=True, withheld_reason="Protect them")
    as_viewer = api("viewer").get(f"/api/v1/claims/{claim}")
    assert "secret.example.org" not in as_viewer.get_data(as_text=True)
    assert as_viewer.get_json()["history"][-1]["redacted"] is True
    assert "secret.example.org" in api("editor").get(f"/api/v1/claims/{claim}").get_data(as_text=True)


def test_unknown_claims_and_methods_are_problems_too(app, users, api):
    client = api("editor")
    missing = client.get("/api/v1/claims/999999")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert client.get("/api/v1/nothing-here").status_code == 404
    wrong = client.client.delete("/api/v1/claims", headers=client.headers)
    assert wrong.status_code == 405 and wrong.get_json()["status"] == 405


# -- moves -------------------------------------------------------------------------------------


def test_an_illegal_move_is_409_with_the_workflows_words(app, users, api):
    claim = factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"])
    response = api("editor").post(f"/api/v1/claims/{claim}/approve")
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["type"].endswith("illegal-move")
    assert problem["detail"] == f"Claim #{claim} is assigned, so it cannot be approved now."


def test_a_move_with_missing_fields_is_422_with_the_forms_message(app, users, api):
    claim = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"])
    response = api("editor").post(f"/api/v1/claims/{claim}/return", {"note": ""})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"note": Claim.RETURN_NOTE_REQUIRED}
    assert factories.get(app, Claim, claim).status == ClaimStatus.IN_REVIEW


def test_a_stale_version_is_409_saying_who_changed_what(app, users, api):
    claim = factories.make_claim(app, factories.make_article(app, users["editor"], body=BODY), users["editor"], quote="Taxes fell.")
    reviewer = email_of(app, users["reviewer"])
    admin = api("admin").post(f"/api/v1/claims/{claim}/assign", {"assignee": reviewer, "due": FUTURE, "version": 1})
    assert admin.status_code == 200 and admin.get_json()["version"] == 2
    response = api("editor").post(f"/api/v1/claims/{claim}/drop", {"reason": "duplicate", "version": 1})
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["type"].endswith("stale-version")
    with app.app_context():
        admin_name = db.session.get(User, users["admin"]).name
    assert f"{admin_name} assigned it" in problem["detail"] and "assignee" in problem["detail"]
    assert problem["current"]["status"] == "assigned" and problem["current"]["version"] == 2
    assert factories.get(app, Claim, claim).status == ClaimStatus.ASSIGNED


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"due": FUTURE}, "assignee", "Choose a reviewer."),
        ({"assignee": "nobody@desk.example.org", "due": FUTURE}, "assignee", "There is no one"),
        ({"assignee": "{reviewer}"}, "due", "Give a due date."),
        ({"assignee": "{reviewer}", "due": "2020-01-01"}, "due", "The due date is in the past."),
        ({"assignee": "{reviewer}", "due": "next week"}, "due", "Not a valid date"),
        ({"assignee": "{viewer}", "due": FUTURE}, "assignee", "is not an active reviewer"),
    ],
)
def test_assigning_checks_what_the_page_checks(app, users, api, body, field, message):
    claim = factories.make_claim(app, factories.make_article(app, users["editor"], body=BODY), users["editor"], quote="Taxes fell.")
    body = {k: (email_of(app, users[v[1:-1]]) if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()}
    response = api("editor").post(f"/api/v1/claims/{claim}/assign", body)
    assert response.status_code == 422, response.get_json()
    assert message in response.get_json()["errors"][field]


def test_assign_takes_the_reviewer_by_id_too(app, users, api):
    claim = factories.make_claim(app, factories.make_article(app, users["editor"], body=BODY), users["editor"], quote="Taxes fell.")
    response = api("editor").post(f"/api/v1/claims/{claim}/assign", {"assignee": users["reviewer"], "due": FUTURE, "due_time": "17:30"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["assignee"]["id"] == users["reviewer"] and data["due_has_time"] is True and data["status"] == "assigned"


def test_a_reviewer_works_a_claim_through_to_review(app, users, api):
    claim = factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"])
    reviewer = api("reviewer")
    assert reviewer.post(f"/api/v1/claims/{claim}/start").get_json()["status"] == "in_research"
    refused = reviewer.post(f"/api/v1/claims/{claim}/submit", {"rating": "False", "rationale": "The table says 12."})
    assert refused.status_code == 422 and "needs at least one evidence link" in refused.get_json()["errors"]["rating"]
    evidence = reviewer.post(f"/api/v1/claims/{claim}/evidence", {"url": "https://stats.example.org/t4", "source": "Stats", "stance": "contradicts"})
    assert evidence.status_code == 201 and evidence.get_json()["source"] == "Stats"
    bad = reviewer.post(f"/api/v1/claims/{claim}/evidence", {"url": "javascript:alert(1)", "source": "", "stance": "maybe"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) >= {"url", "source", "stance"}
    draft = reviewer.post(f"/api/v1/claims/{claim}/verdict", {"rating": "False", "rationale": "Draft."})
    assert draft.status_code == 200 and draft.get_json()["status"] == "in_research"
    submitted = reviewer.post(f"/api/v1/claims/{claim}/submit", {"rating": "false", "rationale": "The table says 12."})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "in_review"
    comment = reviewer.post(f"/api/v1/claims/{claim}/comments", {"body": "Table 4.2 is the source."})
    assert comment.status_code == 201
    assert api("editor").post(f"/api/v1/claims/{claim}/comments", {"body": ""}).get_json()["errors"]["body"] == "Write something first."
    approved = api("editor").post(f"/api/v1/claims/{claim}/approve", {})
    assert approved.get_json()["verdict"]["published"] is True
    corrected = api("editor").post(f"/api/v1/claims/{claim}/correct", {"note": "A figure was revised."})
    assert corrected.get_json()["status"] == "in_research"


def test_an_unknown_rating_is_named(app, users, api):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    response = api("reviewer").post(f"/api/v1/claims/{claim}/submit", {"rating": "Pants on fire", "rationale": "x"})
    assert response.status_code == 422 and response.get_json()["errors"]["rating"] == "There is no rating “Pants on fire”."


def test_drop_and_restore(app, users, api):
    claim = factories.make_claim(app, factories.make_article(app, users["editor"], body=BODY), users["editor"], quote="Taxes fell.")
    editor = api("editor")
    assert editor.post(f"/api/v1/claims/{claim}/drop", {}).get_json()["errors"]["reason"].startswith("Choose a reason")
    assert editor.post(f"/api/v1/claims/{claim}/drop", {"reason": "not_checkable", "note": "Opinion."}).get_json()["status"] == "dropped"
    assert editor.post(f"/api/v1/claims/{claim}/restore").get_json()["status"] == "unassigned"


def test_a_move_writes_one_history_row_with_the_token_owner_as_actor(app, users, api):
    claim = factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"])
    api("reviewer").post(f"/api/v1/claims/{claim}/start")
    events = factories.scalars(app, select(AuditEvent).where(AuditEvent.entity_id == claim, AuditEvent.entity == "claim").order_by(AuditEvent.id))
    assert (events[-1].action, events[-1].actor_id) == ("started_research", users["reviewer"])


# -- the OpenAPI document ------------------------------------------------------------------------


def api_routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
            found.update((method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"})
    return found


def test_the_openapi_document_describes_exactly_the_routes(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert documented == api_routes(app)
    for path, item in document["paths"].items():  # every path parameter is declared
        for method, operation in item.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == set(re.findall(r"{(\w+)}", path)), (method, path)


def test_the_openapi_document_references_only_what_it_defines(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    text = json.dumps(document)
    for kind, name in re.findall(r'"#/components/(\w+)/(\w+)"', text):
        assert name in document["components"][kind], name


# -- end to end ------------------------------------------------------------------------------------


def test_a_script_creates_an_article_claims_a_span_and_assigns_it(app, users):
    """A script over real HTTP, with a token from the command line, does the desk's first steps;
    the reviewer then finds the claim in their queue."""
    editor_email, reviewer_email = email_of(app, users["editor"]), email_of(app, users["reviewer"])
    result = app.test_cli_runner().invoke(args=["create-token", editor_email, "--scope", "write", "--name", "CMS"])
    token = result.output.strip().splitlines()[-1]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}/api/v1"

    def call(method, path, body=None):
        request = urllib.request.Request(
            base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    try:
        text = "The mayor said the new bridge cost 40 million euros. Work starts in May."
        status, article = call("POST", "/articles", {"title": "Bridge", "body": text, "outlet": "Courier"})
        assert status == 201
        start = text.index("the new bridge")
        status, claim = call("POST", f"/articles/{article['id']}/claims", {"start": start, "end": text.index(" Work") , "claimant": "The mayor"})
        assert status == 201 and claim["quote"] == "the new bridge cost 40 million euros."
        status, assigned = call("POST", f"/claims/{claim['id']}/assign", {"assignee": reviewer_email, "due": FUTURE, "version": claim["version"]})
        assert status == 200 and assigned["status"] == "assigned" and assigned["assignee"]["email"] == reviewer_email
        status, listed = call("GET", f"/claims?assignee={reviewer_email}&status=assigned")
        assert status == 200 and [c["id"] for c in listed["items"]] == [claim["id"]]
    finally:
        server.shutdown()
        thread.join()
    reviewer = app.test_client()
    factories.sign_in(reviewer, app, users["reviewer"])
    assert "the new bridge cost 40 million euros" in factories.page_text(reviewer.get("/queue"))


def test_a_verdict_field_left_out_keeps_what_the_draft_has(app, users, api):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    reviewer = api("reviewer")
    factories.evidence(app, claim, users["reviewer"])
    assert reviewer.post(f"/api/v1/claims/{claim}/verdict", {"rating": "False"}).status_code == 200
    submitted = reviewer.post(f"/api/v1/claims/{claim}/submit", {"rationale": "The table says 12 percent."})
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["verdict"]["rating"]["name"] == "False"
