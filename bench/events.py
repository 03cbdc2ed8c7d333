"""Events per hour for a nightly batch: one process per event, one process for all, and Ray.

    .venv/bin/python -m bench.events [--events 50] [--process-events 10] [--data PATH]

Each cluster of the dev set (read where it lies) becomes an event: its documents are written as
article files into a temporary folder, and the event has no title, keywords or outlet names
(the benchmark's own settings). Every mode publishes into a shared folder of its own, so each
does the full work. Modes:

  processes   `python -m summarize` once per event, one after another (scripts/nightly.sh);
              each process loads the models again. Run on the first --process-events events.
  in-process  every event in one process (executor.run_locally, what a Hydra multirun does).
  ray-1/ray-2 executor.run_on_ray on a local Ray with 1 and 2 model workers, start-up included.

Model loads are counted from the manifests (an event whose embed stage loaded the encoder)
and, on Ray, from the distinct worker processes that summarised events (each loads in its
constructor; every manifest then says `reused`). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.quality import load_clusters
from summarize.config import compose
from summarize.runtime.executor import run_locally, run_on_ray

ROOT = Path(__file__).resolve().parent.parent


def event_overrides(event_id: str, folder: Path, shared: Path) -> list[str]:
    return [
        "+event=lee_beijing", f"event.id={event_id}", f"event.inputs={folder}", "event.title=null",
        "event.keywords=[]", "~event.outlets", "clean.min_similarity=0.2", f"paths.shared_dir={shared}",
        # Every mode embeds every sentence, as for a night of new events: no vectors from the mode before.
        "embed.store_vectors=false",
    ]


def write_events(clusters: list[dict], folder: Path) -> dict[str, Path]:
    events = {}
    for number, cluster in enumerate(clusters):
        event = folder / f"dev_{number:02d}"
        event.mkdir(parents=True)
        for index, document in enumerate(cluster["documents"]):
            (event / f"doc_{index}.txt").write_text(document, encoding="utf-8")
        events[event.name] = event
    return events


def loads_in_manifests(paths: list[str]) -> int:
    return sum("dim" in json.loads(Path(p).read_text())["stages"]["embed"]["counts"] for p in paths)


def bench_processes(events: dict[str, Path], tmp: Path) -> dict:
    manifests, codes = [], []
    start = time.perf_counter()
    for event, folder in events.items():
        run_dir = tmp / "runs_processes" / event
        overrides = event_overrides(event, folder, tmp / "shared_processes")
        result = subprocess.run(
            [sys.executable, "-m", "summarize", *overrides, f"hydra.run.dir={run_dir}"],
            cwd=tmp, capture_output=True, text=True,
        )
        codes.append(result.returncode)
        if (run_dir / "manifest.json").exists():
            manifests.append(str(run_dir / "manifest.json"))
    return {"wall": time.perf_counter() - start, "codes": codes, "loads": loads_in_manifests(manifests)}


def bench_in_process(events: dict[str, Path], tmp: Path, name: str, workers: int | None) -> dict:
    cfgs = [compose(*event_overrides(event, folder, tmp / f"shared_{name}")) for event, folder in events.items()]
    start = time.perf_counter()
    if workers is None:
        outcomes = run_locally(cfgs, tmp / f"runs_{name}")
    else:
        outcomes = run_on_ray(cfgs, tmp / f"runs_{name}", num_cpus=os.cpu_count(), workers=workers)
    wall = time.perf_counter() - start
    manifests = [o.manifest for o in outcomes if o.manifest]
    loads = loads_in_manifests(manifests) if workers is None else len({o.model_pid for o in outcomes if o.model_pid})
    if workers is not None:
        assert loads_in_manifests(manifests) == 0, "a Ray worker loaded the models again for an event"
    return {"wall": wall, "codes": [o.exit_code for o in outcomes], "loads": loads}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "eval" / "multinews_dev50.jsonl"))
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--process-events", type=int, default=10)
    parser.add_argument("--modes", default="processes,in-process,ray-1,ray-2")
    args = parser.parse_args()
    modes = args.modes.split(",")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        events = write_events(load_clusters(args.data, args.events), tmp / "events")
        rows = {}
        if "processes" in modes:
            rows["processes (one per event)"] = bench_processes(dict(list(events.items())[: args.process_events]), tmp)
        if "in-process" in modes:
            rows["in-process (multirun)"] = bench_in_process(events, tmp, "local", None)
        for workers in (1, 2):
            if f"ray-{workers}" in modes:
                rows[f"Ray, {workers} worker{'s' if workers > 1 else ''}"] = bench_in_process(events, tmp, f"ray{workers}", workers)
    print(f"{os.cpu_count()} CPUs; events from {Path(args.data).name}\n")
    print("| mode | events | published | failed | wall s | s/event | events/hour | model loads |")
    print("|---|---|---|---|---|---|---|---|")
    for mode, row in rows.items():
        events_run = len(row["codes"])
        published = sum(code == 0 for code in row["codes"])
        failed = sum(code not in (0, 6) for code in row["codes"])
        print(
            f"| {mode} | {events_run} | {published} | {failed} | {row['wall']:.1f} | {row['wall'] / events_run:.2f} "
            f"| {3600 * events_run / row['wall']:.0f} | {row['loads']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
