"""factcheck: a fact-check workflow tracker for newsrooms. create_app builds the Flask app."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from .extensions import configure_sqlite, csrf, db, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled(folder: str) -> Path:
    """templates/, migrations/ or config/: inside the package in an installed wheel (pyproject.toml
    maps them there), beside it in the source checkout that an editable install runs from."""
    inside = PACKAGE_DIR / folder
    return inside if inside.is_dir() else PACKAGE_DIR.parent / folder


class IdConverter(IntegerConverter):
    """<id:...> in routes: a row id, whose address matches no page (404) beyond what the
    database can hold, instead of reaching a query that would fail."""

    def __init__(self, map, *args, **kwargs):
        from .models import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    # Flask's own instance folder: instance/ in a checkout, <venv>/var/factcheck-instance when
    # installed from the wheel.
    app = Flask(__name__, template_folder=str(bundled("templates")))
    app.config.from_pyfile(str(bundled("config") / "default.py"))
    env_name = os.environ.get("FACTCHECK_ENV", "development")
    if env_name in ("production", "testing"):
        app.config.from_pyfile(str(bundled("config") / f"{env_name}.py"))
    _config_from_environment(app)
    if config:
        app.config.update(config)
    if env_name == "production":
        refuse_unsafe_production(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'factcheck.db'}"

    db.init_app(app)
    migrate.init_app(app, db, directory=str(bundled("migrations")), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)

    from . import api, cli, outbox, security, templating  # noqa: F401 (outbox: wakes the RQ worker after commits)
    from .views import admin, articles, auth, checking, claims, evidence, exports, main, notifications, public, queues, tips

    app.url_map.converters["id"] = IdConverter  # before any route is added

    @app.teardown_request
    def roll_back_what_was_not_committed(_error=None) -> None:
        # A view commits what it changed; whatever it left (an error, an abort) is undone here,
        # so no view has to remember to roll back. (A request that never used the session, such
        # as a public page answered from its validator, has none to roll back.)
        if db.session.registry.has():
            db.session.rollback()

    security.init_app(app)
    templating.init_app(app)
    for module in (main, auth, articles, claims, checking, evidence, queues, exports, admin, public, tips, notifications):
        app.register_blueprint(module.bp)
    # API requests are signed in by a bearer token only, never the session cookie, so a forged
    # cross-site request has nothing to ride on: no CSRF token is needed (factcheck.api.common).
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    cli.init_app(app)
    return app


class UnsafeConfiguration(RuntimeError):
    """Production settings that would put the newsroom at risk."""


def refuse_unsafe_production(app: Flask) -> None:
    """Stop before serving with a known secret key (anyone could forge sessions) or debug on
    (anyone could run code from the error page)."""
    problems = config_problems(app.config, production=True)
    fatal = [p for p in problems if p.startswith("FATAL")]
    if fatal:
        raise UnsafeConfiguration("factcheck will not start in production: " + " ".join(f[7:] for f in fatal))


def config_problems(config, production: bool) -> list[str]:
    """What an operator should fix, 'FATAL: ' first where production must not start."""
    problems = []
    if production:
        if not config.get("SECRET_KEY") or config["SECRET_KEY"] == config.get("DEFAULT_SECRET_KEY"):
            problems.append("FATAL: SECRET_KEY is the development default; set SECRET_KEY to a long random value.")
        elif len(str(config["SECRET_KEY"])) < 32:
            problems.append("FATAL: SECRET_KEY is shorter than 32 characters.")
        if config.get("DEBUG"):
            problems.append("FATAL: debug mode is on; unset FLASK_DEBUG.")
        if not config.get("SQLALCHEMY_DATABASE_URI") or str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
            problems.append("DATABASE_URL is not set or is SQLite; several app servers need PostgreSQL.")
        if not config.get("NEWSROOM_URL"):
            problems.append(
                "FATAL: NEWSROOM_URL is not set; set it to the https address readers reach the "
                "published verdicts at (ClaimReview and the feed build their links from it)."
            )
        if config.get("APP_URL", "").startswith("http://127.0.0.1"):
            problems.append("APP_URL is the development address; links to claims in exports start with it.")
        if not config.get("SESSION_COOKIE_SECURE"):
            problems.append("SESSION_COOKIE_SECURE is off; serve over https.")
    from .outgoing import parse_networks

    try:
        parse_networks(config.get("FETCH_ALLOWED_NETWORKS"))
    except ValueError as error:  # every fetch from a link would fail until it is fixed
        problems.append(f"{error}; articles cannot be fetched from a link until it is fixed.")
    return problems


def _config_from_environment(app: Flask) -> None:
    env = os.environ
    if env.get("DATABASE_URL"):
        url = env["DATABASE_URL"]
        # Plain postgres:// URLs (as hosting platforms hand them out) mean psycopg 3 here.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                url = "postgresql+psycopg://" + url[len(prefix):]
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    for key in ("SECRET_KEY", "NEWSROOM_NAME", "NEWSROOM_URL", "NEWSROOM_TIMEZONE", "APP_URL", "FETCH_ALLOWED_NETWORKS",
                "NEWSROOM_LOGO_URL", "NEWSROOM_ADDRESS"):
        if env.get(key):
            app.config[key] = env[key]
    for key in ("TIP_CONTACT_DAYS", "TIPS_PER_ADDRESS"):
        if env.get(key, "").isdigit():
            app.config[key] = int(env[key])
    # Outgoing email (factcheck.mail) and the queue that wakes the delivery worker.
    for key in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "REDIS_URL"):
        if env.get(key):
            app.config[key] = env[key]
    if env.get("MAIL_PORT"):
        app.config["MAIL_PORT"] = int(env["MAIL_PORT"])
    for key in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        if env.get(key):
            app.config[key] = env[key].strip().lower() in ("1", "true", "yes", "on")
