"""Finding earlier claims that say the same thing, against a generated archive.

    .venv/bin/python bench/generate.py --claims 100000 --out /tmp/factcheck-bench.db
    .venv/bin/python bench/duplicates.py /tmp/factcheck-bench.db [--queries 50]
    .venv/bin/python bench/duplicates.py postgresql+psycopg://postgres@127.0.0.1/bench
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.matching import similar_claims  # noqa: E402
from factcheck.models import Claim  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    url = args.database if "://" in args.database else f"sqlite:///{args.database}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(3)
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Claim))
        texts = [db.session.get(Claim, rng.randint(1, total)).wording for _ in range(args.queries)]
        similar_claims(texts[0])  # warm the connection and caches
        times, found = [], []
        for text in texts:
            words = text.rstrip(".").split()
            reworded = "It is said that " + " ".join(words[:-1])  # the same claim, one word shorter
            started = time.perf_counter()
            matches = similar_claims(reworded)
            times.append((time.perf_counter() - started) * 1000)
            found.append(len(matches))
    times.sort()
    print(f"archive              {total:,} claims")
    print(f"match one claim      median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, worst {times[-1]:.1f} ms  (target < 100 ms)")
    print(f"matches per query    median {statistics.median(found):.0f} (at most 5)")


if __name__ == "__main__":
    main()
