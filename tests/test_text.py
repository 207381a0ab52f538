from html import unescape
import re
from types import SimpleNamespace as Span

from factcheck.text import highlight_segments, normalize_body, render_body, split_sentences


def test_normalize_body_unifies_newlines_and_trims():
    assert normalize_body("\ufeff\r\nOne.  \r\nTwo.\r\n\r\n") == "One.\nTwo."


def test_sentences_keep_exact_offsets():
    body = 'Dr. Okafor said crime fell. "It halved," she said! Is that true?\n\nA new paragraph starts here'
    spans = split_sentences(body)
    texts = [body[s:e] for s, e in spans]
    assert texts == [
        "Dr. Okafor said crime fell.",
        '"It halved," she said!',
        "Is that true?",
        "A new paragraph starts here",
    ]


def test_paragraph_break_always_ends_a_sentence():
    body = "A heading without a full stop\nThe first sentence follows."
    assert [body[s:e] for s, e in split_sentences(body)] == [
        "A heading without a full stop",
        "The first sentence follows.",
    ]


def test_text_without_sentences_gives_none():
    assert split_sentences("\n\n   \n") == []


def _claim(id_, start, end, status="unassigned"):
    return Span(id=id_, start=start, end=end, status=Span(value=status))


def test_overlapping_claims_make_deeper_segments():
    body = "abcdefghij"
    claims = [_claim(1, 0, 6), _claim(2, 4, 10)]
    segments = highlight_segments(body, [], claims)
    assert [(s.text, [c.id for c in s.claims]) for s in segments] == [
        ("abcd", [1]),
        ("ef", [1, 2]),
        ("ghij", [2]),
    ]


def test_rendered_body_shows_exactly_the_body_text():
    body = 'Tax <rises> by "5%" & more.\n\nSecond & last.'
    sentences = [Span(position=i, start=s, end=e) for i, (s, e) in enumerate(split_sentences(body))]
    claims = [_claim(7, 0, 9), _claim(8, 4, 20)]
    html = render_body(highlight_segments(body, sentences, claims), lambda c: f"/claims/{c.id}", str)
    assert unescape(re.sub(r"<[^>]+>", "", html)) == body
    assert html.count('href="/claims/') == 3  # before, inside and after the overlap
    assert "<rises>" not in html
