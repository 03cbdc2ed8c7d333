"""The score stage."""

from __future__ import annotations

import pytest
from factories import article, brief, brief_sentence

from summarize.settings import ScoreSettings
from summarize.stages.score import rouge, score_brief

S1 = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday."
S2 = "The two leaders signed fifteen agreements on trade and technology."
S3 = "More than 200 business leaders joined the four-day state visit."


@pytest.fixture
def score(stage_settings):
    def run(b, articles, reference=None):
        return score_brief(b, articles, reference, stage_settings("score"))

    return run


def test_identical_summary_and_reference_score_100(score):
    b = brief({"Summit": [brief_sentence(S1, "A"), brief_sentence(S2, "B")], "Business": [brief_sentence(S3, "A")]})
    scores = score(b, [article("a", [S1, S2, S3])], reference=f"{S1} {S2}\n{S3}")

    assert set(scores["rouge"]) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    for name, figures in scores["rouge"].items():
        assert figures == {"f1": 100.0, "precision": 100.0, "recall": 100.0}, name


def test_partial_overlap_scores_between_0_and_100():
    result = rouge([S1], f"{S1} {S2}", ScoreSettings())

    r1 = result["rouge1"]
    assert r1["precision"] == 100.0
    assert 0 < r1["recall"] < 100
    assert 0 < r1["f1"] < 100
    assert rouge(["Completely unrelated words here."], S1, ScoreSettings(rouge_types=["rouge1"]))["rouge1"]["f1"] == 0.0


def test_no_reference_means_no_rouge(score):
    b = brief({"Summit": [brief_sentence(S1, "A")]})
    assert "rouge" not in score(b, [article("a", [S1])])


def test_reference_free_figures(score):
    b = brief(
        {
            "Summit": [brief_sentence(S1, "Devdiscourse", "UNN"), brief_sentence(S2, "UNN")],
            "Business": [brief_sentence(S3, "Saif Rahman blog", "UNN", "Devdiscourse")],
        },
        outlets=("Devdiscourse", "French AI news digest", "Saif Rahman blog", "UNN"),
    )
    sources = [
        article("a", [S1, S2, S3]),  # 15 + 10 + 10 = 35 words
        article("b", ["One two three four five six seven eight nine ten."] * 4),  # 40 words
        article("c", ["Eleven twelve thirteen fourteen fifteen."]),  # 5 words
    ]
    scores = score(b, sources)

    assert scores["words"] == 35 == b.word_count
    assert scores["sentences"] == 3
    assert scores["subtopics"] == 2
    assert scores["source_words"] == 80
    assert scores["compression"] == round(80 / 35, 2) == 2.29
    assert scores["share_backed_by_2plus_outlets"] == round(2 / 3, 3) == 0.667
    # Outlets the sentences cite, not every outlet the brief drew on.
    assert scores["outlets_cited"] == 3


def test_empty_brief_figures(score):
    scores = score(brief({}), [article("a", [S1])])

    assert scores["words"] == 0
    assert scores["sentences"] == 0
    assert scores["subtopics"] == 0
    assert scores["compression"] is None
    assert scores["share_backed_by_2plus_outlets"] == 0.0
    assert scores["outlets_cited"] == 0
