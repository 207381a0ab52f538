"""Revisions in a real browser: paste a draft, claim three spans, bring in a revised draft, and
see one claim unchanged, one changed (flagged) and one gone; then the word-by-word difference."""

import os

import pytest

from . import factories
from .test_browser import ARTICLE, browser, live_server, select_text  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

REVISED = (
    "The city spent 3.2 million dollars on road repairs last year. "
    "Officials said potholes fell by 25 percent.\n\n"
    "Residents were not convinced."
)


def test_a_revised_draft_carries_claims_across_and_shows_the_difference(app, users, browser, live_server, tmp_path):  # noqa: F811
    email = factories.get(app, factories.User, users["editor"]).email
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/articles/new")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=title]", "Road repairs cost the city 3.2 million")
    page.fill("input[name=outlet]", "The Test Courier")
    page.fill("textarea[name=body]", ARTICLE)
    page.click("text=Save and split into sentences")
    page.wait_for_selector("#article-body")
    for fragment in ("spent 3.2 million dollars", "potholes fell by 40 percent", "the programme was the cheapest in the region"):
        select_text(page, fragment)
        page.click("#create-claim-floating")
        page.wait_for_selector("textarea[name=wording]")
        page.click("main button:has-text('Create claim')")
        page.wait_for_selector("#article-body")
    assert page.locator(".claim-list li").count() == 3

    page.click("text=Edit or add a revision")
    page.fill("textarea[name=body]", REVISED)
    page.click("main button[type=submit]")
    page.wait_for_selector("#article-body")
    assert "Saved as revision 2. Claims: 1 kept their words, 1 changed, 1 are gone." in page.inner_text(".flashes")
    highlights = page.eval_on_selector_all("#article-body a.hl", "els => els.map(e => e.textContent)")
    assert sorted(highlights) == ["potholes fell by 25 percent", "spent 3.2 million dollars"]
    rail = page.inner_text(".claim-list")
    assert "no longer in the text" in rail
    page.screenshot(path=str(tmp_path / "article-revised.png"), full_page=True)

    page.click("text=Revision 2 · compare")
    page.click("button:has-text('Show the difference')")
    page.wait_for_selector(".diff-text")
    assert page.inner_text(".diff-text del >> nth=0")
    assert "25 " in page.inner_text(".diff-text ins >> nth=0")
    page.screenshot(path=str(tmp_path / "revision-difference.png"), full_page=True)
    shots = os.environ.get("FACTCHECK_SCREENSHOTS")
    if shots:  # keep them for a person to look at
        for name in ("article-revised.png", "revision-difference.png"):
            (tmp_path / name).replace(os.path.join(shots, name))
    assert not errors, errors
