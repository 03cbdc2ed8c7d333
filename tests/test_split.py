"""The split stage: sentence splitting with Punkt, length and pattern filters."""

from __future__ import annotations

import pytest
from factories import article

from summarize.stages.split import split_sentences


@pytest.fixture
def split(stage_settings):
    def run(articles, **overrides):
        return split_sentences(articles, stage_settings("split", **overrides))

    return run


def test_punkt_knows_abbreviations(split):
    text = "On Jan. 5, Mr. Kim met Dr. Lee at 9 a.m. in Seoul. He left."
    sentences, counts = split([article("a", [text])], min_words=1)

    assert [s.text for s in sentences] == ["On Jan. 5, Mr. Kim met Dr. Lee at 9 a.m. in Seoul.", "He left."]
    assert counts == {"sentences": 2, "dropped_by_length": 0, "dropped_by_pattern": 0}


def test_news_titles_and_number_signs_do_not_end_a_sentence(split):
    text = (
        "Gov. Newsom and Sgt. Ruiz watched the album debut at No. 1 on the chart. "
        "It held Nos. 1 and 2 for a week. The answer was no. Then the band left."
    )
    sentences, _ = split([article("a", [text])], min_words=1)

    assert [s.text for s in sentences] == [
        "Gov. Newsom and Sgt. Ruiz watched the album debut at No. 1 on the chart.",
        "It held Nos. 1 and 2 for a week.",
        "The answer was no.",
        "Then the band left.",
    ]


def test_sentences_of_a_paragraph_are_split_and_paragraphs_never_joined(split):
    paragraphs = [
        "Lee arrived in Beijing on Sunday for talks. Xi welcomed him at the Great Hall of the People!",
        "Did the two leaders agree on North Korea",  # no final stop: still its own sentence
        "Officials said the talks went well and that more meetings would follow.",
    ]
    sentences, _ = split([article("a", paragraphs)])

    assert [s.text for s in sentences] == [
        "Lee arrived in Beijing on Sunday for talks.",
        "Xi welcomed him at the Great Hall of the People!",
        "Did the two leaders agree on North Korea",
        "Officials said the talks went well and that more meetings would follow.",
    ]


def test_length_filters_are_applied_and_counted(split):
    short = "Lee left Beijing."  # 3 words
    five = "Lee left Beijing on Tuesday."  # 5 words: at min_words, kept
    long_ = " ".join(["word"] * 12) + "."  # 12 words
    sentences, counts = split([article("a", [f"{short} {five} {long_}"])], min_words=5, max_words=11)

    assert [s.text for s in sentences] == [five]
    assert counts == {"sentences": 1, "dropped_by_length": 2, "dropped_by_pattern": 0}

    sentences, counts = split([article("a", [f"{short} {five} {long_}"])], min_words=3, max_words=12)
    assert [s.text for s in sentences] == [short, five, long_]
    assert counts["dropped_by_length"] == 0


def test_shipped_drop_patterns_remove_wire_attributions(split):
    news = "Lee Jae-myung reaffirmed his commitment to the one China principle during the talks."
    paragraph = f"{news} This was reported by AP, writes UNN. It was first reported by Yonhap on Monday morning."
    sentences, counts = split([article("a", [paragraph])])

    assert [s.text for s in sentences] == [news]
    assert counts == {"sentences": 1, "dropped_by_length": 0, "dropped_by_pattern": 2}


def test_custom_drop_patterns_are_case_insensitive(split):
    keep = "Lee and Xi met in Beijing on Monday afternoon."
    drop = "SUBSCRIBE now for more news about the summit."
    sentences, counts = split([article("a", [f"{keep} {drop}"])], drop_patterns=[r"^subscribe\b"])

    assert [s.text for s in sentences] == [keep]
    assert counts["dropped_by_pattern"] == 1


def test_news_sentence_ending_in_writes_is_not_a_wire_attribution(split):
    """The shipped pattern '\\bwrites [A-Z][\\w.]*\\.?$' is meant for a source's name ("writes UNN.")."""
    news = "Park Jin, a former ambassador who now teaches in Seoul, writes columns."
    sentences, counts = split([article("a", [news])])

    assert [s.text for s in sentences] == [news]
    assert counts["dropped_by_pattern"] == 0


def test_ids_positions_and_outlets(split):
    a = article("001_abc", ["First sentence of the first paragraph here. Tiny.", "Second paragraph has this sentence here."], outlet="Devdiscourse")
    b = article("002_def", ["The other article has one sentence only."], outlet="UNN")
    sentences, counts = split([a, b])

    assert [(s.id, s.article_id, s.outlet, s.position) for s in sentences] == [
        ("001_abc:0", "001_abc", "Devdiscourse", 0),
        # the dropped "Tiny." takes no position: positions stay consecutive across paragraphs
        ("001_abc:1", "001_abc", "Devdiscourse", 1),
        ("002_def:0", "002_def", "UNN", 0),
    ]
    assert len({s.id for s in sentences}) == len(sentences)
    assert counts == {"sentences": 3, "dropped_by_length": 1, "dropped_by_pattern": 0}


def test_no_articles(split):
    assert split([]) == ([], {"sentences": 0, "dropped_by_length": 0, "dropped_by_pattern": 0})
