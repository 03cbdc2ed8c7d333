"""Stage: write the brief from the ranked subtopics, with the disagreements the claims stage found.

The extractive writer takes whole source sentences, so every brief sentence is one that its
outlets actually printed, and none that leans on context the brief may not carry. By default
(selection coverage) it plans the whole budget at once: the set of sentences that together cover
the most of what the articles share, early and by many of them, with the ranking's order and each
fact's outlet count as a smaller preference (summarize/nlp/coverage.py). The older round robin
goes round the subtopics in order of importance, taking each one's best remaining sentence,
until the budget is spent. Either way the brief shows its sentences by subtopic, in rank order.

With a neural writer configured, the facts are chosen the same way, and each fact that several
outlets report is shown in the sentence the writer fused from all of them, when the guard kept
it; a rejected one gives way to the fact's own wording, and the reason is recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence

import numpy as np

from summarize.errors import UsageError
from summarize.types import (
    Brief,
    BriefSection,
    BriefSentence,
    Disagreement,
    Encoder,
    EventWork,
    GuardedSentence,
    Models,
    Sentence,
    Subtopic,
    Fact,
    source_names,
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

    def __init__(
        self,
        subtopics: Sequence[Subtopic],
        encoder: Encoder,
        *,
        budget_words: int,
        max_words: int,
        redundancy_threshold: float,
        disagreements: Sequence[Disagreement] = (),
    ):
        self.subtopics = subtopics
        self.disagreements = disagreements
        self.encoder = encoder
        self.budget_words = budget_words
        self.max_words = max_words
        self.redundancy_threshold = redundancy_threshold
        self.picks: list[list[BriefSentence]] = [[] for _ in subtopics]
        self.vectors: list[np.ndarray] = []
        self.words = 0

    @property
    def full(self) -> bool:
        return self.words >= self.budget_words

    def shown_words(self, text: str, sources: Sequence[Sentence]) -> int:
        """The words `text` takes in the brief: its own and its dispute marks."""
        return len(mark_disputes(text, sources, self.disagreements).split())

    def add(self, index: int, text: str, sources: tuple[Sentence, ...], generated: bool = False) -> bool:
        """Add a sentence to subtopic `index` unless it breaks the cap or repeats a chosen one; a
        disputed value in it is marked, and the marks count against the cap like any words."""
        marked = mark_disputes(text, sources, self.disagreements)
        length = len(marked.split())
        if self.words + length > self.max_words:
            return False
        vector = self.encoder.encode([text])[0]
        if self.vectors and max(float(v @ vector) for v in self.vectors) >= self.redundancy_threshold:
            return False
        self.picks[index].append(BriefSentence(text, sources, marked if marked != text else None, generated))
        self.vectors.append(vector)
        self.words += length
        return True

    def brief(
        self,
        *,
        event_id: str,
        title: str,
        date: dt.date | None,
        disagreements: Sequence[Disagreement],
        copies: Sequence[Sequence[str]],
    ) -> Brief:
        sections = tuple(
            BriefSection(
                label=subtopic.label,
                sentences=tuple(picks),
            )
            for subtopic, picks in zip(self.subtopics, self.picks)
            if picks
        )
        # Every outlet the brief drew on, cited or not, so a reader can tell "2 of 5".
        outlets = tuple(sorted({o for subtopic in self.subtopics for o in subtopic.outlets}))
        return Brief(
            event_id=event_id,
            title=title,
            date=date,
            sections=sections,
            outlets=outlets,
            disagreements=tuple(disagreements),
            copies=tuple(tuple(group) for group in copies),
        )


def mark_disputes(text: str, sources: Sequence[Sentence], disagreements: Sequence[Disagreement]) -> str:
    """The wording with each disputed value it states marked where it stands: "on January 6 (or
    January 5; sources differ)". The values and their outlets are listed below the brief."""
    ids = {s.id for s in sources}
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


def extractive_candidates(
    subtopics: Sequence[Subtopic], dangling_openers: Sequence[str], min_words: int = 0
) -> list[list[Fact]]:
    """Each subtopic's sentences, best first, without those that lean on missing context or are
    shorter than `min_words`."""
    openers = {o.lower() for o in dangling_openers}
    return [
        [s for s in st.sentences if len(s.text.split()) >= min_words and not leans_on_context(s.text, openers)]
        for st in subtopics
    ]


def take_best(
    draft: BriefDraft, index: int, queue: list[Fact], wording: Callable[[Fact], BriefSentence]
) -> Fact | None:
    """Add the best fact of `queue` the draft accepts, consuming the ones it refuses."""
    while queue and not draft.full:
        candidate = queue.pop(0)
        shown = wording(candidate)
        if draft.add(index, shown.text, candidate.sources, generated=shown.generated):
            return candidate
    return None


def fill(
    draft: BriefDraft,
    queues: list[list[Fact]],
    max_sentences_per_subtopic: int,
    wording: Callable[[Fact], BriefSentence],
) -> list[Fact]:
    """Round the subtopics in order, each time taking each one's best remaining candidate, until
    the budget is spent; returns the facts taken."""
    taken = []
    for _ in range(max_sentences_per_subtopic):
        for index, queue in enumerate(queues):
            if fact := take_best(draft, index, queue, wording):
                taken.append(fact)
    return taken


def cover(
    draft: BriefDraft,
    queues: list[list[Fact]],
    max_sentences_per_subtopic: int,
    wording: Callable[[Fact], BriefSentence],
    *,
    rank_weight: float = 0.0,
    pair_weight: float = 1.0,
    position_decay: float | None = None,
    copies: Sequence[Sequence[str]] = (),
) -> list[Fact]:
    """The candidates whose wordings together cover the most of what the articles share, within
    the budget (summarize/nlp/coverage.py), near repeats excluded as the draft excludes them;
    added in brief order (subtopics in rank order, each one's best first). Falls back to `fill`
    when the solver finds no solution in its time limit."""
    from summarize.nlp.coverage import concept_weights, select

    # In the ranking's order: the leading subtopic's facts best first, then the next one's, ...
    candidates = [(rank, index, fact) for index, queue in enumerate(queues) for rank, fact in enumerate(queue)]
    if not candidates:
        return []
    shown = [wording(fact) for _, _, fact in candidates]
    lengths = [draft.shown_words(s.text, fact.sources) for s, (_, _, fact) in zip(shown, candidates)]
    # What every source sentence says, not only the candidates: a concept's worth is how many
    # articles use it. Outlets carrying copies of one article are one article here.
    source_of = source_names(copies)
    weights = concept_weights(
        ((source_of.get(s.outlet, s.outlet), s.position, s.text) for subtopic in draft.subtopics for fact in subtopic.sentences for s in fact.sources),
        position_decay=position_decay,
        pair_weight=pair_weight,
    )
    vectors = draft.encoder.encode([s.text for s in shown])
    close = np.argwhere(np.triu(vectors @ vectors.T >= draft.redundancy_threshold, k=1))
    chosen = select(
        [s.text for s in shown], lengths, weights,
        budget=min(draft.budget_words, draft.max_words) - draft.words,
        exclusive=[(int(a), int(b)) for a, b in close],
        groups=[index for _, index, _ in candidates], per_group=max_sentences_per_subtopic,
        # The ranking's own judgement (subtopic, support, centrality, position), in concept-weight
        # units per word, decaying with the candidate's place in that order; it also breaks ties.
        preference=[(rank_weight * length * fact.support + 1e-3) / (1 + order) ** 0.5 for order, (length, (_, _, fact)) in enumerate(zip(lengths, candidates))],
    )
    if chosen is None:
        return fill(draft, queues, max_sentences_per_subtopic, wording)
    taken = []
    for order in sorted(chosen, key=lambda o: (candidates[o][1], candidates[o][0])):
        _, index, fact = candidates[order]
        if draft.add(index, shown[order].text, fact.sources, generated=shown[order].generated):
            taken.append(fact)
    return taken


def write_extractive(subtopics: Sequence[Subtopic], encoder: Encoder, **options) -> Brief:
    """The brief in the outlets' own words: the writer below with nothing generated to show."""
    brief, _ = write_from_generations(subtopics, (), (), encoder, **options)
    return brief


def write_from_generations(
    subtopics: Sequence[Subtopic],
    fused: Sequence[Fact],
    guarded: Sequence[GuardedSentence],
    encoder: Encoder,
    *,
    event_id: str,
    title: str,
    date: dt.date | None,
    disagreements: Sequence[Disagreement] = (),
    copies: Sequence[Sequence[str]] = (),
    budget_words: int = 200,
    max_words: int = 250,
    max_sentences_per_subtopic: int = 3,
    redundancy_threshold: float = 0.7,
    dangling_openers: Sequence[str] = (),
    min_words: int = 0,
    selection: str = "coverage",
    rank_weight: float = 0.0,
    pair_weight: float = 1.0,
    position_decay: float | None = None,
) -> tuple[Brief, dict]:
    """The brief's facts chosen as the extractive writer chooses them, each fused fact in the
    sentence generated from it when the guard kept it, else in its own outlet's wording; and a
    report: fused facts `kept` in generated wording, `replaced` (with the reason), `not_used`
    (facts the brief did not take)."""
    draft = BriefDraft(
        subtopics,
        encoder,
        budget_words=budget_words,
        max_words=max_words,
        redundancy_threshold=redundancy_threshold,
        disagreements=disagreements,
    )
    verdicts = dict(zip(fused, guarded))

    def wording(fact: Fact) -> BriefSentence:
        verdict = verdicts.get(fact)
        if verdict is not None and verdict.ok:
            return BriefSentence(verdict.text, fact.sources, generated=True)
        return BriefSentence(fact.text, fact.sources)

    queues = extractive_candidates(subtopics, dangling_openers, min_words)
    if selection == "coverage":
        taken = set(cover(
            draft, queues, max_sentences_per_subtopic, wording,
            rank_weight=rank_weight, pair_weight=pair_weight, position_decay=position_decay, copies=copies,
        ))
    elif selection == "round_robin":
        taken = set(fill(draft, queues, max_sentences_per_subtopic, wording))
    else:
        raise UsageError(f"write.selection must be round_robin or coverage, not {selection!r}")
    report: dict = {"fused": len(fused), "kept": 0, "replaced": 0, "not_used": 0, "replacements": []}
    for fact, verdict in verdicts.items():
        if fact not in taken:
            report["not_used"] += 1
        elif verdict.ok:
            report["kept"] += 1
        else:
            report["replaced"] += 1
            report["replacements"].append(
                {"fact": fact.text, "generated": verdict.text, "reason": verdict.reason, "replacement": fact.text}
            )
    return draft.brief(event_id=event_id, title=title, date=date, disagreements=disagreements, copies=copies), report


def run(work: EventWork, params: dict, models: Models) -> tuple[EventWork, dict]:
    event = work.event
    header = {
        "event_id": event.id,
        "title": event.title or event.id,
        # The event's own date, else the latest article's.
        "date": event.date or max((a.date for a in work.cleaned if a.date), default=None),
        "disagreements": work.disagreements,
        "copies": work.copies,
    }
    if models.writer is None:
        brief, counts = write_extractive(work.subtopics, models.encoder, **header, **params), {}
    else:
        brief, counts = write_from_generations(work.subtopics, work.fused, work.guarded, models.encoder, **header, **params)
    counts.update(sentences=len(brief.sentences), words=brief.word_count)
    return dataclasses.replace(work, brief=brief), counts
