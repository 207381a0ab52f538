"""Which claims a list, an export or a command means: filters read from a query string."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_

from .extensions import db
from .models import MAX_ID, OPEN_FOR_REVIEWER, OPEN_STATUSES, Article, Claim, ClaimStatus, Rating, User
from .clock import utc_midnight

SORTS = {"newest": "Newest first", "oldest": "Oldest first", "due": "Due soonest"}


def db_id(text: str) -> int:
    """A row id typed into an address or a form: ASCII digits within what the database holds,
    else ValueError, so a mistyped or forged id is "not found" rather than a failed query.
    (str.isdigit alone lets "²" through, which int() then refuses.)"""
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        raise ValueError(f"not an id: {text[:20]!r}")
    return int(text)


def db_ids(texts) -> set[int]:
    """The valid ids among these texts; the rest are ignored."""
    found = set()
    for text in texts:
        try:
            found.add(db_id(text))
        except ValueError:
            pass
    return found


def _row(model, text: str):
    try:
        return db.session.get(model, db_id(text))
    except ValueError:
        return None
FAR_FUTURE = datetime(9999, 12, 31)  # claims without a due date come last when sorting by it


def sort_keys(sort: str) -> list[tuple]:
    """(expression, direction) pairs for one of SORTS; the id breaks ties, so a keyset built on
    them is unique."""
    if sort == "oldest":
        return [(Claim.id, 1)]
    if sort == "due":
        return [(func.coalesce(Claim.due_at, FAR_FUTURE), 1), (Claim.id, 1)]
    return [(Claim.id, -1)]


def order_by(sort: str) -> list:
    return [key if direction > 0 else key.desc() for key, direction in sort_keys(sort)]


@dataclass
class Filters:
    """The claims list's filters, read from the query string (so a view can be bookmarked)."""

    status: str = ""
    assignee: str = ""
    rating: str = ""
    article: int | None = None
    article_text: str = ""  # as given, to say when it names no article
    overdue: bool = False
    q: str = ""
    sort: str = "newest"
    approved_from: str = ""
    approved_to: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        return cls(
            status=args.get("status", ""),
            assignee=args.get("assignee", ""),
            rating=args.get("rating", ""),
            article=args.get("article", type=db_id),
            article_text=args.get("article", ""),
            overdue=args.get("overdue") == "1",
            q=args.get("q", "").replace("\x00", "").strip()[:200],
            sort=args.get("sort") if args.get("sort") in SORTS else "newest",
            approved_from=args.get("approved_from", "").strip(),
            approved_to=args.get("approved_to", "").strip(),
        )

    def args(self, **changes) -> dict:
        values = {
            "status": self.status, "assignee": self.assignee, "rating": self.rating, "article": self.article,
            "overdue": "1" if self.overdue else "", "q": self.q, "sort": "" if self.sort == "newest" else self.sort,
            "approved_from": self.approved_from, "approved_to": self.approved_to,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def problems(self) -> list[str]:
        """What is wrong with these filters, in words for the page (or the command line)."""
        found = []
        if self.status and self.status not in {s.value for s in ClaimStatus} | {"open", "any"}:
            found.append(f"There is no status “{self.status}”.")
        if self.assignee and self.assignee != "none" and _row(User, self.assignee) is None:
            found.append("The reviewer filter is not a person in this newsroom.")
        if self.article_text and _row(Article, self.article_text) is None:
            found.append("There is no such article.")
        if self.rating and _row(Rating, self.rating) is None:
            found.append(f"There is no rating “{self.rating}”.")
        start, end = self._date("approved_from", found), self._date("approved_to", found)
        if start and end and end < start:
            found.append("The date range ends before it starts.")
        return found

    def _date(self, name: str, found: list[str]) -> date | None:
        text = getattr(self, name)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            found.append(f"“{text}” is not a date; use the form 2026-11-25.")
            return None

    def apply(self, query: Select, now: datetime) -> Select:
        if self.status == "open":
            query = query.where(Claim.status.in_(OPEN_STATUSES))
        elif self.status and self.status != "any":
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
        if self.approved_from:
            query = query.where(Claim.approved_at >= utc_midnight(date.fromisoformat(self.approved_from)))
        if self.approved_to:
            query = query.where(Claim.approved_at < utc_midnight(date.fromisoformat(self.approved_to) + timedelta(days=1)))
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
