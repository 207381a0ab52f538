import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from factcheck.extensions import db
from factcheck.models import AuditEvent

from . import factories


def test_database_refuses_an_unknown_claim_status(app, users):
    article = factories.make_article(app, users["editor"])
    claim = factories.make_claim(app, article, users["editor"], quote="Bus spending rises by 18 percent.")
    with app.app_context(), pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE claims SET status = 'published' WHERE id = :id"), {"id": claim})
        db.session.commit()


def test_database_refuses_an_empty_span(app, users):
    article = factories.make_article(app, users["editor"])
    with app.app_context(), pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO claims (article_id, start, \"end\", quote, wording, status, created_by_id, created_at, updated_at, version)"
                " VALUES (:a, 5, 5, '', 'x', 'unassigned', :u, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
            ),
            {"a": article, "u": users["editor"]},
        )
        db.session.commit()


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET note = 'rewritten'", "DELETE FROM audit_events"])
def test_history_cannot_be_rewritten_even_in_sql(app, users, statement):
    factories.make_article(app, users["editor"])
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
            db.session.commit()
        db.session.rollback()
        assert db.session.query(AuditEvent).count() == 1
        assert db.session.get(AuditEvent, 1).note is None
