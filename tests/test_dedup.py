"""The dedup stage: merging near-identical sentences, keeping every outlet that said them."""

from __future__ import annotations

import pytest
from factories import sentence

from summarize.nlp.facts import digit_numbers
from summarize.stages.dedup import dedup_sentences

MET = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday."
MET_EDITED = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday, officials said."
RAIN = "Heavy rain flooded several streets in the port city of Busan overnight."
TRADE = "Bilateral trade between the two countries was worth about 273 billion dollars in 2024."


@pytest.fixture
def dedup(encoder, stage_params):
    params = stage_params("dedup")

    def run(sentences, **overrides):
        return dedup_sentences(sentences, encoder, **{**params, **overrides})

    return run


def test_near_identical_sentences_from_two_outlets_merge(dedup):
    a = sentence(MET, outlet="Devdiscourse", article_id="a")
    b = sentence(MET_EDITED, outlet="UNN", article_id="b")
    merged, counts = dedup([a, b])

    assert len(merged) == 1
    (one,) = merged
    assert one.outlets == ("Devdiscourse", "UNN")
    assert one.support == 2
    assert set(one.sources) == {a, b}
    assert one.text in (MET, MET_EDITED)
    assert counts["sentences_in"] == 2 and counts["sentences_out"] == 1
    assert counts["lexical_pairs"] + counts["semantic_pairs"] >= 1


def test_paraphrases_merge_on_embeddings_alone(dedup):
    a = sentence("Samsung and Hyundai executives travelled with the president.", outlet="A")
    b = sentence("The president was accompanied by executives of Hyundai and Samsung.", outlet="B")
    merged, counts = dedup([a, b])

    assert counts["lexical_pairs"] == 0  # few shared character 5-grams
    assert counts["semantic_pairs"] == 1
    assert len(merged) == 1 and merged[0].outlets == ("A", "B")


def test_exact_duplicates_within_one_outlet_merge(dedup):
    first = sentence(RAIN, outlet="A", article_id="a", position=0)
    again = sentence(RAIN, outlet="A", article_id="a", position=3)
    merged, counts = dedup([first, sentence(TRADE, outlet="A", article_id="a", position=1), again])

    assert [m.text for m in merged] == [RAIN, TRADE]
    assert merged[0].sources == (first, again)
    assert merged[0].outlets == ("A",) and merged[0].support == 1
    assert counts["sentences_out"] == 2


def test_sentences_that_differ_in_a_number_stay_apart(dedup):
    five = sentence("The two leaders met on January 5 at the Great Hall of the People.", outlet="A")
    six = sentence("The two leaders met on January 6 at the Great Hall of the People.", outlet="B")
    merged, counts = dedup([five, six])

    assert [m.text for m in merged] == [five.text, six.text]
    assert [m.outlets for m in merged] == [("A",), ("B",)]
    # Both the shingle and the embedding test find the pair; the number rule holds it apart.
    assert counts["pairs_held_apart_by_numbers"] >= 1
    assert counts["sentences_out"] == 2


def test_same_numbers_written_differently_still_merge(dedup):
    a = sentence("Over 1,200 business leaders joined President Lee on the four-day trip to Beijing.", outlet="A")
    b = sentence("Over 1200 business leaders joined President Lee on the four-day trip to Beijing.", outlet="B")
    merged, counts = dedup([a, b])

    assert len(merged) == 1 and merged[0].outlets == ("A", "B")
    assert counts["pairs_held_apart_by_numbers"] == 0


def test_numbers_helper():
    assert digit_numbers("met on January 5.") == frozenset({"5"})
    assert digit_numbers("$1,030 million, up 2.5% in 2024") == frozenset({"1030", "2.5", "2024"})
    assert digit_numbers("no figures here") == frozenset()


def test_unrelated_sentences_stay_separate_in_first_appearance_order(dedup):
    texts = [
        TRADE,
        MET,
        RAIN,
        "The striker scored twice in the second half as the home side won the league match.",
        MET_EDITED,
        "Samsung shares rose three percent in Seoul after the summit.",
    ]
    inputs = [sentence(t, outlet=f"O{i}", position=i) for i, t in enumerate(texts)]
    merged, counts = dedup(inputs)

    # MET_EDITED (index 4) joins MET's group, which keeps MET's place (index 1).
    assert len(merged) == 5
    assert [m.sources[0].text for m in merged] == [TRADE, MET, RAIN, texts[3], texts[5]]
    assert merged[1].outlets == ("O1", "O4")
    assert all(m.support == 1 for i, m in enumerate(merged) if i != 1)
    assert counts == {
        "sentences_in": 6,
        "sentences_out": 5,
        "lexical_pairs": counts["lexical_pairs"],
        "semantic_pairs": counts["semantic_pairs"],
        "pairs_held_apart_by_numbers": 0,
    }


def test_every_input_sentence_is_kept_as_a_source_once(dedup):
    texts = [MET, RAIN, MET_EDITED, RAIN, TRADE, MET]
    inputs = [sentence(t, outlet="AB"[i % 2], position=i) for i, t in enumerate(texts)]
    merged, _ = dedup(inputs)

    sources = [s for m in merged for s in m.sources]
    assert sorted(sources, key=lambda s: s.position) == inputs
    assert len(merged) == 3


def test_representative_of_a_pair_is_the_shorter(dedup):
    # Two members are equally central to each other; the shorter, which claims least, speaks for both.
    merged, _ = dedup([sentence(MET_EDITED, outlet="A"), sentence(MET, outlet="B")])

    assert len(merged) == 1
    assert merged[0].text == MET
    assert [s.outlet for s in merged[0].sources] == ["A", "B"]


def test_empty_input(dedup):
    merged, counts = dedup([])
    assert merged == []
    assert counts["sentences_out"] == 0
