"""The claims stage: where outlets state different values of one quantity, a date or a name, which
value most independent sources give, and the facts left citing only the outlets that give it."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from factories import article, event, sentence

from summarize.nlp.values import load_parser
from summarize.nlp.values import StatedValue
from summarize.nlp.conflicts import conflicting
from summarize.stages.claims import ClaimsStage, Statement, as_disagreement
from summarize.types import EventWork, Fact, Models


@pytest.fixture(scope="module")
def parser():
    return load_parser()


@pytest.fixture
def claims(stage_settings, encoder, parser):
    stage = ClaimsStage(stage_settings("claims"), Models(encoder, None, parser))

    def claims(*facts_said: list[tuple[str, str]], dates: dict[str, dt.date] | None = None, copies=()) -> EventWork:
        """Each argument is one fact as the align stage grouped it: (outlet, sentence) pairs; each
        outlet is its own article, dated from `dates`."""
        position = itertools.count()
        facts = []
        for said in facts_said:
            sentences = tuple(sentence(text, outlet=o, article_id=o, position=next(position)) for o, text in said)
            facts.append(Fact(sentences[0].text, sentences))
        outlets = sorted({o for said in facts_said for o, _ in said})
        cleaned = tuple(article(o, ["-"], outlet=o, date=(dates or {}).get(o)) for o in outlets)
        return stage(EventWork(event(), cleaned=cleaned, facts=tuple(facts), copies=tuple(copies)))[0]

    return claims


@pytest.fixture
def disagreements_in(claims):
    def disagreements_in(said: list[tuple[str, str]], dates: dict[str, dt.date] | None = None):
        """`said`: (outlet, sentence) pairs stating one fact."""
        return list(claims(said, dates=dates).disagreements)

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
    # The value most sources give first; the fact is worded as one of them words it.
    assert flag.values == (("15 agreements / 15 cooperation agreements", ("French", "Saif")), ("14 memorandums", ("UNN",)))
    assert flag.fact.startswith("Trade was highlighted")


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
     ("~300", "400", True), (">200", ">300", False), ("2026-01-05", "2026-01-06", True),
     # "at least two" and "two"; "more than 9,000" and "9,000": a bound agrees with its own number.
     (">2", "2", False), (">9000", "9000", False), ("<50", "50", False)],
)
def test_conflicting_values(a, b, expected, stage_settings):
    assert conflicting(a, b, stage_settings("claims").approximate_tolerance) is expected


def outlets_cited(work: EventWork) -> dict[str, set[str]]:
    """Each attributed fact's wording and the outlets it cites."""
    return {f.text: set(f.outlets) for f in work.attributed}


def test_a_fact_is_worded_with_the_value_most_sources_give(claims):
    work = claims(
        [
            ("C", "The collapse left 19 people injured."),
            ("A", "The collapse injured 14 people, officials said."),
            ("B", "Fourteen people were injured in the collapse."),
        ]
    )
    (flag,) = work.disagreements
    assert [outlets for _, outlets in flag.values] == [("A", "B"), ("C",)]
    # C stays cited: the brief marks the value it shows as disputed and lists C under 19.
    (fact,) = work.attributed
    assert fact.text == "The collapse injured 14 people, officials said." and set(fact.outlets) == {"A", "B", "C"}


def test_the_value_most_independent_sources_give_wins_over_copies(claims):
    # A and its copy A2 say 14: one source; B and C, two sources, say 19.
    work = claims(
        [
            ("A", "The collapse injured 14 people."),
            ("A2", "The collapse injured 14 people."),
            ("B", "The collapse injured 19 people."),
            ("C", "Nineteen people were injured in the collapse."),
        ],
        copies=[("A", "A2")],
    )
    (flag,) = work.disagreements
    assert flag.values[0][1] == ("B", "C")
    assert work.attributed[0].text == "The collapse injured 19 people."


def test_values_of_the_same_thing_in_facts_kept_apart_are_compared(claims):
    """The minority's own fact would cite its outlet for a value most sources contradict: it goes,
    and its value stands in the disagreement."""
    work = claims(
        [("A", "The mine collapse killed 14 workers on Tuesday."), ("B", "The mine collapse on Tuesday killed 14 workers.")],
        [("C", "Rescuers said the collapse of the mine killed 11 workers.")],
    )
    (flag,) = work.disagreements
    assert flag.subject == "dead" and [o for _, o in flag.values] == [("A", "B"), ("C",)]
    assert [set(f.outlets) for f in work.attributed] == [{"A", "B"}]


def test_dates_of_two_facts_are_not_compared(disagreements_in, claims):
    work = claims(
        [("A", "Lee arrived in Beijing on Sunday, January 4, for a four-day state visit.")],
        [("B", "Lee met Xi in Beijing on Monday, January 5, during his four-day state visit.")],
        [("C", "Lee met Xi in Beijing on January 5 during his state visit.")],
        dates={o: dt.date(2026, 1, 6) for o in "ABC"},
    )
    assert work.disagreements == ()


@pytest.mark.parametrize(
    "said",
    [
        # A bound and the number it bounds agree.
        [("A", "At least two crew members were rescued from the sea."), ("B", "Two crew members were rescued from the sea.")],
        # An increment is no statement of the total.
        [("A", "Rescuers brought six miners to the surface."), ("B", "Rescuers brought seven more miners to the surface.")],
        # Two values of one quantity in one sentence compare with nothing.
        [("A", "The toll rose from 12 deaths on Monday to 15 deaths on Tuesday."), ("B", "The toll stood at 15 deaths.")],
    ],
)
def test_compatible_statements_are_no_disagreement(disagreements_in, said):
    assert disagreements_in(said) == []


def test_a_name_spelt_two_ways_is_a_disagreement(disagreements_in):
    (flag,) = disagreements_in(
        [
            ("A", "The museum's director, Hélène Marchetti, said the alarm had been cut."),
            ("B", "Director Hélène Marchand said the alarm system had been cut."),
            ("C", "Hélène Marchetti, the director, said the alarm had been disabled."),
        ]
    )
    assert flag.kind == "name"
    assert [o for _, o in flag.values] == [("A", "C"), ("B",)]


def test_two_people_with_one_first_name_are_not_a_disagreement(disagreements_in):
    assert disagreements_in(
        [("A", "Minister John Carter said the talks would go on."), ("B", "Minister John Whitfield said the talks would go on.")]
    ) == []


def test_a_dispute_found_through_two_synonyms_is_listed_once(disagreements_in):
    flags = disagreements_in(
        [
            ("A", "The fire destroyed 38 homes in the valley."),
            ("B", "The fire destroyed 83 houses in the valley."),
            ("C", "In the valley, 38 homes were destroyed by the fire."),
        ]
    )
    assert len(flags) == 1 and [o for _, o in flags[0].values] == [("A", "C"), ("B",)]


def test_the_same_thing_done_is_compared_across_facts_however_far_apart_in_meaning(claims):
    """"214 schools are closed" and "closing 412 schools": one quantity (what is done to the schools),
    though the sentences are not close enough in meaning to be one fact."""
    work = claims(
        [
            ("A", "About 18,000 teachers walked off the job on Monday, closing 412 schools and leaving parents scrambling."),
            ("B", "Some 18,000 teachers walked off the job on Monday, closing 412 schools across the province."),
        ],
        [("C", "The strike, the first since the union was founded, is closing 412 schools, the ministry said.")],
        [("D", "How many? According to the union, 214 schools are closed today.")],
    )
    (flag,) = work.disagreements
    assert flag.subject == "school" and [o for _, o in flag.values] == [("A", "B", "C"), ("D",)]


def test_a_rescue_count_is_not_compared_with_a_death_toll(disagreements_in):
    assert disagreements_in(
        [
            ("A", "Rescuers pulled six miners alive from the copper mine on Wednesday, officials said."),
            ("B", "FOURTEEN miners have been killed in the copper mine, officials said on Wednesday."),
            ("C", "Rescuers brought six miners to the surface alive from the copper mine on Wednesday."),
        ]
    ) == []


def test_the_fact_is_worded_with_the_majority_value_not_a_bound_compatible_with_it(claims):
    """"At least four" agrees with 11 (an earlier, lower count) but is not the value most sources give."""
    work = claims(
        [
            ("A", "At least four miners were killed when the mine collapsed, officials said."),
            ("B", "The death toll from the mine collapse rose to 11, officials said."),
            ("C", "11 miners were killed when the mine collapsed, officials said."),
            ("D", "FOURTEEN miners were killed when the mine collapsed, officials said."),
        ]
    )
    (flag,) = work.disagreements
    assert [o for _, o in flag.values] == [("A", "B", "C"), ("D",)]
    (fact,) = work.attributed
    assert fact.text != "At least four miners were killed when the mine collapsed, officials said."
    assert "11" in fact.text


def test_a_disagreement_carries_each_sides_normalised_values_beside_its_wordings():
    """brief.json gives programs the values the claims stage compared ("15", ">200"), not only the
    wordings readers see ("15 agreements / fifteen deals")."""
    statements = [
        Statement(sentence("They signed 15 agreements.", outlet="A"), StatedValue("count", "agreement", "15", "15 agreements")),
        Statement(sentence("They signed fifteen deals.", outlet="B"), StatedValue("count", "agreement", "15", "fifteen deals")),
        Statement(sentence("They signed about 15 deals.", outlet="D"), StatedValue("count", "agreement", "~15", "about 15 deals")),
        Statement(sentence("They signed 14 memorandums.", outlet="C"), StatedValue("count", "agreement", "14", "14 memorandums")),
    ]
    disagreement = as_disagreement(statements, ["15", "~15", "14"], tolerance=0.02)
    assert disagreement.normalised == (("15", "~15"), ("14",))
    record = disagreement.as_record()
    assert [v["value"] for v in record["values"]] == ["15 agreements / about 15 deals / fifteen deals", "14 memorandums"]
    assert record["values"][0]["normalised"] == [
        {"number": 15, "bound": "exact", "unit": "agreement"}, {"number": 15, "bound": "approximate", "unit": "agreement"}
    ]
