"""Claims follow their words into a new revision of an article's text.

Each claim holds an anchor: its quote, a few words before and after it, and its offsets. In a new
text a claim is looked for in this order, as web annotation tools anchor a quote:
1. the exact quote where the old offsets land once the edit is applied (the diff maps them);
2. the exact quote elsewhere, the occurrence whose surrounding words match best;
3. a fuzzy match near where it should be, kept when it is similar enough.
Each claim ends unchanged (the same words, perhaps moved), changed (similar words; both kept)
or gone. Pure text in, placements out: the verbs store them, so the result is repeatable."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

CONTEXT = 32  # characters kept on each side of a quote to tell repeated quotes apart
SIMILAR_ENOUGH = 0.6  # below this a fuzzy match is not the same claim any more
CONTEXT_ALIKE = 0.5  # and the text around it must still be recognisably the same
WINDOW = 2000  # characters searched on each side of where a changed claim should be
UNCHANGED, CHANGED, GONE = "unchanged", "changed", "gone"


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def anchor_of(body: str, start: int, end: int) -> Anchor:
    return Anchor(start, end, body[start:end], body[max(0, start - CONTEXT):start], body[end:end + CONTEXT])


@dataclass(frozen=True)
class Placement:
    outcome: str  # unchanged, changed or gone
    start: int | None
    end: int | None
    method: str  # how it was found, for the history and the revisions page
    similarity: float = 1.0


class Reanchorer:
    """Places anchors from one text in the next; the diff between the two is computed once."""

    def __init__(self, old: str, new: str):
        self.old, self.new = old, new
        self.dmp = diff_match_patch()
        self.dmp.Match_Distance = 1000
        self.dmp.Match_Threshold = 0.4
        # The edit, word by word: where each piece of the old text went in the new one.
        self.pieces = [(at_old, at_new, op, len(text)) for op, text, at_old, at_new in word_diff(old, new) if op <= 0]
        self.piece_starts = [piece[0] for piece in self.pieces]

    def _mapped(self, offset: int) -> int:
        """Where an offset of the old text lands in the new: inside kept words it moves with
        them; inside deleted words it lands where they were."""
        i = bisect_right(self.piece_starts, offset) - 1
        if i < 0:
            return 0
        at_old, at_new, op, length = self.pieces[i]
        if op == 0:
            return at_new + min(offset - at_old, length)
        return at_new

    def place(self, anchor: Anchor | None, quote: str | None = None) -> Placement:
        """Where the anchored words are in the new text. A claim already gone (no anchor, only
        its last quote) is looked for anywhere."""
        quote = anchor.quote if anchor else quote or ""
        if not quote.strip():
            return Placement(GONE, None, None, "nothing to look for")
        expected = self._mapped(anchor.start) if anchor else 0
        expected_end = self._mapped(anchor.end) if anchor else len(quote)
        if anchor and self.new[expected:expected + len(quote)] == quote:
            return Placement(UNCHANGED, expected, expected + len(quote), "in its place")
        found = self._exact(quote, anchor, expected)
        if found is not None:
            return found
        return self._fuzzy(quote, anchor, expected, expected_end)

    def _exact(self, quote: str, anchor: Anchor | None, expected: int) -> Placement | None:
        hits, at = [], self.new.find(quote)
        while at >= 0 and len(hits) < 1000:
            hits.append(at)
            at = self.new.find(quote, at + 1)
        if not hits:
            return None
        if len(hits) == 1:
            return Placement(UNCHANGED, hits[0], hits[0] + len(quote), "moved")

        def fit(at: int) -> tuple[int, int]:
            context = 0
            if anchor:
                before = self.new[max(0, at - len(anchor.prefix)):at]
                after = self.new[at + len(quote):at + len(quote) + len(anchor.suffix)]
                context = _common_suffix(anchor.prefix, before) + _common_prefix(anchor.suffix, after)
            return context, -abs(at - expected)

        best = max(hits, key=fit)
        return Placement(UNCHANGED, best, best + len(quote), f"moved; told apart from {len(hits) - 1} other copies by the words around it")

    def _fuzzy(self, quote: str, anchor: Anchor | None, expected: int, expected_end: int) -> Placement:
        """Similar words near where the claim should be. The search stays within a window around
        that place (cheap, and a similar sentence far away is another claim), and a candidate
        must be alike in its own words and in the words around it, so an edited claim is found
        while its neighbour, which may read much the same, is not taken for it."""
        candidates = [(expected, expected_end)] if expected_end > expected else []
        best = self._best(quote, anchor, candidates)
        if best is None:  # not in its place: look around it
            lo = max(0, expected - WINDOW)
            hi = min(len(self.new), max(expected_end, expected) + WINDOW)
            window = self.new[lo:hi]
            head, tail = quote[: self.dmp.Match_MaxBits], quote[-self.dmp.Match_MaxBits:]
            at_head = self.dmp.match_main(window, head, min(expected - lo, len(window)))
            at_tail = self.dmp.match_main(window, tail, min(max(expected_end - len(tail) - lo, 0), len(window)))
            at_head = at_head + lo if at_head >= 0 else -1
            at_tail = at_tail + lo if at_tail >= 0 else -1
            candidates = []
            if at_head >= 0 and at_tail >= 0 and at_tail + len(tail) > at_head:
                candidates.append((at_head, at_tail + len(tail)))
            if at_head >= 0:
                candidates.append((at_head, at_head + len(quote)))
            if at_tail >= 0:
                candidates.append((max(0, at_tail + len(tail) - len(quote)), at_tail + len(tail)))
            best = self._best(quote, anchor, candidates)
        if best is None:
            return Placement(GONE, None, None, "not found in this revision", 0.0)
        similarity, start, end = best
        if self.new[start:end] == quote:
            return Placement(UNCHANGED, start, end, "moved", 1.0)
        return Placement(CHANGED, start, end, f"its words changed ({similarity:.0%} alike)", round(similarity, 3))

    def _best(self, quote: str, anchor: Anchor | None, candidates) -> tuple[float, int, int] | None:
        best = None
        for start, end in candidates:
            start, end = _to_words(self.new, start, min(end, len(self.new)))
            if end <= start or not 0.5 <= (end - start) / len(quote) <= 2:
                continue
            similarity = _alike(quote, self.new[start:end])
            if similarity < SIMILAR_ENOUGH:
                continue
            if anchor is not None:
                around = _alike(anchor.prefix + "\x00" + anchor.suffix,
                                self.new[max(0, start - len(anchor.prefix)):start] + "\x00" + self.new[end:end + len(anchor.suffix)])
                if around < CONTEXT_ALIKE:
                    continue
            if best is None or similarity > best[0]:
                best = (similarity, start, end)
        return best


def _alike(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words and drop the spaces at its ends."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and end > 0 and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def word_diff(old: str, new: str) -> list[tuple[int, str, int, int]]:
    """The difference between two texts word by word: (op, text, old offset, new offset) with op
    -1 deleted, 0 kept, 1 inserted; offsets are where the piece starts in each text."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    tokens: dict[str, int] = {}
    vocabulary: list[str] = [""]

    def encode(text: str) -> str:
        out = []
        for word in _words(text):
            if word not in tokens:
                tokens[word] = len(vocabulary)
                vocabulary.append(word)
            out.append(chr(tokens[word]))
        return "".join(out)

    diffs = dmp.diff_main(encode(old), encode(new), False)
    pieces, at_old, at_new = [], 0, 0
    for op, coded in diffs:
        text = "".join(vocabulary[ord(c)] for c in coded)
        pieces.append((op, text, at_old, at_new))
        if op <= 0:
            at_old += len(text)
        if op >= 0:
            at_new += len(text)
    return pieces


def _words(text: str) -> list[str]:
    """Words with the spaces after them, so joining them gives the text back."""
    return re.findall(r"\S+\s*|\s+", text)


def marked_diff(
    old: str, new: str, old_spans: list[tuple[int, int, int]], new_spans: list[tuple[int, int, int]]
) -> list[tuple[int, str, frozenset[int]]]:
    """The word diff cut where claims begin and end, each piece with the claims that cover it:
    (op, text, claim ids). Deleted words carry the claims of the old text, inserted ones those of
    the new, and kept words those of both."""
    pieces = []
    for op, text, at_old, at_new in word_diff(old, new):
        sides = []
        if op <= 0:
            sides.append((at_old, old_spans))
        if op >= 0:
            sides.append((at_new, new_spans))
        cuts = {0, len(text)}
        for base, spans in sides:
            for start, end, _claim in spans:
                for edge in (start - base, end - base):
                    if 0 < edge < len(text):
                        cuts.add(edge)
        cuts = sorted(cuts)
        for a, b in zip(cuts, cuts[1:]):
            covering = frozenset(
                claim for base, spans in sides for start, end, claim in spans if start <= base + a and base + b <= end
            )
            pieces.append((op, text[a:b], covering))
    return pieces
