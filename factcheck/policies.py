"""The policy pages readers and fact-check assessors look for (about, methodology, corrections
policy, contact): their defaults, an admin's edits (each audited), and Markdown rendered safely."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .audit import record
from .errors import DomainError, StaleEdit
from .extensions import db
from .models import PolicyPage, User, utcnow

# CommonMark with raw HTML off: whatever an admin pastes is shown as text, never run. nh3 then
# keeps only the tags Markdown makes and http(s)/mailto links, as a second lock on the door.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to put on a public page. Headings start at h2: the page's
    title is its one h1."""
    html = _markdown.render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


DEFAULT_PAGES = {
    "about": """We are the fact-checking desk of {name}. We check what public figures, institutions and
widely shared posts say about facts, and publish what we find, with our sources.

## Who we are

Our editors and reviewers work in the newsroom; each published fact check names the desk, not
the individual, and the editor who approved it answers for it.

## How we are funded

The desk is paid for by {name}'s own budget. We take no money from the people and organisations
whose claims we check. Any grant or partnership that pays for our work is listed here with its
amount and the year it began.

## Independence

No funder, advertiser or owner sees a fact check before it is published, and none can change it.
""",
    "methodology": """## How we choose claims

We check statements of fact that matter to the public and can be checked: figures, records,
quotes and events. We do not check opinions or predictions. Readers can send us claims through
the [tip form](/tips/new).

## How we check

1. A reviewer looks for the original source of the claim and the best evidence available:
   official statistics, documents, records and people with direct knowledge.
2. We contact whoever made the claim and give them a chance to show their evidence.
3. The reviewer writes a verdict with a rating from [our scale](/ratings) and links every source
   readers can open.
4. An editor reviews the evidence and the reasoning, and approves the verdict or sends it back.

## Sources

We name our sources and link them. We withhold a source only to protect a person; the fact
check then says so.
""",
    "corrections-policy": """When we get something wrong, we say so, fix it and explain it.

- A reader, a claimant or one of us can point out an error: use the [contact page](/contact).
- An editor decides whether the fact check needs correcting, usually within two working days.
- A corrected fact check carries a dated notice saying what changed and why, and its earlier
  rating when the rating changed. We never change a published rating silently.
- Every correction is listed in our [corrections log](/corrections).
""",
    "contact": """Write to the fact-checking desk at **factcheck@example.org**.

To ask us to check a claim, use the [tip form](/tips/new). To report an error in a fact check,
name the fact check and say what is wrong; our [corrections policy](/corrections-policy) says
what happens next.
""",
}


def default_body(slug: str, newsroom_name: str) -> str:
    return DEFAULT_PAGES[slug].format(name=newsroom_name)


def install_default_pages(newsroom_name: str) -> int:
    """Add the default text of each policy page a newsroom has not written yet."""
    have = set(db.session.scalars(select(PolicyPage.slug)))
    added = 0
    for slug, title in PolicyPage.PAGES.items():
        if slug not in have:
            db.session.add(PolicyPage(slug=slug, title=title, body=default_body(slug, newsroom_name)))
            added += 1
    db.session.flush()
    return added


def policy_page(slug: str, newsroom_name: str) -> PolicyPage:
    """The page as written, or (not stored, version 0) its default text until an admin saves it."""
    page = db.session.scalar(select(PolicyPage).where(PolicyPage.slug == slug))
    if page is None:
        page = PolicyPage(slug=slug, title=PolicyPage.PAGES[slug], body=default_body(slug, newsroom_name), version=0)
    return page


def edit_policy_page(page: PolicyPage, *, by: User, title: str, body: str, expected_version: int | None) -> None:
    """An admin's new text for a policy page; a save over someone else's newer one is refused."""
    if not by.can_manage_users:
        raise DomainError("Only admins may change the policy pages.")
    if expected_version is not None and expected_version != page.version:
        raise StaleEdit(page)
    title = " ".join((title or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    if not title:
        raise DomainError(PolicyPage.TITLE_REQUIRED, field="title")
    if len(title) > PolicyPage.TITLE_MAX:
        raise DomainError(f"A title has at most {PolicyPage.TITLE_MAX} characters.", field="title")
    if not body:
        raise DomainError(PolicyPage.BODY_REQUIRED, field="body")
    if len(body) > PolicyPage.BODY_MAX:
        raise DomainError(f"A page has at most {PolicyPage.BODY_MAX:,} characters.", field="body")
    changes = {}
    if title != page.title:
        changes["title"] = [page.title, title]
    if body != page.body:
        changes["body"] = [f"{len(page.body):,} characters", f"{len(body):,} characters"]
    if not changes and page.id is not None:
        return
    page.title, page.body, page.updated_at, page.updated_by = title, body, utcnow(), by
    if page.id is None:  # the first save of a default page
        page.version = None
        db.session.add(page)
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):  # someone else saved it first
        raise StaleEdit(page) from None
    record(by, "edited", page, changes=changes)
    db.session.flush()
