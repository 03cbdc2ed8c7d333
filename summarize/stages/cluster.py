"""Stage: group the deduplicated sentences into subtopics, label them, and rank them.

Ward clustering with the number of subtopics chosen by silhouette: on one event every
sentence is fairly close to every other, and threshold-based average linkage then chains
nearly everything into one cluster. A subtopic's importance is the sum over its sentences of outlet support times centrality, so a
subtopic ranks high when many outlets say many things close to its centre.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import silhouette_score

from summarize.types import Encoder, EventWork, Models, Subtopic, SupportedSentence


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


def _surface_form(term: str, text: str) -> str:
    """The spelling a term most often has in the text ("north korea" -> "North Korea")."""
    forms = re.findall(r"\b" + r"\s+".join(map(re.escape, term.split())) + r"\b", text, re.IGNORECASE)
    return Counter(forms).most_common(1)[0][0] if forms else term


# Frequent in news, never what a subtopic is about: reporting verbs, hedges, calendar words.
NEWS_STOP_WORDS = frozenset(
    "said says told stated noted added urged emphasized reported according amid concerning including "
    "despite new also year week day today monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november december".split()
)


def subtopic_labels(documents: Sequence[str], terms: int, known: str = "") -> list[str]:
    """A few terms per document that are frequent in it and rare in the others (class TF-IDF).

    Words of `known` (the event title) are left out: every subtopic is about them.
    """
    stop_words = sorted(ENGLISH_STOP_WORDS | NEWS_STOP_WORDS | set(re.findall(r"\w+", known.lower())))
    vectorizer = TfidfVectorizer(
        stop_words=stop_words, ngram_range=(1, 2), token_pattern=r"(?u)\b[A-Za-z][\w-]+\b", sublinear_tf=True
    )
    try:
        weights = vectorizer.fit_transform(documents).toarray()
    except ValueError:  # only stop words
        return ["Other" for _ in documents]
    vocabulary = vectorizer.get_feature_names_out()
    labels = []
    for document, row in zip(documents, weights):
        chosen: list[str] = []
        for index in np.argsort(-row, kind="stable"):
            if row[index] <= 0 or len(chosen) == terms:
                break
            term = str(vocabulary[index])
            # "north korea" makes "north" and "korea" redundant, and the other way round.
            if any(set(term.split()) & set(c.split()) for c in chosen):
                continue
            chosen.append(term)
        label = ", ".join(_surface_form(t, document) for t in chosen) or "Other"
        labels.append(label[0].upper() + label[1:])
    return labels


def lead_weight(sentence: SupportedSentence, decay: float | None) -> float:
    """News puts its main facts first: a sentence's weight falls with its earliest position,
    halving `decay` sentences into its article."""
    if not decay:
        return 1.0
    return decay / (decay + min(s.position for s in sentence.sources))


def cluster_subtopics(
    sentences: Sequence[SupportedSentence],
    encoder: Encoder,
    *,
    title: str = "",
    min_subtopics: int = 3,
    max_subtopics: int = 8,
    min_size: int = 3,
    ward_max_sentences: int = 2000,
    silhouette_sample: int = 2000,
    label_terms: int = 3,
    position_decay: float | None = None,
    seed: int = 0,
) -> list[Subtopic]:
    """Subtopics, most important first; within each, sentences by support x centrality x lead weight."""
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
        score = np.array([sentences[i].support * lead_weight(sentences[i], position_decay) for i in indices]) * centrality
        order = np.argsort(-score, kind="stable")
        groups.append((indices[order], centrality[order], float(score.sum())))
    labels = subtopic_labels([" ".join(sentences[i].text for i in g[0]) for g in groups], label_terms, title)
    subtopics = [
        Subtopic(
            label=label,
            sentences=tuple(sentences[i] for i in indices),
            centrality=tuple(round(float(c), 4) for c in centrality),
            importance=round(importance, 4),
        )
        for label, (indices, centrality, importance) in zip(labels, groups)
    ]
    return sorted(subtopics, key=lambda s: -s.importance)


def run(work: EventWork, params: dict, models: Models) -> tuple[EventWork, dict]:
    subtopics = cluster_subtopics(work.unique, models.encoder, title=work.event.title or "", **params)
    counts = {"subtopics": len(subtopics), "sizes": [len(s.sentences) for s in subtopics]}
    return dataclasses.replace(work, subtopics=tuple(subtopics)), counts
