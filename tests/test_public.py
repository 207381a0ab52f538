"""What readers see without signing in: the published verdict, ClaimReview, corrections."""

import json
import re
from datetime import date

import pytest

from factcheck.extensions import db
from factcheck.models import Claim, ClaimStatus, Evidence, EvidenceStance

from . import factories


@pytest.fixture
def published(app, users):
    claim_id = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"])
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        claim.claimant = "Mayor </script><script>alert(1)</script>"
        db.session.add(Evidence(claim=claim, url="https://secret.example.org/memo", source="Insider", stance=EvidenceStance.CONTEXT,
                                withheld=True, withheld_reason="Protect the source", added_by=claim.assignee))
        db.session.commit()
    return claim_id


def json_ld(page: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    return json.loads(block)


def assert_claim_review(review: dict) -> None:
    """The fields the issue names, with their types, and dates that parse."""
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert isinstance(review["claimReviewed"], str) and review["claimReviewed"]
    assert review["url"].startswith("http") and "/verdicts/" in review["url"]
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    date.fromisoformat(review["datePublished"])
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and isinstance(rating["alternateName"], str) and rating["alternateName"]
    if "ratingValue" in rating:  # ratings off the true-false line have a name only
        assert all(isinstance(rating[k], int) for k in ("ratingValue", "bestRating", "worstRating"))
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["appearance"]["@type"] == "CreativeWork"
    assert item["appearance"]["url"].startswith("http")
    if "datePublished" in item:
        date.fromisoformat(item["datePublished"])
    if "author" in item:
        assert item["author"]["name"]


def test_published_verdict_is_readable_signed_out(app, published):
    response = app.test_client().get(f"/verdicts/{published}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bus spending rises by 18 percent." in page and "The table says 12 percent." in page
    assert "https://stats.example.org/t4" in page
    assert "secret.example.org" not in page and "Insider" not in page  # withheld source stays private
    review = json_ld(page)
    assert_claim_review(review)
    assert review["reviewRating"]["alternateName"] == "False"
    assert review["reviewRating"]["ratingValue"] == 1 and review["reviewRating"]["bestRating"] == 5
    assert "</script><script>" not in page.split('application/ld+json">')[1].split("</script>")[0]
    # The page's one heading is the claim itself.
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page) == ["Bus spending rises by 18 percent."]


@pytest.mark.parametrize("status", ["unassigned", "in_research", "in_review", "dropped"])
def test_unpublished_claims_have_no_public_page(app, users, status):
    claim_id = factories.claim_in(app, status, editor=users["editor"], reviewer=users["reviewer"])
    assert app.test_client().get(f"/verdicts/{claim_id}").status_code == 404


def test_claimreview_feed_pages_every_published_verdict(app, users, published, monkeypatch):
    from factcheck.views import public

    monkeypatch.setattr(public, "FEED_PAGE", 1)
    second = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"],
                                quote="Critics said property taxes would rise again.")
    client = app.test_client()
    first_page = client.get("/claimreview.json").get_json()
    assert first_page["total"] == 2 and len(first_page["items"]) == 1
    next_page = client.get(first_page["next"].replace("https://desk.example.org", "")).get_json()
    assert next_page["next"] is None
    urls = [r["url"] for r in first_page["items"] + next_page["items"]]
    assert urls == [f"https://desk.example.org/verdicts/{published}", f"https://desk.example.org/verdicts/{second}"]
    for review in first_page["items"] + next_page["items"]:
        assert_claim_review(review)


def test_export_claimreview_command(app, published, tmp_path):
    target = tmp_path / "reviews.json"
    result = app.test_cli_runner().invoke(args=["export-claimreview", "--output", str(target)])
    assert result.exit_code == 0, result.output
    [review] = json.loads(target.read_text(encoding="utf-8"))
    assert_claim_review(review)


def test_correction_flow_end_to_end(app, users, client_as, published):
    editor, reviewer, reader = client_as("editor"), client_as("reviewer"), app.test_client()
    version = lambda: factories.get(app, Claim, published).version  # noqa: E731
    refused = editor.post(f"/claims/{published}/correct", data={"note": "  ", "version": version()})
    assert refused.status_code == 422 and "Say what changed and why" in refused.get_data(as_text=True)
    assert editor.post(f"/claims/{published}/correct", data={"note": "Check the 2025 table, Rosa.", "version": version()}).status_code == 302
    assert factories.get(app, Claim, published).status == ClaimStatus.IN_RESEARCH
    during = reader.get(f"/verdicts/{published}").get_data(as_text=True)
    assert "The table says 12 percent." in during and "Correction," not in during  # old verdict still up
    assert "Check the 2025 table, Rosa." in reviewer.get("/queue").get_data(as_text=True)
    reviewer.post(f"/claims/{published}/verdict", data={
        "rating": factories.rating_id(app, "Mostly false"), "rationale": "The revised table says 15 percent.",
        "submit_verdict": "1", "version": version(),
    })
    claim_page = editor.get(f"/claims/{published}").get_data(as_text=True)
    assert "Correction notice for readers" in claim_page and "Check the 2025 table, Rosa.</textarea>" not in claim_page
    refused = editor.post(f"/claims/{published}/approve", data={"version": version()})  # no notice written
    assert refused.status_code == 422 and "Write the correction notice readers will see" in refused.get_data(as_text=True)
    assert editor.post(f"/claims/{published}/approve", data={"version": version(), "note": "The 2025 table was revised."}).status_code == 302
    after = reader.get(f"/verdicts/{published}").get_data(as_text=True)
    assert "Check the 2025 table, Rosa." not in after  # the internal note stays internal
    assert "Correction," in after and "The 2025 table was revised." in after and "Earlier rating: False" in after
    assert json_ld(after)["reviewRating"]["alternateName"] == "Mostly false" and "dateModified" in json_ld(after)
    log = reader.get("/corrections").get_data(as_text=True)
    assert "The 2025 table was revised." in log and "Rating changed from False to Mostly false" in log
    assert "Check the 2025 table, Rosa." not in log
    history = client_as("viewer").get(f"/claims/{published}").get_data(as_text=True)
    assert "<del>False</del>" in history  # the earlier rating stays in the history
    row = client_as("editor").get("/claims/export.csv").get_data(as_text=True).splitlines()[1]
    assert re.search(r",\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,http", row)  # approved_at, corrected_at


def test_nothing_but_the_public_pages_without_signing_in(app, published):
    client = app.test_client()
    assert client.get("/corrections").status_code == 200
    assert client.get("/claimreview.json").status_code == 200
    assert client.get(f"/claims/{published}").status_code == 302
    assert client.get("/claims/export.csv").status_code == 302


def test_readers_see_only_what_was_approved_during_a_correction(app, users, client_as, published):
    editor, reviewer, reader = client_as("editor"), client_as("reviewer"), app.test_client()
    version = lambda: factories.get(app, Claim, published).version  # noqa: E731
    editor.post(f"/claims/{published}/correct", data={"note": "Checking a revised table.", "version": version()})
    saved = factories.get(app, Claim, published)
    assert saved.due_at is None  # not overdue the moment it reopens
    editor.post(f"/claims/{published}/edit", data={"wording": "UNAPPROVED WORDING", "version": version()})
    reviewer.post(f"/claims/{published}/evidence", data={"url": "https://new.example.org/unapproved", "source": "New", "stance": "contradicts"})
    page = reader.get(f"/verdicts/{published}").get_data(as_text=True)
    assert "UNAPPROVED WORDING" not in page and "new.example.org" not in page
    assert "UNAPPROVED WORDING" not in reader.get("/claimreview.json").get_data(as_text=True)
    drop = editor.post(f"/claims/{published}/drop", data={"reason": "duplicate", "version": version()})
    assert drop.status_code == 409  # a published verdict is corrected, never dropped
    assert reader.get(f"/verdicts/{published}").status_code == 200


@pytest.mark.parametrize("address", ["/verdicts/424242", "/verdicts/abc", "/verdicts/12x", "/verdicts/1/2", "/verdicts/99999999999"])
def test_missing_verdict_page_speaks_to_readers(app, address):
    response = app.test_client().get(address)  # a reader's mistyped link: no staff sign-in page
    assert response.status_code == 404 and "No published fact check here" in response.get_data(as_text=True)


def test_claimreview_numbers_only_ratings_on_the_true_false_line(app, published):
    from factcheck.export import claim_review, published_verdict, snapshot_of
    from factcheck.ratings import scale

    with app.app_context():
        claim = db.session.get(Claim, published)
        ratings = scale()
        given = {}
        for rating in ratings:
            claim.published_snapshot = snapshot_of(claim, rating, ratings)  # as approving with it would
            verdict = published_verdict(claim, ratings)
            given[rating.name] = claim_review(verdict, "https://desk.example.org/v/1", {"name": "D", "url": "https://d.example.org"})["reviewRating"]
        db.session.rollback()
    numbers = {name: r.get("ratingValue") for name, r in given.items()}
    assert numbers == {"True": 5, "Mostly true": 4, "Half true": 3, "Mostly false": 2, "False": 1, "Misleading": None, "Unproven": None}
    assert given["Unproven"] == {"@type": "Rating", "alternateName": "Unproven", "name": "Unproven"}
    assert all(r["bestRating"] == 5 and r["worstRating"] == 1 for r in given.values() if "ratingValue" in r)
