"""Porter stems of words, shared by align (the same-fact rule) and coverage (the concepts)."""

from __future__ import annotations

import functools

from nltk.stem import PorterStemmer


@functools.cache
def _stemmer() -> PorterStemmer:
    return PorterStemmer()


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Porter's stem; news repeats its words, and stemming costs more than looking one up."""
    return _stemmer().stem(word.lower())
