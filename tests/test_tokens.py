"""Personal API tokens: made on the account page or with `flask create-token`, shown once,
stored hashed, revoked, limited by scope, role and rate, and never replaced by the browser's
session cookie."""

import hashlib
import re

from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import ApiToken, User

from . import factories
from .conftest import make_app
from .factories import Api


def _token_on(page) -> str | None:
    found = re.search(r'id="new-token"[^>]*value="([^"]+)"|value="(fct_[^"]+)"', page.get_data(as_text=True))
    return (found.group(1) or found.group(2)) if found else None


def test_a_token_made_on_the_account_page_is_shown_once_and_stored_hashed(app, users, client_as):
    client = client_as("editor")
    response = client.post("/account/tokens", data={"name": "CMS plug-in", "scope": "write"})
    assert response.status_code == 201
    token = _token_on(response)
    assert token and token.startswith("fct_") and len(token) > 40
    assert "shown only this once" in factories.page_text(response)
    row = factories.scalars(app, select(ApiToken))[0]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(factories.scalars(app, select(ApiToken.token_hash, ApiToken.prefix)))
    assert token.startswith(row.prefix)
    again = client.get("/account")
    assert token not in again.get_data(as_text=True)  # never shown again
    assert row.prefix in again.get_data(as_text=True) and "CMS plug-in" in factories.page_text(again)
    assert Api(app, token).get("/api/v1/claims").status_code == 200


def test_a_token_without_a_name_is_refused_with_the_forms_message(app, users, client_as):
    response = client_as("editor").post("/account/tokens", data={"name": " ", "scope": "read"})
    assert response.status_code == 422
    assert ApiToken.NAME_REQUIRED in factories.page_text(response)
    assert factories.scalars(app, select(ApiToken)) == []


def test_a_revoked_token_gets_401_at_once(app, users, client_as):
    client = client_as("editor")
    token = _token_on(client.post("/account/tokens", data={"name": "Bot", "scope": "read"}))
    row_id = factories.scalars(app, select(ApiToken.id))[0]
    assert client.post(f"/account/tokens/{row_id}/revoke").status_code == 302
    response = Api(app, token).get("/api/v1/claims")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in factories.page_text(client.get("/account"))


def test_nobody_revokes_someone_elses_token(app, users, client_as):
    token = factories.make_token(app, users["editor"])
    row_id = factories.scalars(app, select(ApiToken.id))[0]
    assert client_as("admin").post(f"/account/tokens/{row_id}/revoke").status_code == 404
    assert Api(app, token).get("/api/v1/claims").status_code == 200


def test_missing_forged_and_deactivated_tokens_get_401(app, users):
    token = factories.make_token(app, users["reviewer"])
    for header in ({}, {"Authorization": "Bearer fct_" + "x" * 43}, {"Authorization": f"Basic {token}"}, {"Authorization": "Bearer"}):
        response = app.test_client().get("/api/v1/claims", headers=header)
        assert response.status_code == 401, header
        assert response.get_json()["status"] == 401
    with app.app_context():
        db.session.get(User, users["reviewer"]).active = False
        db.session.commit()
    assert Api(app, token).get("/api/v1/claims").status_code == 401


def test_a_read_token_cannot_write_even_for_an_editor(app, users):
    api = Api(app, factories.make_token(app, users["editor"], scope="read"))
    response = api.post("/api/v1/articles", {"title": "T", "body": "Some words to check."})
    assert response.status_code == 403
    assert "may only read" in response.get_json()["detail"]
    assert api.get("/api/v1/articles").status_code == 200


def test_the_browser_session_cannot_use_the_api_with_or_without_csrf(app, users, client_as):
    """The API reads only bearer tokens: a signed-in browser (or a page that makes it send a
    request) gets 401 on reads and writes, whatever CSRF token it sends."""
    client = client_as("editor")
    assert client.get("/api/v1/claims").status_code == 401
    for csrf in (True, False):
        response = client.post("/api/v1/articles", data={"title": "T", "body": "Words here to check."}, csrf=csrf)
        assert response.status_code == 401
    from factcheck.models import Article

    assert factories.scalars(app, select(Article.id)) == []  # nothing was created


def test_token_requests_need_no_csrf_token(app, users):
    api = Api(app, factories.make_token(app, users["editor"]))
    response = api.post("/api/v1/articles", {"title": "From a script", "body": "The budget rose by ten percent."})
    assert response.status_code == 201


def test_create_token_command_prints_the_token_on_its_last_line(app, users):
    with app.app_context():
        email = db.session.get(User, users["reviewer"]).email
    result = app.test_cli_runner().invoke(args=["create-token", email.upper(), "--scope", "read", "--name", "Chat bot"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("fct_")
    response = Api(app, token).get("/api/v1/claims")
    assert response.status_code == 200
    row = factories.scalars(app, select(ApiToken))[0]
    assert (row.name, row.scope.value, row.user_id) == ("Chat bot", "read", users["reviewer"])
    assert row.last_used_at is not None


def test_create_token_command_refuses_an_unknown_person(app, users):
    result = app.test_cli_runner().invoke(args=["create-token", "nobody@desk.example.org", "--scope", "write"])
    assert result.exit_code != 0
    assert "No active account" in result.output


def test_requests_beyond_the_rate_limit_get_429_with_retry_after(app, users):
    app.config["API_RATE_LIMIT"] = 3
    api = Api(app, factories.make_token(app, users["viewer"]))
    assert [api.get("/api/v1/claims").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/api/v1/claims")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.get_json()["type"].endswith("rate-limited")
    other = Api(app, factories.make_token(app, users["viewer"]))  # each token has its own count
    assert other.get("/api/v1/claims").status_code == 200


def test_the_rate_limit_holds_across_app_servers(app, users, backend):
    """Two app instances on one database (two servers behind a balancer) share the count."""
    app.config["API_RATE_LIMIT"] = 4
    token = factories.make_token(app, users["viewer"])
    second = make_app(app.config["SQLALCHEMY_DATABASE_URI"], API_RATE_LIMIT=4)
    codes = []
    for i in range(5):
        codes.append(Api(app if i % 2 else second, token).get("/api/v1/claims").status_code)
    assert codes == [200, 200, 200, 200, 429]
    with second.app_context():
        db.engine.dispose()


def test_a_new_window_starts_after_the_old_one_ends(app, users):
    from datetime import timedelta

    from factcheck.models import utcnow

    app.config["API_RATE_LIMIT"] = 1
    api = Api(app, factories.make_token(app, users["viewer"]))
    assert api.get("/api/v1/claims").status_code == 200
    assert api.get("/api/v1/claims").status_code == 429
    with app.app_context():
        row = db.session.scalars(select(ApiToken)).one()
        row.window_started_at = utcnow() - timedelta(seconds=61)
        db.session.commit()
    assert api.get("/api/v1/claims").status_code == 200


def test_a_token_acts_as_its_owner_whatever_cookie_comes_with_it(app, users, client_as):
    browser = client_as("editor")  # signed in as an editor ...
    viewer_token = factories.make_token(app, users["viewer"])  # ... sending a viewer's write token
    response = browser.post(
        "/api/v1/articles", json={"title": "T", "body": "Words to check here."},
        headers={"Authorization": f"Bearer {viewer_token}"}, csrf=False,
    )
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Only editors and admins may add articles."
