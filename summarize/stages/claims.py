"""Stage: where outlets disagree about a fact. Within one fact (the align stage's groups), the
values its sentences state for the same quantity or date are compared across outlets.

What a value is of comes from the parse (summarize/nlp/values.py, run by the align stage for the
sentences counting a configured class of things, and here for the rest): any
counted noun ("300 seats" against "320 seats"), a money amount, or the date of the fact; years,
ages, ordinals, page numbers and numbers about different things are never compared. The align
stage's synonym classes only say which words count the same thing ("agreements" = "memorandums").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from summarize.nlp.values import StatedValue, sentence_values
from summarize.settings import ClaimsSettings
from summarize.types import Disagreement, EventWork, Fact, Models, Sentence

BOUND = re.compile(r"(?P<bound>[<>~]?)(?P<number>-?\d+(?:\.\d+)?)")


def conflicting(a: str, b: str, tolerance: float) -> bool:
    """Whether two normalised values of one quantity contradict each other: two exact numbers or
    dates that differ; a bound ("more than 200", ">200") only with a number outside it; an
    approximate one ("about 300") only with a number more than `tolerance` of it away."""
    if a == b:
        return False
    first, second = BOUND.fullmatch(a), BOUND.fullmatch(b)
    if not first or not second:  # dates, or anything not a plain number
        return True
    bounds = (first["bound"], second["bound"])
    x, y = float(first["number"]), float(second["number"])
    if bounds == ("", ""):
        return x != y
    if "" not in bounds:  # two bounds or approximations: not a contradiction worth a reader's time
        return bounds == ("~", "~") and abs(x - y) > tolerance * max(abs(x), abs(y))
    bound, limit, exact = (bounds[0], x, y) if bounds[1] == "" else (bounds[1], y, x)
    return {">": exact <= limit, "<": exact >= limit, "~": abs(exact - limit) > tolerance * abs(limit)}[bound]


def fact_disagreements(fact: Fact, values: Mapping[str, Sequence[StatedValue]], tolerance: float) -> list[Disagreement]:
    """The quantities of one fact on which its outlets contradict each other; `values` are each
    sentence's values by sentence id."""
    by_quantity: dict[tuple[str, str], list[tuple[StatedValue, Sentence]]] = {}
    for sentence in fact.sentences:
        for value in values.get(sentence.id, ()):
            by_quantity.setdefault((value.kind, value.key), []).append((value, sentence))
    disagreements = []
    for (kind, key), stated in sorted(by_quantity.items()):
        distinct = sorted({v.value for v, _ in stated})
        if not any(conflicting(a, b, tolerance) for a in distinct for b in distinct if a < b):
            continue
        if len({s.outlet for _, s in stated}) < 2:  # one outlet contradicting itself is not a dispute between sources
            continue
        shown = []
        for value in distinct:
            wordings = sorted({v.text for v, _ in stated if v.value == value})
            outlets = tuple(sorted({s.outlet for v, s in stated if v.value == value}))
            shown.append((" / ".join(wordings), outlets))
        ids = tuple(sorted({s.id for _, s in stated}))
        disagreements.append(Disagreement(kind, key, tuple(shown), ids, fact.text))
    return disagreements


class ClaimsStage:
    """Where the outlets of one fact state contradicting values of one quantity."""

    reads = ("cleaned", "values", "facts")
    writes = ("disagreements",)

    def __init__(self, settings: ClaimsSettings, models: Models):
        self.settings = settings
        self.parser = models.parser

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        # Only the facts two or more outlets state can hold a disagreement; the align stage parsed
        # some of their sentences already, and the rest are parsed here.
        compared = [f for f in work.facts if len(f.outlets) >= 2]
        unparsed = [s for f in compared for s in f.sentences if s.id not in work.values]
        dates = {a.id: a.date for a in work.cleaned}
        values = {**work.values, **sentence_values(unparsed, self.parser, dates, synonyms=self.settings.synonyms)}
        tolerance = self.settings.approximate_tolerance
        disagreements = [d for fact in compared for d in fact_disagreements(fact, values, tolerance)]
        counts = {
            "facts_compared": len(compared),
            "sentences_parsed": len(values) - len(work.values),
            "disagreements": [d.as_record() for d in disagreements],
        }
        return dataclasses.replace(work, disagreements=tuple(disagreements)), counts
