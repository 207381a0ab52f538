"""My queue, the review queue, the claims list and the dashboard, as their users see them."""

import html
import re
from datetime import datetime, timedelta

import pytest

from factcheck.extensions import db
from factcheck.models import Claim, utcnow

from . import factories
from .test_queries import grow


def set_due(app, claim_id, when):
    with app.app_context():
        db.session.get(Claim, claim_id).due_at = when
        db.session.commit()


def order_of(page: str, ids) -> list[int]:
    found = [int(m) for m in re.findall(r'href="/claims/(\d+)', page)]
    return [i for i in found if i in ids]


def test_my_queue_puts_overdue_first_then_by_due_date(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    quotes = ["Bus spending rises by 18 percent.", "Critics said property taxes would rise again.", "approved a budget of 412 million dollars"]
    later, sooner, overdue = [
        factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"], article=article, quote=q) for q in quotes
    ]
    set_due(app, later, utcnow() + timedelta(days=5))
    set_due(app, sooner, utcnow() + timedelta(days=1))
    set_due(app, overdue, utcnow() - timedelta(days=2))
    page = client_as("reviewer").get("/queue").get_data(as_text=True)
    assert order_of(page, {later, sooner, overdue}) == [overdue, sooner, later]
    assert "Overdue" in page
    assert "Nothing to check right now" in client_as("viewer").get("/queue").get_data(as_text=True)


def test_review_queue_lists_submissions_oldest_first(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    first = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"], article=article)
    second = factories.claim_in(
        app, "in_review", editor=users["editor"], reviewer=users["reviewer"], article=article,
        quote="Critics said property taxes would rise again.",
    )
    with app.app_context():
        db.session.get(Claim, second).submitted_at = datetime(2020, 1, 1)
        db.session.commit()
    page = client_as("editor").get("/review").get_data(as_text=True)
    assert order_of(page, {first, second}) == [second, first]


def test_claims_list_filters_and_pages_by_keyset(app, users, client_as):
    grow(app, users, articles=9, claims_per_article=14)  # 126 claims, every status
    client = client_as("editor")
    first = client.get("/claims").get_data(as_text=True)
    assert "1–50 of 126" in first
    next_url = html.unescape(re.search(r'href="(/claims\?after=\d+&amp;first=51)"', first).group(1))
    second = client.get(next_url).get_data(as_text=True)
    assert "51–100 of 126" in second
    first_ids = order_of(first, set(range(1, 500)))
    second_ids = order_of(second, set(range(1, 500)))
    assert not set(first_ids) & set(second_ids) and max(second_ids) < min(first_ids)

    approved = client.get("/claims?status=approved").get_data(as_text=True)
    assert "of 18" in approved and "In review" not in re.sub(r"<option[^>]*>[^<]*</option>", "", approved.split("<tbody>")[1])
    by_text = client.get("/claims?q=claim+3-1").get_data(as_text=True)
    assert "#" in by_text and "Claim 3-1" in by_text and "Claim 4-2" not in by_text
    overdue = client.get("/claims?overdue=1&sort=due").get_data(as_text=True)
    assert 'class="overdue-row"' in overdue


def test_claims_list_says_more_than_past_the_counting_cap(app, users, client_as, monkeypatch):
    grow(app, users, articles=2, claims_per_article=14)  # 28 claims
    monkeypatch.setattr("factcheck.views.queues.COUNT_CAP", 20)
    client = client_as("editor")
    page = client.get("/claims").get_data(as_text=True)
    assert "1–28 of more than 20" in page
    assert "Export every matching claim as CSV" in page
    assert "1–14 of 14" in client.get("/claims?article=1").get_data(as_text=True)


@pytest.mark.parametrize(
    "query, message",
    [
        ("status=published", "There is no status “published”"),
        ("assignee=bob", "not a person"),
        ("rating=x", "There is no rating “x”"),
        ("rating=999", "There is no rating “999”"),
        ("approved_from=2026-02-30", "is not a date"),
        ("approved_from=2026-03-01&approved_to=2026-02-01", "ends before it starts"),
    ],
)
def test_unknown_filters_are_explained_not_ignored(client_as, query, message):
    response = client_as("viewer").get(f"/claims?{query}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_malformed_page_cursor_is_a_clear_400(client_as):
    response = client_as("viewer").get("/claims?after=garbage")
    assert response.status_code == 400 and "not understood" in response.get_data(as_text=True)


def test_dashboard_counts_and_charts(app, users, client_as):
    grow(app, users, articles=2, claims_per_article=7)
    page = client_as("editor").get("/dashboard").get_data(as_text=True)
    text = factories.page_text(page)
    assert "Approved 2" in text and "Unassigned 2" in text
    assert re.search(r"Overdue \d+", text)
    assert "Open claims per reviewer" in page and "<svg" in page
    weeks = re.search(r"<desc>(Week of[^<]*)</desc>", page).group(1).split(". ")
    assert len([w for w in weeks if w.strip()]) == 12 and weeks[11].endswith(": 2")  # this week: 2 approved
    assert 'href="/claims?status=approved"' in page


def test_reviewers_home_is_their_queue(client_as):
    response = client_as("reviewer").get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/queue"


def test_review_queue_shows_the_oldest_and_links_to_the_rest(app, users, client_as, monkeypatch):
    article = factories.make_article(app, users["editor"])
    first = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"], article=article)
    second = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"], article=article,
                                quote="Critics said property taxes would rise again.")
    monkeypatch.setattr("factcheck.views.queues.REVIEW_SHOWN", 1)
    page = client_as("editor").get("/review").get_data(as_text=True)
    assert "2 verdicts waiting" in page and f"#{first} " in page and f"#{second} " not in page
    assert "The oldest 1 are shown." in page and "/claims?status=in_review&amp;sort=oldest" in page
