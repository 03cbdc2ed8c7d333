"""Stage: a neural writer (conf/model/, summarize/nlp/writers.py) fuses each fact that several
outlets report into one sentence, from that fact's sentences in all its outlets."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

from summarize.settings import CausalModel, Seq2SeqModel
from summarize.types import EventWork, Fact, Models, Sentence, Subtopic, count_sources


def fact_documents(fact: Fact) -> list[str]:
    """A neural writer's input for one fact: each outlet's sentences stating it, one document per outlet."""
    by_outlet: dict[str, list[Sentence]] = {}
    for sentence in fact.sentences:
        by_outlet.setdefault(sentence.outlet, []).append(sentence)
    return [" ".join(s.text for s in sorted(group, key=lambda s: s.position)) for group in by_outlet.values()]


def facts_to_fuse(subtopics: Sequence[Subtopic], copies: Sequence[Sequence[str]]) -> list[Fact]:
    """The facts two or more independent sources state, in brief order: one source's fact is its
    own sentence already, however many outlets carry copies of it."""
    return [fact for subtopic in subtopics for fact in subtopic.facts if count_sources(fact.outlets, copies) >= 2]


class GenerateStage:
    """One sentence fused per fact from all its outlets, by the writer the models loaded (its
    settings, conf/model/, built it then)."""

    reads = ("subtopics", "copies")
    writes = ("fused", "generations")

    def __init__(self, settings: Seq2SeqModel | CausalModel, models: Models):
        self.writer = models.writer

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        facts = facts_to_fuse(work.subtopics, work.copies)
        start = time.perf_counter()
        generations = self.writer([fact_documents(f) for f in facts]) if facts else []
        seconds = time.perf_counter() - start
        new_tokens = sum(g.new_tokens for g in generations)
        counts = {
            "facts": len(generations),
            "input_tokens": sum(g.input_tokens for g in generations),
            "dropped_tokens": sum(g.dropped_tokens for g in generations),
            "new_tokens": new_tokens,
            "seconds_per_fact": round(seconds / max(len(generations), 1), 3),
            "new_tokens_per_second": round(new_tokens / seconds, 1) if seconds else None,
        }
        return dataclasses.replace(work, fused=tuple(facts), generations=tuple(generations)), counts
