"""Hostile input through the real forms and routes: each gets a clear refusal (or is made
harmless), never a 500, and nothing is stored that should not be."""

import pytest
from sqlalchemy import func, select

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, Comment, Evidence

from . import factories

SCRIPT = "<script>alert('x')</script>"
ARTICLE = {"title": "T", "outlet": "O", "url": "https://o.example.org/a", "published_on": "2026-01-02", "body": "A sentence. Another."}
EVIDENCE = {"url": "https://e.example.org/x", "source": "S", "stance": "supports"}


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Article, Claim, Evidence, Comment, AuditEvent))


@pytest.fixture
def world(app, users):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    other = factories.make_user(app, role="reviewer")
    return {"claim": claim, "article": factories.get(app, Claim, claim).article_id, "other": other}


# (who, method, path, data, expected status, text on the page)
VECTORS = [
    ("editor", "POST", "/articles/new", {**ARTICLE, "url": "javascript:alert(1)"}, 422, "Only http:// and https://"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "url": "data:text/html;base64,PHNjcmlwdD4="}, 422, "Only http:// and https://"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "url": "file:///etc/passwd"}, 422, "Only http:// and https://"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "url": "https://admin:hunter2@o.example.org/"}, 422, "user name or password"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "url": "https://o.example.org:99999/"}, 422, "could not be read"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "title": "x" * 301}, 422, "Field cannot be longer than 300 characters"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "body": "y" * 200_001}, 422, "the limit is 200,000"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "published_on": "2999-01-01"}, 422, "cannot be in the future"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "published_on": "0000-00-00"}, 422, "Not a valid date"),
    ("editor", "POST", "/articles/new", {**ARTICLE, "body": " \x00 \x00 "}, 422, "The article text is empty."),
    ("reviewer", "POST", "/claims/{claim}/evidence", {**EVIDENCE, "url": "javascript:alert(1)"}, 422, "Only http:// and https://"),
    ("reviewer", "POST", "/claims/{claim}/evidence", {**EVIDENCE, "url": "JAVASCRIPT:alert(1)"}, 422, "Only http:// and https://"),
    ("reviewer", "POST", "/claims/{claim}/evidence", {**EVIDENCE, "url": "data:,hello"}, 422, "Only http:// and https://"),
    ("reviewer", "POST", "/claims/{claim}/evidence", {**EVIDENCE, "url": "file:///etc/passwd"}, 422, "Only http:// and https://"),
    ("reviewer", "POST", "/claims/{claim}/evidence", {**EVIDENCE, "archive_url": "vbscript:msgbox"}, 422, "Only http:// and https://"),
    ("reviewer", "POST", "/claims/{claim}/evidence", {**EVIDENCE, "url": "https:// spaced.example.org"}, 422, "spaces"),
    ("reviewer", "POST", "/claims/{claim}/evidence", {**EVIDENCE, "stance": "praises"}, 422, "Not a valid choice"),
    ("reviewer", "POST", "/claims/{claim}/evidence", {**EVIDENCE, "source": "s" * 201}, 422, "Field cannot be longer than 200 characters"),
    ("other", "POST", "/claims/{claim}/evidence", EVIDENCE, 403, "permission"),
    ("other", "POST", "/claims/{claim}/verdict", {"rating": "1", "rationale": "x", "submit_verdict": "1", "version": "9"}, 403, "permission"),
    ("other", "POST", "/claims/{claim}/comments", {"body": "Not my claim"}, 403, "permission"),
    ("viewer", "POST", "/claims/{claim}/assign", {"assignee": "1", "due_date": "2030-01-01", "version": "1"}, 403, "permission"),
    ("reviewer", "POST", "/claims/{claim}/approve", {"version": "1"}, 403, "permission"),
    ("editor", "POST", "/claims/{claim}/assign", {"assignee": "99999", "due_date": "2030-01-01", "version": "1"}, 422, "Not a valid choice"),
    ("editor", "POST", "/claims/{claim}/edit", {"wording": "w" * 2001, "version": "1"}, 422, "Field cannot be longer than 2000 characters"),
    ("editor", "POST", "/articles/{article}/claims/new", {"start": "99999999999999999999", "end": "5"}, 422, "The start must be between"),
    ("editor", "POST", "/claims/bulk", {"claim": ["999999"], "action": "drop", "reason": "duplicate"}, 302, None),
    ("editor", "GET", "/claims?q=%00%00&status=open", None, 200, "1–1 of 1"),  # NULs dropped: no filter left
    ("editor", "GET", "/claims?status=%3Cscript%3E", None, 422, "There is no status “&lt;script&gt;”"),
    ("editor", "GET", "/claims?after=-1%20OR%201=1", None, 400, "not understood"),
    ("editor", "GET", "/claims/export.csv?rating=1;DROP%20TABLE%20claims", None, 302, None),
    ("editor", "POST", "/articles/new", {**ARTICLE, "csrf_token": "forged"}, 400, "form has expired"),
    ("anonymous", "POST", "/claims/{claim}/approve", {"version": "1"}, 401, "Please sign in"),
    ("editor", "GET", "/login?next=//evil.example", None, 302, None),
    # What a refused bulk Apply carries back in the address, forged: shown as typed or ignored.
    ("editor", "GET", "/claims?bulk_action=%3Cscript%3E&bulk_assignee=abc&bulk_due_date=2026-13-45&bulk_reason=x", None, 200, "1–1 of 1"),
    ("editor", "GET", "/claims?bulk_due_date=%22%3E%3Cscript%3Ealert(1)%3C/script%3E", None, 200, "&#34;&gt;&lt;script&gt;"),
    ("editor", "GET", "/articles/{article}?bulk_assignee=99999&selected=1,x,%3Cb%3E", None, 200, None),
    ("editor", "GET", "/claims?after=1&first=-5", None, 200, None),
    ("editor", "GET", "/claims?after=1&first=99999999999999999999999", None, 200, None),
    ("editor", "POST", "/claims/bulk", {"action": "assign", "due_date": "2030-01-01", "next": "https://evil.example/"}, 302, None),
    ("anonymous", "GET", "/healthz?next=//evil.example", None, 200, '"status"'),
    # Ids that are digits to str.isdigit but not to int() ("²"), or beyond what the database holds.
    ("editor", "GET", "/claims?selected=1,%C2%B2,99999999999999999999", None, 200, "1–1 of 1"),
    ("editor", "GET", "/claims?assignee=%C2%B2", None, 422, "not a person in this newsroom"),
    ("editor", "GET", "/claims?rating=%C2%B2", None, 422, "There is no rating"),
    ("editor", "GET", "/claims?article=99999999999999999999", None, 422, "There is no such article"),
    ("editor", "GET", "/claims?article=%C2%B2", None, 422, "There is no such article"),
    ("editor", "GET", "/claims?after=99999999999999999999", None, 400, "not understood"),
    ("editor", "GET", "/claims?sort=due&after=2030-01-01T00:00:00~99999999999999999999", None, 400, "not understood"),
    ("editor", "GET", "/claims/export.csv?status=open&assignee=%C2%B2", None, 302, None),
    ("editor", "GET", "/claims/99999999999999999999", None, 404, None),
    ("editor", "GET", "/articles/99999999999999999999?selected=%C2%B2", None, 404, None),
    ("editor", "GET", "/articles/{article}?selected=%C2%B2,99999999999999999999", None, 200, None),
    ("editor", "GET", "/articles/?before=99999999999999999999", None, 200, None),
    ("anonymous", "GET", "/claimreview.json?after=99999999999999999999", None, 200, '"items"'),
    ("anonymous", "GET", "/verdicts/99999999999999999999", None, 302, None),  # matches no page: sign in first
    ("editor", "POST", "/claims/bulk", {"claim": ["%C2%B2", "²", "99999999999999999999"], "action": "drop", "reason": "duplicate"}, 302, None),
]


@pytest.mark.parametrize("who, method, path, data, status, text", VECTORS, ids=[f"{v[1]} {v[2]} {i}" for i, v in enumerate(VECTORS)])
def test_hostile_input_is_refused_cleanly(app, users, client_as, world, who, method, path, data, status, text):
    url = path.format(**world)
    if who == "anonymous":
        client = app.test_client()
    elif who == "other":
        client = app.test_client()
        factories.sign_in(client, app, world["other"])
    else:
        client = client_as(who)
    before = counts(app)
    response = client.get(url) if method == "GET" else client.post(url, data=data)
    assert response.status_code == status
    if text:
        assert text in response.get_data(as_text=True)
    assert counts(app) == before  # nothing stored, not even a history row
    if url.startswith("/login"):
        assert response.headers["Location"] == "/"
    if response.status_code == 302:  # every redirect stays on this site
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//"), location


def test_script_in_every_text_field_is_shown_as_text(app, users, client_as):
    editor, reviewer = client_as("editor"), client_as("reviewer")
    editor.post("/articles/new", data={**ARTICLE, "title": SCRIPT, "outlet": SCRIPT, "body": f"{SCRIPT} said the mayor. Taxes rose."})
    article = factories.scalars(app, select(Article.id))[0]
    editor.post(f"/articles/{article}/claims/new", data={"start": 0, "end": 10, "wording": SCRIPT, "claimant": SCRIPT})
    claim = factories.scalars(app, select(Claim.id))[0]
    editor.post(f"/claims/{claim}/assign", data={"assignee": users["reviewer"], "due_date": "2030-01-01", "version": "1"})
    version = lambda: factories.get(app, Claim, claim).version  # noqa: E731
    reviewer.post(f"/claims/{claim}/start", data={"version": version()})
    reviewer.post(f"/claims/{claim}/evidence", data={**EVIDENCE, "source": SCRIPT, "summary": SCRIPT})
    reviewer.post(f"/claims/{claim}/verdict", data={"rating": factories.rating_id(app, "False"), "rationale": SCRIPT, "submit_verdict": "1", "version": version()})
    reviewer.post(f"/claims/{claim}/comments", data={"body": SCRIPT})
    editor.post(f"/claims/{claim}/approve", data={"version": version()})
    for page_url in (f"/articles/{article}", f"/claims/{claim}", "/claims", "/dashboard", "/articles/", "/review", f"/verdicts/{claim}"):
        page = editor.get(page_url).get_data(as_text=True)
        assert SCRIPT not in page, page_url
    assert "&lt;script&gt;" in editor.get(f"/claims/{claim}").get_data(as_text=True)


def test_nul_bytes_are_dropped_not_stored(app, users, client_as):
    client = client_as("editor")
    assert client.post("/articles/new", data={**ARTICLE, "title": "Budget\x00 vote"}).status_code == 302
    assert factories.scalars(app, select(Article.title)) == ["Budget vote"]


def test_invalid_utf8_in_a_form_is_not_a_500(client_as):
    client = client_as("editor")
    body = b"title=%FF%FE&outlet=O&body=Bad+%C3%28+bytes.&csrf_token=" + client.csrf_token().encode()
    response = client.post("/articles/new", data=body, csrf=False, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 422)


def _signed_device_cookie(app, payload) -> str:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(app.secret_key, salt="factcheck-device").dumps(payload)


@pytest.mark.parametrize(
    "payload",
    [{"u": 1}, "text", [["1", "nonce"]], [[True, "nonce"]], [[1]], [[1, 2]], [None], [[1, "n", "x"]], [[10**30, "n"]]],
)
def test_device_cookies_of_the_wrong_shape_are_ignored(app, users, payload):
    email = factories.get(app, factories.User, users["editor"]).email
    client = app.test_client()
    client.set_cookie("factcheck_device", _signed_device_cookie(app, payload), path="/login")
    assert client.post("/login", data={"email": email, "password": "a guess"}).status_code == 422
    assert client.post("/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302


@pytest.mark.parametrize("token", ["", "x", "1", "' OR 1=1 --", "\x00", "é" * 5000])
def test_made_up_session_tokens_sign_nobody_in(app, users, token):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
