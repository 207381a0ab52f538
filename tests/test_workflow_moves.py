"""Every move from every status, and every move by every role: legal moves change the claim and
write exactly one audit row; illegal ones raise and change nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from factcheck import workflow
from factcheck import models as factcheck_models
from factcheck.extensions import db
from factcheck.models import MOVES, AuditEvent, Claim, ClaimStatus, DropReason, Rating, User, utcnow

from . import factories

STATUS_MOVES = ["assign", "start_research", "submit_verdict", "approve", "return_for_work", "drop", "restore", "correct"]

# where each legal move leads (assign from in_research/returned hands the work to someone new)
RESULT = {
    "start_research": ClaimStatus.IN_RESEARCH,
    "submit_verdict": ClaimStatus.IN_REVIEW,
    "approve": ClaimStatus.APPROVED,
    "return_for_work": ClaimStatus.RETURNED,
    "drop": ClaimStatus.DROPPED,
    "restore": ClaimStatus.UNASSIGNED,
    "correct": ClaimStatus.IN_RESEARCH,
}


@pytest.fixture
def people(app, users):
    return {**users, "other_reviewer": factories.make_user(app, role="reviewer")}


def perform(move: str, claim: Claim, by: User, other_reviewer: User) -> int:
    """Make the move with valid input, so only status and role decide the outcome. Returns how
    many audit rows the preparation itself wrote (evidence added before a verdict)."""
    prepared = 0
    false = db.session.scalar(select(Rating).where(Rating.name == "False"))
    if move == "assign":
        workflow.assign(claim, by=by, assignee=other_reviewer, due_at=utcnow() + timedelta(days=3))
    elif move == "start_research":
        workflow.start_research(claim, by=by)
    elif move == "submit_verdict":
        if not claim.evidence and claim.allows("work") and claim.is_actor(by, "work"):
            workflow.add_evidence(claim, by=by, url="https://a.example.org/x", source="A", stance="supports")
            prepared = 1
        workflow.save_verdict(claim, by=by, rating=false, rationale="Because the record says so.", submit=True)
    elif move == "approve":
        workflow.approve(claim, by=by, note="Corrected after a second look." if claim.corrections else None)
    elif move == "return_for_work":
        workflow.return_for_work(claim, by=by, note="More sources, please.")
    elif move == "drop":
        workflow.drop(claim, by=by, reason=DropReason.NOT_CHECKABLE)
    elif move == "restore":
        workflow.restore(claim, by=by)
    elif move == "correct":
        workflow.issue_correction(claim, by=by, note="The figure was for 2024, not 2025.")
    return prepared


def audit_count(claim_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim_id)
    )


@pytest.mark.parametrize("status", list(ClaimStatus))
@pytest.mark.parametrize("move", STATUS_MOVES)
def test_each_move_from_each_status(app, people, move, status):
    claim_id = factories.claim_in(app, status, editor=people["editor"], reviewer=people["reviewer"])
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        admin = db.session.get(User, people["admin"])
        other = db.session.get(User, people["other_reviewer"])
        before = audit_count(claim_id)
        legal = status in MOVES[move][1]
        if legal:
            prepared = perform(move, claim, admin, other)
            db.session.commit()
            expected = RESULT.get(move, ClaimStatus.ASSIGNED)
            assert claim.status == expected
            assert audit_count(claim_id) - before == prepared + 1
            last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
            assert (last.actor_id, last.from_status, last.to_status) == (admin.id, status.value, expected.value)
        else:
            with pytest.raises(workflow.WorkflowError) as refused:
                perform(move, claim, admin, other)
            assert "cannot be" in refused.value.message
            db.session.rollback()
            claim = db.session.get(Claim, claim_id)
            assert claim.status == status
            assert audit_count(claim_id) == before


# A status in which each move is legal, so only the role decides.
LEGAL_FROM = {
    "assign": ClaimStatus.UNASSIGNED,
    "start_research": ClaimStatus.ASSIGNED,
    "submit_verdict": ClaimStatus.IN_RESEARCH,
    "approve": ClaimStatus.IN_REVIEW,
    "return_for_work": ClaimStatus.IN_REVIEW,
    "drop": ClaimStatus.ASSIGNED,
    "restore": ClaimStatus.DROPPED,
    "correct": ClaimStatus.APPROVED,
}
MAY = {
    "assign": {"admin", "editor"},
    "start_research": {"admin", "reviewer"},
    "submit_verdict": {"admin", "reviewer"},
    "approve": {"admin", "editor"},
    "return_for_work": {"admin", "editor"},
    "drop": {"admin", "editor"},
    "restore": {"admin", "editor"},
    "correct": {"admin", "editor"},
}


@pytest.mark.parametrize("role", ["admin", "editor", "reviewer", "other_reviewer", "viewer"])
@pytest.mark.parametrize("move", STATUS_MOVES)
def test_each_move_by_each_role(app, people, move, role):
    """'reviewer' is the claim's assignee; 'other_reviewer' is a reviewer it is not assigned to."""
    status = LEGAL_FROM[move]
    claim_id = factories.claim_in(app, status, editor=people["editor"], reviewer=people["reviewer"])
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        actor = db.session.get(User, people[role])
        other = db.session.get(User, people["other_reviewer"])
        before = audit_count(claim_id)
        if role in MAY[move]:
            perform(move, claim, actor, other)
            db.session.commit()
            assert claim.status != status or move == "assign"
        else:
            with pytest.raises(workflow.NotAllowed):
                perform(move, claim, actor, other)
            db.session.rollback()
            assert db.session.get(Claim, claim_id).status == status
            assert audit_count(claim_id) == before


ARTICLE_VERBS = {
    "create_article": lambda article, by: workflow.create_article(by=by, body="A new text. With two sentences.", title="T", outlet="O"),
    "edit_article": lambda article, by: workflow.edit_article(article, by=by, body=article.body, title="Renamed", outlet="O"),
    "add_revision": lambda article, by: workflow.add_revision(article, by=by, body="A new text. With two sentences."),
    "create_claim": lambda article, by: workflow.create_claim(article, by=by, start=0, end=20),
}


@pytest.mark.parametrize("verb", sorted(ARTICLE_VERBS))
@pytest.mark.parametrize("role", ["admin", "editor", "reviewer", "viewer"])
def test_article_verbs_check_who_acts(app, users, verb, role):
    """The verbs themselves refuse people who may not change articles, whatever page or script
    calls them, and write nothing."""
    article_id = factories.make_article(app, users["editor"])
    factories.make_claim(app, article_id, users["editor"], quote="Bus spending rises by 18 percent.")
    with app.app_context():
        article = db.session.get(factcheck_models.Article, article_id)
        by = db.session.get(User, users[role])
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        if role in ("reviewer", "viewer"):
            with pytest.raises(workflow.NotAllowed):
                ARTICLE_VERBS[verb](article, by)
            db.session.rollback()
            assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
        else:
            ARTICLE_VERBS[verb](article, by)
            db.session.rollback()
