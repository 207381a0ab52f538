"""The claims list, the dashboard and the public pages under gunicorn at 100,000 claims, against a
bare Flask page served by the same gunicorn settings: requests per second and p95, and the ratio.
Public pages are asked for as a reader would, without a cookie: a published verdict, the first
page of /claimreview.json, and the verdict again with the ETag a reader holds (a 304).

    .venv/bin/python bench/generate.py --claims 100000 --out /tmp/factcheck-bench.db
    .venv/bin/python bench/serve.py /tmp/factcheck-bench.db [--workers 3] [--clients 8] [--seconds 10]
    .venv/bin/python bench/serve.py postgresql+psycopg://postgres@127.0.0.1/bench

Load comes from threads in this process over HTTP/1.1 keep-alive connections on loopback.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-secret-key-long-enough-for-production-0123456789"
# /healthz is the app's own floor: its request hooks, the sign-in check and one trivial query.
PAGES = {"health check": "/healthz", "claims list": "/claims?status=approved&sort=newest", "dashboard": "/dashboard"}


def database_url(given: str) -> str:
    return given if "://" in given else f"sqlite:///{given}"


def published_claim(database: str) -> int:
    from sqlalchemy import select

    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.models import Claim

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": SECRET})
    with app.app_context():
        return db.session.scalar(
            select(Claim.id).where(Claim.first_published_at.is_not(None)).order_by(Claim.id.desc()).limit(1)
        )


def etag_of(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.getheader("ETag")


def session_cookie(database: str) -> str:
    from sqlalchemy import select

    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.models import Role, User
    from factcheck.sessions import start_session

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": SECRET})
    with app.app_context():
        token = start_session(db.session.scalar(select(User).where(User.role == Role.EDITOR).limit(1)), "bench")
        db.session.commit()
    return app.session_interface.get_signing_serializer(app).dumps({"_user_id": token, "_fresh": True})


def serve(target: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", target],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login")
            break
        except OSError:
            time.sleep(0.1)
    time.sleep(1)
    return process


def load(port: int, path: str, cookie: str | None, clients: int, seconds: float, headers: dict | None = None,
         expect: int = 200) -> tuple[float, float, int]:
    latencies: list[float] = []
    errors = []
    stop = time.perf_counter() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        sent = {"Cookie": f"factcheck_session={cookie}"} if cookie else {}
        sent.update(headers or {})
        while time.perf_counter() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers=sent)
            response = conn.getresponse()
            response.read()
            if response.status != expect:
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
    return len(latencies) / elapsed, latencies[int(len(latencies) * 0.95) - 1] * 1000, len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    database = database_url(args.database)
    cookie = session_cookie(database)
    env = {"FACTCHECK_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": database,
           "NEWSROOM_URL": "https://bench.example.org"}
    results = {}
    server = serve("bench.bare_app:app", 8091, args.workers, env)
    try:
        results["bare Flask page"] = load(8091, "/claims", None, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(10)
    server = serve("factcheck:create_app()", 8092, args.workers, env)
    try:
        for name, path in PAGES.items():
            results[name] = load(8092, path, cookie, args.clients, args.seconds)
        verdict = f"/verdicts/{published_claim(database)}"
        results["verdict page"] = load(8092, verdict, None, args.clients, args.seconds)
        results["claimreview.json"] = load(8092, "/claimreview.json", None, args.clients, args.seconds)
        results["verdict, 304"] = load(8092, verdict, None, args.clients, args.seconds,
                                       headers={"If-None-Match": etag_of(8092, verdict)}, expect=304)
    finally:
        server.terminate()
        server.wait(10)
    print(f"{database.split('://')[0]}, gunicorn --workers {args.workers}, {args.clients} keep-alive clients, {args.seconds:.0f} s each")
    bare = results["bare Flask page"][0]
    for name, (rps, p95, errors) in results.items():
        ratio = f"{rps / bare:.2f}x of the bare page" if name != "bare Flask page" else ""
        print(f"{name:18} {rps:8.1f} requests/s   p95 {p95:6.1f} ms   errors {errors}   {ratio}")
    print("targets: claims list >= 0.5x and p95 < 100 ms; dashboard p95 < 200 ms; verdict page >= 0.5x;")
    print("         claimreview.json >= 0.25x; a 304 costs no more than the health check")


if __name__ == "__main__":
    main()
