"""Which sentences cover most of what the articles say in common, within a word budget: the
concept-coverage ILP of Gillick & Favre (2009), solved exactly by HiGHS (scipy.optimize.milp).

A concept is a content-word stem ("visit") or a pair of adjacent ones ("state visit"). It is
worth more the more articles use it and the earlier they do: each article that uses it adds the
lead weight of its first mention there (news puts its main facts first), and a pair counts
`pair_weight` times a single word, since a shared pair is a shared phrase, not only a shared
topic. With two or more articles, a concept only one of them uses is worth nothing. The brief is
the set of sentences whose concepts are worth most together, each concept counted once, so a
sentence that repeats what is chosen adds nothing and the budget goes to what the most outlets
report. Unlike a greedy fill, the whole budget is planned at once: a short budget is not spent
on the first long sentence that fits.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from summarize.nlp.stems import stem

Concept = tuple[str, ...]
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d,.]*")


@functools.cache
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | {"said", "says", "say", "told", "according"})


def concepts(text: str) -> set[Concept]:
    """Content-word stems, alone and in adjacent pairs; stop words break a pair."""
    stop = _stop_words()
    words = [w.lower() for w in WORD.findall(text)]
    stems = [None if w in stop or len(w) < 2 else stem(w) for w in words]
    return {(a,) for a in stems if a} | {(a, b) for a, b in zip(stems, stems[1:]) if a and b}


def concept_weights(
    mentions: Iterable[tuple[str, int, str]], *, position_decay: float | None, pair_weight: float
) -> dict[Concept, float]:
    """Each concept's worth, from (article, position in it, sentence) mentions: over the articles
    that use it, the sum of the lead weight of its first mention (decay / (decay + position),
    halving `position_decay` sentences in; 1 with no decay), times `pair_weight` for a pair.
    With two or more articles, only concepts two or more of them use."""
    first: dict[Concept, dict[str, int]] = defaultdict(dict)
    for article, position, sentence in mentions:
        for concept in concepts(sentence):
            seen = first[concept]
            seen[article] = min(position, seen.get(article, position))
    least = 2 if len({a for seen in first.values() for a in seen}) >= 2 else 1
    return {
        concept: (pair_weight if len(concept) == 2 else 1.0)
        * sum(position_decay / (position_decay + p) if position_decay else 1.0 for p in seen.values())
        for concept, seen in first.items()
        if len(seen) >= least
    }


@dataclass(frozen=True)
class Candidates:
    """What may be chosen: each text and the words it takes, the word budget, and the limits on
    choosing together: no two of a pair in `exclusive` (near repeats), at most `per_group` texts
    of one group, every text in `required` taken; `preference` (small) breaks ties between equal
    coverage. At least `favoured_words` words go to the texts in `favoured` where the other limits
    allow: each word short of it costs more than any coverage can gain."""

    texts: Sequence[str]
    lengths: Sequence[int]
    budget: int
    exclusive: Sequence[tuple[int, int]] = ()
    groups: Sequence[int] | None = None
    per_group: int | None = None
    preference: Sequence[float] | None = None
    required: Sequence[int] = ()
    favoured: Sequence[int] = ()
    favoured_words: int = 0


Row = tuple[dict[int, float], float, float]  # coefficients by variable, lower bound, upper bound


def constraint_rows(candidates: Candidates, covers: list[list[int]], n: int) -> list[Row]:
    """The ILP's constraints over n text variables, then one variable per concept (`covers[j]`:
    the concept variables text j covers)."""
    rows: list[Row] = [({j: float(candidates.lengths[j]) for j in range(n)}, 0.0, float(candidates.budget))]
    takers: dict[int, list[int]] = defaultdict(list)
    for j, concept_vars in enumerate(covers):
        for var in concept_vars:
            takers[var].append(j)
    for var, js in takers.items():  # a concept is covered only by a taken text that has it
        rows.append(({var: 1.0, **{j: -1.0 for j in js}}, -np.inf, 0.0))
    for a, b in candidates.exclusive:
        rows.append(({a: 1.0, b: 1.0}, -np.inf, 1.0))
    if candidates.groups is not None and candidates.per_group is not None:
        for group in set(candidates.groups):
            members = {j: 1.0 for j in range(n) if candidates.groups[j] == group}
            rows.append((members, -np.inf, float(candidates.per_group)))
    for j in candidates.required:
        rows.append(({j: 1.0}, 1.0, 1.0))
    if candidates.favoured and candidates.favoured_words:  # the last variable: the words short of it
        shortfall = n + len(takers)  # after the text variables and the concept variables
        rows.append(({**{j: float(candidates.lengths[j]) for j in candidates.favoured}, shortfall: 1.0}, float(candidates.favoured_words), np.inf))
    return rows


def select(candidates: Candidates, weights: dict[Concept, float], time_limit: float = 10.0) -> list[int] | None:
    """Indices of the texts to take: within the budget and the limits, the most concept weight
    covered. None when the solver finds no solution in time."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    concepts_of = [sorted(c for c in concepts(t) if c in weights) for t in candidates.texts]
    index = {c: i for i, c in enumerate(sorted({c for cs in concepts_of for c in cs}))}
    n, m = len(candidates.texts), len(index)
    if n == 0:
        return []
    # Variables: one per text (taken), then one per concept (covered), then with favoured texts
    # the words they are short of their share (not an integer).
    favouring = bool(candidates.favoured and candidates.favoured_words)
    gain = np.zeros(n + m + favouring)
    gain[:n] = candidates.preference if candidates.preference is not None else 0.0
    for concept, i in index.items():
        gain[n + i] = weights[concept]
    if favouring:
        gain[-1] = -(1.0 + float(np.abs(gain).sum()))
    rows = constraint_rows(candidates, [[n + index[c] for c in cs] for cs in concepts_of], n)
    integrality = np.ones(n + m + favouring)
    integrality[n + m:] = 0
    matrix = lil_matrix((len(rows), n + m + favouring))
    for r, (coefficients, _, _) in enumerate(rows):
        for column, value in coefficients.items():
            matrix[r, column] = value
    constraints = LinearConstraint(matrix.tocsr(), [lo for _, lo, _ in rows], [hi for _, _, hi in rows])
    upper = np.ones(n + m + favouring)
    upper[n + m:] = candidates.favoured_words
    result = milp(-gain, constraints=constraints, integrality=integrality, bounds=Bounds(0, upper), options={"time_limit": time_limit})
    return None if result.x is None else [j for j in range(n) if result.x[j] > 0.5]
