"""Every main page as people use it: axe-core finds nothing of moderate impact or worse, a
phone's 390 px hold the lists and the claim page without sideways scrolling, and status
graphics read without colour (WCAG 1.4.11, 1.4.1)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from factcheck import workflow
from factcheck.demo import DEMO_USERS, seed_demo
from factcheck.extensions import db
from factcheck.models import Channel, Claim, ClaimStatus, OutboxMessage, User, WebhookEndpoint, utcnow

from . import factories
from .test_browser import browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

PASSWORDS = {email.split("@")[0]: (email, password) for email, _name, _role, password in DEMO_USERS}
SERIOUS = ("moderate", "serious", "critical")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(app):
    """The demo newsroom, with a long unbroken note in one claim's history (a pasted address)."""
    with app.app_context():
        seed_demo()
        db.session.commit()
        ids = {status: db.session.scalar(select(Claim.id).where(Claim.status == status).order_by(Claim.id)) for status in ClaimStatus}
        claim = db.session.get(Claim, ids[ClaimStatus.IN_REVIEW])
        editor = db.session.scalar(select(User).where(User.email == PASSWORDS["editor"][0]))
        workflow.return_for_work(
            claim, by=editor,
            note="Compare https://stats.example.org/riverside/transport/2026/bus-spending-by-line-and-quarter-with-"
                 "regional_comparison_tables_and_the_reclassified_capital_items.xlsx before resubmitting.",
        )
        db.session.commit()
        ids[ClaimStatus.RETURNED] = claim.id
        ids["article"] = db.session.scalar(select(Claim.article_id).where(Claim.id == ids[ClaimStatus.APPROVED]))
        ids["published"] = db.session.scalar(select(Claim.id).where(Claim.corrected_at.is_not(None)).order_by(Claim.id))
        workflow.submit_tip(text="The mayor said fares fell by half.", seen_at="https://social.example.org/p/1", contact="r@example.net")
        db.session.commit()
        ids["endpoint"] = webhook_with_deliveries()
        return ids


def webhook_with_deliveries() -> int:
    """An endpoint whose log shows one delivery made and one failing, as after an outage."""
    endpoint = WebhookEndpoint(url="https://cms.example.org/hooks/factcheck", description="CMS verdict boxes", secret="whsec_demo", events=["claim.approved", "claim.published"])
    db.session.add(endpoint)
    db.session.flush()
    now = utcnow()
    db.session.add_all([
        OutboxMessage(key="demo:1", channel=Channel.WEBHOOK, endpoint_id=endpoint.id, event="claim.approved", payload={"body": "{}"},
                      attempts=1, delivered_at=now, next_attempt_at=None, last_status=200),
        OutboxMessage(key="demo:2", channel=Channel.WEBHOOK, endpoint_id=endpoint.id, event="claim.published", payload={"body": "{}"},
                      attempts=3, next_attempt_at=now + timedelta(minutes=2), last_status=502, last_error="The endpoint answered 502: Bad Gateway"),
    ])
    db.session.commit()
    return endpoint.id


def signed_in(browser, live_server, who, viewport):  # noqa: F811
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(10_000)
    email, password = PASSWORDS[who]
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
    return page


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{page.url} {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
        if v["impact"] in SERIOUS
    ]


def staff_pages(ids) -> dict[str, list[str]]:
    claims = [f"/claims/{ids[s]}" for s in ClaimStatus]
    return {
        "editor": ["/dashboard", "/claims", "/claims?status=open&sort=due", "/review", "/articles/",
                   f"/articles/{ids['article']}", "/articles/new", *claims, f"/claims/{ids[ClaimStatus.UNASSIGNED]}/edit",
                   "/account/password", "/account", "/tips", "/tips?status=all", "/notifications", "/notifications/settings"],
        "reviewer": ["/queue", f"/claims/{ids[ClaimStatus.IN_RESEARCH]}", "/notifications"],
        "admin": ["/admin/users", "/admin/ratings", "/admin/pages", "/admin/pages/about", "/admin/webhooks",
                  f"/admin/webhooks/{ids['endpoint']}"],
    }


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_axe_finds_nothing_moderate_or_worse_on_any_main_page(app, demo, browser, live_server, viewport):  # noqa: F811
    problems = []
    for who, paths in staff_pages(demo).items():
        page = signed_in(browser, live_server, who, viewport)
        for path in paths:
            assert page.goto(live_server + path).status == 200, path
            problems += axe_problems(page)
        page.context.close()
    reader = browser.new_context(viewport=viewport).new_page()
    public = ["/about", "/methodology", "/corrections-policy", "/contact", "/ratings", "/verdicts", "/verdicts?q=zzz",
              f"/verdicts/{demo['published']}/card", "/tips/new"]
    for path, status in [("/login", 200), (f"/verdicts/{demo['published']}", 200), ("/corrections", 200), ("/verdicts/abc", 404),
                         *[(p, 200) for p in public]]:
        assert reader.goto(live_server + path).status == status, path
        problems += axe_problems(reader)
    reader.context.close()
    assert not problems, "\n".join(problems)


def overflow(page) -> dict:
    """How wide the page is, and any box whose content is wider than it (scrolled or clipped).
    A text input is left out: a value longer than its box scrolls inside it, as inputs do (a long
    link in the link field, wider or narrower with the test server's port number)."""
    return page.evaluate(
        """() => ({
            width: document.documentElement.scrollWidth,
            clipped: [...document.querySelectorAll('main *')]
                .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'
                             && !e.classList.contains('visually-hidden') && e.tagName !== 'INPUT')
                .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`),
        })"""
    )


def test_phone_shows_lists_and_claim_page_without_sideways_scrolling(app, demo, browser, live_server, tmp_path):  # noqa: F811
    reviewer = signed_in(browser, live_server, "reviewer", PHONE)
    reviewer.goto(f"{live_server}/queue")
    assert overflow(reviewer) == {"width": 390, "clipped": []}
    # Every due date in My queue shows whole, inside the screen ("Overdue · 27 Nov 2026", not "27 N…").
    dues = reviewer.eval_on_selector_all(
        "table.queue .due", "els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().right, e.scrollWidth <= e.clientWidth + 1])"
    )
    assert dues and any(text.startswith("Overdue · ") for text, _, _ in dues)
    assert all(right <= 390 and whole for _, right, whole in dues), dues
    reviewer.screenshot(path=str(tmp_path / "queue-390.png"), full_page=True)

    editor = signed_in(browser, live_server, "editor", PHONE)
    for path in ["/claims", "/claims?status=open&sort=due", f"/claims/{demo[ClaimStatus.RETURNED]}", "/dashboard", "/review",
                 "/notifications", "/notifications/settings"]:
        editor.goto(live_server + path)
        assert overflow(editor) == {"width": 390, "clipped": []}, path
    editor.goto(f"{live_server}/claims/{demo[ClaimStatus.RETURNED]}")
    note = editor.locator(".timeline .note", has_text="stats.example.org")
    assert note.count() == 1 and note.bounding_box()["x"] + note.bounding_box()["width"] <= 390

    admin = signed_in(browser, live_server, "admin", PHONE)
    admin.goto(f"{live_server}/admin/users")
    assert overflow(admin) == {"width": 390, "clipped": []}
    assert admin.get_by_text("editor@demo.factcheck.example").is_visible()


def contrast(a: str, b: str = "rgb(255, 255, 255)") -> float:
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_status_graphics_stand_out_and_read_without_colour(app, demo, browser, live_server):  # noqa: F811
    editor, reviewer = (factories.scalars(app, select(User.id).where(User.email == PASSWORDS[who][0]))[0] for who in ("editor", "reviewer"))
    article = factories.make_article(app, editor)
    quotes = ["The council approved", "a budget of 412 million dollars", "The mayor said", "the largest investment",
              "Bus spending rises", "by 18 percent", "Critics said property taxes"]
    for status, quote in zip(ClaimStatus, quotes):
        factories.claim_in(app, status.value, editor=editor, reviewer=reviewer, article=article, quote=quote)
    page = signed_in(browser, live_server, "editor", {"width": 1280, "height": 800})
    page.goto(f"{live_server}/articles/{article}")
    looks = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#article-body a.hl')].map(e => {
            const s = getComputedStyle(e), after = getComputedStyle(e, '::after');
            const wavy = s.textDecorationLine.includes('underline');
            return [[...e.classList].find(c => c.startsWith('hl-')).slice(3), {
                line: wavy ? s.textDecorationColor : s.borderBottomColor,
                pattern: [wavy ? 'wavy:' + s.textDecorationStyle : s.borderBottomStyle, after.content,
                          s.backgroundImage === 'none' ? '' : 'hatched'].join(' '),
                tint: s.backgroundColor,
            }];
        }))"""
    )
    assert set(looks) == {s.value for s in ClaimStatus}, "the demo article shows every status"
    for status, look in looks.items():  # the underline against white and against its own tint
        assert contrast(look["line"]) >= 3 and contrast(look["line"], look["tint"]) >= 3, (status, look)
    patterns = {status: look["pattern"] for status, look in looks.items()}
    assert len(set(patterns.values())) == len(patterns), patterns  # each status its own pattern
    # Assigned (blue) and in research (violet) differ in hue, not only in lightness.
    import colorsys

    def hue(colour):
        r, g, b = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        return colorsys.rgb_to_hls(r, g, b)[0] * 360

    assert abs(hue(looks["assigned"]["line"]) - hue(looks["in_research"]["line"])) >= 30
    # The status bars: every segment against white.
    fills = page.eval_on_selector_all(".status-bar rect", "els => els.map(e => getComputedStyle(e).fill)")
    assert fills and all(contrast(fill) >= 3 for fill in fills), fills
