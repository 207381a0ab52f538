"""The main flow in a real browser: Debian's Chromium driven by Playwright."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from . import factories

CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

ARTICLE = (
    "The city spent 3.2 million dollars on road repairs last year. "
    "Officials said potholes fell by 40 percent.\n\n"
    "The mayor claimed the programme was the cheapest in the region. "
    "Residents were not convinced."
)

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("FACTCHECK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required for the browser test but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} not installed (bin/test installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def select_text(page, fragment: str) -> None:
    """Select a fragment of the article text the way a mouse drag would, once the page's
    scripts have run (article.js listens for the selection; one made before it runs is missed)."""
    page.wait_for_load_state("load")
    page.evaluate(
        """(fragment) => {
            const body = document.getElementById('article-body');
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(fragment);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + fragment.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error('fragment not found: ' + fragment);
        }""",
        fragment,
    )


def test_editor_pastes_article_and_creates_three_claims(app, users, browser, live_server, tmp_path):
    email = factories.get(app, factories.User, users["editor"]).email
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server}/articles/new")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/articles/new")

    page.fill("input[name=title]", "Road repairs cost the city 3.2 million")
    page.fill("input[name=outlet]", "The Test Courier")
    page.fill("input[name=url]", "https://courier.example.org/roads")
    page.fill("textarea[name=body]", ARTICLE)
    page.click("text=Save and split into sentences")
    page.wait_for_selector("#article-body")
    assert "split into 4 sentences" in page.inner_text(".flashes")

    # Two claims from whole sentences, through the sentence list.
    for sentence in ("0", "2"):
        if not page.is_visible(".sentence-list"):
            page.click("summary:has-text('Create a claim from whole sentences')")
        page.check(f".sentence-list input[value='{sentence}']")
        page.click("text=Create claim from ticked sentences")
        page.wait_for_selector("textarea[name=wording]")
        page.click("main button:has-text('Create claim')")
        page.wait_for_selector("#article-body")

    # One claim from part of a sentence, by selecting text.
    select_text(page, "potholes fell by 40 percent")
    page.click("#create-claim-floating")
    page.wait_for_selector("textarea[name=wording]")
    assert page.input_value("textarea[name=wording]") == "potholes fell by 40 percent"
    page.fill("input[name=claimant]", "City officials")
    page.click("main button:has-text('Create claim')")
    page.wait_for_selector("#article-body")

    highlights = page.eval_on_selector_all(
        "#article-body a.hl", "els => els.map(e => [e.textContent, e.getAttribute('href')])"
    )
    texts = {text for text, _ in highlights}
    assert texts == {
        "The city spent 3.2 million dollars on road repairs last year.",
        "The mayor claimed the programme was the cheapest in the region.",
        "potholes fell by 40 percent",
    }
    assert len({href for _, href in highlights}) == 3
    assert page.locator(".claim-list li").count() == 3
    page.screenshot(path=str(tmp_path / "article-with-claims.png"), full_page=True)
    assert (tmp_path / "article-with-claims.png").stat().st_size > 10_000
    assert not errors, errors


def test_suggested_sentences_are_marked_and_become_claims_in_one_click(app, users, browser, live_server):
    body = (
        "The council approved a budget of 412 million dollars on Wednesday. "
        "I think it was a wonderful evening for everyone.\n\n"
        "Unemployment fell to 3.2 percent in March, the lowest rate since 2008."
    )
    article = factories.make_article(app, users["editor"], body=body)
    email = factories.get(app, factories.User, users["editor"]).email
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/login?next=/articles/{article}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("#article-body")
    assert page.locator("#article-body .sugg-end").count() == 2
    page.click(".suggestions button:has-text('Create claim') >> nth=0")
    page.wait_for_selector("#article-body a.hl")
    highlighted = page.inner_text("#article-body a.hl")
    assert highlighted in (
        "Unemployment fell to 3.2 percent in March, the lowest rate since 2008.",
        "The council approved a budget of 412 million dollars on Wednesday.",
    )
    assert page.locator("#article-body .sugg-end").count() == 1
