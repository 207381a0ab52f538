"""Build a newsroom database of a chosen size for the benchmarks, on SQLite (a file) or PostgreSQL.

    .venv/bin/python bench/generate.py --claims 100000 --articles 5000 --out /tmp/newsroom.db
    .venv/bin/python bench/generate.py --claims 100000 --database-url postgresql://postgres@127.0.0.1/bench

Every claim is approved, with one or two evidence links and a rationale; rows are written with
plain multi-row INSERTs (fast), not through the workflow.
"""

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.matching import terms  # noqa: E402
from factcheck.models import Article, Claim, ClaimTerm, Evidence, Rating, User  # noqa: E402
from factcheck.ratings import install_default_scale  # noqa: E402

WORDS = (
    "council budget rose fell percent million tax police crime school bus rent housing jobs port "
    "unemployment inflation hospital waiting times teachers nurses wages pension bridge tram river "
    "flood insurance energy prices emissions recycling parking fines library museum tourism exports"
).split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--out", default="/tmp/factcheck-bench.db", help="SQLite file (replaced)")
    parser.add_argument("--database-url", help="use this database instead (its tables are recreated)")
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
             "session_token": f"t{i}", "created_at": datetime(2026, 1, 1)}
            for i, (name, role) in enumerate([("Editor", "editor")] + [(f"Reviewer {n}", "reviewer") for n in range(12)], 1)
        ])
        ratings = [r.id for r in db.session.query(Rating).all()]
        now = datetime(2026, 11, 1)
        per_article = max(1, args.claims // args.articles)
        db.session.execute(insert(Article), [
            {"id": a, "title": f"Article {a}: {' '.join(rng.choices(WORDS, k=6))}", "outlet": "The Bench Courier",
             "url": f"https://courier.example.org/{a}", "published_on": date(2026, 1, 1) + timedelta(days=a % 300),
             "body": " ".join(f"Sentence {i} says {' '.join(rng.choices(WORDS, k=8))}." for i in range(per_article + 1)),
             "created_by_id": 1, "created_at": now, "updated_at": now, "version": 1}
            for a in range(1, args.articles + 1)
        ])
        claims, evidence, words = [], [], []
        for c in range(1, args.claims + 1):
            article = (c - 1) % args.articles + 1
            slot = (c - 1) // args.articles
            text = " ".join(rng.choices(WORDS, k=10))
            claims.append({
                "id": c, "article_id": article, "start": slot * 40, "end": slot * 40 + 30, "quote": text, "wording": text.capitalize() + ".",
                "claimant": rng.choice([None, "Mayor", "=SUM(A1)", 'Council "spokesman"']), "status": "approved",
                "assignee_id": 2 + c % 12, "due_at": now, "due_has_time": False, "rating_id": rng.choice(ratings),
                "rationale": "Because the record shows it, line one.\nLine two, with a comma.", "submitted_at": now,
                "approved_by_id": 1, "approved_at": now - timedelta(hours=c % 2000), "created_by_id": 1,
                "created_at": now, "updated_at": now, "version": 3,
            })
            words.extend({"claim_id": c, "term": t} for t in terms(claims[-1]["wording"] + " " + text))
            for e in range(1 + c % 2):
                evidence.append({"claim_id": c, "url": f"https://source.example.org/{c}/{e}", "source": "Source", "stance": "supports",
                                 "withheld": False, "added_by_id": 2, "created_at": now, "updated_at": now, "version": 1})
            if len(claims) == 5000:
                db.session.execute(insert(Claim), claims)
                db.session.execute(insert(Evidence), evidence)
                db.session.execute(insert(ClaimTerm), words)
                claims, evidence, words = [], [], []
        if claims:
            db.session.execute(insert(Claim), claims)
            db.session.execute(insert(Evidence), evidence)
            db.session.execute(insert(ClaimTerm), words)
        db.session.commit()
    print(f"{args.claims:,} approved claims over {args.articles:,} articles in {url} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
