"""Random sequences of moves by random people, legal and not, with the invariants checked after
every step (Hypothesis drives it; a failure shrinks to the shortest sequence that breaks)."""

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from factcheck import workflow
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, DropReason, Rating, User, utcnow

from . import factories

MOVES = ["assign", "start_research", "add_evidence", "save_draft", "submit", "approve", "return", "drop", "restore", "correct"]
ROLES = ["admin", "editor", "reviewer", "other_reviewer", "viewer"]


def run_machine(app, users):
    other = factories.make_user(app, role="reviewer")
    people = {**users, "other_reviewer": other}
    article = factories.make_article(app, users["editor"])
    claim_id = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")

    class ClaimMachine(RuleBasedStateMachine):
        @initialize()
        def reset(self):
            with app.app_context():
                self.moves = db.session.scalar(self._audit_count())
            self.done = 0

        @staticmethod
        def _audit_count():
            return select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim_id)

        @rule(move=st.sampled_from(MOVES), role=st.sampled_from(ROLES), rating=st.sampled_from(["False", "Unproven", "True"]))
        def act(self, move, role, rating):
            with app.app_context():
                claim = db.session.get(Claim, claim_id)
                by = db.session.get(User, people[role])
                before = (claim.status, claim.version, db.session.scalar(self._audit_count()))
                try:
                    self._perform(move, claim, by, rating)
                    db.session.commit()
                except workflow.WorkflowError:
                    db.session.rollback()
                    claim = db.session.get(Claim, claim_id)
                    after = (claim.status, claim.version, db.session.scalar(self._audit_count()))
                    assert after == before, f"refused {move} by {role} changed something"
                else:
                    changed = db.session.scalar(self._audit_count()) - before[2]
                    assert changed in (0, 1), f"{move} wrote {changed} history rows"

        def _perform(self, move, claim, by, rating_name):
            rating = db.session.scalar(select(Rating).where(Rating.name == rating_name))
            if move == "assign":
                workflow.assign(claim, by=by, assignee=db.session.get(User, people["reviewer"]), due_at=utcnow() + timedelta(days=1))
            elif move == "start_research":
                workflow.start_research(claim, by=by)
            elif move == "add_evidence":
                workflow.add_evidence(claim, by=by, url="https://e.example.org", source="E", stance="supports")
            elif move == "save_draft":
                workflow.save_verdict(claim, by=by, rating=rating, rationale="Draft")
            elif move == "submit":
                workflow.save_verdict(claim, by=by, rating=rating, rationale="Because.", submit=True)
            elif move == "approve":
                workflow.approve(claim, by=by, note="A corrected verdict." if claim.corrections else None)
            elif move == "return":
                workflow.return_for_work(claim, by=by, note="Again")
            elif move == "drop":
                workflow.drop(claim, by=by, reason=DropReason.DUPLICATE)
            elif move == "restore":
                workflow.restore(claim, by=by)
            elif move == "correct":
                workflow.issue_correction(claim, by=by, note="Revised figures.")

        @invariant()
        def claim_is_consistent(self):
            with app.app_context():
                claim = db.session.get(Claim, claim_id)
                assert claim.status in ClaimStatus
                last = db.session.scalars(
                    select(AuditEvent).where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim_id, AuditEvent.to_status.is_not(None))
                    .order_by(AuditEvent.id.desc()).limit(1)
                ).first()
                assert last.to_status == claim.status.value  # the history ends where the claim stands
                if claim.status == ClaimStatus.APPROVED:
                    assert claim.rationale and claim.published_rating_id == claim.rating_id
                    assert claim.evidence or not claim.rating.needs_evidence
                if claim.status in (ClaimStatus.ASSIGNED, ClaimStatus.IN_RESEARCH, ClaimStatus.RETURNED, ClaimStatus.IN_REVIEW):
                    assert claim.assignee_id is not None

    ClaimMachine.TestCase.settings = settings(
        max_examples=25, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    ClaimMachine.TestCase().runTest()


def test_random_move_sequences_keep_the_workflow_sound(app, users):
    run_machine(app, users)
