"""The run's manifest.json: what the run read, how it was configured, what each stage did and
cost, and what it published; written into the run's own folder at the end of every run."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import resource
from pathlib import Path

from summarize.runtime.files import write_atomic
from summarize.runtime.render import json_text
from summarize.settings import Settings
from summarize.types import EventWork


def peak_memory_mib() -> float:
    """This process's own peak resident memory. VmHWM, not getrusage's maxrss: a child started
    by a large parent (the benchmark's scaling runs) can report the parent's peak as its own."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# manifest.json's contract (summarize/schemas/manifest.schema.json), versioned as brief.json's is.
MANIFEST_SCHEMA_VERSION = "1.1"  # 1.1: run_warnings


def build_manifest(settings: Settings, key: str, work: EventWork, stages: dict, status: str, outputs: dict) -> dict:
    """The run's record; `stages` is the runner's record of each stage's seconds and counts."""
    return {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "event": work.event.id,
        "status": status,
        "key": key,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "config": dataclasses.asdict(settings),
        "inputs": [{"path": a.path, "sha256": a.sha256, "outlet": a.outlet} for a in work.articles],
        "stages": stages,
        "seconds_total": round(sum(s["seconds"] for s in stages.values()), 3),
        "peak_memory_mib": peak_memory_mib(),
        "scores": work.scores,
        "dropped_blocks": [{"article": d.article_id, "reason": d.reason, "text": d.text} for d in work.dropped],
        "outputs": outputs,
    }


def write_manifest(run_dir: Path, manifest: dict) -> None:
    """Write `run_dir`/manifest.json and record its path in `manifest["outputs"]`."""
    manifest_path = run_dir / "manifest.json"
    write_atomic(manifest_path, json_text(manifest))
    manifest["outputs"]["manifest"] = str(manifest_path)
