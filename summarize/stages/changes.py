"""Stage: what changed since the event's previous brief, and the facts this brief carries to the next.

The previous brief (runtime/previous.py) kept each of its facts compactly: its wording, outlets,
the fingerprints of its sentences and the values it gives. A fact of tonight is one the previous
brief knew when one of its sentences has the fingerprint of one of that fact's sentences (an
article that did not change, or a copy of one), or when the align stage's same-fact rule joins one
of its sentences to that fact's wording (another outlet's wording of it). Then:

    new           no previous fact is tonight's fact, and no sentence of it is in an article
                  unchanged since (the previous brief's articles stated it, whatever that
                  night's cleaning kept)
    changed       the fact shows another value of one thing than the previous fact showed
                  ("injured: 14 -> 19"), and no sentence tonight still gives the old one, or a
                  count rose past the old lower bound ("killed: at least 4 -> 11") with more
                  sources; a new outlet's other figure is a disagreement, not a change
    new outlets   independent sources reporting a known fact that none of its outlets were, in
                  changed articles (an outlet carrying a copy of a known article is no new source)
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

Quantity = tuple[str, str]  # (kind, key) of a StatedValue
Measure = tuple[str, str, str]  # a quantity and what is done to it: ("count", "miner", "kill")


@dataclasses.dataclass
class FactValues:
    """The values a fact's sentences state, each quantity's by value, and how many independent
    sources give each."""

    fact: Fact
    giving: dict[Measure, dict[str, list]]
    copies: Sequence[Sequence[str]]

    @classmethod
    def of(cls, fact: Fact, stated: Mapping[str, Mapping[Quantity, object]], copies: Sequence[Sequence[str]]) -> FactValues:
        giving: dict[Measure, dict[str, list]] = {}
        for sentence in fact.sentences:
            for (kind, key), value in stated.get(sentence.id, {}).items():
                giving.setdefault((kind, key, value.predicate), {}).setdefault(value.value, []).append((sentence, value))
        return cls(fact, giving, copies)

    def support(self, measure: Measure, value: str) -> int:
        return count_sources([s.outlet for s, _ in self.giving.get(measure, {}).get(value, ())], self.copies)

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
            values.append(CarriedValue(*quantity[:2], best, by_value[best][0][1].text, quantity[2]))
        return tuple(values)


def carried_facts(valued: Sequence[FactValues]) -> tuple[CarriedFact, ...]:
    """The facts as the next run reads them back; the write stage says which the brief shows."""
    return tuple(
        CarriedFact(v.fact.text, v.fact.outlets, tuple(fingerprint(s.text) for s in v.fact.sentences), v.shown()) for v in valued
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
        # group_min_score plays no part here: a sentence is matched to one fact's wording, not joined to a group.
        self.rule = FactRule.of(settings.weights, settings.min_score, settings.min_score, settings.near_identical_cosine, settings.antonyms)
        self.by_fingerprint: dict[str, set[int]] = {}
        for index, fact in enumerate(self.previous):
            for print_ in fact.fingerprints:
                self.by_fingerprint.setdefault(print_, set()).add(index)

    def anchors(self, text: str, values: Sequence):
        return sentence_anchors(text, frozenset(self.settings.negations), values, frozenset(self.settings.synonyms))

    def __call__(self, facts: Sequence[Fact], stated: Mapping, known: frozenset[str]) -> tuple[list[set[int]], set[int]]:
        """For each fact of tonight, the previous facts it is; and the facts tonight that the
        previous brief's articles stated (`known`: ids of articles unchanged since): those that
        are previous facts, those with a sentence of such an article, and those the same-fact
        rule joins to a previous fact's wording or to a sentence of such an article."""
        matches = [{k for s in f.sentences for k in self.by_fingerprint.get(fingerprint(s.text), ())} for f in facts]
        seen = {i for i, f in enumerate(facts) if matches[i] or any(s.article_id in known for s in f.sentences)}
        unseen = [i for i in range(len(facts)) if i not in seen]
        # What the previous brief's articles said, each with the previous facts it is: every
        # fact's wording, and tonight's sentences of the unchanged articles (which hold what that
        # night's cleaning dropped, and every outlet's wording of a fact, not only one).
        said = [(f.text, f.values, {k}) for k, f in enumerate(self.previous)]
        said += [
            (s.text, list(stated.get(s.id, {}).values()), self.by_fingerprint.get(fingerprint(s.text), set()))
            for f in facts for s in f.sentences if s.article_id in known
        ]
        if not unseen or not said:
            return matches, seen
        sentences = [(i, s) for i in unseen for s in facts[i].sentences]
        for row, col in self.same_fact_pairs([(s.text, list(stated.get(s.id, {}).values())) for _, s in sentences], said, facts):
            fact = sentences[row][0]
            seen.add(fact)
            matches[fact] |= said[col][2]
        return matches, seen

    def same_fact_pairs(self, tonight: Sequence[tuple], said: Sequence[tuple], facts: Sequence[Fact]):
        """(row, col) for each sentence of tonight (text, values) and each of what was said (text,
        values, ...) that the same-fact rule calls one fact."""
        vectors = self.encoder.encode([t for t, _ in tonight] + [t for t, *_ in said])
        # The classes of counted things a sentence counts ("agreement"), from its values.
        anchors = [self.anchors(text, values) for text, values in tonight] + [self.anchors(text, values) for text, values, _ in said]
        # How telling a word is, from every sentence of tonight and every previous fact, as align
        # weighs words by the whole event's sentences.
        vocabulary = EventVocabulary(anchors + [self.anchors(s.text, ()) for f in facts for s in f.sentences])
        count = len(tonight)
        cosine = vectors[:count] @ vectors[count:].T
        # Each sentence is judged with its nearest only, as align judges its nearest sentences:
        # within one story nearly every pair reaches candidate_cosine.
        nearest = np.argsort(-cosine, axis=1, kind="stable")[:, : self.settings.max_neighbours]
        rows = np.repeat(np.arange(count), nearest.shape[1])
        cols = nearest.reshape(-1)
        close_enough = cosine[rows, cols] >= self.settings.candidate_cosine
        for row, col in zip(rows[close_enough], cols[close_enough]):
            mine, theirs = anchors[row], anchors[count + col]
            close = float(cosine[row, col])
            score = self.rule.score(pair_features(close, mine, theirs, vocabulary))
            same_class = bool(mine.classes & theirs.classes)
            near_copy = close >= self.rule.near_identical_cosine
            if self.rule.same_fact(score, near_copy, True, opposed(mine, theirs, self.rule.antonyms), same_class):
                yield int(row), int(col)


def span(value: str, tolerance: float) -> tuple[float, float] | None:
    """The numbers a normalised count or amount stands for: an exact one itself, "at least 400"
    400 to 440 (reporters round down to a bound), "up to" the mirror of that, "about 300" 270 to
    330 with a tolerance of 0.1; None for anything else (a date, a name)."""
    found = BOUND.fullmatch(value)
    if not found:
        return None
    x = float(found["number"])
    return {"": (x, x), ">": (x, x * (1 + tolerance)), "<": (x * (1 - tolerance), x), "~": (x * (1 - tolerance), x * (1 + tolerance))}[found["bound"]]


def differs(kind: str, before: str, after: str, tolerance: float) -> bool:
    """Whether a value is another than the one given before: numbers whose spans do not meet
    ("at least 4" -> "11" does, "more than 400" -> "412" and "212" -> "more than 200" do not),
    another date, another name."""
    first, second = span(before, tolerance), span(after, tolerance)
    if kind not in ("count", "amount") or first is None or second is None:
        return before != after
    return first[1] < second[0] or second[1] < first[0]


def rose_past(before: str, after: str) -> bool:
    """A lower bound ("at least 4" killed) overtaken by a higher figure (11): a count that rose."""
    first, second = BOUND.fullmatch(before), BOUND.fullmatch(after)
    return bool(first and second and first["bound"] == ">" and float(second["number"]) > float(first["number"]))


def changed_values(
    fact: Fact, values: FactValues, before: Sequence[CarriedFact], witnesses: Sequence[Mapping[Quantity, object]], tolerance: float
) -> tuple[ValueChange, ...]:
    """The values tonight's fact shows that differ from the one the previous facts it is showed
    of the same thing (kind, key and predicate). A value is an update when no sentence of tonight
    still gives the old one (`witnesses`: what the fact's sentences, and tonight's sentences of
    those previous facts, state), or when it is a count that rose past the old lower bound ("at
    least 4" -> "11") and more independent sources give it. Otherwise the old value stands beside
    the new one: a disagreement (claims), not a change."""
    changes = []
    for value in values.shown():
        measure = (value.kind, value.key, value.predicate)
        earlier = [v for f in before for v in f.values if (v.kind, v.key, v.predicate) == measure]
        if not earlier or not all(differs(value.kind, v.value, value.value, tolerance) for v in earlier):
            continue
        old = earlier[0]
        still_given = any(
            stated.get(measure[:2]) is not None and stated[measure[:2]].predicate == value.predicate
            and not differs(value.kind, old.value, stated[measure[:2]].value, tolerance)
            for stated in witnesses
        )
        rose = rose_past(old.value, value.value) and values.support(measure, value.value) > values.support(measure, old.value)
        if not still_given or rose:
            changes.append(ValueChange(fact.text, value.kind, value.key, old, value))
    return tuple(changes)


def new_sources(fact: Fact, before: Sequence[CarriedFact], copies: Sequence[Sequence[str]], known: frozenset[str]) -> tuple[str, ...]:
    """Tonight's outlets of the fact that are independent sources none of its previous outlets was,
    in articles that changed since (`known`: ids of articles unchanged since the previous brief,
    which reported the fact then, even when last night's brief did not list it): tonight's copy
    groups decide, so an outlet carrying a copy of a known article adds none."""
    source = sources_by_outlet(copies)
    old = {source.get(o, o) for f in before for o in f.outlets}
    old |= {source.get(s.outlet, s.outlet) for s in fact.sentences if s.article_id in known}
    return tuple(sorted({s.outlet for s in fact.sentences if source.get(s.outlet, s.outlet) not in old}))


def new_disagreements(
    disagreements: Sequence[Disagreement], previous: PreviousBrief, facts_of: Mapping[str, set[int]],
    matches_by_sentence: Mapping[str, set[int]],
) -> tuple[Disagreement, ...]:
    """Tonight's disagreements that the previous brief had no disagreement like: same kind and
    subject, about a previous fact (the one its wording is a sentence of: `facts_of` a fingerprint)
    that tonight's disputed sentences are."""
    before = {(kind, subject, k) for kind, subject, wording in previous.disputed for k in facts_of.get(fingerprint(wording), ())}
    fresh = []
    for d in disagreements:
        facts = set().union(*(matches_by_sentence.get(i, set()) for i in d.sentence_ids))
        if not any((d.kind, d.subject, k) in before for k in facts):
            fresh.append(d)
    return tuple(fresh)


def compare(work: EventWork, valued: Sequence[FactValues], matcher: NightMatcher, tolerance: float) -> Changes:
    """What tonight's facts (`work.attributed`, valued by the `work.facts` they are part of, which
    hold every sentence of each: `valued`, one per fact) say that the previous brief's did not."""
    previous = work.previous
    facts = list(work.facts)
    # Articles unchanged since the previous brief: whatever they state, its readers' articles
    # stated (last night's cleaning may have dropped a block that tonight's keeps).
    known = frozenset(a.id for a in work.articles if a.sha256 in previous.articles)
    matches, seen = matcher(facts, work.stated, known)
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
            if k not in seen:
                new.add(fact_id(fact))
            continue
        witnesses = {s.id for s in facts[k].sentences} | {i for f in before for p in f.fingerprints for i in by_fingerprint.get(p, ())}
        stated = [work.stated.get(i, {}) for i in sorted(witnesses)]
        if values := changed_values(fact, valued[k], before, stated, tolerance):
            changed[fact_id(fact)] = values
        if sources := new_sources(fact, before, work.copies, known):
            outlets[fact_id(fact)] = sources
    still = set().union(*matches)
    gone = tuple(f for k, f in enumerate(previous.facts) if f.shown and k not in still)
    return Changes(
        previous.generated_at, previous.version, frozenset(new), changed, outlets, gone,
        new_disagreements(work.disagreements, previous, matcher.by_fingerprint, matches_by_sentence),
    )


class ChangesStage:
    """What changed since the previous brief, and the facts carried to the next one."""

    reads = ("previous", "articles", "facts", "stated", "copies", "disagreements", "attributed")
    writes = ("changes", "carried")

    def __init__(self, settings: ChangesSettings, models: Models):
        self.settings = settings
        self.encoder = models.encoder

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        valued = [FactValues.of(f, work.stated, work.copies) for f in work.facts]
        carried = carried_facts(valued)
        changes = None
        if work.previous is not None and self.settings.compare:
            matcher = NightMatcher(work.previous.facts, self.settings, self.encoder)
            changes = compare(work, valued, matcher, self.settings.approximate_tolerance)
        counts = {"facts_carried": len(carried), "previous": work.previous.version if work.previous else None}
        if changes is not None:
            counts |= {
                "new": len(changes.new), "changed": len(changes.changed), "new_outlets": len(changes.new_outlets),
                "gone": len(changes.gone), "new_disagreements": len(changes.new_disagreements),
            }
        return dataclasses.replace(work, changes=changes, carried=carried), counts
