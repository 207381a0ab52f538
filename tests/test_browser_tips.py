"""The public side in a real browser: a reader finds a verdict in the archive, opens it and
sends a tip; an editor turns the tip into a claim."""

import pytest

from factcheck.demo import DEMO_USERS, seed_demo
from factcheck.extensions import db

from .test_browser import browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_reader_finds_a_verdict_and_sends_a_tip_that_an_editor_turns_into_a_claim(app, browser, live_server, tmp_path):  # noqa: F811
    with app.app_context():
        seed_demo()
        db.session.commit()
    reader = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    reader.set_default_timeout(10_000)
    reader.goto(f"{live_server}/verdicts")
    reader.fill("input[name=q]", "burglaries")
    reader.click("form[role=search] button[type=submit]")
    assert reader.locator("a.claim-link").count() == 1
    reader.click("a.claim-link")
    assert "burglaries" in reader.inner_text("h1.claim") and reader.inner_text(".rating") == "Mostly true"
    assert "Correction," in reader.inner_text(".correction-notice")
    reader.click("text=Send us a claim")
    reader.fill("#seen_at", "ftp://not-a-web-page")
    reader.fill("#text", "A video says the river bridge cost 2 billion.")
    reader.click("form.tip-form button[type=submit]")
    assert "Only http:// and https:// addresses are accepted." in reader.inner_text("form.tip-form")
    assert reader.input_value("#text") == "A video says the river bridge cost 2 billion."  # kept
    reader.fill("#seen_at", "https://video.example.org/w/7")
    reader.click("form.tip-form button[type=submit]")
    assert "your tip reached our fact-checking desk" in reader.inner_text("main")
    reader.screenshot(path=str(tmp_path / "tip-sent.png"), full_page=True)

    email, password = next((e, p) for e, _n, role, p in DEMO_USERS if role.value == "editor")
    editor = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    editor.set_default_timeout(10_000)
    editor.goto(f"{live_server}/login?next=/tips")
    editor.fill("input[name=email]", email)
    editor.fill("input[name=password]", password)
    editor.click("main button[type=submit]")
    tip = editor.locator("li.card", has_text="river bridge cost 2 billion")
    assert "video.example.org" in tip.inner_text()
    tip.locator("button:has-text('Make a claim')").click()
    assert "/claims/" in editor.url
    assert "A video says the river bridge cost 2 billion." in editor.inner_text("main")
