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
            barrier.wait(30)
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
            barrier.wait(30)
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


def test_400_concurrent_edits_lose_nothing(app, users):
    """Eight people each save fifty edits of one claim at the same time, each re-reading and
    retrying when told their form is stale: every edit must survive, each with one audit row."""
    article = factories.make_article(app, users["editor"])
    claim_id = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    with app.app_context():
        db.session.get(Claim, claim_id).wording = "edits:"
        db.session.commit()
    workers, per_worker = 8, 50
    barrier = threading.Barrier(workers)
    retries = []
    errors = []

    def work(worker):
        try:
            with app.app_context():
                editor = db.session.get(User, users["editor"])
                db.session.commit()  # hold no lock while waiting for the others
                barrier.wait(30)
                for n in range(per_worker):
                    token = f"{worker}.{n}"
                    while True:
                        claim = db.session.get(Claim, claim_id)
                        try:
                            workflow.edit_claim(
                                claim, by=editor, wording=f"{claim.wording},{token}", claimant=None,
                                expected_version=claim.version,
                            )
                            db.session.commit()
                            break
                        except workflow.StaleEdit:
                            db.session.rollback()
                            retries.append(token)
                db.session.remove()
        except Exception as error:  # surfaced below; a thread cannot fail the test itself
            errors.append(repr(error))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    final = factories.get(app, Claim, claim_id).wording.split(",")[1:]
    expected = {f"{w}.{n}" for w in range(workers) for n in range(per_worker)}
    assert len(final) == len(expected) and set(final) == expected  # 0 lost updates
    with app.app_context():
        edits = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "edited", AuditEvent.entity_id == claim_id)
        )
    assert edits == workers * per_worker


@pytest.mark.parametrize("move", ["approve", "return_for_work"])
def test_the_same_move_from_two_sessions_succeeds_once(app, users, move):
    claim_id = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"])
    barrier = threading.Barrier(2)
    outcomes = []

    def act(person):
        with app.app_context():
            claim = db.session.get(Claim, claim_id)
            actor = db.session.get(User, person)
            loaded_version = claim.version
            db.session.commit()
            barrier.wait(30)
            try:
                if move == "approve":
                    workflow.approve(claim, by=actor, expected_version=loaded_version)
                else:
                    workflow.return_for_work(claim, by=actor, note="Again", expected_version=loaded_version)
                db.session.commit()
                outcomes.append("done")
            except workflow.WorkflowError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(p,)) for p in (users["editor"], users["admin"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["done", "refused"]
    with app.app_context():
        moves = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_id == claim_id, AuditEvent.from_status == "in_review")
        )
    assert moves == 1


def test_a_verdict_and_the_removal_of_its_last_evidence_never_both_go_through(app, users):
    """Submitting a verdict that needs evidence while the last evidence is removed: one of them
    waits for the other and then sees it, so no verdict reaches review without a source."""
    from factcheck.models import ClaimStatus, Evidence, Rating

    for attempt in range(4):
        claim_id = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
        evidence_id = factories.evidence(app, claim_id, users["reviewer"])
        barrier = threading.Barrier(2)
        outcomes = {}

        def act(name):
            with app.app_context():
                claim = db.session.get(Claim, claim_id)
                reviewer = db.session.get(User, users["reviewer"])
                false = db.session.scalar(select(Rating).where(Rating.name == "False"))
                evidence = db.session.get(Evidence, evidence_id)
                _ = claim.evidence, evidence.claim  # everything read before the race starts
                db.session.commit()
                barrier.wait(30)
                try:
                    if name == "submit":
                        workflow.save_verdict(claim, by=reviewer, rating=false, rationale="The table says 12.", submit=True)
                    else:
                        workflow.remove_evidence(evidence, by=reviewer)
                    db.session.commit()
                    outcomes[name] = "done"
                except workflow.WorkflowError as error:
                    db.session.rollback()
                    outcomes[name] = error.message
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=act, args=(n,)) for n in ("submit", "remove")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(outcomes) == ["remove", "submit"], outcomes
        assert list(outcomes.values()).count("done") == 1, (attempt, outcomes)
        with app.app_context():
            claim = db.session.get(Claim, claim_id)
            assert not (claim.status == ClaimStatus.IN_REVIEW and not claim.evidence), (attempt, outcomes)
