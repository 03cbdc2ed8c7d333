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
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans
from sklearn.metrics import silhouette_score

from summarize.nlp.headings import subtopic_headings
from summarize.settings import ClusterSettings
from summarize.types import EventWork, Fact, Models, Subtopic, count_sources


def cluster_labels(vectors: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """Clusters for each count in range, keeping the one with the best cosine silhouette.

    Ward up to `ward_max_facts` (its memory and time grow with the square of the count),
    mini-batch k-means above; the silhouette is taken on a fixed-size sample, so a large set
    costs linear time.
    """
    # Fewer than `min_size` facts per subtopic on average is fragmenting, not clustering.
    # The silhouette needs fewer clusters than points.
    top = min(settings.max_subtopics, len(vectors) // settings.min_size, len(vectors) - 1)
    if top < 2:
        return np.zeros(len(vectors), dtype=int)
    best_score, best = -2.0, np.zeros(len(vectors), dtype=int)
    sample = min(len(vectors), settings.silhouette_sample)
    for k in range(min(settings.min_subtopics, top), top + 1):
        if len(vectors) <= settings.ward_max_facts:
            assignment = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(vectors)
        else:
            assignment = MiniBatchKMeans(n_clusters=k, random_state=settings.seed, n_init=3, batch_size=4096).fit_predict(vectors)
        score = silhouette_score(vectors, assignment, metric="cosine", sample_size=sample, random_state=settings.seed)
        if score > best_score:
            best_score, best = score, assignment
    return best


def lead_weight(fact: Fact, decay: float | None) -> float:
    """News puts its main facts first: a fact's weight falls with its earliest position,
    halving `decay` sentences into its article."""
    if not decay:
        return 1.0
    return decay / (decay + min(s.position for s in fact.sentences))


@dataclass
class RankedGroup:
    """One cluster's facts (indices), best first, and what ranks it among the others."""

    order: np.ndarray
    importance: float  # the sum over its facts of support x centrality x lead weight
    best_support: int


def rank_group(
    indices: np.ndarray, vectors: np.ndarray, facts: Sequence[Fact], settings: ClusterSettings, copies: Sequence[Sequence[str]]
) -> RankedGroup:
    """The cluster's facts by how many sources report them, then centrality x lead weight."""
    centroid = vectors[indices].mean(0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    centrality = vectors[indices] @ centroid
    support = np.array([count_sources(facts[i].outlets, copies) for i in indices])
    closeness = np.array([lead_weight(facts[i], settings.position_decay) for i in indices]) * centrality
    order = np.lexsort((-closeness, -support))  # what most sources report first
    return RankedGroup(indices[order], float((support * closeness).sum()), int(support.max()))


def cluster_subtopics(facts: Sequence[Fact], copies: Sequence[Sequence[str]], title: str, settings: ClusterSettings, models: Models) -> list[Subtopic]:
    """Subtopics, the one with the best-reported fact first, then by importance; within each, facts
    by how many sources report them, then centrality x lead weight."""
    if not facts:
        return []
    vectors = models.encoder.encode([f.text for f in facts])
    assignment = cluster_labels(vectors, settings)
    groups = [rank_group(np.flatnonzero(assignment == c), vectors, facts, settings, copies) for c in np.unique(assignment)]
    # Headings from each subtopic's best facts: parsing every sentence would cost more than the rest of the stage.
    texts = [[facts[i].text for i in g.order[: settings.heading_facts]] for g in groups]
    parsed = iter(models.parser.pipe([t for group in texts for t in group]))
    docs = [[next(parsed) for _ in group] for group in texts]
    labels = subtopic_headings(texts, docs, title=title, max_words=settings.heading_words)
    ranked = sorted(zip(labels, groups), key=lambda pair: (-pair[1].best_support, -round(pair[1].importance, 4)))
    return [Subtopic(label, tuple(facts[i] for i in g.order), round(g.importance, 4)) for label, g in ranked]


class ClusterStage:
    """The facts grouped into subtopics, each headed by a short phrase, and ranked."""

    reads = ("event", "attributed", "copies")
    writes = ("subtopics",)

    def __init__(self, settings: ClusterSettings, models: Models):
        self.settings = settings
        self.models = models

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        subtopics = cluster_subtopics(work.attributed, work.copies, work.event.title or "", self.settings, self.models)
        counts = {"subtopics": len(subtopics), "sizes": [len(s.facts) for s in subtopics]}
        return dataclasses.replace(work, subtopics=tuple(subtopics)), counts
