"""Stage: the faithfulness guard. A generated sentence reaches the brief only if its sources back it.

Every number, date and name the sentence states must appear in the sentences of the fact it was
written from, every quotation must stand in them word for word, and the sentence must be close in
meaning to at least one of them. Names are found by capitalisation, with no parse: a capitalised
word counts as a name unless it opens the sentence and is a common word. A kept sentence cites
exactly its fact's outlets.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from summarize.nlp.facts import stated_dates, stated_numbers
from summarize.nlp.sentence_splitter import SENTENCE_END, punkt_tokenizer
from summarize.settings import GuardSettings
from summarize.types import Encoder, EventWork, GuardedSentence, Models, Sentence

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


class FaithfulnessGuard:
    """Judges generated sentences against the sentences they were written from."""

    def __init__(self, encoder: Encoder, settings: GuardSettings):
        self.encoder = encoder
        self.min_similarity = settings.min_similarity
        self.meta = [re.compile(p, re.IGNORECASE) for p in settings.meta_patterns]
        self.framing = [re.compile(p, re.IGNORECASE) for p in settings.answer_framing]

    def check(self, sentence: str, backing: Sequence[Sentence]) -> str | None:
        """Why `sentence` may not stand for the sentences `backing` it, or None when it may."""
        if any(p.search(sentence) for p in self.meta):
            return "about the text, not the news"
        source_text = " ".join(s.text for s in backing)
        if changed := [q for q in quotations(sentence) if normalise_quote(q) not in normalise_quote(source_text)]:
            return f"quotation not in sources: {changed[0]!r}"
        if missing_dates := stated_dates(sentence) - stated_dates(source_text):
            return f"date not in sources: {', '.join(sorted(missing_dates))}"
        if missing_numbers := stated_numbers(sentence) - stated_numbers(source_text):
            return f"number not in sources: {', '.join(sorted(missing_numbers))}"
        lowered = source_text.lower()
        # A whole word of the sources: "Kim" is not backed by "kimchi", nor "Xi" by "taxi".
        if missing_names := sorted(
            n for n in stated_names(sentence) if not re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", lowered)
        ):
            return f"name not in sources: {', '.join(missing_names)}"
        similarity = self.encoder.encode([s.text for s in backing]) @ self.encoder.encode([sentence])[0]
        best = float(similarity.max()) if len(backing) else 0.0
        if best < self.min_similarity:
            return f"not close to any source sentence (best similarity {best:.2f})"
        return None

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

    def check_generation(self, text: str, backing: Sequence[Sentence]) -> tuple[GuardedSentence, ...]:
        """Each sentence of one generated text, unframed, with its verdict; an empty text is one
        empty sentence, rejected, so that its fact still gets a replacement."""
        guarded = []
        for sentence in punkt_tokenizer().tokenize(self.unframed(text)) or [""]:
            if not sentence:
                guarded.append(GuardedSentence(sentence, "empty generation"))
            elif not sentence.endswith(SENTENCE_END):
                guarded.append(GuardedSentence(sentence, "unfinished sentence"))
            else:
                guarded.append(GuardedSentence(sentence, self.check(sentence, backing)))
        return tuple(guarded)


class GuardStage:
    """Each fused sentence checked against its own fact's sentences; a kept one stands for that
    fact, so it cites the fact's outlets, never more."""

    reads = ("fused", "generations")
    writes = ("guarded",)

    def __init__(self, settings: GuardSettings, models: Models):
        self.guard = FaithfulnessGuard(models.encoder, settings)

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        # One fact, one sentence: the generation's first.
        guarded = [self.guard.check_generation(g.text, fact.sentences)[0] for fact, g in zip(work.fused, work.generations)]
        counts = {"checked": len(guarded), "passed": sum(g.ok for g in guarded)}
        return dataclasses.replace(work, guarded=tuple(guarded)), counts
