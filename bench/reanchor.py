"""Re-anchoring: 500 claims across a revised 5,000-word article, timed in the process.

    .venv/bin/python bench/reanchor.py [--claims 500] [--words 5000] [--runs 5]

Builds a newsroom-like article (paragraphs of varied sentences with numbers), places claims on
sentences and parts of sentences, then revises it the way a desk does: a paragraph inserted at
the top, a number changed in every tenth claim, a sentence deleted in every twentieth, two
paragraphs swapped. Prints the time to place every claim in the new text (diff included) and
the outcomes."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.anchoring import Reanchorer, anchor_of  # noqa: E402

SUBJECTS = ["The council", "The mayor", "Officials", "The transport board", "Critics", "The report", "Residents", "The ministry"]
VERBS = ["said", "claimed", "reported", "estimated", "warned", "announced"]
THINGS = ["spending on buses", "road repairs", "rents", "the harbour's traffic", "school budgets", "water bills", "crime", "tourism"]
MOVES = ["rose by", "fell by", "reached", "stayed at", "doubled to", "dropped to"]


def article(words: int, rng: random.Random) -> str:
    paragraphs, count = [], 0
    while count < words:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} that {rng.choice(THINGS)} {rng.choice(MOVES)} {rng.randint(2, 990)} {rng.choice(['percent', 'million dollars', 'cases', 'a year'])} in {rng.randint(2001, 2026)}."
            sentences.append(s)
            count += len(s.split())
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    old = article(args.words, rng)
    sentences, at = [], 0
    for paragraph in old.split("\n\n"):
        for sentence in paragraph.split(". "):
            start = old.index(sentence, at)
            sentences.append((start, start + len(sentence.rstrip(".")) + 1))
            at = start + len(sentence)
    candidates = []
    for start, end in sentences:  # the whole sentence, and its figure ("rose by 12 percent")
        candidates.append((start, end))
        that = old.index(" that ", start) + 6
        candidates.append((that, end - 1))
    spans = sorted(rng.sample(candidates, min(args.claims, len(candidates))))
    new = old
    for n, (start, end) in enumerate(spans):
        if n % 10 == 0:
            sentence = old[start:end]
            changed = "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in sentence)
            new = new.replace(sentence, changed, 1)
        elif n % 20 == 5:
            new = new.replace(old[start:end], "", 1)
    paragraphs = new.split("\n\n")
    paragraphs[1], paragraphs[2] = paragraphs[2], paragraphs[1]
    new = "Updated at 9 a.m. with the council's final figures.\n\n" + "\n\n".join(paragraphs)
    anchors = [anchor_of(old, s, e) for s, e in spans]
    timings, outcomes = [], {}
    for _ in range(args.runs):
        began = time.perf_counter()
        reanchorer = Reanchorer(old, new)
        placements = [reanchorer.place(a) for a in anchors]
        timings.append(time.perf_counter() - began)
        outcomes = {o: sum(1 for p in placements if p.outcome == o) for o in ("unchanged", "changed", "gone")}
    print(f"article: {len(old.split()):,} words, {len(old):,} characters; {len(anchors)} claims")
    print(f"placing every claim: median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms over {args.runs} runs")
    print(f"outcomes: {outcomes}")


if __name__ == "__main__":
    main()
