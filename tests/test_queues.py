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


# -- paper cuts a new user hit (issue 15) -----------------------------------------------------------

INJURED = "Two people were injured in Shebekino on Tuesday, the governor said. The road was closed.\n\nCouncil spent 5 million."


def test_search_matches_every_word_in_any_order_across_claim_quote_and_claimant(app, users, client_as):
    article = factories.make_article(app, users["editor"], body=INJURED)
    hit = factories.make_claim(app, article, users["editor"], quote="Two people were injured in Shebekino on Tuesday",
                               wording="Two people were injured in Shebekino", claimant="Regional governor")
    miss = factories.make_claim(app, article, users["editor"], quote="The road was closed.", wording="The road was closed")
    client = client_as("viewer")
    for words in ("shebekino injured", "INJURED   shebekino", "governor shebekino", "tuesday governor two"):
        page = client.get(f"/claims?q={words}").get_data(as_text=True)
        assert order_of(page, {hit, miss}) == [hit], words
    page = client.get("/claims?q=shebekino+closed").get_data(as_text=True)
    assert order_of(page, {hit, miss}) == [] and "No claims match" in page
    assert 'placeholder="All of them, in the claim, quote or claimant"' in page


def test_due_soonest_lists_open_claims_by_due_date_and_the_rest_after(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    approved = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"], article=article)
    later = factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"], article=article,
                               quote="Critics said property taxes would rise again.")
    sooner = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"], article=article,
                                quote="approved a budget of 412 million dollars")
    unassigned = factories.make_claim(app, article, users["editor"], quote="The mayor said it was the largest")
    set_due(app, approved, utcnow() - timedelta(days=30))  # an old due date that no longer counts
    set_due(app, later, utcnow() + timedelta(days=3))
    set_due(app, sooner, utcnow() + timedelta(days=1))
    ids = {approved, later, sooner, unassigned}
    page = client_as("editor").get("/claims?sort=due").get_data(as_text=True)
    assert order_of(page, ids) == [sooner, later, approved, unassigned]
    # The export in the same order, as the list's button sends it.
    csv_text = client_as("editor").get("/claims/export.csv?status=any&sort=due").get_data(as_text=True)
    assert [int(line.split(",")[0]) for line in csv_text.splitlines()[1:]] == [sooner, later, approved, unassigned]


@pytest.mark.parametrize("sort", ["newest", "oldest", "due"])
def test_pager_goes_back_a_page_as_well_as_forward(app, users, client_as, sort):
    grow(app, users, articles=9, claims_per_article=14)  # 126 claims
    client = client_as("editor")

    def link(page, rel):
        found = re.search(rf'href="([^"]+)" rel="{rel}"', page)
        return html.unescape(found.group(1)) if found else None

    pages = [client.get(f"/claims?sort={sort}").get_data(as_text=True)]
    assert link(pages[0], "prev") is None and "First page" not in pages[0]
    while link(pages[-1], "next"):
        pages.append(client.get(link(pages[-1], "next")).get_data(as_text=True))
    assert len(pages) == 3 and "101–126 of 126" in pages[2]
    ids = [order_of(p, set(range(1, 500))) for p in pages]
    back = client.get(link(pages[2], "prev")).get_data(as_text=True)
    assert order_of(back, set(range(1, 500))) == ids[1] and "51–100 of 126" in back
    start = client.get(link(back, "prev")).get_data(as_text=True)
    assert order_of(start, set(range(1, 500))) == ids[0] and "1–50 of 126" in start
    assert link(start, "prev") is None and link(start, "next")
    assert client.get(f"/claims?sort={sort}&before=garbage~x").status_code == 400


def test_filter_by_outlet_and_claimant_and_export_the_same(app, users, client_as):
    courier = factories.make_article(app, users["editor"], outlet="The Test Courier")
    gazette = factories.make_article(app, users["editor"], outlet="Hill Gazette", title="Gazette budget")
    mayor = factories.make_claim(app, courier, users["editor"], quote="Bus spending rises by 18 percent.", claimant="Mayor Jane Doe")
    critic = factories.make_claim(app, courier, users["editor"], quote="Critics said property taxes would rise again.", claimant="Critics")
    gazette_mayor = factories.make_claim(app, gazette, users["editor"], quote="Bus spending rises by 18 percent.", claimant="Mayor Jane Doe")
    ids = {mayor, critic, gazette_mayor}
    client = client_as("editor")
    page = client.get("/claims?outlet=courier&claimant=mayor").get_data(as_text=True)
    assert order_of(page, ids) == [mayor]
    assert order_of(client.get("/claims?outlet=gazette").get_data(as_text=True), ids) == [gazette_mayor]
    assert order_of(client.get("/claims?claimant=jane+doe").get_data(as_text=True), ids) == [gazette_mayor, mayor]
    assert 'name="outlet" value="courier"' in page and 'name="claimant" value="mayor"' in page
    # The export button carries the same filters, and the export applies them.
    assert '<input type="hidden" name="outlet" value="courier">' in page
    assert '<input type="hidden" name="claimant" value="mayor">' in page
    rows = client.get("/claims/export.csv?status=any&outlet=courier&claimant=mayor").get_data(as_text=True).splitlines()[1:]
    assert [int(r.split(",")[0]) for r in rows] == [mayor]


def test_a_person_saves_a_filter_as_a_named_view_in_their_menu(app, users, client_as):
    grow(app, users, articles=1, claims_per_article=7)
    editor, viewer = client_as("editor"), client_as("viewer")
    response = editor.post("/claims/views", data={"name": "  Overdue  at the Courier ", "query": "outlet=Courier&overdue=1&page=9&bogus=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/claims?overdue=1&outlet=Courier"
    menu = editor.get("/dashboard").get_data(as_text=True)
    assert 'href="/claims?overdue=1&amp;outlet=Courier">Overdue at the Courier</a>' in menu
    assert "Overdue at the Courier" not in viewer.get("/dashboard").get_data(as_text=True)  # one person's menu
    # Saving the same name again updates it; an empty name is refused with a message.
    editor.post("/claims/views", data={"name": "Overdue at the Courier", "query": "outlet=Courier"})
    assert 'href="/claims?outlet=Courier">Overdue at the Courier</a>' in editor.get("/dashboard").get_data(as_text=True)
    refused = editor.post("/claims/views", data={"name": " ", "query": "status=open"}, follow_redirects=True)
    assert "Name the view." in refused.get_data(as_text=True)
    from factcheck.models import SavedView
    from sqlalchemy import select
    (view,) = factories.scalars(app, select(SavedView))
    assert viewer.post(f"/claims/views/{view.id}/delete").status_code == 403  # not theirs
    assert editor.post(f"/claims/views/{view.id}/delete", csrf=False).status_code == 400
    assert editor.post(f"/claims/views/{view.id}/delete").status_code == 302
    assert ">Overdue at the Courier</a>" not in editor.get("/dashboard").get_data(as_text=True)
    assert factories.scalars(app, select(SavedView)) == []


def test_reviewer_choices_are_ordered_by_name_and_show_the_email(app, users, client_as):
    zed = factories.make_user(app, "reviewer", email="zed@desk.example.org")
    amy = factories.make_user(app, "reviewer", email="amy@desk.example.org")
    with app.app_context():
        from factcheck.models import User
        db.session.get(User, zed).name = "Alex Reviewer"
        db.session.get(User, amy).name = "Alex Reviewer"
        db.session.commit()
    claim = factories.make_claim(app, factories.make_article(app, users["editor"]), users["editor"], quote="Bus spending rises by 18 percent.")
    page = client_as("editor").get(f"/claims/{claim}").get_data(as_text=True)
    options = re.findall(r'<option value="\d+">([^<]+)</option>', page.split('id="assign-assignee"')[1].split("</select>")[0])[1:]
    assert options[:2] == ["Alex Reviewer (amy@desk.example.org)", "Alex Reviewer (zed@desk.example.org)"]
    assert options == sorted(options, key=lambda o: (o.split(" (")[0], o))
    listing = client_as("editor").get("/claims").get_data(as_text=True)
    assert "Alex Reviewer (amy@desk.example.org)</option>" in listing


@pytest.mark.parametrize("form, anchor", [("assign", "assign"), ("evidence", "evidence"), ("verdict", "verdict"),
                                          ("comments", "timeline-end"), ("drop", "more"), ("start", None)])
def test_reloading_a_forms_error_page_shows_the_claim_page(app, users, client_as, form, anchor):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    client = client_as("reviewer")
    refused = client.post(f"/claims/{claim}/{form}", data={"version": "1"})
    assert refused.status_code in (302, 403, 409, 422)  # whatever the POST answered, a GET of the address...
    reloaded = client.get(f"/claims/{claim}/{form}")
    assert reloaded.status_code == 303  # ...is the claim page, at that form, not 405
    assert reloaded.headers["Location"] == f"/claims/{claim}" + (f"#{anchor}" if anchor else "")
    assert client.get(f"/claims/{claim}/{form}", follow_redirects=True).status_code == 200
    assert client.get(f"/claims/99999/{form}", follow_redirects=True).status_code == 404


def test_the_claims_list_title_is_plain_text(client_as):
    page = client_as("editor").get("/claims").get_data(as_text=True)
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Claims" in title
