"""Migrations: one head, a full round trip, and no drift between models and migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from factcheck.extensions import db

from .conftest import make_app


@pytest.fixture
def migrated_app(backend):
    url, remove = backend.new_database("factcheck_migrations")
    app = make_app(url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    remove()


def test_one_head(migrated_app):
    with migrated_app.app_context():
        config = migrated_app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_downgrade_upgrade_and_no_drift(migrated_app):
    with migrated_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"


def test_migrated_history_is_append_only(migrated_app):
    with migrated_app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, entity, entity_id, action) "
                    "VALUES (CURRENT_TIMESTAMP, 'article', 1, 'created')"
                )
            )
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM audit_events"))


FIRST = "ee21ff170b03"


def test_upgrade_and_downgrade_keep_existing_data(migrated_app):
    """A newsroom that ran the first release upgrades with its data, and can step back."""
    with migrated_app.app_context():
        upgrade(revision=FIRST)
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (id, email, name, role, password_hash, active, session_token, created_at) "
                "VALUES (1, 'ed@desk.example.org', 'Ed', 'editor', 'x', true, 't1', CURRENT_TIMESTAMP)"
            ))
            conn.execute(text(
                "INSERT INTO articles (id, title, outlet, body, created_by_id, created_at, updated_at, version) "
                "VALUES (1, 'Budget', 'Courier', 'Taxes rose by 5 percent.', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
            ))
            conn.execute(text(
                "INSERT INTO claims (id, article_id, start, \"end\", quote, wording, status, created_by_id, created_at, updated_at, version) "
                "VALUES (1, 1, 0, 10, 'Taxes ros', 'Taxes rose', 'approved', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
            ))
            conn.execute(text(
                "INSERT INTO audit_events (at, actor_id, entity, entity_id, article_id, action) "
                "VALUES (CURRENT_TIMESTAMP, 1, 'claim', 1, 1, 'created')"
            ))
        upgrade(revision="9f60254a6761")  # the word index exists (flask index-claims fills it); its counts do not yet
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO claim_terms (claim_id, term) VALUES (1, 'taxes'), (1, 'rose')"))
        upgrade()
        with db.engine.connect() as conn:
            assert dict(conn.execute(text("SELECT term, claims FROM term_counts")).all()) == {"taxes": 1, "rose": 1}
            row = conn.execute(text("SELECT wording, status, due_has_time, assignee_id FROM claims WHERE id = 1")).one()
            assert tuple(row) == ("Taxes rose", "approved", False, None)
            assert conn.execute(text("SELECT count(*) FROM ratings")).scalar() == 7  # the default scale arrived
            assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1
            assert conn.execute(text("SELECT email FROM users")).scalars().all() == ["ed@desk.example.org"]
            assert conn.execute(text("SELECT count(*) FROM user_sessions")).scalar() == 0  # everyone signs in again
        downgrade(revision=FIRST)
        with db.engine.connect() as conn:
            token = conn.execute(text("SELECT session_token FROM users WHERE id = 1")).scalar()
            assert token not in (None, "t1") and len(token) >= 40  # a fresh random token: the old cookie is dead
            assert conn.execute(text("SELECT wording FROM claims WHERE id = 1")).scalar() == "Taxes rose"
            assert conn.execute(text("SELECT title FROM articles WHERE id = 1")).scalar() == "Budget"
            assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1
