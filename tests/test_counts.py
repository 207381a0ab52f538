"""Claims by status, kept as running counts by the workflow: always what a fresh count of the
claims table says, under concurrent moves too, and repaired by `flask recount`."""

import threading
from datetime import timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from factcheck import workflow
from factcheck.counts import status_counts
from factcheck.extensions import db
from factcheck.models import Claim, ClaimStatus, ClaimStatusCount, DropReason, Rating, User, utcnow

from . import factories
from .conftest import make_app

S = ClaimStatus
SENTENCES = [f"Sentence {n} says the budget rose by {n * 7} percent." for n in range(12)]
BODY = " ".join(SENTENCES)


def fresh_count() -> dict[ClaimStatus, int]:
    counted = dict(db.session.execute(select(Claim.status, func.count()).group_by(Claim.status)).all())
    return {status: counted.get(status, 0) for status in ClaimStatus}


def make_claims(app, editor: int, n: int) -> list[int]:
    article = factories.make_article(app, editor, body=BODY)
    return [factories.make_claim(app, article, editor, quote=SENTENCES[i]) for i in range(n)]


def test_counts_follow_every_kind_of_move(app, users):
    ids = make_claims(app, users["editor"], 7)
    second_reviewer = factories.make_user(app, role="reviewer")
    with app.app_context():
        editor, reviewer = db.session.get(User, users["editor"]), db.session.get(User, users["reviewer"])
        unproven = db.session.scalar(select(Rating).where(Rating.name == "Unproven"))
        claim = {i: db.session.get(Claim, claim_id) for i, claim_id in enumerate(ids)}
        due = utcnow() + timedelta(days=2)

        def then(expected: dict[ClaimStatus, int]) -> None:
            db.session.commit()
            assert status_counts() == fresh_count() == {s: expected.get(s, 0) for s in ClaimStatus}

        then({S.UNASSIGNED: 7})
        for i in (0, 1, 2):  # three moves in one transaction, as the bulk bar makes them
            workflow.assign(claim[i], by=editor, assignee=reviewer, due_at=due)
        then({S.UNASSIGNED: 4, S.ASSIGNED: 3})
        workflow.assign(claim[0], by=editor, assignee=reviewer, due_at=due + timedelta(days=1))  # due date only
        then({S.UNASSIGNED: 4, S.ASSIGNED: 3})
        workflow.start_research(claim[0], by=reviewer)
        workflow.start_research(claim[1], by=reviewer)
        then({S.UNASSIGNED: 4, S.ASSIGNED: 1, S.IN_RESEARCH: 2})
        for i in (0, 1):
            workflow.save_verdict(claim[i], by=reviewer, rating=unproven, rationale="Nobody keeps the figure.", submit=True)
        then({S.UNASSIGNED: 4, S.ASSIGNED: 1, S.IN_REVIEW: 2})
        workflow.approve(claim[0], by=editor)
        workflow.return_for_work(claim[1], by=editor, note="Ask the treasurer.")
        then({S.UNASSIGNED: 4, S.ASSIGNED: 1, S.RETURNED: 1, S.APPROVED: 1})
        workflow.issue_correction(claim[0], by=editor, note="The figure was for 2024.")
        workflow.start_research(claim[1], by=reviewer)
        then({S.UNASSIGNED: 4, S.ASSIGNED: 1, S.IN_RESEARCH: 2})
        workflow.assign(claim[1], by=editor, assignee=db.session.get(User, second_reviewer), due_at=due)  # back to assigned
        workflow.drop(claim[2], by=editor, reason=DropReason.NOT_CHECKABLE)
        workflow.drop(claim[3], by=editor, reason=DropReason.DUPLICATE)
        workflow.drop(claim[4], by=editor, reason=DropReason.OUT_OF_SCOPE)
        then({S.UNASSIGNED: 2, S.ASSIGNED: 1, S.IN_RESEARCH: 1, S.DROPPED: 3})
        workflow.restore(claim[2], by=editor)
        workflow.delete_claim(claim[3], by=editor)  # dropped
        workflow.delete_claim(claim[5], by=editor)  # unassigned
        then({S.UNASSIGNED: 2, S.ASSIGNED: 1, S.IN_RESEARCH: 1, S.DROPPED: 1})

        # A move that is rolled back, or refused, leaves the counts as they were.
        workflow.drop(claim[6], by=editor, reason=DropReason.NOT_CHECKABLE)
        db.session.rollback()
        then({S.UNASSIGNED: 2, S.ASSIGNED: 1, S.IN_RESEARCH: 1, S.DROPPED: 1})
        try:
            workflow.approve(db.session.get(Claim, ids[6]), by=editor)
        except workflow.WorkflowError:
            pass
        then({S.UNASSIGNED: 2, S.ASSIGNED: 1, S.IN_RESEARCH: 1, S.DROPPED: 1})


def test_the_dashboard_shows_the_kept_counts(app, users, client_as):
    ids = make_claims(app, users["editor"], 3)
    with app.app_context():
        editor = db.session.get(User, users["editor"])
        workflow.drop(db.session.get(Claim, ids[0]), by=editor, reason=DropReason.NOT_CHECKABLE)
        db.session.commit()
    page = client_as("editor").get("/dashboard").get_data(as_text=True)
    assert "3 in total" in page and "Unassigned 2</li>" in page and "Dropped 1</li>" in page


def test_concurrent_moves_lose_no_counts(app, users):
    """Four desks move their own claims back and forth at once, each move its own transaction,
    all of them changing the same two or three count rows."""
    desks, claims_each, rounds = 4, 3, 3
    ids = [make_claims(app, users["editor"], claims_each) for _ in range(desks)]
    errors = []

    def work(mine: list[int]) -> None:
        try:
            with app.app_context():
                editor = db.session.get(User, users["editor"])
                for _ in range(rounds):
                    for claim_id in mine:
                        workflow.drop(db.session.get(Claim, claim_id), by=editor, reason=DropReason.NOT_CHECKABLE)
                        db.session.commit()
                        workflow.restore(db.session.get(Claim, claim_id), by=editor)
                        db.session.commit()
                workflow.drop(db.session.get(Claim, mine[0]), by=editor, reason=DropReason.NOT_CHECKABLE)
                db.session.commit()
                db.session.remove()
        except Exception as error:  # reported below, with the others
            errors.append(error)

    threads = [threading.Thread(target=work, args=(mine,)) for mine in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        assert status_counts() == fresh_count()
        assert status_counts()[S.DROPPED] == desks and status_counts()[S.UNASSIGNED] == desks * (claims_each - 1)


def test_transactions_of_several_moves_in_crosswise_order_do_not_deadlock(app, users):
    """One desk moves a claim out of 'assigned' and then one out of 'in review'; the other does
    the same the other way round, at the same moment. Writing every count row a transaction
    changes in one statement, in status order, at its commit means neither waits for a row the
    other holds. (PostgreSQL lets both run at once; SQLite's writers take turns.)"""
    ids = make_claims(app, users["editor"], 4)
    with app.app_context():
        editor, reviewer = db.session.get(User, users["editor"]), db.session.get(User, users["reviewer"])
        unproven = db.session.scalar(select(Rating).where(Rating.name == "Unproven"))
        for claim_id in ids:
            claim = db.session.get(Claim, claim_id)
            workflow.assign(claim, by=editor, assignee=reviewer, due_at=utcnow() + timedelta(days=2))
        for claim_id in ids[2:]:
            claim = db.session.get(Claim, claim_id)
            workflow.start_research(claim, by=reviewer)
            workflow.save_verdict(claim, by=reviewer, rating=unproven, rationale="No record.", submit=True)
        db.session.commit()
    halfway = threading.Barrier(2)
    errors = []

    def desk(assigned_id: int, in_review_id: int, assigned_first: bool) -> None:
        def out_of_assigned():
            workflow.start_research(db.session.get(Claim, assigned_id), by=db.session.get(User, users["reviewer"]))

        def out_of_review():
            workflow.return_for_work(db.session.get(Claim, in_review_id), by=db.session.get(User, users["editor"]), note="More.")

        try:
            with app.app_context():
                first, second = (out_of_assigned, out_of_review) if assigned_first else (out_of_review, out_of_assigned)
                first()
                try:
                    halfway.wait(3)
                except threading.BrokenBarrierError:  # SQLite: the other desk waits for this one's commit
                    pass
                second()
                db.session.commit()
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [
        threading.Thread(target=desk, args=(ids[0], ids[2], True)),
        threading.Thread(target=desk, args=(ids[1], ids[3], False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with app.app_context():
        assert status_counts() == fresh_count()
        assert status_counts()[S.IN_RESEARCH] == 2 and status_counts()[S.RETURNED] == 2


def test_recount_repairs_counts_after_claims_written_around_the_workflow(app, users):
    ids = make_claims(app, users["editor"], 2)
    with app.app_context():
        article = db.session.get(Claim, ids[0]).article_id
        db.session.execute(text(
            "INSERT INTO claims (article_id, start, \"end\", quote, wording, status, due_has_time, created_by_id, created_at, updated_at, version) "
            "VALUES (:article, 0, 5, 'Sente', 'Imported', 'approved', false, :editor, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
        ), {"article": article, "editor": users["editor"]})
        db.session.commit()
        assert status_counts()[S.APPROVED] == 0  # an import the workflow did not see
    result = app.test_cli_runner().invoke(args=["recount"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "3 claims recounted: 2 unassigned, 0 assigned, 0 in_research, 0 in_review, 0 returned, 1 approved, 0 dropped."
    with app.app_context():
        assert status_counts() == fresh_count()
        assert db.session.scalar(select(func.count()).select_from(ClaimStatusCount)) == 2  # statuses with claims


def test_the_migration_counts_the_claims_already_there(backend):
    url, remove = backend.new_database("factcheck_counts_migration")
    app = make_app(url)
    try:
        with app.app_context():
            script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
            adding = next(r for r in script.walk_revisions() if "claim_status_counts" in Path(r.path).read_text())
            upgrade(revision=adding.down_revision)
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO users (id, email, name, role, password_hash, active, created_at) "
                    "VALUES (1, 'ed@desk.example.org', 'Ed', 'editor', 'x', true, CURRENT_TIMESTAMP)"
                ))
                conn.execute(text(
                    "INSERT INTO articles (id, title, outlet, body, created_by_id, created_at, updated_at, version) "
                    "VALUES (1, 'Budget', 'Courier', 'Taxes rose by 5 percent.', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                ))
                for n, status in enumerate(["approved", "approved", "dropped"]):
                    conn.execute(text(
                        "INSERT INTO claims (article_id, start, \"end\", quote, wording, status, due_has_time, created_by_id, created_at, updated_at, version) "
                        f"VALUES (1, {n}, 10, 'Taxes', 'Taxes rose', '{status}', false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                    ))
            upgrade()
            assert status_counts() == fresh_count() == {**dict.fromkeys(ClaimStatus, 0), S.APPROVED: 2, S.DROPPED: 1}
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        remove()
