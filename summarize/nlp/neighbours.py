"""Nearest neighbours by cosine, a block of rows at a time: what stages use instead of every pair.

Within one story nearly every two sentences are fairly close in meaning, so "every pair above a
cosine" grows with the square of the sentences (6.2 million pairs for 5,000 sentences). Each
sentence's few nearest neighbours are the pairs worth judging; their number grows linearly.
"""

from __future__ import annotations

import numpy as np

# Similarities computed at once (rows x sentences): 16 MiB of float32 whatever the event's size,
# and up to 2,048 rows (every row of a normal event) in one product.
BLOCK_ELEMENTS = 1 << 22
MAX_BLOCK_ROWS = 2048


def block_rows(size: int) -> int:
    """Rows of the similarity matrix per block, so that a block holds about BLOCK_ELEMENTS floats."""
    return max(1, min(MAX_BLOCK_ROWS, BLOCK_ELEMENTS // max(size, 1)))


def nearest_neighbour_pairs(vectors: np.ndarray, k: int, min_cosine: float) -> set[tuple[int, int]]:
    """Pairs (i < j) where one of the two is among the other's `k` nearest (by cosine of the
    unit vectors, itself excluded) and their cosine is at least `min_cosine`: at most k pairs
    per sentence. Ties at the k-th place are broken by numpy's partition, the same way on every
    run of the same vectors."""
    size = len(vectors)
    pairs: set[tuple[int, int]] = set()
    if size < 2 or k < 1:
        return pairs
    keep = min(k, size - 1)
    step = block_rows(size)
    for start in range(0, size, step):
        similarity = vectors[start : start + step] @ vectors.T
        rows = np.arange(len(similarity))
        similarity[rows, start + rows] = -np.inf  # a sentence is not its own neighbour
        nearest = np.argpartition(-similarity, keep - 1, axis=1)[:, :keep]
        close = np.take_along_axis(similarity, nearest, axis=1) >= min_cosine
        for row, col in zip(*np.nonzero(close)):
            i, j = start + int(row), int(nearest[row, col])
            pairs.add((min(i, j), max(i, j)))
    return pairs
