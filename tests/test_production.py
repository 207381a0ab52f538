"""Production serving: unsafe settings refuse to start, an operator can check an install, and
two app servers on one database behave as one (nothing shared lives in process memory)."""

import pytest

from factcheck import UnsafeConfiguration, create_app
from factcheck.models import User

from . import factories
from .conftest import make_app
from .factories import PASSWORD

GOOD_SECRET = "a-long-random-production-secret-0123456789"


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("FACTCHECK_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY is the development default"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_debug_mode(monkeypatch):
    monkeypatch.setenv("FACTCHECK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    with pytest.raises(UnsafeConfiguration, match="debug mode is on"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "DEBUG": True})


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setenv("FACTCHECK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("NEWSROOM_URL", "https://courier.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_check_reports_database_migrations_and_configuration(app):
    result = app.test_cli_runner().invoke(args=["check"])
    assert "reachable" in result.output
    assert "run flask db upgrade" in result.output  # the test schema was made without migrations
    assert "SECRET_KEY" in result.output or "before production" in result.output
    assert result.exit_code == 1


def test_two_app_servers_share_throttle_and_logout(app, backend, users):
    """Two app instances on the same database and secret, like two machines behind a balancer."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    email = factories.get(app, User, users["editor"]).email
    first, second = app.test_client(), other.test_client()

    for _ in range(5):
        assert first.post("/login", data={"email": email, "password": "wrong"}).status_code == 422
    throttled = second.post("/login", data={"email": email, "password": PASSWORD})
    assert throttled.status_code == 429  # the count lives in the database, not in one process

    app.config["LOGIN_THROTTLE_WINDOW_SECONDS"] = other.config["LOGIN_THROTTLE_WINDOW_SECONDS"] = 0
    assert first.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    with first.session_transaction() as session:
        cookie = dict(session)
    with second.session_transaction() as session:
        session.update(cookie)
    assert second.get("/dashboard").status_code == 200  # the same session works on both servers
    assert first.post("/logout").status_code == 302
    assert second.get("/dashboard").status_code == 302  # and signing out on one ends it on both
    with other.app_context():
        from factcheck.extensions import db

        db.engine.dispose()


def test_health_check_answers_without_signing_in_and_says_when_the_database_is_down(app):
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    broken = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/factcheck.db", "SECRET_KEY": "k" * 40})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "database unavailable"}
