"""Every route × every role. A new route fails test_every_route_is_in_the_matrix until it is
added here with the answer each role should get."""

import pytest

from . import factories

ROLES = ["admin", "editor", "reviewer", "viewer", "anonymous"]
EDITORS = {"admin", "editor"}
ALL = {"admin", "editor", "reviewer", "viewer"}

ARTICLE = {
    "title": "Edited headline",
    "outlet": "The Test Courier",
    "url": "https://courier.example.org/x",
    "published_on": "2026-01-05",
    "body": "One sentence here. Another one there.",
}

# (method, path template, data, who may, code when allowed)
MATRIX = [
    ("GET", "/", None, ALL, 200),
    ("GET", "/articles/", None, ALL, 200),
    ("GET", "/articles/new", None, EDITORS, 200),
    ("POST", "/articles/new", ARTICLE, EDITORS, 302),
    ("GET", "/articles/{article}", None, ALL, 200),
    ("GET", "/articles/{article}/edit", None, EDITORS, 200),
    ("POST", "/articles/{article}/edit", {**ARTICLE, "version": "1"}, EDITORS, 302),
    ("GET", "/articles/{article}/unlock", None, EDITORS, 200),
    ("POST", "/articles/{article}/unlock", {"confirm": "y", "version": "1"}, EDITORS, 302),
    ("GET", "/articles/{article}/claims/new?start=0&end=10", None, EDITORS, 200),
    ("POST", "/articles/{article}/claims/new", {"start": "0", "end": "10"}, EDITORS, 302),
    ("GET", "/claims/{claim}", None, ALL, 200),
    ("GET", "/claims/{claim}/edit", None, EDITORS, 200),
    ("POST", "/claims/{claim}/edit", {"wording": "New wording", "version": "1"}, EDITORS, 302),
    ("GET", "/claims/{claim}/delete", None, EDITORS, 200),
    ("POST", "/claims/{claim}/delete", {"confirm": "y", "version": "1"}, EDITORS, 302),
    ("GET", "/admin/users", None, {"admin"}, 200),
    ("POST", "/admin/users", {"email": "n@desk.example.org", "name": "N", "role": "viewer", "password": "long enough pass"}, {"admin"}, 302),
    ("POST", "/admin/users/{target}/deactivate", {}, {"admin"}, 302),
    ("POST", "/admin/users/{target}/reactivate", {}, {"admin"}, 302),
    ("GET", "/account/password", None, ALL, 200),
    ("POST", "/account/password", {"current_password": factories.PASSWORD, "new_password": "another long one", "confirm": "another long one"}, ALL, 302),
    ("POST", "/logout", {}, ALL, 302),
]


def expected(role, allowed, ok, method):
    if role == "anonymous":
        return 302 if method == "GET" else 401
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, data, allowed, ok", MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX])
def test_role_matrix(app, users, client_as, role, method, path, data, allowed, ok):
    article = factories.make_article(app, users["editor"], body="The budget rose by ten percent. Taxes fell.")
    claim = factories.make_claim(app, article, users["editor"], quote="Taxes fell.")
    target = factories.make_user(app, role="reviewer")
    url = path.format(article=article, claim=claim, target=target)
    client = app.test_client() if role == "anonymous" else client_as(role)
    response = client.get(url) if method == "GET" else client.post(url, data=data)
    assert response.status_code == expected(role, allowed, ok, method), response.get_data(as_text=True)[:800]


# Public on purpose: the sign-in page. Signed-in people are sent on to the dashboard.
PUBLIC = [("GET", "/login"), ("POST", "/login")]


@pytest.mark.parametrize("role", ROLES)
def test_sign_in_page_is_public(app, client_as, role):
    client = app.test_client() if role == "anonymous" else client_as(role)
    assert client.get("/login").status_code == (200 if role == "anonymous" else 302)


def test_every_route_is_in_the_matrix(app):
    covered = {(method, path.split("?")[0]) for method, path, *_ in MATRIX} | set(PUBLIC)
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule.replace("<int:article_id>", "{article}").replace("<int:claim_id>", "{claim}")
        path = path.replace("<int:user_id>", "{target}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in covered, f"{method} {rule.rule} has no row in the role matrix"
