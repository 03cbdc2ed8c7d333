"""Precision and recall of the same-fact rule (summarize/stages/align.py) on the labelled pairs.

    .venv/bin/python -m bench.facts            # the configured rule (summarize/settings.py AlignSettings)
    .venv/bin/python -m bench.facts --fit      # also fit the rule's weights, cross-validated by event

The pairs are tests/data/fact_pairs.jsonl: sentence pairs from lee_beijing and from dev clusters
(those only as locators into ../shared/eval, read where it lies), each judged "same fact" or not by
hand; and the pairs of the multi-outlet dev events' answer keys (bench/event_pairs.py). Word
weights come from each pair's own event, as in a run. With --fit, a logistic regression over the
rule's features is fitted with one event held out at a time, so every figure it prints is
on pairs of events the fit did not see; the weights to configure come from a fit on all pairs.
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Sequence

import numpy as np

from bench.event_pairs import EVENTS_DIR, EVENTS_SOURCE, event_sentences, load_event_pairs, split_as_a_run
from bench.fact_pairs import LabelledPair, dev_sentences, load_fact_pairs
from summarize.config import PROJECT_ROOT, compose_settings
from summarize.nlp.values import load_parser, sentence_values
from summarize.runtime.runner import load_models
from summarize.nlp.same_fact import FEATURES, EventVocabulary, opposed, pair_features, sentence_anchors
from summarize.stages.align import FactAligner
from summarize.types import Sentence

DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "multinews_dev50.jsonl"


@functools.cache
def event(source: str, group: str) -> tuple[tuple[Sentence, ...], dict]:
    """Every sentence of a pair's event (for its word weights) and its articles' dates: lee_beijing's
    as a run splits them, a dev cluster's as the labelled set does (no date lines there)."""
    if source == "lee_beijing":
        work = split_as_a_run(compose_settings("+event=lee_beijing"))
        return work.sentences, {a.id: a.date for a in work.cleaned}
    if source == EVENTS_SOURCE:
        return event_sentences(EVENTS_DIR / group), {}
    cluster = next(c for c in map(json.loads, DEV_SET.read_text().splitlines()) if c["id"] == group)
    sentences = [
        Sentence(f"{index}:{position}", str(index), str(index), text, position)
        for index, document in enumerate(cluster["documents"])
        for position, text in enumerate(dev_sentences(document))
    ]
    return tuple(sentences), {}


def features_of(pairs: Sequence[LabelledPair], encoder, parser, negations: frozenset[str], synonyms) -> tuple[np.ndarray, list]:
    """Each pair's features, as a run of its event computes them; and each pair's anchors."""
    vocabularies, rows, anchor_pairs = {}, [], []
    for pair in pairs:
        sentences, dates = event(pair.source, pair.group)
        if pair.group not in vocabularies:
            vocabularies[pair.group] = EventVocabulary([sentence_anchors(s.text, negations) for s in sentences])
        sides = [Sentence(f"{pair.group}:{doc}:{side}", doc, doc, text, 0) for side, (doc, text) in enumerate([(pair.doc_a, pair.text_a), (pair.doc_b, pair.text_b)])]
        values = sentence_values(sides, parser, dates, synonyms=synonyms)
        a, b = (sentence_anchors(s.text, negations, values.get(s.id, ()), frozenset(synonyms)) for s in sides)
        cosine = float(encoder.encode([pair.text_a])[0] @ encoder.encode([pair.text_b])[0])
        rows.append(pair_features(cosine, a, b, vocabularies[pair.group]))
        anchor_pairs.append((a, b))
    return np.array(rows), anchor_pairs


def precision_recall(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float, int, int]:
    hits = int((predicted & truth).sum())
    return hits / max(int(predicted.sum()), 1), hits / max(int(truth.sum()), 1), int(predicted.sum()), int(truth.sum())


def row(name: str, predicted: np.ndarray, truth: np.ndarray) -> str:
    precision, recall, said, true = precision_recall(predicted, truth)
    return f"| {name} | {precision:.3f} | {recall:.3f} | {said} | {true} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit the weights, cross-validated by event")
    parser.add_argument("--min-precision", type=float, default=0.9, help="--fit picks the threshold with the best recall at this precision")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. embed.precision=int8 to check the rule on other vectors")
    args = parser.parse_args()

    settings = compose_settings("+event=lee_beijing", *args.overrides)
    align = settings.align
    rule = FactAligner(align).rule
    antonyms = rule.antonyms
    pairs = load_fact_pairs(PROJECT_ROOT) + load_event_pairs()
    x, anchor_pairs = features_of(pairs, load_models(settings, {}).encoder, load_parser(), frozenset(align.negations), align.synonyms)
    truth = np.array([p.same for p in pairs])
    opposite = np.array([opposed(a, b, antonyms) for a, b in anchor_pairs])
    near_copy = x[:, 0] >= align.near_identical_cosine
    groups = np.array([p.group for p in pairs])
    scores = np.array([rule.score(f) for f in x])
    same_class = np.array([bool(a.classes & b.classes) for a, b in anchor_pairs])
    configured = ~opposite & (near_copy | same_class | (scores >= align.min_score))

    print(f"{len(pairs)} labelled pairs ({int(truth.sum())} same fact) from {len(set(groups))} events\n")
    print("| rule | precision | recall | said same | truly same |\n|---|---|---|---|---|")
    print(row("configured (summarize/settings.py AlignSettings)", configured, truth))
    for source in sorted({p.source for p in pairs}):
        mask = np.array([p.source == source for p in pairs])
        print(row(f"  on {source} only", configured[mask], truth[mask]))
    for threshold in (0.6, 0.7, 0.8, 0.85):
        print(row(f"MiniLM cosine >= {threshold} alone", ~opposite & (x[:, 0] >= threshold), truth))
    if not args.fit:
        return

    from sklearn.linear_model import LogisticRegression

    held_out = np.zeros(len(pairs))
    for group in sorted(set(groups)):
        test = groups == group
        if truth[~test].all() or not truth[~test].any():
            continue
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x[~test], truth[~test])
        held_out[test] = model.predict_proba(x[test])[:, 1]
    print("\nFitted, each event held out in turn:\n")
    print("| threshold | precision | recall | said same | truly same |\n|---|---|---|---|---|")
    best = None
    for threshold in np.arange(0.3, 0.95, 0.05):
        predicted = ~opposite & (near_copy | same_class | (held_out >= threshold))
        precision, recall, *_ = precision_recall(predicted, truth)
        print(row(f"{threshold:.2f}", predicted, truth))
        if precision >= args.min_precision and (best is None or recall > best[1]):
            best = (threshold, recall)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(x, truth)
    weights = [round(float(w), 2) for w in model.coef_[0]] + [round(float(model.intercept_[0]), 2)]
    print(f"\nWeights fitted on all pairs ({', '.join(FEATURES)}, intercept): {weights}")
    if best:
        print(f"Best recall at precision >= {args.min_precision}: threshold {best[0]:.2f} (recall {best[1]:.3f})")


if __name__ == "__main__":
    main()
