"""Stage: where outlets disagree about a quantity, a date or a name, and which value most sources give.

What a value is of comes from the parse (summarize/nlp/values.py): any counted noun ("300 seats"
against "320 seats"), a money amount, or the date of the fact; years, ages, ordinals, page numbers
and numbers about different things are never compared. Two statements of one quantity are compared
when they are about the same thing: sentences of one fact (the align stage's groups), or sentences
of different facts that are close in meaning (MiniLM cosine at least `related_cosine`) and count
the same noun or a near synonym of it ("homes" and "houses"). A tabloid that words a fact its own
way ("83 homes reduced to rubble") is compared with the wire's "destroyed 38 homes".

A sentence that states two values of one quantity ("broke out on Tuesday ... by Wednesday") says
nothing comparable about it. Compatible statements are not conflicts: "at least two" and "two",
"about 50" and "52", "more than 9,000" and "9,000" (summarize/nlp/conflicts.py).

The value most independent sources give wins (ties: most outlets, then the value of the latest
article, then the value first in sort order). A fact is worded by a sentence giving it, so the
brief shows the majority's value, marked as disputed; a fact with no such sentence loses the
sentences that contradict it (see `attributed`), so no brief sentence cites an outlet for a value
that outlet contradicts without saying so. The other values stand in the disagreement, each with
its outlets.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

import numpy as np

from summarize.nlp.conflicts import contradicts, names_conflict
from summarize.nlp.values import MAY_STATE_A_NUMBER, StatedValue, sentence_values
from summarize.settings import ClaimsSettings
from summarize.types import Disagreement, Encoder, EventWork, Fact, Models, Sentence, count_sources

# "Hélène Marchetti": a first name and a surname, both capitalised words.
FULL_NAME = re.compile(r"\b([A-Z][a-zà-ÿ]+) ([A-Z][a-zà-ÿ]{3,})\b")
# Every pair of capitalised words, overlapping ones too ("Director Hélène Marchand").
NAME_PAIRS = re.compile(f"(?={FULL_NAME.pattern})")

Quantity = tuple[str, str]  # (kind, key) of a StatedValue


# "seven more miners", "six new teachers": a count of some more of a thing, not of all of it.
INCREMENT = re.compile(r"\b(?:more|other|new|additional|further|another|remaining|extra)\s+\S+$", re.IGNORECASE)


def single_values(values: Sequence[StatedValue]) -> dict[Quantity, StatedValue]:
    """The quantities a sentence gives one value for, with that value; counts of an increment or a
    part ("seven more miners") are no statement of the total."""
    by_quantity: dict[Quantity, list[StatedValue]] = {}
    for value in values:
        if value.kind == "count" and INCREMENT.search(value.text):
            continue
        by_quantity.setdefault((value.kind, value.key), []).append(value)
    return {q: stated[0] for q, stated in by_quantity.items() if len({v.value for v in stated}) == 1}


def stated_names(sentences: Sequence[Sentence], parser) -> dict[str, dict[Quantity, StatedValue]]:
    """People's full names by sentence id and first name: ("name", "Hélène") -> "Marchetti". Only
    what the parser's entity recogniser calls a person ("Mining Minister" is no name), from its
    first and last word."""
    # Only sentences where another outlet spells the same first name's surname another way can
    # take part in a dispute: the entity recogniser runs on those alone, not on every name.
    written = [NAME_PAIRS.findall(s.text) for s in sentences]
    surnames: dict[str, set[tuple[str, str]]] = {}
    for sentence, pairs in zip(sentences, written):
        for first, last in pairs:
            surnames.setdefault(first, set()).add((last, sentence.outlet))
    chosen = [
        sentence for sentence, pairs in zip(sentences, written)
        if any(names_conflict(last, other) and outlet != sentence.outlet for first, last in pairs for other, outlet in surnames[first])
    ]
    names: dict[str, dict[Quantity, StatedValue]] = {}
    # Only the entity recogniser: in spaCy's small English model it has its own token vectors.
    only_ner = [name for name in parser.pipe_names if name != "ner"]
    for sentence, doc in zip(chosen, parser.pipe([s.text for s in chosen], disable=only_ner)):
        for person in (e for e in doc.ents if e.label_ == "PERSON" and len(e) >= 2):
            if match := FULL_NAME.fullmatch(f"{person[0].text} {person[-1].text}"):
                names.setdefault(sentence.id, {})[("name", match[1])] = StatedValue("name", match[1], match[2], match[2])
    return names


@dataclasses.dataclass(frozen=True)
class Statement:
    sentence: Sentence
    value: StatedValue


@dataclasses.dataclass
class EventClaims:
    """What every sentence of the event says about each quantity, and how to tell whether two
    sentences are about the same thing."""

    sentences: Sequence[Sentence]
    quantities: list[dict[Quantity, StatedValue]]
    vectors: np.ndarray
    fact_of: Mapping[str, int]
    related_cosine: float
    same_noun: Mapping[tuple[str, str], bool]

    def related(self, i: int, j: int, a: StatedValue, b: StatedValue) -> bool:
        """Whether sentences i and j, stating `a` and `b`, may state one quantity of one thing: one
        fact, close in meaning, or the same thing done ("closing 412 schools", "214 schools are
        closed"; the dead however worded). A date names no thing: the dates of two facts (arriving
        on Sunday, meeting on Monday) are two dates, however close the facts."""
        if self.fact_of.get(self.sentences[i].id) == self.fact_of.get(self.sentences[j].id):
            return True
        if a.kind == "date":
            return False
        return (a.predicate != "" and a.predicate == b.predicate) or float(self.vectors[i] @ self.vectors[j]) >= self.related_cosine

    def same_quantity(self, q: Quantity, r: Quantity) -> bool:
        return q == r or (q[0] == r[0] == "count" and self.same_noun.get((q[1], r[1]), False))


def noun_synonyms(keys: Sequence[str], encoder: Encoder, min_cosine: float) -> dict[tuple[str, str], bool]:
    """Which counted nouns name the same thing ("home" / "house"), by MiniLM cosine of the words."""
    if not keys:
        return {}
    vectors = encoder.encode(list(keys))
    similarity = vectors @ vectors.T
    return {(a, b): bool(similarity[i, j] >= min_cosine) for i, a in enumerate(keys) for j, b in enumerate(keys)}


def statements_by_quantity(claims: EventClaims) -> dict[Quantity, list[int]]:
    by_quantity: dict[Quantity, list[int]] = {}
    for index, quantities in enumerate(claims.quantities):
        for quantity in quantities:
            by_quantity.setdefault(quantity, []).append(index)
    return by_quantity


def disputes(claims: EventClaims, tolerance: float) -> list[list[Statement]]:
    """Groups of statements of one quantity about the same thing, with two conflicting values from
    two different outlets: each pair conflicting across outlets joins, and every other statement
    of that quantity related to a member joins it too (it counts towards a value's sources)."""
    groups: list[list[Statement]] = []
    found: set[frozenset] = set()  # a group is found again through each synonym of its noun
    by_quantity = statements_by_quantity(claims)
    for quantity, indices in sorted(by_quantity.items()):
        members = [(i, q) for q, found in by_quantity.items() if claims.same_quantity(quantity, q) for i in found]
        value = lambda i, q: claims.quantities[i][q]
        taken: set[int] = set()
        for i in indices:
            if i in taken:
                continue
            rivals = [
                (j, q) for j, q in members
                if claims.sentences[j].outlet != claims.sentences[i].outlet
                and (quantity[0] == "name" or claims.related(i, j, value(i, quantity), value(j, q)))
                and contradicts(quantity[0], value(i, quantity).value, value(j, q).value, tolerance)
            ]
            if not rivals:
                continue
            group = {i: quantity} | {j: q for j, q in rivals}
            group |= {
                k: q for k, q in members
                if k not in group and any(claims.related(k, g, value(k, q), value(g, p)) for g, p in group.items())
            }
            taken |= set(group)
            if frozenset(group.items()) not in found:
                found.add(frozenset(group.items()))
                groups.append([Statement(claims.sentences[k], value(k, q)) for k, q in sorted(group.items())])
    return groups


def ranked_values(statements: Sequence[Statement], copies: Sequence[Sequence[str]], dates: Mapping[str, object]) -> list[str]:
    """The group's distinct values, the one most independent sources give first."""
    def strength(value: str) -> tuple:
        giving = [s.sentence for s in statements if s.value.value == value]
        latest = max((str(dates.get(s.article_id) or "") for s in giving), default="")
        outlets = {s.outlet for s in giving}
        return (count_sources(list(outlets), copies), len(outlets), latest)
    distinct = sorted({s.value.value for s in statements})
    return sorted(distinct, key=strength, reverse=True)


def as_disagreement(statements: Sequence[Statement], ranked: Sequence[str], tolerance: float) -> Disagreement:
    """The values the reader sees, the majority's first: a value compatible with the majority's
    ("about 18,000" with "18,000") is listed with it, not against it."""
    kind = statements[0].value.kind
    sides = [[ranked[0], *(v for v in ranked[1:] if not contradicts(kind, v, ranked[0], tolerance))]]
    sides += [[v] for v in ranked[1:] if contradicts(kind, v, ranked[0], tolerance)]
    shown = []
    for side in sides:
        wordings = sorted({s.value.text for s in statements if s.value.value in side}, key=lambda w: (w != statements[0].value.text, w))
        outlets = tuple(sorted({s.sentence.outlet for s in statements if s.value.value in side}))
        shown.append((" / ".join(wordings), outlets))
    first = statements[0].value
    wording = next(s.sentence.text for s in statements if s.value.value == ranked[0])
    # Each side's normalised values, beside its wordings: what programs compare.
    normalised = tuple(tuple(side) for side in sides)
    return Disagreement(
        first.kind, first.key, tuple(shown), tuple(sorted({s.sentence.id for s in statements})), wording, normalised
    )


def outvoted(statements: Sequence[Statement], majority: str, tolerance: float) -> set[str]:
    """Ids of the sentences giving a value that contradicts the majority's."""
    kind = statements[0].value.kind
    return {s.sentence.id for s in statements if contradicts(kind, s.value.value, majority, tolerance)}


def attributed(facts: Sequence[Fact], outvoted: set[str], majority: set[str]) -> list[Fact]:
    """The facts as the brief may cite them. A fact with a sentence giving the majority's value is
    worded by that sentence and keeps its dissenting outlets: the value it shows is marked as
    disputed, and each outlet is listed under its own value below the brief. A fact without one
    loses its dissenting sentences (and goes when none is left): its wording would give a value
    the cited outlets contradict."""
    kept = []
    for fact in facts:
        lead = next((s for s in fact.sentences if s.id in majority), None)
        if lead is not None:
            sentences = (lead, *(s for s in fact.sentences if s is not lead))
        else:
            sentences = tuple(s for s in fact.sentences if s.id not in outvoted)
        if sentences:
            kept.append(fact if sentences == fact.sentences else Fact(sentences[0].text, sentences))
    return kept


class ClaimsStage:
    """Where outlets state contradicting values of one quantity, and the facts with only the
    majority's sentences."""

    reads = ("cleaned", "values", "facts", "copies")
    writes = ("disagreements", "attributed", "stated")

    def __init__(self, settings: ClaimsSettings, models: Models):
        self.settings = settings
        self.parser = models.parser
        self.encoder = models.encoder

    def event_claims(self, work: EventWork, dates: Mapping[str, object]) -> EventClaims:
        sentences = [s for f in work.facts for s in f.sentences]
        # Dates are compared within a fact only: a date in a fact one outlet states has no rival.
        alone = {s.id for f in work.facts if len({s.outlet for s in f.sentences}) == 1 for s in f.sentences}
        unparsed = [s for s in sentences if s.id not in work.values and (s.id not in alone or MAY_STATE_A_NUMBER.search(s.text))]
        values = {**work.values, **sentence_values(unparsed, self.parser, dates, synonyms=self.settings.synonyms)}
        names = stated_names(sentences, self.parser)
        quantities = [single_values(values.get(s.id, ())) | names.get(s.id, {}) for s in sentences]
        keys = sorted({q[1] for found in quantities for q in found if q[0] == "count"})
        return EventClaims(
            sentences, quantities, self.encoder.encode([s.text for s in sentences]),
            {s.id: k for k, f in enumerate(work.facts) for s in f.sentences}, self.settings.related_cosine,
            noun_synonyms(keys, self.encoder, self.settings.synonym_cosine),
        )

    def weighty(self, statements: Sequence[Statement], claims: EventClaims, copies: Sequence[Sequence[str]]) -> bool:
        """Whether a dispute is worth a reader's time: the statements state one fact, or three
        independent sources at least take part (one outlet against one other, in sentences the
        align stage kept apart, are as likely about two different things)."""
        if len({claims.fact_of[s.sentence.id] for s in statements}) == 1:
            return True
        return count_sources([s.sentence.outlet for s in statements], copies) >= self.settings.min_sources

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        dates = {a.id: a.date for a in work.cleaned}
        claims = self.event_claims(work, dates)
        tolerance = self.settings.approximate_tolerance
        disagreements, dropped, majority = [], set(), set()
        for statements in disputes(claims, tolerance):
            if not self.weighty(statements, claims, work.copies):
                continue
            ranked = ranked_values(statements, work.copies, dates)
            disagreements.append(as_disagreement(statements, ranked, tolerance))
            losing = outvoted(statements, ranked[0], tolerance)
            dropped |= losing
            # The wording shows the majority's own value, not one merely compatible with it.
            majority |= {s.sentence.id for s in statements if s.value.value == ranked[0]}
        facts = attributed(work.facts, dropped, majority)
        counts = {
            "sentences_compared": len(claims.sentences),
            "sentences_outvoted": len(dropped),
            "disagreements": [d.as_record() for d in disagreements],
        }
        # What each sentence states, for the changes stage to compare with the previous brief.
        stated = {s.id: found for s, found in zip(claims.sentences, claims.quantities) if found}
        return dataclasses.replace(work, disagreements=tuple(disagreements), attributed=tuple(facts), stated=stated), counts
