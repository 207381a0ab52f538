"""The public side readers, search engines and assessors see: policy pages, the rating scale,
the archive and its feeds, conditional answers, ClaimReview against Google's documented fields,
and reader tips from the form to the editors' inbox."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from factcheck.caching import store
from factcheck.extensions import db
from factcheck.models import Claim, Evidence, EvidenceStance, LoginThrottle, Tip, TipStatus

from . import factories

PUBLIC_PAGES = ["/about", "/methodology", "/corrections-policy", "/contact", "/ratings", "/verdicts", "/corrections", "/tips/new"]


@pytest.fixture(autouse=True)
def fresh_store():
    store.clear()  # rendered pages are per process; each test starts with none
    yield
    store.clear()


@pytest.fixture
def demo(app):
    from factcheck.demo import seed_demo

    with app.app_context():
        seed_demo()
        db.session.commit()
        ids = db.session.scalars(db.select(Claim.id).where(Claim.first_published_at.is_not(None)).order_by(Claim.id)).all()
    return ids


# -- Google's ClaimReview fields ----------------------------------------------------------------
# From Google Search Central, "Fact check (ClaimReview) structured data": required ClaimReview
# claimReviewed, reviewRating (with alternateName), url; recommended author (an Organization),
# datePublished, itemReviewed (a Claim: appearance, author, datePublished, firstAppearance), and
# on the Rating bestRating, name, ratingValue, worstRating. url must be on the page's own site.


def google_claim_review_problems(review: dict, page_url: str) -> list[str]:
    problems = []
    if review.get("@context") != "https://schema.org" or review.get("@type") != "ClaimReview":
        problems.append("not a schema.org ClaimReview")
    for field in ("claimReviewed", "reviewRating", "url"):
        if not review.get(field):
            problems.append(f"required {field} missing")
    if review.get("url") != page_url:
        problems.append("url is not the page's own address")
    rating = review.get("reviewRating") or {}
    if rating.get("@type") != "Rating" or not rating.get("alternateName"):
        problems.append("reviewRating needs a Rating with alternateName")
    if rating.get("name") != rating.get("alternateName"):
        problems.append("recommended Rating.name missing")
    if "ratingValue" in rating:
        if not all(isinstance(rating.get(k), int) for k in ("ratingValue", "bestRating", "worstRating")):
            problems.append("a numbered rating needs ratingValue, bestRating and worstRating")
        elif not rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]:
            problems.append("ratingValue outside its scale")
    author = review.get("author") or {}
    if author.get("@type") != "Organization" or not author.get("name") or not author.get("url", "").startswith("https://"):
        problems.append("recommended author (Organization with name and url) missing")
    for policy in ("correctionsPolicy", "verificationFactCheckingPolicy", "ethicsPolicy"):
        if not str(author.get(policy, "")).startswith("https://"):
            problems.append(f"Organization.{policy} missing")
    if not (author.get("logo") or {}).get("url"):
        problems.append("Organization.logo missing")
    for field in ("datePublished", "dateModified"):
        try:
            date.fromisoformat(review.get(field, ""))
        except ValueError:
            problems.append(f"{field} is not a date")
    item = review.get("itemReviewed") or {}
    if item.get("@type") != "Claim":
        problems.append("recommended itemReviewed (a Claim) missing")
    for field in ("appearance", "firstAppearance"):
        if not str((item.get(field) or {}).get("url", "")).startswith("http"):
            problems.append(f"recommended Claim.{field} missing")
    if "author" in item and not item["author"].get("name"):
        problems.append("Claim.author has no name")
    if "datePublished" in item:
        date.fromisoformat(item["datePublished"])
    return problems


def json_ld_blocks(page: str) -> list[dict]:
    return [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


def test_every_demo_verdict_passes_googles_claimreview_fields(app, demo):
    client = app.test_client()
    assert len(demo) >= 3
    for claim_id in demo:
        page = client.get(f"/verdicts/{claim_id}").get_data(as_text=True)
        [review] = json_ld_blocks(page)  # one ClaimReview per verdict page
        assert google_claim_review_problems(review, f"https://desk.example.org/verdicts/{claim_id}") == [], claim_id
        author = review["author"]
        assert author["correctionsPolicy"] == "https://desk.example.org/corrections-policy"
        assert author["verificationFactCheckingPolicy"] == "https://desk.example.org/methodology"


def test_date_modified_follows_the_correction(app, demo):
    with app.app_context():
        corrected = db.session.scalar(db.select(Claim).where(Claim.corrected_at.is_not(None)))
        first, fixed = corrected.first_published_at.date().isoformat(), corrected.corrected_at.date().isoformat()
        claim_id = corrected.id
    [review] = json_ld_blocks(app.test_client().get(f"/verdicts/{claim_id}").get_data(as_text=True))
    assert review["datePublished"] == first and review["dateModified"] == fixed


# -- nothing internal on public pages -----------------------------------------------------------


def test_public_pages_render_signed_out_with_nothing_internal(app, users, demo):
    with app.app_context():
        claim = db.session.get(Claim, demo[0])
        db.session.add(Evidence(claim=claim, url="https://secret.example.org/memo", source="Inside source", stance=EvidenceStance.CONTEXT,
                                withheld=True, withheld_reason="Protect the source", added_by=claim.assignee))
        claim.return_note = "INTERNAL NOTE do not publish"
        db.session.commit()
        staff = [u.name for u in db.session.scalars(db.select(factories.User))]
    client = app.test_client()
    pages = PUBLIC_PAGES + [f"/verdicts/{i}" for i in demo] + [f"/verdicts/{i}/card" for i in demo] + ["/verdicts.atom", "/sitemap.xml", "/claimreview.json"]
    for path in pages:
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "secret.example.org" not in body and "Inside source" not in body, path
        assert "INTERNAL NOTE" not in body and "Protect the source" not in body, path
        for name in staff:
            assert name not in body, (path, name)
        assert "/claims/" not in body and "/articles/" not in body, path  # no links into the desk


def test_policy_pages_have_defaults_and_footer_links(app):
    client = app.test_client()
    for slug, title in [("about", "About us"), ("methodology", "How we check"), ("corrections-policy", "Corrections policy"), ("contact", "Contact us")]:
        page = client.get(f"/{slug}").get_data(as_text=True)
        assert f"<h1>{title}</h1>" in page
        for link in ("/ratings", "/methodology", "/corrections-policy", "/about", "/contact", "/tips/new", "/verdicts"):
            assert f'href="{link}"' in page


def test_admin_writes_a_policy_page_in_markdown_and_html_stays_text(app, client_as):
    admin = client_as("admin")
    body = "## Funding\n\nPaid by **readers**. <script>alert(1)</script> [bad](javascript:alert(1)) [good](https://example.org)"
    response = admin.post("/admin/pages/about", data={"title": "About the desk", "body": body, "version": "0"})
    assert response.status_code == 302
    page = app.test_client().get("/about").get_data(as_text=True)
    assert "<h1>About the desk</h1>" in page and "<h2>Funding</h2>" in page and "<strong>readers</strong>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page and 'href="javascript' not in page
    assert '<a href="https://example.org" rel="noopener noreferrer">good</a>' in page


def test_a_stale_policy_page_save_is_refused_and_keeps_the_text(app, client_as):
    admin = client_as("admin")
    assert admin.post("/admin/pages/contact", data={"title": "Contact", "body": "First text.", "version": "0"}).status_code == 302
    stale = admin.post("/admin/pages/contact", data={"title": "Contact", "body": "My late text.", "version": "0"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "My late text." in page and "First text." in page
    empty = admin.post("/admin/pages/contact", data={"title": "Contact", "body": "  ", "version": "1"})
    assert empty.status_code == 422 and "Write the page" in empty.get_data(as_text=True)


def test_ratings_page_lists_the_scale_with_descriptions_and_colours(app):
    page = app.test_client().get("/ratings").get_data(as_text=True)
    for name, tone in [("True", "green"), ("Half true", "yellow"), ("False", "red"), ("Misleading", "purple"), ("Unproven", "slate")]:
        assert f'<span class="pill tone-{tone}">{name}</span>' in page
    assert "The evidence available neither proves nor disproves it." in page


# -- the archive --------------------------------------------------------------------------------


def test_archive_searches_filters_and_pages(app, users, demo, monkeypatch):
    from factcheck.views import public

    client = app.test_client()
    everything = client.get("/verdicts").get_data(as_text=True)
    listed = [int(i) for i in re.findall(r'href="/verdicts/(\d+)"', everything)]
    assert sorted(listed) == sorted(demo) and listed == sorted(listed, reverse=True)  # newest first
    with app.app_context():
        claim = db.session.get(Claim, demo[0])
        word = claim.published_wording.split()[-1].strip(".")
        rating_id = claim.published_rating_id
        month = claim.first_published_at.strftime("%Y-%m")
    found = client.get(f"/verdicts?q={word.upper()}").get_data(as_text=True)
    assert f'href="/verdicts/{demo[0]}"' in found
    nothing = client.get("/verdicts?q=zzzunknownword").get_data(as_text=True)
    assert "No fact check matches" in nothing and 'value="zzzunknownword"' in nothing
    rated = client.get(f"/verdicts?rating={rating_id}").get_data(as_text=True)
    assert f'href="/verdicts/{demo[0]}"' in rated
    assert client.get("/verdicts?month=1999-01").get_data(as_text=True).count('class="claim-link"') == 0
    assert f'href="/verdicts/{demo[0]}"' in client.get(f"/verdicts?month={month}").get_data(as_text=True)
    monkeypatch.setattr(public, "ARCHIVE_PAGE", 1)
    seen, url = [], "/verdicts"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [int(i) for i in re.findall(r'class="claim-link" href="/verdicts/(\d+)"', page)]
        more = re.search(r'href="([^"]+)" rel="next"', page)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert seen == listed
    assert client.get("/verdicts?after=garbage&month=nonsense&rating=x").status_code == 200


def test_atom_feed_and_sitemap_parse_as_xml(app, demo):
    client = app.test_client()
    feed = client.get("/verdicts.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == len(demo)
    assert any(e.find("a:title", ns).text.startswith("Corrected: ") for e in entries)
    assert all(e.find("a:id", ns).text.startswith("https://desk.example.org/verdicts/") for e in entries)
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for u in sitemap]
    assert "https://desk.example.org/about" in locs and all(f"https://desk.example.org/verdicts/{i}" in locs for i in demo)


def test_verdict_page_has_open_graph_and_an_embeddable_card(app, demo):
    client = app.test_client()
    page = client.get(f"/verdicts/{demo[0]}")
    html = page.get_data(as_text=True)
    assert '<meta property="og:title" content="Fact check:' in html and '<meta name="twitter:card" content="summary">' in html
    assert f'<meta property="og:url" content="https://desk.example.org/verdicts/{demo[0]}">' in html
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"] and page.headers["X-Frame-Options"] == "DENY"
    card = client.get(f"/verdicts/{demo[0]}/card")
    assert card.status_code == 200 and "frame-ancestors *" in card.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in card.headers
    assert client.get("/verdicts/999999/card").status_code == 404


# -- caching ------------------------------------------------------------------------------------


def test_public_pages_answer_conditional_requests(app, demo):
    client = app.test_client()
    for path in ["/verdicts", f"/verdicts/{demo[0]}", "/claimreview.json", "/verdicts.atom", "/sitemap.xml", "/about", "/ratings", "/corrections"]:
        first = client.get(path)
        assert "stale-while-revalidate" in first.headers["Cache-Control"] and "s-maxage" in first.headers["Cache-Control"], path
        assert "Set-Cookie" not in first.headers and "Cookie" not in first.headers.get("Vary", ""), path
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", path


def test_approval_and_withholding_change_the_validator(app, users, demo, client_as):
    client = app.test_client()
    before = {p: client.get(p).headers["ETag"] for p in ["/verdicts", "/claimreview.json", f"/verdicts/{demo[0]}"]}
    with app.app_context():
        claim = db.session.get(Claim, demo[0])
        db.session.add(Evidence(claim=claim, url="https://late.example.org/x", source="Late", stance=EvidenceStance.CONTEXT,
                                withheld=True, withheld_reason="A source asked", added_by=claim.assignee))
        db.session.commit()
    assert client.get(f"/verdicts/{demo[0]}", headers={"If-None-Match": before[f"/verdicts/{demo[0]}"]}).status_code == 200
    new = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"])
    for path in ["/verdicts", "/claimreview.json"]:
        response = client.get(path, headers={"If-None-Match": before[path]})
        assert response.status_code == 200 and f"/verdicts/{new}" in response.get_data(as_text=True), path


def test_signed_in_staff_get_the_same_public_page(app, demo, client_as):
    response = client_as("editor").get(f"/verdicts/{demo[0]}")
    assert response.status_code == 200 and response.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in response.headers


# -- reader tips --------------------------------------------------------------------------------

GOOD_TIP = {"text": "The minister said crime halved since 2020.", "seen_at": "https://video.example.org/w/9", "contact": "me@example.net", "website": ""}


@pytest.mark.parametrize("change, field, message", [
    ({"text": "   "}, "text", "Tell us what the claim says"),
    ({"text": "x" * 2001}, "text", "Keep it under 2,000 characters."),
    ({"seen_at": "javascript:alert(1)"}, "seen_at", "Only http:// and https:// addresses are accepted."),
    ({"seen_at": "ftp://files.example.org/a"}, "seen_at", "Only http:// and https:// addresses are accepted."),
    ({"contact": "c" * 201}, "contact", "Keep the contact under 200 characters."),
    ({"website": "http://spam.example"}, "website", "This form looked automated"),
])
def test_tip_form_refuses_bad_input_and_keeps_what_was_typed(app, change, field, message):
    data = {**GOOD_TIP, **change}
    response = app.test_client().post("/tips/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    if field != "text":
        assert GOOD_TIP["text"] in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tip)) == 0


def test_tip_form_takes_a_tip_and_limits_one_address(app):
    app.config["TIPS_PER_ADDRESS"] = 2
    client = app.test_client()
    for n in range(2):
        sent = client.post("/tips/new", data={**GOOD_TIP, "text": f"Claim number {n}"}, follow_redirects=True)
        assert sent.status_code == 200 and "your tip reached our fact-checking desk" in sent.get_data(as_text=True)
    refused = client.post("/tips/new", data={**GOOD_TIP, "text": "A third claim today"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "several tips in the last hour" in page and "A third claim today" in page
    with app.app_context():
        tips = db.session.scalars(db.select(Tip)).all()
        assert [t.text for t in tips] == ["Claim number 0", "Claim number 1"]
        assert tips[0].contact == "me@example.net" and tips[0].seen_at == GOOD_TIP["seen_at"]
        # no trace of the sender beyond what they typed: the counter holds a keyed hash only
        keys = db.session.scalars(db.select(LoginThrottle.key)).all()
        assert len(keys) == 1 and "127.0.0.1" not in keys[0]


def test_editor_turns_tips_into_a_claim_an_article_merges_and_dismisses(app, users, client_as):
    editor = client_as("editor")
    first, second, third, fourth = (factories.tip(app, text=t) for t in (
        "Bus fares fell by half this year.", "Bus fares were halved, says the mayor.", "A blog says the river is dry.", "Spam spam."))
    inbox = editor.get("/tips").get_data(as_text=True)
    assert "reader@example.net" in inbox and "Bus fares fell by half this year." in inbox
    made = editor.post(f"/tips/{first}/claim", data={"version": "1"})
    assert made.status_code == 302 and "/claims/" in made.headers["Location"]
    claim_page = editor.get(made.headers["Location"]).get_data(as_text=True)
    assert "Bus fares fell by half this year." in claim_page
    again = editor.post(f"/tips/{first}/claim", data={"version": "2"})
    assert again.status_code == 409 and "already handled" in again.get_data(as_text=True)
    assert editor.post(f"/tips/{second}/merge", data={"version": "1", "into": str(second)}).status_code == 422
    assert editor.post(f"/tips/{second}/merge", data={"version": "1", "into": str(first)}).status_code == 302
    article = editor.post(f"/tips/{third}/article", data={"version": "1"})
    assert article.status_code == 302 and "/articles/" in article.headers["Location"]
    assert editor.post(f"/tips/{fourth}/dismiss", data={"version": "1"}).status_code == 302
    with app.app_context():
        statuses = {t.id: t.status for t in db.session.scalars(db.select(Tip))}
        assert statuses == {first: TipStatus.CLAIM, second: TipStatus.DUPLICATE, third: TipStatus.ARTICLE, fourth: TipStatus.DISMISSED}
    assert "reader@example.net" not in client_as("viewer").get("/tips").get_data(as_text=True)


def test_old_contacts_are_deleted(app, users, client_as):
    from datetime import timedelta

    from factcheck.models import utcnow

    old, recent = factories.tip(app, contact="old@example.net"), factories.tip(app, contact="new@example.net")
    with app.app_context():
        db.session.get(Tip, old).created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-tip-contacts"])
    assert result.exit_code == 0 and "1 contact deleted." in result.output
    with app.app_context():
        assert db.session.get(Tip, old).contact is None and db.session.get(Tip, recent).contact == "new@example.net"
    inbox = client_as("editor").get("/tips?status=all").get_data(as_text=True)
    assert "old@example.net" not in inbox and "Contact deleted" in inbox and "new@example.net" in inbox
