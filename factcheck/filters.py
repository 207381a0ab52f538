"""Which claims a list, an export or a command means: filters read from a query string."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, case, func, or_, select

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


FAR_FUTURE = datetime(9999, 12, 31)  # claims without an active due date come last when sorting by it
# The statuses whose due date still means something: someone owes work, or the editor a decision.
# An approved or dropped claim keeps its old due date, but "due soonest" must not rank it by it.
DUE_ACTIVE = (*OPEN_FOR_REVIEWER, ClaimStatus.IN_REVIEW)
WORDS_MAX = 12  # a search is at most this many words; more only slow the query down


def active_due(claim: Claim) -> datetime:
    """The claim's place in "due soonest": its due date while it is open, else after every open one."""
    return claim.due_at if claim.due_at is not None and claim.status in DUE_ACTIVE else FAR_FUTURE


def _active_due_key():
    return case((and_(Claim.status.in_(DUE_ACTIVE), Claim.due_at.is_not(None)), Claim.due_at), else_=FAR_FUTURE)


def sort_keys(sort: str) -> list[tuple]:
    """(expression, direction) pairs for one of SORTS; the id breaks ties, so a keyset built on
    them is unique."""
    if sort == "oldest":
        return [(Claim.id, 1)]
    if sort == "due":
        return [(_active_due_key(), 1), (Claim.id, 1)]
    return [(Claim.id, -1)]


def order_by(sort: str, reverse: bool = False) -> list:
    """The ORDER BY of one of SORTS; `reverse` reads it backwards (for the previous page)."""
    return [key if (direction > 0) != reverse else key.desc() for key, direction in sort_keys(sort)]


def cursor_of(claim: Claim, sort: str) -> str:
    """Where a page starts or ends, as text for a link: the claim's sort keys."""
    if sort == "due":
        return f"{active_due(claim).isoformat()}~{claim.id}"
    return str(claim.id)


def beyond(sort: str, cursor: str, backwards: bool = False):
    """The keyset condition for rows after the cursor in the list's order (before it when
    `backwards`). ValueError for a cursor this list never made."""
    if sort == "due":
        due_text, id_text = cursor.rsplit("~", 1)
        values = [datetime.fromisoformat(due_text), db_id(id_text)]
    else:
        values = [db_id(cursor)]
    keys = sort_keys(sort)
    alternatives = []
    for i, ((key, direction), value) in enumerate(zip(keys, values)):
        later = key > value if (direction > 0) != backwards else key < value
        alternatives.append(and_(*[k == v for (k, _), v in zip(keys[:i], values[:i])], later))
    return or_(*alternatives)


def words(text: str) -> list[str]:
    """The words of a search, each to be found somewhere (in any order, any field)."""
    return list(dict.fromkeys(text.lower().split()))[:WORDS_MAX]


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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
    outlet: str = ""
    claimant: str = ""
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
            q=_text(args, "q"),
            outlet=_text(args, "outlet"),
            claimant=_text(args, "claimant"),
            sort=args.get("sort") if args.get("sort") in SORTS else "newest",
            approved_from=args.get("approved_from", "").strip(),
            approved_to=args.get("approved_to", "").strip(),
        )

    def args(self, **changes) -> dict:
        values = {
            "status": self.status, "assignee": self.assignee, "rating": self.rating, "article": self.article,
            "overdue": "1" if self.overdue else "", "q": self.q,
            "outlet": self.outlet, "claimant": self.claimant, "sort": "" if self.sort == "newest" else self.sort,
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
        for word in words(self.q):  # every word somewhere in the claim, its quote or its claimant
            pattern = _like(word)
            query = query.where(
                or_(
                    func.lower(Claim.wording).like(pattern, escape="\\"),
                    func.lower(Claim.quote).like(pattern, escape="\\"),
                    func.lower(Claim.claimant).like(pattern, escape="\\"),
                )
            )
        if self.claimant:
            query = query.where(func.lower(Claim.claimant).like(_like(self.claimant.lower()), escape="\\"))
        if self.outlet:  # a subquery, so the list (which joins no article) and the export read alike
            outlets = select(Article.id).where(func.lower(Article.outlet).like(_like(self.outlet.lower()), escape="\\"))
            query = query.where(Claim.article_id.in_(outlets))
        return query


def _text(args, name: str) -> str:
    return args.get(name, "").replace("\x00", "").strip()[:200]
