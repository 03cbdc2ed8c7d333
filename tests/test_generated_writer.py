"""The write stage with a neural writer: generated sentences as the guard judged them, extractive ones in their place."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import subtopic, supported

from summarize.stages.generate import subtopic_documents
from summarize.stages.guard import FaithfulnessGuard
from summarize.stages.write import write_from_generations

SUMMIT = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on January 6."
DEALS = "The two leaders signed 15 agreements on trade, technology and the environment."
BUSINESS = "Over 200 business leaders, including executives from Samsung and Hyundai, joined the trip."
CHIPS = "Samsung Electronics plans to expand its chip packaging plant in Suzhou next year."

SUMMIT_PARAPHRASE = "Lee Jae Myung, the South Korean president, held talks with Xi Jinping in Beijing on January 6."
BUSINESS_PARAPHRASE = "More than 200 business leaders, among them Samsung and Hyundai executives, joined the trip."


@pytest.fixture
def subtopics():
    return [
        subtopic("Summit", [supported(SUMMIT, "Devdiscourse", "UNN (citing AP)"), supported(DEALS, "UNN (citing AP)")]),
        subtopic("Business", [supported(BUSINESS, "Saif Rahman blog"), supported(CHIPS, "Mainland news digest")]),
    ]


@pytest.fixture
def write(encoder, stage_params):
    guard = FaithfulnessGuard(encoder, **stage_params("guard"))
    params = stage_params("write")

    def run(subtopics, texts, **overrides):
        return write_from_generations(
            subtopics,
            [guard.check_generation(text, st.sentences) for st, text in zip(subtopics, texts)],
            encoder,
            event_id="ev",
            title="Lee visits China",
            date=dt.date(2026, 1, 6),
            **{**params, **overrides},
        )

    return run


def counts_add_up(report: dict) -> bool:
    return report["generated"] == report["kept"] + report["not_used"] + sum(
        1 for r in report["replacements"] if r["generated"]
    ) and report["replaced"] == len(report["replacements"])


def test_faithful_generated_sentences_are_kept_with_their_outlets(write, subtopics):
    brief, report = write(subtopics, [SUMMIT_PARAPHRASE, BUSINESS_PARAPHRASE])

    assert [[s.text for s in section.sentences] for section in brief.sections] == [[SUMMIT_PARAPHRASE], [BUSINESS_PARAPHRASE]]
    assert [s.label for s in brief.sections] == ["Summit", "Business"]
    assert brief.sentences[0].outlets == ("Devdiscourse", "UNN (citing AP)")
    assert brief.sentences[1].outlets == ("Saif Rahman blog",)
    assert report == {"generated": 2, "kept": 2, "replaced": 0, "not_used": 0, "replacements": []}
    assert brief.event_id == "ev" and brief.date == dt.date(2026, 1, 6)
    assert brief.outlets == ("Devdiscourse", "Mainland news digest", "Saif Rahman blog", "UNN (citing AP)")


@pytest.mark.parametrize(
    ("invented", "reason"),
    [
        ("The two leaders signed 24 agreements on trade, technology and the environment.", "number not in sources: 24"),
        ("Lee Jae Myung met Macron in Beijing on January 6.", "name not in sources: Macron"),
        (SUMMIT.replace("January 6", "January 7"), "date not in sources: january 7"),
    ],
    ids=["number", "name", "date"],
)
def test_an_invented_sentence_is_replaced_by_the_best_extractive_one(write, subtopics, invented, reason):
    brief, report = write(subtopics, [invented, BUSINESS_PARAPHRASE])

    assert invented not in [s.text for s in brief.sentences]
    summit = brief.sections[0]
    assert summit.label == "Summit"
    assert [s.text for s in summit.sentences] == [SUMMIT]
    assert summit.sentences[0].outlets == ("Devdiscourse", "UNN (citing AP)")
    assert report["replacements"] == [
        {"subtopic": "Summit", "generated": invented, "reason": reason, "replacement": SUMMIT}
    ]
    assert (report["generated"], report["kept"], report["replaced"], report["not_used"]) == (2, 1, 1, 0)


def test_an_unfinished_sentence_is_replaced(write, subtopics):
    unfinished = "Lee Jae Myung met Xi Jinping in Beijing on January 6 and the two leaders"
    brief, report = write(subtopics, [unfinished, BUSINESS_PARAPHRASE])

    assert [s.text for s in brief.sections[0].sentences] == [SUMMIT]
    assert report["replacements"] == [
        {"subtopic": "Summit", "generated": unfinished, "reason": "unfinished sentence", "replacement": SUMMIT}
    ]


def test_an_empty_generation_is_replaced(write, subtopics):
    brief, report = write(subtopics, ["", BUSINESS_PARAPHRASE])

    assert [s.text for s in brief.sections[0].sentences] == [SUMMIT]
    assert report["generated"] == 1 and report["replaced"] == 1
    assert report["replacements"][0]["reason"] == "empty generation"


def test_replacement_skips_sentences_that_lean_on_context(write):
    dangling = "He said the two leaders signed 15 agreements on trade, technology and the environment."
    subtopics = [subtopic("Summit", [supported(dangling, "A", "B"), supported(SUMMIT, "C")])]

    brief, report = write(subtopics, ["Lee met Macron."])

    assert [s.text for s in brief.sentences] == [SUMMIT]
    assert report["replacements"][0]["replacement"] == SUMMIT


def test_counts_add_up_over_several_sentences(write, subtopics):
    texts = [
        # kept; a repeat of it (kept by the guard, not used); an invented number; cut off
        f"{SUMMIT_PARAPHRASE} {SUMMIT_PARAPHRASE.replace('held talks', 'had talks')} "
        "The leaders signed 40 agreements. And then the",
        # an unrelated sentence, rejected for its meaning
        "the weather was pleasant and people enjoyed walking in the park.",
    ]
    brief, report = write(subtopics, texts, max_sentences_per_subtopic=4)

    assert report["generated"] == 5
    assert report["kept"] == 1
    assert report["not_used"] == 1
    assert report["replaced"] == 3
    assert counts_add_up(report)
    reasons = [r["reason"] for r in report["replacements"]]
    assert reasons[:2] == ["number not in sources: 40", "unfinished sentence"]
    assert reasons[2].startswith("not close to any source sentence")
    assert all(r["subtopic"] in ("Summit", "Business") for r in report["replacements"])
    texts_in_brief = [s.text for s in brief.sentences]
    assert SUMMIT_PARAPHRASE in texts_in_brief
    # The paraphrase is in, so the extractive sentence saying the same is skipped for the next one.
    assert SUMMIT not in texts_in_brief and DEALS in texts_in_brief
    assert len(texts_in_brief) == len(set(texts_in_brief))


def test_sentences_past_max_sentences_per_subtopic_are_not_considered(write, subtopics):
    brief, report = write(subtopics, [f"{SUMMIT_PARAPHRASE} The leaders signed 40 agreements.", ""],
                          max_sentences_per_subtopic=1)

    assert report["generated"] == 1 and report["kept"] == 1
    assert all("40" not in r["generated"] for r in report["replacements"])


@pytest.mark.parametrize("max_words", [10, 20, 30])
def test_word_cap_is_respected(write, subtopics, max_words):
    brief, report = write(
        subtopics,
        [f"{SUMMIT_PARAPHRASE} Lee met Macron.", f"{BUSINESS_PARAPHRASE} {CHIPS}"],
        budget_words=max_words,
        max_words=max_words,
    )

    assert brief.word_count <= max_words
    assert brief.word_count == sum(len(s.text.split()) for s in brief.sentences)
    assert counts_add_up(report)


def test_word_cap_turns_away_a_long_faithful_sentence(write, subtopics):
    brief, report = write(subtopics, [SUMMIT_PARAPHRASE, BUSINESS_PARAPHRASE], budget_words=20, max_words=20)

    # The 17-word paraphrase fits; the 14-word second one would pass the cap of 20 and is not used.
    assert [s.text for s in brief.sentences] == [SUMMIT_PARAPHRASE]
    assert report["kept"] == 1 and report["not_used"] == 1


def test_subtopic_documents_give_one_document_per_article_in_article_order():
    from factories import sentence

    from summarize.types import Fact

    a2 = sentence("Second from A.", outlet="A", article_id="a", position=2)
    a1 = sentence("First from A.", outlet="A", article_id="a", position=1)
    b1 = sentence("Only from B.", outlet="B", article_id="b", position=5)
    st = subtopic("S", [Fact(a2.text, (a2,)), Fact(b1.text, (b1,)), Fact(a1.text, (a1,))])

    assert subtopic_documents(st) == ["First from A. Second from A.", "Only from B."]
