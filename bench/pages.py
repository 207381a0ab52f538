"""SQL statements and response times of the busiest pages, on a small and a generated large
newsroom: the statement counts must be equal, the times show where cost grows with data.

    .venv/bin/python bench/generate.py --claims 100000 --out /tmp/factcheck-bench.db
    .venv/bin/python bench/generate.py --claims 10 --articles 2 --out /tmp/factcheck-small.db
    .venv/bin/python bench/pages.py /tmp/factcheck-small.db /tmp/factcheck-bench.db [--requests 50]

Either database may be a URL instead of a file (postgresql+psycopg://postgres@127.0.0.1/bench).
The claim and article pages are those of the newest approved claim with comments, so that
both newsrooms show the same kind of page.

Requests go through the app in-process (Flask's test client), signed in as the editor, so
the figures are the app's own work without a network or a WSGI server. Beside the wall-clock
times it prints the process's CPU time per request (SQLite runs in the process, so that is all
the work of a SQLite page): on a machine shared with other work, wall-clock times include
waiting for a core, CPU times do not. On PostgreSQL the CPU time leaves out the server's work.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.models import Claim, ClaimStatus, Comment, Role, User  # noqa: E402
from factcheck.sessions import start_session  # noqa: E402

PAGES = ["/dashboard", "/claims?status=approved", "/claims?status=approved&after={middle}", "/claims/{claim}", "/articles/{article}"]


def database_url(given: str) -> str:
    return given if "://" in given else f"sqlite:///{given}"


def measure(database: str, requests: int) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(database)})
    with app.app_context():
        token = start_session(db.session.scalar(select(User).where(User.role == Role.EDITOR).limit(1)), "bench")
        db.session.commit()
        claim, article = db.session.execute(
            select(Claim.id, Claim.article_id)
            .where(Claim.status == ClaimStatus.APPROVED, Claim.id.in_(select(Comment.claim_id)))
            .order_by(Claim.id.desc()).limit(1)
        ).one()
        middle = db.session.scalar(select(func.max(Claim.id))) // 2
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    results = {}
    for page in PAGES:
        url = page.format(claim=claim, article=article, middle=middle)
        client.get(url)  # warm up
        statements.clear()
        client.get(url)
        count = len([s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK"))])
        times, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            assert client.get(url).status_code == 200, url
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results[page] = (count, *median_p95(times), *median_p95(cpu))
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Claim))
    return {"claims": total, "pages": results}


def median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small")
    parser.add_argument("large")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    small, large = measure(args.small, args.requests), measure(args.large, args.requests)
    sizes = f"{small['claims']:>7,} {large['claims']:>9,}"
    print(f"{'page':40} {'statements':>17} {'median ms':>17} {'p95 ms':>17} {'CPU median ms':>17} {'CPU p95 ms':>17}")
    print(f"{'':40} {sizes} {sizes} {sizes} {sizes} {sizes}")
    for page in PAGES:
        sc, *small_times = small["pages"][page]
        lc, *large_times = large["pages"][page]
        figures = " ".join(f"{a:>7.1f} {b:>9.1f}" for a, b in zip(small_times, large_times))
        flag = "" if sc == lc else "  <- grows with data"
        print(f"{page[:40]:40} {sc:>7} {lc:>9} {figures}{flag}")


if __name__ == "__main__":
    main()
