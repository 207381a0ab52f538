"""Export every approved verdict of a generated database as CSV, through the app, and the same
rows with the sqlite3 command-line tool's CSV mode on the same file; print both, the ratio,
the time to the first byte and the memory the export added.

    .venv/bin/python bench/generate.py --claims 100000 --out /tmp/factcheck-bench.db
    .venv/bin/python bench/export_csv.py /tmp/factcheck-bench.db

Needs the sqlite3 tool (Debian package sqlite3).
"""

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.models import Role, User  # noqa: E402
from factcheck.sessions import start_session  # noqa: E402

# The same columns the app writes (evidence joined per claim), in the sqlite3 tool's own CSV mode.
SQLITE_QUERY = """
SELECT c.id, a.title, a.url, a.outlet, a.published_on, c.wording, c.quote, c.claimant, c.status,
       r.name, c.rationale,
       (SELECT group_concat(e.url, char(10)) FROM evidence e WHERE e.claim_id = c.id AND e.withheld = 0),
       rv.name, c.due_at, ap.name, c.approved_at, c.corrected_at, 'http://localhost/claims/' || c.id
FROM claims c JOIN articles a ON a.id = c.article_id
LEFT JOIN ratings r ON r.id = c.rating_id LEFT JOIN users rv ON rv.id = c.assignee_id
LEFT JOIN users ap ON ap.id = c.approved_by_id
WHERE c.status = 'approved' ORDER BY c.id;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="SQLite file made by bench/generate.py")
    args = parser.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("the sqlite3 tool is missing: apt-get install sqlite3")

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.database}", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        editor = db.session.query(User).filter_by(role=Role.EDITOR).first()
        token = start_session(editor, "bench")
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True

    # The app's export runs first, so the high-water mark of resident memory it leaves is its own.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get("/claims/export.csv")
    chunks = iter(response.response)
    first = next(chunks)
    first_byte = time.perf_counter() - started
    size, rows = len(first), first.count(b"\r\n")
    for chunk in chunks:
        size += len(chunk)
        rows += chunk.count(b"\r\n")
    app_seconds = time.perf_counter() - started
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024

    started = time.perf_counter()
    out = subprocess.run(
        ["sqlite3", "-csv", "-header", args.database], input=SQLITE_QUERY, capture_output=True, text=True, check=True
    ).stdout
    sqlite_seconds = time.perf_counter() - started
    sqlite_lines = len(out.splitlines())

    print(f"rows exported        {rows - 1:,} (+ header), {size / 1e6:.1f} MB")
    print(f"sqlite3 -csv         {sqlite_seconds:.2f} s ({sqlite_lines:,} lines, rationales span two)")
    print(f"factcheck export     {app_seconds:.2f} s   ratio {app_seconds / sqlite_seconds:.1f}x  (target <= 3x)")
    print(f"first byte after     {first_byte * 1000:.0f} ms  (target < 1000 ms)")
    print(f"memory growth        {rss_growth:.1f} MB of peak resident memory  (target < 100 MB)")


if __name__ == "__main__":
    main()
