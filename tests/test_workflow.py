"""The verbs under concurrency: the database has the last word when two saves race."""

import threading

import pytest
from sqlalchemy import func, select

from factcheck import workflow
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, User

from . import factories


def test_racing_edits_of_one_claim_let_exactly_one_win(app, users):
    article = factories.make_article(app, users["editor"])
    claim_id = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(wording):
        with app.app_context():
            claim = db.session.get(Claim, claim_id)
            editor = db.session.get(User, users["editor"])
            db.session.commit()  # end the read; each writer starts its own transaction below
            barrier.wait()
            try:
                workflow.edit_claim(claim, by=editor, wording=wording, claimant=None, expected_version=1)
                db.session.commit()
                outcomes.append(("saved", wording))
            except workflow.StaleEdit:
                db.session.rollback()
                outcomes.append(("stale", wording))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=edit, args=(w,)) for w in ("First", "Second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(kind for kind, _ in outcomes) == ["saved", "stale"]
    winner = next(w for kind, w in outcomes if kind == "saved")
    assert factories.get(app, Claim, claim_id).wording == winner
    with app.app_context():
        edits = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "edited"))
    assert edits == 1  # one audit row per change that happened


def test_racing_claims_of_the_same_span_keep_one(app, users):
    article_id = factories.make_article(app, users["editor"])
    barrier = threading.Barrier(2)
    outcomes = []

    def create():
        with app.app_context():
            article = db.session.get(Article, article_id)
            editor = db.session.get(User, users["editor"])
            db.session.commit()
            barrier.wait()
            try:
                workflow.create_claim(article, by=editor, start=0, end=10)
                db.session.commit()
                outcomes.append("saved")
            except workflow.WorkflowError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert len(factories.scalars(app, select(Claim))) == 1
