import re

import pytest
from sqlalchemy import select

from factcheck.models import AuditEvent, Claim, ClaimStatus

from . import factories


@pytest.fixture
def article(app, users):
    return factories.make_article(app, users["editor"])


def claims(app):
    return factories.scalars(app, select(Claim).order_by(Claim.id))


def test_claim_from_a_partial_span_keeps_exact_offsets(app, client_as, article):
    body = factories.BODY
    start = body.index("412 million dollars")
    end = start + len("412 million dollars")
    client = client_as("editor")
    form = client.get(f"/articles/{article}/claims/new?start={start}&end={end}").get_data(as_text=True)
    assert "<mark>412 million dollars</mark>" in form
    response = client.post(
        f"/articles/{article}/claims/new",
        data={"start": start, "end": end, "wording": "", "claimant": "  The council "},
    )
    assert response.status_code == 302
    [claim] = claims(app)
    assert (claim.start, claim.end, claim.quote) == (start, end, "412 million dollars")
    assert claim.wording == "412 million dollars"  # defaults to the span
    assert claim.claimant == "The council"
    assert claim.status == ClaimStatus.UNASSIGNED


def test_claim_from_adjacent_sentences_spans_them(app, client_as, article):
    client = client_as("editor")
    form = client.get(f"/articles/{article}/claims/new?sentence=0&sentence=1").get_data(as_text=True)
    end = factories.BODY.index("history.") + len("history.")
    assert re.search(r'<input[^>]*name="start"[^>]*value="0"', form)
    assert re.search(rf'<input[^>]*name="end"[^>]*value="{end}"', form)


def test_claim_from_sentences_that_are_not_adjacent_is_explained(client_as, article):
    client = client_as("editor")
    response = client.get(f"/articles/{article}/claims/new?sentence=0&sentence=2")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tick sentences that follow each other" in page


@pytest.mark.parametrize(
    "start, end, message",
    [
        (0, 0, "The span is empty"),
        (50, 10, "The span is empty"),
        (-5, 10, "The start must be between 0 and"),
        (10, 10_000, "The end must be at most"),
        ("", 10, "Give the start of the span."),
        ("abc", 10, "Not a valid integer value"),
    ],
)
def test_bad_span_is_refused_on_the_form(app, client_as, article, start, end, message):
    response = client_as("editor").post(
        f"/articles/{article}/claims/new", data={"start": start, "end": end, "wording": "My wording"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "My wording" in page
    assert claims(app) == []


def test_same_span_twice_is_refused(app, client_as, article, users):
    existing = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    claim = factories.get(app, Claim, existing)
    response = client_as("editor").post(
        f"/articles/{article}/claims/new", data={"start": claim.start, "end": claim.end, "wording": "Again"}
    )
    assert response.status_code == 422
    assert f"already claim #{existing}" in response.get_data(as_text=True)
    assert len(claims(app)) == 1


def test_claim_page_shows_span_in_context_and_history(app, client_as, article, users):
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.", claimant="Mayor")
    client = client_as("editor")
    client.post(f"/claims/{claim}/edit", data={"wording": "Bus spending rose 18%.", "claimant": "Mayor", "version": "1"})
    page = client_as("viewer").get(f"/claims/{claim}").get_data(as_text=True)
    assert "Bus spending rose 18%." in page
    assert "<mark class=\"hl-unassigned\">Bus spending rises by 18 percent.</mark>" in page
    assert "created" in page and "edited" in page
    assert "<del>Bus spending rises by 18 percent.</del>" in page


def test_stale_claim_edit_is_refused_and_shows_the_other_version(app, client_as, article, users):
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    first, second = client_as("editor"), client_as("admin")
    assert first.post(f"/claims/{claim}/edit", data={"wording": "First wording", "version": "1"}).status_code == 302
    response = second.post(f"/claims/{claim}/edit", data={"wording": "Second wording", "version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "First wording" in page and "Second wording" in page
    assert factories.get(app, Claim, claim).wording == "First wording"


def test_deleting_a_claim_needs_confirmation_and_is_recorded(app, client_as, article, users):
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    client = client_as("editor")
    assert client.post(f"/claims/{claim}/delete", data={"version": "1"}).status_code == 422
    assert factories.get(app, Claim, claim) is not None
    assert client.post(f"/claims/{claim}/delete", data={"confirm": "y", "version": "1"}).status_code == 302
    assert factories.get(app, Claim, claim) is None
    deleted = factories.scalars(app, select(AuditEvent).where(AuditEvent.action == "deleted"))
    assert [(e.entity, e.entity_id, e.actor_id) for e in deleted] == [("claim", claim, users["editor"])]
    assert deleted[0].changes["quote"] == ["Bus spending rises by 18 percent.", None]
    assert f'href="/claims/{claim}"' not in client.get(f"/articles/{article}").get_data(as_text=True)


def test_unknown_claim_is_404(client_as):
    assert client_as("viewer").get("/claims/12345").status_code == 404


def test_article_page_keeps_the_history_of_deleted_claims(app, client_as, article, users):
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    client = client_as("editor")
    client.post(f"/claims/{claim}/delete", data={"confirm": "y", "version": "1"})
    page = client_as("viewer").get(f"/articles/{article}").get_data(as_text=True)
    history = page.split('class="card article-history"')[1]
    words = factories.page_text(history)
    assert f"deleted claim #{claim}" in words
    assert "<del>Bus spending rises by 18 percent.</del>" in history


def test_delete_of_a_claim_changed_meanwhile_is_refused(app, client_as, article, users):
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    client = client_as("editor")
    client.post(f"/claims/{claim}/edit", data={"wording": "Changed meanwhile", "version": "1"})
    response = client.post(f"/claims/{claim}/delete", data={"confirm": "y", "version": "1"})
    assert response.status_code == 302
    assert factories.get(app, Claim, claim).wording == "Changed meanwhile"
    assert "it was not deleted" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_form_without_its_version_cannot_overwrite(app, client_as, article, users):
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    response = client_as("editor").post(f"/claims/{claim}/edit", data={"wording": "No version sent"})
    assert response.status_code == 409
    assert factories.get(app, Claim, claim).wording == "Bus spending rises by 18 percent."


def test_span_is_trimmed_and_must_hold_words(app, client_as, article):
    body = factories.BODY
    client = client_as("editor")
    gap = body.index(".\n\n")
    junk = client.post(f"/articles/{article}/claims/new", data={"start": gap, "end": gap + 3})
    assert junk.status_code == 422 and "The span holds no words" in junk.get_data(as_text=True)
    start = body.index("Bus spending")  # preceded by a paragraph break
    client.post(f"/articles/{article}/claims/new", data={"start": start - 2, "end": start + 13})
    [claim] = claims(app)
    assert (claim.start, claim.end, claim.quote) == (start, start + 12, "Bus spending")


def test_a_bad_span_in_the_link_is_explained_before_submitting(client_as, article):
    page = client_as("editor").get(f"/articles/{article}/claims/new?start=5&end=5").get_data(as_text=True)
    assert "The span is empty" in page
    assert "No text selected yet" in page


def test_picker_keeps_the_ticks_after_a_refusal(client_as, article):
    client = client_as("editor")
    response = client.get(f"/articles/{article}/claims/new?sentence=0&sentence=2")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'value="0"\s+checked', page) and re.search(r'value="2"\s+checked', page)
    assert not re.search(r'value="1"\s+checked', page)
