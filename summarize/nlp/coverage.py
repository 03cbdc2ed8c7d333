"""Which sentences cover most of what the articles say in common, within a word budget: the
concept-coverage ILP of Gillick & Favre (2009), solved exactly by HiGHS (scipy.optimize.milp).

A concept is a pair of adjacent content-word stems ("state visit", "xi jinping"), worth the number
of articles that use it; concepts only one article uses are worth nothing when there are several
articles. The brief is the set of sentences whose concepts are worth most together, each concept
counted once, so a sentence that repeats what is chosen adds nothing and the budget goes to what
the most outlets report. Unlike a greedy fill, the whole budget is planned at once: a short budget
is not spent on the first long sentence that fits.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from summarize.nlp.stems import stem

Concept = tuple[str, str]
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d,.]*")


@functools.cache
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | {"said", "says", "say", "told", "according"})


def concepts(text: str) -> set[Concept]:
    """Pairs of adjacent content words, stemmed; stop words break a pair."""
    stop = _stop_words()
    words = [w.lower() for w in WORD.findall(text)]
    stems = [None if w in stop or len(w) < 2 else stem(w) for w in words]
    return {(a, b) for a, b in zip(stems, stems[1:]) if a and b}


def concept_weights(documents: Iterable[tuple[str, str]]) -> dict[Concept, int]:
    """How many documents use each concept, from (document id, sentence) pairs; with three or
    more documents, only concepts two or more of them use."""
    users: dict[Concept, set[str]] = defaultdict(set)
    for document, sentence in documents:
        for concept in concepts(sentence):
            users[concept].add(document)
    least = 2 if len({d for ds in users.values() for d in ds}) >= 3 else 1
    return {c: len(ds) for c, ds in users.items() if len(ds) >= least}


def select(
    texts: Sequence[str],
    lengths: Sequence[int],
    weights: dict[Concept, int],
    *,
    budget: int,
    exclusive: Sequence[tuple[int, int]] = (),
    groups: Sequence[int] | None = None,
    per_group: int | None = None,
    preference: Sequence[float] | None = None,
    time_limit: float = 10.0,
) -> list[int] | None:
    """Indices of the texts to take: total length at most `budget`, no two of a pair in
    `exclusive` (near repeats), at most `per_group` from one group, the most concept weight
    covered; `preference` (small) breaks ties. None when the solver finds no solution in time."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    covers = [sorted(c for c in concepts(t) if c in weights) for t in texts]
    index = {c: i for i, c in enumerate(sorted({c for cs in covers for c in cs}))}
    n, m = len(texts), len(index)
    if n == 0:
        return []
    # Variables: one per text (taken), then one per concept (covered).
    gain = np.zeros(n + m)
    gain[:n] = preference if preference is not None else 0.0
    for concept, i in index.items():
        gain[n + i] = weights[concept]
    rows: list[tuple[dict[int, float], float, float]] = [({j: float(lengths[j]) for j in range(n)}, 0.0, float(budget))]
    takers: dict[int, list[int]] = defaultdict(list)
    for j, cs in enumerate(covers):
        for concept in cs:
            takers[index[concept]].append(j)
    for i, js in takers.items():  # a concept is covered only by a taken text that has it
        rows.append(({n + i: 1.0, **{j: -1.0 for j in js}}, -np.inf, 0.0))
    for a, b in exclusive:
        rows.append(({a: 1.0, b: 1.0}, -np.inf, 1.0))
    if groups is not None and per_group is not None:
        for group in set(groups):
            rows.append(({j: 1.0 for j in range(n) if groups[j] == group}, -np.inf, float(per_group)))
    matrix = lil_matrix((len(rows), n + m))
    for r, (coefficients, _, _) in enumerate(rows):
        for column, value in coefficients.items():
            matrix[r, column] = value
    constraints = LinearConstraint(matrix.tocsr(), [lo for _, lo, _ in rows], [hi for _, _, hi in rows])
    result = milp(
        -gain, constraints=constraints, integrality=np.ones(n + m), bounds=Bounds(0, 1),
        options={"time_limit": time_limit},
    )
    if result.x is None:
        return None
    return [j for j in range(n) if result.x[j] > 0.5]
