"""The whole checking loop in a real browser: assign, research, submit, return, resubmit, approve."""

from datetime import date, timedelta

import pytest

from factcheck.models import User

from . import factories
from .test_browser import browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def sign_in(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_claim_goes_from_assignment_to_approved_verdict(app, users, browser, live_server, tmp_path):  # noqa: F811
    editor = factories.get(app, User, users["editor"])
    reviewer = factories.get(app, User, users["reviewer"])
    article = factories.make_article(app, users["editor"])
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The editor assigns it from the claim page.
    sign_in(page, live_server, editor.email)
    page.goto(f"{live_server}/claims/{claim}")
    page.select_option("#assign-assignee", str(reviewer.id))
    page.fill("#assign-due_date", (date.today() + timedelta(days=3)).isoformat())
    page.click("text=Assign >> nth=-1")
    assert "Assigned to" in page.inner_text(".flashes")

    # The reviewer finds it in My queue, researches, submits.
    sign_in(page, live_server, reviewer.email)
    assert page.url.endswith("/queue")
    page.click(f"a[href='/claims/{claim}']")
    page.click("text=Start research")
    page.fill("#url", "https://stats.example.org/transport-2026")
    page.fill("#source", "Statistics office, transport table")
    page.check("input[name=stance][value=contradicts]")
    page.click("button:has-text('Add evidence')")
    assert "Evidence added." in page.inner_text(".flashes")
    page.select_option("#verdict-rating", label="Mostly false")
    page.fill("#verdict-rationale", "The table shows a 12 percent rise, not 18.")
    page.click("text=Submit for review")
    assert "submitted for review" in page.inner_text(".flashes")
    page.screenshot(path=str(tmp_path / "claim-in-review.png"), full_page=True)

    # The editor returns it with a note.
    sign_in(page, live_server, editor.email)
    page.goto(f"{live_server}/review")
    page.click(f"a[href^='/claims/{claim}']")
    page.fill("#return-note", "Please cite the 2025 table as well.")
    page.click("text=Return with note")
    assert "Returned to the reviewer" in page.inner_text(".flashes")

    # The reviewer sees the note in the queue, fixes and resubmits.
    sign_in(page, live_server, reviewer.email)
    assert "Please cite the 2025 table as well." in page.inner_text("main")
    page.screenshot(path=str(tmp_path / "my-queue.png"), full_page=True)
    page.click(f"a[href='/claims/{claim}']")
    page.click("text=Resume research")
    page.click("summary:has-text('Add evidence')")
    page.fill("#url", "https://stats.example.org/transport-2025")
    page.fill("#source", "Statistics office, 2025 table")
    page.check("input[name=stance][value=context]")
    page.click("button:has-text('Add evidence')")
    page.click("text=Submit for review")

    # The editor approves; the article and the dashboard show it.
    sign_in(page, live_server, editor.email)
    page.goto(f"{live_server}/claims/{claim}")
    page.click("text=Approve verdict")
    assert "Verdict approved." in page.inner_text(".flashes")
    page.screenshot(path=str(tmp_path / "claim-approved.png"), full_page=True)
    page.goto(f"{live_server}/articles/{article}")
    assert page.get_attribute(f"#article-body a[href='/claims/{claim}']", "class").count("hl-approved") == 1
    page.goto(f"{live_server}/dashboard")
    assert page.inner_text(".accent-approved .stat-value") == "1"
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    for name in ("claim-in-review", "my-queue", "claim-approved", "dashboard"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    assert not errors, errors


def test_bulk_bar_shows_only_the_fields_of_the_chosen_action_and_drops(app, users, browser, live_server):  # noqa: F811
    editor = factories.get(app, User, users["editor"])
    article = factories.make_article(app, users["editor"])
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    factories.make_claim(app, article, users["editor"], quote="Critics said property taxes would rise again.")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    sign_in(page, live_server, editor.email)
    page.goto(f"{live_server}/claims")
    bar = page.locator(".bulk-bar")
    assert bar.locator("select[name=assignee]").is_visible() and not bar.locator("select[name=reason]").is_visible()
    bar.locator("select[name=action]").select_option("drop")
    assert bar.locator("select[name=reason]").is_visible() and not bar.locator("select[name=assignee]").is_visible()
    bar.locator("select[name=reason]").select_option("out_of_scope")
    page.check(".tick-all")  # every claim on the page, then all but this one unticked again
    assert page.locator("input[name=claim]:checked").count() == page.locator("input[name=claim]").count() == 2
    page.uncheck(".tick-all")
    assert page.locator("input[name=claim]:checked").count() == 0
    for tick in page.locator("input[name=claim]").all():  # ticking every row by hand ticks the header too
        tick.check()
    assert page.is_checked(".tick-all")
    page.uncheck(f"input[name=claim][value='{claim}']")
    assert not page.is_checked(".tick-all")
    for tick in page.locator("input[name=claim]").all():
        tick.uncheck()
    page.check(f"input[name=claim][value='{claim}']")
    bar.locator("button[type=submit]").click()
    assert "1 claim dropped." in page.inner_text(".flashes")
    page.goto(f"{live_server}/claims/{claim}")
    assert "Out of scope" in page.inner_text("main")

    # The article page's rail does the same.
    page.goto(f"{live_server}/articles/{article}?picked=")
    page.click(".bulk-rail summary")
    rail = page.locator(".bulk-rail")
    assert rail.locator("select[name=due_date], input[name=due_date]").first.is_visible()
    assert not rail.locator("select[name=reason]").is_visible()
