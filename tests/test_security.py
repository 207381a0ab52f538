import itertools

import pytest
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import Article
from factcheck.security import PUBLIC_ENDPOINTS

from . import factories
from .conftest import make_app


@pytest.mark.parametrize("path", ["/login", "/", "/articles/"])
def test_every_page_sends_security_headers(client_as, path):
    response = client_as("viewer").get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_error_pages_send_security_headers_too(client_as):
    response = client_as("viewer").get("/nowhere")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_post_without_csrf_token_is_refused(app, client_as):
    client = client_as("editor")
    response = client.post(
        "/articles/new", data={"title": "T", "outlet": "O", "body": "A sentence."}, csrf=False
    )
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)
    assert factories.scalars(app, select(Article)) == []


def test_post_with_a_forged_csrf_token_is_refused(client_as):
    response = client_as("editor").post(
        "/articles/new", data={"title": "T", "outlet": "O", "body": "A.", "csrf_token": "forged"}
    )
    assert response.status_code == 400


def test_session_cookie_is_httponly_and_samesite(app, users):
    client = app.test_client()
    email = factories.get(app, factories.User, users["viewer"]).email
    response = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_anonymous_cannot_reach_any_page_but_sign_in(app):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        url = rule.rule.replace("<int:article_id>", "1").replace("<int:claim_id>", "1").replace("<int:user_id>", "1")
        url = url.replace("<id:article_id>", "1").replace("<id:claim_id>", "1")
        response = client.get(url)
        if url.startswith("/api/"):  # the JSON API answers in JSON: 401 without a token (tests/test_api_roles.py)
            assert response.status_code == (200 if url == "/api/v1/openapi.json" else 401), url
            continue
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url


def test_anonymous_request_for_an_unknown_address_is_sent_to_sign_in(app):
    response = app.test_client().get("/no/such/page")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_article_links_open_safely(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    page = client_as("viewer").get(f"/articles/{article}").get_data(as_text=True)
    assert 'href="https://courier.example.org/budget" rel="noopener noreferrer" target="_blank"' in page


# -- https only, in production ------------------------------------------------------------------


def test_production_tells_browsers_to_use_https_only(monkeypatch):
    from factcheck import create_app

    monkeypatch.setenv("FACTCHECK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret-0123456789")
    monkeypatch.setenv("NEWSROOM_URL", "https://courier.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_hsts_where_cookies_are_not_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


# -- the CSRF token changes when the person does ------------------------------------------------


def test_a_csrf_token_from_before_sign_in_is_refused_after_it(app, users):
    client = app.test_client()
    before = client.csrf_token()
    factories.sign_in(client, app, users["editor"])
    assert client.post("/logout", data={"csrf_token": before}, csrf=False).status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_a_csrf_token_from_before_sign_out_is_refused_after_it(app, users):
    client = app.test_client()
    factories.sign_in(client, app, users["editor"])
    signed_in = client.csrf_token()
    assert client.post("/logout").status_code == 302
    email = factories.get(app, factories.User, users["editor"]).email
    response = client.post("/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": signed_in}, csrf=False)
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


# -- client addresses only from the proxies we were told to trust -------------------------------


@pytest.fixture
def behind_one_proxy(app):
    """The same database served as behind one https proxy (TRUSTED_PROXIES=1)."""
    proxied = make_app(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1)
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


_made_up = itertools.count()


def fail_sign_ins(client, count, **headers):
    """Failed sign-ins, each for another made-up account, so only the address's limit adds up."""
    for _ in range(count):
        email = f"nobody{next(_made_up)}@desk.example.org"
        response = client.post("/login", data={"email": email, "password": "x"}, headers=headers)
        assert response.status_code in (422, 429)


def sign_in_status(app, user_id, **headers):
    email = factories.get(app, factories.User, user_id).email
    return app.test_client().post("/login", data={"email": email, "password": factories.PASSWORD}, headers=headers).status_code


def test_behind_a_trusted_proxy_one_address_guessing_does_not_lock_out_another(app, users, behind_one_proxy):
    attacker = behind_one_proxy.test_client()
    fail_sign_ins(attacker, 25, **{"X-Forwarded-For": "203.0.113.9"})
    assert sign_in_status(behind_one_proxy, users["editor"], **{"X-Forwarded-For": "203.0.113.9"}) == 429
    assert sign_in_status(behind_one_proxy, users["editor"], **{"X-Forwarded-For": "198.51.100.7"}) == 302


def test_addresses_the_client_writes_itself_are_not_believed(app, users, behind_one_proxy):
    """Our proxy appends the address it saw; only that last entry counts."""
    attacker = behind_one_proxy.test_client()
    for n in range(25):
        fail_sign_ins(attacker, 1, **{"X-Forwarded-For": f"10.0.{n}.1, 203.0.113.9"})
    assert sign_in_status(behind_one_proxy, users["editor"], **{"X-Forwarded-For": "10.9.9.9, 203.0.113.9"}) == 429


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, users):
    attacker = app.test_client()
    for n in range(25):
        fail_sign_ins(attacker, 1, **{"X-Forwarded-For": f"10.0.{n}.1"})
    assert sign_in_status(app, users["editor"], **{"X-Forwarded-For": "198.51.100.7"}) == 429


def test_trusted_proxies_come_from_the_environment(monkeypatch):
    from factcheck import create_app

    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["TRUSTED_PROXIES"] == 2
    seen = {}

    def probe(environ, start_response):
        seen["address"], seen["scheme"] = environ["REMOTE_ADDR"], environ["wsgi.url_scheme"]
        start_response("204 No Content", [])
        return []

    app.wsgi_app.app = probe  # what the proxy fix hands on to the app
    forwarded = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 198.51.100.7, 10.0.0.2", "HTTP_X_FORWARDED_PROTO": "https, http"}
    app.test_client().get("/", environ_base=forwarded)
    assert seen == {"address": "198.51.100.7", "scheme": "https"}  # two from the end; the client's own entry ignored
