"""Hostile input through the real forms and routes: each gets a clear refusal (or is made
harmless), never a 500, and nothing is stored that should not be."""

import json
import re

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
    # Any address under /verdicts/ is the readers' page: a mistyped one is their 404, not the staff sign-in.
    ("anonymous", "GET", "/verdicts/99999999999999999999", None, 404, "No published fact check here"),
    ("editor", "POST", "/claims/bulk", {"claim": ["%C2%B2", "²", "99999999999999999999"], "action": "drop", "reason": "duplicate"}, 302, None),
    # An earlier claim's id beyond what the database holds, marked as the original of a new claim.
    ("editor", "POST", "/articles/{article}/claims/new", {"start": "0", "end": "10", "duplicate_of": "99999999999999999999"}, 422, "That earlier claim could not be found"),
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

    def saved(response):  # each step must go through, or the pages below would not hold the script
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    saved(editor.post("/articles/new", data={**ARTICLE, "title": SCRIPT, "outlet": SCRIPT, "body": f"{SCRIPT} said the mayor. Taxes rose."}))
    article = factories.scalars(app, select(Article.id))[0]
    saved(editor.post(f"/articles/{article}/claims/new", data={"start": 0, "end": 10, "wording": SCRIPT, "claimant": SCRIPT}))
    claim = factories.scalars(app, select(Claim.id))[0]
    saved(editor.post(f"/claims/{claim}/assign", data={"assignee": users["reviewer"], "due_date": "2030-01-01", "version": "1"}))
    version = lambda: factories.get(app, Claim, claim).version  # noqa: E731
    saved(reviewer.post(f"/claims/{claim}/start", data={"version": version()}))
    saved(reviewer.post(f"/claims/{claim}/evidence", data={**EVIDENCE, "source": SCRIPT, "summary": SCRIPT}))
    saved(reviewer.post(f"/claims/{claim}/verdict", data={"rating": factories.rating_id(app, "False"), "rationale": SCRIPT, "submit_verdict": "1", "version": version()}))
    saved(reviewer.post(f"/claims/{claim}/comments", data={"body": SCRIPT}))
    saved(editor.post(f"/claims/{claim}/approve", data={"version": version()}))
    assert factories.get(app, Claim, claim).status.value == "approved"
    for page_url in (f"/articles/{article}", f"/claims/{claim}", "/claims", "/dashboard", "/articles/", "/review", f"/verdicts/{claim}"):
        response = editor.get(page_url)
        assert response.status_code == 200, page_url
        assert SCRIPT not in response.get_data(as_text=True), page_url
    assert "&lt;script&gt;" in editor.get(f"/claims/{claim}").get_data(as_text=True)
    assert "&lt;script&gt;" in editor.get(f"/verdicts/{claim}").get_data(as_text=True)


def test_nul_bytes_are_dropped_not_stored(app, users, client_as):
    client = client_as("editor")
    assert client.post("/articles/new", data={**ARTICLE, "title": "Budget\x00 vote"}).status_code == 302
    assert factories.scalars(app, select(Article.title)) == ["Budget vote"]


def test_invalid_utf8_in_a_form_is_not_a_500(client_as):
    client = client_as("editor")
    body = b"title=%FF%FE&outlet=O&body=Bad+%C3%28+bytes.&csrf_token=" + client.csrf_token().encode()
    response = client.post("/articles/new", data=body, csrf=False, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (302, 422)


def test_two_admins_creating_the_same_account_at_once_get_a_message(app, client_as, monkeypatch):
    """The second insert loses on the unique email, after both passed the check for an existing
    account: it is told so on the form, not shown a 500."""
    import factcheck.users

    client = client_as("admin")
    form = {"email": "twin@newsroom.example", "name": "Twin", "role": "reviewer", "password": "a long enough password", "confirm": "a long enough password"}
    assert client.post("/admin/users", data=form).status_code == 302
    monkeypatch.setattr(factcheck.users, "_email_taken", lambda email: False)  # as if both checked at once
    response = client.post("/admin/users", data=form)
    assert response.status_code == 422
    assert "An account for twin@newsroom.example already exists." in response.get_data(as_text=True)
    assert 'value="Twin"' in response.get_data(as_text=True)  # what was typed is kept


def test_two_admins_adding_the_same_rating_at_once_get_a_message(app, client_as, monkeypatch):
    import factcheck.ratings

    client = client_as("admin")
    form = {"name": "Satire", "description": "Not meant as fact", "tone": "slate", "needs_evidence": "y"}
    assert client.post("/admin/ratings", data=form).status_code == 302
    monkeypatch.setattr(factcheck.ratings, "_check_name", lambda name, rating=None: name.strip())
    response = client.post("/admin/ratings", data=form)
    assert response.status_code == 422
    assert "Someone else changed the scale a moment ago" in response.get_data(as_text=True)


# -- what the attacker found: each test failed before its fix --------------------------------------


def test_a_source_withheld_later_disappears_from_the_history_viewers_read(app, users, client_as):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    reviewer = client_as("reviewer")
    assert reviewer.post(f"/claims/{claim}/evidence", data={**EVIDENCE, "url": "https://tip.example.org/insider-memo", "source": "Deputy's aide"}).status_code == 302
    evidence_id = factories.scalars(app, select(Evidence.id).where(Evidence.claim_id == claim))[0]
    version = factories.get(app, Evidence, evidence_id).version
    assert reviewer.post(f"/evidence/{evidence_id}/edit", data={
        **EVIDENCE, "url": "https://tip.example.org/insider-memo", "source": "Deputy's aide", "summary": "Named in the memo",
        "version": version,
    }).status_code == 302  # an open edit: its history row names the source again
    version = factories.get(app, Evidence, evidence_id).version
    assert reviewer.post(f"/evidence/{evidence_id}/edit", data={
        **EVIDENCE, "url": "https://tip.example.org/insider-memo", "source": "Deputy's aide", "withheld": "y",
        "withheld_reason": "The aide could lose their job", "version": version,
    }).status_code == 302
    article = factories.get(app, Claim, claim).article_id
    for page in (f"/claims/{claim}", f"/articles/{article}"):
        seen_by_viewer = client_as("viewer").get(page).get_data(as_text=True)
        assert "insider-memo" not in seen_by_viewer and "Deputy&#39;s aide" not in seen_by_viewer, page
        assert "a withheld source (not shown)" in seen_by_viewer, page
        assert "insider-memo" in client_as("editor").get(page).get_data(as_text=True), page  # the desk still sees it
    # Removed while withheld: the rows written while it was open stay hidden.
    version = factories.get(app, Evidence, evidence_id).version
    assert reviewer.post(f"/evidence/{evidence_id}/delete", data={"confirm": "y", "version": version}).status_code == 302
    assert "insider-memo" not in client_as("viewer").get(f"/claims/{claim}").get_data(as_text=True)
    with app.app_context():  # the history itself was not rewritten
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.evidence_id == evidence_id)).all()
        assert any("insider-memo" in str(r.changes) for r in rows)


def test_the_host_header_does_not_write_public_or_exported_addresses(app, users, client_as):
    claims = [factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"], quote=q)
              for q in ("Bus spending rises by 18 percent.", "Critics said property taxes would rise again.")]
    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    reader = app.test_client()
    page = reader.get(f"/verdicts/{claims[0]}", headers=evil).get_data(as_text=True)
    assert "evil.example" not in page and f"https://desk.example.org/verdicts/{claims[0]}" in page
    from factcheck.views import public

    original, public.FEED_PAGE = public.FEED_PAGE, 1
    try:
        feed = reader.get("/claimreview.json", headers=evil).get_json()
    finally:
        public.FEED_PAGE = original
    assert feed["next"].startswith("https://desk.example.org/claimreview.json?after=")
    assert all(item["url"].startswith("https://desk.example.org/verdicts/") for item in feed["items"])
    editor = client_as("editor")
    session = editor.get_cookie(app.config["SESSION_COOKIE_NAME"])
    editor.set_cookie(session.key, session.value, domain="evil.example")  # signed in at the forged host
    response = editor.get("/claims/export.csv", headers=evil)
    assert response.status_code == 200
    csv_text = response.get_data(as_text=True)
    assert "evil.example" not in csv_text and f"https://factcheck.desk.example.org/claims/{claims[0]}" in csv_text


def test_production_refuses_to_start_without_newsroom_url(monkeypatch):
    from factcheck import UnsafeConfiguration, create_app

    monkeypatch.setenv("FACTCHECK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-that-is-long-enough-to-pass")
    monkeypatch.delenv("NEWSROOM_URL", raising=False)
    with pytest.raises(UnsafeConfiguration, match="NEWSROOM_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_a_published_verdict_changes_only_through_an_approved_correction(app, users, client_as):
    from factcheck import workflow
    from factcheck.models import Rating, User

    claim = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"])
    reader = app.test_client()

    def public_view():
        page = reader.get(f"/verdicts/{claim}").get_data(as_text=True)
        review = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
        return page, review

    before_page, before = public_view()
    admin = client_as("admin")
    false_id, true_id = factories.rating_id(app, "False"), factories.rating_id(app, "True")
    # Rename and reorder ratings, and edit the article's title and address.
    assert admin.post(f"/admin/ratings/{false_id}/edit", data={"name": "Pants on fire", "description": "", "tone": "red", "needs_evidence": "y"}).status_code == 302
    assert admin.post(f"/admin/ratings/{true_id}/down").status_code == 302
    article_id = factories.get(app, Claim, claim).article_id
    with app.app_context():
        article = db.session.get(Article, article_id)
        workflow.edit_article(article, by=db.session.get(User, users["editor"]), body=article.body, title="A new headline",
                              outlet="Another outlet", url="https://other.example.org/moved", published_on=None)
        db.session.commit()
    # Open a correction and change the claimant while it is pending.
    with app.app_context():
        c = db.session.get(Claim, claim)
        ed = db.session.get(User, users["editor"])
        workflow.issue_correction(c, by=ed, note="Look again.")
        workflow.edit_claim(c, by=ed, wording=c.wording, claimant="Someone else", claimant_kind="organization")
        db.session.commit()
    during_page, during = public_view()
    assert during == before
    for text in ("Pants on fire", "A new headline", "Another outlet", "other.example.org", "Someone else"):
        assert text not in during_page, text
    # The approved correction publishes all of it at once.
    with app.app_context():
        c = db.session.get(Claim, claim)
        reviewer = db.session.get(User, users["reviewer"])
        workflow.save_verdict(c, by=reviewer, rating=db.session.get(Rating, false_id), rationale="Still false.", submit=True)
        workflow.approve(c, by=db.session.get(User, users["editor"]), note="Updated after the article moved.")
        db.session.commit()
    after_page, after = public_view()
    assert after["reviewRating"]["alternateName"] == "Pants on fire"
    assert after["itemReviewed"]["appearance"] == {"@type": "CreativeWork", "url": "https://other.example.org/moved", "headline": "A new headline"}
    assert after["itemReviewed"]["author"] == {"@type": "Organization", "name": "Someone else"}
    assert "Another outlet" in after_page


def test_claimreview_leaves_out_what_is_empty(app, users):

    article = factories.make_article(app, users["editor"], url=None)
    claim = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"], article=article)
    page = app.test_client().get(f"/verdicts/{claim}").get_data(as_text=True)
    review = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert review["itemReviewed"]["appearance"] == {"@type": "CreativeWork", "headline": "Council budget"}
    assert '"url": ""' not in page


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
