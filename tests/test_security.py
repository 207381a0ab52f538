import pytest
from sqlalchemy import select

from factcheck.models import Article
from factcheck.security import PUBLIC_ENDPOINTS

from . import factories


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
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url


def test_anonymous_request_for_an_unknown_address_is_sent_to_sign_in(app):
    response = app.test_client().get("/no/such/page")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_article_links_open_safely(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    page = client_as("viewer").get(f"/articles/{article}").get_data(as_text=True)
    assert 'href="https://courier.example.org/budget" rel="noopener noreferrer" target="_blank"' in page
