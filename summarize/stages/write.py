"""Stage: write the brief from the ranked subtopics, with the disagreements the claims stage found.

The extractive writer takes whole source sentences, so every brief sentence is one that its
outlets actually printed, and none that leans on context the brief may not carry. By default
(selection coverage) it plans the whole budget at once: the set of sentences that together cover
the most of what the articles share, early and by many of them, with the ranking's order and each
fact's count of independent sources as a smaller preference (summarize/nlp/coverage.py); the
core fact, the one the most independent sources report, is always taken and leads: its sentence
is the brief's lede, shown before the sections. The older
round robin goes round the subtopics in order of importance, taking each one's best remaining
sentence, until the budget is spent. Either way the brief shows its sentences by subtopic, in rank order.

With a neural writer configured, the facts are chosen the same way, and each fact that several
outlets report is shown in the sentence the writer fused from all of them, when the guard kept
it; a rejected one gives way to the fact's own wording, and the reason is recorded.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np

from summarize.settings import WriteSettings
from summarize.types import (
    Brief,
    BriefSection,
    BriefSentence,
    CarriedFact,
    Changes,
    Disagreement,
    Encoder,
    EventWork,
    Fact,
    GuardedSentence,
    Models,
    Sentence,
    Subtopic,
    count_sources,
    fact_id,
    fingerprint,
    sources_by_outlet,
)


# A quotation mark, and whether it opens: curly ones say so; a straight one opens at the start
# or after a space or bracket.
QUOTE = re.compile(r'(“)|(”)|((?:^|(?<=[\s(\[]))")|(")')


def closes_unopened_quote(text: str) -> bool:
    """True when `text` closes a quotation it did not open: the last sentence of a quote that
    runs over several ("How great it is," Stewart said.), which makes no sense alone."""
    depth = 0
    for opening_curly, closing_curly, opening_straight, closing_straight in QUOTE.findall(text):
        if opening_curly or opening_straight:
            depth += 1
        elif depth == 0:
            return True
        else:
            depth -= 1
    return False


def leans_on_context(text: str, openers: set[str]) -> bool:
    """True when the sentence opens with a connective or pronoun, or its subject is a pronoun
    after an introductory phrase ("In an interview, he said ..."): who "he" is lies elsewhere.
    Also when it is the end of something longer: it opens in lower case (the rest of a sentence
    cut in two), or it closes a quotation that opened in an earlier sentence."""
    first = re.match(r"\W*(\w+)", text)
    if first and first.group(1).lower() in openers:
        return True
    if text[:1].islower() or closes_unopened_quote(text):
        return True
    return bool(re.match(r"[^,.;]{0,60},\s+(he|she|they|it)\b", text, re.IGNORECASE))


class BriefDraft:
    """The sentences chosen so far for each subtopic, within the word cap and without repeats."""

    def __init__(self, subtopics: Sequence[Subtopic], encoder: Encoder, settings: WriteSettings, disagreements: Sequence[Disagreement] = ()):
        self.subtopics = subtopics
        self.encoder = encoder
        self.settings = settings
        self.disagreements = disagreements
        self.picks: list[list[BriefSentence]] = [[] for _ in subtopics]
        self.vectors: list[np.ndarray] = []
        self.words = 0

    @property
    def full(self) -> bool:
        return self.words >= self.settings.budget_words

    def shown_words(self, sentence: BriefSentence) -> int:
        """The words a sentence takes in the brief: its own and its dispute marks."""
        return len(mark_disputes(sentence.text, sentence.backing, self.disagreements).split())

    def add(self, index: int, sentence: BriefSentence) -> bool:
        """Add a sentence to subtopic `index` unless it breaks the cap or repeats a chosen one; a
        disputed value in it is marked, and the marks count against the cap like any words."""
        marked = mark_disputes(sentence.text, sentence.backing, self.disagreements)
        length = len(marked.split())
        if self.words + length > self.settings.max_words:
            return False
        vector = self.encoder.encode([sentence.text])[0]
        if self.vectors and max(float(v @ vector) for v in self.vectors) >= self.settings.redundancy_threshold:
            return False
        self.picks[index].append(dataclasses.replace(sentence, marked=marked if marked != sentence.text else None))
        self.vectors.append(vector)
        self.words += length
        return True

    def brief(self, work: EventWork, core: Fact | None = None) -> Brief:
        """The brief of the event, with its sentences by subtopic in rank order; the sentence of
        the `core` fact, when taken, is the lede."""
        event = work.event
        sections = tuple(
            BriefSection(subtopic.label, tuple(picks)) for subtopic, picks in zip(self.subtopics, self.picks) if picks
        )
        # `core_first` leads the first subtopic with the core fact, so its sentence comes first.
        first = sections[0].sentences[0] if sections else None
        lede = first if first and core and first.backing == core.sentences else None
        return Brief(
            event_id=event.id,
            title=event.title or event.id,
            # The event's own date, else the latest article's.
            date=event.day or max((a.date for a in work.cleaned if a.date), default=None),
            sections=sections,
            # Every outlet the brief drew on, cited or not, so a reader can tell "2 of 5".
            outlets=tuple(sorted({o for subtopic in self.subtopics for o in subtopic.outlets})),
            disagreements=tuple(work.disagreements),
            copies=tuple(tuple(group) for group in work.copies),
            lede=lede,
            carried=shown_facts(work.carried, sections),
            changes=work.changes,
        )


def shown_facts(carried: Sequence[CarriedFact], sections: Sequence[BriefSection]) -> tuple[CarriedFact, ...]:
    """The carried facts, each marked `shown` when one of its sentences backs a brief sentence:
    the facts a reader of this brief knows, whose going the next brief reports."""
    shown = {fingerprint(s.text) for section in sections for sentence in section.sentences for s in sentence.backing}
    return tuple(dataclasses.replace(f, shown=not shown.isdisjoint(f.fingerprints)) for f in carried)


def mark_disputes(text: str, backing: Sequence[Sentence], disagreements: Sequence[Disagreement]) -> str:
    """The wording with each disputed value it states marked where it stands: "on January 6 (or
    January 5; sources differ)". The values and their outlets are listed below the brief."""
    ids = {s.id for s in backing}
    for disagreement in disagreements:
        if not ids & set(disagreement.sentence_ids):
            continue
        for value, _ in disagreement.values:
            written = next((w for w in value.split(" / ") if w in text), None)
            if written:
                others = [other.split(" / ")[0] for other, _ in disagreement.values if other != value]
                text = text.replace(written, f"{written} (or {' or '.join(others)}; sources differ)", 1)
                break
    return text


def extractive_candidates(subtopics: Sequence[Subtopic], settings: WriteSettings) -> list[list[Fact]]:
    """Each subtopic's facts, best first, without those whose wording leans on missing context or
    is shorter than `min_words`."""
    openers = {o.lower() for o in settings.dangling_openers}
    return [
        [f for f in st.facts if len(f.text.split()) >= settings.min_words and not leans_on_context(f.text, openers)]
        for st in subtopics
    ]


class Wording:
    """How the brief words a fact: in the sentence the neural writer fused from it when the guard
    kept it, else in its own outlet's sentence; marked new or changed since the previous brief."""

    def __init__(self, fused: Sequence[Fact], guarded: Sequence[GuardedSentence], changes: Changes | None = None):
        self.verdicts = dict(zip(fused, guarded))
        self.changes = changes

    def __call__(self, fact: Fact) -> BriefSentence:
        change = self.changes.mark(fact_id(fact)) if self.changes else None
        verdict = self.verdicts.get(fact)
        if verdict is not None and verdict.ok:
            return BriefSentence(verdict.text, fact.sentences, generated=True, change=change)
        return BriefSentence(fact.text, fact.sentences, change=change)

    def report(self, taken: set[Fact]) -> dict:
        """Fused facts `kept` in generated wording, `replaced` (with the reason), `not_used` (facts
        the brief did not take)."""
        report: dict = {"fused": len(self.verdicts), "kept": 0, "replaced": 0, "not_used": 0, "replacements": []}
        for fact, verdict in self.verdicts.items():
            if fact not in taken:
                report["not_used"] += 1
            elif verdict.ok:
                report["kept"] += 1
            else:
                report["replaced"] += 1
                report["replacements"].append(
                    {"fact": fact.text, "generated": verdict.text, "reason": verdict.reason, "replacement": fact.text}
                )
        return report


def take_best(draft: BriefDraft, index: int, queue: list[Fact], wording: Wording) -> Fact | None:
    """Add the best fact of `queue` the draft accepts, consuming the ones it refuses."""
    while queue and not draft.full:
        candidate = queue.pop(0)
        if draft.add(index, wording(candidate)):
            return candidate
    return None


def fill(draft: BriefDraft, queues: list[list[Fact]], wording: Wording) -> list[Fact]:
    """Round the subtopics in order, each time taking each one's best remaining candidate, until
    the budget is spent; returns the facts taken."""
    taken = []
    for _ in range(draft.settings.max_facts_per_subtopic):
        for index, queue in enumerate(queues):
            if fact := take_best(draft, index, queue, wording):
                taken.append(fact)
    return taken


def shared_concepts(draft: BriefDraft, copies: Sequence[Sequence[str]]) -> dict:
    """What every sentence of every fact says, not only the candidates': a concept's worth is how
    many articles use it. Outlets carrying copies of one article are one article here."""
    from summarize.nlp.coverage import concept_weights

    source = sources_by_outlet(copies)
    mentions = (
        (source.get(s.outlet, s.outlet), s.position, s.text)
        for subtopic in draft.subtopics for fact in subtopic.facts for s in fact.sentences
    )
    return concept_weights(mentions, position_decay=draft.settings.position_decay, pair_weight=draft.settings.pair_weight)


def cover(draft: BriefDraft, queues: list[list[Fact]], wording: Wording, copies: Sequence[Sequence[str]]) -> list[Fact]:
    """The candidates whose wordings together cover the most of what the articles share, within
    the budget (summarize/nlp/coverage.py), near repeats excluded as the draft excludes them;
    added in brief order (subtopics in rank order, each one's best first). Falls back to `fill`
    when the solver finds no solution in its time limit."""
    from summarize.nlp.coverage import select

    # In the ranking's order: the leading subtopic's facts best first, then the next one's, ...
    candidates = [(rank, index, fact) for index, queue in enumerate(queues) for rank, fact in enumerate(queue)]
    if not candidates:
        return []
    shown = [wording(fact) for _, _, fact in candidates]
    chosen = select(coverage_candidates(draft, candidates, shown, wording.changes, copies), shared_concepts(draft, copies))
    if chosen is None:
        return fill(draft, queues, wording)
    taken = []
    for order in sorted(chosen, key=lambda o: (candidates[o][1], candidates[o][0])):
        _, index, fact = candidates[order]
        if draft.add(index, shown[order]):
            taken.append(fact)
    return taken


def coverage_candidates(
    draft: BriefDraft, candidates: list[tuple[int, int, Fact]], shown: list[BriefSentence], changes: Changes | None,
    copies: Sequence[Sequence[str]],
):
    """What the coverage ILP chooses from: each candidate's wording and its words, and the limits."""
    from summarize.nlp.coverage import Candidates

    settings = draft.settings
    support = [count_sources(fact.outlets, copies) for _, _, fact in candidates]
    lengths = [draft.shown_words(s) for s in shown]
    vectors = draft.encoder.encode([s.text for s in shown])
    close = np.argwhere(np.triu(vectors @ vectors.T >= settings.redundancy_threshold, k=1))
    return Candidates(
        [s.text for s in shown], lengths,
        budget=min(settings.budget_words, settings.max_words) - draft.words,
        exclusive=[(int(a), int(b)) for a, b in close],
        groups=[index for _, index, _ in candidates], per_group=settings.max_facts_per_subtopic,
        # The core fact (`core_first`) leads the brief.
        required=[0],
        # With a previous brief, part of the budget for what its reader has not read.
        favoured=novel_candidates([fact for _, _, fact in candidates], changes),
        favoured_words=round(settings.update_share * min(settings.budget_words, settings.max_words)),
        # The ranking's own judgement (subtopic, support, centrality, position), in concept-weight
        # units per word, decaying with the candidate's place in that order; it also breaks ties.
        preference=[(settings.rank_weight * length * support[order] + 1e-3) / (1 + order) ** 0.5 for order, length in enumerate(lengths)],
    )


def novel_candidates(facts: Sequence[Fact], changes: Changes | None) -> list[int]:
    """The candidates new or changed since the previous brief (none without one)."""
    novel = changes.novel if changes else frozenset()
    return [order for order, fact in enumerate(facts) if fact_id(fact) in novel]


def novel_first(queues: list[list[Fact]], changes: Changes | None) -> list[list[Fact]]:
    """round_robin with a previous brief: each subtopic's new and changed facts before the others
    (in their order), the core fact still first."""
    novel = changes.novel if changes else frozenset()
    reordered = [sorted(queue, key=lambda f: fact_id(f) not in novel) for queue in queues]
    if queues and queues[0]:
        reordered[0].remove(queues[0][0])
        reordered[0].insert(0, queues[0][0])
    return reordered


def core_first(
    subtopics: Sequence[Subtopic], queues: list[list[Fact]], copies: Sequence[Sequence[str]]
) -> tuple[list[Subtopic], list[list[Fact]]]:
    """The subtopics and their candidates with the core fact first: the candidate the most
    independent sources report (ties: the ranking's first), its subtopic leading the others."""
    ranked = [(-count_sources(f.outlets, copies), index, rank) for index, queue in enumerate(queues) for rank, f in enumerate(queue)]
    if not ranked:
        return list(subtopics), queues
    _, lead, rank = min(ranked)
    order = [lead, *(i for i in range(len(queues)) if i != lead)]
    queues = [list(queues[i]) for i in order]
    queues[0].insert(0, queues[0].pop(rank))
    return [subtopics[i] for i in order], queues


def write_brief(work: EventWork, encoder: Encoder, settings: WriteSettings) -> tuple[Brief, dict]:
    """The brief from the ranked subtopics, and a report of how the fused facts were worded
    (`Wording.report`). Each fact is worded as `Wording` says; which facts the brief takes is
    decided on those wordings, the same way for either writer."""
    subtopics, queues = core_first(work.subtopics, extractive_candidates(work.subtopics, settings), work.copies)
    core = queues[0][0] if queues and queues[0] else None  # before taking from the queues consumes them
    draft = BriefDraft(subtopics, encoder, settings, work.disagreements)
    wording = Wording(work.fused, work.guarded, work.changes)
    if settings.selection == "coverage":
        taken = cover(draft, queues, wording, work.copies)
    else:
        taken = fill(draft, novel_first(queues, work.changes) if settings.update_share else queues, wording)
    return draft.brief(work, core), wording.report(set(taken))


class WriteStage:
    """The brief from the ranked subtopics, with the disagreements the claims stage found."""

    reads = ("event", "cleaned", "copies", "disagreements", "subtopics", "fused", "guarded", "changes", "carried")
    writes = ("brief",)

    def __init__(self, settings: WriteSettings, models: Models):
        self.settings = settings
        self.encoder = models.encoder
        self.neural = models.writer is not None

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        brief, report = write_brief(work, self.encoder, self.settings)
        counts = report if self.neural else {}
        counts.update(sentences=len(brief.sentences), words=brief.word_count)
        return dataclasses.replace(work, brief=brief), counts
