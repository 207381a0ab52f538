"""Split, score and store a 5,000-word article, as the "New article" form does, and print the time.

    .venv/bin/python bench/split_article.py [--words 5000] [--repeat 5] [--postgres [ADMIN_URL]]
    FACTCHECK_SUGGESTER=ngram .venv/bin/python bench/split_article.py   # the fallback model

The suggester is loaded once before timing (a worker loads it once; its load time is printed).

It uses a fresh SQLite file in a temporary folder, or with --postgres a throwaway database that it
creates on that server (default postgresql://postgres@127.0.0.1:5432/postgres) and drops after.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.models import Role, User  # noqa: E402
from factcheck.suggest import LOADED, suggester  # noqa: E402
from factcheck.text import split_sentences  # noqa: E402
from factcheck.workflow import create_article  # noqa: E402

WORDS = (
    "the council approved a budget of 4.5 million dollars on Tuesday after Dr. Okafor said that "
    "unemployment fell to 3.2 percent in March while critics including Mr. Brandt argued taxes "
    "would rise for residents of Riverside county according to figures published by the U.S. "
    "census bureau last year"
).split()


def make_article(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    paragraphs, count = [], 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            n = rng.randint(6, 30)
            count += n
            text = " ".join(rng.choice(WORDS) for _ in range(n))
            sentences.append(text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", '," she said.']))
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", nargs="?", const="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    if args.postgres:
        import psycopg

        name = f"factcheck_bench_{os.getpid()}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = args.postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    try:
        run(args, url)
    finally:
        if args.postgres:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args, url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    body = make_article(args.words)
    model = suggester()
    with app.app_context():
        db.create_all()
        user = User(email="bench@example.org", name="Bench", role=Role.EDITOR, password_hash="x")
        db.session.add(user)
        db.session.commit()

        split_times, total_times = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            spans = split_sentences(body)
            split_times.append(time.perf_counter() - started)

            started = time.perf_counter()
            article = create_article(by=user, body=body, title="Bench", outlet="Bench", url=None, published_on=None)
            db.session.commit()
            total_times.append(time.perf_counter() - started)
        db.engine.dispose()

    print(f"database            {url.split(':')[0]}")
    print(f"suggester           {model.version} ({LOADED['why']}), loaded in {LOADED['seconds'] * 1000:.0f} ms")
    print(f"article             {len(body.split()):,} words, {len(body):,} characters, {len(spans)} sentences")
    print(f"split only          median {statistics.median(split_times) * 1000:.0f} ms  (best {min(split_times) * 1000:.0f} ms)")
    print(f"split+score+store   median {statistics.median(total_times) * 1000:.0f} ms  (best {min(total_times) * 1000:.0f} ms, worst {max(total_times) * 1000:.0f} ms)")
    print(f"target              < 1000 ms: {'met' if statistics.median(total_times) < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
