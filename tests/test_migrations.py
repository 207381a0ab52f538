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
