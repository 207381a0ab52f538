"""Split one long paragraph (no line breaks at all) into sentences, and print the time by length.

    .venv/bin/python bench/split_paragraph.py [--chars 20000 40000 80000 200000] [--repeat 3] [--check 40000]

The paragraph is the generated article of bench/split_article.py with its paragraph breaks
replaced by spaces, cut to each length at a space. --check compares the sentences, up to that
length, with those pysbd finds given the whole paragraph at once (which takes pysbd 25 s at
200,000 characters; that is why factcheck gives it windows). The CPU column is the process's
own time: on a shared machine the wall-clock median also counts waiting for a core.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pysbd  # noqa: E402

from factcheck.text import split_sentences  # noqa: E402

from split_article import make_article  # noqa: E402


def paragraph(chars: int) -> str:
    text = make_article(chars // 5 + 100).replace("\n\n", " ")
    return text[: text.rfind(" ", 0, chars)]


def pysbd_whole(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for piece in pysbd.Segmenter(language="en", clean=False).segment(text):
        start = text.find(piece, cursor)
        cursor = start + len(piece)
        spans.append((start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())))
    return spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, nargs="+", default=[20_000, 40_000, 80_000, 200_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", type=int, default=40_000, help="compare with pysbd on the whole paragraph up to this length")
    args = parser.parse_args()

    split_sentences("Warm up. The segmenter loads its rules once.")
    print(f"{'characters':>10}  {'sentences':>9}  {'median':>8}  {'best':>8}  {'CPU':>8}  {'µs/char':>7}  same as pysbd whole")
    for chars in args.chars:
        text = paragraph(chars)
        times, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            spans = split_sentences(text)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        same = "—"
        if len(text) <= args.check:
            started = time.perf_counter()
            same = f"{'yes' if spans == pysbd_whole(text) else 'NO'} (pysbd whole: {time.perf_counter() - started:.1f} s)"
        median = statistics.median(times)
        print(f"{len(text):>10,}  {len(spans):>9,}  {median * 1000:>5.0f} ms  {min(times) * 1000:>5.0f} ms  "
              f"{statistics.median(cpu) * 1000:>5.0f} ms  {median / len(text) * 1e6:>7.2f}  {same}")
    print(f"target      200,000 characters < 1000 ms: {'met' if median < 1 else 'NOT met'} (last line)")


if __name__ == "__main__":
    main()
