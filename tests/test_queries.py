"""Pages load in a constant number of SQL statements, however much data they show."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from factcheck.counts import recount_statuses
from factcheck.extensions import db
from factcheck.models import Article, Claim, ClaimStatus, Comment, Evidence, EvidenceStance, Rating, Role, User, utcnow



def grow(app, users, articles: int, claims_per_article: int) -> tuple[int, int]:
    """A newsroom of the given size, written directly (fast), with every relation filled in and
    the claims counted by status for the dashboard."""
    with app.app_context():
        editor = db.session.get(User, users["editor"])
        reviewers = [db.session.get(User, users["reviewer"])] + [
            User(email=f"r{i}-{articles}@desk.example.org", name=f"R {i}", role=Role.REVIEWER, password_hash="x")
            for i in range(3)
        ]
        ratings = list(db.session.scalars(select(Rating)))
        statuses = list(ClaimStatus)
        first_article = first_claim = None
        for a in range(articles):
            body = " ".join(f"Sentence number {i} says {i * 7} percent." for i in range(claims_per_article + 2))
            article = Article(title=f"Article {a}", outlet="Courier", body=body, created_by=editor)
            db.session.add(article)
            for i in range(claims_per_article):
                start = body.index(f"Sentence number {i} ")
                status = statuses[i % len(statuses)]
                claim = Claim(
                    article=article, start=start, end=start + 20, quote=body[start : start + 20], wording=f"Claim {a}-{i}",
                    status=status, created_by=editor, assignee=reviewers[i % len(reviewers)],
                    due_at=utcnow() + timedelta(days=i - 3), rating=ratings[i % len(ratings)], rationale="r",
                    submitted_at=utcnow(), approved_at=utcnow() if status == ClaimStatus.APPROVED else None,
                    approved_by=editor if status == ClaimStatus.APPROVED else None,
                )
                claim.evidence = [Evidence(url="https://e.example.org", source="S", stance=EvidenceStance.SUPPORTS, added_by=editor)]
                claim.comments = [Comment(author=editor, body="c")]
                db.session.add(claim)
            db.session.flush()
            first_article = first_article or article.id
            first_claim = first_claim or article.claims[0].id
        recount_statuses()  # written around the workflow, so counted afresh, as bench/generate.py does
        db.session.commit()
        return first_article, first_claim


@contextmanager
def counting(app):
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK", "PRAGMA")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


PAGES = ["/dashboard", "/claims", "/claims?status=open&sort=due", "/claims/{claim}", "/articles/{article}", "/queue", "/review", "/articles/"]


@pytest.mark.parametrize("page", PAGES)
def test_statements_per_page_do_not_grow_with_data(app, users, client_as, page):
    client = client_as("admin")
    article, claim = grow(app, users, articles=2, claims_per_article=7)  # every status present
    url = page.format(article=article, claim=claim)
    client.get(url)  # warm caches (rating scale, templates)
    with counting(app) as small:
        assert client.get(url).status_code == 200
    grow(app, users, articles=6, claims_per_article=12)
    with counting(app) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), "\n".join(large)


def test_reviewer_queue_statements_do_not_grow(app, users, client_as):
    client = client_as("reviewer")
    grow(app, users, articles=2, claims_per_article=7)
    with counting(app) as small:
        client.get("/queue")
    grow(app, users, articles=5, claims_per_article=14)
    with counting(app) as large:
        client.get("/queue")
    assert len(large) == len(small)
