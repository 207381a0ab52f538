"""Verdicts leaving the newsroom: the CSV export, written row by row as rows are read, and
schema.org ClaimReview for the public pages and feed."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime
from dataclasses import dataclass
from typing import Callable, Iterator

from flask import current_app
from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.orm import aliased

from .extensions import db
from .filters import Filters, order_by
from .models import Article, Claim, Evidence, Rating, User, utcnow
from .ratings import rating_number
from .text import span_context

# A contract with the scripts that read the file: documented columns keep their place and
# meaning; a new column goes at the end.
COLUMNS = [
    "claim_id", "article_title", "article_url", "outlet", "article_published", "claim_text",
    "quoted_span", "claimant", "status", "rating", "rationale", "evidence_urls", "reviewer",
    "approved_by", "approved_at", "corrected_at", "claim_url",
    "due_at", "first_approved_at",
]
BATCH = 1000
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_CHARS = "=+-@\t\r"


def safe_cell(value) -> str:
    """The cell's text, ISO 8601 for times (UTC, marked Z), and a leading ' on anything a
    spreadsheet would otherwise execute."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    text = str(getattr(value, "value", value))
    return "'" + text if text and text[0] in FORMULA_CHARS else text


def _iso_utc(value) -> str:
    """A stored time as ISO 8601 UTC; SQLite hands back its text, PostgreSQL a datetime."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:19].replace(" ", "T") + "Z"
    return value.replace(microsecond=0).isoformat() + "Z"


def _iso_date(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def verdict_query(filters: Filters, sort: str = "oldest") -> Select:
    """One row of plain columns per claim (no ORM objects: the export streams 100,000s), in the
    order of one of the lists' sorts. Times, dates and the status come as the database stores
    them, converted once, below."""
    reviewer, approver = aliased(User), aliased(User)
    query = (
        select(
            Claim.id, Article.title, Article.url, Article.outlet, type_coerce(Article.published_on, String),
            Claim.wording, Claim.quote, Claim.claimant, type_coerce(Claim.status, String), Rating.name,
            Claim.rationale, reviewer.name, type_coerce(Claim.due_at, String), approver.name,
            type_coerce(Claim.approved_at, String),
            type_coerce(Claim.corrected_at, String), type_coerce(Claim.first_published_at, String),
        )
        .join(Article, Claim.article_id == Article.id)
        .outerjoin(Rating, Claim.rating_id == Rating.id)
        .outerjoin(reviewer, Claim.assignee_id == reviewer.id)
        .outerjoin(approver, Claim.approved_by_id == approver.id)
        .order_by(*order_by(sort))
    )
    return filters.apply(query, utcnow())


def verdict_rows(filters: Filters, claim_url: Callable[[int], str], sort: str = "oldest") -> Iterator[list[str]]:
    """The export's rows, read in batches: each batch's evidence comes in one more query, so
    memory stays flat and the query count grows with batches, not with rows."""
    connection = db.session.connection()
    result = connection.execution_options(yield_per=BATCH).execute(verdict_query(filters, sort))
    for batch in result.partitions():
        ids = [row[0] for row in batch]
        urls = defaultdict(list)
        evidence = connection.execute(
            select(Evidence.claim_id, Evidence.url)
            .where(Evidence.claim_id.in_(ids), Evidence.withheld.is_(False))
            .order_by(Evidence.claim_id, Evidence.id)
        )
        for claim_id, url in evidence:
            urls[claim_id].append(url)
        for (claim_id, title, url, outlet, published, wording, quote, claimant, status, rating,
             rationale, reviewer, due_at, approver, approved_at, corrected_at, first_approved_at) in batch:
            yield [
                str(claim_id), safe_cell(title), safe_cell(url), safe_cell(outlet), _iso_date(published),
                safe_cell(wording), safe_cell(quote), safe_cell(claimant), status, safe_cell(rating),
                safe_cell(rationale), safe_cell("\n".join(urls.get(claim_id, ()))), safe_cell(reviewer),
                safe_cell(approver), _iso_utc(approved_at), _iso_utc(corrected_at), claim_url(claim_id),
                _iso_utc(due_at), _iso_utc(first_approved_at),
            ]


def claim_url_maker() -> Callable[[int], str]:
    """claim id -> the claim's page in factcheck, from APP_URL (never the request's Host header,
    which whoever sends the request chooses)."""
    base = current_app.config["APP_URL"].rstrip("/")
    return lambda claim_id: f"{base}/claims/{claim_id}"


def csv_chunks(rows: Iterator[list[str]], bom: bool = False, rows_per_chunk: int = 200) -> Iterator[str]:
    """CSV text in chunks: the header (after a byte-order mark if asked) at once, then rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    yield _drain(buffer)
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % rows_per_chunk == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def export_filename(today: date, status: str = "approved") -> str:
    """factcheck-verdicts-<date>.csv for approved verdicts; otherwise the file says which claims
    it holds (factcheck-claims-open-<date>.csv), so a download of work in progress is not
    mistaken for published verdicts."""
    kind = "verdicts" if status == "approved" else "claims" if status in ("", "any") else f"claims-{status.replace('_', '-')}"
    return f"factcheck-{kind}-{today.isoformat()}.csv"


# -- schema.org ClaimReview ---------------------------------------------------------------------


def newsroom() -> dict:
    """The publisher of the verdicts, as ClaimReview names it: with its logo, its address when
    configured, and the policy pages fact-check assessors and search engines look for."""
    config = current_app.config
    return {
        "name": config["NEWSROOM_NAME"],
        "url": public_url("/"),
        "logo": config.get("NEWSROOM_LOGO_URL") or public_url("/static/favicon.svg"),
        "address": config.get("NEWSROOM_ADDRESS"),
        "policies": {
            "correctionsPolicy": public_url("/corrections-policy"),
            "verificationFactCheckingPolicy": public_url("/methodology"),
            "ethicsPolicy": public_url("/about"),
        },
    }


def publisher(newsroom: dict) -> dict:
    """The newsroom as a schema.org Organization."""
    organization = {"@type": "Organization", "name": newsroom["name"]}
    if newsroom.get("url"):
        organization["url"] = newsroom["url"]
    if newsroom.get("logo"):
        organization["logo"] = {"@type": "ImageObject", "url": newsroom["logo"]}
    if newsroom.get("address"):
        organization["address"] = newsroom["address"]
    organization.update(newsroom.get("policies") or {})
    return organization


def public_url(path: str) -> str:
    """An absolute address on the public side: from NEWSROOM_URL (APP_URL where a development
    setup has none), never from the request's Host header."""
    base = current_app.config.get("NEWSROOM_URL") or current_app.config["APP_URL"]
    return base.rstrip("/") + path


def verdict_url(claim_id: int) -> str:
    return public_url(f"/verdicts/{claim_id}")


def snapshot_of(claim: Claim, rating: Rating | None, scale: list[Rating]) -> dict:
    """Everything readers see of a verdict besides its wording, rationale and sources, as it is
    now: approval stores it, so later edits to ratings or the article change nothing public."""
    article = claim.article
    return {
        "rating": {"name": rating.name, "tone": rating.tone.value, **rating_number(rating, scale)} if rating else None,
        "article": {
            "title": article.title,
            "outlet": article.outlet,
            "url": article.url,
            "published_on": article.published_on.isoformat() if article.published_on else None,
        },
        "claimant": {"name": claim.claimant, "kind": claim.claimant_kind.value},
        "context": list(span_context(article.body, claim.start, claim.end)) if claim.start is not None else ["", claim.quote, ""],
    }


@dataclass(frozen=True)
class PublishedVerdict:
    """A verdict as readers see it: what was approved last, never the work in progress."""

    claim_id: int
    wording: str
    rationale: str | None
    rating: dict | None  # name, tone, value, best, worst (the numbers None off the true–false line)
    article: dict  # title, outlet, url, published_on (a date or None)
    claimant: dict  # name, kind (person or organization)
    context: list[str]  # the quote with its paragraph around it: before, quote, after
    sources: list[dict]
    first_published_at: datetime
    corrected_at: datetime | None


def published_verdict(claim: Claim, scale: list[Rating]) -> PublishedVerdict:
    """What readers see of a published claim. A source withheld after publication is left out
    at once (readers never see a withheld source), though the rest waits for a correction."""
    snapshot = claim.published_snapshot or snapshot_of(claim, claim.published_rating, scale)  # before snapshots
    withheld = [e for e in claim.evidence if e.withheld]
    hidden_ids, hidden_urls = {e.id for e in withheld}, {e.url for e in withheld}
    sources = [
        s for s in claim.published_sources or []
        if s.get("evidence_id") not in hidden_ids and s.get("url") not in hidden_urls
    ]
    article = dict(snapshot["article"])
    article["published_on"] = date.fromisoformat(article["published_on"]) if article.get("published_on") else None
    return PublishedVerdict(
        claim_id=claim.id,
        wording=claim.published_wording or claim.wording,
        rationale=claim.published_rationale,
        rating=snapshot["rating"],
        article=article,
        claimant=snapshot["claimant"],
        context=snapshot["context"],
        sources=sources,
        first_published_at=claim.first_published_at,
        corrected_at=claim.corrected_at,
    )


def claim_review(verdict: PublishedVerdict, page_url: str, newsroom: dict) -> dict:
    """The published verdict as schema.org ClaimReview. A rating on the true–false line carries
    its number (bestRating the truest); one off it is given by name only. Empty values are left
    out rather than published empty, which validators reject."""
    rating = verdict.rating or {}
    review_rating = {"@type": "Rating", "alternateName": rating.get("name", ""), "name": rating.get("name", "")}
    if rating.get("value") is not None:
        review_rating.update(ratingValue=rating["value"], bestRating=rating["best"], worstRating=rating["worst"])
    article = verdict.article
    appearance = {"@type": "CreativeWork"}
    if article.get("url"):
        appearance["url"] = article["url"]
    if article.get("title"):
        appearance["headline"] = article["title"]
    # The article the desk checked is where the claim appeared, and the first place it did.
    item: dict = {"@type": "Claim", "appearance": appearance, "firstAppearance": appearance}
    if article.get("published_on"):
        item["datePublished"] = article["published_on"].isoformat()
    if verdict.claimant.get("name"):
        kind = "Organization" if verdict.claimant.get("kind") == "organization" else "Person"
        item["author"] = {"@type": kind, "name": verdict.claimant["name"]}
    author = publisher(newsroom)
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page_url,
        "claimReviewed": verdict.wording,
        "author": author,
        "datePublished": verdict.first_published_at.date().isoformat(),
        "reviewRating": review_rating,
        "itemReviewed": item,
    }
    # The latest approval: the first publication, or the latest correction readers were told of.
    review["dateModified"] = (verdict.corrected_at or verdict.first_published_at).date().isoformat()
    return review
