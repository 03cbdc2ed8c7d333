"""The concept-coverage selection (summarize/nlp/coverage.py) and the writer that uses it."""

from __future__ import annotations

from summarize.nlp.coverage import Candidates, concept_weights, concepts, select

SHARED = "President Lee met President Xi in Beijing for a state visit."
ALSO_SHARED = "The two leaders signed trade agreements during the state visit."
ONE_OUTLET = "A reporter described the weather over Tiananmen Square in detail."


def mentions(*pairs: tuple[str, str]) -> list[tuple[str, int, str]]:
    """(article, sentence) pairs as mentions, each at its place in its article."""
    seen: dict[str, int] = {}
    out = []
    for article, text in pairs:
        out.append((article, seen.get(article, 0), text))
        seen[article] = seen.get(article, 0) + 1
    return out


def test_concepts_are_content_stems_alone_and_in_adjacent_pairs():
    found = concepts(SHARED)
    assert {("state", "visit"), ("presid", "lee"), ("visit",), ("beij",)} <= found
    assert not any("in" in c or "the" in c or "for" in c for c in found)  # stop words are no concepts
    assert ("beij", "state") not in found  # and they break a pair ("Beijing for a state")


def weights_of(mentions, position_decay=None, pair_weight=1.0):
    """Concept weights with no lead decay and pairs worth a single word, unless given."""
    return concept_weights(mentions, position_decay=position_decay, pair_weight=pair_weight)


def test_only_concepts_two_articles_share_count():
    weights = weights_of(mentions(("a", SHARED), ("b", SHARED), ("b", ALSO_SHARED), ("c", ALSO_SHARED), ("c", ONE_OUTLET)))
    assert weights[("state", "visit")] == 3 and weights[("visit",)] == 3
    assert weights[("lee",)] == 2
    assert not any(c in weights for c in concepts(ONE_OUTLET) - concepts(SHARED) - concepts(ALSO_SHARED))
    # One article alone: everything it says counts.
    assert weights_of(mentions(("a", ONE_OUTLET)))[("tiananmen", "squar")] == 1


def test_an_early_mention_and_a_pair_are_worth_more():
    early = weights_of([("a", 0, SHARED), ("b", 0, SHARED)], position_decay=10)
    late = weights_of([("a", 30, SHARED), ("b", 30, SHARED)], position_decay=10)
    assert early[("xi",)] == 2 and late[("xi",)] == 2 * 10 / 40
    # Only an article's first mention counts.
    again = weights_of([("a", 0, SHARED), ("a", 30, SHARED), ("b", 0, SHARED)], position_decay=10)
    assert again == early
    paired = weights_of(mentions(("a", SHARED), ("b", SHARED)), pair_weight=2)
    assert paired[("state", "visit")] == 2 * paired[("visit",)]


def test_the_budget_goes_to_what_most_articles_share():
    texts = [ONE_OUTLET, SHARED, ALSO_SHARED]
    weights = weights_of(mentions(("a", SHARED), ("b", SHARED), ("b", ALSO_SHARED), ("c", ALSO_SHARED), ("c", ONE_OUTLET)))
    lengths = [len(t.split()) for t in texts]

    assert sorted(select(Candidates(texts, lengths, budget=25), weights)) == [1, 2]
    # A budget for one sentence takes the one worth more, and never goes over.
    one = select(Candidates(texts, lengths, budget=12), weights)
    assert len(one) == 1 and sum(lengths[j] for j in one) <= 12 and one != [0]


def test_near_repeats_and_group_caps_are_respected():
    texts = [SHARED, SHARED.replace("Beijing", "the Chinese capital"), ALSO_SHARED]
    weights = weights_of(mentions(*[("a", t) for t in texts], *[("b", t) for t in texts]))
    lengths = [len(t.split()) for t in texts]

    assert len(set(select(Candidates(texts, lengths, budget=100, exclusive=[(0, 1)]), weights)) & {0, 1}) == 1
    assert len(select(Candidates(texts, lengths, budget=100, groups=[0, 0, 0], per_group=2), weights)) == 2


def test_nothing_to_choose_from():
    assert select(Candidates([], [], budget=50), {}) == []


def test_the_coverage_writer_prefers_what_more_outlets_report(encoder, stage_settings):
    """Two sentences of one length, room for one: the one two outlets report wins, though the
    ranking put the other first, since only its concepts are used by both articles."""
    from factories import subtopic, supported, work

    from summarize.stages.write import write_brief

    one_outlet = supported("The ministers of both countries signed the new fisheries accord on Tuesday.", "A")
    two_outlets = supported("The presidents of both countries opened the new railway bridge on Tuesday.", "A", "B")
    settings = stage_settings("write", budget_words=14, max_words=14, selection="coverage")
    brief, _ = write_brief(work([subtopic("One", [one_outlet]), subtopic("Two", [two_outlets])]), encoder, settings)
    assert [s.text for s in brief.sentences] == [two_outlets.text]


def test_the_coverage_writer_keeps_citations_and_the_cap(compose_cfg, encoder):
    from summarize.nlp.values import load_parser
    from summarize.runtime.runner import read_event, summarize_work
    from summarize.types import Models

    settings = compose_cfg("+event=lee_beijing", "write.selection=coverage", "write.max_words=120", "write.budget_words=100")
    work = summarize_work(read_event(settings).work, settings, Models(encoder, None, load_parser()), {})
    facts = {fact.text: fact for subtopic in work.subtopics for fact in subtopic.facts}
    assert 0 < work.brief.word_count <= 120
    for sentence in work.brief.sentences:
        assert sentence.text in facts and sentence.backing == facts[sentence.text].sentences
    assert settings.write.selection == "coverage"
