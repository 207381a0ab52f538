"""Run by test_crash.py: move claims through the workflow in an endless loop until killed."""

import random
import sys
from datetime import timedelta

sys.path.insert(0, sys.argv[2])

from sqlalchemy import select  # noqa: E402

from factcheck import create_app, workflow  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.models import Claim, ClaimStatus, DropReason, Rating, Role, User, utcnow  # noqa: E402


def step(claim: Claim, editor: User, reviewer: User, unproven: Rating) -> None:
    status = claim.status
    if status == ClaimStatus.UNASSIGNED:
        workflow.assign(claim, by=editor, assignee=reviewer, due_at=utcnow() + timedelta(days=1))
    elif status in (ClaimStatus.ASSIGNED, ClaimStatus.RETURNED):
        workflow.start_research(claim, by=reviewer)
    elif status == ClaimStatus.IN_RESEARCH:
        workflow.add_evidence(claim, by=reviewer, url="https://e.example.org", source="E", stance="context")
        workflow.save_verdict(claim, by=reviewer, rating=unproven, rationale="Not provable yet.", submit=True)
    elif status == ClaimStatus.IN_REVIEW:
        if random.random() < 0.5:
            workflow.return_for_work(claim, by=editor, note="Again")
        else:
            workflow.approve(claim, by=editor)
    elif status == ClaimStatus.APPROVED:
        workflow.issue_correction(claim, by=editor, note="Rechecking")
    elif status == ClaimStatus.DROPPED:
        workflow.restore(claim, by=editor)


def main() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == Role.EDITOR))
        reviewer = db.session.scalar(select(User).where(User.role == Role.REVIEWER))
        unproven = db.session.scalar(select(Rating).where(Rating.name == "Unproven"))
        ids = list(db.session.scalars(select(Claim.id)))
        print("ready", flush=True)
        while True:
            claim = db.session.get(Claim, random.choice(ids))
            if claim.status == ClaimStatus.ASSIGNED and random.random() < 0.2:
                workflow.drop(claim, by=editor, reason=DropReason.OUT_OF_SCOPE)
            else:
                step(claim, editor, reviewer, unproven)
            db.session.commit()


if __name__ == "__main__":
    main()
