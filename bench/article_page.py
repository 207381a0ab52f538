"""Render the page of an article with 5,000 claims, signed in as an editor, and print the time.

    .venv/bin/python bench/article_page.py [--claims 5000] [--requests 5] [--database-url URL] [--all-claims]

The article is a 200,000-character text of about 2,900 sentences, split and scored as the
"New article" form does. Its claims are a whole sentence, a few words inside one, or a span
across two sentences, in every status, so highlights overlap as on a busy desk; the page shows
suggested sentences (the default). It uses a fresh SQLite file in a temporary folder unless
given a database URL (whose tables it recreates). Requests go through the app in-process
(Flask's test client), so the figures are the app's own work; CPU is the process's own time (on
a shared machine the wall-clock figures also count waiting for a core).
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.models import Article, Claim, ClaimStatus, Role, User  # noqa: E402
from factcheck.sessions import start_session  # noqa: E402
from factcheck.text import highlight_segments  # noqa: E402
from factcheck.workflow import create_article  # noqa: E402

from split_article import make_article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--all-claims", action="store_true", help="the page with every claim in the rail (?claims=all)")
    parser.add_argument("--profile", action="store_true", help="print where one request spends its time")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(3)
    with app.app_context():
        db.drop_all()
        db.create_all()
        editor = User(email="editor@bench.example.org", name="Editor", role=Role.EDITOR, password_hash="x")
        db.session.add(editor)
        db.session.flush()
        body = make_article(33_000)[: Article.BODY_MAX]
        article = create_article(by=editor, body=body[: body.rfind(".") + 1], title="Bench", outlet="Bench", url=None, published_on=None)
        db.session.flush()
        sentences = [(s.start, s.end) for s in article.sentences]
        now = datetime(2026, 11, 1)
        rows, taken = [], set()
        while len(rows) < args.claims:
            i = rng.randrange(len(sentences))
            start, end = sentences[i]
            shape = rng.random()
            if shape < 0.4 and end - start > 40:  # a few words inside the sentence
                start = article.body.find(" ", start + rng.randrange((end - start) // 2)) + 1
                end = article.body.find(" ", start + 10, end) if article.body.find(" ", start + 10, end) > 0 else end
            elif shape > 0.8 and i + 1 < len(sentences):  # across two sentences
                end = sentences[i + 1][1]
            if (start, end) in taken:  # one claim per span
                continue
            taken.add((start, end))
            quote = article.body[start:end]
            rows.append({
                "article_id": article.id, "start": start, "end": end, "quote": quote, "wording": quote[:300],
                "status": rng.choice(list(ClaimStatus)).value, "created_by_id": editor.id,
                "created_at": now, "updated_at": now, "version": 1,
            })
        db.session.execute(insert(Claim), rows)
        token = start_session(editor, "bench")
        db.session.commit()
        article_id = article.id
        chars, sentence_count = len(article.body), len(sentences)

        db.session.expire_all()
        loaded = db.session.get(Article, article_id)
        claims, sentence_rows = loaded.claims, loaded.sentences
        started = time.perf_counter()
        segment_count = len(highlight_segments(loaded.body, sentence_rows, claims))
        highlight_time = time.perf_counter() - started
        del loaded, claims, sentence_rows  # what the page loads for itself, not twice
        db.session.remove()

    path = f"/articles/{article_id}" + ("?claims=all" if args.all_claims else "")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = token, True
    response = client.get(path)  # warm up (templates, the suggester's model)
    assert response.status_code == 200, response.status_code
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("client.get(path)", globals(), locals(), "/tmp/article_page.prof")
        pstats.Stats("/tmp/article_page.prof").sort_stats("cumtime").print_stats(25)
    times, cpu = [], []
    for _ in range(args.requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    size = len(response.data)

    print(f"database            {url.split(':')[0]}")
    print(f"article             {chars:,} characters, {sentence_count:,} sentences, {args.claims:,} claims, {segment_count:,} highlight segments")
    print(f"highlight segments  {highlight_time * 1000:.0f} ms")
    print(f"page                median {statistics.median(times) * 1000:.0f} ms  (best {min(times) * 1000:.0f} ms, "
          f"worst {max(times) * 1000:.0f} ms, CPU {statistics.median(cpu) * 1000:.0f} ms, {args.requests} requests, "
          f"{size / 1e6:.1f} MB of HTML)")
    print(f"target              < 1000 ms: {'met' if statistics.median(times) < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
