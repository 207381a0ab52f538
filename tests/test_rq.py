"""With REDIS_URL, a commit that queues messages also queues an RQ job that delivers them at
once, and a failed delivery books the job for its retry; without Redis nothing is lost. Runs
against the Redis on 127.0.0.1:6379 (database 15) when one answers."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import OutboxMessage

from .test_mail import assign, deliver, free_port, smtp  # noqa: F401 (the SMTP fixture)

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_or_skip():
    """The Redis connection; without a server these tests are skipped on a laptop, and fail in CI
    (.ci/run sets FACTCHECK_REQUIRE_REDIS=1), so a missing Redis never passes unseen there."""
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("FACTCHECK_REQUIRE_REDIS") == "1":
            pytest.fail("Redis is required (FACTCHECK_REQUIRE_REDIS=1) but none answers at 127.0.0.1:6379")
        pytest.skip("no Redis at 127.0.0.1:6379")
    return connection


@pytest.fixture
def queue(app):
    from rq import Queue

    connection = redis_or_skip()
    queue = Queue("factcheck-outbox", connection=connection)
    queue.empty()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)
    app.config["REDIS_URL"] = REDIS_URL
    yield queue
    queue.empty()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)


def work(app, queue) -> None:
    from rq import SimpleWorker

    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        db.session.remove()


def test_an_assignment_is_emailed_by_the_rq_worker_right_after_the_commit(app, users, smtp, queue):  # noqa: F811
    assign(app, users)
    assert queue.count == 1  # queued by the commit of the move, not by the view
    assert smtp.envelopes == []
    work(app, queue)
    assert len(smtp.envelopes) == 1
    assert queue.scheduled_job_registry.count == 0  # nothing left to retry


def test_a_failed_delivery_books_the_job_for_its_retry(app, users, smtp, queue):  # noqa: F811
    app.config["MAIL_PORT"] = free_port()  # the server is down
    assign(app, users)
    work(app, queue)
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.attempts == 1 and message.delivered_at is None
    [job_id] = queue.scheduled_job_registry.get_job_ids()
    assert queue.fetch_job(job_id).func_name == "factcheck.outbox.deliver_job"


def test_without_redis_the_move_succeeds_and_flask_deliver_sends_it(app, users, smtp):  # noqa: F811
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    assign(app, users)
    assert smtp.envelopes == []
    assert deliver(app).delivered == 1 and len(smtp.envelopes) == 1


def test_the_rq_worker_command_delivers_with_the_apps_environment(app, users, smtp, queue):  # noqa: F811
    import os
    import subprocess
    import sys
    from pathlib import Path

    assign(app, users)
    env = {
        **os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port), "APP_URL": app.config["APP_URL"], "REDIS_URL": REDIS_URL,
    }
    rq = Path(sys.executable).parent / "rq"
    worker = subprocess.run([str(rq), "worker", "--burst", "--url", REDIS_URL, "factcheck-outbox"], env=env, capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert len(smtp.envelopes) == 1
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage)).delivered_at is not None
