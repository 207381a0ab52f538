"""Delivering 1,000 queued notifications: emails through a real SMTP server (aiosmtpd) and
webhook deliveries to a local HTTP receiver, by the outbox worker (what `flask deliver` runs).
Both servers run in processes of their own, so the times are the worker's and the database's.

    .venv/bin/python bench/deliver.py                      # fresh SQLite file
    .venv/bin/python bench/deliver.py --postgres           # throwaway PostgreSQL database
    .venv/bin/python bench/deliver.py --messages 5000
"""

import argparse
import socket
import sys
import tempfile
import subprocess
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.models import Channel, NotificationKind, OutboxMessage, Role, User, WebhookEndpoint  # noqa: E402
from factcheck.notify import notify  # noqa: E402
from factcheck.outbox import deliver_pending  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    drop = None
    if args.postgres:
        import psycopg

        name = f"factcheck_deliver_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

        def drop():
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/deliver.db"
    port, http_port = free_port(), free_port()
    servers = [
        subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]),
        subprocess.Popen([sys.executable, "-c", RECEIVER, str(http_port)]),
    ]
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
        "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8", "APP_URL": "https://factcheck.example.org",
    })
    try:
        wait_for(port)
        wait_for(http_port)
        with app.app_context():
            db.create_all()
            people = [User(email=f"r{i}@example.org", name=f"Reviewer {i}", role=Role.REVIEWER, password_hash="x") for i in range(50)]
            db.session.add_all(people)
            db.session.commit()
            started = time.perf_counter()
            for i in range(args.messages):
                notify(people[i % len(people)], NotificationKind.ASSIGNED, i + 1, f"Editor assigned you claim #{i + 1}, due 14 Mar 2031: “The budget rose”")
            db.session.commit()
            queued = time.perf_counter() - started
            print(f"backend              {db.engine.dialect.name}")
            print(f"queue {args.messages:,} emails    {queued:.2f} s  ({queued / args.messages * 1000:.2f} ms each, paid inside the move's transaction)")

            started = time.perf_counter()
            report = deliver_pending()
            took = time.perf_counter() - started
            assert report.delivered == args.messages, report
            print(f"deliver {args.messages:,} emails  {took:.2f} s  ({args.messages / took:,.0f} per second, SMTP on 127.0.0.1)")

            endpoint = WebhookEndpoint(url=f"http://127.0.0.1:{http_port}/hook", secret="whsec_bench", events=["claim.approved"])
            db.session.add(endpoint)
            db.session.flush()
            db.session.add_all(
                OutboxMessage(key=f"bench:{i}", channel=Channel.WEBHOOK, endpoint_id=endpoint.id, event="claim.approved", payload={"body": '{"type": "claim.approved", "claim": {"id": %d}}' % i})
                for i in range(args.messages)
            )
            db.session.commit()
            started = time.perf_counter()
            report = deliver_pending()
            took = time.perf_counter() - started
            assert report.delivered == args.messages, report
            print(f"deliver {args.messages:,} webhooks {took:.2f} s  ({args.messages / took:,.0f} per second, signed, HTTP on 127.0.0.1)")
            left = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.delivered_at.is_(None)))
            print(f"left in the outbox   {left}")
            db.session.remove()
            db.engine.dispose()
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        if drop:
            drop()


if __name__ == "__main__":
    main()
