"""The article page in a real browser: claims made by selecting words inside a highlight and
after characters beyond U+FFFF, and the claims rail of a long article."""

import pytest

from factcheck.models import Claim

from . import factories
from .test_browser import browser, live_server, select_text  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def open_article(browser, live_server, app, users, article, viewport=(1280, 900)):  # noqa: F811
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server}/login?next=/articles/{article}")
    page.fill("input[name=email]", factories.get(app, factories.User, users["editor"]).email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("#article-body")
    page.wait_for_load_state("load")  # article.js (deferred) listens for selections from then on
    return page, errors


def drag_over(page, words: str) -> None:
    """Press the mouse on the first letter of the words and release it on the last, as a person
    selecting them does (a script's selection would not start a link drag)."""
    box = page.evaluate(
        """(words) => {
            const body = document.getElementById('article-body');
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at < 0) continue;
                const first = document.createRange(), last = document.createRange();
                first.setStart(node, at); first.setEnd(node, at + 1);
                last.setStart(node, at + words.length - 1); last.setEnd(node, at + words.length);
                const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
                return {x1: a.left + 1, y1: (a.top + a.bottom) / 2, x2: b.right - 1, y2: (b.top + b.bottom) / 2};
            }
            throw new Error('words not found: ' + words);
        }""",
        words,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=5)
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def test_words_dragged_over_inside_a_highlight_become_a_new_claim(app, users, browser, live_server, tmp_path):  # noqa: F811
    body = "The council approved a budget of 412 million dollars on Wednesday. The mayor was pleased."
    article = factories.make_article(app, users["editor"], body=body)
    outer = factories.make_claim(app, article, users["editor"], quote="The council approved a budget of 412 million dollars on Wednesday.")
    page, errors = open_article(browser, live_server, app, users, article)
    assert page.get_attribute("#article-body a.hl", "draggable") == "false"

    drag_over(page, "412 million dollars")
    page.wait_for_selector("#create-claim-floating:not([hidden])")
    assert page.url.endswith(f"/articles/{article}")  # the drag followed no link
    page.screenshot(path=str(tmp_path / "select-inside-highlight.png"))
    page.click("#create-claim-floating")
    page.wait_for_selector("textarea[name=wording]")
    assert page.input_value("textarea[name=wording]") == "412 million dollars"
    page.click("main button:has-text('Create claim')")
    page.wait_for_selector("#article-body a.hl")

    claims = factories.scalars(app, factories.select(Claim).order_by(Claim.id))
    assert [(c.id == outer, body[c.start : c.end]) for c in claims] == [
        (True, "The council approved a budget of 412 million dollars on Wednesday."),
        (False, "412 million dollars"),
    ]
    assert page.inner_text("#article-body a.depth-2") == "412 million dollars"  # inside the first
    assert not errors, errors


ASTRAL = "Fans 🎉🎉🎉 cheered in 𝐑𝐢𝐯𝐞𝐫𝐬𝐢𝐝𝐞 as the council approved 412 million dollars. The 🎉 mayor said 𝐧𝐨𝐭𝐡𝐢𝐧𝐠."


@pytest.mark.parametrize(
    "selected, quote",
    [
        ("approved 412 million dollars", "approved 412 million dollars"),  # after emoji and 𝐑𝐢𝐯𝐞𝐫𝐬𝐢𝐝𝐞
        ("𝐢𝐯𝐞𝐫𝐬", "𝐑𝐢𝐯𝐞𝐫𝐬𝐢𝐝𝐞"),  # part of a word of astral letters takes the whole word
        ("mayor said 𝐧𝐨𝐭", "mayor said 𝐧𝐨𝐭𝐡𝐢𝐧𝐠"),
    ],
)
def test_claims_after_emoji_and_astral_letters_quote_the_selected_words(app, users, browser, live_server, selected, quote):  # noqa: F811
    article = factories.make_article(app, users["editor"], body=ASTRAL)
    page, errors = open_article(browser, live_server, app, users, article)
    select_text(page, selected)
    page.wait_for_selector("#create-claim-floating:not([hidden])")
    page.click("#create-claim-floating")
    page.wait_for_selector("textarea[name=wording]")
    start = ASTRAL.index(quote)  # the server's offsets count characters, not UTF-16 units
    assert f"start={start}&end={start + len(quote)}" in page.url
    assert page.input_value("textarea[name=wording]") == quote
    page.click("main button:has-text('Create claim')")
    page.wait_for_selector("#article-body a.hl")
    assert page.inner_text("#article-body a.hl") == quote
    assert not errors, errors


def test_the_claims_rail_of_a_long_article_stays_in_reach(app, users, browser, live_server, tmp_path):  # noqa: F811
    paragraph = (
        "The council approved a budget of 412 million dollars on Wednesday after a long debate. "
        "Unemployment fell to 3.2 percent in March, the lowest rate since 2008, officials said. "
        "Critics argued that taxes would rise for residents of the county next year."
    )
    body = "\n\n".join(f"{n}. {paragraph}" for n in range(120))
    article = factories.make_article(app, users["editor"], body=body)
    with app.app_context():
        from factcheck.extensions import db
        from factcheck.models import Article

        sentences = [(s.start, s.end) for s in db.session.get(Article, article).sentences]
    claimed = sentences[1::6]  # about 60 claims down the whole text
    for start, end in claimed:
        factories.make_claim(app, article, users["editor"], start=start, end=end)

    page, errors = open_article(browser, live_server, app, users, article, viewport=(1280, 800))
    assert page.evaluate("document.documentElement.scrollHeight") > 8 * 800  # a long page
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    rail = page.evaluate("(() => { const r = document.querySelector('.rail').getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; })()")
    assert 0 <= rail["top"] < 100 and rail["bottom"] <= 800  # beside the text, within the screen
    # The last claim is reached by scrolling the rail, not the 10,000-pixel page.
    page.eval_on_selector(".rail", "rail => { rail.scrollTop = rail.scrollHeight; }")
    last = page.evaluate("document.querySelector('.rail .claim-list li:last-child').getBoundingClientRect().bottom")
    assert 0 < last <= 800
    assert page.locator(".rail .claim-list li").count() == len(claimed) > 50
    page.screenshot(path=str(tmp_path / "rail-desktop.png"))

    phone, errors_phone = open_article(browser, live_server, app, users, article, viewport=(390, 844))
    # On a phone the rail follows the text in the page's own flow.
    order = phone.evaluate(
        """(() => {
            const text = document.querySelector('.article-main').getBoundingClientRect();
            const rail = document.querySelector('.rail');
            return {text: text.bottom, rail: rail.getBoundingClientRect().top,
                    position: getComputedStyle(rail).position, overflow: getComputedStyle(rail).overflowY};
        })()"""
    )
    assert order["rail"] >= order["text"] and order["position"] == "static" and order["overflow"] == "visible"
    phone.screenshot(path=str(tmp_path / "rail-phone.png"))
    assert not errors and not errors_phone, errors + errors_phone


def test_a_rail_of_many_claims_lists_the_rest_on_request(app, users, browser, live_server, tmp_path, monkeypatch):  # noqa: F811
    """The rail lists the first claims; its link lists them all and lands on the next one."""
    from factcheck.views import articles

    monkeypatch.setattr(articles, "RAIL_SHOWN", 20)
    paragraph = "The council approved a budget of 412 million dollars. Unemployment fell to 3.2 percent in March."
    body = "\n\n".join(f"{n}. {paragraph}" for n in range(40))
    article = factories.make_article(app, users["editor"], body=body, author="Dana Reporter")
    with app.app_context():
        from factcheck.extensions import db
        from factcheck.models import Article

        sentences = [(s.start, s.end) for s in db.session.get(Article, article).sentences]
    claims = [factories.make_claim(app, article, users["editor"], start=start, end=end) for start, end in sentences[1::2]]
    assert len(claims) > 30

    page, errors = open_article(browser, live_server, app, users, article, viewport=(1280, 800))
    assert "Byline: Dana Reporter" in page.inner_text(".article-head .meta")
    assert page.locator(".rail .claim-list li").count() == 20
    assert page.locator("#article-body a.hl").count() == len(claims)  # every claim still highlighted
    page.eval_on_selector(".rail", "rail => { rail.scrollTop = rail.scrollHeight; }")
    page.screenshot(path=str(tmp_path / "rail-first-desktop.png"))
    page.click(f"text=List all {len(claims)} claims")
    page.wait_for_selector(".rail .claim-list li >> nth=30")
    assert page.locator(".rail .claim-list li").count() == len(claims)
    assert page.locator(".rail-more").count() == 0
    landed = page.evaluate(f"document.getElementById('claim-{claims[20]}').getBoundingClientRect().top")
    assert 0 <= landed < 800  # the first claim not listed before is in view
    page.screenshot(path=str(tmp_path / "rail-all-desktop.png"))

    phone, errors_phone = open_article(browser, live_server, app, users, article, viewport=(390, 844))
    phone.locator(".rail-more a").scroll_into_view_if_needed()
    assert phone.locator(".rail-more a").is_visible()
    phone.screenshot(path=str(tmp_path / "rail-first-phone.png"))
    assert not errors and not errors_phone, errors + errors_phone
