"""Stage: the faithfulness guard. A generated sentence reaches the brief only if its sources back it.

Every number, date and name the sentence states must appear in the source sentences of the
fact it was written from, every quotation must stand in them word for word, and the sentence must be close in meaning to at least one of them. Names are found
with a capitalisation heuristic (no NER model ships offline): a capitalised word counts as a
name unless it opens the sentence and is a common word.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from summarize.nlp.facts import stated_dates, stated_numbers
from summarize.nlp.sentence_splitter import SENTENCE_END, punkt_tokenizer
from summarize.types import Encoder, EventWork, GuardedSentence, Models, Sentence, Fact

WORD = re.compile(r"[^\W\d_][\w’'-]*")
# Words between quotation marks claim to be someone's own: “...”, "...", and '...' of two words or more
# (a lone 'word' is as often an apostrophe as a quote).
QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]|(?<!\w)'([^']+\s[^']+)'(?!\w)")


def quotations(text: str) -> list[str]:
    return [q for match in QUOTED.finditer(text) for q in match.groups() if q and q.strip()]


def normalise_quote(text: str) -> str:
    """Case, curly quotes and spacing aside, a quotation must stand word for word in a source."""
    return " ".join(re.findall(r"\w+", text.lower()))


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
        encoder: Encoder,
        *,
        min_similarity: float = 0.6,
        cite_similarity: float = 0.7,
        meta_patterns: Sequence[str] = (),
        answer_framing: Sequence[str] = (),
    ):
        self.encoder = encoder
        self.meta = [re.compile(p, re.IGNORECASE) for p in meta_patterns]
        self.framing = [re.compile(p, re.IGNORECASE) for p in answer_framing]
        self.min_similarity = min_similarity
        self.cite_similarity = cite_similarity

    def check(self, sentence: str, sources: Sequence[Fact]) -> Verdict:
        if any(p.search(sentence) for p in self.meta):
            return Verdict(False, "about the text, not the news", ())
        source_text = " ".join(s.text for s in sources)
        changed = [q for q in quotations(sentence) if normalise_quote(q) not in normalise_quote(source_text)]
        if changed:
            return Verdict(False, f"quotation not in sources: {changed[0]!r}", ())
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

    def unframed(self, text: str) -> str:
        """The answer without the frame a chat model puts round it: "The report is: \"X.\"" is "X."."""
        for pattern in self.framing:
            stripped = pattern.sub("", text, count=1)
            if stripped != text:
                stripped = stripped.strip()
                inner = stripped[1:-1]
                if len(stripped) > 1 and stripped[0] in "\"“" and stripped[-1] in "\"”" and not re.search("[\"“”]", inner):
                    stripped = inner.strip()
                return stripped
        return text.strip()

    def check_generation(self, text: str, sources: Sequence[Fact]) -> tuple[GuardedSentence, ...]:
        """Each sentence of one generated text, unframed, with its verdict; an empty text is one
        empty sentence, rejected, so that its fact still gets a replacement."""
        guarded = []
        for sentence in punkt_tokenizer().tokenize(self.unframed(text)) or [""]:
            if not sentence:
                guarded.append(GuardedSentence(sentence, "empty generation"))
            elif not sentence.endswith(SENTENCE_END):
                guarded.append(GuardedSentence(sentence, "unfinished sentence"))
            else:
                verdict = self.check(sentence, sources)
                guarded.append(GuardedSentence(sentence, verdict.reason, verdict.backing))
        return tuple(guarded)


def run(work: EventWork, params: dict, models: Models) -> tuple[EventWork, dict]:
    """Each fused sentence checked against its own fact's sentences; a kept one is backed by all
    of them and by nothing else, so it cites the fact's outlets, never more."""
    guard = FaithfulnessGuard(models.encoder, **params)
    guarded = []
    for fact, generation in zip(work.fused, work.generations):
        sources = [Fact(s.text, (s,)) for s in fact.sources]
        first = guard.check_generation(generation.text, sources)[0]  # one fact, one sentence
        guarded.append(GuardedSentence(first.text, first.reason, fact.sources if first.ok else ()))
    counts = {"checked": len(guarded), "passed": sum(g.ok for g in guarded)}
    return dataclasses.replace(work, guarded=tuple(guarded)), counts
