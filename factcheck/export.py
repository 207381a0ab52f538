"""Verdicts leaving the newsroom: the CSV export, written row by row as rows are read, and
schema.org ClaimReview for the public pages and feed."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime
from typing import Callable, Iterator

from flask import current_app, url_for
from sqlalchemy import Select, String, select, type_coerce
from sqlalchemy.orm import aliased

from .extensions import db
from .filters import Filters, order_by
from .models import Article, Claim, Evidence, Rating, User, utcnow

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


def claim_url_maker(url_for) -> Callable[[int], str]:
    """claim id -> absolute claim address, building the address once (url_for per row is slow)."""
    template = url_for("claims.show", claim_id=999999999, _external=True)
    head, tail = template.split("999999999")
    return lambda claim_id: f"{head}{claim_id}{tail}"


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
    """The publisher of the verdicts, as ClaimReview names it."""
    return {"name": current_app.config["NEWSROOM_NAME"], "url": current_app.config["NEWSROOM_URL"]}


def verdict_url(claim_id: int) -> str:
    return url_for("public.verdict", claim_id=claim_id, _external=True)


def claim_review(claim: Claim, page_url: str, scale: list[Rating], newsroom: dict) -> dict:
    """The published verdict as schema.org ClaimReview. A rating on the true–false line (green to
    red) gets a number counting down that line from its top (the truest rating is bestRating),
    retired ratings keeping their place; one off the line (Misleading, Unproven) is given by
    name only, since no number between True and False would say what it means."""
    rating = claim.published_rating
    review_rating = {"@type": "Rating", "alternateName": rating.name if rating else ""}
    line = [r.id for r in scale if r.tone.on_true_false_line]
    if rating is not None and rating.id in line:
        review_rating.update(ratingValue=len(line) - line.index(rating.id), bestRating=len(line), worstRating=1)
    article = claim.article
    item = {
        "@type": "Claim",
        "appearance": {"@type": "CreativeWork", "url": article.url, "headline": article.title},
    }
    if article.published_on:
        item["datePublished"] = article.published_on.isoformat()
    if claim.claimant:
        item["author"] = {"@type": "Person", "name": claim.claimant}
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page_url,
        "claimReviewed": claim.published_wording or claim.wording,
        "author": {"@type": "Organization", "name": newsroom["name"], "url": newsroom["url"]},
        "datePublished": claim.first_published_at.date().isoformat(),
        "reviewRating": review_rating,
        "itemReviewed": item,
    }
    if claim.corrected_at:
        review["dateModified"] = claim.corrected_at.date().isoformat()
    return review
