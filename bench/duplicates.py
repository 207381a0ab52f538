"""Finding earlier claims that say the same thing, against a generated archive: by words
(TF-IDF), then by sentence vectors.

    .venv/bin/python bench/generate.py --claims 100000 --out /tmp/factcheck-bench.db
    .venv/bin/python bench/duplicates.py /tmp/factcheck-bench.db [--queries 50]
    .venv/bin/python bench/duplicates.py postgresql+psycopg://postgres@127.0.0.1/bench

The generated archive has no vectors; the first run gives every claim a random unit vector
(int8, as stored) so the search has 100,000 rows to go through: what it costs does not depend on
what the vectors say, and encoding 100,000 sentences would take a quarter of an hour.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck import claim_vectors  # noqa: E402
from factcheck.matching import by_words, similar_claims  # noqa: E402
from factcheck.models import Claim, ClaimVector  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    url = args.database if "://" in args.database else f"sqlite:///{args.database}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(3)
    with app.app_context():
        db.create_all()  # the claim_vectors table, in an archive generated before it existed
        total = db.session.scalar(select(func.count()).select_from(Claim))
        texts = [db.session.get(Claim, rng.randint(1, total)).wording for _ in range(args.queries)]
        reworded = ["It is said that " + " ".join(t.rstrip(".").split()[:-1]) for t in texts]  # one word shorter
        print(f"archive              {total:,} claims")
        by_words(reworded[0], total, None, 5, 0.35)  # warm the connection and caches
        report("by words", [timed(lambda t=t: by_words(t, total, None, 5, 0.35)) for t in reworded])

        model = claim_vectors.encoder()
        fill_vectors(model, total)
        started = time.perf_counter()
        similar_claims(reworded[0])
        print(f"first vector search  {(time.perf_counter() - started) * 1000:.0f} ms (loads the vectors into this process)")
        report("by vectors", [timed(lambda t=t: similar_claims(t)) for t in reworded])
        after = []
        for query in reworded[:10]:  # a claim written since the last search: fetched before searching
            db.session.execute(ClaimVector.__table__.update().where(ClaimVector.claim_id == rng.randint(1, total))
                               .values(seq=claim_vectors._next_seq()))
            db.session.commit()
            after.append(timed(lambda t=query: similar_claims(t)))
        report("after a write", after)


def timed(search) -> tuple[float, int]:
    started = time.perf_counter()
    found = search()
    return (time.perf_counter() - started) * 1000, len(found)


def report(label: str, runs: list[tuple[float, int]]) -> None:
    times = sorted(t for t, _ in runs)
    found = [n for _, n in runs]
    print(f"{label:20} median {statistics.median(times):.1f} ms, p95 {times[max(0, int(len(times) * 0.95) - 1)]:.1f} ms, "
          f"worst {times[-1]:.1f} ms, median {statistics.median(found):.0f} matches  (target < 100 ms)")


def fill_vectors(model, total: int) -> None:
    """Random unit vectors for the claims that have none (see the module's docstring)."""
    import numpy as np
    from sqlalchemy import insert

    db.session.execute(ClaimVector.__table__.delete().where(ClaimVector.model != model.vector_version))  # another model's
    have = set(db.session.scalars(select(ClaimVector.claim_id).where(ClaimVector.model == model.vector_version)))
    todo = [i for i in db.session.scalars(select(Claim.id)) if i not in have]
    rng = np.random.default_rng(5)
    for at in range(0, len(todo), 5000):
        batch = todo[at : at + 5000]
        rows = claim_vectors.quantise(rng.standard_normal((len(batch), claim_vectors.WIDTH)).astype(np.float32))
        db.session.execute(insert(ClaimVector), [
            {"claim_id": i, "model": model.vector_version, "seq": claim_vectors._next_seq(), "vector": row.tobytes()}
            for i, row in zip(batch, rows)
        ])
    db.session.commit()
    if todo:
        print(f"vectors              {len(todo):,} random ones written")
        if db.engine.dialect.name == "postgresql":  # statistics and visibility map, as autovacuum gives
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE claim_vectors"))


if __name__ == "__main__":
    main()
