"""Every /api/v1 route × every role × token scope, and requests without a live token. A new
API route fails test_every_api_route_is_in_the_matrix until it has a row here. The person's
role limits a token as it limits the pages; a read token reads only; no token, a forged one or
a revoked one gets 401 (the OpenAPI document excepted: it describes routes, not data)."""

import re
from datetime import date, timedelta

import pytest

from factcheck.extensions import db
from factcheck.models import ApiToken, Claim, User, utcnow

from . import factories
from .factories import Api

ROLES = ["admin", "editor", "reviewer", "viewer"]
SCOPES = ["read", "write"]
NO_TOKEN = ["anonymous", "forged", "revoked"]
EDITORS = {"admin", "editor"}
ALL = set(ROLES)
ASSIGNEE = {"admin", "reviewer"}  # the claims are assigned to the reviewer account
PARTICIPANTS = {"admin", "editor", "reviewer"}
FUTURE = (date.today() + timedelta(days=7)).isoformat()
EVIDENCE = {"url": "https://stats.example.org/t", "source": "Stats office", "stance": "supports"}

# (method, path, JSON body, who may, code when allowed). Placeholders: {article}; {claim}
# (unassigned); {assigned}, {research}, {evidenced} (in research, with evidence), {review},
# {dropped}, {approved}: claims in that status assigned to the reviewer; {version} of the
# row's claim; {reviewer} the reviewer's email.
MATRIX = [
    ("GET", "/api/v1/openapi.json", None, ALL, 200),
    ("GET", "/api/v1/articles", None, ALL, 200),
    ("POST", "/api/v1/articles", {"title": "From the CMS", "body": "The budget rose by ten percent."}, EDITORS, 201),
    ("GET", "/api/v1/articles/{article}", None, ALL, 200),
    ("POST", "/api/v1/articles/{article}/claims", {"start": 0, "end": 10}, EDITORS, 201),
    ("GET", "/api/v1/claims", None, ALL, 200),
    ("GET", "/api/v1/claims/{claim}", None, ALL, 200),
    ("POST", "/api/v1/claims/{claim}/assign", {"assignee": "{reviewer}", "due": FUTURE, "version": "{version}"}, EDITORS, 200),
    ("POST", "/api/v1/claims/{assigned}/start", {"version": "{version}"}, ASSIGNEE, 200),
    ("POST", "/api/v1/claims/{research}/verdict", {"rating": "False", "rationale": "Draft.", "version": "{version}"}, ASSIGNEE, 200),
    ("POST", "/api/v1/claims/{evidenced}/submit", {"rating": "False", "rationale": "The table says 12.", "version": "{version}"}, ASSIGNEE, 200),
    ("POST", "/api/v1/claims/{review}/approve", {"version": "{version}"}, EDITORS, 200),
    ("POST", "/api/v1/claims/{review}/return", {"note": "More, please.", "version": "{version}"}, EDITORS, 200),
    ("POST", "/api/v1/claims/{claim}/drop", {"reason": "out_of_scope", "version": "{version}"}, EDITORS, 200),
    ("POST", "/api/v1/claims/{dropped}/restore", {"version": "{version}"}, EDITORS, 200),
    ("POST", "/api/v1/claims/{approved}/correct", {"note": "A figure was revised.", "version": "{version}"}, EDITORS, 200),
    ("POST", "/api/v1/claims/{research}/evidence", EVIDENCE, ASSIGNEE, 201),
    ("POST", "/api/v1/claims/{research}/comments", {"body": "A question."}, PARTICIPANTS, 201),
]
PUBLIC = {("GET", "/api/v1/openapi.json")}

STATUSES = {
    "claim": "unassigned", "assigned": "assigned", "research": "in_research", "evidenced": "in_research",
    "review": "in_review", "dropped": "dropped", "approved": "approved",
}


def build(app, users, text: str) -> dict:
    names = set(re.findall(r"{(\w+)}", text))
    article = factories.make_article(app, users["editor"], body="The budget rose by ten percent. Taxes fell. Rents rose.")
    with app.app_context():
        values = {"article": article, "reviewer": db.session.get(User, users["reviewer"]).email}
    for name, status in STATUSES.items():
        if name in names:
            claim_id = factories.claim_in(app, status, editor=users["editor"], reviewer=users["reviewer"], article=article, quote="Taxes fell.")
            if name == "evidenced":
                factories.evidence(app, claim_id, users["reviewer"])
            values[name] = claim_id
            values["version"] = factories.get(app, Claim, claim_id).version
    return values


def token_for(app, users, who: str, scope: str) -> str | None:
    if who == "anonymous":
        return None
    if who == "forged":
        return "fct_" + "A" * 43
    if who == "revoked":
        token = factories.make_token(app, users["admin"], scope="write")
        with app.app_context():
            for row in db.session.scalars(db.select(ApiToken)):
                row.revoked_at = utcnow()
            db.session.commit()
        return token
    return factories.make_token(app, users[who], scope=scope)


def expected(who: str, scope: str, method: str, path: str, allowed: set, ok: int) -> int:
    if (method, path) in PUBLIC:
        return ok
    if who in NO_TOKEN:
        return 401
    if method != "GET" and scope == "read":
        return 403
    return ok if who in allowed else 403


def _filled(value, values):
    if isinstance(value, str) and re.fullmatch(r"{\w+}", value):
        filled = values[value[1:-1]]
        return filled
    return value


@pytest.mark.parametrize(
    "who, scope",
    [(role, scope) for role in ROLES for scope in SCOPES] + [(who, "write") for who in NO_TOKEN],
    ids=lambda v: v,
)
@pytest.mark.parametrize("method, path, body, allowed, ok", MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX])
def test_api_role_matrix(app, users, who, scope, method, path, body, allowed, ok):
    values = build(app, users, path + repr(body))
    api = Api(app, token_for(app, users, who, scope))
    url = path.format(**values)
    if method == "GET":
        response = api.get(url)
    else:
        response = api.post(url, {k: _filled(v, values) for k, v in (body or {}).items()})
    want = expected(who, scope, method, path, allowed, ok)
    assert response.status_code == want, response.get_data(as_text=True)[:800]
    if want >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == want


def test_every_api_route_is_in_the_matrix(app):
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, path, *_ in MATRIX:
        covered.add((method, adapter.match(re.sub(r"{\w+}", "1", path), method=method)[0]))
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.endpoint) in covered, f"{method} {rule.rule} has no row in the API role matrix"
