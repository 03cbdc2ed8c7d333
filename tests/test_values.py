"""Stated values: what a number counts comes from the real parse, and years, ages, labels,
ordinals and parts of dates state nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from summarize.nlp.values import StatedValue, load_parser, stated_values

SYNONYMS = {
    "agreement": ["agreement", "memorandum", "mou", "deal", "pact", "accord"],
    "business leader": ["business leader", "business representative", "executive", "businessperson"],
}
TUESDAY = dt.date(2026, 1, 6)


@pytest.fixture(scope="module")
def values_of():
    nlp = load_parser()

    def values_of(sentence: str, **dates) -> list[tuple[str, str, str]]:
        values = stated_values(nlp(sentence), synonyms=SYNONYMS, **dates)
        return [(v.kind, v.key, v.value) for v in values]

    return values_of


@pytest.fixture(scope="module")
def texts_of():
    nlp = load_parser()
    return lambda sentence: [v.text for v in stated_values(nlp(sentence), synonyms=SYNONYMS)]


def test_memorandums_are_counted_as_agreements(values_of):
    sentence = (
        "During the talks, the parties signed 14 memorandums of understanding concerning environmental protection."
    )
    assert values_of(sentence) == [("count", "agreement", "14")]


def test_an_amount_and_a_count_but_not_the_year(values_of, texts_of):
    sentence = (
        "Bilateral trade, valued at about $273 billion in 2024, was highlighted, with 15 cooperation agreements signed."
    )
    assert values_of(sentence) == [("amount", "USD", "~273000000000"), ("count", "agreement", "15")]
    assert texts_of(sentence) == ["about $273 billion", "15 cooperation agreements"]


def test_a_bound_and_a_compound_noun_and_a_hyphenated_duration(values_of, texts_of):
    sentence = "Over 200 South Korean business leaders joined President Lee on this four-day journey."
    assert values_of(sentence) == [("count", "business leader", ">200"), ("count", "day", "4")]
    assert texts_of(sentence) == ["Over 200 South Korean business leaders", "four-day"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("More than 200 business representatives came.", ("business leader", ">200")),
        # The dead are one quantity whatever noun counts them.
        ("At least 12 people died.", ("dead", ">12")),
        ("Up to 50 homes burned.", ("home", "<50")),
        ("Almost 2 million residents fled.", ("resident", "<2000000")),
        ("Some 40 shops closed.", ("shop", "~40")),
        ("Around 300 cars burned.", ("car", "~300")),
        ("They signed twelve deals.", ("agreement", "12")),
        ("They signed twenty-five agreements.", ("agreement", "25")),
        ("Two hundred soldiers arrived.", ("soldier", "200")),
        ("The 1,200 troops arrived.", ("troop", "1200")),
        ("They signed 6 MoUs.", ("agreement", "6")),
        ("They signed one agreement.", ("agreement", "1")),
        ("The talks lasted 10 hours.", ("hour", "10")),
    ],
)
def test_counts_are_normalised(values_of, sentence, expected):
    assert values_of(sentence) == [("count", *expected)]


def test_a_duration_counts_years_not_the_noun_after_it(values_of):
    assert values_of("He spent the last two years of his deal in Madrid.") == [("count", "year", "2")]


def test_any_noun_can_be_counted_and_different_values_compare(values_of):
    [(kind, key, value)] = values_of("The storm destroyed 300 seats.")
    [(other_kind, other_key, other_value)] = values_of("The storm destroyed 320 seats.")
    assert (kind, key) == (other_kind, other_key) == ("count", "seat")
    assert (value, other_value) == ("300", "320")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Trade hit $1.2 trillion last year.", [("USD", "1200000000000")]),
        ("They borrowed 2 billion dollars.", [("USD", "2000000000")]),
        ("The company raised 2 billion yuan and €5 million.", [("CNY", "2000000000"), ("EUR", "5000000")]),
        ("The fund holds 1.5 million euros.", [("EUR", "1500000")]),
        ("The bank lent $5 billion and $3 billion to them.", [("USD", "5000000000"), ("USD", "3000000000")]),
    ],
)
def test_money_amounts_have_their_currency_and_scale(values_of, sentence, expected):
    assert values_of(sentence) == [("amount", *pair) for pair in expected]


def test_a_year_is_not_a_count_but_the_count_beside_it_is(values_of):
    sentence = "In 1998, when the storm killed 12 people, the town was rebuilt."
    assert values_of(sentence) == [("count", "dead", "12")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The law was passed in 2024.",
        "Lee will attend the 2024 election and the 2026 elections.",
        "Smith, 51, was arrested.",
        "A 51-year-old man was arrested.",
        "Smith, 51 years old, and Kim, aged 44, were arrested.",
        "It was their second meeting, after a first visit in the 3rd quarter.",
        "The meeting began at 10 a.m. and ended at 3:30 p.m.",
        # A percentage is not a count: "percent" says nothing of what it is a share of, so two
        # outlets' percentages of different things would be compared as one subject.
        "Unemployment rose to 5 percent, or 5.2%.",
        "Turnout was 60 per cent.",
        "The story ran on page 3, and page 12 had the rest.",
        "Call 555-1234 or quote case 48213.",
        "Washington kept the Section 301 tariffs.",
        "Nine of these were signed.",
        "One of the leaders spoke.",
        "Lee reaffirmed the one-China policy.",
        "Lee reaffirmed the One China policy.",
        "One day, on the one hand, at one point, he said it.",
        "Between 10 and 12 people died.",
        "The 4-5 people were hurt.",
        "They signed 4 or 5 accords.",
        "Hundreds of protesters and dozens of officials came.",
    ],
)
def test_numbers_that_count_nothing_state_no_value(values_of, sentence):
    assert values_of(sentence) == []


def test_the_day_in_a_date_is_not_a_count(values_of):
    assert values_of("They met on January 5.") == []  # no year known: no date, and no count of 5 either
    assert values_of("They met on January 5.", default_year=2026) == [("date", "date", "2026-01-05")]


def test_a_year_less_date_takes_the_articles_year(values_of):
    sentence = "Chinese President Xi Jinping and South Korean President Lee Jae Myung met in Beijing on January 6."
    assert values_of(sentence, article_date=TUESDAY) == [("date", "date", "2026-01-06")]


def test_a_weekday_beside_a_full_date_is_one_date(values_of):
    sentence = (
        "Leaders of China and South Korea, during a meeting in Beijing on Monday, January 5, 2026, "
        "pledged to deepen ties."
    )
    assert values_of(sentence, article_date=dt.date(2026, 1, 7)) == [("date", "date", "2026-01-05")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("They met on Jan. 6, 2026.", ["2026-01-06"]),
        ("They met on 5 January 2026 and again on Jan. 6.", ["2026-01-05", "2026-01-06"]),
        ("They met on December 30, 2025.", ["2025-12-30"]),
        ("They met on Monday.", ["2026-01-05"]),
        ("Lee met Xi Monday.", ["2026-01-05"]),
        ("They met this Tuesday.", ["2026-01-06"]),  # the article's own day
        ("They met last Tuesday.", ["2025-12-30"]),  # in a Tuesday's paper, the Tuesday before
        ("They met last Friday.", ["2026-01-02"]),
        ("They met today, a day after talks yesterday.", ["2026-01-06", "2026-01-05"]),
        ("They will meet again next Monday.", []),
        ("In today's world, trade matters.", []),
        ("He told the Sunday Times that the Good Friday Agreement holds.", []),
    ],
)
def test_dates_resolve_against_the_article_date(values_of, sentence, expected):
    values = values_of(sentence, article_date=TUESDAY)
    assert [value for kind, _, value in values if kind == "date"] == expected


def test_weekdays_need_the_article_date(values_of):
    assert values_of("They met on Monday.", default_year=2026) == []


def test_values_are_small_frozen_records():
    value = StatedValue("count", "seat", "300", "300 seats")
    with pytest.raises(AttributeError):
        value.value = "320"
    assert not hasattr(value, "__dict__")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("FOURTEEN miners have been killed after the collapse, officials said.", ("dead", "14")),
        ("The collapse, which has killed 11 workers, is under investigation.", ("dead", "11")),
        ("Rescuers found six miners alive, but the death toll rose to 11 and two workers remain missing.", ("dead", "11")),
        ("The collapse left 19 people injured.", ("injured", "19")),
    ],
)
def test_casualties_are_one_quantity_however_worded(values_of, sentence, expected):
    assert expected in [(key, value) for _, key, value in values_of(sentence)]


def test_a_count_of_the_rescued_is_no_death_toll(values_of):
    assert ("count", "miner", "6") in values_of("Rescuers pulled six miners alive from the mine on Wednesday.")
    # "none of the 132 passengers ... injured" counts passengers, not the injured.
    assert ("count", "passenger", "132") in values_of("The plane landed safely, with none of the 132 passengers on board injured.")


def test_a_count_of_an_earlier_year_is_left_out(values_of):
    today = {"article_date": dt.date(2025, 11, 5)}
    assert values_of("It is the deadliest accident since 2009, when a fire killed 17 workers.", **today) == []
    assert values_of("The previous record was a £42 million agreement signed in 2022.", **today) == []
    # The year names the strike's history, not the schools closed today.
    closing = values_of("Teachers walked out in the first strike since 1998, closing 412 schools.", **today)
    assert ("count", "school", "412") in closing


@pytest.mark.parametrize(
    "sentence",
    [
        "Nearly a quarter of a million patients take the drug.",  # a fraction of the number
        "My daughter has 32 kids in her class.",  # one person's own class
    ],
)
def test_what_is_not_a_count_of_the_event(values_of, sentence):
    assert [v for v in values_of(sentence) if v[0] == "count"] == []


def test_a_rate_is_another_quantity_than_a_total(values_of):
    assert values_of("The deal is worth about £6 million a year to the club.") == [("amount", "GBP/year", "~6000000")]
    assert values_of("The deal is worth £60 million.") == [("amount", "GBP", "60000000")]
