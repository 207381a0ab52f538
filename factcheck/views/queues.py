"""Lists of claims: my queue (a reviewer's work), the review queue (an editor's) and the
filterable claims list with keyset pagination and bulk actions."""

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..forms import BulkForm
from ..models import OPEN_FOR_REVIEWER, Article, Claim, ClaimStatus, Rating, Role, User, utcnow
from ..ratings import scale
from .claims import reviewer_choices

bp = Blueprint("queues", __name__)

PAGE_SIZE = 50
FAR_FUTURE = datetime(9999, 12, 31)
SORTS = {"newest": "Newest first", "oldest": "Oldest first", "due": "Due soonest"}


def _with_relations(query: Select) -> Select:
    return query.options(selectinload(Claim.article), selectinload(Claim.assignee), selectinload(Claim.rating))


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
    """Verdicts waiting for an editor, oldest submission first."""
    claims = db.session.scalars(
        _with_relations(
            select(Claim).where(Claim.status == ClaimStatus.IN_REVIEW).order_by(Claim.submitted_at, Claim.id)
        )
    ).all()
    return render_template("queues/review.html", claims=claims, now=utcnow())


@dataclass
class Filters:
    """The claims list's filters, read from the query string (so a view can be bookmarked)."""

    status: str = ""
    assignee: str = ""
    rating: str = ""
    article: int | None = None
    overdue: bool = False
    q: str = ""
    sort: str = "newest"

    @classmethod
    def from_args(cls, args) -> "Filters":
        return cls(
            status=args.get("status", ""),
            assignee=args.get("assignee", ""),
            rating=args.get("rating", ""),
            article=args.get("article", type=int),
            overdue=args.get("overdue") == "1",
            q=args.get("q", "").strip()[:200],
            sort=args.get("sort") if args.get("sort") in SORTS else "newest",
        )

    def args(self, **changes) -> dict:
        values = {
            "status": self.status, "assignee": self.assignee, "rating": self.rating, "article": self.article,
            "overdue": "1" if self.overdue else "", "q": self.q, "sort": "" if self.sort == "newest" else self.sort,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def problems(self) -> list[str]:
        found = []
        if self.status and self.status not in {s.value for s in ClaimStatus} | {"open"}:
            found.append(f"There is no status “{self.status}”.")
        if self.assignee and self.assignee != "none" and not self.assignee.isdigit():
            found.append("The reviewer filter is not a person.")
        if self.rating and not self.rating.isdigit():
            found.append("The rating filter is not a rating.")
        return found

    def apply(self, query: Select, now: datetime) -> Select:
        if self.status == "open":
            query = query.where(Claim.status.not_in([ClaimStatus.APPROVED, ClaimStatus.DROPPED]))
        elif self.status:
            query = query.where(Claim.status == ClaimStatus(self.status))
        if self.assignee == "none":
            query = query.where(Claim.assignee_id.is_(None))
        elif self.assignee:
            query = query.where(Claim.assignee_id == int(self.assignee))
        if self.rating:
            query = query.where(Claim.rating_id == int(self.rating))
        if self.article:
            query = query.where(Claim.article_id == self.article)
        if self.overdue:
            query = query.where(Claim.due_at < now, Claim.status.in_(OPEN_FOR_REVIEWER))
        if self.q:
            pattern = "%" + self.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(
                or_(
                    func.lower(Claim.wording).like(pattern, escape="\\"),
                    func.lower(Claim.quote).like(pattern, escape="\\"),
                    func.lower(Claim.claimant).like(pattern, escape="\\"),
                )
            )
        return query


def _sort_key(sort: str):
    """(expression, direction) pairs; id breaks ties so the keyset is unique."""
    if sort == "oldest":
        return [(Claim.id, 1)]
    if sort == "due":
        return [(func.coalesce(Claim.due_at, FAR_FUTURE), 1), (Claim.id, 1)]
    return [(Claim.id, -1)]


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
            due_at, claim_id = datetime.fromisoformat(due_text), int(id_text)
            key = func.coalesce(Claim.due_at, FAR_FUTURE)
            return or_(key > due_at, and_(key == due_at, Claim.id > claim_id))
        claim_id = int(cursor)
    except ValueError:
        abort(400)
    return Claim.id > claim_id if sort == "oldest" else Claim.id < claim_id


@bp.get("/claims")
def claims():
    filters = Filters.from_args(request.args)
    problems = filters.problems()
    now = utcnow()
    rows, total, before, next_cursor = [], 0, 0, None
    if not problems:
        base = filters.apply(select(Claim), now)
        total = db.session.scalar(select(func.count()).select_from(base.subquery()))
        keys = _sort_key(filters.sort)
        query = _with_relations(base.order_by(*[k if d > 0 else k.desc() for k, d in keys]))
        after = _after(filters.sort, request.args.get("after"))
        if after is not None:
            before = db.session.scalar(select(func.count()).select_from(base.where(~after).subquery()))
            query = query.where(after)
        rows = db.session.scalars(query.limit(PAGE_SIZE + 1)).all()
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE]
            next_cursor = _cursor_of(rows[-1], filters.sort)
    article = db.session.get(Article, filters.article) if filters.article else None
    bulk_form = BulkForm(formdata=None)
    bulk_form.assignee.choices = [(0, "Choose a reviewer…")] + reviewer_choices()
    return (
        render_template(
            "queues/claims.html",
            rows=rows,
            total=total,
            first=before + 1,
            filters=filters,
            problems=problems,
            next_url=url_for("queues.claims", after=next_cursor, **filters.args()) if next_cursor else None,
            first_url=url_for("queues.claims", **filters.args()) if request.args.get("after") else None,
            article=article,
            reviewers=db.session.scalars(select(User).where(User.role == Role.REVIEWER).order_by(User.name)).all(),
            ratings=scale(),
            sorts=SORTS,
            bulk_form=bulk_form,
            now=now,
            can_bulk=current_user.can_manage_articles,
            selected={int(i) for i in request.args.get("selected", "").split(",") if i.isdigit()},
        ),
        422 if problems else 200,
    )
