"""Stage: what changed since the event's previous brief, and the facts this brief carries to the next.

The previous brief (runtime/previous.py) kept each of its facts compactly: its wording, outlets,
the fingerprints of its sentences and the values it gives. A fact of tonight is one the previous
brief knew when one of its sentences has the fingerprint of one of that fact's sentences (an
article that did not change, or a copy of one), or when the align stage's same-fact rule joins one
of its sentences to that fact's wording (another outlet's wording of it). Then:

    new           no previous fact is tonight's fact
    changed       the fact shows another value than the previous fact showed ("injured: 14 -> 19",
                  "killed: at least 4 -> 11"), given by more independent sources tonight than
                  the old value still is (a new outlet's other figure is a disagreement)
    new outlets   independent sources reporting a known fact that none of its outlets were
                  (an outlet carrying a copy of a known article is no new source)
    gone          facts the previous brief showed that no fact of tonight is
    new dispute   a disagreement about a quantity of a fact the previous brief did not dispute

Tonight's facts are the ones the brief cites (`attributed`); each is named by its first sentence's
id (`fact_id`), which the brief's sentences carry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from summarize.nlp.conflicts import BOUND, contradicts
from summarize.nlp.same_fact import EventVocabulary, FactRule, opposed, pair_features, sentence_anchors
from summarize.nlp.stems import stem
from summarize.settings import ChangesSettings
from summarize.types import (
    CarriedFact,
    CarriedValue,
    Changes,
    Disagreement,
    Encoder,
    EventWork,
    Fact,
    Models,
    PreviousBrief,
    ValueChange,
    count_sources,
    fact_id,
    fingerprint,
    sources_by_outlet,
)

Quantity = tuple[str, str]


@dataclasses.dataclass
class FactValues:
    """The values a fact's sentences state, each quantity's by value, and how many independent
    sources give each."""

    fact: Fact
    giving: dict[Quantity, dict[str, list]]
    copies: Sequence[Sequence[str]]

    @classmethod
    def of(cls, fact: Fact, stated: Mapping[str, Mapping[Quantity, object]], copies: Sequence[Sequence[str]]) -> FactValues:
        giving: dict[Quantity, dict[str, list]] = {}
        for sentence in fact.sentences:
            for quantity, value in stated.get(sentence.id, {}).items():
                giving.setdefault(quantity, {}).setdefault(value.value, []).append((sentence, value))
        return cls(fact, giving, copies)

    def support(self, quantity: Quantity, value: str) -> int:
        return count_sources([s.outlet for s, _ in self.giving.get(quantity, {}).get(value, ())], self.copies)

    def shown(self) -> tuple[CarriedValue, ...]:
        """Each quantity with the value most independent sources give (ties: the fact's wording's,
        then the most outlets): the value the brief shows."""
        wording = self.fact.sentences[0].id if self.fact.sentences else None
        values = []
        for quantity, by_value in sorted(self.giving.items()):
            def strength(value: str) -> tuple:
                giving = by_value[value]
                return self.support(quantity, value), any(s.id == wording for s, _ in giving), len({s.outlet for s, _ in giving}), value

            best = max(by_value, key=strength)
            values.append(CarriedValue(quantity[0], quantity[1], best, by_value[best][0][1].text))
        return tuple(values)


def carried_facts(facts: Sequence[Fact], stated: Mapping, copies: Sequence[Sequence[str]]) -> tuple[CarriedFact, ...]:
    """The facts as the next run reads them back; the write stage says which the brief shows."""
    return tuple(
        CarriedFact(f.text, f.outlets, tuple(fingerprint(s.text) for s in f.sentences), FactValues.of(f, stated, copies).shown())
        for f in facts
    )


@dataclasses.dataclass
class NightMatcher:
    """Which facts of the previous brief each sentence of tonight states: by fingerprint, else by
    the same-fact rule against each previous fact's wording."""

    previous: Sequence[CarriedFact]
    settings: ChangesSettings
    encoder: Encoder

    def __post_init__(self) -> None:
        settings = self.settings
        antonyms = tuple((stem(a), stem(b)) for a, b in settings.antonyms)
        # group_min_score plays no part here: a sentence is matched to one fact's wording, not joined to a group.
        self.rule = FactRule(tuple(settings.weights), settings.min_score, settings.min_score, settings.near_identical_cosine, antonyms)
        self.by_fingerprint: dict[str, set[int]] = {}
        for index, fact in enumerate(self.previous):
            for print_ in fact.fingerprints:
                self.by_fingerprint.setdefault(print_, set()).add(index)

    def anchors(self, text: str, values: Sequence):
        return sentence_anchors(text, frozenset(self.settings.negations), values, frozenset(self.settings.synonyms))

    def __call__(self, facts: Sequence[Fact], stated: Mapping) -> list[set[int]]:
        """For each fact of tonight, the previous facts it is."""
        matches = [{k for s in f.sentences for k in self.by_fingerprint.get(fingerprint(s.text), ())} for f in facts]
        unmatched = [i for i, found in enumerate(matches) if not found]
        if not unmatched or not self.previous:
            return matches
        sentences = [(i, s) for i in unmatched for s in facts[i].sentences]
        texts = [s.text for _, s in sentences] + [f.text for f in self.previous]
        vectors = self.encoder.encode(texts)
        # The classes of counted things a sentence counts ("agreement"), from its values.
        anchors = [self.anchors(s.text, list(stated.get(s.id, {}).values())) for _, s in sentences]
        anchors += [self.anchors(f.text, f.values) for f in self.previous]
        # How telling a word is, from every sentence of tonight and every previous fact, as align
        # weighs words by the whole event's sentences.
        matched = [self.anchors(s.text, ()) for f, found in zip(facts, matches) if found for s in f.sentences]
        vocabulary = EventVocabulary(anchors + matched)
        count = len(sentences)
        cosine = vectors[:count] @ vectors[count:].T
        # Each sentence is judged with its nearest previous facts only, as align judges its nearest
        # sentences: within one story nearly every pair reaches candidate_cosine.
        nearest = np.argsort(-cosine, axis=1, kind="stable")[:, : self.settings.max_neighbours]
        rows = np.repeat(np.arange(count), nearest.shape[1])
        cols = nearest.reshape(-1)
        close_enough = cosine[rows, cols] >= self.settings.candidate_cosine
        for row, col in zip(rows[close_enough], cols[close_enough]):
            tonight, before = anchors[row], anchors[count + col]
            close = float(cosine[row, col])
            score = self.rule.score(pair_features(close, tonight, before, vocabulary))
            same_class = bool(tonight.classes & before.classes)
            near_copy = close >= self.rule.near_identical_cosine
            if self.rule.same_fact(score, near_copy, True, opposed(tonight, before, self.rule.antonyms), same_class):
                matches[sentences[row][0]].add(int(col))
        return matches


def differs(kind: str, before: str, after: str, tolerance: float) -> bool:
    """Whether a value is another than the one given before: another number (a bound's own number
    is none: "at least 4" -> "11" is a change, "more than 9,000" -> "9,000" is not; an approximate
    one only beyond `tolerance`), another date, another name."""
    first, second = BOUND.fullmatch(before), BOUND.fullmatch(after)
    if kind not in ("count", "amount") or not first or not second:
        return before != after
    x, y = float(first["number"]), float(second["number"])
    if "~" in (first["bound"], second["bound"]):
        return abs(x - y) > tolerance * max(abs(x), abs(y))
    return x != y


def changed_values(
    fact: Fact, values: FactValues, before: Sequence[CarriedFact], witnesses: Sequence[Mapping[Quantity, object]], tolerance: float
) -> tuple[ValueChange, ...]:
    """The values tonight's fact shows that differ from the one the previous facts it is showed.
    A value is an update when no sentence of tonight still gives the old one (`witnesses`: what
    the fact's sentences, and tonight's sentences of those previous facts, state), or when the new
    one merely narrows it ("at least 4" -> "11") and more independent sources give it. Otherwise
    the old value stands beside the new one: a disagreement (claims), not a change."""
    changes = []
    for value in values.shown():
        quantity = (value.kind, value.key)
        earlier = [v for f in before for v in f.values if (v.kind, v.key) == quantity]
        if not earlier or not all(differs(value.kind, v.value, value.value, tolerance) for v in earlier):
            continue
        old = earlier[0]
        still_given = any(
            quantity in stated and not differs(value.kind, old.value, stated[quantity].value, tolerance) for stated in witnesses
        )
        narrowed = not contradicts(value.kind, old.value, value.value, tolerance)
        if not still_given or (narrowed and values.support(quantity, value.value) > values.support(quantity, old.value)):
            changes.append(ValueChange(fact.text, value.kind, value.key, old, value))
    return tuple(changes)


def new_sources(fact: Fact, before: Sequence[CarriedFact], copies: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """Tonight's outlets of the fact that are independent sources none of its previous outlets was:
    tonight's copy groups decide, so an outlet carrying a copy of a known article adds none."""
    source = sources_by_outlet(copies)
    known = {source.get(o, o) for f in before for o in f.outlets}
    return tuple(o for o in fact.outlets if source.get(o, o) not in known)


def new_disagreements(
    disagreements: Sequence[Disagreement], previous: PreviousBrief, matches_by_sentence: Mapping[str, set[int]]
) -> tuple[Disagreement, ...]:
    """Tonight's disagreements that the previous brief had no disagreement like: same kind and
    subject, about a previous fact (the one its wording is a sentence of) that tonight's disputed
    sentences are."""
    facts_of: dict[str, set[int]] = {}
    for k, f in enumerate(previous.facts):
        for print_ in f.fingerprints:
            facts_of.setdefault(print_, set()).add(k)
    before = {(kind, subject, k) for kind, subject, wording in previous.disputed for k in facts_of.get(fingerprint(wording), ())}
    fresh = []
    for d in disagreements:
        facts = set().union(*(matches_by_sentence.get(i, set()) for i in d.sentence_ids))
        if not any((d.kind, d.subject, k) in before for k in facts):
            fresh.append(d)
    return tuple(fresh)


def compare(work: EventWork, matcher: NightMatcher, tolerance: float) -> Changes:
    """What tonight's facts (`work.attributed`, valued by the `work.facts` they are part of, which
    hold every sentence of each) say that the previous brief's did not."""
    previous = work.previous
    facts = list(work.facts)
    matches = matcher(facts, work.stated)
    fact_of = {s.id: k for k, f in enumerate(facts) for s in f.sentences}
    matches_by_sentence = {s.id: matches[k] for k, f in enumerate(facts) for s in f.sentences}
    by_fingerprint: dict[str, list[str]] = {}
    for f in facts:
        for s in f.sentences:
            by_fingerprint.setdefault(fingerprint(s.text), []).append(s.id)
    new, changed, outlets = set(), {}, {}
    for fact in work.attributed:
        k = fact_of[fact.sentences[0].id]
        before = [previous.facts[p] for p in sorted(matches[k])]
        if not before:
            new.add(fact_id(fact))
            continue
        valued = FactValues.of(facts[k], work.stated, work.copies)
        witnesses = {s.id for s in facts[k].sentences} | {i for f in before for p in f.fingerprints for i in by_fingerprint.get(p, ())}
        stated = [work.stated.get(i, {}) for i in sorted(witnesses)]
        if values := changed_values(fact, valued, before, stated, tolerance):
            changed[fact_id(fact)] = values
        if sources := new_sources(fact, before, work.copies):
            outlets[fact_id(fact)] = sources
    still = set().union(*matches) if matches else set()
    gone = tuple(f for k, f in enumerate(previous.facts) if f.shown and k not in still)
    return Changes(
        previous.generated_at, previous.version, frozenset(new), changed, outlets, gone,
        new_disagreements(work.disagreements, previous, matches_by_sentence),
    )


class ChangesStage:
    """What changed since the previous brief, and the facts carried to the next one."""

    reads = ("previous", "facts", "stated", "copies", "disagreements", "attributed")
    writes = ("changes", "carried")

    def __init__(self, settings: ChangesSettings, models: Models):
        self.settings = settings
        self.encoder = models.encoder

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        carried = carried_facts(work.facts, work.stated, work.copies)
        changes = None
        if work.previous is not None and self.settings.compare:
            matcher = NightMatcher(work.previous.facts, self.settings, self.encoder)
            changes = compare(work, matcher, self.settings.approximate_tolerance)
        counts = {"facts_carried": len(carried), "previous": work.previous.version if work.previous else None}
        if changes is not None:
            counts |= {
                "new": len(changes.new), "changed": len(changes.changed), "new_outlets": len(changes.new_outlets),
                "gone": len(changes.gone), "new_disagreements": len(changes.new_disagreements),
            }
        return dataclasses.replace(work, changes=changes, carried=carried), counts
