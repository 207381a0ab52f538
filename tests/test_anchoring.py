"""Claims follow their words into a new revision: a corpus of edits a desk makes, each with the
outcome every claim should have."""

import pytest

from factcheck.anchoring import CHANGED, GONE, UNCHANGED, Reanchorer, anchor_of, word_diff

DRAFT = (
    "Riverside's council approved a budget of 412 million dollars on Wednesday.\n"
    "The mayor said spending on buses rose by 18 percent.\n"
    "Critics said property taxes would rise again next year.\n"
    "The vote was seven to four."
)
CLAIMS = {
    "budget": "approved a budget of 412 million dollars",
    "buses": "spending on buses rose by 18 percent",
    "taxes": "property taxes would rise again next year",
}


def place_all(old: str, new: str, claims=CLAIMS) -> dict:
    reanchorer = Reanchorer(old, new)
    result = {}
    for name, quote in claims.items():
        start = old.index(quote)
        placement = reanchorer.place(anchor_of(old, start, start + len(quote)))
        result[name] = placement
        if placement.start is not None:
            assert 0 <= placement.start < placement.end <= len(new)
    return result


def outcomes(result: dict) -> dict:
    return {name: p.outcome for name, p in result.items()}


def test_a_paragraph_inserted_before_moves_every_claim_unchanged():
    new = "Updated at 9 a.m. with the final count.\n" + DRAFT
    result = place_all(DRAFT, new)
    assert outcomes(result) == {"budget": UNCHANGED, "buses": UNCHANGED, "taxes": UNCHANGED}
    assert all(new[p.start:p.end] == CLAIMS[n] for n, p in result.items())


def test_a_typo_fixed_inside_a_claim_is_changed_and_found_in_place():
    old = DRAFT.replace("spending on buses", "spending on busses")
    result = place_all(old, DRAFT, {**CLAIMS, "buses": "spending on busses rose by 18 percent"})
    assert outcomes(result)["buses"] == CHANGED
    assert DRAFT[result["buses"].start:result["buses"].end] == "spending on buses rose by 18 percent"
    assert outcomes(result)["budget"] == UNCHANGED


def test_a_number_changed_inside_a_claim_is_changed():
    new = DRAFT.replace("rose by 18 percent", "rose by 15 percent")
    result = place_all(DRAFT, new)
    assert outcomes(result) == {"budget": UNCHANGED, "buses": CHANGED, "taxes": UNCHANGED}
    assert new[result["buses"].start:result["buses"].end] == "spending on buses rose by 15 percent"


def test_a_claims_sentence_deleted_is_gone():
    new = DRAFT.replace("Critics said property taxes would rise again next year.\n", "")
    result = place_all(DRAFT, new)
    assert outcomes(result) == {"budget": UNCHANGED, "buses": UNCHANGED, "taxes": GONE}
    assert result["taxes"].start is None


def test_paragraphs_reordered_keep_their_claims_unchanged():
    lines = DRAFT.split("\n")
    new = "\n".join([lines[2], lines[0], lines[3], lines[1]])
    result = place_all(DRAFT, new)
    assert outcomes(result) == {"budget": UNCHANGED, "buses": UNCHANGED, "taxes": UNCHANGED}
    assert all(new[p.start:p.end] == CLAIMS[n] for n, p in result.items())


def test_the_same_sentence_twice_is_told_apart_by_its_neighbours():
    old = "First, the mayor said taxes fell. Then the chief said taxes fell. Both were wrong."
    second = old.index("taxes fell", old.index("chief"))
    new = "Update: first, the mayor said taxes fell. Later, the chief said taxes fell. Both were wrong."
    placement = Reanchorer(old, new).place(anchor_of(old, second, second + len("taxes fell")))
    assert placement.outcome == UNCHANGED
    assert placement.start == new.index("taxes fell", new.index("chief"))


def test_a_full_rewrite_leaves_the_claims_gone():
    new = "A wholly different story about the harbour and its ferries, told from the start."
    result = place_all(DRAFT, new)
    assert outcomes(result) == {"budget": GONE, "buses": GONE, "taxes": GONE}


def test_the_same_text_places_every_claim_where_it_was():
    result = place_all(DRAFT, DRAFT)
    assert all(p.outcome == UNCHANGED and p.method == "in its place" for p in result.values())


def test_emoji_and_astral_letters_count_as_one_character_each():
    old = "Fans 🎉🎉🎉 cheered in 𝐑𝐢𝐯𝐞𝐫𝐬𝐢𝐝𝐞 as the budget passed."
    new = "Updated. " + old
    start = old.index("the budget passed")
    placement = Reanchorer(old, new).place(anchor_of(old, start, start + len("the budget passed")))
    assert placement.outcome == UNCHANGED and placement.start == start + len("Updated. ")


@pytest.mark.parametrize("old, new", [("a b c", "a x c"), ("", "new words"), ("same", "same"), ("one two", "")])
def test_the_word_diff_gives_both_texts_back(old, new):
    pieces = word_diff(old, new)
    assert "".join(text for op, text, _, _ in pieces if op <= 0) == old
    assert "".join(text for op, text, _, _ in pieces if op >= 0) == new
