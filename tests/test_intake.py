"""Articles that arrive as a link: the new-article form, "Fetch again" and add-article, against a
local web server serving pages written here (an invented paper, the Millbrook Ledger)."""

from __future__ import annotations

import html
import socket
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from factcheck.extensions import db
from factcheck.models import Article, Claim, RevisionSource

from . import factories
from .factories import page_text as _words


def page_text(page) -> str:
    return html.unescape(_words(page))

TITLE = "Bridge repairs run over budget"
PARAGRAPHS = [
    "The county spent 2.4 million dollars on the Elm Street bridge, twice the amount planned in 2024.",
    "Engineers said corrosion was worse than the first survey showed, and the work took eleven months instead of five.",
    "The council will vote on a further 300,000 dollars next week, according to the agenda published on Friday.",
]


def article_page(paragraphs: list[str], title: str = TITLE) -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | The Millbrook Ledger</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="The Millbrook Ledger">
<meta name="author" content="Pat Example">
<meta property="article:published_time" content="2026-03-14T09:30:00Z">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>
{body}</article>
<footer>Copyright The Millbrook Ledger. All rights reserved.</footer></body></html>""".encode()


class Site:
    """What the local server answers, by path; a test may change a page between fetches."""

    def __init__(self):
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.reset()

    def reset(self) -> None:
        html = {"Content-Type": "text/html; charset=utf-8"}
        self.pages = {
            "/news/bridge": (200, html, article_page(PARAGRAPHS)),
            "/go/bridge": (302, {"Location": "/news/bridge"}, b""),
            "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/photo.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            "/paper.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n%\xe2\xe3\n"),
            "/empty": (200, html, b"<!doctype html><html><head><title>Nothing</title></head><body></body></html>"),
            "/huge": (200, html, article_page(PARAGRAPHS * 2000)),
            "/notes.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, "\n\n".join(PARAGRAPHS).encode()),
        }


SLOW_SECONDS = 3


class Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
        status, headers, body = self.site.pages.get(self.path, (404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"))
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up waiting (the slow page)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    site = Site()
    handler = type("SiteHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_port}"
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def local_fetching(app, site):
    """The local server is reachable (127.0.0.0/8, as an intranet would be listed); answers are
    waited for one second, and pages larger than 200 kB are not read."""
    app.config.update(FETCH_ALLOWED_NETWORKS="127.0.0.0/8", FETCH_TIMEOUT_SECONDS=1, FETCH_MAX_BYTES=200_000)
    site.reset()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the new-article form ------------------------------------------------------------------------


def test_an_article_comes_in_from_a_link_with_its_headline_outlet_and_date(app, client_as, site):
    editor = client_as("editor")
    response = editor.post("/articles/new", data={"link": f"{site.base}/go/bridge", "published_on": "", "title": ""})
    assert response.status_code == 302, page_text(response)[:600]
    shown = editor.get(response.headers["Location"])
    assert f"Article fetched from 127.0.0.1 (by Pat Example) and split into 3 sentences" in page_text(shown)
    assert "Fetch again" in page_text(shown)
    assert "Byline: Pat Example" in page_text(shown)
    with app.app_context():
        article = db.session.scalars(db.select(Article)).one()
        assert article.title == TITLE
        assert article.outlet == "The Millbrook Ledger"
        assert article.published_on == date(2026, 3, 14)
        assert article.url == f"{site.base}/news/bridge"  # where the redirect led
        assert article.author == "Pat Example"
        assert article.body == "\n\n".join(PARAGRAPHS)  # the headline is not part of the text
        revision = article.revisions[0]
        assert (revision.source, revision.source_detail) == (RevisionSource.LINK, f"{site.base}/news/bridge")


def test_a_headline_and_outlet_typed_by_the_editor_win_over_the_page(app, client_as, site):
    response = client_as("editor").post(
        "/articles/new",
        data={"link": f"{site.base}/news/bridge", "title": "Elm Street bridge cost doubles", "outlet": "Ledger (print)",
              "published_on": "2026-03-15", "author": "P. Example and staff"},
    )
    assert response.status_code == 302
    with app.app_context():
        article = db.session.scalars(db.select(Article)).one()
        assert (article.title, article.outlet, article.published_on) == ("Elm Street bridge cost doubles", "Ledger (print)", date(2026, 3, 15))
        assert article.author == "P. Example and staff"


def test_a_plain_text_address_gives_its_text_and_asks_for_the_headline(app, client_as, site):
    editor = client_as("editor")
    response = editor.post("/articles/new", data={"link": f"{site.base}/notes.txt"})
    assert response.status_code == 422
    text = page_text(response)
    assert "Give the article's headline." in text
    source = response.get_data(as_text=True)
    assert 'value="127.0.0.1"' in source  # the outlet found (the host), filled in for the editor
    assert f'value="{site.base}/notes.txt"' in source  # the link kept; the text is fetched again on saving
    response = editor.post("/articles/new", data={"link": f"{site.base}/notes.txt", "title": "County notes", "outlet": "127.0.0.1"})
    assert response.status_code == 302


BAD_LINKS = [
    ("unreachable", lambda site: f"http://127.0.0.1:{closed_port()}/story", "could not be reached"),
    ("slow", lambda site: f"{site.base}/slow", "took longer than 1 seconds to answer"),
    ("404", lambda site: f"{site.base}/gone-story", "The page answered 404 Not Found"),
    ("image", lambda site: f"{site.base}/photo.png", "This address is an image (image/png), not a web page. Save the article's text"),
    ("pdf", lambda site: f"{site.base}/paper.pdf", "This address is a PDF document, not a web page."),
    ("empty page", lambda site: f"{site.base}/empty", "No article text was found on this page"),
    ("redirect to a private address", lambda site: f"{site.base}/to-metadata", "private or local network (169.254.169.254)"),
    ("credentials", lambda site: f"http://editor:secret@127.0.0.1:{site.base.rsplit(':', 1)[1]}/news/bridge",
     "Addresses with a user name or password in them are not accepted."),
    ("too large", lambda site: f"{site.base}/huge", "The page is larger than"),
    ("not a web address", lambda site: "ftp://files.example.org/story.txt", "Only http:// and https:// addresses are accepted."),
]


@pytest.mark.parametrize("name, link, message", BAD_LINKS, ids=[b[0] for b in BAD_LINKS])
def test_a_link_that_gives_no_article_is_explained_and_the_form_kept(app, client_as, site, name, link, message):
    address = link(site)
    response = client_as("editor").post(
        "/articles/new", data={"link": address, "title": "My own headline", "outlet": "Typed outlet"}
    )
    assert response.status_code == 422
    assert message in page_text(response)
    source = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in source and 'id="link-error"' in source  # beside the link field
    for typed in (address, "My own headline", "Typed outlet"):
        assert f'value="{typed}"' in source
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Article.id))) == 0


def test_a_link_and_a_text_together_are_refused_with_both_kept(client_as, site):
    response = client_as("editor").post(
        "/articles/new",
        data={"link": f"{site.base}/news/bridge", "title": "T", "outlet": "O", "body": "My pasted text stays here."},
    )
    assert response.status_code == 422
    assert "Give a link or the article's text, not both" in page_text(response)
    assert "My pasted text stays here." in response.get_data(as_text=True)


# -- fetch again ---------------------------------------------------------------------------------


def _article_from_link(app, client, site) -> int:
    assert client.post("/articles/new", data={"link": f"{site.base}/news/bridge"}).status_code == 302
    with app.app_context():
        return db.session.scalars(db.select(Article.id)).one()


def test_fetch_again_adds_a_revision_that_claims_follow_and_then_says_nothing_changed(app, users, client_as, site):
    editor = client_as("editor")
    article_id = _article_from_link(app, editor, site)
    kept = factories.make_claim(app, article_id, users["editor"], quote="twice the amount planned in 2024")
    changed = factories.make_claim(app, article_id, users["editor"], quote="the work took eleven months instead of five")
    site.pages["/news/bridge"] = (200, {"Content-Type": "text/html"}, article_page([
        "Updated on Monday with the council's answer.",
        PARAGRAPHS[0],
        PARAGRAPHS[1].replace("eleven months", "twelve months"),
    ]))

    response = editor.post(f"/articles/{article_id}/fetch", data={"version": str(factories.get(app, Article, article_id).version)})
    assert response.status_code == 302
    shown = page_text(editor.get(response.headers["Location"]))
    assert "Saved as revision 2. Claims: 1 kept their words, 1 changed." in shown
    with app.app_context():
        article = db.session.get(Article, article_id)
        assert [r.number for r in article.revisions] == [1, 2]
        assert article.revisions[-1].source == RevisionSource.LINK
        claim = db.session.get(Claim, kept)
        assert article.body[claim.start:claim.end] == "twice the amount planned in 2024"
        assert claim.start > len("Updated on Monday with the council's answer.")
        moved = db.session.get(Claim, changed)
        assert moved.anchor_outcome.value == "changed" and "twelve months" in moved.quote
        version = article.version

    response = editor.post(f"/articles/{article_id}/fetch", data={"version": str(version)})
    assert response.status_code == 302
    assert "No change since revision 2." in page_text(editor.get(response.headers["Location"]))
    with app.app_context():
        assert len(db.session.get(Article, article_id).revisions) == 2


def test_fetch_again_of_a_page_that_went_away_says_why_and_keeps_the_text(app, client_as, site):
    editor = client_as("editor")
    article_id = _article_from_link(app, editor, site)
    del site.pages["/news/bridge"]
    response = editor.post(f"/articles/{article_id}/fetch", data={"version": "1"})
    assert response.status_code == 422
    text = page_text(response)
    assert "The article could not be fetched again. The page answered 404 Not Found." in text
    assert PARAGRAPHS[0] in text  # the article page, as it was
    with app.app_context():
        assert len(db.session.get(Article, article_id).revisions) == 1


def test_fetch_again_from_a_stale_page_is_a_conflict(app, client_as, site):
    editor = client_as("editor")
    article_id = _article_from_link(app, editor, site)
    site.pages["/news/bridge"] = (200, {"Content-Type": "text/html"}, article_page(PARAGRAPHS[:2]))
    response = editor.post(f"/articles/{article_id}/fetch", data={"version": "0"})
    assert response.status_code == 409
    with app.app_context():
        assert len(db.session.get(Article, article_id).revisions) == 1


def test_an_article_without_an_address_has_nothing_to_fetch(app, users, client_as):
    article_id = factories.make_article(app, users["editor"], url=None)
    editor = client_as("editor")
    assert "Fetch again" not in page_text(editor.get(f"/articles/{article_id}"))
    response = editor.post(f"/articles/{article_id}/fetch", data={"version": "1"})
    assert response.status_code == 422
    assert "This article has no address to fetch" in page_text(response)


# -- the command line ----------------------------------------------------------------------------


def _email(app, user_id: int) -> str:
    return factories.get(app, factories.User, user_id).email


def test_add_article_from_a_file_prints_its_id(app, users, tmp_path):
    path = tmp_path / "draft.md"
    path.write_text("\n\n".join(PARAGRAPHS), encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["add-article", str(path), "--by", _email(app, users["editor"]), "--title", "Bridge draft", "--outlet", "Ledger"]
    )
    assert result.exit_code == 0, result.stderr
    with app.app_context():
        article = db.session.get(Article, int(result.stdout.strip()))
        assert (article.title, article.outlet, article.body) == ("Bridge draft", "Ledger", "\n\n".join(PARAGRAPHS))
        assert (article.revisions[0].source, article.revisions[0].source_detail) == (RevisionSource.UPLOAD, "draft.md")


def test_add_article_from_standard_input(app, users):
    result = app.test_cli_runner().invoke(
        args=["add-article", "-", "--by", _email(app, users["editor"]), "--title", "From a pipe", "--outlet", "Ledger"],
        input=PARAGRAPHS[0],
    )
    assert result.exit_code == 0, result.stderr
    with app.app_context():
        assert db.session.get(Article, int(result.stdout)).body == PARAGRAPHS[0]


def test_add_article_from_a_link_takes_the_details_from_the_page(app, users, site):
    result = app.test_cli_runner().invoke(
        args=["add-article", "--from-url", f"{site.base}/go/bridge", "--by", _email(app, users["editor"]), "--outlet", "Ledger"]
    )
    assert result.exit_code == 0, result.stderr
    with app.app_context():
        article = db.session.get(Article, int(result.stdout))
        assert (article.title, article.outlet, article.url) == (TITLE, "Ledger", f"{site.base}/news/bridge")
        assert article.revisions[0].source == RevisionSource.LINK


@pytest.mark.parametrize("args, message", [
    (["--from-url", "{base}/photo.png"], "This address is an image (image/png)"),
    (["--from-url", "{base}/gone"], "The page answered 404 Not Found"),
    (["--from-url", "{base}/news/bridge", "{file}"], "Give either a FILE or --from-url URL"),
    ([], "Give either a FILE or --from-url URL"),
    (["{file}"], "Give the headline with --title."),
    (["{file}", "--title", "T", "--outlet", "O", "--by", "nobody@desk.example.org"], "There is no account for nobody@desk.example.org"),
])
def test_add_article_explains_what_went_wrong_on_stderr(app, users, site, tmp_path, args, message):
    path = tmp_path / "draft.txt"
    path.write_text(PARAGRAPHS[0], encoding="utf-8")
    args = [a.format(base=site.base, file=path) for a in args]
    by = [] if "--by" in args else ["--by", _email(app, users["editor"])]
    result = app.test_cli_runner().invoke(args=["add-article", *args, *by])
    assert result.exit_code == 1 and message in result.stderr, (result.exit_code, result.stderr)
    assert result.stdout == ""
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Article.id))) == 0


# -- settings -------------------------------------------------------------------------------------


def test_allowed_networks_come_from_the_environment_and_a_bad_one_is_reported(monkeypatch, backend):
    from factcheck import config_problems
    from .conftest import make_app

    monkeypatch.setenv("FETCH_ALLOWED_NETWORKS", "10.20.0.0/16, 127.0.0.1/32")
    app = make_app(backend.new_url())
    assert app.config["FETCH_ALLOWED_NETWORKS"] == "10.20.0.0/16, 127.0.0.1/32"
    assert not [p for p in config_problems(app.config, production=False) if "FETCH" in p]
    assert any("'intranet' is not a network" in p for p in config_problems({"FETCH_ALLOWED_NETWORKS": "intranet"}, production=False))
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()
