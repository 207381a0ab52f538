"""Article text: normalising and checking a body, splitting it into sentences with offsets,
showing a span in its paragraph, and cutting it into the segments the article view highlights."""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass
from functools import lru_cache
import re

import pysbd
import pysbd.processor

from .errors import DomainError
from .models import Article

CONTEXT_CHARS = 280


def normalize_body(text: str) -> str:
    """One form for every body so offsets mean the same thing everywhere: Unix newlines, no BOM,
    no trailing spaces on lines, no blank lines at either end."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def check_body(body: str | None) -> str:
    """The normalised body, or DomainError saying why it cannot be an article's text."""
    body = normalize_body(body or "")
    if not body.strip():
        raise DomainError("The article text is empty.", field="body")
    if len(body) > Article.BODY_MAX:
        raise DomainError(
            f"The article text is {len(body):,} characters; the limit is {Article.BODY_MAX:,}.",
            field="body",
        )
    return body


def span_context(body: str, start: int, end: int) -> tuple[str, str, str]:
    """The span with the rest of its paragraph around it (cut at a word when the paragraph is
    long), for showing a claim in place."""
    start, end = max(0, min(start, len(body))), max(0, min(end, len(body)))
    before_from = body.rfind("\n", 0, start) + 1
    if start - before_from > CONTEXT_CHARS:
        before_from = body.find(" ", start - CONTEXT_CHARS, start) + 1 or start - CONTEXT_CHARS
    after_to = body.find("\n", end)
    after_to = len(body) if after_to < 0 else after_to
    if after_to - end > CONTEXT_CHARS:
        after_to = body.rfind(" ", end, end + CONTEXT_CHARS)
        after_to = end + CONTEXT_CHARS if after_to < 0 else after_to
    before = ("…" if before_from > 0 and body[before_from - 1] != "\n" else "") + body[before_from:start]
    after = body[end:after_to] + ("…" if after_to < len(body) and body[after_to] != "\n" else "")
    return before, body[start:end], after


# pysbd's time grows with the square of the text it is given (every abbreviation it meets rewrites
# the whole text), so a paragraph longer than WINDOW goes to it a window at a time.
WINDOW = 4000
# A sentence that ends this close to a window's far edge (or within its last eighth) may have
# been cut short by the edge; it is split again as the start of the next window.
WINDOW_MARGIN = 200
# A window holds at most one full stop per this many characters (it ends sooner in text dense with
# them), since pysbd's time in a window grows with its full stops times its length.
WINDOW_CHARS_PER_STOP = 25
# A window grows (doubling) up to this size to find a sentence end it can trust; past it, a
# quotation that never closes is read as pysbd reads that window, and a run with no sentence end
# is cut at a space, so that no window, and no sentence, grows without bound.
WINDOW_MAX = 16000
# Openers whose closer pysbd looks for: punctuation between a pair never ends a sentence.
_PAIRS = (("\u201c", "\u201d"), ("(", ")"), ("[", "]"), ("\u00ab", "\u00bb"))


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


# pysbd tries each of its 188 abbreviations on every text that merely contains its letters ("co"
# in "council"), rewriting the whole text once per occurrence, yet it only ever changes an
# abbreviation followed by a full stop. Giving it only those the text has makes it about three
# times faster with the same sentences (tests/test_text.py compares with pysbd as it comes).
_ABBREVIATIONS = _segmenter().language_module.Abbreviation.ABBREVIATIONS
_ABBREVIATION_LENGTHS = sorted({len(a) for a in _ABBREVIATIONS})
_PLAIN_ABBREVIATIONS = {a for a in _ABBREVIATIONS if "." not in a}
_DOTTED_ABBREVIATIONS = [a for a in _ABBREVIATIONS if "." in a]


def _abbreviations_in(text: str) -> tuple[str, ...]:
    """The abbreviations pysbd could act on in the text: those that occur after a space (or at
    the start) and before a full stop, matched as pysbd matches them (ignoring case, with each
    "." in an abbreviation standing for any character)."""
    words = set()
    at = text.find(".")
    while at >= 0:
        for length in _ABBREVIATION_LENGTHS:
            start = at - length
            if start < 0:
                break
            if start == 0 or text[start - 1].isspace():
                words.add(text[start:at])
        at = text.find(".", at + 1)
    found = set()
    for word in words:
        found.update(_abbreviations_matching(word))
    return tuple(a for a in _ABBREVIATIONS if a in found)


@lru_cache(maxsize=4096)
def _abbreviations_matching(word: str) -> tuple[str, ...]:
    if not word.isascii():  # leave Unicode case folding to the regex engine, as pysbd does
        return tuple(
            a for a in _ABBREVIATIONS if len(a) == len(word) and re.fullmatch(a, word, re.IGNORECASE)
        )
    word = word.lower()
    dotted = tuple(
        a for a in _DOTTED_ABBREVIATIONS
        if len(a) == len(word) and all(x in (".", y) for x, y in zip(a, word))
    )
    return (word,) * (word in _PLAIN_ABBREVIATIONS) + dotted


@lru_cache(maxsize=256)
def _language(abbreviations: tuple[str, ...]):
    english = _segmenter().language_module
    kept = type("Abbreviation", (english.Abbreviation,), {"ABBREVIATIONS": list(abbreviations)})
    return type(english.__name__, (english,), {"Abbreviation": kept})


def split_sentences(body: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence, without surrounding whitespace.
    Paragraph breaks always end a sentence, whatever the segmenter thinks; so do a bullet and a
    sentence end glued to the next capital (a caption run into its photo credit), and a bullet
    marker is left outside the sentence it starts."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in body.split("\n"):
        if paragraph.strip():
            spans.extend((offset + s, offset + e) for s, e in _tidy(paragraph, _split_paragraph(paragraph)))
        offset += len(paragraph) + 1
    return spans


# "…southern Russia.Sergey Bobok/Getty Images": a sentence end after a lower-case word, glued to
# a capitalised word. Upper case before the stop ("U.S.Army"), or after it ("www.BBC"), is left.
_GLUED = re.compile(r"(?:(?<=[a-z]{3}[.!?])|(?<=[a-z]{2}[.!?][\"\u201d)]))(?=[A-Z][a-z])")
_BULLET = "\u2022\u25aa\u25cf\u25e6\u2023\u00b7\u25a0"  # • ▪ ● ◦ ‣ · ■
_INNER_BULLET = re.compile(rf"\s[{_BULLET}]\s")
_LEADING_BULLET = re.compile(rf"(?:[{_BULLET}]|[-*\u2013\u2014](?=\s))\s*")


def _tidy(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut spans at glued sentence ends and inner bullets; leave leading bullet markers out."""
    tidy = []
    for start, end in spans:
        cuts = [start]
        piece = text[start:end]
        cuts += [start + m.start() for m in _GLUED.finditer(piece)]
        cuts += [start + m.start() + 1 for m in _INNER_BULLET.finditer(piece)]
        cuts = sorted(set(cuts)) + [end]
        for a, b in zip(cuts, cuts[1:]):
            lead = _LEADING_BULLET.match(text, a, b)
            a = lead.end() if lead else a
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                tidy.append((a, b))
    return tidy


def _split_paragraph(text: str) -> list[tuple[int, int]]:
    spans = _segment(text) if len(text) <= WINDOW else _segment_in_windows(text)
    return spans or [(len(text) - len(text.lstrip()), len(text.rstrip()))]


def _segment(text: str) -> list[tuple[int, int]]:
    """pysbd's sentences of the text as offsets. Its processor gives the sentences; they are
    found in the text here, in order (pysbd's own offset search scans from the start of the text
    for each sentence, which is quadratic again)."""
    pieces = pysbd.processor.Processor(text, _language(_abbreviations_in(text))).process() or []
    spans = []
    cursor = 0
    for piece in pieces:
        found = text.find(piece, cursor)
        if found < 0:  # the segmenter altered the text; fall back to searching its stripped form
            found = text.find(piece.strip(), cursor)
            if found < 0:
                continue
            piece = piece.strip()
        start, end = found, found + len(piece)
        cursor = end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _segment_in_windows(text: str) -> list[tuple[int, int]]:
    """pysbd's sentences of a long paragraph, found a window at a time. A window's sentences are
    trusted up to a sentence end that lies well before the window's edge and outside every
    quotation and bracket (pysbd never splits inside a pair it sees closed, so it must see the
    whole pair); the next window starts there, so pysbd sees every sentence start as it would in
    the whole paragraph."""
    spans: list[tuple[int, int]] = []
    base = _skip_space(text, 0)
    while base < len(text):
        size = WINDOW
        while True:
            end = _window_end(text, base, size)
            window = text[base:end]
            found = _segment(window)
            if end == len(text):
                spans.extend((base + s, base + e) for s, e in found)
                return spans
            edge = len(window) - min(WINDOW_MARGIN, len(window) // 8)
            last = next(
                (i for i in reversed(range(len(found)))
                 if found[i][1] <= edge and _outside_pairs(window, found[i][1])),
                None,
            )
            if last is not None or size >= WINDOW_MAX:
                break
            size *= 2
        if last is not None:
            trusted = found[: last + 1]
        else:  # a quotation that never closes: trust pysbd's reading of the biggest window
            trusted = [span for span in found if span[1] <= edge]
        if not trusted:  # no sentence end at all: cut the run at a space
            cut = window.rfind(" ", 0, edge)
            cut = edge if cut <= 0 else cut
            trusted = [(0, len(window[:cut].rstrip()))]
        spans.extend((base + s, base + e) for s, e in trusted)
        base = _skip_space(text, base + trusted[-1][1])
    return spans


def _window_end(text: str, base: int, size: int) -> int:
    """Where a window of about `size` characters from `base` ends: at a space, never inside a
    word, and after at most size // WINDOW_CHARS_PER_STOP full stops."""
    end = base + size
    dot = base - 1
    for _ in range(size // WINDOW_CHARS_PER_STOP):
        dot = text.find(".", dot + 1, end)
        if dot < 0:
            break
    else:
        end = dot + 1
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", base + (end - base) // 2, end)
    return space if space > 0 else end


def _outside_pairs(window: str, at: int) -> bool:
    """Whether every quotation mark and bracket opened before `at` is closed before it (straight
    double quotes pair up in order, as pysbd pairs them)."""
    head = window[:at]
    if head.count('"') % 2:
        return False
    return all(head.rfind(opener) <= head.rfind(closer) for opener, closer in _PAIRS)


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


@dataclass(slots=True)
class Segment:
    """A run of body text over which the set of covering claims and the sentence do not change."""

    start: int
    end: int
    text: str
    sentence: int | None = None
    claims: tuple = ()  # covering claims, shortest span first (shared by neighbours that agree)

    @property
    def depth(self) -> int:
        return len(self.claims)


def highlight_segments(body: str, sentences, claims) -> list[Segment]:
    """Cut the body at every sentence and claim boundary. Overlapping claims give segments
    covered by several claims; the view tints them deeper and links the innermost one.
    One sweep over the sorted boundaries: each segment looks only at the claims open over it."""
    cuts = {0, len(body)}
    for item in (*sentences, *claims):
        cuts.add(item.start)
        cuts.add(item.end)
    points = sorted(c for c in cuts if 0 <= c <= len(body))
    # Plain tuples: the claims and sentences are ORM objects, whose attributes are slow to read.
    sentence_list = [(s.start, s.end, s.position) for s in sentences]
    by_start = sorted(((c.start, c.end - c.start, c.id, c.end, c) for c in claims), key=lambda i: i[0])
    open_claims: list[tuple] = []  # (length, id, end, claim) begun by this segment, innermost first
    first_end = len(body) + 1  # the earliest end among them
    next_claim = 0
    covering: tuple = ()
    segments = []
    s_index = 0
    for start, end in zip(points, points[1:]):
        while s_index < len(sentence_list) and sentence_list[s_index][1] <= start:
            s_index += 1
        sentence = None
        if s_index < len(sentence_list) and sentence_list[s_index][0] <= start:
            sentence = sentence_list[s_index][2]
        changed = False
        while next_claim < len(by_start) and by_start[next_claim][0] <= start:
            item = by_start[next_claim][1:]
            insort(open_claims, item, key=lambda item: item[:2])
            first_end = min(first_end, item[2])
            next_claim += 1
            changed = True
        if first_end < end:  # some ended before this segment, so never cover another
            open_claims = [item for item in open_claims if item[2] >= end]
            first_end = min((item[2] for item in open_claims), default=len(body) + 1)
            changed = True
        if changed:  # a page of 5,000 claims has thousands of segments: allocate little per segment
            covering = tuple(item[3] for item in open_claims)
        segments.append(Segment(start, end, body[start:end], sentence, covering))
    return segments


def touched_sentences(sentences, claims) -> set[int]:
    """Positions of the sentences that share at least one character with a claim: the claims'
    spans merged in order, each sentence looked up among them by bisection."""
    merged: list[list[int]] = []
    for start, end in sorted((c.start, c.end) for c in claims):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [start for start, _ in merged]
    touched = set()
    for sentence in sentences:
        before = bisect_left(starts, sentence.end) - 1  # the last run begun before the sentence ends
        if before >= 0 and merged[before][1] > sentence.start:
            touched.add(sentence.position)
    return touched


def render_body(segments: list[Segment], claim_url, claim_label, suggested: dict[int, float] | None = None) -> str:
    """The article text as HTML whose visible characters are exactly the body, so the browser's
    selection maps back to offsets by counting characters. Each claimed run links its innermost
    claim and names every claim covering it."""
    from markupsafe import Markup, escape

    suggested = suggested or {}
    links: dict[tuple[int, ...], str] = {}  # the same claims cover many segments: describe them once
    parts = []
    for index, seg in enumerate(segments):
        text = escape(seg.text)
        sentence = f' data-s="{seg.sentence}"' if seg.sentence is not None else ""
        hint = ""
        if seg.sentence in suggested:
            last = index + 1 == len(segments) or segments[index + 1].sentence != seg.sentence
            score = f"{suggested[seg.sentence]:.2f}"
            # The score chip is CSS generated content, so it never enters the text a selection counts.
            sentence += f' data-score="{score}"' if last else ""
            hint = " sugg" + (" sugg-end" if last else "")
        if not seg.claims:
            title = f' title="Suggested claim · score {suggested[seg.sentence]:.2f}"' if hint else ""
            parts.append(f'<span class="seg{hint}"{sentence}{title}>{text}</span>')
            continue
        key = tuple(c.id for c in seg.claims)
        if key not in links:
            title = escape("; ".join(claim_label(c) for c in seg.claims))
            # Not draggable: a drag that starts on a highlight selects words, as it does elsewhere
            # in the text, instead of dragging the link away.
            links[key] = (
                f'href="{escape(claim_url(seg.claims[0]))}" data-claims="{" ".join(map(str, key))}" '
                f'title="{title}" draggable="false"'
            )
        inner = seg.claims[0]
        parts.append(
            f'<a class="seg hl hl-{inner.status.value} depth-{min(seg.depth, 3)}{hint}"{sentence} '
            f"{links[key]}>{text}</a>"
        )
    return Markup("".join(parts))
