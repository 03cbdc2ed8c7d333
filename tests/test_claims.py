"""The claims stage: within one fact, values of one quantity or date that outlets state differently."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import sentence

from summarize.nlp.values import load_parser, sentence_values
from summarize.stages.claims import conflicting, fact_disagreements
from summarize.types import Fact


@pytest.fixture
def disagreements_in(stage_settings):
    synonyms, tolerance = stage_settings("align").synonyms, stage_settings("claims").approximate_tolerance

    def disagreements_in(said: list[tuple[str, str]], dates: dict[str, dt.date] | None = None):
        """`said`: (outlet, sentence) pairs stating one fact; each outlet is its own article, dated from `dates`."""
        sources = tuple(sentence(text, outlet=outlet, article_id=outlet, position=i) for i, (outlet, text) in enumerate(said))
        values = sentence_values(sources, load_parser(), dates or {}, synonyms=synonyms)
        return fact_disagreements(Fact(sources[0].text, sources), values, tolerance)

    return disagreements_in


def test_different_counts_of_the_same_thing_are_flagged_with_their_outlets(disagreements_in):
    (flag,) = disagreements_in(
        [
            ("UNN", "During the talks, the parties signed 14 memorandums of understanding on trade."),
            ("French", "Trade was highlighted, with 15 cooperation agreements signed."),
            ("Saif", "The visit resulted in the signing of 15 agreements across trade and technology."),
        ]
    )
    assert (flag.kind, flag.subject) == ("count", "agreement")
    assert flag.values == (("14 memorandums", ("UNN",)), ("15 agreements / 15 cooperation agreements", ("French", "Saif")))
    assert flag.fact.startswith("During the talks")


def test_any_counted_noun_is_compared_not_only_configured_ones(disagreements_in):
    (flag,) = disagreements_in(
        [("A", "The opposition party won 300 seats in the new parliament."), ("B", "The opposition party won 320 seats in the new parliament.")]
    )
    assert (flag.subject, [v for v, _ in flag.values]) == ("seat", ["300 seats", "320 seats"])


def test_money_amounts_are_compared(disagreements_in):
    (flag,) = disagreements_in(
        [("A", "The government pledged $2 billion for the reconstruction."), ("B", "The government pledged $3 billion for the reconstruction.")]
    )
    assert (flag.kind, flag.subject) == ("amount", "USD")


def test_dates_of_the_fact_are_resolved_and_compared(disagreements_in):
    (flag,) = disagreements_in(
        [
            ("UNN", "Leaders of China and South Korea, during a meeting in Beijing on Monday, January 5, 2026, pledged to cooperate."),
            ("French", "Xi Jinping and Lee Jae Myung met in Beijing on January 6, pledging to boost trade."),
        ],
        dates={"UNN": dt.date(2026, 1, 6), "French": dt.date(2026, 1, 6)},
    )
    assert flag.kind == "date"
    assert [outlets for _, outlets in flag.values] == [("UNN",), ("French",)]


@pytest.mark.parametrize(
    "said",
    [
        # A year, an age, an ordinal: not quantities of the fact.
        [("A", "In 1998, when the storm killed 12 people, the levee broke."), ("B", "In 1999, when the storm killed 12 people, the levee broke.")],
        [("A", "Smith, 51, was arrested on Friday in Leeds."), ("B", "Smith, 52, was arrested on Friday in Leeds.")],
        [("A", "It was their second meeting this year."), ("B", "It was their third meeting this year.")],
        # Numbers about different things.
        [("A", "The last two years of his deal were guaranteed."), ("B", "He signed three deals with the club.")],
        # The same values, written differently.
        [("A", "Over 200 business leaders joined the trip."), ("B", "More than 200 business representatives joined the trip.")],
        [("A", "The four-day visit began on Sunday."), ("B", "The 4-day visit began on Sunday.")],
    ],
)
def test_what_is_not_a_disagreement(disagreements_in, said):
    assert disagreements_in(said) == []


def test_one_outlet_alone_is_never_a_disagreement(disagreements_in):
    assert disagreements_in([("A", "They signed 14 agreements."), ("A", "They signed 15 agreements.")]) == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("15", "14", True), ("15", "15", False), (">200", "250", False), (">200", "150", True), ("~300", "310", False),
     ("~300", "400", True), (">200", ">300", False), ("2026-01-05", "2026-01-06", True)],
)
def test_conflicting_values(a, b, expected, stage_settings):
    assert conflicting(a, b, stage_settings("claims").approximate_tolerance) is expected
