"""Stage: group the sentences that state the same fact, in any wording, keeping every outlet that states it.

Candidates are pairs whose character shingles overlap (MinHash LSH: copies, light edits) or whose
MiniLM embeddings are close (paraphrases), each sentence with at most `max_neighbours` of each
kind (its closest), so that an event of thousands of small articles costs time linear in its
sentences. A near-identical pair is one fact; a paraphrase from another article is one fact only
when the two also agree on who and what they name (shared names and content words). Either way,
sentences of opposite polarity ("agreed to extend" / "refused to extend") never are. Values may
differ: "met on January 5" and "met on January 6" are one fact with a disputed date, which the
claims stage finds. Groups grow by complete linkage, so a chain of loosely related sentences
never becomes one fact (two large groups merging have only their `max_neighbours` least close
pairs scored; every pair is checked for polarity).

Articles that are copies of one another (syndicated, or scraped twice) are found here too: their
outlets count as one source.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from summarize.nlp.neighbours import nearest_neighbour_pairs
from summarize.nlp.same_fact import Anchors, EventVocabulary, FactRule, opposed, pair_features, sentence_anchors
from summarize.nlp.values import MAY_STATE_A_NUMBER, StatedValue, sentence_values
from summarize.settings import AlignSettings
from summarize.types import Encoder, EventWork, Fact, Models, Sentence, count_sources

def shingles(text: str, size: int) -> set[str]:
    normalised = " ".join(re.findall(r"\w+", text.lower()))
    return {normalised[i : i + size] for i in range(max(1, len(normalised) - size + 1))}


class DisjointSets:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def lexical_pairs(texts: Sequence[str], settings: AlignSettings) -> set[tuple[int, int]]:
    """Pairs (i < j) whose shingle Jaccard reaches `jaccard_threshold`: LSH candidates, verified
    exactly. Each sentence keeps its `max_neighbours` closest earlier matches (the earliest on
    ties): a line repeated by hundreds of small articles would otherwise pair every copy with
    every other, while a chain to a few of them already makes all of them one fact."""
    threshold, keep = settings.jaccard_threshold, settings.max_neighbours
    sets = [shingles(t, settings.shingle_size) for t in texts]
    lsh = MinHashLSH(threshold=threshold, num_perm=settings.num_perm)
    pairs = set()
    for i, shingle_set in enumerate(sets):
        signature = MinHash(num_perm=settings.num_perm, seed=settings.seed)
        signature.update_batch([s.encode() for s in shingle_set])
        matches = []  # (-Jaccard, j) of the earlier sentences it matches
        for j in lsh.query(signature):
            jaccard = len(sets[j] & shingle_set) / len(sets[j] | shingle_set)
            if jaccard >= threshold:
                matches.append((-jaccard, j))
        pairs.update((j, i) for _, j in heapq.nsmallest(keep, matches))
        lsh.insert(i, signature)
    return pairs




def group_facts(pairs: Sequence[tuple[float, int, int]], size: int, compatible) -> list[list[int]]:
    """Groups of sentence indices, merged best pair first; two groups merge only when every
    member of one is compatible with every member of the other (complete linkage):
    `compatible(xs, ys)` says so for two lists of members."""
    group_of = list(range(size))
    members: dict[int, list[int]] = {i: [i] for i in range(size)}
    # Groups known not to merge. A group only grows, so once two cannot merge they never can;
    # many accepted pairs join the same two large groups, and each would compare them again.
    apart: dict[int, set[int]] = {}
    for _, i, j in sorted(pairs, reverse=True):
        gi, gj = group_of[i], group_of[j]
        if gi == gj or gj in apart.get(gi, ()):
            continue
        if not compatible(members[gi], members[gj]):
            apart.setdefault(gi, set()).add(gj)
            apart.setdefault(gj, set()).add(gi)
            continue
        for x in members[gj]:
            group_of[x] = gi
        members[gi] += members.pop(gj)
        for other in apart.pop(gj, ()):  # what could not merge with gj cannot merge with gi now
            apart[other].discard(gj)
            apart[other].add(gi)
            apart.setdefault(gi, set()).add(other)
    return [sorted(m) for m in members.values()]


def copied_articles(
    sentences: Sequence[Sentence], near_copies: set[tuple[int, int]], min_share: float
) -> tuple[tuple[str, ...], ...]:
    """Outlets whose articles are copies of one another: at least `min_share` of the shorter
    article's sentences, and two at least, have a near-identical sentence in the other."""
    per_article: dict[str, list[int]] = {}
    for index, sentence in enumerate(sentences):
        per_article.setdefault(sentence.article_id, []).append(index)
    matched: dict[tuple[str, str], set[int]] = {}
    for i, j in near_copies:
        a, b = sentences[i].article_id, sentences[j].article_id
        if a != b:
            matched.setdefault((a, b), set()).add(i)
            matched.setdefault((b, a), set()).add(j)
    groups = DisjointSets(len(sentences))
    first = {article: indices[0] for article, indices in per_article.items()}
    for (a, b), hits in matched.items():
        shorter = min(len(per_article[a]), len(per_article[b]))
        # Two sentences at least: one shared sentence (a quote, a wire line) makes no copy.
        if len(hits) >= max(2, min_share * shorter) and len(per_article[a]) <= len(per_article[b]):
            groups.union(first[a], first[b])
    outlets: dict[int, set[str]] = {}
    for article, index in first.items():
        outlets.setdefault(groups.find(index), set()).add(sentences[index].outlet)
    return tuple(sorted(tuple(sorted(o)) for o in outlets.values() if len(o) > 1))


def wording_first(indices: list[int], sentences: Sequence[Sentence], vectors: np.ndarray) -> tuple[Sentence, ...]:
    """The group's sentences, the one whose wording the brief shows first: the member closest to
    all the others (it states what they share); on ties the longer, which is the more complete."""
    centrality = (vectors[indices] @ vectors[indices].T).sum(1)
    best = max(range(len(indices)), key=lambda k: (round(float(centrality[k]), 6), len(sentences[indices[k]].text)))
    order = [indices[best]] + [i for i in indices if i != indices[best]]
    return tuple(sentences[i] for i in order)


def candidate_pairs(texts: Sequence[str], vectors: np.ndarray, settings: AlignSettings) -> tuple[set, set]:
    """Pairs worth judging, all of them and the lexical ones among them (copies, light edits); the
    others are semantic (paraphrases): each sentence with its `max_neighbours` nearest in meaning
    at `candidate_cosine` or closer. At most 2 x max_neighbours x sentences pairs, where every
    pair above the cosine grows with the square of the sentences."""
    semantic = nearest_neighbour_pairs(vectors, settings.max_neighbours, settings.candidate_cosine)
    lexical = lexical_pairs(texts, settings)
    return lexical | semantic, lexical


@dataclass
class PairJudge:
    """The same-fact rule applied to two sentences of one event, by index."""

    rule: FactRule
    vectors: np.ndarray
    anchors: list[Anchors]
    vocabulary: EventVocabulary

    def __post_init__(self) -> None:
        # What `opposed` and `same_class` read, in a form that compares whole groups at once: bit
        # k of a sentence's sides says it holds the first (second) word of antonym pair k.
        antonyms = self.rule.antonyms
        self.sides = [
            (sum(1 << k for k, (x, _) in enumerate(antonyms) if x in a.stems), sum(1 << k for k, (_, y) in enumerate(antonyms) if y in a.stems))
            for a in self.anchors
        ]
        classes = sorted({c for a in self.anchors for c in a.classes})
        self.classes = np.array([[c in a.classes for c in classes] for a in self.anchors], dtype=np.float32).reshape(len(self.anchors), len(classes))

    def cosine(self, i: int, j: int) -> float:
        return float(self.vectors[i] @ self.vectors[j])

    def score(self, i: int, j: int) -> float:
        return self.rule.score(pair_features(self.cosine(i, j), self.anchors[i], self.anchors[j], self.vocabulary))

    def same_class(self, i: int, j: int) -> bool:
        return bool(self.anchors[i].classes & self.anchors[j].classes)

    def opposed(self, i: int, j: int) -> bool:
        return opposed(self.anchors[i], self.anchors[j], self.rule.antonyms)

    def compatible(self, i: int, j: int) -> bool:
        """Whether two sentences may share a fact group (every member with every other)."""
        close = self.cosine(i, j) >= self.rule.near_identical_cosine or self.same_class(i, j)
        return not self.opposed(i, j) and (close or self.score(i, j) >= self.rule.group_min_score)

    def any_opposed(self, xs: Sequence[int], ys: Sequence[int]) -> bool:
        """Whether some sentence of xs and some of ys are `opposed`, from what each group holds as
        a whole: both polarities among them, or one side of an antonym pair in one group and the
        other side in the other."""
        if len({self.anchors[i].negated for i in (*xs, *ys)}) > 1:
            return True
        first_x, second_x = (functools.reduce(operator.or_, sides, 0) for sides in zip(*(self.sides[i] for i in xs)))
        first_y, second_y = (functools.reduce(operator.or_, sides, 0) for sides in zip(*(self.sides[i] for i in ys)))
        return bool(first_x & second_y or second_x & first_y)

    def all_compatible(self, xs: Sequence[int], ys: Sequence[int], max_scored: int) -> bool:
        """Whether the sentences of xs may join those of ys: no two opposed, and every pair close
        (near-identical, or counting one class) or scoring at least group_min_score, the score
        (the costly part) taken for at most `max_scored` pairs, the least close first. A fact
        repeated by a thousand small articles is a group of a thousand sentences, and every
        pair of them would be scored; the least close pairs are the ones that fail. Oppositions
        are found from each group as a whole, closeness and classes as arrays."""
        if self.any_opposed(xs, ys):
            return False
        cosine = self.vectors[xs] @ self.vectors[ys].T
        close = (cosine >= self.rule.near_identical_cosine) | (self.classes[xs] @ self.classes[ys].T > 0)
        rows, cols = np.nonzero(~close)
        others = cosine[rows, cols]
        least = np.argpartition(others, max_scored - 1)[:max_scored] if len(others) > max_scored else np.arange(len(others))
        for k in least[np.argsort(others[least], kind="stable")]:
            if self.score(xs[rows[k]], ys[cols[k]]) < self.rule.group_min_score:
                return False
        return True


@dataclass
class JudgedPairs:
    accepted: list[tuple[float, int, int]]  # (strength, i, j): the pairs stating one fact
    near_copies: set[tuple[int, int]]  # accepted pairs that are copies or light edits
    opposed: int  # pairs held apart as stating opposite things


def judge_pairs(pairs: set, lexical: set, judge: PairJudge, sentences: Sequence[Sentence]) -> JudgedPairs:
    judged = JudgedPairs([], set(), 0)
    for i, j in pairs:
        near_copy = (i, j) in lexical or judge.cosine(i, j) >= judge.rule.near_identical_cosine
        opposite, score, same_class = judge.opposed(i, j), judge.score(i, j), judge.same_class(i, j)
        if judge.rule.same_fact(score, near_copy, sentences[i].article_id != sentences[j].article_id, opposite, same_class):
            judged.accepted.append((1.0 if near_copy or same_class else score, i, j))
            if near_copy:
                judged.near_copies.add((i, j))
        elif opposite and (near_copy or score >= judge.rule.min_score):
            judged.opposed += 1
    return judged


class FactAligner:
    """Groups an event's sentences into facts, built once from the align settings."""

    def __init__(self, settings: AlignSettings):
        self.settings = settings
        self.negations = frozenset(settings.negations)
        self.classes = frozenset(settings.synonyms)
        self.rule = FactRule.of(settings.weights, settings.min_score, settings.group_min_score, settings.near_identical_cosine, settings.antonyms)

    def __call__(
        self, sentences: Sequence[Sentence], encoder: Encoder, values: Mapping[str, Sequence[StatedValue]]
    ) -> tuple[list[Fact], tuple[tuple[str, ...], ...], dict]:
        """One `Fact` per group of sentences stating the same thing, in order of first appearance;
        the groups of outlets whose articles are copies; and counts. `values` are the sentences'
        stated values by id (those counting a configured class of things)."""
        texts = [s.text for s in sentences]
        vectors = encoder.encode(texts)
        anchors = [sentence_anchors(s.text, self.negations, values.get(s.id, ()), self.classes) for s in sentences]
        judge = PairJudge(self.rule, vectors, anchors, EventVocabulary(anchors))
        pairs, lexical = candidate_pairs(texts, vectors, self.settings)
        judged = judge_pairs(pairs, lexical, judge, sentences)
        groups = group_facts(judged.accepted, len(sentences), functools.partial(judge.all_compatible, max_scored=self.settings.max_neighbours))
        facts = [Fact(ordered[0].text, ordered) for ordered in (wording_first(g, sentences, vectors) for g in sorted(groups))]
        copies = copied_articles(sentences, judged.near_copies, self.settings.copy_share)
        counts = {
            "sentences_in": len(sentences),
            "facts": len(facts),
            "candidate_pairs": len(pairs),
            "same_fact_pairs": len(judged.accepted),
            "pairs_held_apart_as_opposed": judged.opposed,
            "copies": [list(group) for group in copies],
        }
        return facts, copies, counts


class AlignStage:
    """Groups the sentences that state the same fact, in any wording, keeping every outlet that
    states it; finds the articles that are copies of one another."""

    reads = ("cleaned", "sentences")
    writes = ("values", "facts", "copies")

    def __init__(self, settings: AlignSettings, models: Models):
        self.aligner = FactAligner(settings)
        self.synonyms = settings.synonyms
        self.models = models
        # Parsing is the costly part: only sentences with a number and a word of a configured class
        # are parsed here, for the classes they count; the claims stage parses the rest it needs.
        words = [re.escape(w) for class_words in settings.synonyms.values() for w in class_words]
        self.class_word = re.compile(r"\b(?:" + "|".join(words) + r")", re.IGNORECASE)

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        counting = [s for s in work.sentences if MAY_STATE_A_NUMBER.search(s.text) and self.class_word.search(s.text)]
        dates = {a.id: a.date for a in work.cleaned}
        values = sentence_values(counting, self.models.parser, dates, synonyms=self.synonyms)
        facts, copies, counts = self.aligner(work.sentences, self.models.encoder, values)
        counts["sentences_parsed"] = len(values)
        # Facts that two or more sources report.
        counts["facts_2plus_outlets"] = sum(count_sources(f.outlets, copies) >= 2 for f in facts)
        return dataclasses.replace(work, values=values, facts=tuple(facts), copies=copies), counts
