"""Candidate sentence encoders side by side: cost, agreement with MiniLM fp32, and the brief's ROUGE.

    .venv/bin/python -m bench.embeddings [--sentences 1000] [--limit 50] [--candidates torch onnx-fp32 ...]

Candidates: MiniLM through torch (the reference), MiniLM exported to ONNX Runtime in fp32 and with
int8 weights (summarize/nlp/embed.py), and a static model2vec embedding distilled from the same
MiniLM weights (no training data). model2vec's distiller pins transformers below 5.4, so it is not
part of the set-up: `pip install 'model2vec[distill]'` to add its row, which the table otherwise
reports as not installed.

For each: seconds to load, seconds per 1,000 sentences (the first --sentences sentences of at least
five words of the dev set, each cluster's in turn, batches of 32 on this machine's threads), the
agreement of its cosine similarities with the reference's over every pair of sentences from one
cluster (the pairs the stages compare; Pearson, Spearman, the largest difference, and how many of
the closest 5% of pairs both put there), and ROUGE of our briefs on the dev set with it in place of
the configured encoder (thresholds unchanged: they were tuned on MiniLM fp32). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr

from bench.quality import (
    METRICS,
    bench_settings,
    load_clusters,
    rouge_over_references,
    run_ours,
)
from summarize.config import compose
from summarize.nlp.embed import SentenceEncoder, build_encoder, bundled_minilm_path
from summarize.nlp.sentence_splitter import punkt_tokenizer
from summarize.runtime.runner import load_models
from summarize.settings import EmbedSettings

log = logging.getLogger("bench.embeddings")
CANDIDATES = ("torch", "onnx-fp32", "onnx-int8", "model2vec")


class StaticEncoder(SentenceEncoder):
    """A model2vec static embedding behind the pipeline's encoder interface."""

    def __init__(self, model):
        super().__init__(tokenizer=None, dim=int(model.dim), batch_size=1024)
        self.model = model

    def _embed(self, batch: list[str]) -> np.ndarray:
        vectors = self.model.encode(batch).astype(np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def distilled_model2vec(cache: Path):
    """model2vec's static embedding of the bundled MiniLM (256 PCA dimensions, its default),
    distilled once into the cache (about 30 s)."""
    from model2vec import StaticModel
    from model2vec.distill import distill

    folder = cache / "candidates" / "model2vec-minilm"
    if not (folder / "model.safetensors").is_file():
        distill(model_name=bundled_minilm_path(), pca_dims=256).save_pretrained(str(folder))
    return StaticModel.from_pretrained(str(folder))


def build_candidate(name: str, embed: EmbedSettings, cache: str) -> SentenceEncoder | None:
    embed = dataclasses.replace(embed, store_vectors=False)
    if name == "torch":
        return build_encoder(dataclasses.replace(embed, runtime="torch", precision="fp32"), cache)
    if name.startswith("onnx-"):
        return build_encoder(dataclasses.replace(embed, runtime="onnx", precision=name.removeprefix("onnx-")), cache)
    try:
        return StaticEncoder(distilled_model2vec(Path(cache)))
    except ImportError:
        return None


def sample_sentences(clusters: list[dict], count: int) -> tuple[list[str], np.ndarray]:
    split = punkt_tokenizer().tokenize
    sentences, owners = [], []
    for index, cluster in enumerate(clusters):
        for document in cluster["documents"]:
            for sentence in split(document):
                if len(sentence.split()) >= 5 and len(sentences) < count:
                    sentences.append(sentence)
                    owners.append(index)
    return sentences, np.array(owners)


def agreement(reference: np.ndarray, vectors: np.ndarray, owners: np.ndarray) -> dict:
    upper = np.triu_indices(len(owners), 1)
    same_cluster = (owners[:, None] == owners[None, :])[upper]
    expected, got = (reference @ reference.T)[upper][same_cluster], (vectors @ vectors.T)[upper][same_cluster]
    top = max(1, len(expected) // 20)
    closest = len(set(np.argsort(-expected)[:top]) & set(np.argsort(-got)[:top])) / top
    return {
        "pairs": len(expected),
        "pearson": float(pearsonr(expected, got)[0]),
        "spearman": float(spearmanr(expected, got)[0]),
        "max_diff": float(np.abs(expected - got).max()),
        "top5_overlap": closest,
    }


def dev_rouge(encoder: SentenceEncoder, cfg, clusters: list[dict]) -> dict:
    settings = bench_settings(cfg)
    models = load_models(settings, {})
    models = type(models)(encoder, models.writer, models.parser)
    scores, seconds = defaultdict(list), []
    stage_seconds, counts = defaultdict(list), defaultdict(int)
    for cluster in clusters:
        sentences, spent = run_ours(cluster, cfg, settings, models, stage_seconds, counts)
        seconds.append(spent)
        for key, value in rouge_over_references(sentences, cluster["references"]).items():
            scores[key].append(value)
    return {metric: float(np.mean(scores[f"{metric}_f1"])) for metric in METRICS} | {"sec_per_cluster": float(np.mean(seconds))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=None, help="dev clusters for ROUGE (default: all)")
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=CANDIDATES)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    cfg = compose("embed.store_vectors=false", config_name="bench/default")
    embed = bench_settings(cfg).embed
    clusters = load_clusters(cfg.data, args.limit)
    sentences, owners = sample_sentences(load_clusters(cfg.data, None), args.sentences)
    rows, reference = [], None
    for name in args.candidates:
        start = time.perf_counter()
        encoder = build_candidate(name, embed, cfg.paths.cache_dir)
        if encoder is None:
            rows.append(f"| {name} | not installed: pip install 'model2vec[distill]' |||||||||")
            continue
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        vectors = encoder.encode(sentences)
        per_thousand = (time.perf_counter() - start) * 1000 / len(sentences)
        reference = vectors if reference is None else reference
        agree = agreement(reference, vectors, owners)
        quality = dev_rouge(encoder, cfg, clusters)
        rows.append(
            f"| {name} | {loaded:.2f} | {per_thousand:.2f} | {agree['pearson']:.3f} | {agree['spearman']:.3f} | "
            f"{agree['max_diff']:.3f} | {agree['top5_overlap']:.2f} | {quality['rouge1']:.2f} | {quality['rouge2']:.2f} | "
            f"{quality['rougeLsum']:.2f} | {quality['sec_per_cluster']:.3f} |"
        )
        print(rows[-1], flush=True)
    print(
        f"\n{len(sentences)} sentences, {agree['pairs']} same-cluster pairs; ROUGE F1 on {len(clusters)} dev clusters "
        f"at {cfg.budget_words} words; agreement against {args.candidates[0]}.\n"
    )
    print("| encoder | load s | s / 1000 sentences | Pearson | Spearman | max abs diff | top-5% overlap | R1 | R2 | RLsum | s / cluster |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
