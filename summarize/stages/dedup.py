"""Stage: merge near-identical sentences within and across outlets, keeping every outlet that said each.

Two sentences are near-identical when MinHash LSH finds their character shingles overlapping
(copies, light edits) or when their embeddings are very close (paraphrases of one wire
sentence), and, either way, they state the same numbers. The number rule keeps sentences that
disagree ("met on January 5" / "met on January 6") apart, so the disagreement stays visible.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from summarize.nlp.facts import digit_numbers
from summarize.types import Encoder, EventWork, Models, Sentence, SupportedSentence

# Rows of the similarity matrix computed at once; bounds memory to CHUNK x n floats.
CHUNK = 2048


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


def lexical_pairs(
    texts: Sequence[str], *, shingle_size: int, num_perm: int, threshold: float, seed: int
) -> list[tuple[int, int]]:
    """Pairs whose shingle Jaccard reaches `threshold`: LSH candidates, verified exactly."""
    sets = [shingles(t, shingle_size) for t in texts]
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    pairs = []
    for i, shingle_set in enumerate(sets):
        signature = MinHash(num_perm=num_perm, seed=seed)
        signature.update_batch([s.encode() for s in shingle_set])
        for j in lsh.query(signature):
            if len(sets[j] & shingle_set) / len(sets[j] | shingle_set) >= threshold:
                pairs.append((j, i))
        lsh.insert(i, signature)
    return pairs


def semantic_pairs(vectors: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    """Every pair at or above `threshold` cosine, by comparing all pairs: quadratic."""
    pairs = set()
    for start in range(0, len(vectors), CHUNK):
        similarity = vectors[start : start + CHUNK] @ vectors.T
        for row, col in zip(*np.nonzero(similarity >= threshold)):
            i = start + int(row)
            if i < col:
                pairs.add((i, int(col)))
    return pairs


def semantic_pairs_lsh(
    vectors: np.ndarray, threshold: float, *, bands: int, bits_per_band: int, seed: int
) -> set[tuple[int, int]]:
    """Pairs at or above `threshold` among those sharing a band of random-hyperplane signs
    (SimHash): near-linear, at a small loss of recall (32 bands of 12 bits find a pair at
    cosine 0.85 with probability 0.96, and pairs closer than that more surely)."""
    planes = np.random.default_rng(seed).normal(size=(vectors.shape[1], bands * bits_per_band)).astype(np.float32)
    signs = (vectors @ planes > 0).reshape(len(vectors), bands, bits_per_band)
    weights = 1 << np.arange(bits_per_band, dtype=np.int64)
    keys = (signs * weights).sum(axis=2)  # one integer per sentence and band
    pairs = set()
    for band in range(bands):
        order = np.argsort(keys[:, band], kind="stable")
        boundaries = np.flatnonzero(np.diff(keys[order, band])) + 1
        for bucket in np.split(order, boundaries):
            if len(bucket) < 2:
                continue
            similarity = vectors[bucket] @ vectors[bucket].T
            for row, col in zip(*np.nonzero(np.triu(similarity >= threshold, k=1))):
                i, j = int(bucket[row]), int(bucket[col])
                pairs.add((min(i, j), max(i, j)))
    return pairs


def dedup_sentences(
    sentences: Sequence[Sentence],
    encoder: Encoder,
    *,
    shingle_size: int = 5,
    num_perm: int = 128,
    jaccard_threshold: float = 0.5,
    cosine_threshold: float = 0.85,
    exact_max_sentences: int = 4096,
    lsh_bands: int = 32,
    lsh_bits_per_band: int = 12,
    seed: int = 1,
) -> tuple[list[SupportedSentence], dict[str, int]]:
    """One `SupportedSentence` per group of near-identical sentences, in order of first appearance."""
    texts = [s.text for s in sentences]
    vectors = encoder.encode(texts)
    figures = [digit_numbers(t) for t in texts]
    lexical = lexical_pairs(
        texts, shingle_size=shingle_size, num_perm=num_perm, threshold=jaccard_threshold, seed=seed
    )
    if len(sentences) <= exact_max_sentences:
        semantic = semantic_pairs(vectors, cosine_threshold)
    else:
        semantic = semantic_pairs_lsh(
            vectors, cosine_threshold, bands=lsh_bands, bits_per_band=lsh_bits_per_band, seed=seed
        )
    groups = DisjointSets(len(sentences))
    held_apart = 0
    for i, j in {*lexical, *semantic}:
        if figures[i] == figures[j]:
            groups.union(i, j)
        else:
            held_apart += 1

    members: dict[int, list[int]] = {}
    for i in range(len(sentences)):
        members.setdefault(groups.find(i), []).append(i)
    merged = []
    for indices in members.values():
        # The member closest to the others says what they share; on ties the shorter, which claims least.
        centrality = (vectors[indices] @ vectors[indices].T).sum(1)
        best = max(range(len(indices)), key=lambda k: (round(float(centrality[k]), 6), -len(texts[indices[k]])))
        merged.append(
            SupportedSentence(text=texts[indices[best]], sources=tuple(sentences[i] for i in indices))
        )
    counts = {
        "sentences_in": len(sentences),
        "sentences_out": len(merged),
        "lexical_pairs": len(lexical),
        "semantic_pairs": len(semantic),
        "pairs_held_apart_by_numbers": held_apart,
    }
    return merged, counts


def run(work: EventWork, params: dict, models: Models) -> tuple[EventWork, dict]:
    unique, counts = dedup_sentences(work.sentences, models.encoder, **params)
    counts["multi_outlet"] = sum(s.support >= 2 for s in unique)
    return dataclasses.replace(work, unique=tuple(unique)), counts
