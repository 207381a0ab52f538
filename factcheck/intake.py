"""Articles that arrive as a link: fetch the page (through outgoing.py's guarded client) and take
its text, headline, outlet, author and date out of it (trafilatura). The new-article page, "Fetch
again" and the add-article command all go through fetch_article."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from .clock import today_in_newsroom
from .errors import DomainError
from .links import web_address_problem
from .models import Article
from .outgoing import Fetched, OutgoingRefused, fetch, parse_networks
from .text import check_body

FIELD = "link"  # the form field the messages belong beside
HTML_TYPES = ("text/html", "application/xhtml+xml")
UPLOAD_INSTEAD = "Save the article's text as a .txt, .html or Word .docx file and upload it, or paste the text."
KINDS = {"application/pdf": "a PDF document", "application/msword": "a Word document",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word document",
         "application/json": "JSON data", "application/xml": "XML data", "text/xml": "XML data"}


@dataclass(frozen=True)
class Extracted:
    """What a page gave: its text, and the details found on it (None where none were)."""

    url: str  # where the page was found, after redirects
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published_on: date | None = None


def fetch_article(url: str, config: Mapping) -> Extracted:
    """Fetch `url` and extract its article; DomainError (beside the link field) says why not."""
    url = (url or "").strip()
    problem = web_address_problem(url) if url else "Give the address of the article's page."
    if problem:
        raise DomainError(problem, field=FIELD)
    try:
        allowed = parse_networks(config.get("FETCH_ALLOWED_NETWORKS"))
    except ValueError:
        raise DomainError(
            "Fetching from a link is misconfigured on this server (FETCH_ALLOWED_NETWORKS); paste the "
            "text instead, and tell an administrator.", field=FIELD,
        ) from None
    try:
        page = fetch(
            url,
            allowed=allowed,
            timeout=float(config.get("FETCH_TIMEOUT_SECONDS", 10.0)),
            max_bytes=int(config.get("FETCH_MAX_BYTES", 5 * 1024 * 1024)),
        )
    except OutgoingRefused as refused:
        raise DomainError(refused.message, field=FIELD) from None
    return extract_article(page)


def extract_article(page: Fetched) -> Extracted:
    """The article in a fetched page: an HTML page through trafilatura, plain text as it is."""
    if page.content_type == "text/plain":
        return Extracted(url=page.url, text=_checked(_decoded(page.body, page.charset)), outlet=_host(page.url))
    if page.content_type not in HTML_TYPES:
        raise DomainError(f"This address is {_kind(page.content_type)}, not a web page. {UPLOAD_INSTEAD}", field=FIELD)
    document = _extract(page)
    if document is None or not (document.text or "").strip():
        raise DomainError(
            "No article text was found on this page (it may be empty, or built by JavaScript after "
            "it loads). Paste the text instead.", field=FIELD,
        )
    title = _clean(document.title, Article.TITLE_MAX)
    paragraphs = [line.strip() for line in document.text.split("\n") if line.strip()]
    if len(paragraphs) > 1 and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # the headline is kept apart from the text, as when pasting
    return Extracted(
        url=page.url,
        text=_checked("\n\n".join(paragraphs)),
        title=title,
        outlet=_clean(document.sitename, Article.OUTLET_MAX) or _host(page.url),
        author=_clean(document.author, Article.AUTHOR_MAX),
        published_on=_date(document.date),
    )


def _extract(page: Fetched):
    import trafilatura  # imported when first needed: it brings lxml and date parsing with it

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # "empty HTML tree" is our message to give
    content: str | bytes = page.body
    if page.charset:
        try:
            content = page.body.decode(page.charset, errors="replace")
        except LookupError:  # an unknown charset name: let trafilatura guess from the bytes
            pass
    try:
        return trafilatura.bare_extraction(
            content, url=page.url, with_metadata=True, include_comments=False, include_tables=False,
        )
    except Exception:  # a page that breaks the parser has no text we can use
        return None


def _checked(text: str) -> str:
    if not text.strip():
        raise DomainError("No article text was found at this address. Paste the text instead.", field=FIELD)
    try:
        return check_body(text)
    except DomainError as error:
        raise DomainError(f"The article on this page is too long: {error.message[:1].lower()}{error.message[1:]}",
                          field=FIELD) from None


def _decoded(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _kind(content_type: str) -> str:
    if not content_type:
        return "a file of unknown kind"
    if content_type.startswith("image/"):
        return f"an image ({content_type})"
    if content_type.startswith(("audio/", "video/")):
        return f"a recording ({content_type})"
    return KINDS.get(content_type, f"a file of type {content_type}")


def _clean(value: str | None, limit: int) -> str | None:
    value = " ".join((value or "").split())
    return value[:limit] or None


def _host(url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")[: Article.OUTLET_MAX] or None


def _date(value: str | None) -> date | None:
    """The page's date, unless unreadable or later than today (a time zone ahead, or a typo)."""
    try:
        found = date.fromisoformat((value or "")[:10])
    except ValueError:
        return None
    return found if found <= today_in_newsroom() else None
