"""The concept-coverage selection (summarize/nlp/coverage.py) and the writer that uses it."""

from __future__ import annotations

from summarize.nlp.coverage import concept_weights, concepts, select

SHARED = "President Lee met President Xi in Beijing for a state visit."
ALSO_SHARED = "The two leaders signed trade agreements during the state visit."
ONE_OUTLET = "A reporter described the weather over Tiananmen Square in detail."


def test_concepts_are_adjacent_content_stems():
    assert ("state", "visit") in concepts(SHARED)
    assert ("presid", "lee") in concepts(SHARED)
    assert not any("in" in pair or "the" in pair for pair in concepts(SHARED))  # stop words break pairs


def test_only_concepts_two_articles_share_count_when_there_are_three_or_more():
    weights = concept_weights([("a", SHARED), ("b", SHARED), ("b", ALSO_SHARED), ("c", ALSO_SHARED), ("c", ONE_OUTLET)])
    assert weights[("state", "visit")] == 3
    assert all(w >= 2 for w in weights.values())
    assert not any(c in weights for c in concepts(ONE_OUTLET))


def test_the_budget_goes_to_what_most_articles_share():
    texts = [ONE_OUTLET, SHARED, ALSO_SHARED]
    weights = concept_weights([("a", SHARED), ("b", SHARED), ("b", ALSO_SHARED), ("c", ALSO_SHARED), ("c", ONE_OUTLET)])
    lengths = [len(t.split()) for t in texts]

    assert sorted(select(texts, lengths, weights, budget=25)) == [1, 2]
    # A budget for one sentence takes the one worth more, and never goes over.
    one = select(texts, lengths, weights, budget=12)
    assert len(one) == 1 and sum(lengths[j] for j in one) <= 12 and one != [0]


def test_near_repeats_and_group_caps_are_respected():
    texts = [SHARED, SHARED.replace("Beijing", "the Chinese capital"), ALSO_SHARED]
    weights = concept_weights([("a", t) for t in texts] + [("b", t) for t in texts])
    lengths = [len(t.split()) for t in texts]

    assert len(set(select(texts, lengths, weights, budget=100, exclusive=[(0, 1)])) & {0, 1}) == 1
    assert len(select(texts, lengths, weights, budget=100, groups=[0, 0, 0], per_group=2)) == 2


def test_nothing_to_choose_from():
    assert select([], [], {}, budget=50) == []


def test_the_coverage_writer_keeps_citations_and_the_cap(compose_cfg, encoder):
    from omegaconf import OmegaConf

    from summarize.nlp.values import load_parser
    from summarize.runtime.runner import STAGES, params, read_event, validated
    from summarize.types import Models

    cfg = validated(compose_cfg("+event=lee_beijing", "write.selection=coverage", "write.max_words=120", "write.budget_words=100"))
    work = read_event(cfg).work
    models = Models(encoder, None, load_parser())
    for stage in STAGES:
        if stage.neural:
            continue
        work, _ = stage.run(work, params(cfg[stage.config]), models)
    facts = {fact.text: fact for subtopic in work.subtopics for fact in subtopic.sentences}
    assert 0 < work.brief.word_count <= 120
    for sentence in work.brief.sentences:
        assert sentence.text in facts and sentence.sources == facts[sentence.text].sources
    assert OmegaConf.select(cfg, "write.selection") == "coverage"
