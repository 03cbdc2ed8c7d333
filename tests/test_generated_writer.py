"""The neural path: each fact several outlets report fused into one sentence, through the guard against that
fact's own sentences, shown in the brief only when kept, citing exactly the fact's outlets."""

from __future__ import annotations

import pytest
from factories import event, sentence, subtopic, supported, work

from summarize.stages.generate import fact_documents, facts_to_fuse
from summarize.stages.guard import FaithfulnessGuard, GuardStage
from summarize.stages.write import write_brief
from summarize.types import EventWork, Fact, Generation, Models

SUMMIT = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on January 6."
SUMMIT_TOO = "Lee Jae Myung held talks with Xi Jinping at the Great Hall of the People in Beijing on January 6."
DEALS = "The two leaders signed 15 agreements on trade, technology and the environment."
BUSINESS = "Over 200 business leaders, including executives from Samsung and Hyundai, joined the trip."
CHIPS = "Samsung Electronics plans to expand its chip packaging plant in Suzhou next year."

FUSED = "Lee Jae Myung met Xi Jinping in Beijing on January 6."


def fact(*said: tuple[str, str]) -> Fact:
    """A fact stated by each (outlet, text), each outlet its own article."""
    sentences = tuple(sentence(text, outlet=outlet, article_id=outlet, position=i) for i, (outlet, text) in enumerate(said))
    return Fact(sentences[0].text, sentences)


@pytest.fixture
def summit():
    return fact(("Devdiscourse", SUMMIT), ("UNN (citing AP)", SUMMIT_TOO))


@pytest.fixture
def subtopics(summit):
    return [
        subtopic("Summit", [summit, supported(DEALS, "UNN (citing AP)")]),
        subtopic("Business", [supported(BUSINESS, "Saif Rahman blog"), supported(CHIPS, "Mainland news digest")]),
    ]


@pytest.fixture
def write(encoder, stage_settings):
    """Guard the generations as the guard stage does, then write as the write stage does."""

    def run(subtopics, texts, **overrides):
        fused = tuple(facts_to_fuse(subtopics, ()))
        generated = EventWork(event(), fused=fused, generations=tuple(Generation(t, 10, 0, 5) for t in texts))
        guarded = GuardStage(stage_settings("guard"), Models(encoder, None))(generated)[0].guarded
        return write_brief(work(subtopics, fused=fused, guarded=guarded), encoder, stage_settings("write", **overrides))

    return run


def test_only_facts_of_two_or_more_outlets_are_fused(subtopics, summit):
    assert facts_to_fuse(subtopics, ()) == [summit]
    assert fact_documents(summit) == [SUMMIT, SUMMIT_TOO]


def test_a_faithful_fusion_is_shown_citing_exactly_the_facts_outlets(write, subtopics):
    brief, report = write(subtopics, [FUSED])

    first = brief.sentences[0]
    assert (first.text, first.generated) == (FUSED, True)
    assert first.outlets == ("Devdiscourse", "UNN (citing AP)")
    assert first.wording_outlet == "" and first.also_reported_by == first.outlets
    assert report == {"fused": 1, "kept": 1, "replaced": 0, "not_used": 0, "replacements": []}
    # Facts of one outlet keep their own wording.
    assert all(not s.generated for s in brief.sentences[1:])


@pytest.mark.parametrize(
    ("generated", "reason"),
    [
        ("Lee Jae Myung met Xi Jinping in Beijing on January 9.", "date not in sources: january 9"),
        ("Lee Jae Myung met Xi Jinping and Kim Jong Un in Beijing on January 6.", "name not in sources: Jong, Kim, Un"),
        ("Lee Jae Myung met Xi Jinping in Beijing on January 6 and signed 15 agreements.", "number not in sources: 15"),
        ('Lee called the talks "vertical and mutually beneficial" in Beijing.', "quotation not in sources: 'vertical and mutually beneficial'"),
        ("Lee Jae Myung met Xi Jinping in Beijing on", "unfinished sentence"),
        ("", "empty generation"),
    ],
)
def test_a_fusion_the_facts_sentences_do_not_back_gives_way_to_the_facts_wording(write, subtopics, generated, reason):
    brief, report = write(subtopics, [generated])

    first = brief.sentences[0]
    assert (first.text, first.generated) == (SUMMIT, False) and first.wording_outlet == "Devdiscourse"
    assert report["replaced"] == 1 and report["kept"] == 0
    assert report["replacements"] == [{"fact": SUMMIT, "generated": generated, "reason": reason, "replacement": SUMMIT}]


def test_numbers_of_another_fact_in_the_same_subtopic_do_not_back_a_fusion(write, subtopics):
    """The guard checks a fusion against its own fact only: the deals' 15 is in the subtopic, not in the summit."""
    _, report = write(subtopics, ["Lee and Xi met in Beijing on January 6 and signed 15 agreements."])
    assert report["replacements"][0]["reason"] == "number not in sources: 15"


def test_a_fused_fact_the_brief_does_not_take_is_not_used(write, subtopics):
    _, report = write(subtopics, [FUSED], budget_words=5, max_words=5)
    assert report["fused"] == report["kept"] + report["replaced"] + report["not_used"] == 1


def test_word_cap_is_respected(write, subtopics):
    brief, _ = write(subtopics, [FUSED], max_words=30, budget_words=30)
    assert brief.word_count <= 30


def test_a_kept_fusion_is_backed_by_every_sentence_of_its_fact(write, encoder, stage_settings, subtopics, summit):
    brief, _ = write(subtopics, [FUSED])

    assert brief.sentences[0].generated and brief.sentences[0].backing == summit.sentences
    assert FaithfulnessGuard(encoder, stage_settings("guard")).check(FUSED, summit.sentences) is None


def test_a_fact_only_copies_of_one_article_state_is_not_fused(summit):
    assert facts_to_fuse([subtopic("Summit", [summit])], (tuple(summit.outlets),)) == []
