"""What readers see without signing in: published verdicts and their archive, the policy pages
and the rating scale, the corrections log, and the feeds for publishers' sites, feed readers and
search engines (ClaimReview, Atom, sitemap). Every page answers conditional requests and may be
kept by caches (factcheck.caching): what it shows changes only when a verdict is approved or
corrected, a source is withheld, the scale or a policy page is edited."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import selectinload

from ..caching import conditional, validator
from ..clock import localize, utc_midnight
from ..export import claim_review, newsroom, public_url, published_verdict, verdict_url
from ..extensions import db
from ..filters import db_id
from ..models import Claim, Correction, Evidence, PolicyPage
from ..policies import policy_page, render_markdown
from ..ratings import scale

bp = Blueprint("public", __name__)

FEED_PAGE = 100
ARCHIVE_PAGE = 20
ATOM_ENTRIES = 50
SITEMAP_VERDICTS = 45_000  # a sitemap holds at most 50,000 addresses
SEARCH_WORDS = 8
PUBLISHED = Claim.first_published_at.is_not(None)


# The validators' queries are built once and run on a connection of their own, outside the
# ORM session: on a page already rendered they are all the request does.
LATEST_PUBLICATION = select(func.max(Claim.approved_at)).where(PUBLISHED)
_WITHHELD = select(Evidence).where(Evidence.claim_id == Claim.id, Evidence.withheld.is_(True))
VERDICT_STAMP = select(
    Claim.approved_at, Claim.corrected_at,
    _WITHHELD.with_only_columns(func.count()).scalar_subquery(),
    _WITHHELD.with_only_columns(func.max(Evidence.updated_at)).scalar_subquery(),
).where(Claim.id == bindparam("number"), PUBLISHED)


_compiled: dict = {}


def _stamp(statement, **params) -> tuple:
    """One row of a validator query, run straight on a pooled connection: compiled once per
    database, with no ORM session and no transaction of its own to begin and end (a single
    SELECT reads one consistent snapshot). Times come back as datetimes on both databases."""
    engine = db.engine
    key = (id(statement), engine.dialect.name)
    if key not in _compiled:
        compiled = statement.compile(dialect=engine.dialect)
        _compiled[key] = (str(compiled), compiled.positiontup if compiled.positional else None)
    sql, positions = _compiled[key]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(sql, tuple(params[name] for name in positions) if positions is not None else params)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    return tuple(datetime.fromisoformat(v) if isinstance(v, str) else v for v in row) if row else None


def _latest_publication() -> datetime | None:
    """When a verdict was last approved or corrected: every list of verdicts changes then, and
    only then (a published verdict is never unpublished)."""
    return _stamp(LATEST_PUBLICATION)[0]


def _json_for_script(value) -> Markup:
    """JSON in a script tag: escape <, > and & so no text in it can close the tag."""
    text = json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# -- one verdict ------------------------------------------------------------------------------


def _verdict_stamp(number: int):
    """What the verdict page depends on, in one indexed query: its approval and correction
    times and its withheld sources (withholding one hides it at once). None when unpublished."""
    return _stamp(VERDICT_STAMP, number=number)


def _changed(stamp) -> datetime:
    """The verdict page's last change: its latest approval, or a source withheld since."""
    return max(t for t in (stamp[0], stamp[3]) if t is not None)


def _load_published(number: int) -> Claim:
    return db.session.scalar(
        select(Claim).where(Claim.id == number, PUBLISHED)
        .options(selectinload(Claim.evidence), selectinload(Claim.corrections))
    )


def _claim_number(text: str) -> int | None:
    try:
        return db_id(text)
    except ValueError:
        return None


def _not_found():
    return render_template("public/not_found.html", newsroom=newsroom()), 404


@bp.get("/verdicts/<path:claim_id>")
def verdict(claim_id: str):
    # Any address under /verdicts/ is this public page, so a reader's mistyped link
    # (/verdicts/abc) gets the public "not found", not the staff sign-in page.
    number = _claim_number(claim_id)
    stamp = _verdict_stamp(number) if number is not None else None
    if stamp is None:
        return _not_found()

    def render() -> str:
        claim = _load_published(number)
        published = published_verdict(claim, scale() if not claim.published_snapshot else [])
        page_url = verdict_url(claim.id)
        return render_template(
            "public/verdict.html",
            verdict=published,
            corrections=[c for c in claim.corrections if c.published_at],
            json_ld=_json_for_script(claim_review(published, page_url, newsroom())),
            page_url=page_url,
            embed_url=public_url(url_for("public.embed", claim_id=claim.id)),
            newsroom=newsroom(),
        )

    return conditional(validator(*stamp), render, last_modified=_changed(stamp))


@bp.get("/verdicts/<id:claim_id>/card")
def embed(claim_id: int):
    """The verdict as a small card other sites may put in an iframe (the one page whose
    frame-ancestors allow it; factcheck.security)."""
    stamp = _verdict_stamp(claim_id)
    if stamp is None:
        return _not_found()

    def render() -> str:
        claim = _load_published(claim_id)
        published = published_verdict(claim, scale() if not claim.published_snapshot else [])
        return render_template("public/card.html", verdict=published, page_url=verdict_url(claim.id), newsroom=newsroom())

    return conditional(validator(*stamp), render, last_modified=_changed(stamp))


# -- lists of verdicts ------------------------------------------------------------------------


@bp.get("/corrections")
def corrections():
    latest = _latest_publication()

    def render() -> str:
        rows = db.session.scalars(
            select(Correction)
            .where(Correction.published_at.is_not(None))
            .order_by(Correction.published_at.desc(), Correction.id.desc())
            .options(selectinload(Correction.claim))
            .limit(500)
        ).all()
        return render_template("public/corrections.html", corrections=rows, newsroom=newsroom())

    return conditional(validator(latest), render, last_modified=latest)


@bp.get("/claimreview.json")
def claimreview_feed():
    """All published verdicts as ClaimReview, a page of 100 at a time (keyset by claim id)."""
    after = request.args.get("after", 0, type=db_id)
    latest = _latest_publication()

    def render() -> str:
        claims = db.session.scalars(
            select(Claim).where(PUBLISHED, Claim.id > after).order_by(Claim.id).limit(FEED_PAGE + 1)
            .options(selectinload(Claim.evidence))
        ).all()
        more = len(claims) > FEED_PAGE
        claims = claims[:FEED_PAGE]
        ratings = scale() if any(not c.published_snapshot for c in claims) else []
        publisher = newsroom()
        body = {
            "total": db.session.scalar(select(func.count()).select_from(Claim).where(PUBLISHED)),
            "next": public_url(f"/claimreview.json?after={claims[-1].id}") if more else None,
            "items": [claim_review(published_verdict(c, ratings), verdict_url(c.id), publisher) for c in claims],
        }
        return json.dumps(body, ensure_ascii=False)

    return conditional(validator(latest), render, mimetype="application/json", last_modified=latest)


def _month(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y-%m").date() if text else None
    except ValueError:
        return None


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _cursor(text: str) -> tuple[datetime, int] | None:
    """'<first published, ISO>~<claim id>': where the previous page ended."""
    try:
        stamp, _, number = text.partition("~")
        return datetime.fromisoformat(stamp), db_id(number)
    except ValueError:
        return None


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _summary(claim: Claim) -> dict:
    """What a list shows of a verdict, all from what was approved."""
    snapshot = claim.published_snapshot or {}
    rating = snapshot.get("rating") or (
        {"name": claim.published_rating.name, "tone": claim.published_rating.tone.value} if claim.published_rating else None
    )
    return {
        "id": claim.id,
        "wording": claim.published_wording or claim.wording,
        "rationale": claim.published_rationale or "",
        "rating": rating,
        "claimant": (snapshot.get("claimant") or {}).get("name"),
        "first_published_at": claim.first_published_at,
        "corrected_at": claim.corrected_at,
        "approved_at": claim.approved_at,
    }


@bp.get("/verdicts")
def archive():
    """Every published verdict, newest first: words, a rating and a month narrow it; pages
    follow each other by keyset (first published, id), so the hundredth page costs the first's."""
    words = " ".join(request.args.get("q", "").split())[:200]
    ratings = scale()
    rating_id = request.args.get("rating", "")
    rating = next((r for r in ratings if str(r.id) == rating_id), None)
    month = _month(request.args.get("month", ""))
    cursor = _cursor(request.args.get("after", ""))
    latest = _latest_publication()
    scale_stamp = tuple((r.id, r.name, r.tone, r.position) for r in ratings)

    def render() -> str:
        query = select(Claim).where(PUBLISHED)
        for word in words.split()[:SEARCH_WORDS]:
            pattern = _like(word.lower())
            query = query.where(or_(
                func.lower(func.coalesce(Claim.published_wording, Claim.wording)).like(pattern, escape="\\"),
                func.lower(func.coalesce(Claim.published_rationale, "")).like(pattern, escape="\\"),
            ))
        if rating is not None:
            query = query.where(Claim.published_rating_id == rating.id)
        if month is not None:
            query = query.where(Claim.first_published_at >= utc_midnight(month),
                                Claim.first_published_at < utc_midnight(_next_month(month)))
        if cursor is not None:
            query = query.where(
                or_(Claim.first_published_at < cursor[0], and_(Claim.first_published_at == cursor[0], Claim.id < cursor[1]))
            )
        rows = db.session.scalars(
            query.order_by(Claim.first_published_at.desc(), Claim.id.desc()).limit(ARCHIVE_PAGE + 1)
            .options(selectinload(Claim.published_rating))
        ).all()
        more = len(rows) > ARCHIVE_PAGE
        rows = rows[:ARCHIVE_PAGE]
        args = {k: v for k, v in (("q", words), ("rating", rating.id if rating else ""), ("month", month.strftime("%Y-%m") if month else "")) if v}
        next_url = None
        if more:
            last = rows[-1]
            next_url = url_for("public.archive", **args, after=f"{last.first_published_at.isoformat()}~{last.id}")
        return render_template(
            "public/archive.html",
            verdicts=[_summary(c) for c in rows],
            words=words, rating=rating, month=month, ratings=[r for r in ratings],
            months=_months(), next_url=next_url, first_url=url_for("public.archive", **args) if cursor else None,
            filtered=bool(args), newsroom=newsroom(),
        )

    # ETag only: a renamed rating changes the filter, and no time stands for that.
    return conditional(validator(latest, scale_stamp), render)


def _months() -> list[date]:
    """The months that have published verdicts' (first to last, newest first), for the filter."""
    first, last = db.session.execute(select(func.min(Claim.first_published_at), func.max(Claim.first_published_at))).one()
    if first is None:
        return []
    month, end, months = localize(last).date().replace(day=1), localize(first).date().replace(day=1), []
    while month >= end and len(months) < 240:
        months.append(month)
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return months


@bp.get("/verdicts.atom")
def atom():
    """New and corrected verdicts, latest approval first, for feed readers."""
    latest = _latest_publication()

    def render() -> str:
        rows = db.session.scalars(
            select(Claim).where(PUBLISHED).order_by(Claim.approved_at.desc(), Claim.id.desc()).limit(ATOM_ENTRIES)
            .options(selectinload(Claim.published_rating))
        ).all()
        return render_template(
            "public/feed.xml", entries=[_summary(c) for c in rows], updated=latest, newsroom=newsroom(),
            feed_url=public_url("/verdicts.atom"), archive_url=public_url("/verdicts"), verdict_url=verdict_url,
        )

    return conditional(validator(latest), render, mimetype="application/atom+xml", last_modified=latest)


@bp.get("/sitemap.xml")
def sitemap():
    latest = _latest_publication()
    policies = tuple(db.session.execute(select(PolicyPage.slug, PolicyPage.updated_at)).all())

    def render() -> str:
        rows = db.session.execute(
            select(Claim.id, Claim.approved_at).where(PUBLISHED)
            .order_by(Claim.first_published_at.desc(), Claim.id.desc()).limit(SITEMAP_VERDICTS)
        ).all()
        pages = [(public_url("/verdicts"), latest), (public_url("/ratings"), None), (public_url("/corrections"), latest)]
        updated = dict(policies)
        pages += [(public_url(f"/{slug}"), updated.get(slug)) for slug in PolicyPage.PAGES]
        pages += [(verdict_url(number), approved_at) for number, approved_at in rows]
        return render_template("public/sitemap.xml", pages=pages)

    return conditional(validator(latest, policies), render, mimetype="application/xml", last_modified=latest)


# -- the desk's own pages ---------------------------------------------------------------------


@bp.get("/<any(about, methodology, 'corrections-policy', contact):slug>")
def policy(slug: str):
    page = policy_page(slug, newsroom()["name"])
    return conditional(
        validator(page.version, page.updated_at),
        lambda: render_template("public/policy.html", page=page, body=Markup(render_markdown(page.body)), newsroom=newsroom()),
        last_modified=page.updated_at if page.id else None,
    )


@bp.get("/ratings")
def ratings():
    ratings = scale()
    stamp = tuple((r.id, r.name, r.description, r.tone, r.retired, r.position) for r in ratings)
    return conditional(
        validator(stamp),
        lambda: render_template("public/ratings.html", ratings=ratings, newsroom=newsroom()),
    )
