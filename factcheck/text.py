"""Article text: normalising and checking a body, splitting it into sentences with offsets,
showing a span in its paragraph, and cutting it into the segments the article view highlights."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pysbd

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


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(body: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence, without surrounding whitespace.
    Paragraph breaks always end a sentence, whatever the segmenter thinks."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in body.split("\n"):
        if paragraph.strip():
            spans.extend((offset + s, offset + e) for s, e in _split_paragraph(paragraph))
        offset += len(paragraph) + 1
    return spans


def _split_paragraph(text: str) -> list[tuple[int, int]]:
    pieces = _segmenter().segment(text)
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
    return spans or [(len(text) - len(text.lstrip()), len(text.rstrip()))]


@dataclass
class Segment:
    """A run of body text over which the set of covering claims and the sentence do not change."""

    start: int
    end: int
    text: str
    sentence: int | None = None
    claims: list = field(default_factory=list)  # covering claims, shortest span first

    @property
    def depth(self) -> int:
        return len(self.claims)


def highlight_segments(body: str, sentences, claims) -> list[Segment]:
    """Cut the body at every sentence and claim boundary. Overlapping claims give segments
    covered by several claims; the view tints them deeper and links the innermost one."""
    cuts = {0, len(body)}
    for item in (*sentences, *claims):
        cuts.add(item.start)
        cuts.add(item.end)
    points = sorted(c for c in cuts if 0 <= c <= len(body))
    sentence_list = list(sentences)
    segments = []
    s_index = 0
    for start, end in zip(points, points[1:]):
        while s_index < len(sentence_list) and sentence_list[s_index].end <= start:
            s_index += 1
        sentence = None
        if s_index < len(sentence_list) and sentence_list[s_index].start <= start:
            sentence = sentence_list[s_index].position
        covering = sorted(
            (c for c in claims if c.start <= start and end <= c.end),
            key=lambda c: (c.end - c.start, c.id),
        )
        segments.append(Segment(start, end, body[start:end], sentence, covering))
    return segments


def render_body(segments: list[Segment], claim_url, claim_label, suggested: dict[int, float] | None = None) -> str:
    """The article text as HTML whose visible characters are exactly the body, so the browser's
    selection maps back to offsets by counting characters. Each claimed run links its innermost
    claim and names every claim covering it."""
    from markupsafe import Markup, escape

    suggested = suggested or {}
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
        inner = seg.claims[0]
        ids = " ".join(str(c.id) for c in seg.claims)
        title = escape("; ".join(claim_label(c) for c in seg.claims))
        parts.append(
            f'<a class="seg hl hl-{inner.status.value} depth-{min(seg.depth, 3)}{hint}"{sentence} '
            f'href="{escape(claim_url(inner))}" data-claims="{ids}" title="{title}">{text}</a>'
        )
    return Markup("".join(parts))
