"""An article from a link in a real browser: a page that is not there is explained beside the
field (and the page passes axe), then a real one comes in with its headline, ready for claims."""

import os

import pytest
from playwright.sync_api import expect

from . import factories
from .test_browser import browser, live_server  # noqa: F401  (fixtures)
from .test_browser_pages import PHONE, axe_problems, overflow
from .test_intake import PARAGRAPHS, TITLE, local_fetching, site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_editor_brings_in_an_article_from_its_link(app, users, browser, live_server, site, tmp_path):  # noqa: F811
    email = factories.get(app, factories.User, users["editor"]).email
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/articles/new")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=link]")
    assert page.evaluate("document.activeElement.name") == "link"
    page.screenshot(path=str(tmp_path / "new-article-1280.png"), full_page=True)

    page.fill("input[name=link]", f"{site.base}/news/moved-away")
    page.fill("input[name=outlet]", "The Millbrook Ledger")
    page.press("input[name=link]", "Enter")  # Enter in the link field fetches
    page.wait_for_selector("#link-error")
    assert "The page answered 404 Not Found" in page.inner_text("#link-error")
    assert page.input_value("input[name=link]") == f"{site.base}/news/moved-away"
    assert page.input_value("input[name=outlet]") == "The Millbrook Ledger"
    assert not axe_problems(page)
    page.screenshot(path=str(tmp_path / "new-article-link-error-1280.png"), full_page=True)

    page.fill("input[name=link]", f"{site.base}/go/bridge")
    page.click("button:has-text('Fetch and save')")
    page.wait_for_selector("#article-body")
    assert "Article fetched from 127.0.0.1 (by Pat Example)" in page.inner_text(".flashes")
    assert page.inner_text("h1") == TITLE
    assert PARAGRAPHS[1] in page.inner_text("#article-body")
    page.click("button:has-text('Fetch again')")
    page.wait_for_selector(".flashes")
    assert "No change since revision 1." in page.inner_text(".flashes")
    page.screenshot(path=str(tmp_path / "article-from-link-1280.png"))

    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(f"{live_server}/login")
    phone.fill("input[name=email]", email)
    phone.fill("input[name=password]", factories.PASSWORD)
    phone.click("main button[type=submit]")
    phone.goto(f"{live_server}/articles/new")
    phone.fill("input[name=link]", f"{site.base}/photo.png")
    phone.click("button:has-text('Fetch and save')")
    phone.wait_for_selector("#link-error")
    assert overflow(phone) == {"width": 390, "clipped": []}
    phone.screenshot(path=str(tmp_path / "new-article-link-error-390.png"), full_page=True)
    phone.context.close()

    shots = os.environ.get("FACTCHECK_SCREENSHOTS")
    if shots:  # keep them for a person to look at
        for name in ("article-from-link-1280.png", "new-article-1280.png", "new-article-link-error-1280.png", "new-article-link-error-390.png"):
            (tmp_path / name).replace(os.path.join(shots, name))
    assert not errors, errors


def test_a_text_too_large_to_send_comes_back_with_the_reason(app, users, browser, live_server):  # noqa: F811
    email = factories.get(app, factories.User, users["editor"]).email
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/articles/new")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=link]")
    text = ("市议会周二批准了明年的预算，总额为四亿一千二百万元。" * 20 + "\n\n") * 1100  # about 1.7 MB of UTF-8
    page.fill("input[name=title]", "A very long report")
    page.eval_on_selector(  # as a paste does: the value at once, one input event
        "textarea[name=body]", "(el, text) => { el.value = text; el.dispatchEvent(new Event('input', {bubbles: true})); }", text
    )
    page.click("text=Save and split into sentences")
    page.wait_for_selector("#body-error")
    assert "The text is too long to send" in page.inner_text("#body-error")
    # put back from the browser tab by drafts.js after the page loads: wait for it, as a person would
    expect(page.locator("input[name=title]")).to_have_value("A very long report")
    assert page.eval_on_selector("textarea[name=body]", "el => el.value") == text
    assert "What you typed before has been put back" in page.inner_text("main")
