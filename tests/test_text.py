import random
import re
import time
from html import unescape
from types import SimpleNamespace as Span

import pysbd
import pytest

from factcheck import text
from factcheck.text import highlight_segments, normalize_body, render_body, split_sentences, touched_sentences


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


# Long paragraphs: pysbd sees them a window at a time, with the same sentences as seen whole.

SENTENCES = [
    "Dr. Okafor said crime fell by 3.2 percent.",
    "The U.S. economy grew in the third quarter, e.g. in farming.",
    '"It halved," she said.',
    '"We will not stop. We cannot stop," the mayor told reporters.',
    "Prices rose (by 4.5 percent. or so) in March.",
    "Is that true?",
    "It is!",
    "Wait... what happened next?",
    "The meeting starts at 9 a.m. on Tuesday.",
    "See No. 5 for details.",
    "He moved to St. Louis in 2004 with Mr. Brandt.",
    "“Nobody knew. Nobody,” the report said.",
    "Sen. Warren and Gov. Newsom spoke at 5 p.m. today.",
    "Revenue was $4.5bn. Costs were $3bn.",
    "The co. grew while the council did not.",
    "市议会周二批准了预算。",
    "Fans 🎉🎉🎉 cheered in 𝐑𝐢𝐯𝐞𝐫𝐬𝐢𝐝𝐞.",
    "Unemployment fell to 3.2 percent in March, the lowest rate since 2008.",
]


def _paragraph(seed: int, chars: int) -> str:
    """Sentences of every kind above, now and then a quotation several sentences long."""
    rng = random.Random(seed)
    plain = [s for s in SENTENCES if not any(mark in s for mark in '"“”()')]
    parts, size = [], 0
    while size < chars:
        if rng.random() < 0.05:
            opener, closer = rng.choice([('"', '"'), ("“", "”"), ("(", ")")])
            quoted = " ".join(rng.choice(plain) for _ in range(rng.randint(2, 30)))
            part = f"{opener}{quoted}{closer} she said."
        else:
            part = rng.choice(SENTENCES)
        parts.append(part)
        size += len(part) + 1
    return " ".join(parts)


def _pysbd_whole(paragraph: str) -> list[tuple[int, int]]:
    """pysbd as it comes, given the whole paragraph at once, its sentences found in order."""
    spans, cursor = [], 0
    for piece in pysbd.Segmenter(language="en", clean=False).segment(paragraph):
        start = paragraph.find(piece, cursor)
        cursor = start + len(piece)
        end = start + len(piece.rstrip())
        start += len(piece) - len(piece.lstrip())
        spans.append((start, end))
    return spans


def _assert_cover_in_order(body: str, spans: list[tuple[int, int]]) -> None:
    assert spans[0][0] == len(body) - len(body.lstrip())
    assert spans[-1][1] == len(body.rstrip())
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end < start and not body[end:start].strip()  # only spaces between sentences
    for start, end in spans:
        assert body[start:end] == body[start:end].strip() != ""


@pytest.mark.parametrize("seed", range(3))
def test_a_long_paragraph_splits_as_pysbd_splits_it_whole(seed):
    paragraph = _paragraph(seed, 3 * text.WINDOW)
    spans = split_sentences(paragraph)
    assert spans == _pysbd_whole(paragraph)
    _assert_cover_in_order(paragraph, spans)


@pytest.mark.parametrize("seed", range(6))
def test_window_edges_anywhere_leave_the_sentences_as_they_were(monkeypatch, seed):
    monkeypatch.setattr(text, "WINDOW", 400 + 97 * seed)  # edges in ever different places
    monkeypatch.setattr(text, "WINDOW_MARGIN", 60)
    paragraph = _paragraph(100 + seed, 5_000)
    assert split_sentences(paragraph) == _pysbd_whole(paragraph)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_short_paragraphs_split_as_pysbd_splits_them(sentence):
    paragraph = f"{sentence} {sentence.lower()} Then Dr. Li left at 5 p.m. {sentence}"
    assert split_sentences(paragraph) == _pysbd_whole(paragraph)


def test_a_200000_character_paragraph_splits_in_linear_time(monkeypatch):
    paragraph = _paragraph(7, 200_000)[:200_000].rstrip()
    seen = []
    segment = text._segment
    monkeypatch.setattr(text, "_segment", lambda window: seen.append(len(window)) or segment(window))
    started = time.process_time()
    spans = split_sentences(paragraph)
    took = time.process_time() - started
    _assert_cover_in_order(paragraph, spans)
    assert max(seen) <= text.WINDOW_MAX
    assert sum(seen) < 1.5 * len(paragraph)  # each part of the text read about once
    assert took < 3  # all at once, pysbd took 25 s; bench/split_paragraph.py measures < 1 s


def test_a_paragraph_without_a_full_stop_is_cut_into_bounded_sentences():
    paragraph = " ".join(["the council met and argued about the budget"] * 2_000)
    spans = split_sentences(paragraph)
    _assert_cover_in_order(paragraph, spans)
    assert max(end - start for start, end in spans) <= text.WINDOW_MAX


def test_a_quotation_longer_than_a_window_stays_whole(monkeypatch):
    monkeypatch.setattr(text, "WINDOW", 400)
    quoted = " ".join(["Taxes rose. Roads got worse."] * 40)  # 1,150 characters
    paragraph = f'The mayor spoke. "{quoted}" she said. Nobody answered.'
    assert [paragraph[s:e][:12] for s, e in split_sentences(paragraph)] == ["The mayor sp", '"Taxes rose.', "Nobody answe"]


# Highlights: one sweep over the sorted boundaries gives what comparing everything with everything gave.


def _segments_by_comparing_all(body, sentences, claims):
    """The highlight builder before the sweep: every segment against every claim."""
    cuts = {0, len(body)} | {p for item in (*sentences, *claims) for p in (item.start, item.end)}
    points = sorted(c for c in cuts if 0 <= c <= len(body))
    result = []
    for start, end in zip(points, points[1:]):
        sentence = next((s.position for s in sentences if s.start <= start and end <= s.end), None)
        covering = sorted((c for c in claims if c.start <= start and end <= c.end), key=lambda c: (c.end - c.start, c.id))
        result.append((start, end, sentence, [c.id for c in covering]))
    return result


@pytest.mark.parametrize("seed", range(5))
def test_highlights_are_those_of_every_claim_against_every_segment(seed):
    rng = random.Random(seed)
    body = "".join(rng.choice("abc .") for _ in range(600))
    sentences = [Span(position=i, start=s, end=s + 25) for i, s in enumerate(range(0, 600, 30))]
    claims = []
    for id_ in rng.sample(range(1, 500), 60):
        start = rng.randrange(600)
        claims.append(_claim(id_, start, min(600, start + rng.choice([1, 5, 30, 120, 400]))))
    segments = highlight_segments(body, sentences, claims)
    assert [(s.start, s.end, s.sentence, [c.id for c in s.claims]) for s in segments] == _segments_by_comparing_all(
        body, sentences, claims
    )
    html = render_body(segments, lambda c: f"/claims/{c.id}", str)
    assert unescape(re.sub(r"<[^>]+>", "", html)) == body


def test_an_article_with_5000_claims_highlights_in_a_fraction_of_a_second():
    body = "The council met. " * 12_000
    sentences = [Span(position=i, start=17 * i, end=17 * i + 16) for i in range(12_000)]
    claims = [_claim(i, 17 * i + (i % 3), 17 * i + 16 + 17 * (i % 2)) for i in range(5_000)]
    started = time.process_time()
    segments = highlight_segments(body, sentences, claims)
    assert time.process_time() - started < 1  # comparing all pairs took about 25 s here
    assert sum(1 for s in segments if s.claims) > 5_000


@pytest.mark.parametrize("seed", range(5))
def test_touched_sentences_are_those_sharing_a_character_with_a_claim(seed):
    rng = random.Random(seed)
    sentences = [Span(position=i, start=s, end=s + rng.randint(1, 9)) for i, s in enumerate(range(0, 500, 10))]
    claims = [_claim(i, s, s + rng.randint(1, 40)) for i, s in enumerate(rng.sample(range(500), 25))]
    assert touched_sentences(sentences, claims) == {
        s.position for s in sentences if any(c.start < s.end and s.start < c.end for c in claims)
    }


def _sentences(body: str) -> list[str]:
    return [body[s:e] for s, e in split_sentences(body)]


def test_a_caption_glued_to_its_photo_credit_is_two_sentences():
    body = "Heavy smoke rose over the town of Shebekino in southern Russia.Sergey Bobok/Getty Images"
    assert _sentences(body) == ["Heavy smoke rose over the town of Shebekino in southern Russia.", "Sergey Bobok/Getty Images"]
    assert _sentences('He said "no."Then he left.') == ['He said "no."', "Then he left."]


def test_capitals_around_a_full_stop_are_not_taken_for_a_glued_sentence():
    assert _sentences("The U.S.Army said so. Visit www.BBC.com today.") == ["The U.S.Army said so.", "Visit www.BBC.com today."]


def test_bullets_end_sentences_and_stay_outside_them():
    body = "• The council spent $4m on roads. • Taxes rose 3%.\n- Unemployment fell to 3.2 percent.\n•\n* Rents rose"
    assert _sentences(body) == ["The council spent $4m on roads.", "Taxes rose 3%.", "Unemployment fell to 3.2 percent.", "Rents rose"]
    assert _sentences("Prices - and wages - rose.") == ["Prices - and wages - rose."]  # a dash inside is no bullet
