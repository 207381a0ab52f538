"""The API's claims list beside the HTML claims list, under gunicorn at 100,000 claims:
requests/s and p95 of each, on the same filters and page size (50).

    .venv/bin/python bench/generate.py --claims 100000 --out /tmp/factcheck-bench.db
    .venv/bin/python bench/api_list.py /tmp/factcheck-bench.db [--workers 3] [--clients 8] [--seconds 10]
    .venv/bin/python bench/api_list.py postgresql+psycopg://postgres@127.0.0.1/bench

The HTML list is read with an editor's session cookie, the API with a write token of the same
editor. Every API request also counts against its token's rate limit (one UPDATE ... RETURNING
committed on its own, so the count holds across app servers); the limit is set high here so no
request is refused. A middle page is read by its keyset cursor (after=<id>), as a client paging
through would. Load comes from threads in this process over HTTP/1.1 keep-alive connections.
"""

import argparse
import http.client
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import SECRET, database_url, serve, session_cookie  # noqa: E402

QUERIES = {
    "approved, newest": "status=approved&sort=newest",
    "approved, middle page": "status=approved&sort=newest&after={middle}",
    "open, due soonest": "status=open&sort=due",
    "words 'budget tax'": "q=budget+tax",
}


def make_token(database: str) -> tuple[str, int]:
    """A write token of the editor the HTML list is read as, and the middle claim id."""
    from sqlalchemy import func, select

    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.models import Claim, Role, User
    from factcheck.tokens import create_token

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": SECRET})
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == Role.EDITOR).limit(1))
        _row, raw = create_token(editor, name="bench", scope="write", by=None)
        db.session.commit()
        middle = db.session.scalar(select(func.max(Claim.id))) // 2
    return raw, middle


def load(port: int, path: str, headers: dict, clients: int, seconds: float) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    errors: list[int] = []
    stop = time.perf_counter() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return (
        len(latencies) / elapsed,
        latencies[len(latencies) // 2] * 1000,
        latencies[int(len(latencies) * 0.95) - 1] * 1000,
        len(errors),
    )


def in_process(database: str, token: str, middle: int, requests: int) -> list[tuple]:
    """The same lists through Flask's test client: wall-clock and CPU time per request without
    a server or a network, steadier than the gunicorn figures on a machine shared with other work."""
    import statistics

    from sqlalchemy import select

    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.models import Role, User
    from factcheck.sessions import start_session

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": SECRET, "API_RATE_LIMIT": 10**9})
    with app.app_context():
        session_token = start_session(db.session.scalar(select(User).where(User.role == Role.EDITOR).limit(1)), "bench")
        db.session.commit()
    browser, script = app.test_client(), app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_token, True
    rows = []
    for name, query in QUERIES.items():
        query = query.format(middle=middle)
        figures = []
        for client, path, headers in (
            (browser, f"/claims?{query}", {}),
            (script, f"/api/v1/claims?{query}", {"Authorization": f"Bearer {token}"}),
        ):
            client.get(path, headers=headers)  # warm up
            wall, cpu = [], []
            for _ in range(requests):
                started, started_cpu = time.perf_counter(), time.process_time()
                assert client.get(path, headers=headers).status_code == 200, path
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            wall.sort()
            cpu.sort()
            figures.append((statistics.median(wall), wall[int(len(wall) * 0.95) - 1], statistics.median(cpu)))
        rows.append((name, *figures))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--requests", type=int, default=30, help="in-process requests per list and query")
    args = parser.parse_args()
    database = database_url(args.database)
    cookie = session_cookie(database)
    token, middle = make_token(database)
    print(f"{database.split('://')[0]}, in-process (test client), {args.requests} requests each: median / p95 wall-clock, median CPU")
    print(f"{'query':24} {'HTML list':>36}   {'API list':>36}")
    for name, html, api in in_process(database, token, middle, args.requests):
        cells = [f"{p50:6.1f} / {p95:6.1f} ms  cpu {cpu:6.1f} ms" for p50, p95, cpu in (html, api)]
        print(f"{name:24} {cells[0]:>36}   {cells[1]:>36}")
    print()
    env = {"FACTCHECK_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database,
           "NEWSROOM_URL": "https://bench.example.org", "API_RATE_LIMIT": str(10**9)}
    rows = []
    server = serve("factcheck:create_app()", 8093, args.workers, env)
    try:
        # Untimed: every worker opens its connections and reads the tables into the cache once,
        # so the first list measured is not charged for starting up.
        load(8093, "/claims?status=approved", {"Cookie": f"factcheck_session={cookie}"}, args.clients, 2)
        load(8093, "/api/v1/claims?status=approved", {"Authorization": f"Bearer {token}"}, args.clients, 2)
        for name, query in QUERIES.items():
            query = query.format(middle=middle)
            html = load(8093, f"/claims?{query}", {"Cookie": f"factcheck_session={cookie}"}, args.clients, args.seconds)
            api = load(8093, f"/api/v1/claims?{query}", {"Authorization": f"Bearer {token}"}, args.clients, args.seconds)
            rows.append((name, html, api))
    finally:
        server.terminate()
        server.wait(10)
    print(f"{database.split('://')[0]}, gunicorn --workers {args.workers}, {args.clients} keep-alive clients, {args.seconds:.0f} s each")
    print(f"{'query':24} {'HTML list':>34}   {'API list':>34}")
    for name, html, api in rows:
        cells = [f"{rps:7.1f} req/s  p50 {p50:5.1f}  p95 {p95:6.1f} ms  err {err}" for rps, p50, p95, err in (html, api)]
        print(f"{name:24} {cells[0]}   {cells[1]}")


if __name__ == "__main__":
    main()
