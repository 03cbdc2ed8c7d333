"""The faithfulness guard: numbers, dates and names must come from the sources, and the meaning too."""

from __future__ import annotations

import pytest
from factories import supported

from summarize.nlp.facts import stated_numbers
from summarize.stages.guard import FaithfulnessGuard, stated_names

SUMMIT = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on January 6."
DEALS = "The two leaders signed 15 agreements on trade, technology and the environment."
BUSINESS = "Over 200 business leaders, including executives from Samsung and Hyundai, joined the trip."


@pytest.fixture(scope="module")
def guard(encoder, stage_settings):
    return FaithfulnessGuard(encoder, stage_settings("guard"))


def sentences_of(*facts):
    return [s for fact in facts for s in fact.sentences]


@pytest.fixture
def sources():
    """The sentences a generation is checked against."""
    return sentences_of(
        supported(SUMMIT, "Devdiscourse", "UNN (citing AP)"),
        supported(DEALS, "UNN (citing AP)"),
        supported(BUSINESS, "Saif Rahman blog"),
    )


def test_shipped_threshold(stage_settings):
    assert 0 < stage_settings("guard").min_similarity < 1


def test_stated_numbers():
    assert stated_numbers("They signed 15 deals worth $1,200 million on January 6, 2026.") == {"15", "1200", "6", "2026"}
    assert stated_numbers("Fifteen agreements and three memoranda.") == {"15", "3"}
    assert stated_numbers("A growth of 2.5 percent.") == {"2.5"}
    assert stated_numbers("No figures here.") == set()


def test_stated_names():
    assert stated_names("The talks between Lee and Xi's delegation ended in Beijing.") == {"Lee", "Xi", "Beijing"}
    # A capitalised common word opening the sentence is no name; one elsewhere is.
    assert "In" not in stated_names("In Beijing, Lee met Xi.")
    assert stated_names("they met in seoul.") == set()


def test_a_number_absent_from_the_sources_is_rejected(guard, sources):
    reason = guard.check("Lee and Xi signed 24 agreements on trade, technology and the environment.", sources)

    assert reason == "number not in sources: 24"


def test_a_spelled_out_number_matches_its_digits(guard, sources):
    reason = guard.check("The two leaders signed fifteen agreements on trade, technology and the environment.", sources)

    assert reason is None, reason


def test_a_digit_matches_a_spelled_out_number_in_the_sources(guard):
    sources = sentences_of(supported("The two leaders signed fifteen agreements on trade and technology.", "A"))
    reason = guard.check("The two leaders signed 15 agreements on trade and technology.", sources)
    assert reason is None, reason


def test_a_name_absent_from_the_sources_is_rejected(guard, sources):
    reason = guard.check("South Korean President Lee Jae Myung met Macron in Beijing on January 6.", sources)

    assert reason == "name not in sources: Macron"


def test_every_missing_name_is_named(guard, sources):
    reason = guard.check("Lee met French President Emmanuel Macron in Beijing.", sources)
    assert reason == "name not in sources: Emmanuel, French, Macron"


def test_a_name_found_only_inside_another_word_is_rejected(guard):
    """"Kim" is not in the sources just because "kimchi" is."""
    sources = sentences_of(supported("Lee served kimchi to the delegation at the state banquet in Beijing.", "A"))
    reason = guard.check("Lee served Kim to the delegation at the state banquet in Beijing.", sources)

    assert reason == "name not in sources: Kim"


def test_a_date_absent_from_the_sources_is_rejected(guard, sources):
    reason = guard.check(SUMMIT.replace("January 6", "January 7"), sources)

    assert reason == "date not in sources: january 7"


def test_a_faithful_paraphrase_is_kept(guard, sources):
    reason = guard.check("Lee Jae Myung, the South Korean president, held talks with Xi Jinping in Beijing on January 6.", sources)

    assert reason is None, reason


def test_an_unrelated_sentence_is_rejected_for_low_similarity(guard, sources):
    sentence = "the weather was pleasant and people enjoyed walking in the park."
    assert not stated_numbers(sentence) and not stated_names(sentence)  # premise: nothing new to spot

    reason = guard.check(sentence, sources)

    assert reason.startswith("not close to any source sentence (best similarity ")


def test_no_sources_backs_nothing(guard):
    assert guard.check("the leaders met.", []) is not None


def test_a_date_needs_its_month_and_day_together_in_the_sources(guard):
    from summarize.nlp.facts import stated_dates

    assert stated_dates("On Jan. 6, and on January 5, 2026") == {"january 6", "january 5"}
    sources = sentences_of(supported("Lee and Xi met on January 6 and signed 7 agreements.", "Devdiscourse"))
    assert guard.check("Lee and Xi met on January 7 and signed agreements.", sources) == "date not in sources: january 7"


def test_a_sentence_about_the_text_is_rejected(guard, sources):
    reason = guard.check("The above article provides a comprehensive overview of the summit in Beijing.", sources)
    assert reason == "about the text, not the news"


def test_a_changed_quotation_is_rejected_and_an_exact_one_kept(guard):
    source = sentences_of(supported('The visit is seen as an attempt to restore "horizontal and mutually beneficial" relations with Seoul.', "UNN"))
    changed = guard.check('The visit is seen as an attempt to restore "vertical and mutually beneficial" relations with Seoul.', source)
    exact = guard.check('The visit aims to restore “horizontal and mutually beneficial” relations with Seoul.', source)

    assert changed == "quotation not in sources: 'vertical and mutually beneficial'"
    assert exact is None, exact


@pytest.mark.parametrize(
    "answer",
    [
        'The report is: "Over 200 business leaders, including executives from Samsung and Hyundai, joined the trip."',
        "The report: Over 200 business leaders, including executives from Samsung and Hyundai, joined the trip.",
        "Here is the sentence: Over 200 business leaders, including executives from Samsung and Hyundai, joined the trip.",
    ],
)
def test_a_chat_models_frame_round_its_answer_is_removed_before_the_check(guard, sources, answer):
    (checked,) = guard.check_generation(answer, sources)
    assert checked.text == BUSINESS and checked.ok, checked.reason


def test_a_sentence_that_only_mentions_a_report_keeps_its_words(guard):
    text = 'The report said "two leaders" met, and "both sides" agreed.'
    assert guard.unframed(text) == text
    assert guard.unframed('"Seoul" and "Beijing" agreed.') == '"Seoul" and "Beijing" agreed.'
