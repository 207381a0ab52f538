"""How many claims are in each status, kept as running counts so the dashboard reads seven rows
instead of counting the archive.

Whatever creates, deletes or moves a claim calls bump_status(old, new). The changes add up on
the session and are written when it commits, in the same transaction as the claims they count:
one statement that adds each status's change to its row (count = count + change, never a value
read earlier), rows in status order. So concurrent moves neither lose counts nor wait for each
other crosswise, however many claims one transaction moves, and the busiest rows (unassigned,
approved) are locked only for the moment of the commit. A rollback forgets the changes.

Claims written to the database without the workflow (bench/generate.py, a bulk import) leave the
counts behind; recount_statuses() (`flask recount`) counts afresh."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, event, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from .extensions import db
from .models import Claim, ClaimStatus, ClaimStatusCount

_PENDING = "claim_status_changes"


def bump_status(old: ClaimStatus | None, new: ClaimStatus | None) -> None:
    """A claim moved from old to new; None for old means it was created, for new deleted."""
    if old == new:
        return
    changes = db.session.info.setdefault(_PENDING, Counter())
    if old is not None:
        changes[old] -= 1
    if new is not None:
        changes[new] += 1


def status_counts() -> dict[ClaimStatus, int]:
    """Claims in each status, every status present."""
    kept = dict(db.session.execute(select(ClaimStatusCount.status, ClaimStatusCount.count)).all())
    return {status: kept.get(status, 0) for status in ClaimStatus}


def recount_statuses() -> dict[ClaimStatus, int]:
    """Count every status afresh from the claims table (`flask recount`). On PostgreSQL the
    table is locked first, so moves committing meanwhile wait and add their changes after."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE claim_status_counts IN EXCLUSIVE MODE"))
    db.session.execute(delete(ClaimStatusCount))
    db.session.execute(
        insert(ClaimStatusCount).from_select(
            ["status", "count"], select(Claim.status, func.count()).group_by(Claim.status)
        )
    )
    return status_counts()


@event.listens_for(Session, "before_commit")
def _write_changes(session: Session) -> None:
    changes = {status: n for status, n in session.info.pop(_PENDING, {}).items() if n}
    if not changes:
        return
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
    statement = dialect.insert(ClaimStatusCount).values(
        [{"status": status, "count": changes[status]} for status in sorted(changes)]
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ClaimStatusCount.status],
            set_={"count": ClaimStatusCount.count + statement.excluded["count"]},
        )
    )


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or rolled back
        session.info.pop(_PENDING, None)
