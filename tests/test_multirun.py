"""`python -m summarize -m ...`: many events in one process, models loaded once, failures contained."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from summarize.__main__ import exit_code
from summarize.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """Four jobs: events ev_a and ev_b, each on the lee_beijing articles and on a missing folder."""
    tmp = tmp_path_factory.mktemp("multirun")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZE_", "HYDRA_"))}
    good, missing = PROJECT_ROOT / "data" / "lee_beijing", tmp / "missing"
    result = subprocess.run(
        [
            sys.executable, "-m", "summarize", "-m", "+event=lee_beijing", "event.id=ev_a,ev_b",
            f"event.inputs={good},{missing}", f"paths.shared_dir={tmp / 'shared'}", f"hydra.sweep.dir={tmp / 'sweep'}",
        ],
        cwd=tmp, env=env, capture_output=True, text=True, timeout=300,
    )
    return tmp, result


@pytest.mark.slow
def test_every_job_runs_although_some_fail(sweep):
    tmp, result = sweep

    assert result.returncode == 3, result.stderr  # the largest code of a failed job
    assert result.stderr.strip().splitlines()[-1] == "summarize: 2 of 4 events failed: ev_a (exit 3), ev_b (exit 3)"
    for event in ("ev_a", "ev_b"):
        assert (tmp / "shared" / event / "brief.md").read_text(encoding="utf-8").startswith("# South Korean President")


@pytest.mark.slow
def test_models_load_once_per_process(sweep):
    tmp, _ = sweep
    published = {}
    for path in (tmp / "sweep").glob("*/manifest.json"):
        manifest = json.loads(path.read_text())
        published[manifest["event"]] = manifest["stages"]
    assert sorted(published) == ["ev_a", "ev_b"]
    assert "dim" in published["ev_a"]["embed"]["counts"]  # loaded by the first job
    assert published["ev_b"]["embed"]["counts"] == {"reused": True}
    first, second = published["ev_a"]["model"]["counts"], published["ev_b"]["model"]["counts"]
    assert second == {"reused": True, "pid": first["pid"], "loads_in_process": 1}
    assert first["loads_in_process"] == 1
    logs = "".join(p.read_text() for p in (tmp / "sweep").glob("*/summarize.log"))
    assert logs.count("loaded in process") == 1


@pytest.mark.parametrize(
    ("codes", "expected"),
    [([0, 0], 0), ([6, 6], 6), ([0, 6], 0), ([0, 3], 3), ([5, 3, 6], 5), ([1, 0], 1), ([], 0)],
)
def test_a_batch_exits_with_its_largest_failure_else_skipped_only_when_all_were(codes, expected):
    assert exit_code([(f"e{i}", code) for i, code in enumerate(codes)]) == expected
