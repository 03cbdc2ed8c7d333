"""When two sentences state the same fact: the rule the align stage applies within one night, and
the changes stage between two nights (a sentence of tonight's articles and a fact of the previous
brief). Its features and weights are fitted on labelled pairs (bench/facts.py); summarize/settings.py
AlignSettings says where each value comes from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from summarize.nlp.facts import NUMBER_WORDS, stated_dates
from summarize.nlp.stems import stem
from summarize.nlp.values import StatedValue

WORD = re.compile(r"[A-Za-z][\w'’-]*")
WEEKDAY = re.compile(r"\b(?:on|this|last)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


@dataclass(frozen=True, slots=True)
class Anchors:
    """What a sentence says: the stems of its content words (names included, split at hyphens, so
    "Jae-myung" meets "Jae Myung"), its pairs of adjacent word stems, whether it states a
    negation, whether it states a date, and the numbers and names it gives."""

    stems: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    negated: bool
    dated: bool = False
    classes: frozenset[str] = frozenset()  # the configured synonym classes it counts ("agreement")
    numbers: frozenset[str] = frozenset()  # "3,000" and "three" are both "3000" and "3"
    names: frozenset[str] = frozenset()  # stems of capitalised words past the first


def sentence_anchors(
    text: str, negations: frozenset[str], values: Sequence[StatedValue] = (), classes: frozenset[str] = frozenset()
) -> Anchors:
    """`values` (parsed) are needed only for the configured classes a sentence counts: dates are
    read from the text, which costs no parse."""
    stems, sequence, negated, names = set(), [], False, set()
    for position, word in enumerate(WORD.findall(text)):
        if position and word[:1].isupper() and len(word) >= 3:
            names.add(stem(word.lower()))
        lower = re.sub(r"['’]s$", "", word.lower())
        if lower in negations or lower.endswith("n't"):
            negated = True
        for part in lower.split("-"):
            sequence.append(stem(part))
            if part not in ENGLISH_STOP_WORDS and len(part) >= 3:
                stems.add(sequence[-1])
    dated = bool(stated_dates(text) or WEEKDAY.search(text))
    counted_classes = frozenset(v.key for v in values if v.kind == "count" and v.key in classes)
    return Anchors(
        frozenset(stems), frozenset(zip(sequence, sequence[1:])), negated, dated, counted_classes,
        stated_numbers(text), frozenset(names),
    )


NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Two to twelve: "one" is more often a pronoun, and the rule's weights were fitted on this range
# (summarize.nlp.facts.stated_numbers, which the guard uses, reads zero to twenty).
SPELLED = {w: str(n) for w, n in NUMBER_WORDS.items() if 2 <= n <= 12}


def stated_numbers(text: str) -> frozenset[str]:
    """The numbers a sentence gives, in digits, "two" to "twelve" spelled out included."""
    plain = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())
    words = {SPELLED[w] for w in re.findall(r"[a-z]+", plain) if w in SPELLED}
    return frozenset(NUMBER.findall(plain)) | words


def overlap(a: frozenset, b: frozenset) -> float:
    """The share of the smaller set found in the other (0 when either is empty)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def opposed(a: Anchors, b: Anchors, antonyms: Sequence[tuple[str, str]]) -> bool:
    """One states a negation the other does not, or each holds one side of an antonym pair."""
    if a.negated != b.negated:
        return True
    return any((x in a.stems and y in b.stems) or (y in a.stems and x in b.stems) for x, y in antonyms)


class EventVocabulary:
    """How telling a shared word is within this event: inverse sentence frequency. Every sentence
    of a story about Lee's visit names Lee and China; few say "pledged" or "memorandums"."""

    def __init__(self, anchors: Sequence[Anchors]):
        frequency: dict[str, int] = {}
        for a in anchors:
            for term in a.stems:
                frequency[term] = frequency.get(term, 0) + 1
        total = len(anchors) + 1
        self.weight = {term: float(np.log(total / count)) + 0.1 for term, count in frequency.items()}
        self.squared = {term: weight**2 for term, weight in self.weight.items()}

    def cosine(self, a: frozenset[str], b: frozenset[str]) -> float:
        """Cosine of the two sets of stems, each weighted by how rare it is in the event (TF-IDF)."""
        if not a or not b:
            return 0.0
        squared = self.squared
        numerator = sum(squared.get(t, 0.0) for t in a & b)
        return numerator / float(np.sqrt(sum(squared.get(t, 0.0) for t in a) * sum(squared.get(t, 0.0) for t in b)))


def pair_features(cosine: float, a: Anchors, b: Anchors, vocabulary: EventVocabulary) -> np.ndarray:
    """What the same-fact rule weighs: closeness in meaning (MiniLM cosine), the words the two
    share weighted by how rare they are in the event, the share of the shorter one's word pairs
    the other repeats (who did what, in the same words), whether both date what they report,
    whether they give a number in common, and the share of names they have in common. Outlets
    word a fact their own way but keep its figures and names."""
    shared_bigrams = len(a.bigrams & b.bigrams) / max(1, min(len(a.bigrams), len(b.bigrams)))
    return np.array([
        cosine, vocabulary.cosine(a.stems, b.stems), shared_bigrams, float(a.dated and b.dated),
        float(bool(a.numbers & b.numbers)), overlap(a.names, b.names),
    ])


FEATURES = ("cosine", "word_cosine", "shared_bigrams", "both_dated", "shared_number", "shared_names")


@dataclass(frozen=True, slots=True)
class FactRule:
    """When sentences state the same fact (summarize/settings.py AlignSettings says where each value comes from)."""

    weights: tuple[float, ...]  # one per FEATURES, then the intercept: a logistic score
    min_score: float  # a pair from two articles is one fact at or above this score
    group_min_score: float  # every two sentences of one fact score at least this
    near_identical_cosine: float
    antonyms: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, weights: Sequence[float], min_score: float, group_min_score: float, near_identical_cosine: float,
           antonyms: Sequence[Sequence[str]]) -> FactRule:
        """The rule from its settings, the antonym pairs as words (stemmed here, as anchors hold stems)."""
        return cls(tuple(weights), min_score, group_min_score, near_identical_cosine, tuple((stem(a), stem(b)) for a, b in antonyms))

    def score(self, features: np.ndarray) -> float:
        return float(1 / (1 + np.exp(-(features @ np.array(self.weights[:-1]) + self.weights[-1]))))

    def same_fact(self, score: float, near_copy: bool, cross_article: bool, opposite: bool, same_class: bool = False) -> bool:
        """`same_class`: both count one configured class of things ("15 agreements", "14 memorandums"):
        within one event, the agreements signed or the people killed are one fact, whatever each says."""
        if opposite:
            return False
        return near_copy or (cross_article and (same_class or score >= self.min_score))
