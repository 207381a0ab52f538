"""Builders for test data. Each opens its own app context, commits, and returns ids, so a test
never holds objects from a session that a request has since changed."""

from __future__ import annotations

import itertools
import re
from datetime import date

from sqlalchemy import select

from factcheck import workflow
from factcheck.extensions import db
from factcheck.models import Role, User
from factcheck.security import hash_password

def page_text(page) -> str:
    """A response's (or an HTML fragment's) words as a reader sees them: tags gone, spaces folded."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is slow on purpose; do it once
_numbers = itertools.count(1)

BODY = (
    "The council approved a budget of 412 million dollars on Wednesday. "
    "The mayor said it was the largest investment in the city's history.\n\n"
    "Bus spending rises by 18 percent. Critics said property taxes would rise again."
)


def make_user(app, role: str = "editor", email: str | None = None, active: bool = True) -> int:
    with app.app_context():
        n = next(_numbers)
        user = User(
            email=email or f"{role}{n}@desk.example.org",
            name=f"{role.capitalize()} {n}",
            role=Role(role),
            password_hash=_PASSWORD_HASH,
            active=active,
        )
        db.session.add(user)
        db.session.commit()
        return user.id


def sign_in(client, app, user_id: int) -> None:
    """Sign in through the real login form."""
    with app.app_context():
        email = db.session.get(User, user_id).email
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data[:500]


def session_of(app, user_id: int, user_agent: str = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0") -> int:
    """A live session of that person, as if signed in on another device; its id."""
    from factcheck.sessions import start_session

    with app.app_context():
        user = db.session.get(User, user_id)
        start_session(user, user_agent)
        session_id = user.current_session.id
        db.session.commit()
        return session_id


def make_article(app, by: int, body: str = BODY, title: str = "Council budget", **fields) -> int:
    with app.app_context():
        article = workflow.create_article(
            by=db.session.get(User, by),
            body=body,
            title=title,
            outlet=fields.get("outlet", "The Test Courier"),
            author=fields.get("author"),
            url=fields.get("url", "https://courier.example.org/budget"),
            published_on=fields.get("published_on", date(2026, 1, 5)),
        )
        db.session.commit()
        return article.id


def make_claim(app, article_id: int, by: int, quote: str | None = None, start=None, end=None, **fields) -> int:
    from factcheck.models import Article

    with app.app_context():
        article = db.session.get(Article, article_id)
        if quote is not None:
            start = article.body.index(quote)
            end = start + len(quote)
        claim = workflow.create_claim(article, by=db.session.get(User, by), start=start, end=end, **fields)
        db.session.commit()
        return claim.id


def get(app, model, id_):
    """A fresh, detached copy of a row, for asserting on after requests."""
    with app.app_context():
        obj = db.session.get(model, id_)
        if obj is not None:
            db.session.expunge(obj)
        return obj


def scalars(app, statement):
    with app.app_context():
        return list(db.session.scalars(statement))


__all__ = ["PASSWORD", "make_user", "sign_in", "make_article", "make_claim", "get", "scalars", "select"]


def rating_id(app, name: str) -> int:
    from factcheck.models import Rating

    with app.app_context():
        return db.session.scalar(select(Rating.id).where(Rating.name == name))


def evidence(app, claim_id: int, by: int, **fields) -> int:
    from factcheck.models import Claim

    values = {"url": "https://stats.example.org/table-4", "source": "Statistics office", "stance": "contradicts"}
    values.update(fields)
    with app.app_context():
        item = workflow.add_evidence(db.session.get(Claim, claim_id), by=db.session.get(User, by), **values)
        db.session.commit()
        return item.id


def claim_in(app, status: str, *, editor: int, reviewer: int, article: int | None = None, quote: str | None = None) -> int:
    """A claim brought to a status through the real workflow moves."""
    from datetime import timedelta

    from factcheck.models import Claim, ClaimStatus, DropReason, Rating, utcnow

    article = article or make_article(app, editor)
    claim_id = make_claim(app, article, editor, quote=quote or "Bus spending rises by 18 percent.")
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        ed, rev = db.session.get(User, editor), db.session.get(User, reviewer)
        status = ClaimStatus(status)
        if status == ClaimStatus.DROPPED:
            workflow.drop(claim, by=ed, reason=DropReason.OUT_OF_SCOPE)
        elif status != ClaimStatus.UNASSIGNED:
            workflow.assign(claim, by=ed, assignee=rev, due_at=utcnow() + timedelta(days=2))
            if status != ClaimStatus.ASSIGNED:
                workflow.start_research(claim, by=rev)
            if status in (ClaimStatus.IN_REVIEW, ClaimStatus.RETURNED, ClaimStatus.APPROVED):
                workflow.add_evidence(claim, by=rev, url="https://stats.example.org/t4", source="Stats office", stance="contradicts")
                false = db.session.scalar(select(Rating).where(Rating.name == "False"))
                workflow.save_verdict(claim, by=rev, rating=false, rationale="The table says 12 percent.", submit=True)
            if status == ClaimStatus.RETURNED:
                workflow.return_for_work(claim, by=ed, note="Cite the 2025 table too.")
            if status == ClaimStatus.APPROVED:
                workflow.approve(claim, by=ed)
        assert claim.status == status
        db.session.commit()
    return claim_id


def tip(app, text: str = "The mayor said bus fares fell by half.", seen_at: str | None = "https://social.example.org/p/1",
        contact: str | None = "reader@example.net") -> int:
    """A reader's tip, as the public form leaves it."""
    from factcheck.workflow import submit_tip

    with app.app_context():
        made = submit_tip(text=text, seen_at=seen_at, contact=contact)
        db.session.commit()
        return made.id
def make_token(app, user_id: int, scope: str = "write", name: str = "Test script") -> str:
    """A personal API token of that person; the token itself (shown once)."""
    from factcheck.tokens import create_token

    with app.app_context():
        _token, raw = create_token(db.session.get(User, user_id), name=name, scope=scope, by=None)
        db.session.commit()
        return raw


class Api:
    """A client of the JSON API sending one token, as a script would (no cookie, no CSRF token)."""

    def __init__(self, app, token: str | None):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(path, json=json if json is not None else {}, headers=self.headers, csrf=False, **kwargs)
