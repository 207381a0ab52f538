"""Publishing in a real browser: export the filtered verdicts as CSV from the list, then open
the published page and the corrections log as a reader would."""

import csv
import io

import pytest

from factcheck.extensions import db
from factcheck.models import Claim, User

from . import factories
from .test_browser import browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_export_filtered_csv_then_read_the_published_page(app, users, browser, live_server, tmp_path):  # noqa: F811
    article = factories.make_article(app, users["editor"])
    kept = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"], article=article)
    other = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"], article=article,
                               quote="Critics said property taxes would rise again.")
    with app.app_context():
        db.session.get(Claim, kept).wording = "=Bus spending rose 18% — café ✓"
        db.session.commit()
    editor = factories.get(app, User, users["editor"])

    page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/login?next=/claims")
    page.fill("input[name=email]", editor.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.fill("input[name=q]", "bus spending")
    page.select_option("select[name=status]", "approved")
    page.click("button:has-text('Filter')")
    page.check("input[name=bom]")
    with page.expect_download() as download:
        page.click(".export-bar button")
    path = download.value.path()
    assert download.value.suggested_filename.startswith("factcheck-verdicts-")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r["claim_id"] for r in rows] == [str(kept)]
    assert rows[0]["claim_text"] == "'=Bus spending rose 18% — café ✓"
    assert str(other) not in {r["claim_id"] for r in rows}

    reader = browser.new_page(viewport={"width": 390, "height": 844})
    reader.goto(f"{live_server}/verdicts/{kept}")
    assert "False" in reader.inner_text(".rating")
    reader.screenshot(path=str(tmp_path / "published-verdict.png"), full_page=True)
    reader.click("text=Corrections log")
    assert reader.inner_text("h1") == "Corrections"
    reader.screenshot(path=str(tmp_path / "corrections-log.png"), full_page=True)
    assert (tmp_path / "published-verdict.png").stat().st_size > 5_000
