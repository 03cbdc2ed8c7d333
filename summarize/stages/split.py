"""Stage: split the cleaned paragraphs into sentences with NLTK's Punkt, offline."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from summarize.errors import InputError
from summarize.nlp.sentence_splitter import punkt_tokenizer
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


def split_sentences(
    articles: Sequence[Article],
    *,
    model: str = "english",
    abbreviations: Sequence[str] = (),
    min_words: int = 5,
    max_words: int = 80,
    drop_patterns: Sequence[str] = (),
) -> tuple[list[Sentence], dict[str, int]]:
    """Sentences of every article in order, and counts of those dropped by length or pattern."""
    tokenizer = punkt_tokenizer(model, tuple(sorted(a.lower().rstrip(".") for a in abbreviations)))
    drop = [re.compile(p, re.IGNORECASE) for p in drop_patterns]
    sentences: list[Sentence] = []
    counts = {"sentences": 0, "dropped_by_length": 0, "dropped_by_pattern": 0}
    for article in articles:
        position = 0
        for paragraph in article.paragraphs:
            for text in mend_number_signs(tokenizer.tokenize(paragraph)):
                if not min_words <= len(text.split()) <= max_words:
                    counts["dropped_by_length"] += 1
                    continue
                if any(p.search(text) for p in drop):
                    counts["dropped_by_pattern"] += 1
                    continue
                sentences.append(
                    Sentence(
                        id=f"{article.id}:{position}",
                        article_id=article.id,
                        outlet=article.outlet,
                        text=text,
                        position=position,
                    )
                )
                position += 1
    counts["sentences"] = len(sentences)
    return sentences, counts


def run(work: EventWork, params: dict, models: Models) -> tuple[EventWork, dict]:
    sentences, counts = split_sentences(work.cleaned, **params)
    if not sentences:
        raise InputError(f"no sentences of {params['min_words']}+ words left in {work.event.id}")
    return dataclasses.replace(work, sentences=tuple(sentences)), counts
