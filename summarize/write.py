"""Stage 6: write the brief from the ranked subtopics.

The extractive writer takes whole source sentences, so every brief sentence is one that its
outlets actually printed. It goes round the subtopics in order of importance, taking each
one's best remaining sentence, until the word budget is spent: breadth first, then depth.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import numpy as np

from summarize.embed import SentenceEncoder
from summarize.types import Brief, BriefSection, BriefSentence, Subtopic, SupportedSentence


def leans_on_context(text: str, openers: set[str]) -> bool:
    """True when the sentence opens with a connective or pronoun, or its subject is a pronoun
    after an introductory phrase ("In an interview, he said ..."): who "he" is lies elsewhere."""
    first = re.match(r"\W*(\w+)", text)
    if first and first.group(1).lower() in openers:
        return True
    return bool(re.match(r"[^,.;]{0,60},\s+(he|she|they|it)\b", text, re.IGNORECASE))


def write_extractive(
    subtopics: Sequence[Subtopic],
    encoder: SentenceEncoder,
    *,
    event_id: str,
    title: str,
    date: dt.date | None,
    budget_words: int = 200,
    max_words: int = 250,
    max_sentences_per_subtopic: int = 3,
    redundancy_threshold: float = 0.7,
    dangling_openers: Sequence[str] = (),
) -> Brief:
    openers = {o.lower() for o in dangling_openers}
    queues = [[s for s in st.sentences if not leans_on_context(s.text, openers)] for st in subtopics]
    chosen: list[list[SupportedSentence]] = [[] for _ in subtopics]
    chosen_vectors: list[np.ndarray] = []
    words = 0
    for _ in range(max_sentences_per_subtopic):
        for queue, picks in zip(queues, chosen):
            while queue and words < budget_words:
                candidate = queue.pop(0)
                length = len(candidate.text.split())
                if words + length > max_words:
                    continue
                vector = encoder.encode([candidate.text])[0]
                if chosen_vectors and max(float(v @ vector) for v in chosen_vectors) >= redundancy_threshold:
                    continue
                picks.append(candidate)
                chosen_vectors.append(vector)
                words += length
                break
    sections = tuple(
        BriefSection(
            label=subtopic.label,
            sentences=tuple(
BriefSentence(text=s.text, sources=s.sources) for s in picks
            ),
        )
        for subtopic, picks in zip(subtopics, chosen)
        if picks
    )
    # Every outlet the brief drew on, cited or not, so a reader can tell "2 of 5".
    outlets = tuple(sorted({o for subtopic in subtopics for o in subtopic.outlets}))
    return Brief(event_id=event_id, title=title, date=date, sections=sections, outlets=outlets)
