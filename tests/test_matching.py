"""Already checked: earlier claims from other articles that say nearly the same thing."""

from sqlalchemy import select

from factcheck.extensions import db
from factcheck.matching import similar_claims, terms
from factcheck.models import Claim, ClaimStatus

from . import factories

EARLIER = (
    "The mayor said unemployment in Riverside fell to 3.2 percent in March. "
    "The harbour terminal will create 5,000 permanent jobs, the port authority said. "
    "Bus fares rose twice last year."
)
LATER = "Council budget approved. Unemployment in Riverside fell to 3.2 percent in March, the mayor claimed."


def test_terms_are_content_words():
    assert terms("The mayor said THE unemployment fell to 3.2%") == {"mayor", "unemployment", "fell"}


def test_a_near_duplicate_from_another_article_is_found(app, users):
    earlier = factories.make_article(app, users["editor"], body=EARLIER)
    first = factories.make_claim(app, earlier, users["editor"], quote="The mayor said unemployment in Riverside fell to 3.2 percent in March.")
    factories.make_claim(app, earlier, users["editor"], quote="The harbour terminal will create 5,000 permanent jobs, the port authority said.")
    later = factories.make_article(app, users["editor"], body=LATER)
    with app.app_context():
        matches = similar_claims("Unemployment in Riverside fell to 3.2 percent in March", exclude_article=later)
        assert [m.claim.id for m in matches] == [first]
        assert 0.35 <= matches[0].similarity <= 1
        assert similar_claims("Unemployment in Riverside fell", exclude_article=earlier) == []  # not its own article
        assert similar_claims("Bananas are yellow", exclude_article=later) == []


def test_the_claim_form_offers_matches_and_records_a_duplicate(app, users, client_as):
    earlier = factories.make_article(app, users["editor"], body=EARLIER)
    original = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"], article=earlier,
                                  quote="The mayor said unemployment in Riverside fell to 3.2 percent in March.")
    later = factories.make_article(app, users["editor"], body=LATER)
    start = LATER.index("Unemployment")
    end = LATER.index(", the mayor")
    client = client_as("editor")
    form = client.get(f"/articles/{later}/claims/new?start={start}&end={end}").get_data(as_text=True)
    assert "Already checked?" in form and f'value="{original}"' in form and "Approved" in form
    response = client.post(f"/articles/{later}/claims/new", data={"start": start, "end": end, "duplicate_of": original})
    assert response.status_code == 302
    [new] = factories.scalars(app, select(Claim).where(Claim.article_id == later))
    assert new.status == ClaimStatus.DROPPED and new.drop_reason.value == "duplicate"
    page = client.get(f"/claims/{new.id}").get_data(as_text=True)
    assert f"Duplicate of claim #{original}." in page


def test_marking_a_duplicate_of_a_claim_that_does_not_exist_is_refused(app, users, client_as):
    later = factories.make_article(app, users["editor"], body=LATER)
    response = client_as("editor").post(f"/articles/{later}/claims/new", data={"start": 0, "end": 15, "duplicate_of": 99999})
    assert response.status_code == 422 and "could not be found" in response.get_data(as_text=True)
    assert factories.scalars(app, select(Claim)) == []


def test_rewording_a_claim_updates_what_it_matches(app, users):
    earlier = factories.make_article(app, users["editor"], body=EARLIER)
    claim = factories.make_claim(app, earlier, users["editor"], quote="Bus fares rose twice last year.")
    from factcheck import workflow
    from factcheck.models import User

    with app.app_context():
        workflow.edit_claim(db.session.get(Claim, claim), by=db.session.get(User, users["editor"]),
                            wording="Tram tickets doubled in price", claimant=None)
        db.session.commit()
        assert [m.claim.id for m in similar_claims("tram tickets doubled in price")] == [claim]


def test_word_counts_follow_claims_as_they_are_created_reworded_and_deleted(app, users, client_as):
    from factcheck.models import ClaimTerm, TermCount

    def counts_agree():
        with app.app_context():
            kept = dict(db.session.execute(select(TermCount.term, TermCount.claims).where(TermCount.claims > 0)).all())
            actual = dict(db.session.execute(select(ClaimTerm.term, db.func.count()).group_by(ClaimTerm.term)).all())
            return kept == actual and kept

    earlier = factories.make_article(app, users["editor"], body=EARLIER)
    first = factories.make_claim(app, earlier, users["editor"], quote="The mayor said unemployment in Riverside fell to 3.2 percent in March.")
    second = factories.make_claim(app, earlier, users["editor"], quote="Bus fares rose twice last year.")
    kept = counts_agree()
    assert kept["riverside"] == 1 and kept["fares"] == 1
    client = client_as("editor")
    version = factories.get(app, Claim, second).version
    assert client.post(f"/claims/{second}/edit", data={"wording": "Bus fares in Riverside rose twice", "version": version}).status_code == 302
    kept = counts_agree()
    assert kept["riverside"] == 2 and kept["fares"] == 1  # the quote keeps its own words
    version = factories.get(app, Claim, first).version
    assert client.post(f"/claims/{first}/delete", data={"confirm": "y", "version": version}).status_code == 302
    kept = counts_agree()
    assert kept["riverside"] == 1 and "unemployment" not in kept
    result = app.test_cli_runner().invoke(args=["index-claims"])
    assert result.exit_code == 0 and counts_agree() == kept


BRAINS = "Humans use only 10 percent of their brains, the speaker said."
BRAINS_REWORDED = "People only ever use a tenth of their brain."


def _forget_vectors(app):
    from factcheck.models import ClaimVector

    with app.app_context():
        db.session.execute(db.delete(ClaimVector))
        db.session.commit()


def test_a_rewording_with_other_words_is_found_once_every_claim_has_its_vector(app, users):
    """After an upgrade the claims have no vectors yet: words are used (and miss the rewording)
    until flask index-claims writes them, which flask check points to."""
    earlier = factories.make_article(app, users["editor"], body=BRAINS)
    original = factories.make_claim(app, earlier, users["editor"], quote=BRAINS)
    later = factories.make_article(app, users["editor"], body=BRAINS_REWORDED)
    _forget_vectors(app)
    runner = app.test_cli_runner()
    assert "1 have none; run flask index-claims" in runner.invoke(args=["check"]).output
    with app.app_context():
        assert similar_claims(BRAINS_REWORDED, exclude_article=later) == []
    result = runner.invoke(args=["index-claims"])
    assert result.exit_code == 0 and "sentence vectors written by" in result.output
    assert "matching       by sentence vectors" in runner.invoke(args=["check"]).output
    with app.app_context():
        [match] = similar_claims(BRAINS_REWORDED, exclude_article=later)
        assert match.claim.id == original and match.similarity >= 0.66


def test_the_claim_form_lists_a_rewording_of_an_earlier_claim(app, users, client_as):
    earlier = factories.make_article(app, users["editor"], body=BRAINS)
    original = factories.claim_in(app, "approved", editor=users["editor"], reviewer=users["reviewer"], article=earlier, quote=BRAINS)
    later = factories.make_article(app, users["editor"], body=BRAINS_REWORDED)
    form = client_as("editor").get(f"/articles/{later}/claims/new?start=0&end={len(BRAINS_REWORDED)}").get_data(as_text=True)
    assert "Already checked?" in form and f'value="{original}"' in form and "% alike" in form


def test_each_search_sees_claims_written_created_reworded_and_deleted_since_the_last(app, users):
    """The vectors a server keeps in memory follow the database: new claims, rewordings and
    deletions by anyone, and a row that committed late with an older seq."""
    from factcheck import workflow
    from factcheck.models import ClaimVector, User

    earlier = factories.make_article(app, users["editor"], body=EARLIER)
    later = factories.make_article(app, users["editor"], body=BRAINS_REWORDED)
    fares = factories.make_claim(app, earlier, users["editor"], quote="Bus fares rose twice last year.")

    def found(text):
        with app.app_context():
            return [m.claim.id for m in similar_claims(text, exclude_article=later)]

    assert found("Bus fares went up two times last year") == [fares]  # the copy is loaded
    jobs = factories.make_claim(app, earlier, users["editor"], quote="The harbour terminal will create 5,000 permanent jobs, the port authority said.")
    assert found("The port authority says the new terminal brings 5,000 permanent jobs") == [jobs]
    with app.app_context():
        workflow.edit_claim(db.session.get(Claim, fares), by=db.session.get(User, users["editor"]),
                            wording="Tram tickets doubled in price", claimant=None)
        db.session.commit()
    assert found("Bus fares went up two times last year") == []
    assert found("The price of a tram ticket went up twofold") == [fares]
    # A claim whose transaction took its seq before the copy's newest row, and committed after.
    # (A rewording that shares no word with it: words alone would not find it.)
    brains = factories.make_claim(app, factories.make_article(app, users["editor"], body=BRAINS), users["editor"], quote=BRAINS)
    with app.app_context():
        db.session.execute(db.update(ClaimVector).where(ClaimVector.claim_id == brains).values(seq=1))
        db.session.commit()
    assert found(BRAINS_REWORDED) == [brains]
    client_version = factories.get(app, Claim, jobs).version
    with app.app_context():
        workflow.delete_claim(db.session.get(Claim, jobs), by=db.session.get(User, users["editor"]),
                              expected_version=client_version)
        db.session.commit()
    assert found("The port authority says the new terminal brings 5,000 permanent jobs") == []


def test_the_paraphrase_set_holds_at_least_100_claims_with_rewordings_and_near_misses():
    from factcheck.matching_evaluation import load_paraphrases

    claims, queries = load_paraphrases()
    paraphrases = [q for q in queries if q.paraphrase]
    assert len(claims) >= 100 and len(paraphrases) >= 100 and len(queries) - len(paraphrases) >= 90
    assert {q.group for q in paraphrases} == set(claims)  # every claim has a rewording
