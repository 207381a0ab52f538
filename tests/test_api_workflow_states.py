"""The workflow's state machine driven through the JSON API: random sequences of moves by
random people's tokens, legal and not. A refused move answers 403, 409 or 422 and changes
nothing; an accepted one writes at most one history row; the claim stays consistent
(tests/test_workflow_states.py drives the same machine through the verbs)."""

from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, User

from . import factories
from .factories import Api

ROLES = ["admin", "editor", "reviewer", "other_reviewer", "viewer"]
DUE = (date.today() + timedelta(days=3)).isoformat()


def test_random_move_sequences_through_the_api_keep_the_workflow_sound(app, users):
    other = factories.make_user(app, role="reviewer")
    people = {**users, "other_reviewer": other}
    clients = {role: Api(app, factories.make_token(app, user_id)) for role, user_id in people.items()}
    with app.app_context():
        reviewer_email = db.session.get(User, users["reviewer"]).email
    article = factories.make_article(app, users["editor"])
    claim_id = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    base = f"/api/v1/claims/{claim_id}"
    app.config["API_RATE_LIMIT"] = 10**6

    def state():
        with app.app_context():
            claim = db.session.get(Claim, claim_id)
            events = db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim_id)
            )
            return claim.status, claim.version, events

    moves = {
        "assign": lambda rating, correcting: ("assign", {"assignee": reviewer_email, "due": DUE}),
        "start": lambda rating, correcting: ("start", {}),
        "evidence": lambda rating, correcting: ("evidence", {"url": "https://e.example.org", "source": "E", "stance": "supports"}),
        "draft": lambda rating, correcting: ("verdict", {"rating": rating, "rationale": "Draft"}),
        "submit": lambda rating, correcting: ("submit", {"rating": rating, "rationale": "Because."}),
        "approve": lambda rating, correcting: ("approve", {"note": "A corrected verdict."} if correcting else {}),
        "return": lambda rating, correcting: ("return", {"note": "Again"}),
        "drop": lambda rating, correcting: ("drop", {"reason": "duplicate"}),
        "restore": lambda rating, correcting: ("restore", {}),
        "correct": lambda rating, correcting: ("correct", {"note": "Revised figures."}),
        "stale": lambda rating, correcting: ("drop", {"reason": "duplicate", "version": 0}),
    }

    class ApiClaimMachine(RuleBasedStateMachine):
        @initialize()
        def reset(self):
            self.corrections = 0

        @rule(move=st.sampled_from(sorted(moves)), role=st.sampled_from(ROLES), rating=st.sampled_from(["False", "Unproven", "True"]))
        def act(self, move, role, rating):
            before = state()
            route, body = moves[move](rating, self.corrections > 0)
            response = clients[role].post(f"{base}/{route}", body)
            after = state()
            assert response.status_code in (200, 201, 403, 409, 422), response.get_json()
            if response.status_code >= 400:
                assert response.mimetype == "application/problem+json"
                assert after == before, f"refused {move} by {role} changed something"
                if move == "stale":
                    assert response.status_code in (403, 409)
            else:
                assert after[2] - before[2] in (0, 1), f"{move} wrote {after[2] - before[2]} history rows"
                if route != "evidence" and response.status_code == 200:
                    assert response.get_json()["status"] == after[0].value
                if route == "correct":
                    self.corrections += 1
            if role == "viewer" or (role == "other_reviewer" and move in ("start", "draft", "submit", "evidence")):
                assert response.status_code == 403

        @invariant()
        def claim_is_consistent(self):
            data = clients["editor"].get(base).get_json()
            status = ClaimStatus(data["status"])
            moved = [e for e in data["history"] if e["to_status"]]
            assert moved[-1]["to_status"] == status.value  # the history ends where the claim stands
            if status == ClaimStatus.APPROVED:
                assert data["verdict"]["rationale"] and data["verdict"]["published"]
            if status in (ClaimStatus.ASSIGNED, ClaimStatus.IN_RESEARCH, ClaimStatus.RETURNED, ClaimStatus.IN_REVIEW):
                assert data["assignee"] is not None

    ApiClaimMachine.TestCase.settings = settings(
        max_examples=15, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    ApiClaimMachine.TestCase().runTest()
