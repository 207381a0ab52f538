"""The dashboard's lists answer the same as the plain question would, from the indexes."""

from sqlalchemy import select

from factcheck import workflow
from factcheck.extensions import db
from factcheck.models import OPEN_STATUSES, Article, Claim, DropReason, User
from factcheck.views.main import OPEN_ARTICLES_SHOWN, newest_articles_with_open_claims

from . import factories

SENTENCES = [f"Sentence {n} says the budget rose by {n * 7} percent." for n in range(12)]


def test_newest_articles_with_open_claims_are_those_the_plain_query_finds(app, users):
    editor = users["editor"]
    articles = [factories.make_article(app, editor, body=" ".join(SENTENCES), title=f"A{n}") for n in range(12)]
    for article in articles[:11]:
        factories.make_claim(app, article, editor, quote=SENTENCES[0])
    for sentence in SENTENCES[:11]:  # the newest article has more open claims than the list has rows
        factories.make_claim(app, articles[11], editor, quote=sentence)
    with app.app_context():
        dropped = db.session.scalar(select(Claim).where(Claim.article_id == articles[9]))
        workflow.drop(dropped, by=db.session.get(User, editor), reason=DropReason.NOT_CHECKABLE)
        db.session.commit()
        plain = db.session.scalars(
            select(Article.id)
            .where(Article.id.in_(select(Claim.article_id).where(Claim.status.in_(OPEN_STATUSES))))
            .order_by(Article.id.desc()).limit(OPEN_ARTICLES_SHOWN)
        ).all()
        found = [article.id for article in newest_articles_with_open_claims()]
    assert found == plain == [articles[11], articles[10], *articles[8::-1]][:OPEN_ARTICLES_SHOWN]
