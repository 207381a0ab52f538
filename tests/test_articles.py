import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.test import encode_multipart

from factcheck.models import Article, ArticleRevision, AuditEvent, Claim, Sentence

from . import factories

GOOD = {
    "title": "Council budget passes",
    "outlet": "The Test Courier",
    "url": "https://courier.example.org/budget",
    "published_on": "2026-01-05",
    "body": "The council approved the budget. Taxes rise by 5 percent.\n\nThe mayor was pleased.",
}


def test_editor_pastes_an_article_and_it_is_split_into_sentences(app, client_as):
    response = client_as("editor").post("/articles/new", data=GOOD)
    assert response.status_code == 302
    article = factories.scalars(app, select(Article))[0]
    sentences = factories.scalars(app, select(Sentence).order_by(Sentence.position))
    assert [article.body[s.start : s.end] for s in sentences] == [
        "The council approved the budget.",
        "Taxes rise by 5 percent.",
        "The mayor was pleased.",
    ]
    assert article.published_on == date(2026, 1, 5)
    history = factories.scalars(app, select(AuditEvent).where(AuditEvent.entity == "article"))
    assert [e.action for e in history] == ["created"]


def test_upload_of_a_utf8_text_file_becomes_the_body(app, client_as):
    text = "Le conseil a voté le budget. Les impôts augmentent de 5 %.".encode("utf-8")
    data = {**GOOD, "body": "", "upload": (io.BytesIO(b"\xef\xbb\xbf" + text), "article.txt")}
    response = client_as("editor").post("/articles/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert factories.scalars(app, select(Article.body)) == [text.decode("utf-8")]


CHINESE = "市议会周二以七票对两票批准了明年的预算，总额为四亿一千二百万元，比今年增加百分之五。"


def _post_multipart(client, data):
    """The form as a browser sends it when it also takes a file (encoded in memory: the test
    client would spool a large form to a temporary file it never closes)."""
    boundary, encoded = encode_multipart({**data, "csrf_token": client.csrf_token()})
    return client.post(
        "/articles/new", data=encoded, content_type=f"multipart/form-data; boundary={boundary}", csrf=False
    )


@pytest.mark.parametrize("multipart", [False, True])
def test_a_long_text_in_chinese_is_accepted_whole(app, client_as, multipart):
    """180,000 characters are 540 kB of UTF-8: more than a form part could hold by default."""
    body = "\n\n".join([CHINESE * 12] * 360)  # 360 paragraphs of 12 sentences
    assert len(body) > 180_000 and len(body.encode()) > 540_000
    client, data = client_as("editor"), {**GOOD, "body": body}
    response = _post_multipart(client, data) if multipart else client.post("/articles/new", data=data)
    assert response.status_code == 302
    assert factories.scalars(app, select(Article.body)) == [body]


def test_a_text_over_the_limit_in_chinese_gets_the_forms_message(client_as):
    body = CHINESE * (200_000 // len(CHINESE) + 1)  # about 600 kB
    response = _post_multipart(client_as("editor"), {**GOOD, "body": body})
    assert response.status_code == 422
    assert "the limit is 200,000" in response.get_data(as_text=True)
    assert CHINESE in response.get_data(as_text=True)  # what was pasted stays in the form


def test_a_text_too_large_to_send_gets_the_form_back_with_the_reason(client_as):
    """Past MAX_FORM_MEMORY_SIZE a part of the (multipart) form cannot be read at all: the form
    comes back with the reason beside the text, and the browser tab puts the typing back
    (data-keep-drafts, static/drafts.js)."""
    body = CHINESE * (1_700_000 // len(CHINESE.encode()) + 1)  # about 1.7 MB of UTF-8
    response = _post_multipart(client_as("editor"), {**GOOD, "body": body})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The text is too long to send (1.6 MB); an article holds up to 200,000 characters." in page
    assert 'id="body-error"' in page and "data-keep-drafts" in page and 'name="csrf_token"' in page


def test_an_oversized_request_elsewhere_gets_the_plain_413_page(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    client = client_as("editor")
    boundary, encoded = encode_multipart({**GOOD, "body": "x" * 1_700_000, "version": "1", "csrf_token": client.csrf_token()})
    response = client.post(
        f"/articles/{article}/edit", data=encoded, content_type=f"multipart/form-data; boundary={boundary}", csrf=False
    )
    assert response.status_code == 413
    assert "That upload is too large." in response.get_data(as_text=True)


def _post_bad(client, **changes):
    data = {**GOOD, **changes}
    if "upload" in changes:  # a new file object per request: the client closes it
        content, name = changes["upload"]
        data["upload"] = (io.BytesIO(content), name)
    content_type = "multipart/form-data" if "upload" in changes else None
    kwargs = {"content_type": content_type} if content_type else {}
    return client.post("/articles/new", data=data, **kwargs)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"body": ""}, "The article text is empty."),
        ({"body": "   \n\t  \n"}, "The article text is empty."),
        ({"body": "x" * 200_001}, "the limit is 200,000"),
        ({"url": "javascript:alert(1)"}, "Only http:// and https:// addresses"),
        ({"url": "ftp://files.example.org/a"}, "Only http:// and https:// addresses"),
        ({"url": "https://user:secret@example.org/a"}, "user name or password"),
        ({"url": "https:///no-host"}, "needs a host name"),
        ({"published_on": (date.today() + timedelta(days=3)).isoformat()}, "cannot be in the future"),
        ({"published_on": "2026-13-45"}, "Not a valid date value"),
        ({"title": ""}, "Give the article&#39;s headline."),
        ({"upload": ("café".encode("latin-1"), "a.txt")}, "not in UTF-8"),
        ({"upload": (b"\x89PNG\r\n\x1a\n\x00\x00", "a.txt")}, "binary file"),
        ({"upload": (b"text", "a.pdf")}, "Upload a .txt or .md file"),
    ],
)
def test_bad_input_gets_a_message_and_keeps_what_was_typed(app, client_as, changes, message):
    response = _post_bad(client_as("editor"), **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'class="error"' in page
    if "title" not in changes:
        assert 'value="Council budget passes"' in page  # the typed headline is still there
    if "body" not in changes and "upload" not in changes:
        assert "Taxes rise by 5 percent." in page
    assert factories.scalars(app, select(Article)) == []


def test_an_empty_form_gets_every_message_at_once(client_as):
    response = client_as("editor").post("/articles/new", data={"title": "", "outlet": "", "body": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Give the article&#39;s headline.", "Say where it was published.", "The article text is empty."):
        assert message in page


def test_article_page_highlights_claims_and_lists_them_in_order(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    second = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    first = factories.make_claim(app, article, users["editor"], quote="approved a budget of 412 million dollars")
    overlap = factories.make_claim(app, article, users["editor"], quote="a budget of 412 million dollars on Wednesday")
    page = client_as("viewer").get(f"/articles/{article}").get_data(as_text=True)
    for claim_id in (first, second, overlap):
        assert f'href="/claims/{claim_id}"' in page
    assert "depth-2" in page  # the overlap is tinted deeper
    rail = page.split('class="claim-list"')[1]
    assert rail.index(f"/claims/{first}") < rail.index(f"/claims/{overlap}") < rail.index(f"/claims/{second}")


def test_a_changed_text_becomes_a_revision_and_claims_follow_their_words(app, users, client_as):
    """The text is no longer locked by its claims (unlocking and dropping claims is gone): a new
    text is revision 2, and each claim is found again in it."""
    article = factories.make_article(app, users["editor"])
    kept = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    client = client_as("editor")
    form = client.get(f"/articles/{article}/edit").get_data(as_text=True)
    assert 'name="body"' in form and "saved as revision 2" in form
    new_body = "Updated with the final figures.\n\n" + factories.BODY
    response = client.post(f"/articles/{article}/edit", data={**GOOD, "body": new_body, "version": "1"})
    assert response.status_code == 302
    saved = factories.get(app, Article, article)
    assert saved.title == GOOD["title"] and saved.body == normalize(new_body)
    claim = factories.get(app, Claim, kept)
    assert saved.body[claim.start:claim.end] == "Bus spending rises by 18 percent." and claim.anchor_outcome.value == "unchanged"
    page = client.get(f"/articles/{article}").get_data(as_text=True)
    assert "Saved as revision 2. Claims: 1 kept their words." in page
    actions = factories.scalars(app, select(AuditEvent.action).order_by(AuditEvent.id))
    assert actions[-3:] == ["edited", "text_unchanged", "revised"]
    assert client.get(f"/articles/{article}/unlock").status_code == 404


def test_the_same_text_again_adds_no_revision(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    client = client_as("editor")
    assert client.post(f"/articles/{article}/edit", data={**GOOD, "body": factories.BODY, "version": "1"}).status_code == 302
    assert [r.number for r in factories.scalars(app, select(ArticleRevision).where(ArticleRevision.article_id == article))] == [1]


def normalize(text):
    from factcheck.text import normalize_body

    return normalize_body(text)


def test_two_editors_saving_the_same_article_do_not_overwrite_each_other(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    alice, bob = client_as("editor"), client_as("admin")
    assert alice.post(f"/articles/{article}/edit", data={**GOOD, "title": "Alice's headline", "version": "1"}).status_code == 302
    stale = bob.post(f"/articles/{article}/edit", data={**GOOD, "title": "Bob's headline", "version": "1"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Alice&#39;s headline" in page  # what the other person saved is shown
    assert 'value="Bob&#39;s headline"' in page  # and Bob's typing is kept
    assert factories.get(app, Article, article).title == "Alice's headline"


def test_unknown_article_is_404(client_as):
    assert client_as("viewer").get("/articles/999").status_code == 404


def test_the_author_is_optional_shown_and_edited_with_history(app, users, client_as):
    client = client_as("editor")
    assert client.post("/articles/new", data=GOOD).status_code == 302  # no author: fine
    article = factories.scalars(app, select(Article))[0]
    assert article.author is None
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "Byline:" not in page
    form = client.get(f"/articles/{article.id}/edit").get_data(as_text=True)
    assert "Author or byline" in form and 'name="author"' in form
    response = client.post(f"/articles/{article.id}/edit", data={**GOOD, "author": "  Dana Reporter ", "version": "1"})
    assert response.status_code == 302
    assert factories.get(app, Article, article.id).author == "Dana Reporter"
    assert "Byline: Dana Reporter" in client.get(f"/articles/{article.id}").get_data(as_text=True)
    edited = factories.scalars(app, select(AuditEvent).where(AuditEvent.action == "edited"))
    assert [e.changes["author"] for e in edited] == [[None, "Dana Reporter"]]
    assert client.post(f"/articles/{article.id}/edit", data={**GOOD, "author": "", "version": "2"}).status_code == 302
    assert factories.get(app, Article, article.id).author is None  # cleared again


def test_an_author_too_long_gets_a_message_and_keeps_what_was_typed(app, client_as):
    response = client_as("editor").post("/articles/new", data={**GOOD, "author": "A" * (Article.AUTHOR_MAX + 1)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"longer than {Article.AUTHOR_MAX} characters" in page
    assert 'value="Council budget passes"' in page
    assert factories.scalars(app, select(Article)) == []


def test_a_long_rail_lists_the_first_claims_and_all_on_request(app, users, client_as, monkeypatch):
    """Every claim is highlighted in the text; the rail lists the first ones in the text's order,
    and a link (a plain address, so it works without scripts) lists them all."""
    from factcheck.views import articles

    monkeypatch.setattr(articles, "RAIL_SHOWN", 2)
    article = factories.make_article(app, users["editor"])
    quotes = ["approved a budget of 412 million dollars", "a budget of 412 million dollars on Wednesday",
              "Bus spending rises by 18 percent."]
    first, second, third = (factories.make_claim(app, article, users["editor"], quote=q) for q in quotes)
    client = client_as("editor")
    page = client.get(f"/articles/{article}?suggestions=on&shown=1&picked=1&picked=2").get_data(as_text=True)
    body, rail = page.split('class="claim-list"')
    for claim_id in (first, second, third):
        assert f'href="/claims/{claim_id}"' in body.split('id="article-body"')[1]  # highlighted
    assert 'id="claim-%d"' % first in rail and 'id="claim-%d"' % second in rail
    assert 'id="claim-%d"' % third not in rail
    assert "The first 2 claims in the text's order are listed." in rail
    more = rail.split('class="rail-more"')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert "claims=all" in more and "suggestions=on" in more and "picked=1&picked=2" in more and more.endswith(f"#claim-{third}")
    everything = client.get(more).get_data(as_text=True).split('class="claim-list"')[1]
    assert all('id="claim-%d"' % c in everything for c in (first, second, third))
    assert 'class="rail-more"' not in everything
    ticked = client.get(f"/articles/{article}?selected={third}").get_data(as_text=True)  # back from a bulk action
    assert 'value="%d" class="claim-tick" aria-label="Select claim #%d" checked' % (third, third) in ticked
