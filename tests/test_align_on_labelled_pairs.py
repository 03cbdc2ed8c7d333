"""The same-fact rule as configured, measured on the hand-labelled pairs (tests/data/fact_pairs.jsonl).

The figures bench/facts.py prints are the ones asserted here, so a change of rule or weights that
costs precision fails here, not only in a benchmark nobody reruns.
"""

from __future__ import annotations

import numpy as np
import pytest

from bench.event_pairs import load_event_pairs
from bench.fact_pairs import dev_path, load_fact_pairs
from bench.facts import features_of
from summarize.config import PROJECT_ROOT, compose_settings
from summarize.nlp.values import load_parser
from summarize.nlp.same_fact import opposed
from summarize.stages.align import FactAligner


def decisions(encoder, sources, *, with_events: bool = False):
    align = compose_settings("+event=lee_beijing").align
    rule = FactAligner(align).rule
    antonyms = rule.antonyms
    pairs = load_fact_pairs(PROJECT_ROOT, sources=sources) + (load_event_pairs() if with_events else [])
    x, anchors = features_of(pairs, encoder, load_parser(), frozenset(align.negations), align.synonyms)
    said = np.array(
        [
            rule.same_fact(rule.score(f), f[0] >= align.near_identical_cosine, True, opposed(a, b, antonyms), bool(a.classes & b.classes))
            for f, (a, b) in zip(x, anchors)
        ]
    )
    return said, np.array([p.same for p in pairs])


def precision_recall(said, truth):
    hits = (said & truth).sum()
    return hits / max(said.sum(), 1), hits / truth.sum()


# The hand-labelled pairs were picked as hard ones: most "not the same" pairs are two facts of one
# story about one person ("Lee met Xi at the Great Hall" / "Lee urged Xi to ..."). The rule fitted
# on them and the dev events' pairs joins more paraphrases there than before (recall 0.29 -> 0.74
# on lee_beijing) at a cost in precision (1.00 -> 0.62); bench/facts.py prints these figures.


def test_lee_beijing_pairs(encoder):
    precision, recall = precision_recall(*decisions(encoder, ("lee_beijing",)))
    assert precision >= 0.6 and recall >= 0.7, (precision, recall)  # measured: 0.622 / 0.742


def test_all_hand_labelled_pairs(encoder):
    if not dev_path(PROJECT_ROOT).is_file():
        pytest.skip("../shared/eval is not beside the project")
    precision, recall = precision_recall(*decisions(encoder, ("lee_beijing", "multinews_dev50")))
    # Measured: 0.62 / 0.71 (bench/facts.py); the rule before the dev events' pairs: 0.83 / 0.36.
    assert precision >= 0.6 and recall >= 0.7, (precision, recall)


def test_all_pairs_with_the_dev_events(encoder):
    """Issue 22's target: recall at least 0.6 at precision at least 0.8 on all labelled pairs."""
    if not dev_path(PROJECT_ROOT).is_file():
        pytest.skip("../shared/eval is not beside the project")
    precision, recall = precision_recall(*decisions(encoder, ("lee_beijing", "multinews_dev50"), with_events=True))
    assert precision >= 0.8 and recall >= 0.6, (precision, recall)  # measured: 0.829 / 0.606
