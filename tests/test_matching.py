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
