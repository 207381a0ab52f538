"""Nothing typed is lost: a verdict written while the session ended, or while the form's token
went stale, comes back in the form after signing in or going back."""

import pytest

from factcheck.models import User

from . import factories
from .test_browser import browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

RATIONALE = "The council's own minutes give 412 million dollars, not 500; the mayor misread a draft."


def sign_in(page, live_server, email, next_path):
    page.goto(f"{live_server}/login?next={next_path}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def test_a_rationale_typed_as_the_session_ends_comes_back_after_signing_in(app, users, browser, live_server):  # noqa: F811
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    reviewer = factories.get(app, User, users["reviewer"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    sign_in(page, live_server, reviewer.email, f"/claims/{claim}")
    page.fill("textarea[name=rationale]", RATIONALE)
    page.context.clear_cookies()  # the session ends while the reviewer is typing
    page.click("button[name=submit_verdict]")
    page.wait_for_selector("text=Your session has ended")
    assert "What you typed is kept" in page.inner_text("main")
    page.click("a:has-text('Sign in again')")
    page.wait_for_selector("input[name=password]")
    page.fill("input[name=email]", reviewer.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/claims/{claim}")
    page.wait_for_selector(".draft-note")
    assert page.input_value("textarea[name=rationale]") == RATIONALE
    assert "What you typed before has been put back" in page.inner_text("main")
    # Sent again and saved: the draft is gone, so the next visit shows what the server holds.
    page.click("button:has-text('Save draft')")
    page.wait_for_selector("text=Draft saved.")
    page.goto(f"{live_server}/claims/{claim}")
    assert "What you typed before" not in page.inner_text("main")
    assert page.input_value("textarea[name=rationale]") == RATIONALE  # the saved draft, from the server


def test_a_note_sent_with_a_stale_form_token_comes_back_in_the_form(app, users, browser, live_server):  # noqa: F811
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"])
    reviewer = factories.get(app, User, users["reviewer"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    sign_in(page, live_server, reviewer.email, f"/claims/{claim}")
    page.fill("textarea[name=rationale]", RATIONALE)
    page.eval_on_selector_all("input[name=csrf_token]", "fields => fields.forEach(f => { f.value = 'stale' })")
    page.click("button[name=submit_verdict]")
    page.wait_for_selector("text=This form has expired")
    page.click("a:has-text('Back to the form')")
    page.wait_for_selector(".draft-note")
    assert page.input_value("textarea[name=rationale]") == RATIONALE
