"""Time the nightly command end to end: wall time, peak memory and seconds per stage.

    .venv/bin/python -m bench.run [--event lee_beijing] [--runs 3] [OVERRIDE ...]

Each run is a fresh `python -m summarize` process, as the scheduler starts it; the first run
after set-up is the cold one (bytecode and file caches empty), later ones are warm. Peak memory
is the child's own maximum resident set size (os.wait4), per run. Prints a Markdown table.
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

from summarize.runtime.runner import STAGE_NAMES

# The stages an extractive run records (the generate and guard stages run only with a neural writer).
STAGES = tuple(name for name in STAGE_NAMES if name not in ("generate", "guard"))
ROOT = Path(__file__).resolve().parent.parent


def run_once(event: str, workdir: Path, overrides: list[str]) -> dict:
    command = [
        sys.executable, "-m", "summarize", f"+event={event}", "force=true",  # every run does the full job
        f"paths.shared_dir={workdir / 'shared'}", f"hydra.run.dir={workdir / 'run'}", *overrides,
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"run failed with exit code {os.waitstatus_to_exitcode(status)}: {' '.join(command)}")
    manifest = json.loads((workdir / "run" / "manifest.json").read_text())
    return {
        "wall": wall,
        "peak_mib": usage.ru_maxrss / 1024,
        "stages": {name: manifest["stages"][name]["seconds"] for name in STAGES},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event", default="lee_beijing")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every run, e.g. embed.store_vectors=false")
    args = parser.parse_args()
    print(f"| run | wall s | peak MiB | {' | '.join(STAGES)} |")
    print("|---" * (3 + len(STAGES)) + "|")
    for index in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            result = run_once(args.event, Path(tmp), args.overrides)
        stages = " | ".join(f"{result['stages'][s]:.2f}" for s in STAGES)
        print(f"| {index + 1} | {result['wall']:.2f} | {result['peak_mib']:.0f} | {stages} |", flush=True)


if __name__ == "__main__":
    main()
