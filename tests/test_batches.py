"""Commands that go through a whole table read it in batches by id and commit after each batch,
so they work on PostgreSQL (where a commit ends a cursor held open) at any size."""

import pytest
from sqlalchemy import delete, event, select

from factcheck import cli
from factcheck.batches import in_batches
from factcheck.extensions import db
from factcheck.matching import terms
from factcheck.models import Article, Claim, ClaimTerm, Sentence, TermCount

from . import factories

SENTENCES = [f"Sentence {n} says tram fares rose by {n * 7} percent in {2000 + n}." for n in range(8)]


@pytest.fixture
def commits(app):
    """How many transactions the database has committed since the test asked."""
    seen = []
    with app.app_context():
        engine = db.engine

    def listener(_connection):
        seen.append(1)

    event.listen(engine, "commit", listener)
    yield seen
    event.remove(engine, "commit", listener)


def test_index_claims_rebuilds_the_word_index_a_batch_at_a_time(app, users, monkeypatch, commits):
    monkeypatch.setattr(cli, "CLAIMS_BATCH", 3)
    article = factories.make_article(app, users["editor"], body=" ".join(SENTENCES))
    for sentence in SENTENCES:
        factories.make_claim(app, article, users["editor"], quote=sentence)
    with app.app_context():
        db.session.execute(delete(ClaimTerm))
        db.session.execute(delete(TermCount))
        db.session.commit()
    commits.clear()
    result = app.test_cli_runner().invoke(args=["index-claims"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "8 claims indexed; word counts rebuilt."
    assert len(commits) >= 3  # 8 claims, 3 at a time
    with app.app_context():
        for claim in db.session.scalars(select(Claim)):
            kept = set(db.session.scalars(select(ClaimTerm.term).where(ClaimTerm.claim_id == claim.id)))
            assert kept == terms(f"{claim.wording} {claim.quote}")
        assert db.session.scalar(select(TermCount.claims).where(TermCount.term == "tram")) == 8


def test_score_articles_scores_a_batch_at_a_time(app, users, monkeypatch, commits):
    monkeypatch.setattr(cli, "ARTICLES_BATCH", 2)
    articles = [factories.make_article(app, users["editor"], body=" ".join(SENTENCES[:n + 2])) for n in range(5)]
    with app.app_context():
        for article in db.session.scalars(select(Article)):
            article.scored_with = None
        for sentence in db.session.scalars(select(Sentence)):
            sentence.score = None
        db.session.commit()
    commits.clear()
    result = app.test_cli_runner().invoke(args=["score-articles"])
    assert result.exit_code == 0, result.output
    from factcheck.suggest import suggester

    assert result.output.splitlines()[-1] == f"5 articles scored with {suggester().version}."
    assert len(commits) >= 3  # 5 articles, 2 at a time
    with app.app_context():
        assert all(s.score is not None for s in db.session.scalars(select(Sentence)))
        assert None not in set(db.session.scalars(select(Article.scored_with).where(Article.id.in_(articles))))
    again = app.test_cli_runner().invoke(args=["score-articles"])
    assert again.output.splitlines()[-1].startswith("0 articles scored")


def test_batches_cover_every_row_once_in_key_order(app, users):
    article = factories.make_article(app, users["editor"], body=" ".join(SENTENCES))
    made = [factories.make_claim(app, article, users["editor"], quote=s) for s in SENTENCES[:7]]
    with app.app_context():
        sizes, seen = [], []
        for batch in in_batches(select(Claim).where(Claim.id != made[3]), Claim.id, 2):
            sizes.append(len(batch))
            seen += [claim.id for claim in batch]
            db.session.commit()  # as the commands do; the next batch starts after the last id
        assert seen == sorted(set(made) - {made[3]}) and sizes == [2, 2, 2]
        assert list(in_batches(select(Claim).where(Claim.id < 0), Claim.id, 2)) == []
