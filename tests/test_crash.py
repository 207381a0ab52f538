"""Kill a process in the middle of its work, forty times: the SQLite file stays sound and every
claim's status agrees with its history (no half-done move), and the counts by status with the claims."""

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from factcheck.counts import status_counts
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus

from . import factories
from .conftest import make_app

KILLS = 40
ROOT = Path(__file__).resolve().parent.parent


def check_sound(app) -> None:
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        for claim in db.session.scalars(select(Claim)):
            last = db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity == "claim", AuditEvent.entity_id == claim.id, AuditEvent.to_status.is_not(None))
                .order_by(AuditEvent.id.desc())
                .limit(1)
            ).first()
            assert last.to_status == claim.status.value, f"claim {claim.id} is {claim.status} but its history says {last.to_status}"
        counted = dict(db.session.execute(select(Claim.status, db.func.count()).group_by(Claim.status)).all())
        assert status_counts() == {status: counted.get(status, 0) for status in ClaimStatus}  # the dashboard's counts too
        db.session.remove()


def kill_repeatedly(app, url: str, kills: int, rng: random.Random) -> int:
    """Start the worker, let it move claims for a random moment, SIGKILL it, check the file;
    `kills` times. Returns the number of history rows written."""
    for _ in range(kills):
        # `with` closes the worker's pipes, which pytest would otherwise report as unclosed files.
        with subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "crash_worker.py"), url, str(ROOT)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ) as worker:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
            time.sleep(rng.uniform(0.02, 0.25))
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        check_sound(app)
    with app.app_context():
        return db.session.scalar(select(db.func.count()).select_from(AuditEvent))


def test_sigkill_at_random_points_leaves_no_half_done_move(users_file):
    app, url = users_file
    assert kill_repeatedly(app, url, KILLS, random.Random(1)) > KILLS  # work really happened


def small_newsroom_file(path: Path):
    """A SQLite file (the crash test checks SQLite's own file; PostgreSQL's durability is its
    server's job) with an editor, a reviewer and three claims."""
    url = f"sqlite:///{path}"
    app = make_app(url)
    from factcheck.ratings import install_default_scale

    with app.app_context():
        db.create_all()
        install_default_scale()
        db.session.commit()
    editor = factories.make_user(app, role="editor")
    factories.make_user(app, role="reviewer")
    article = factories.make_article(app, editor)
    for quote in ("Bus spending rises by 18 percent.", "Critics said property taxes would rise again.", "approved a budget"):
        factories.make_claim(app, article, editor, quote=quote)
    return app, url


@pytest.fixture
def users_file(tmp_path):
    app, url = small_newsroom_file(tmp_path / "crash.db")
    yield app, url
    with app.app_context():
        db.engine.dispose()
