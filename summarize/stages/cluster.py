"""Stage: group the facts into subtopics, head each with a short phrase, and rank them.

Ward clustering with the number of subtopics chosen by silhouette: on one event every
sentence is fairly close to every other, and threshold-based average linkage then chains
nearly everything into one cluster. Within a subtopic, facts rank by how many outlets report
them, then centrality; the subtopic holding the best-reported fact leads, then importance (the
sum over its facts of support times centrality) orders the rest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans
from sklearn.metrics import silhouette_score

from summarize.nlp.headings import subtopic_headings
from summarize.types import Encoder, EventWork, Fact, Models, Subtopic, independent_sources


def cluster_labels(
    vectors: np.ndarray,
    min_subtopics: int,
    max_subtopics: int,
    min_size: int,
    ward_max_sentences: int = 2000,
    silhouette_sample: int = 2000,
    seed: int = 0,
) -> np.ndarray:
    """Clusters for each count in range, keeping the one with the best cosine silhouette.

    Ward up to `ward_max_sentences` (its memory and time grow with the square of the count),
    mini-batch k-means above; the silhouette is taken on a fixed-size sample, so a large set
    costs linear time.
    """
    # Fewer than `min_size` sentences per subtopic on average is fragmenting, not clustering.
    # The silhouette needs fewer clusters than points.
    top = min(max_subtopics, len(vectors) // min_size, len(vectors) - 1)
    if top < 2:
        return np.zeros(len(vectors), dtype=int)
    best_score, best = -2.0, np.zeros(len(vectors), dtype=int)
    sample = min(len(vectors), silhouette_sample)
    for k in range(min(min_subtopics, top), top + 1):
        if len(vectors) <= ward_max_sentences:
            assignment = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)
        else:
            assignment = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=4096).fit_predict(vectors)
        score = silhouette_score(vectors, assignment, metric="cosine", sample_size=sample, random_state=seed)
        if score > best_score:
            best_score, best = score, assignment
    return best


def lead_weight(sentence: Fact, decay: float | None) -> float:
    """News puts its main facts first: a sentence's weight falls with its earliest position,
    halving `decay` sentences into its article."""
    if not decay:
        return 1.0
    return decay / (decay + min(s.position for s in sentence.sources))


def cluster_subtopics(
    sentences: Sequence[Fact],
    encoder: Encoder,
    *,
    title: str = "",
    min_subtopics: int = 3,
    max_subtopics: int = 8,
    min_size: int = 3,
    ward_max_sentences: int = 2000,
    silhouette_sample: int = 2000,
    parser=None,
    heading_words: int = 5,
    heading_sentences: int = 4,
    position_decay: float | None = None,
    seed: int = 0,
    copies: Sequence[Sequence[str]] = (),
) -> list[Subtopic]:
    """Subtopics, the one with the best-reported fact first, then by importance; within each, facts
    by how many sources report them, then centrality x lead weight. Outlets carrying copies of one
    article are one source."""
    if not sentences:
        return []
    vectors = encoder.encode([s.text for s in sentences])
    assignment = cluster_labels(
        vectors, min_subtopics, max_subtopics, min_size, ward_max_sentences, silhouette_sample, seed
    )
    groups = []
    for cluster in np.unique(assignment):
        indices = np.flatnonzero(assignment == cluster)
        centroid = vectors[indices].mean(0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        centrality = vectors[indices] @ centroid
        support = np.array([independent_sources(sentences[i].outlets, copies) for i in indices])
        closeness = np.array([lead_weight(sentences[i], position_decay) for i in indices]) * centrality
        order = np.lexsort((-closeness, -support))  # what most sources report first
        groups.append((indices[order], centrality[order], float((support * closeness).sum()), int(support.max())))
    # Headings from each subtopic's best sentences: parsing every sentence would cost more than the rest of the stage.
    texts = [[sentences[i].text for i in g[0][:heading_sentences]] for g in groups]
    parsed = iter(parser.pipe([t for group in texts for t in group]))
    docs = [[next(parsed) for _ in group] for group in texts]
    labels = subtopic_headings(texts, docs, title=title, max_words=heading_words)
    subtopics = [
        Subtopic(
            label=label,
            sentences=tuple(sentences[i] for i in indices),
            centrality=tuple(round(float(c), 4) for c in centrality),
            importance=round(importance, 4),
        )
        for label, (indices, centrality, importance, _) in zip(labels, groups)
    ]
    ranked = sorted(zip(subtopics, groups), key=lambda pair: (-pair[1][3], -pair[0].importance))
    return [subtopic for subtopic, _ in ranked]


def run(work: EventWork, params: dict, models: Models) -> tuple[EventWork, dict]:
    subtopics = cluster_subtopics(
        work.facts, models.encoder, title=work.event.title or "", copies=work.copies, parser=models.parser, **params
    )
    counts = {"subtopics": len(subtopics), "sizes": [len(s.sentences) for s in subtopics]}
    return dataclasses.replace(work, subtopics=tuple(subtopics)), counts
