"""Test fixtures. Every test that takes `app` runs once on SQLite and once on PostgreSQL
(when a server is reachable; FACTCHECK_REQUIRE_POSTGRES=1 turns its absence into a failure)."""

from __future__ import annotations

import hashlib
import os
import secrets
import uuid

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text

from factcheck import create_app
from factcheck.extensions import db
from factcheck.ratings import install_default_scale

from . import factories

POSTGRES_ADMIN_URL = os.environ.get(
    "FACTCHECK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("FACTCHECK_REQUIRE_POSTGRES") == "1"


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as error:  # any failure means: not usable for this run
        return str(error).strip() or type(error).__name__


def _backends() -> list[str]:
    wanted = os.environ.get("FACTCHECK_TEST_BACKENDS", "sqlite,postgresql").split(",")
    backends = [b.strip() for b in wanted if b.strip()]
    if "postgresql" in backends:
        problem = postgres_reachable()
        if problem:
            if REQUIRE_POSTGRES:
                pytest.exit(f"PostgreSQL is required but not reachable at {POSTGRES_ADMIN_URL}: {problem}", 1)
            backends.remove("postgresql")
    return backends


BACKENDS = _backends()


def pytest_report_header(config):
    return f"factcheck database backends: {', '.join(BACKENDS)}"


class PostgresDatabase:
    """A throwaway database on the local server, dropped when the session ends."""

    def __init__(self, prefix: str):
        import psycopg

        self.name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        self.url = base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + self.name

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Backend:
    def __init__(self, name: str, tmp_path_factory):
        self.name = name
        self.tmp = tmp_path_factory.mktemp(name)
        self.pg = PostgresDatabase("factcheck_test") if name == "postgresql" else None
        self.schema_ready = False
        self.counter = 0

    def new_url(self) -> str:
        if self.pg:
            return self.pg.url
        self.counter += 1
        return f"sqlite:///{self.tmp / f'test{self.counter}.db'}"

    def prepare(self) -> None:
        """A schema holding only the default rating scale, as a fresh migrated database does:
        a new file on SQLite, emptied tables on PostgreSQL."""
        if self.pg and self.schema_ready:
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.create_all()
            self.schema_ready = True
        install_default_scale()
        db.session.commit()

    def new_database(self, prefix: str) -> tuple[str, callable]:
        """A separate empty database (for migration tests) and a function that removes it."""
        if self.name == "postgresql":
            pg = PostgresDatabase(prefix)
            return pg.url, pg.drop
        self.counter += 1
        return f"sqlite:///{self.tmp / f'{prefix}{self.counter}.db'}", lambda: None


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory):
    backend = Backend(request.param, tmp_path_factory)
    yield backend
    if backend.pg:
        backend.pg.drop()


class Client(FlaskClient):
    """A test client that sends a valid CSRF token with every POST, as the browser does,
    unless the test passes csrf=False."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", hashlib.sha1(secrets.token_bytes(64)).hexdigest())
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = dict(kwargs.pop("data", None) or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


def make_app(url: str, **config):
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "NEWSROOM_NAME": "Test Desk",
        "NEWSROOM_URL": "https://desk.example.org",
        "APP_URL": "https://factcheck.desk.example.org",
    }
    settings.update(config)
    app = create_app(settings)
    app.test_client_class = Client
    return app


@pytest.fixture
def app(backend):
    app = make_app(backend.new_url())
    with app.app_context():
        backend.prepare()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def users(app):
    """One account per role, by role name: {'admin': id, 'editor': id, ...}."""
    return {role: factories.make_user(app, role=role) for role in ("admin", "editor", "reviewer", "viewer")}


@pytest.fixture
def client_as(app, users):
    """client_as('editor') is a client signed in as that role's account."""

    def sign_in(role: str) -> Client:
        client = app.test_client()
        factories.sign_in(client, app, users[role])
        return client

    return sign_in
