"""Build a newsroom database of a chosen size for the benchmarks, on SQLite (a file) or PostgreSQL.

    .venv/bin/python bench/generate.py --claims 100000 --articles 5000 --out /tmp/newsroom.db
    .venv/bin/python bench/generate.py --claims 100000 --database-url postgresql://postgres@127.0.0.1/bench

Claims are spread over the statuses as on a working desk (most approved and published, some
dropped, the rest on their way), each with the history of the moves that brought it there, and
with evidence, verdicts, rationales and comments where its status would have them. Rows are
written with plain multi-row INSERTs (fast), not through the workflow, so the tables the
workflow keeps beside them (word counts, claims by status) are counted afresh at the end, as
`flask index-claims` and `flask recount` do. A progress bar on the terminal shows the claims written.
"""

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import click  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.counts import recount_statuses  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.matching import rebuild_counts, terms  # noqa: E402
from factcheck.models import Article, AuditEvent, Claim, ClaimTerm, Comment, Evidence, Rating, User  # noqa: E402
from factcheck.ratings import install_default_scale  # noqa: E402

WORDS = (
    "council budget rose fell percent million tax police crime school bus rent housing jobs port "
    "unemployment inflation hospital waiting times teachers nurses wages pension bridge tram river "
    "flood insurance energy prices emissions recycling parking fines library museum tourism exports"
).split()

# status -> share of claims, and the moves (audit actions) that bring a claim there
STATUSES = {
    "approved": (0.70, ["created", "assigned", "started_research", "submitted", "approved"]),
    "dropped": (0.08, ["created", "dropped"]),
    "unassigned": (0.05, ["created"]),
    "assigned": (0.05, ["created", "assigned"]),
    "in_research": (0.06, ["created", "assigned", "started_research"]),
    "in_review": (0.04, ["created", "assigned", "started_research", "submitted"]),
    "returned": (0.02, ["created", "assigned", "started_research", "submitted", "returned"]),
}
ARRIVES = {  # audit action -> (from status, to status)
    "created": (None, "unassigned"), "assigned": ("unassigned", "assigned"),
    "started_research": ("assigned", "in_research"), "submitted": ("in_research", "in_review"),
    "approved": ("in_review", "approved"), "returned": ("in_review", "returned"), "dropped": ("unassigned", "dropped"),
}
BATCH = 5000


CLOSED = ("approved", "dropped")
PACE = 20  # claims an hour, the 100,000-claim newsroom's pace (100,000 over 5,000 hours)


def pick_statuses(count: int, rng: random.Random, open_claims: int | None = None) -> list[str]:
    """Statuses in the desk's proportions; with open_claims, only the newest that many are still
    being worked on (in the open statuses' proportions) and older ones are approved or dropped."""
    names = list(STATUSES)
    if open_claims is None:
        return rng.choices(names, weights=[STATUSES[n][0] for n in names], k=count)
    closed = [n for n in names if n in CLOSED]
    still_open = [n for n in names if n not in CLOSED]
    open_claims = min(open_claims, count)
    return rng.choices(closed, weights=[STATUSES[n][0] for n in closed], k=count - open_claims) + rng.choices(
        still_open, weights=[STATUSES[n][0] for n in still_open], k=open_claims
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--out", default="/tmp/factcheck-bench.db", help="SQLite file (replaced)")
    parser.add_argument("--database-url", help="use this database instead (its tables are recreated)")
    parser.add_argument(
        "--open-claims", type=int, default=None,
        help="an archive: claims arrive at the 100,000-claim newsroom's pace (20 an hour) for as long as it takes, "
        "and only the newest N are still open, so a larger archive means a longer history, not a busier desk "
        "(default: every claim created in the last 5,000 hours, 30%% of them open)",
    )
    args = parser.parse_args()

    if not args.database_url:
        Path(args.out).unlink(missing_ok=True)
    url = args.database_url or f"sqlite:///{args.out}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(7)
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        install_default_scale()
        db.session.execute(insert(User), [
            {"email": f"u{i}@bench.example.org", "name": name, "role": role, "password_hash": "x", "active": True,
             "created_at": datetime(2026, 1, 1)}
            for i, (name, role) in enumerate([("Editor", "editor")] + [(f"Reviewer {n}", "reviewer") for n in range(12)], 1)
        ])
        ratings = {r.id: r.name for r in db.session.query(Rating).all()}
        now = datetime(2026, 11, 1)
        per_article = max(1, args.claims // args.articles)
        db.session.execute(insert(Article), [
            {"id": a, "title": f"Article {a}: {' '.join(rng.choices(WORDS, k=6))}", "outlet": "The Bench Courier",
             "url": f"https://courier.example.org/{a}", "published_on": date(2026, 1, 1) + timedelta(days=a % 300),
             "body": " ".join(f"Sentence {i} says {' '.join(rng.choices(WORDS, k=8))}." for i in range(per_article + 1)),
             "created_by_id": 1, "created_at": now, "updated_at": now, "version": 1}
            for a in range(1, args.articles + 1)
        ])
        rows: dict[type, list[dict]] = {Claim: [], Evidence: [], ClaimTerm: [], AuditEvent: [], Comment: []}
        statuses = pick_statuses(args.claims, rng, args.open_claims)
        with click.progressbar(length=args.claims, label="Writing claims", file=sys.stderr) as bar:
            for c, status in enumerate(statuses, 1):
                hours_ago = c % 5000 if args.open_claims is None else (args.claims - c) // PACE
                add_claim(rows, c, status, args.articles, ratings, rng, now - timedelta(hours=hours_ago + 48))
                if len(rows[Claim]) == BATCH:
                    flush(rows)
                    bar.update(BATCH)
            bar.update(len(rows[Claim]))
            flush(rows)
        click.echo("Counting words and statuses", err=True)
        rebuild_counts()
        recount_statuses()  # written without the workflow, so counted afresh as `flask recount` does
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("articles", "claims", "evidence", "comments", "audit_events"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            db.session.commit()
            # Planner statistics and the visibility map (for index-only scans), as autovacuum
            # gives a database in use. A SQLite file is left without statistics, as a
            # newsroom's would be: its queries must plan well without them.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in
                  (("evidence links", Evidence), ("history rows", AuditEvent), ("comments", Comment))}
    mix = ", ".join(f"{statuses.count(s):,} {s}" for s in STATUSES)
    print(f"{args.claims:,} claims over {args.articles:,} articles in {url} ({time.perf_counter() - started:.1f} s)")
    print(f"  {mix}")
    print("  " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))


def add_claim(rows, c: int, status: str, articles: int, ratings: dict, rng: random.Random, created: datetime) -> None:
    article = (c - 1) % articles + 1
    slot = (c - 1) // articles
    text_ = " ".join(rng.choices(WORDS, k=10))
    wording = text_.capitalize() + "."
    moves = STATUSES[status][1]
    researched = "started_research" in moves
    submitted = "submitted" in moves
    rating_id = rng.choice(list(ratings)) if submitted else None
    rationale = "Because the record shows it, line one.\nLine two, with a comma." if submitted else None
    approved_at = created + timedelta(hours=40) if status == "approved" else None
    links = [{"url": f"https://source.example.org/{c}/{e}", "source": "Source"} for e in range(1 + c % 2)] if researched else []
    rows[Claim].append({
        "id": c, "article_id": article, "start": slot * 40, "end": slot * 40 + 30, "quote": text_, "wording": wording,
        "claimant": rng.choice([None, "Mayor", "=SUM(A1)", 'Council "spokesman"']), "status": status,
        "assignee_id": 2 + c % 12 if "assigned" in moves else None,
        "due_at": created + timedelta(days=rng.choice([1, 2, 3, 7])) if "assigned" in moves else None,
        "due_has_time": False, "rating_id": rating_id, "rationale": rationale,
        "submitted_at": created + timedelta(hours=30) if submitted else None,
        "approved_by_id": 1 if approved_at else None, "approved_at": approved_at,
        "published_rating_id": rating_id if approved_at else None,
        "published_rationale": rationale if approved_at else None,
        "published_wording": wording if approved_at else None,
        "published_sources": links if approved_at else None,
        "first_published_at": approved_at,
        "created_by_id": 1, "created_at": created, "updated_at": approved_at or created, "version": len(moves),
    })
    rows[ClaimTerm].extend({"claim_id": c, "term": t} for t in terms(wording + " " + text_))
    for link in links:
        rows[Evidence].append({"claim_id": c, **link, "stance": "supports", "withheld": False, "added_by_id": 2 + c % 12,
                               "created_at": created, "updated_at": created, "version": 1})
    for step, action in enumerate(moves):
        from_status, to_status = ARRIVES[action]
        rows[AuditEvent].append({
            "at": created + timedelta(hours=10 * step), "actor_id": 1 if action in ("created", "assigned", "approved", "returned", "dropped") else 2 + c % 12,
            "entity": "claim", "entity_id": c, "article_id": article, "action": action,
            "from_status": from_status, "to_status": to_status,
            "changes": {"reason": [None, "Not checkable"]} if action == "dropped" else None,
            "note": "Needs a second source." if action == "returned" else None,
        })
    for n in range(c % 3 if researched else 0):
        rows[Comment].append({"claim_id": c, "author_id": 1 if n % 2 else 2 + c % 12,
                              "body": "Called the council press office; waiting for the figures.", "created_at": created + timedelta(hours=5 + n)})


def flush(rows: dict[type, list[dict]]) -> None:
    for model, batch in rows.items():
        if batch:
            db.session.execute(insert(model), batch)
            batch.clear()


if __name__ == "__main__":
    main()
