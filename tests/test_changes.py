"""The changes stage: what a brief says that the event's previous brief did not (new facts, changed
values, newly reporting sources, facts gone, new disagreements), from the facts the previous brief
carried; and reading that brief back (runtime/previous.py)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from factories import article, event, sentence

from summarize.nlp.values import StatedValue
from summarize.runtime.previous import UnreadableBrief, read_previous
from summarize.stages.changes import ChangesStage, FactValues, carried_facts
from summarize.types import CarriedFact, Disagreement, EventWork, Fact, Models, PreviousBrief, fact_id, fingerprint


INJURED = ("count", "person injured")


def said(text: str, outlet: str, position: int = 0):
    return sentence(text, outlet=outlet, position=position)


def fact(*sentences) -> Fact:
    return Fact(sentences[0].text, tuple(sentences))


def injured(number: str, text: str) -> dict:
    return {INJURED: StatedValue("count", "person injured", number, text, "injured")}


def night(facts: list[Fact], stated: dict | None = None, copies=(), disagreements=(), previous: PreviousBrief | None = None) -> EventWork:
    return EventWork(
        event(), previous=previous, facts=tuple(facts), attributed=tuple(facts), stated=stated or {},
        copies=tuple(copies), disagreements=tuple(disagreements),
    )


@pytest.fixture(scope="module")
def changes(stage_settings, encoder):
    stage = ChangesStage(stage_settings("changes"), Models(encoder, None, None))

    def run(work: EventWork) -> EventWork:
        return stage(work)[0]

    return run


def as_previous(work: EventWork, shown: set[str] | None = None, disputed=frozenset()) -> PreviousBrief:
    """The brief of `work` as the next night reads it back; `shown`: the wordings the brief showed
    (default all)."""
    carried = carried_facts([FactValues.of(f, work.stated, work.copies) for f in work.facts])
    shown_facts = tuple(
        CarriedFact(c.text, c.outlets, c.fingerprints, c.values, shown is None or c.text in shown) for c in carried
    )
    return PreviousBrief("2026-01-05T06:00:00+00:00", "v1", shown_facts, work.copies, disputed)


VISIT = "Lee Jae Myung arrived in Beijing on Sunday for a four-day state visit to China."
DEAL = "The two governments signed fourteen agreements on trade, technology and culture."
CRASH = "A minibus carrying journalists overturned near Tianjin, and 14 people were injured."


def test_the_first_brief_has_no_changes_and_carries_every_fact(changes):
    work = changes(night([fact(said(VISIT, "A")), fact(said(DEAL, "B"))]))

    assert work.changes is None
    assert [c.text for c in work.carried] == [VISIT, DEAL]
    assert work.carried[0].fingerprints == (fingerprint(VISIT),)


def test_the_same_articles_again_change_nothing(changes):
    first = night([fact(said(VISIT, "A"), said(VISIT, "B", 1)), fact(said(DEAL, "B", 2))])
    again = changes(night(list(first.facts), previous=as_previous(first)))

    found = again.changes
    assert not found.new and not found.changed and not found.new_outlets and not found.gone and not found.new_disagreements
    assert found.since == "2026-01-05T06:00:00+00:00"


def test_a_fact_no_article_stated_before_is_new_and_a_paraphrase_of_a_known_one_is_not(changes):
    first = night([fact(said(VISIT, "A")), fact(said(DEAL, "A", 1))])
    paraphrase = said("South Korea's President Lee Jae Myung landed in Beijing on Sunday, starting a four-day state visit.", "C")
    tonight = night(
        [fact(said(VISIT, "A")), fact(said(DEAL, "A", 1)), fact(paraphrase), fact(said(CRASH, "C", 1))],
        previous=as_previous(first),
    )

    found = changes(tonight).changes

    assert found.new == {fact_id(tonight.facts[3])}  # the crash; the landing is the known arrival
    assert found.new_outlets == {fact_id(tonight.facts[2]): ("C",)}


def test_a_copy_of_a_known_article_from_a_new_outlet_is_nothing_new(changes):
    first = night([fact(said(VISIT, "A")), fact(said(DEAL, "A", 1))])
    tonight = night(
        [fact(said(VISIT, "A"), said(VISIT, "Copycat")), fact(said(DEAL, "A", 1), said(DEAL, "Copycat", 1))],
        copies=[("A", "Copycat")], previous=as_previous(first),
    )

    found = changes(tonight).changes

    assert not found.new and not found.new_outlets and not found.changed


def test_a_value_every_outlet_now_gives_otherwise_changed_both_values_kept(changes):
    before = said(CRASH, "A")
    first = night([fact(before)], stated={before.id: injured("14", "14 people")})
    edited = said(CRASH.replace("14", "19"), "A")
    tonight = night([fact(edited)], stated={edited.id: injured("19", "19 people")}, previous=as_previous(first))

    found = changes(tonight).changes

    (change,) = found.changed[fact_id(tonight.facts[0])]
    assert (change.kind, change.key, change.before.value, change.after.value) == ("count", "person injured", "14", "19")
    assert (change.before.written, change.after.written) == ("14 people", "19 people")
    assert not found.new


def test_a_new_outlet_giving_another_value_is_a_disagreement_not_a_change(changes):
    a, b = said(CRASH, "A"), said(CRASH, "B", 1)
    first = night([fact(a, b)], stated={a.id: injured("14", "14 people"), b.id: injured("14", "14 people")})
    c = said(CRASH.replace("14", "19"), "C", 2)
    stated = first.stated | {c.id: injured("19", "19 people")}
    tonight = night([fact(a, b, c)], stated=stated, previous=as_previous(first))

    found = changes(tonight).changes

    assert not found.changed
    assert found.new_outlets == {fact_id(tonight.facts[0]): ("C",)}


def test_a_bound_narrowed_by_more_sources_is_a_change(changes):
    """Day one "at least four" killed, still in the day-one wire; day two three outlets say 11."""
    dead = ("count", "person killed")
    wire = said("At least four miners were killed when the tunnel collapsed on Monday.", "Wire")
    first = night([fact(wire)], stated={wire.id: {dead: StatedValue("count", "person killed", ">4", "At least four miners")}})
    later = [said(f"Eleven miners were killed when the tunnel collapsed, {name} said.", name, 1) for name in ("B", "C", "D")]
    stated = first.stated | {s.id: {dead: StatedValue("count", "person killed", "11", "Eleven miners")} for s in later}
    tonight = night([fact(wire, *later)], stated=stated, previous=as_previous(first))

    (change,) = changes(tonight).changes.changed[fact_id(tonight.facts[0])]

    assert (change.before.value, change.after.value) == (">4", "11")


def test_a_fact_the_previous_brief_showed_that_no_article_states_now_is_gone(changes):
    first = night([fact(said(VISIT, "A")), fact(said(DEAL, "B")), fact(said(CRASH, "C"))])
    tonight = night([fact(said(VISIT, "A"))], previous=as_previous(first, shown={VISIT, DEAL}))

    gone = changes(tonight).changes.gone

    assert [g.text for g in gone] == [DEAL]  # the crash was never shown: its going is no news


def test_a_disagreement_is_new_only_when_the_previous_brief_did_not_have_it(changes):
    a, b = said(CRASH, "A"), said(CRASH.replace("14", "19"), "B", 1)
    stated = {a.id: injured("14", "14 people"), b.id: injured("19", "19 people")}
    dispute = Disagreement("count", "person injured", (("14 people", ("A",)), ("19 people", ("B",))), (a.id, b.id), CRASH)
    first = night([fact(a, b)], stated=stated, disagreements=[dispute])

    known = night([fact(a, b)], stated=stated, disagreements=[dispute], previous=as_previous(first, disputed={("count", "person injured", CRASH)}))
    fresh = night([fact(a, b)], stated=stated, disagreements=[dispute], previous=as_previous(first))

    assert changes(known).changes.new_disagreements == ()
    assert changes(fresh).changes.new_disagreements == (dispute,)


def test_compare_false_writes_every_brief_as_the_first(stage_settings, encoder):
    first = night([fact(said(VISIT, "A"))])
    stage = ChangesStage(stage_settings("changes", compare=False), Models(encoder, None, None))

    work, _ = stage(night([fact(said(CRASH, "B"))], previous=as_previous(first)))

    assert work.changes is None and work.carried


def brief_json(**fields) -> dict:
    document = {
        "schema_version": "1.1", "generated_at": "2026-01-05T06:00:00+00:00", "copies": [["A", "B"]],
        "disagreements": [{"kind": "count", "subject": "person injured", "fact": CRASH}],
        "facts": [{"wording": VISIT, "outlets": ["A"], "fingerprints": [fingerprint(VISIT)],
                   "values": [{"kind": "date", "subject": "date", "value": "2026-01-04", "written": "Sunday"}], "shown": True}],
    }
    return document | fields


def test_a_previous_brief_reads_back_its_facts():
    previous = read_previous(brief_json(), "v1")

    assert previous.version == "v1" and previous.copies == (("A", "B"),)
    (visit,) = previous.facts
    assert (visit.text, visit.outlets, visit.shown, visit.values[0].written) == (VISIT, ("A",), True, "Sunday")
    assert previous.disputed == {("count", "person injured", CRASH)}


@pytest.mark.parametrize(
    "document, error, reason",
    [
        (brief_json(schema_version="1.0"), UnreadableBrief, "carries no facts"),
        (brief_json(schema_version="2.0"), UnreadableBrief, "not one this version reads"),
        ({k: v for k, v in brief_json().items() if k != "facts"}, UnreadableBrief, "carries no facts"),
        (brief_json(facts=[{"wording": VISIT, "outlets": "A", "fingerprints": [], "values": [], "shown": True}]), ValueError, "'outlets' is a str, not a list"),
        (brief_json(facts=[{"wording": VISIT, "outlets": [], "fingerprints": [], "values": [], "shown": "yes"}]), ValueError, "'shown' is a str"),
        (brief_json(generated_at=None), ValueError, "'generated_at' is a NoneType"),
        ({k: v for k, v in brief_json().items() if k != "generated_at"}, KeyError, "generated_at"),
        ([], UnreadableBrief, "not an object"),
    ],
)
def test_a_previous_brief_that_does_not_read_back_whole_is_refused_with_its_reason(document, error, reason):
    with pytest.raises(error, match=reason):
        read_previous(json.loads(json.dumps(document)), "v1")


def test_a_sentence_of_an_article_unchanged_since_is_not_new_even_when_the_previous_brief_dropped_it(changes):
    """Last night's cleaning dropped the crash paragraph as off topic; tonight's keeps it. The
    article is byte for byte last night's: its facts were there, whatever the brief made of them."""
    crash = said(CRASH, "A", 1)
    first = night([fact(said(VISIT, "A"))])
    known = dataclasses.replace(as_previous(first), articles=frozenset({"sha-a"}))
    articles = (article("art-A", [VISIT, CRASH]), article("art-C", [DEAL], outlet="C"))
    articles = (dataclasses.replace(articles[0], sha256="sha-a"), dataclasses.replace(articles[1], sha256="sha-c"))
    tonight = dataclasses.replace(night([fact(said(VISIT, "A")), fact(crash), fact(said(DEAL, "C"))], previous=known), articles=articles)

    found = changes(tonight).changes

    assert found.new == {fact_id(tonight.facts[2])}


@pytest.mark.parametrize(
    "before, after, changed",
    [("14", "19", True), (">400", "412", False), ("212", ">200", False), ("~300", "310", False), (">4", "11", True)],
)
def test_a_figure_changes_only_beyond_what_its_wording_allows(changes, before, after, changed):
    """No sentence still gives the old figure: every outlet's wording changed."""
    old, new = said(CRASH, "A"), said(CRASH.replace("14", "19"), "A")
    first = night([fact(old)], stated={old.id: injured(before, "people")})
    tonight = night([fact(new)], stated={new.id: injured(after, "people")}, previous=as_previous(first))

    assert bool(changes(tonight).changes.changed) is changed


def test_a_count_of_one_noun_done_otherwise_is_another_thing(changes):
    """"At least four miners" killed yesterday, "six miners" pulled out alive tonight: no change."""
    miners = ("count", "miner")
    old, new = said("At least four miners died in the collapse on Monday.", "A"), said("At least four miners died in the collapse on Monday, and six miners were pulled out alive.", "A")
    first = night([fact(old)], stated={old.id: {miners: StatedValue("count", "miner", ">4", "four miners", "die")}})
    tonight = night([fact(new)], stated={new.id: {miners: StatedValue("count", "miner", "6", "six miners", "pull")}}, previous=as_previous(first))

    assert not changes(tonight).changes.changed
