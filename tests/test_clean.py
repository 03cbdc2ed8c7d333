"""Cleaning, with the shipped patterns (CleanSettings) and the lee_beijing event's title and keywords."""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter

import numpy as np
import pytest
from factories import article

from summarize.settings import EventSettings
from summarize.stages.clean import DROP_REASONS, CleanStage, clean_articles
from summarize.stages.split import split_sentences
from summarize.types import EventWork, Models

BODY_1 = (
    "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday "
    "for a summit on trade and regional security."
)
BODY_2 = (
    "The two leaders signed fifteen agreements on trade and technology, and Lee asked Xi to help "
    "restart dialogue with North Korea."
)
BODY_3 = (
    "More than 200 South Korean business leaders, including executives from Samsung and Hyundai, "
    "joined Lee on the four-day state visit to China."
)
# 53 words: over boilerplate_max_words (40), so the cookie pattern must not drop it.
COOKIE_BODY = (
    "Lee told reporters in Beijing that Korean bakeries selling cookies and other snacks had become "
    "popular in Chinese cities, and that he hoped Xi Jinping would ease the informal restrictions that "
    "have limited Korean food, music and films in China since 2017, a request officials in Seoul said "
    "was central to the summit."
)


@pytest.fixture
def clean(encoder, stage_settings, lee_event):
    # max_words is applied by the stage before clean_articles (see test_a_huge_article_... below).
    event_fields = {"language", "title", "keywords"}

    def run(articles, **overrides):
        event = dataclasses.replace(lee_event, **{k: v for k, v in overrides.items() if k in event_fields})
        settings = stage_settings("clean", **{k: v for k, v in overrides.items() if k not in event_fields})
        return clean_articles(articles, encoder, event, settings)

    return run


def reasons(dropped) -> dict[str, str]:
    return {d.text: d.reason for d in dropped}


def kept_blocks(cleaned) -> list[str]:
    return [p for a in cleaned for p in a.paragraphs]


def test_premises_hold_for_the_shipped_config(stage_settings):
    settings = stage_settings("clean")
    assert settings.boilerplate_patterns and settings.related_markers
    assert "trending" in settings.related_markers
    assert len(COOKIE_BODY.split()) > settings.boilerplate_max_words


@pytest.mark.parametrize(
    "block",
    [
        "This site uses cookies to improve your experience.",
        "We use cookies. By continuing to browse you consent to our use of cookies.",
        "Subscribe to our Newsletter",
        "Post by : Saif Rahman",
        "© Copyright 2026",
        "Copyright 2026 Example Media. All rights reserved.",
        "You have not yet added any article to your bookmarks!",
        "Devdiscourse News Desk | Hong Kong | Updated: 04-01-2026 06:21 IST",
        "Email: info@example.com",
        "Photo: AP",
        "Left Menu",
    ],
)
def test_boilerplate_blocks_are_dropped(clean, block):
    cleaned, dropped = clean([article("a", [BODY_1, block, BODY_2])])

    assert reasons(dropped) == {block: "boilerplate"}
    assert kept_blocks(cleaned) == [BODY_1, BODY_2]


def test_long_paragraph_mentioning_cookies_is_kept(clean):
    short = "Lee said Korean cookies sell well in China."  # same word, short block: boilerplate
    cleaned, dropped = clean([article("a", [BODY_1, COOKIE_BODY, short, BODY_2])])

    assert kept_blocks(cleaned) == [BODY_1, COOKIE_BODY, BODY_2]
    assert reasons(dropped) == {short: "boilerplate"}


def test_foreign_language_paragraph_is_dropped(clean):
    french = (
        "Le président sud-coréen Lee Jae-myung a rencontré le président chinois Xi Jinping à Pékin lundi "
        "pour parler du commerce et de la sécurité dans la péninsule coréenne."
    )
    cleaned, dropped = clean([article("a", [BODY_1, french, BODY_2])])

    assert reasons(dropped) == {french: "foreign_language"}
    assert kept_blocks(cleaned) == [BODY_1, BODY_2]


def test_english_paragraph_with_foreign_names_is_kept(clean):
    block = (
        "Lee later met Jean Chrétien and José Peña, who praised the Korean délégation's work in Seoul "
        "and Beijing over the past year."
    )
    cleaned, dropped = clean([article("a", [BODY_1, block])])

    assert dropped == []
    assert kept_blocks(cleaned) == [BODY_1, block]


def test_everything_after_a_related_marker_is_a_related_list(clean):
    related_sentence = (
        "South Korean President Lee Jae Myung and Chinese President Xi Jinping agreed in Beijing to explore "
        "ways of resuming dialogue with North Korea."
    )
    unrelated = "Nvidia has launched new AI chips promising five times the performance of the previous generation."
    blocks = [BODY_1, BODY_2, "TRENDING", "1", related_sentence, "Global", unrelated]
    cleaned, dropped = clean([article("a", blocks), article("b", [BODY_3])])

    assert kept_blocks(cleaned) == [BODY_1, BODY_2, BODY_3]
    assert reasons(dropped) == {
        "TRENDING": "related_list",
        "1": "related_list",
        related_sentence: "related_list",  # on topic and well formed, but a teaser of another page
        "Global": "related_list",
        unrelated: "related_list",
    }


@pytest.mark.parametrize("marker", ["Related Articles:", "Read more »", "Articles connexes", "YOU MAY ALSO LIKE"])
def test_related_marker_variants(clean, marker):
    cleaned, dropped = clean([article("a", [BODY_1, marker, BODY_2])])

    assert kept_blocks(cleaned) == [BODY_1]
    assert reasons(dropped) == {marker: "related_list", BODY_2: "related_list"}


def test_related_list_only_runs_to_the_end_of_its_article(clean):
    cleaned, dropped = clean([article("a", [BODY_1, "Read more", BODY_2]), article("b", [BODY_3])])

    assert {a.id: a.paragraphs for a in cleaned} == {"a": (BODY_1,), "b": (BODY_3,)}


def test_headlines_and_short_blocks_are_fragments(clean):
    headline = "Lee and Xi pledge closer ties at Beijing summit"
    truncated = "Lee Jae Myung arrived in Beijing on Sunday for a four-day visit that officials say could"
    short = "Lee arrived in Beijing."  # 4 words < min_words
    cleaned, dropped = clean([article("a", [headline, BODY_1, truncated, short, BODY_2])])

    assert reasons(dropped) == {headline: "fragment", truncated: "fragment", short: "fragment"}
    assert kept_blocks(cleaned) == [BODY_1, BODY_2]


def test_teasers_of_other_stories_are_off_topic(clean):
    wang_yi = (
        "Chinese Foreign Minister Wang Yi began his annual tour of Africa in Ethiopia on Monday, officials in "
        "Beijing said."
    )
    avatar = "Avatar: Fire and Ash has crossed one billion dollars at the global box office, the studio said on Sunday."
    cleaned, dropped = clean(
        [article("a", [BODY_1, wang_yi, BODY_2]), article("b", [BODY_3, avatar])]
    )

    assert reasons(dropped) == {wang_yi: "off_topic", avatar: "off_topic"}
    assert kept_blocks(cleaned) == [BODY_1, BODY_2, BODY_3]


def test_off_topic_needs_the_event_keywords(clean):
    """A block outside the title's core is kept only when it names one of the event's keywords."""
    cleaned, dropped = clean([article("a", [BODY_1, BODY_2])], keywords=["Xi"])
    assert kept_blocks(cleaned) == [BODY_1, BODY_2]
    assert dropped == []

    cleaned, dropped = clean([article("a", [BODY_1, BODY_2])], keywords=["Pyongyang"])
    assert kept_blocks(cleaned) == [BODY_1]  # BODY_1 is close to the title: kept without a keyword
    assert reasons(dropped) == {BODY_2: "off_topic"}


def test_kept_paragraphs_keep_their_order(clean):
    blocks = [BODY_3, "Subscribe to our Newsletter", BODY_1, "Lee and Xi pledge closer ties at Beijing summit", COOKIE_BODY, BODY_2]
    cleaned, _ = clean([article("a", blocks)])

    assert kept_blocks(cleaned) == [BODY_3, BODY_1, COOKIE_BODY, BODY_2]


def test_articles_left_empty_are_removed(clean):
    junk = article("junk", ["Accept all cookies", "Subscribe to our Newsletter", "Left Menu", "Details"])
    good = article("good", [BODY_1, BODY_2])
    cleaned, dropped = clean([junk, good])

    assert [a.id for a in cleaned] == ["good"]
    assert cleaned[0].outlet == good.outlet and cleaned[0].path == good.path
    assert Counter(d.article_id for d in dropped) == {"junk": 4}


def test_every_block_is_either_kept_or_dropped_once(clean):
    articles = [
        article("a", ["Photo: AP", BODY_1, "Balancing between Beijing and Washington", COOKIE_BODY, "TRENDING", BODY_2]),
        article("b", ["Le président Lee Jae-myung a rencontré Xi Jinping à Pékin pour parler du commerce.", BODY_3]),
    ]
    cleaned, dropped = clean(articles)

    total = sum(len(a.paragraphs) for a in articles)
    assert sum(len(a.paragraphs) for a in cleaned) + len(dropped) == total
    assert {d.reason for d in dropped} <= set(DROP_REASONS)
    assert {d.reason for d in dropped} == {"boilerplate", "fragment", "related_list", "foreign_language"}


def test_no_articles_gives_nothing(clean):
    assert clean([]) == ([], [])


@pytest.mark.parametrize(
    "image",
    ["![photo](https://example.com/a.jpg)", '![Lee, Xi](https://en.wikipedia.org/wiki/File:A_(b).jpg "Xinhua")'],
)
def test_markdown_images_are_markup_not_prose(clean, stage_settings, image):
    block = f"Lee said Korea wants {image} closer ties with China, officials in Seoul said."
    image_only = "![Lee and Xi in Beijing](https://example.com/b.jpg)"
    cleaned, dropped = clean([article("a", [BODY_1, block, image_only])])
    sentences, _ = split_sentences(cleaned, stage_settings("split"))

    assert kept_blocks(cleaned) == [BODY_1, "Lee said Korea wants closer ties with China, officials in Seoul said."]
    assert reasons(dropped) == {image_only: "fragment"}  # the block as scraped, for the record
    assert not [s.text for s in sentences if s.text.endswith("!") or "http" in s.text or "](" in s.text]


class CountingEncoder:
    """Stands in for MiniLM where only the amount of work matters: counts the words it is asked to
    embed, and finds every block on topic (one vector for all)."""

    dim = 4

    def __init__(self) -> None:
        self.words = 0

    def encode(self, texts):
        self.words += sum(len(t.split()) for t in texts)
        return np.tile(np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32), (len(texts), 1))

    def encode_passages(self, passages):
        return self.encode(passages)


SENTENCE_WORDS = 20  # each of news_sentences


def news_sentences(words: int) -> list[str]:
    """Distinct well-formed news sentences (their numbers vary), about `words` words in all."""
    sentences = []
    for i in itertools.count():
        sentences.append(
            f"On day {i} of the visit, Lee met {i % 97 + 3} Chinese officials in Beijing "
            f"to discuss {i * 7 % 500 + 10} joint projects with Xi."
        )
        if len(sentences) * SENTENCE_WORDS >= words:
            return sentences


def clean_stage_work(lee_event: EventSettings, big: list[str]) -> EventWork:
    event = EventSettings(id="e", inputs="/nowhere", title=lee_event.title, keywords=lee_event.keywords)
    return EventWork(event, articles=(article("a", [BODY_1, BODY_2]), article("big", big)))


@pytest.mark.parametrize("paragraph_sentences", [10**9, 5], ids=["one paragraph", "paragraphs"])
def test_a_huge_article_costs_no_more_than_its_lead(stage_settings, lee_event, paragraph_sentences):
    """8 times the article, the same work: only its first clean.max_words words are embedded
    (the old stage embedded every sentence, minutes for a 2 MB article)."""
    embedded = {}
    for words in (6_000, 48_000):
        sentences = news_sentences(words)
        big = [" ".join(sentences[i : i + paragraph_sentences]) for i in range(0, len(sentences), paragraph_sentences)]
        encoder = CountingEncoder()
        CleanStage(stage_settings("clean"), Models(encoder, None))(clean_stage_work(lee_event, big))
        embedded[words] = encoder.words

    # Each word of the leads is embedded twice at most: in its block (the topic check) and in
    # its sentence (the check that another article corroborates it).
    assert embedded[48_000] == embedded[6_000] <= 2 * 3_000


@pytest.mark.parametrize(("max_words", "whole_sentences"), [(100, 5), (110, 5), (119, 5), (120, 6)])
def test_the_lead_ends_at_a_sentence_end_and_the_rest_is_counted(stage_settings, lee_event, max_words, whole_sentences):
    sentences = news_sentences(6_000)
    assert {len(s.split()) for s in sentences} == {SENTENCE_WORDS}
    stage = CleanStage(stage_settings("clean", max_words=max_words), Models(CountingEncoder(), None))
    work, counts = stage(clean_stage_work(lee_event, [" ".join(sentences)]))

    lead = {a.id: a.paragraphs for a in work.cleaned}["big"]
    assert lead == (" ".join(sentences[:whole_sentences]),)
    assert counts["words_left_out"] == sum(len(s.split()) for s in sentences[whole_sentences:])
    assert counts["articles_cut"] == 1


def test_blocks_past_the_lead_are_left_out_and_a_block_without_a_sentence_end_in_it_goes(stage_settings, lee_event):
    run_on = " ".join(["word"] * 150) + "."
    stage = CleanStage(stage_settings("clean", max_words=100), Models(CountingEncoder(), None))
    big = [BODY_3, run_on, BODY_3]
    work, counts = stage(clean_stage_work(lee_event, big))

    assert {a.id: a.paragraphs for a in work.cleaned}["big"] == (BODY_3,)
    assert counts["words_left_out"] == len(run_on.split()) + len(BODY_3.split())
    assert counts["words_left_out"] + sum(len(p.split()) for a in work.cleaned for p in a.paragraphs) == sum(
        len(p.split()) for a in work.articles for p in a.paragraphs
    )


SHARES = "Shares of the largest chipmaker rose 3 percent in Tokyo trading after the announcement."
SHARES_TOO = "The largest chipmaker's shares gained 3 percent in Tokyo after the announcement."


def test_what_two_articles_report_is_on_topic_without_a_keyword(clean):
    """No keyword, not close to the title: dropped from one article alone, kept when another
    article states it too (what two outlets report is the event's news)."""
    _, dropped = clean([article("a", [BODY_1, SHARES]), article("b", [BODY_2])])
    assert reasons(dropped) == {SHARES: "off_topic"}

    cleaned, dropped = clean([article("a", [BODY_1, SHARES]), article("b", [BODY_2, SHARES_TOO])])
    assert dropped == []
    assert kept_blocks(cleaned) == [BODY_1, SHARES, BODY_2, SHARES_TOO]


def test_an_article_repeating_itself_is_no_corroboration(clean):
    _, dropped = clean([article("a", [BODY_1, SHARES, SHARES_TOO])])
    assert reasons(dropped) == {SHARES: "off_topic", SHARES_TOO: "off_topic"}


def test_english_read_as_french_for_its_names_is_kept(clean):
    """Read whole, the detector calls this French: its names are."""
    block = (
        "Culture Minister Adrien Solère branded the break-in at the Musée Vallier in Saint-Étienne an attack "
        "on the heritage of France, and Hélène Marchetti said it was planned."
    )
    _, dropped = clean([article("a", [BODY_1, block])])
    assert "foreign_language" not in reasons(dropped).values()


def test_an_event_with_only_a_title_keeps_its_news(clean):
    """An event file with only id, title and inputs: no keywords to name."""
    cleaned, dropped = clean(
        [article("a", [BODY_1, BODY_2, BODY_3]), article("b", [BODY_2.replace("fifteen", "15"), BODY_3])], keywords=[]
    )
    assert set(kept_blocks(cleaned)) >= {BODY_1, BODY_2, BODY_3}
