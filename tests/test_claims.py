"""Claims and disagreements: counts with what they count, event dates, and only real differences flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import sentence

from summarize.stages.claims import extract_claims, find_disagreements, resolve_dates
from summarize.types import SupportedSentence


@pytest.fixture
def claims_of(stage_params):
    settings = stage_params("claims")

    def claims_of(said: list[tuple[str, str]], dates: dict[str, dt.date] | None = None):
        """`said`: (outlet, sentence) pairs; each outlet is its own article, dated from `dates`."""
        sentences = [
            SupportedSentence(text, (sentence(text, outlet=outlet, article_id=outlet, position=i),))
            for i, (outlet, text) in enumerate(said)
        ]
        claims = extract_claims(sentences, dates or {}, **settings)
        return claims, find_disagreements(claims)

    return claims_of


def test_different_counts_of_the_same_thing_are_flagged_with_their_outlets(claims_of):
    claims, flags = claims_of(
        [
            ("A", "The two sides signed 15 agreements on trade."),
            ("B", "Officials signed 15 cooperation agreements in technology."),
            ("C", "During the talks, the parties signed 14 memorandums of understanding."),
        ]
    )
    assert [(c.subject, c.value) for c in claims] == [("agreements", "15")] * 2 + [("agreements", "14")]
    assert len(flags) == 1
    assert flags[0].subject == "agreements"
    assert flags[0].values == (
        ("14 memorandums", ("C",)),
        ("15 agreements / 15 cooperation agreements", ("A", "B")),
    )


@pytest.mark.parametrize(
    "said",
    [
        [("A", "Lee began a four-day trip to China."), ("B", "Lee began a 4-day trip to China.")],
        [("A", "More than 200 business leaders joined him."), ("B", "Over 200 business leaders joined him.")],
        [("A", "Trade reached $273 billion in 2024 and 12 deals were signed."), ("B", "They signed twelve deals.")],
    ],
    ids=["four-day", "more-than-over", "digits-words"],
)
def test_wording_and_unit_variants_agree(claims_of, said):
    claims, flags = claims_of(said)
    assert len(claims) >= 2
    assert flags == []


def test_a_bound_and_an_exact_count_are_different_values(claims_of):
    _, flags = claims_of([("A", "More than 200 executives came."), ("B", "Exactly 150 executives came.")])
    assert [d.subject for d in flags] == ["business delegates"]


def test_a_part_of_a_total_is_not_a_count_of_it(claims_of):
    claims, flags = claims_of(
        [("A", "They signed 15 agreements, and nine of these were agreements between companies."), ("B", "They signed 15 agreements.")]
    )
    assert {c.value for c in claims} == {"15"}
    assert flags == []


def test_one_outlet_alone_is_never_a_disagreement(claims_of):
    _, flags = claims_of([("A", "They signed 15 agreements."), ("A", "Later they signed 14 agreements.")])
    assert flags == []


def test_event_dates_are_resolved_against_the_article_date(claims_of):
    monday = dt.date(2026, 1, 5)
    claims, flags = claims_of(
        [
            ("A", "Xi and Lee met in Beijing on Monday."),
            ("B", "The leaders met on January 5 in the Great Hall."),
            ("C", "Chinese President Xi Jinping hosted Lee on January 6, 2026."),
        ],
        dates={"A": dt.date(2026, 1, 6), "B": dt.date(2026, 1, 7)},
    )
    assert [(c.subject, c.value) for c in claims] == [("meeting", "2026-01-05"), ("meeting", "2026-01-05"), ("meeting", "2026-01-06")]
    assert resolve_dates("He arrives this Sunday.", dt.date(2026, 1, 4)) == [dt.date(2026, 1, 4)]
    assert resolve_dates("They met on Monday.", monday) == [monday]
    assert [(d.subject, d.values) for d in flags] == [
        ("meeting", (("January 5, 2026", ("A", "B")), ("January 6, 2026", ("C",))))
    ]


def test_a_date_in_a_sentence_without_the_event_is_not_a_claim(claims_of):
    claims, _ = claims_of([("A", "The delegation left Seoul on January 4, 2026.")])
    assert claims == []


def test_a_month_day_is_not_counted(claims_of):
    claims, _ = claims_of([("A", "On January 15 agreements were discussed at the summit.")], dates={"A": dt.date(2026, 1, 16)})
    assert [c.kind for c in claims] == ["date"]
