"""Articles that change: each new text is a revision, claims follow their words into it, and the
desk decides about work done on words that changed."""

import io

from sqlalchemy import select

from factcheck.models import Article, ArticleRevision, AuditEvent, Claim, ClaimAnchor, ClaimStatus, User

from . import factories

GOOD = {"title": "Council budget", "outlet": "The Test Courier", "url": "https://courier.example.org/budget", "published_on": "2026-01-05"}
BUS = "Bus spending rises by 18 percent."


def revise(client, app, article_id, body, **extra):
    version = factories.get(app, Article, article_id).version
    return client.post(f"/articles/{article_id}/edit", data={**GOOD, "body": body, "version": version, **extra})


def test_work_on_changed_words_is_flagged_until_an_editor_decides(app, users, client_as):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"], quote=BUS)
    article = factories.get(app, Claim, claim).article_id
    editor = client_as("editor")
    assert revise(editor, app, article, factories.BODY.replace("18 percent", "15 percent")).status_code == 302
    saved = factories.get(app, Claim, claim)
    assert saved.anchor_outcome.value == "changed" and saved.text_changed
    assert saved.quote == "Bus spending rises by 15 percent."
    page = client_as("reviewer").get(f"/claims/{claim}").get_data(as_text=True)
    assert "Text changed since it was checked." in page
    assert "It was “Bus spending rises by 18 percent.”; it now reads “Bus spending rises by 15 percent.”" in page
    assert "An editor decides whether the work still holds." in page
    refused = editor.post(f"/claims/{claim}/text-change", data={"decision": "keep", "note": " ", "version": saved.version})
    assert refused.status_code == 422 and "Say why the work still holds" in refused.get_data(as_text=True)
    kept = editor.post(f"/claims/{claim}/text-change", data={"decision": "keep", "note": "The number is the reviewer's to check anyway.", "version": saved.version})
    assert kept.status_code == 302
    assert not factories.get(app, Claim, claim).text_changed
    actions = factories.scalars(app, select(AuditEvent.action).where(AuditEvent.entity_id == claim, AuditEvent.entity == "claim"))
    assert actions[-2:] == ["text_changed", "text_change_kept"]


def test_an_approved_verdict_on_changed_words_goes_back_as_a_correction_and_readers_keep_the_checked_quote(app, users, client_as):
    claim = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"], quote=BUS)
    article = factories.get(app, Claim, claim).article_id
    editor = client_as("editor")
    assert revise(editor, app, article, factories.BODY.replace("18 percent", "15 percent")).status_code == 302
    reader = app.test_client().get(f"/verdicts/{claim}").get_data(as_text=True)
    assert "18 percent" in reader and "15 percent" not in reader  # the quote that was checked
    version = factories.get(app, Claim, claim).version
    assert editor.post(f"/claims/{claim}/text-change", data={"decision": "recheck", "note": "The article now says 15 percent.", "version": version}).status_code == 302
    saved = factories.get(app, Claim, claim)
    assert saved.status == ClaimStatus.IN_RESEARCH and not saved.text_changed
    assert "The article now says 15 percent." in client_as("reviewer").get("/queue").get_data(as_text=True)


def test_a_claim_whose_sentence_was_deleted_is_no_longer_in_the_text(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    gone = factories.make_claim(app, article, users["editor"], quote=BUS)
    editor = client_as("editor")
    response = revise(editor, app, article, factories.BODY.replace(BUS, ""))
    assert response.status_code == 302
    saved = factories.get(app, Claim, gone)
    assert saved.start is None and saved.anchor_outcome.value == "gone" and saved.quote == BUS
    assert not saved.text_changed  # unassigned: no checked work to decide about
    article_page = editor.get(f"/articles/{article}").get_data(as_text=True)
    assert "Saved as revision 2. Claims: 1 are gone." in article_page
    rail = article_page.split('class="claim-list"')[1]
    assert f'href="/claims/{gone}"' in rail and "no longer in the text" in rail
    assert f'data-claim="{gone}"' not in article_page.split('class="claim-list"')[0]  # not highlighted
    page = editor.get(f"/claims/{gone}").get_data(as_text=True)
    assert "No longer in the text." in page and BUS in page
    # Words that come back in a later revision are found again.
    assert revise(editor, app, article, factories.BODY).status_code == 302
    back = factories.get(app, Claim, gone)
    assert back.anchor_outcome.value == "unchanged" and factories.get(app, Article, article).body[back.start:back.end] == BUS


def test_revisions_list_and_word_by_word_difference_with_claims_marked(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    claim = factories.make_claim(app, article, users["editor"], quote=BUS)
    editor = client_as("editor")
    assert revise(editor, app, article, factories.BODY.replace("18 percent", "15 percent")).status_code == 302
    listing = client_as("viewer").get(f"/articles/{article}/revisions").get_data(as_text=True)
    assert "<strong>2</strong> <span class=\"chip\">current</span>" in listing and "1 changed" in listing
    diff = client_as("viewer").get(f"/articles/{article}/revisions/compare?a=1&b=2").get_data(as_text=True)
    assert f'<del><mark class="diff-claim" title="Claim #{claim}">18 </mark></del>' in diff
    assert f'<ins><mark class="diff-claim" title="Claim #{claim}">15 </mark></ins>' in diff
    assert client_as("viewer").get(f"/articles/{article}/revisions/compare?a=1&b=9").status_code == 404
    with app.app_context():
        from factcheck.extensions import db

        anchors = db.session.scalars(select(ClaimAnchor).where(ClaimAnchor.claim_id == claim).order_by(ClaimAnchor.id)).all()
        assert [(a.outcome, a.quote) for a in anchors] == [("created", BUS), ("changed", "Bus spending rises by 15 percent.")]


def test_two_editors_adding_revisions_at_once_one_wins_the_other_sees_the_conflict(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    alice, bob = client_as("editor"), client_as("admin")
    assert alice.post(f"/articles/{article}/edit", data={**GOOD, "body": factories.BODY + "\n\nAlice's addition.", "version": "1"}).status_code == 302
    stale = bob.post(f"/articles/{article}/edit", data={**GOOD, "body": factories.BODY + "\n\nBob's addition.", "version": "1"})
    assert stale.status_code == 409
    assert "Bob&#39;s addition." in stale.get_data(as_text=True)  # his text is kept in the form
    assert [r.number for r in factories.scalars(app, select(ArticleRevision).where(ArticleRevision.article_id == article))] == [1, 2]


def test_a_word_document_becomes_a_revision(app, users, client_as):
    import docx

    article = factories.make_article(app, users["editor"])
    document = docx.Document()
    document.add_heading("Council budget", level=1)
    for paragraph in factories.BODY.split("\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph)
    document.add_paragraph("A paragraph added in Word.")
    data = io.BytesIO()
    document.save(data)
    response = client_as("editor").post(
        f"/articles/{article}/edit",
        data={**GOOD, "body": "", "version": "1", "upload": (io.BytesIO(data.getvalue()), "budget-v2.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    rows = factories.scalars(app, select(ArticleRevision).where(ArticleRevision.article_id == article).order_by(ArticleRevision.number))
    assert [(r.number, r.source.value, r.source_detail) for r in rows] == [(1, "paste", None), (2, "upload", "budget-v2.docx")]
    body = factories.scalars(app, select(ArticleRevision.body).where(ArticleRevision.id == rows[1].id))[0]
    assert body.startswith("Council budget\n\n") and body.endswith("A paragraph added in Word.")


def test_a_damaged_word_document_is_explained_on_the_form(app, users, client_as):
    article = factories.make_article(app, users["editor"])
    response = client_as("editor").post(
        f"/articles/{article}/edit",
        data={**GOOD, "title": "Typed headline", "body": "", "version": "1", "upload": (io.BytesIO(b"PK\x03\x04 not really"), "broken.docx")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "could not be opened" in page and 'value="Typed headline"' in page


def test_add_revision_command_prints_where_each_claim_went(app, users, tmp_path):
    article = factories.make_article(app, users["editor"])
    kept = factories.make_claim(app, article, users["editor"], quote=BUS)
    editor_email = factories.get(app, User, users["editor"]).email
    new_text = "A new first paragraph.\n\n" + factories.BODY
    path = tmp_path / "v2.txt"
    path.write_text(new_text, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["add-revision", str(article), str(path), "--by", editor_email])
    assert result.exit_code == 0, result.output
    start = new_text.index(BUS)
    assert result.stdout == f"{kept}\tunchanged\t{start}\t{start + len(BUS)}\n"
    again = runner.invoke(args=["add-revision", str(article), "-", "--by", editor_email], input=new_text)
    assert again.exit_code == 0 and again.stderr == "no change\n" and again.stdout == ""
    assert len(factories.scalars(app, select(ArticleRevision).where(ArticleRevision.article_id == article))) == 2


def test_the_flag_shows_in_the_queues_and_the_claims_list(app, users, client_as):
    claim = factories.claim_in(app, "in_research", editor=users["editor"], reviewer=users["reviewer"], quote=BUS)
    in_review = factories.claim_in(app, "in_review", editor=users["editor"], reviewer=users["reviewer"],
                                   quote="Critics said property taxes would rise again.")
    article = factories.get(app, Claim, claim).article_id
    other_article = factories.get(app, Claim, in_review).article_id
    editor = client_as("editor")
    assert revise(editor, app, article, factories.BODY.replace("18 percent", "15 percent")).status_code == 302
    assert revise(editor, app, other_article, factories.BODY.replace("would rise again", "would rise sharply again")).status_code == 302
    assert "text changed since it was checked" in client_as("reviewer").get("/queue").get_data(as_text=True)
    assert "text changed since it was checked" in editor.get("/review").get_data(as_text=True)
    assert "text changed since it was checked" in editor.get("/claims?status=open").get_data(as_text=True)


def test_word_documents_damaged_inside_or_packed_to_explode_get_a_message():
    import zipfile

    import docx
    import pytest

    from factcheck.documents import document_text
    from factcheck.errors import DomainError

    saved = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("A paragraph.")
    document.save(saved)
    source, broken = zipfile.ZipFile(io.BytesIO(saved.getvalue())), io.BytesIO()
    with zipfile.ZipFile(broken, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            out.writestr(item, data[:200] if item.filename == "word/document.xml" else data)
    with pytest.raises(DomainError, match="could not be opened"):
        document_text("cut.docx", broken.getvalue())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("word/document.xml", b"0" * (65 * 1024 * 1024))
    with pytest.raises(DomainError, match="unpacks to more"):
        document_text("bomb.docx", bomb.getvalue())
