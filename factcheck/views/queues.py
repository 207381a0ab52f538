"""Lists of claims: my queue (a reviewer's work), the review queue (an editor's) and the
filterable claims list with keyset pagination and bulk actions."""

from datetime import datetime

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..forms import BulkForm
from ..models import OPEN_FOR_REVIEWER, Article, Claim, ClaimStatus, Role, User, utcnow
from ..filters import FAR_FUTURE, SORTS, Filters, db_id, db_ids, order_by
from ..ratings import scale
from .helpers import MAY_EXPORT, reviewer_choices

bp = Blueprint("queues", __name__)

PAGE_SIZE = 50
# Lists count matching claims up to this many and then say "more than": an exact count would
# read every matching row on every page view, so its cost would grow with the archive.
COUNT_CAP = 10_000
REVIEW_SHOWN = 100


def _with_relations(query: Select) -> Select:
    """What a row of claims shows besides the claim: its article's title, reviewer and rating,
    joined into the one query (each is a single row per claim)."""
    return query.options(
        joinedload(Claim.article, innerjoin=True).load_only(Article.title),
        joinedload(Claim.assignee),
        joinedload(Claim.rating),
    )


@bp.get("/queue")
def mine():
    """The reviewer's own claims: overdue first, then by due date; returned ones carry the note."""
    claims = db.session.scalars(
        _with_relations(
            select(Claim).where(
                Claim.assignee_id == current_user.id,
                Claim.status.in_([*OPEN_FOR_REVIEWER, ClaimStatus.IN_REVIEW]),
            )
        )
    ).all()
    now = utcnow()
    todo = sorted(
        (c for c in claims if c.status in OPEN_FOR_REVIEWER),
        key=lambda c: (not c.is_overdue(now), c.due_at or FAR_FUTURE, c.id),
    )
    waiting = sorted((c for c in claims if c.status == ClaimStatus.IN_REVIEW), key=lambda c: c.submitted_at or now)
    return render_template("queues/mine.html", todo=todo, waiting=waiting, now=now)


@bp.get("/review")
def review():
    """Verdicts waiting for an editor, oldest submission first: the oldest REVIEW_SHOWN of
    them, so a backlog does not make the page slow; the claims list pages through the rest."""
    waiting = db.session.scalar(select(func.count()).select_from(Claim).where(Claim.status == ClaimStatus.IN_REVIEW))
    claims = db.session.scalars(
        _with_relations(
            select(Claim)
            .where(Claim.status == ClaimStatus.IN_REVIEW)
            .order_by(Claim.submitted_at, Claim.id)
            .limit(REVIEW_SHOWN)
        )
    ).all()
    return render_template("queues/review.html", claims=claims, waiting=waiting, now=utcnow())


def _cursor_of(claim: Claim, sort: str) -> str:
    if sort == "due":
        return f"{(claim.due_at or FAR_FUTURE).isoformat()}~{claim.id}"
    return str(claim.id)


def _after(sort: str, cursor: str | None):
    """The keyset condition for rows after the cursor, or None for the first page."""
    if not cursor:
        return None
    try:
        if sort == "due":
            due_text, id_text = cursor.rsplit("~", 1)
            due_at, claim_id = datetime.fromisoformat(due_text), db_id(id_text)
            key = func.coalesce(Claim.due_at, FAR_FUTURE)
            return or_(key > due_at, and_(key == due_at, Claim.id > claim_id))
        claim_id = db_id(cursor)
    except ValueError:
        abort(400)
    return Claim.id > claim_id if sort == "oldest" else Claim.id < claim_id


@bp.get("/claims")
def claims():
    filters = Filters.from_args(request.args)
    problems = filters.problems()
    now = utcnow()
    rows, total, next_cursor = [], 0, None
    # The position of the page's first row travels in the link to the next page (keyset pages
    # have no number); it is only a label, so a forged one misleads no one but its sender.
    first = max(1, request.args.get("first", 1, type=int)) if request.args.get("after") else 1
    if not problems:
        matching = filters.apply(select(Claim.id), now).limit(COUNT_CAP + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(matching))
        query = _with_relations(filters.apply(select(Claim), now).order_by(*order_by(filters.sort)))
        after = _after(filters.sort, request.args.get("after"))
        if after is not None:
            query = query.where(after)
        rows = db.session.scalars(query.limit(PAGE_SIZE + 1)).all()
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE]
            next_cursor = _cursor_of(rows[-1], filters.sort)
    article = db.session.get(Article, filters.article) if filters.article else None
    bulk_form = BulkForm.for_page(request.args, reviewer_choices())
    return (
        render_template(
            "queues/claims.html",
            rows=rows,
            total=total,
            total_label=f"more than {COUNT_CAP:,}" if total > COUNT_CAP else f"{total:,}",
            count_cap=COUNT_CAP,
            first=first,
            filters=filters,
            problems=problems,
            next_url=url_for("queues.claims", after=next_cursor, first=first + PAGE_SIZE, **filters.args())
            if next_cursor
            else None,
            first_url=url_for("queues.claims", **filters.args()) if request.args.get("after") else None,
            article=article,
            reviewers=db.session.scalars(select(User).where(User.role == Role.REVIEWER).order_by(User.name)).all(),
            ratings=scale(),
            sorts=SORTS,
            bulk_form=bulk_form,
            now=now,
            can_bulk=current_user.can_manage_articles,
            can_export=current_user.role in MAY_EXPORT,
            selected=db_ids(request.args.get("selected", "").split(",")),
        ),
        422 if problems else 200,
    )
