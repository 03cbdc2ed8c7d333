"""The faithfulness guard: a generated sentence reaches the brief only if its sources back it.

Every number, date and name the sentence states must appear in the source sentences of its
subtopic, and the sentence must be close in meaning to at least one of them. Names are found
with a capitalisation heuristic (no NER model ships offline): a capitalised word counts as a
name unless it opens the sentence and is a common word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from summarize.embed import SentenceEncoder
from summarize.types import Sentence, SupportedSentence

NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
WORD = re.compile(r"[^\W\d_][\w’'-]*")


def stated_numbers(text: str) -> set[str]:
    digits = {n.replace(",", "") for n in NUMBER.findall(text)}
    spelled = {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS}
    return digits | spelled


MONTHS = "january february march april may june july august september october november december".split()
DATE = re.compile(r"\b(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?\s+(\d{1,2})\b", re.IGNORECASE)


def stated_dates(text: str) -> set[str]:
    """Month-and-day dates, normalised ("Jan. 6" and "January 6" are both "january 6")."""
    return {f"{MONTHS[[m[:3] for m in MONTHS].index(month.lower())]} {int(day)}" for month, day in DATE.findall(text)}


def stated_names(text: str) -> set[str]:
    names = set()
    for position, match in enumerate(WORD.finditer(text)):
        word = re.sub(r"['’]s$", "", match.group())
        if not word[0].isupper():
            continue
        if position == 0 and word.lower() in ENGLISH_STOP_WORDS:
            continue
        names.add(word)
    return names


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    reason: str | None
    backing: tuple[Sentence, ...]


class FaithfulnessGuard:
    def __init__(
        self,
        encoder: SentenceEncoder,
        *,
        min_similarity: float = 0.6,
        cite_similarity: float = 0.7,
        meta_patterns: Sequence[str] = (),
    ):
        self.encoder = encoder
        self.meta = [re.compile(p, re.IGNORECASE) for p in meta_patterns]
        self.min_similarity = min_similarity
        self.cite_similarity = cite_similarity

    def check(self, sentence: str, sources: Sequence[SupportedSentence]) -> Verdict:
        if any(p.search(sentence) for p in self.meta):
            return Verdict(False, "about the text, not the news", ())
        source_text = " ".join(s.text for s in sources)
        missing_dates = stated_dates(sentence) - stated_dates(source_text)
        if missing_dates:
            return Verdict(False, f"date not in sources: {', '.join(sorted(missing_dates))}", ())
        missing_numbers = stated_numbers(sentence) - stated_numbers(source_text)
        if missing_numbers:
            return Verdict(False, f"number not in sources: {', '.join(sorted(missing_numbers))}", ())
        lowered = source_text.lower()
        # A whole word of the sources: "Kim" is not backed by "kimchi", nor "Xi" by "taxi".
        missing_names = sorted(
            n for n in stated_names(sentence) if not re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", lowered)
        )
        if missing_names:
            return Verdict(False, f"name not in sources: {', '.join(missing_names)}", ())
        similarity = self.encoder.encode([s.text for s in sources]) @ self.encoder.encode([sentence])[0]
        best = float(similarity.max()) if len(sources) else 0.0
        if best < self.min_similarity:
            return Verdict(False, f"not close to any source sentence (best similarity {best:.2f})", ())
        # Cited: the closest source sentence, and any other that is about as close.
        order = np.argsort(-similarity, kind="stable")
        cited = [i for i in order if i == order[0] or similarity[i] >= self.cite_similarity]
        return Verdict(True, None, tuple(src for i in cited for src in sources[i].sources))
