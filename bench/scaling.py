"""Scaling run for the benchmark: alignment and clustering on synthetic sentence sets of growing size.

    python -m bench.scaling SIZE [OVERRIDE ...]   (prints one JSON line: size, seconds, peak MiB)

Each size runs in its own process so that its peak memory is its own. The sentences come from a
fixed vocabulary with planted near-duplicates, and their embeddings from a stand-in encoder
(random topic centres plus noise, near-duplicates sharing a vector): the encoder's cost is
linear in the sentences and measured by the main benchmark, this isolates the algorithms.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from summarize.config import compose_settings
from summarize.nlp.values import load_parser
from summarize.runtime.manifest import peak_memory_mib
from summarize.stages.align import FactAligner
from summarize.stages.cluster import cluster_subtopics
from summarize.types import Models, Sentence

TOPICS = 40
DIM = 384


class SyntheticEncoder:
    """Vectors by sentence: the sentence's topic centre plus its own noise; copies share one."""

    def __init__(self, topic_of: dict[str, int], seed: int = 0):
        rng = np.random.default_rng(seed)
        self.centres = rng.normal(size=(TOPICS, DIM)).astype(np.float32)
        self.topic_of = topic_of
        self.rng = rng
        self.cache: dict[str, np.ndarray] = {}

    def encode(self, texts) -> np.ndarray:
        for text in texts:
            if text not in self.cache:
                vector = self.centres[self.topic_of[text]] + 1.5 * self.rng.normal(size=DIM).astype(np.float32)
                self.cache[text] = vector / np.linalg.norm(vector)
        return np.stack([self.cache[t] for t in texts]) if len(texts) else np.zeros((0, DIM), np.float32)


def synthetic_sentences(size: int, seed: int = 0) -> tuple[list[Sentence], dict[str, int]]:
    """`size` sentences over 8 outlets; one in five is a light edit of an earlier one."""
    rng = np.random.default_rng(seed)
    # Letters only: no numbers, so no values to parse.
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = ["".join(rng.choice(letters, 6)) for _ in range(5000)]
    texts: list[str] = []
    topic_of: dict[str, int] = {}
    for index in range(size):
        if texts and rng.random() < 0.2:
            source = texts[int(rng.integers(len(texts)))]
            words = source.split()
            words[int(rng.integers(len(words)))] = vocabulary[int(rng.integers(len(vocabulary)))]
            text, topic = " ".join(words), topic_of[source]
        else:
            topic = int(rng.integers(TOPICS))
            text = " ".join(vocabulary[int(i)] for i in rng.integers(0, len(vocabulary), 20))
        texts.append(text)
        topic_of.setdefault(text, topic)
    sentences = [
        Sentence(id=f"s{i}", article_id=f"a{i % 400}", outlet=f"outlet{i % 8}", text=t, position=i // 400)
        for i, t in enumerate(texts)
    ]
    return sentences, topic_of


def measure(size: int, overrides: list[str]) -> dict:
    settings = compose_settings(*overrides)
    sentences, topic_of = synthetic_sentences(size)
    encoder = SyntheticEncoder(topic_of)
    encoder.encode([s.text for s in sentences])  # the stand-in encoder's own cost is not measured
    start = time.perf_counter()
    facts, _, _ = FactAligner(settings.align)(sentences, encoder, {})  # no parsed values: synthetic words count nothing
    align_seconds = time.perf_counter() - start
    subtopics = cluster_subtopics(facts, (), "", settings.cluster, Models(encoder, None, load_parser()))
    total = time.perf_counter() - start
    return {
        "size": size,
        "unique": len(facts),
        "subtopics": len(subtopics),
        "align_seconds": round(align_seconds, 3),
        "cluster_seconds": round(total - align_seconds, 3),
        "seconds": round(total, 3),
        "peak_mib": peak_memory_mib(),
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), sys.argv[2:])))
