"""Many small articles: time and memory of every stage as an event grows to thousands of articles.

    .venv/bin/python -m bench.many_articles [--sizes 1000,2500,5000,10000,20000] [OVERRIDE ...]
    .venv/bin/python -m bench.many_articles --size 5000 [OVERRIDE ...]   (one size: one JSON line)

Each event is a folder of small articles, two sentences each, as a live blog or a feed of short
wire items gives them: sentences of data/lee_beijing (82 of six words or more), half of them
whole and half recombined (the start of one with the end of another), every number varied. They
read as one story, and whole sentences without a number repeat as wire lines repeat across a
feed. The event is lee_beijing's (its title and keywords), run as a run runs it, with the real
encoder and no vector store (every sentence is embedded). Each size runs in its own process, so
its peak memory (resident set, VmHWM) is its own, models and libraries included.

Prints a Markdown table: articles, sentences after cleaning, align's candidate pairs, wall
seconds per stage and in all (loading the models not included), CPU seconds of the stages (all
threads; on a shared machine wall time measures the neighbours' load too), peak MiB.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from summarize.config import PROJECT_ROOT, compose_settings
from summarize.runtime.manifest import peak_memory_mib
from summarize.runtime.runner import STAGES, load_models, read_event, run_step
from summarize.settings import Settings
from summarize.types import EventWork

SEED_ARTICLES = PROJECT_ROOT / "data" / "lee_beijing"
SENTENCES_PER_ARTICLE = 2
# The stages an extractive run without a reference spends time in, in order (score is a no-op).
TIMED = ("read", "clean", "split", "align", "claims", "cluster", "write")
DEFAULT_SIZES = "1000,2500,5000,10000,20000"


def seed_sentences() -> list[str]:
    """The sample event's whole sentences of six words or more, as scripts/failure_cases.py takes them."""
    lines = [line for path in sorted(SEED_ARTICLES.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    found = [s for line in lines for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line)]
    return sorted({s for s in found if len(s.split()) >= 6 and s.endswith(".")})


def varied_sentence(seeds: list[str], rng: random.Random) -> str:
    """A seed sentence, or half the time the first part of one joined to the last part of
    another; every number in it replaced by another."""
    words = rng.choice(seeds).split()
    if rng.random() < 0.5:
        tail = rng.choice(seeds).split()
        words = words[: rng.randint(3, max(3, len(words) - 2))] + tail[rng.randint(1, max(1, len(tail) - 3)) :]
    text = " ".join(words)
    return re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), text)


def write_event(folder: Path, sentences: int, seed: int = 7) -> int:
    """`sentences` sentences in articles of SENTENCES_PER_ARTICLE each, written into `folder`;
    returns the number of articles."""
    seeds, rng = seed_sentences(), random.Random(seed)
    articles = max(2, sentences // SENTENCES_PER_ARTICLE)
    for index in range(articles):
        body = " ".join(varied_sentence(seeds, rng) for _ in range(SENTENCES_PER_ARTICLE))
        (folder / f"{index:05d}.txt").write_text(f"date 2026-01-{5 + index % 3:02d}\n{body}\n", encoding="utf-8")
    return articles


def run_stages(settings: Settings) -> tuple[EventWork, dict, dict]:
    """The event read and run to the written brief, as a run does it; the stages' record (wall
    seconds and counts, as the manifest has them) and each stage's CPU seconds after reading
    (all threads: on a shared machine the wall time measures the neighbours too)."""
    event = read_event(settings)
    models = load_models(settings, event.stages)
    work, cpu = event.work, {}
    for entry in STAGES:
        if entry.neural:
            continue
        start = time.process_time()
        work = run_step(entry.name, entry.build(settings, models), work, event.stages)
        cpu[entry.name] = time.process_time() - start
    return work, event.stages, cpu


def measure(sentences: int, overrides: list[str]) -> dict:
    """One event of `sentences` sentences run from reading to writing in this process."""
    with tempfile.TemporaryDirectory(prefix="summarize-many-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        articles = write_event(folder, sentences)
        settings = compose_settings(
            "+event=lee_beijing", f"event.inputs={folder}", "event.outlets={}", "embed.store_vectors=false",
            f"paths.shared_dir={Path(tmp) / 'shared'}", *overrides,
        )
        work, record, cpu = run_stages(settings)
    return {
        "articles": articles,
        "sentences": len(work.sentences),
        "candidate_pairs": record["align"]["counts"]["candidate_pairs"],
        "facts": len(work.facts),
        "seconds": {name: record[name]["seconds"] for name in TIMED},
        "cpu_seconds": {name: round(cpu[name], 2) for name in TIMED if name in cpu},
        "total_seconds": round(sum(record[name]["seconds"] for name in TIMED), 2),
        "total_cpu_seconds": round(sum(cpu.values()), 2),
        "peak_mib": peak_memory_mib(),
    }


def table_row(result: dict) -> str:
    stages = " | ".join(f"{result['seconds'][name]:.1f}" for name in TIMED)
    return (
        f"| {result['articles']:,} | {result['sentences']:,} | {result['candidate_pairs']:,} | {stages} | "
        f"{result['total_seconds']:.1f} | {result['total_cpu_seconds']:.1f} | {result['peak_mib']:,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="sentences per event, comma-separated")
    parser.add_argument("--size", type=int, help="run one size in this process and print its JSON line")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every size, e.g. align.max_neighbours=20")
    args = parser.parse_args()
    if args.size:
        print(json.dumps(measure(args.size, args.overrides)))
        return
    print(f"| articles | sentences | candidate pairs | {' | '.join(f'{s} s' for s in TIMED)} | total s | CPU s | peak MiB |")
    print("|---" * (7 + len(TIMED)) + "|")
    for size in (int(s) for s in args.sizes.split(",")):
        # A process per size: its peak memory is its own, and a large size cannot inflate the next.
        done = subprocess.run(
            [sys.executable, "-m", "bench.many_articles", "--size", str(size), *args.overrides],
            check=True, capture_output=True, text=True, cwd=PROJECT_ROOT,
        )
        print(table_row(json.loads(done.stdout.strip().splitlines()[-1])), flush=True)


if __name__ == "__main__":
    main()
