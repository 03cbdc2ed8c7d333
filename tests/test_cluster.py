"""The cluster stage: subtopics of the facts, their headings and their order."""

from __future__ import annotations

import numpy as np
import pytest
from factories import supported

from summarize.nlp.values import load_parser
from summarize.stages.cluster import cluster_subtopics
from summarize.types import Models

TRADE = [
    "The European Union and Japan signed a free trade agreement cutting tariffs on cars and cheese.",
    "Under the trade deal, tariffs on Japanese car exports to Europe will fall to zero over seven years.",
    "European farmers expect to sell more cheese and wine to Japan once the trade pact removes import duties.",
    "Trade ministers said the tariff agreement covers nearly a third of the world economy.",
]
FOOTBALL = [
    "Manchester United beat Liverpool 3-1 in the football match at Old Trafford on Sunday.",
    "The striker scored twice in the second half as the home side won the league match.",
    "Liverpool's goalkeeper was sent off after a foul on the edge of the penalty area.",
    "Fans celebrated the football victory, which lifted United to third place in the league table.",
]


@pytest.fixture
def cluster(encoder, stage_settings):
    def run(facts, copies=(), **overrides):
        return cluster_subtopics(facts, copies, "", stage_settings("cluster", **overrides), Models(encoder, None, load_parser()))

    return run


def centrality(encoder, subtopic) -> np.ndarray:
    """Each fact's cosine to its subtopic's centroid."""
    vectors = encoder.encode([f.text for f in subtopic.facts])
    centroid = vectors.mean(0)
    return vectors @ (centroid / np.linalg.norm(centroid))


def test_two_subjects_land_in_different_subtopics(cluster):
    # Interleaved, so input order alone cannot produce the split.
    sentences = [supported(t, "A") for pair in zip(TRADE, FOOTBALL) for t in pair]
    subtopics = cluster(sentences)

    assert len(subtopics) == 2
    groups = [{s.text for s in st.facts} for st in subtopics]
    assert set(TRADE) in groups and set(FOOTBALL) in groups


@pytest.mark.parametrize("important", ["football", "trade"])
def test_subtopics_are_ordered_by_importance(cluster, encoder, important):
    # The important subject's sentences are each said by three outlets, so its subtopic weighs about
    # three times more, wherever it comes in the input and whatever cluster number it gets.
    weight = {"trade": ("A",), "football": ("A",)}
    weight[important] = ("A", "B", "C")
    sentences = [supported(t, *weight["trade"]) for t in TRADE] + [supported(t, *weight["football"]) for t in FOOTBALL]
    subtopics = cluster(sentences)

    first = FOOTBALL if important == "football" else TRADE
    assert [st.facts[0].text in first for st in subtopics] == [True, False]
    importances = [st.importance for st in subtopics]
    assert importances == sorted(importances, reverse=True)
    assert importances[0] > 2 * importances[1]
    assert subtopics[0].outlets == ("A", "B", "C")
    # Importance is the sum of support times centrality (every fact here leads its article: no lead discount).
    for st in subtopics:
        expected = sum(len(f.outlets) * c for f, c in zip(st.facts, centrality(encoder, st)))
        assert st.importance == pytest.approx(expected, abs=1e-3)


def test_facts_within_a_subtopic_rank_by_outlets_then_centrality(cluster):
    sentences = [supported(t, "A") for t in TRADE[:3]] + [supported(TRADE[3], "A", "B")]
    sentences += [supported(t, "A") for t in FOOTBALL]
    subtopics = cluster(sentences)

    trade = next(st for st in subtopics if st.facts[0].text in TRADE)
    assert trade.facts[0].text == TRADE[3]  # two outlets come first
    assert [len(f.outlets) for f in trade.facts] == sorted((len(f.outlets) for f in trade.facts), reverse=True)


def test_outlets_carrying_copies_count_once(cluster):
    sentences = [supported(TRADE[0], "A", "B")] + [supported(TRADE[1], "A", "C")] + [supported(t, "A") for t in TRADE[2:] + FOOTBALL]
    subtopics = cluster(sentences, copies=[("A", "B")])

    trade = next(st for st in subtopics if st.facts[0].text in TRADE)
    assert trade.facts[0].text == TRADE[1]  # A and C are two sources; A and B, copies, are one


def test_labels_are_nonempty_and_name_their_subject(cluster):
    sentences = [supported(t, "A") for t in TRADE + FOOTBALL]
    subtopics = cluster(sentences)

    labels = [st.label for st in subtopics]
    assert all(isinstance(label, str) and label.strip() for label in labels)
    assert len(set(labels)) == len(labels)
    by_subject = {("trade" if st.facts[0].text in TRADE else "football"): st.label.lower() for st in subtopics}
    assert any(word in by_subject["trade"] for word in ("trade", "tariff", "cheese", "japan", "agreement"))
    assert any(word in by_subject["football"] for word in ("football", "league", "liverpool", "match", "united"))


def test_headings_are_short_phrases_not_lists_of_terms(cluster):
    sentences = [supported(t, "A") for t in TRADE + FOOTBALL]
    for subtopic in cluster(sentences):
        assert "," not in subtopic.label and 1 <= len(subtopic.label.split()) <= 5
        words = " ".join(s.text for s in subtopic.facts).lower()
        assert all(w.lower().strip("'s") in words for w in subtopic.label.split() if len(w) > 3)


def test_single_sentence_gives_one_subtopic(cluster, encoder):
    subtopics = cluster([supported(TRADE[0], "A", "B")])

    assert len(subtopics) == 1
    (st,) = subtopics
    assert [s.text for s in st.facts] == [TRADE[0]]
    assert st.label.strip()
    assert centrality(encoder, st)[0] == pytest.approx(1.0, abs=1e-3)
    assert st.importance == pytest.approx(2.0, abs=1e-3)


def test_no_sentences_gives_no_subtopics(cluster):
    assert cluster([]) == []


def test_every_sentence_is_in_exactly_one_subtopic(cluster):
    sentences = [supported(t, "A") for t in TRADE + FOOTBALL] + [
        supported("Heavy rain flooded several streets in the port city overnight.", "B"),
        supported("Forecasters expect more storms and flooding along the coast this week.", "B"),
        supported("Emergency crews pumped water out of flooded homes near the harbour.", "B"),
    ]
    subtopics = cluster(sentences, min_subtopics=2, max_subtopics=4)

    seen = [s.text for st in subtopics for s in st.facts]
    assert sorted(seen) == sorted(s.text for s in sentences)
    assert 2 <= len(subtopics) <= 3  # 11 sentences / min_size 3 caps it at 3


def test_min_size_caps_the_number_of_subtopics(cluster):
    sentences = [supported(t, "A") for t in TRADE + FOOTBALL]
    assert len(cluster(sentences, min_size=5)) == 1  # 8 // 5 < 2: no split
