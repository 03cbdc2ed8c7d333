"""Benchmark: our pipeline against the peers a user would run instead, on the same clusters in one run.

    python -m bench [data=PATH] [budget_words=260 or budget_words=[260,100,60]] [model=NAME] [limit=N] [scaling_sizes=[]]

Writes results.md, results.json and PNG charts into the run folder (outputs/bench/...). Quality is
ROUGE-1/2/Lsum F1 and recall averaged over each cluster's references, with bootstrap 95%
intervals over clusters and a paired comparison of our pipeline against each peer. Cost is
seconds per cluster (models already loaded; their load time is reported apart), our seconds per
stage, peak memory, and tokens per second for a neural writer. A scaling run times align and
clustering on synthetic sets of growing size, each size in its own process.
"""

from __future__ import annotations

import copy
import json
import logging
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import hydra
import numpy as np
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from summarize.config import CONFIG_DIR, load_settings
from summarize.errors import InputError
from summarize.nlp.sentence_splitter import install_punkt_tab, punkt_tokenizer
from summarize.runtime.manifest import peak_memory_mib
from summarize.runtime.runner import load_models, summarize_work
from summarize.settings import EventSettings, ScoreSettings, Settings
from summarize.stages.read import parse_article
from summarize.stages.score import rouge
from summarize.types import EventWork

log = logging.getLogger("bench")
# The checkout: `python -m bench.scaling` runs from here, where the bench package lies.
ROOT = Path(__file__).resolve().parent.parent
METRICS = ("rouge1", "rouge2", "rougeLsum")
OURS = "summarize"
# conf/bench/default.yaml's own keys, beside the job's settings; its `event` is a template that
# each cluster completes (parse_cluster).
BENCH_KEYS = ("data", "budget_words", "limit", "peers", "bootstrap_samples", "seed", "scaling_sizes", "event")


def load_clusters(path: str, limit: int | None) -> list[dict]:
    import datasets

    datasets.disable_progress_bars()
    rows = datasets.load_dataset("json", data_files=path, split="train")
    if limit:
        rows = rows.select(range(min(limit, len(rows))))
    return [{"id": r["id"], "documents": r["documents"], "references": r["references"]} for r in rows]


def rouge_over_references(sentences: list[str], references: list[str]) -> dict[str, float]:
    """F1 and recall per metric, averaged over the cluster's references."""
    scores = [rouge(sentences, ref, ScoreSettings(rouge_types=list(METRICS))) for ref in references]
    return {
        f"{metric}_{kind}": float(np.mean([s[metric][kind] for s in scores]))
        for metric in METRICS
        for kind in ("f1", "recall")
    }


def bootstrap_interval(values: np.ndarray, samples: int, seed: int) -> tuple[float, float]:
    means = values[np.random.default_rng(seed).integers(0, len(values), (samples, len(values)))].mean(1)
    low, high = np.percentile(means, [2.5, 97.5])
    return round(float(low), 2), round(float(high), 2)


def parse_cluster(cluster: dict, cfg: DictConfig) -> EventWork:
    """A cluster as an event: its documents as the articles ("article 1", ...); the event's other
    settings from conf/bench/ (no title or keywords to lean on)."""
    articles = [
        parse_article(doc, article_id=f"{cluster['id']}_{i}", outlet=f"article {i + 1}", path="", sha256="")
        for i, doc in enumerate(cluster["documents"])
    ]
    event = EventSettings(
        id=cluster["id"], inputs=cfg.data, title=cfg.event.title, language=cfg.event.language, keywords=list(cfg.event.keywords)
    )
    return EventWork(event, articles=tuple(articles))


def bench_settings(cfg: DictConfig, budget: int | None = None) -> Settings:
    """The job's settings in the benchmark's config; with `budget`, write.budget_words and
    write.max_words follow it (conf/bench/ ties them to `budget_words`)."""
    single = copy.deepcopy(cfg)
    if budget is not None:
        single.budget_words = budget
    return load_settings(single, ignore=BENCH_KEYS)


def run_ours(cluster: dict, cfg: DictConfig, settings: Settings, models, stage_seconds: dict, counts: dict) -> tuple[list[str], float]:
    """Our pipeline from clean to score on one cluster."""
    work = parse_cluster(cluster, cfg)
    stages: dict = {}
    start = time.perf_counter()
    try:
        work = summarize_work(work, settings, models, stages)
        sentences = [s.text for s in work.brief.sentences]
    except InputError as error:  # scored as an empty summary, and counted
        log.warning("%s: %s", cluster["id"], error)
        counts["failed"] += 1
        sentences = []
    seconds = time.perf_counter() - start
    for name, record in stages.items():
        stage_seconds[name].append(record["seconds"])
        for key in ("new_tokens", "replaced", "kept", "generated", "dropped_tokens"):
            if key in record["counts"]:
                counts[key] += record["counts"][key]
    return sentences, seconds


def scaling_run(sizes: list[int]) -> list[dict]:
    rows = []
    for size in sizes:
        output = subprocess.run(
            [sys.executable, "-m", "bench.scaling", str(size)], check=True, capture_output=True, text=True, cwd=ROOT
        ).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))
        log.info("scaling %s", rows[-1])
    for previous, row in zip(rows, rows[1:]):
        row["growth_per_doubling"] = round(row["seconds"] / previous["seconds"], 2) if previous["seconds"] else None
    return rows


def charts(results: dict, folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(results["systems"])
    paths = []
    figure, axis = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(METRICS)
    for offset, metric in enumerate(METRICS):
        means = [results["systems"][s][metric] for s in systems]
        errors = np.array([[m - results["systems"][s][f"{metric}_ci"][0], results["systems"][s][f"{metric}_ci"][1] - m]
                           for s, m in zip(systems, means)]).T
        axis.bar(np.arange(len(systems)) + offset * width, means, width, yerr=errors, capsize=3, label=metric)
    axis.set_xticks(np.arange(len(systems)) + width, systems)
    axis.set_ylabel("F1 (%), 95% bootstrap interval")
    axis.set_title(f"ROUGE on {results['clusters']} clusters, {results['budget_words']} words")
    axis.legend()
    figure.tight_layout()
    paths.append(str(folder / "rouge.png"))
    figure.savefig(paths[-1], dpi=100)

    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.bar(systems, [results["systems"][s]["sec_per_cluster"] for s in systems])
    axis.set_ylabel("seconds per cluster")
    axis.set_title("Cost per cluster (models loaded)")
    figure.tight_layout()
    paths.append(str(folder / "seconds.png"))
    figure.savefig(paths[-1], dpi=100)

    if results["scaling"]:
        figure, axis = plt.subplots(figsize=(6, 3.5))
        sizes = [r["size"] for r in results["scaling"]]
        axis.loglog(sizes, [r["seconds"] for r in results["scaling"]], "o-", label="align + cluster seconds")
        axis.loglog(sizes, [sizes[0] and results["scaling"][0]["seconds"] * s / sizes[0] for s in sizes], "--", label="linear")
        twin = axis.twinx()
        twin.plot(sizes, [r["peak_mib"] for r in results["scaling"]], "s:", color="gray", label="peak MiB")
        twin.set_ylabel("peak MiB")
        axis.set_xlabel("sentences")
        axis.set_ylabel("seconds")
        axis.legend(loc="upper left")
        figure.tight_layout()
        paths.append(str(folder / "scaling.png"))
        figure.savefig(paths[-1], dpi=100)
    plt.close("all")
    return paths


def markdown_report(results: dict) -> str:
    lines = [f"# Benchmark: {results['clusters']} clusters of {results['data']}, model={results['model']}"]
    for budget, entry in results["budgets"].items():
        lines += [
            "", f"## {budget} words", "",
            "| system | R1 F1 | R2 F1 | RLsum F1 | R1 rec | R2 rec | RLsum rec | words | s/cluster |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, s in entry["systems"].items():
            lines.append(
                f"| {name} | {s['rouge1']:.2f} [{s['rouge1_ci'][0]:.2f}, {s['rouge1_ci'][1]:.2f}] "
                f"| {s['rouge2']:.2f} [{s['rouge2_ci'][0]:.2f}, {s['rouge2_ci'][1]:.2f}] "
                f"| {s['rougeLsum']:.2f} [{s['rougeLsum_ci'][0]:.2f}, {s['rougeLsum_ci'][1]:.2f}] "
                f"| {s['rouge1_recall']:.2f} | {s['rouge2_recall']:.2f} | {s['rougeLsum_recall']:.2f} "
                f"| {s['words']:.0f} | {s['sec_per_cluster']:.3f} |"
            )
        lines += ["", f"Paired difference, {OURS} minus peer (mean F1 points, 95% bootstrap interval):", "",
                  "| peer | R1 | R2 | RLsum |", "|---|---|---|---|"]
        for peer, diff in entry["paired"].items():
            cells = " | ".join(f"{diff[m]['mean']:+.2f} [{diff[m]['ci'][0]:+.2f}, {diff[m]['ci'][1]:+.2f}]" for m in METRICS)
            lines.append(f"| {peer} | {cells} |")
    ours = results["ours"]
    lines += ["", "Model load (once): " + ", ".join(f"{k} {v:.2f} s" for k, v in ours["load_seconds"].items()),
              f"Peak memory: {results['peak_memory_mib']:.0f} MiB. Failed clusters: {ours['failed']}.", "",
              "Our seconds per stage (mean per cluster):", "", "| " + " | ".join(ours["stage_seconds"]) + " |",
              "|" + "---|" * len(ours["stage_seconds"]), "| " + " | ".join(f"{v:.3f}" for v in ours["stage_seconds"].values()) + " |"]
    if ours.get("generation"):
        lines += ["", "Generation: " + ", ".join(f"{k} {v}" for k, v in ours["generation"].items())]
    if results["scaling"]:
        lines += ["", "Scaling of align + clustering (synthetic sentences, one process per size):", "",
                  "| sentences | facts | align s | cluster s | total s | growth per doubling | peak MiB |",
                  "|---|---|---|---|---|---|---|"]
        for r in results["scaling"]:
            lines.append(f"| {r['size']} | {r['unique']} | {r['align_seconds']:.2f} | {r['cluster_seconds']:.2f} | "
                         f"{r['seconds']:.2f} | {r.get('growth_per_doubling') or ''} | {r['peak_mib']:.0f} |")
    return "\n".join(lines) + "\n"


def compare(per_cluster: dict[str, list[dict]], peers: Sequence[str], samples: int, seed: int) -> tuple[dict, dict]:
    """Each system's means and intervals, and our paired difference from each peer."""
    systems = {}
    for name, rows in per_cluster.items():
        entry = {"sec_per_cluster": round(float(np.mean([r["seconds"] for r in rows])), 4),
                 "words": float(np.mean([r["words"] for r in rows]))}
        for metric in METRICS:
            values = np.array([r[f"{metric}_f1"] for r in rows])
            entry[metric] = round(float(values.mean()), 2)
            entry[f"{metric}_ci"] = bootstrap_interval(values, samples, seed)
            entry[f"{metric}_recall"] = round(float(np.mean([r[f"{metric}_recall"] for r in rows])), 2)
        systems[name] = entry
    paired = {}
    for peer in peers:
        paired[peer] = {}
        for metric in METRICS:
            diff = np.array([a[f"{metric}_f1"] - b[f"{metric}_f1"] for a, b in zip(per_cluster[OURS], per_cluster[peer])])
            paired[peer][metric] = {"mean": round(float(diff.mean()), 2), "ci": bootstrap_interval(diff, samples, seed)}
    return systems, paired


def run_bench(cfg: DictConfig, out: Path) -> dict:
    """The benchmark at each of `cfg.budget_words` (one number or a list): every system is cut to
    each budget; our pipeline runs once per budget (the second and later reuse the embeddings
    the first computed, so their seconds per cluster are lower than a night's)."""
    from bench.peers import build_peers  # sumy: only the benchmark needs it

    budgets = [int(b) for b in cfg.budget_words] if OmegaConf.is_list(cfg.budget_words) else [int(cfg.budget_words)]
    clusters = load_clusters(cfg.data, cfg.limit)
    install_punkt_tab(Path(cfg.paths.root) / ".cache" / "nltk_data")
    single = {b: bench_settings(cfg, b) for b in budgets}
    load_stages: dict = {}
    models = load_models(single[budgets[0]], load_stages)
    peers = build_peers(list(cfg.peers))
    per_budget: dict[int, dict[str, list[dict]]] = {b: defaultdict(list) for b in budgets}
    stage_seconds: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    split = punkt_tokenizer().tokenize
    for index, cluster in enumerate(clusters):
        for budget, per_cluster in per_budget.items():
            sentences, seconds = run_ours(cluster, cfg, single[budget], models, stage_seconds, counts)
            per_cluster[OURS].append({"seconds": seconds, "words": sum(len(s.split()) for s in sentences),
                                      **rouge_over_references(sentences, cluster["references"])})
            for name, summarize in peers.items():
                start = time.perf_counter()
                text = summarize(cluster["documents"], budget)
                seconds = time.perf_counter() - start
                per_cluster[name].append({"seconds": seconds, "words": len(text.split()),
                                          **rouge_over_references(split(text), cluster["references"])})
        log.info("%d/%d %s R2 %s", index + 1, len(clusters), cluster["id"],
                 {f"{n}@{b}": round(rows[-1]["rouge2_f1"], 1) for b, pc in per_budget.items() for n, rows in pc.items()})

    samples, seed = cfg.bootstrap_samples, cfg.seed
    by_budget = {b: dict(zip(("systems", "paired"), compare(pc, list(peers), samples, seed))) for b, pc in per_budget.items()}
    systems, paired = by_budget[budgets[0]]["systems"], by_budget[budgets[0]]["paired"]
    ours = {
        "load_seconds": {name: record["seconds"] for name, record in load_stages.items()},
        "stage_seconds": {name: round(float(np.mean(v)), 4) for name, v in stage_seconds.items()},
        "failed": counts["failed"],
    }
    if "generate" in stage_seconds:
        generate_seconds = float(np.sum(stage_seconds["generate"]))
        ours["generation"] = {
            "new_tokens_per_second": round(counts["new_tokens"] / generate_seconds, 1) if generate_seconds else None,
            "generated": counts["generated"], "kept": counts["kept"], "replaced": counts["replaced"],
            "dropped_input_tokens": counts["dropped_tokens"],
        }
    # The first budget's figures stand at the top level (as with one budget); every budget's under "budgets".
    results = {
        "data": cfg.data, "clusters": len(clusters), "budget_words": budgets[0], "model": cfg.model.name,
        "systems": systems, "paired": paired, "ours": ours, "peak_memory_mib": peak_memory_mib(),
        "per_cluster": {name: rows for name, rows in per_budget[budgets[0]].items()},
        "budgets": {str(b): entry | {"per_cluster": dict(per_budget[b])} for b, entry in by_budget.items()},
    }
    results["scaling"] = scaling_run(list(cfg.scaling_sizes))
    results["charts"] = charts(results, out)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report = markdown_report(results)
    (out / "results.md").write_text(report)
    return results


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="bench/default")
def main(cfg: DictConfig) -> None:
    out = Path(HydraConfig.get().runtime.output_dir)
    run_bench(cfg, out)
    print((out / "results.md").read_text())
    print(f"results in {out}")


if __name__ == "__main__":
    main()
