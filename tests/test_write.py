"""The extractive writer."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from factories import subtopic, supported, work

from summarize.stages.write import leans_on_context, write_brief
from summarize.types import Changes, fact_id


@pytest.fixture
def write(encoder, stage_settings):
    """The extractive writer: the write stage with nothing generated to show."""

    def run(subtopics, **overrides):
        brief, _ = write_brief(work(subtopics), encoder, stage_settings("write", **overrides))
        return brief

    return run


TRADE = [
    "The European Union and Japan signed a free trade agreement cutting tariffs on cars and cheese.",
    "European farmers expect to sell more cheese and wine to Japan once the trade pact removes import duties.",
    "Trade ministers said the tariff agreement covers nearly a third of the world economy.",
]
FOOTBALL = [
    "Manchester United beat Liverpool 3-1 in the football match at Old Trafford on Sunday.",
    "Liverpool's goalkeeper was sent off after a foul on the edge of the penalty area.",
    "Fans celebrated the victory, which lifted United to third place in the league table.",
]
WEATHER = [
    "Heavy rain flooded several streets in the port city of Busan overnight.",
    "Emergency crews pumped water out of flooded homes near the harbour on Tuesday.",
]


def test_round_robin_takes_subtopics_breadth_first_and_keeps_their_order(write):
    subtopics = [
        subtopic("Trade", [supported(t, "A", "B") for t in TRADE], importance=3.0),
        subtopic("Football", [supported(t, "C") for t in FOOTBALL], importance=2.0),
        subtopic("Weather", [supported(t, "D") for t in WEATHER], importance=1.0),
    ]
    brief = write(subtopics, budget_words=40, max_words=60, selection="round_robin")

    assert [s.label for s in brief.sections] == ["Trade", "Football", "Weather"]
    # One round of best sentences (16 + 14 + 12 = 42 words), and the budget of 40 is spent.
    assert [s.text for s in brief.sentences] == [TRADE[0], FOOTBALL[0], WEATHER[0]]
    assert brief.event_id == "ev" and brief.title == "Lee visits China" and brief.date == dt.date(2026, 1, 6)
    assert brief.outlets == ("A", "B", "C", "D")
    assert brief.sentences[0].outlets == ("A", "B")


def test_round_robin_second_round_takes_each_subtopics_next_sentence(write):
    subtopics = [
        subtopic("Trade", [supported(t) for t in TRADE]),
        subtopic("Football", [supported(t) for t in FOOTBALL]),
    ]
    brief = write(subtopics, budget_words=50, max_words=80, selection="round_robin")

    # 16 + 14 = 30 < 50 after round one; round two adds TRADE[1] (18 words): 48; then FOOTBALL[1] (15 words): 63.
    assert [[s.text for s in section.sentences] for section in brief.sections] == [
        [TRADE[0], TRADE[1]],
        [FOOTBALL[0], FOOTBALL[1]],
    ]


@pytest.mark.parametrize("max_words", [20, 35, 50, 250])
def test_respects_max_words(write, max_words):
    subtopics = [
        subtopic("Trade", [supported(t) for t in TRADE]),
        subtopic("Football", [supported(t) for t in FOOTBALL]),
        subtopic("Weather", [supported(t) for t in WEATHER]),
    ]
    brief = write(subtopics, budget_words=max_words, max_words=max_words)

    assert 0 < brief.word_count <= max_words
    assert brief.word_count == sum(len(s.text.split()) for s in brief.sentences)


def test_a_sentence_that_would_pass_max_words_is_skipped_for_a_shorter_one(write):
    long_ = TRADE[1]  # 19 words
    short = WEATHER[0]  # 12 words
    brief = write([subtopic("Mixed", [supported(TRADE[0]), supported(long_), supported(short)])],
                  budget_words=40, max_words=30, max_facts_per_subtopic=3)

    assert [s.text for s in brief.sentences] == [TRADE[0], short]
    assert brief.word_count <= 30


def test_every_brief_sentence_has_outlets_and_sources(write):
    subtopics = [
        subtopic("Trade", [supported(TRADE[0], "Devdiscourse", "UNN"), supported(TRADE[2], "UNN")]),
        subtopic("Football", [supported(FOOTBALL[0], "Saif Rahman blog")]),
    ]
    brief = write(subtopics)

    assert len(brief.sentences) == 3
    for s in brief.sentences:
        assert s.outlets and all(o.strip() for o in s.outlets)
        assert s.backing and all(src.text for src in s.backing)
    assert brief.sentences[0].outlets == ("Devdiscourse", "UNN")


def test_redundant_candidates_are_not_both_chosen(write, encoder):
    a = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday."
    b = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday, officials said."
    sim = float(encoder.encode([a])[0] @ encoder.encode([b])[0])
    assert sim >= 0.7  # the premise: they are near-identical

    subtopics = [
        subtopic("Summit", [supported(a, "A"), supported(TRADE[0], "A")]),
        subtopic("Meeting", [supported(b, "B"), supported(FOOTBALL[0], "B")]),
    ]
    texts = [s.text for s in write(subtopics).sentences]

    assert a in texts
    assert b not in texts
    assert FOOTBALL[0] in texts  # the second subtopic falls back on its next sentence


@pytest.mark.parametrize(
    "dangling",
    [
        "Yet, both nations exhibited a keen interest in propelling ahead with new projects.",
        "He urged South Korea to make correct strategic choices in a changing world.",
        "In an interview, he said the visit would open a new chapter in relations.",
        "But the two sides did not agree on the deployment of missile defence systems.",
        "“They must work together for peace,” the president told reporters in Beijing.",
        "This marked the first visit of a South Korean leader to China in six years.",
    ],
)
def test_sentences_leaning_on_context_are_skipped(write, dangling):
    standalone = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday."
    brief = write([subtopic("Summit", [supported(dangling, "A", "B", "C"), supported(standalone, "A")])])

    assert [s.text for s in brief.sentences] == [standalone]


def test_leans_on_context_with_shipped_openers(stage_settings):
    openers = {o.lower() for o in stage_settings("write").dangling_openers}
    assert {"yet", "he", "but", "this"} <= openers
    assert leans_on_context("Yet, both nations exhibited a keen interest.", openers)
    assert leans_on_context("In an interview, he said so.", openers)
    assert leans_on_context("In Beijing on Monday, they signed 15 agreements.", openers)
    assert not leans_on_context("Lee said he would return to Beijing next year.", openers)
    assert not leans_on_context("Hehe is not a pronoun; Heather met Lee.", openers)
    assert not leans_on_context("In Beijing, Lee met Xi for talks.", openers)


def test_pieces_of_longer_sentences_and_quotes_lean_on_context():
    assert leans_on_context("1 on the Billboard 200 chart and sold 800,000 copies.", set()) is False  # a number may open
    assert leans_on_context("and then the two leaders signed the pact.", set())
    # The last sentence of a quote that runs over several, with curly or straight marks.
    assert leans_on_context("How great it is,” Stewart told the magazine.", set())
    assert leans_on_context('How great it is," Stewart told the magazine.', set())
    # A quote held whole, or one that opens here, reads on its own.
    assert not leans_on_context("“We won,” the coach said after the match.", set())
    assert not leans_on_context('"We won," the coach said after the match.', set())
    assert not leans_on_context('The coach said "we won" and "we will win again" (twice).', set())
    assert not leans_on_context('"I want to thank me for believing in me.', set())


def test_sentences_shorter_than_min_words_are_not_candidates(write):
    short = "Both sides called the talks useful."  # 6 words
    brief = write([subtopic("Trade", [supported(short, "A", "B"), supported(TRADE[0])])], budget_words=40, max_words=40, min_words=8)
    assert [s.text for s in brief.sentences] == [TRADE[0]]


def test_max_facts_per_subtopic(write):
    brief = write([subtopic("Trade", [supported(t) for t in TRADE] + [supported(t) for t in WEATHER])],
                  budget_words=1000, max_words=1000, max_facts_per_subtopic=2)

    assert len(brief.sentences) == 2


def test_subtopics_with_no_usable_sentence_give_no_section(write):
    subtopics = [
        subtopic("Dangling", [supported("He left Beijing on Wednesday after four days of talks.")]),
        subtopic("Trade", [supported(TRADE[0], "A")]),
    ]
    brief = write(subtopics)

    assert [s.label for s in brief.sections] == ["Trade"]
    assert brief.outlets == ("A",)


def test_no_subtopics_gives_an_empty_brief(write):
    brief = write([])
    assert brief.sections == () and brief.word_count == 0 and brief.outlets == ()


def test_the_core_fact_leads_the_brief_even_when_another_covers_more(encoder, stage_settings):
    """The fact the most independent sources report is always taken and comes first, though the
    coverage plan alone would spend the budget on two shorter sentences."""
    core = supported(WEATHER[0], "A", "B", "C")
    others = [supported(t, "A", "B") for t in TRADE[:2]]
    settings = stage_settings("write", selection="coverage", budget_words=40, max_words=40)
    brief, _ = write_brief(work([subtopic("Trade", others), subtopic("Weather", [core])]), encoder, settings)
    assert brief.sentences[0].text == core.text


def test_copies_add_no_weight_to_the_choice(encoder, stage_settings):
    """Two outlets carrying one article are one source: a fact only they report weighs less
    than one two independent outlets report."""
    copied = supported(TRADE[0], "A", "A copy")
    independent = supported(FOOTBALL[0], "B", "C")
    settings = stage_settings("write", selection="coverage", budget_words=18, max_words=18)
    subtopics = [subtopic("Trade", [copied]), subtopic("Football", [independent])]
    brief, _ = write_brief(work(subtopics, copies=(("A", "A copy"),)), encoder, settings)
    assert [s.text for s in brief.sentences] == [independent.text]


@pytest.mark.parametrize("selection", ["coverage", "round_robin"])
def test_the_lede_is_the_core_facts_own_sentence(encoder, stage_settings, selection):
    """The lede says what happened: the fact the most independent sources report, in its own
    outlet's sentence and with its outlets, not the ranking's first subtopic (a side story)."""
    core = supported(TRADE[2], "A", "B", "C")
    side = [supported(t, "A") for t in FOOTBALL]
    settings = stage_settings("write", selection=selection, budget_words=60, max_words=80)
    brief, _ = write_brief(
        work([subtopic("Football", side, importance=3.0), subtopic("Trade", [supported(TRADE[0], "B"), core])]),
        encoder, settings,
    )
    assert brief.lede.text == core.text and brief.lede.backing == core.sentences
    assert brief.lede.outlets == ("A", "B", "C") and brief.support(brief.lede) == 3
    # It opens the brief, where programs reading the sections find it too.
    assert brief.sentences[0] is brief.lede and brief.sections[0].label == "Trade"


def test_an_empty_brief_has_no_lede(write):
    assert write([]).lede is None


@pytest.mark.parametrize("selection", ["coverage", "round_robin"])
def test_with_a_previous_brief_the_budget_favours_what_is_new_and_marks_it(encoder, stage_settings, selection):
    """update_share: the new fact, which the ranking puts last in its subtopic (one outlet), gets
    into a brief of room for three; the core fact still leads; only the new one is marked."""
    subtopics = [
        subtopic("Trade", [supported(TRADE[0], "A", "B", "C"), *(supported(t, "A", "B") for t in TRADE[1:])], importance=3.0),
        subtopic("Football", [*(supported(t, "C", "D") for t in FOOTBALL[:2]), supported(WEATHER[1], "D")], importance=2.0),
    ]
    new = subtopics[1].facts[2]
    settings = stage_settings("write", budget_words=45, max_words=50, selection=selection)
    changes = Changes("2026-01-05T06:00:00+00:00", "v1", new=frozenset({fact_id(new)}))

    before, _ = write_brief(work(subtopics), encoder, settings)
    after, _ = write_brief(work(subtopics, changes=changes), encoder, settings)
    unfavoured, _ = write_brief(work(subtopics, changes=changes), encoder, dataclasses.replace(settings, update_share=0))

    assert WEATHER[1] not in [s.text for s in before.sentences] and not any(s.change for s in before.sentences)
    assert after.sentences[0].text == TRADE[0] and after.lede is after.sentences[0]
    assert [s.change for s in after.sentences if s.text == WEATHER[1]] == ["new"]
    assert [s.change for s in after.sentences if s.text != WEATHER[1]] == [None] * (len(after.sentences) - 1)
    assert after.changes is changes
    assert [s.text for s in unfavoured.sentences] == [s.text for s in before.sentences]
