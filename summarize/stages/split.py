"""Stage: split the cleaned paragraphs into sentences with NLTK's Punkt, offline."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from summarize.errors import InputError
from summarize.nlp.sentence_splitter import punkt_tokenizer
from summarize.settings import SplitSettings
from summarize.types import Article, EventWork, Models, Sentence


# Punkt ends a sentence at "No." before a number ("debuted at No. 1 on the chart").
NUMBER_SIGN_BREAK = re.compile(r"\bNos?\.$")


def mend_number_signs(pieces: Sequence[str]) -> list[str]:
    """`pieces` with each one that ends in "No." joined to a next one opening with a digit."""
    mended: list[str] = []
    for piece in pieces:
        if mended and piece[:1].isdigit() and NUMBER_SIGN_BREAK.search(mended[-1]):
            mended[-1] = f"{mended[-1]} {piece}"
        else:
            mended.append(piece)
    return mended


def split_sentences(articles: Sequence[Article], settings: SplitSettings) -> tuple[list[Sentence], dict[str, int]]:
    """Sentences of every article in order, and counts of those dropped by length or pattern."""
    tokenizer = punkt_tokenizer(settings.model, tuple(sorted(a.lower().rstrip(".") for a in settings.abbreviations)))
    drop = [re.compile(p, re.IGNORECASE) for p in settings.drop_patterns]
    sentences: list[Sentence] = []
    counts = {"sentences": 0, "dropped_by_length": 0, "dropped_by_pattern": 0}
    for article in articles:
        position = 0
        for paragraph in article.paragraphs:
            for text in mend_number_signs(tokenizer.tokenize(paragraph)):
                if not settings.min_words <= len(text.split()) <= settings.max_words:
                    counts["dropped_by_length"] += 1
                elif any(p.search(text) for p in drop):
                    counts["dropped_by_pattern"] += 1
                else:
                    sentences.append(Sentence(f"{article.id}:{position}", article.id, article.outlet, text, position))
                    position += 1
    counts["sentences"] = len(sentences)
    return sentences, counts


class SplitStage:
    """The cleaned paragraphs as sentences, by NLTK's Punkt, offline."""

    reads = ("event", "cleaned")
    writes = ("sentences",)

    def __init__(self, settings: SplitSettings, models: Models):
        self.settings = settings

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        sentences, counts = split_sentences(work.cleaned, self.settings)
        if not sentences:
            raise InputError(f"no sentences of {self.settings.min_words}+ words left in {work.event.id}")
        return dataclasses.replace(work, sentences=tuple(sentences)), counts
