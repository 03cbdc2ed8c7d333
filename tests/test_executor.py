"""A batch of events: in this process, and on a local Ray (executor=ray), with the same briefs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarize.config import PROJECT_ROOT
from summarize.errors import UsageError
from summarize.runtime.executor import run_locally, run_on_ray
from summarize.settings import RayExecutor

SEEDS = PROJECT_ROOT / "data" / "lee_beijing"


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    """Three small events cut from the lee_beijing articles, and one whose folder is missing."""
    tmp = tmp_path_factory.mktemp("events")
    seeds = sorted(SEEDS.iterdir())
    folders = {"ev_all": seeds, "ev_first": seeds[:3], "ev_last": seeds[2:]}
    for name, files in folders.items():
        (tmp / name).mkdir()
        for seed in files:
            shutil.copy(seed, tmp / name / seed.name)
    inputs = {name: tmp / name for name in folders} | {"ev_missing": tmp / "missing"}
    return tmp, inputs


def configs(compose_settings, inputs: dict, shared: Path) -> list:
    return [
        compose_settings("+event=lee_beijing", f"event.id={name}", f"event.inputs={folder}", f"paths.shared_dir={shared}")
        for name, folder in inputs.items()
    ]


@pytest.fixture(scope="module")
def ray_session():
    """One local Ray for this module's batches (a start costs about 10 s); run_on_ray joins a
    running Ray and leaves it running. test_command_line_batch_on_ray covers it starting its own."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def both(events, ray_session):
    from summarize.config import compose_settings

    tmp, inputs = events
    local = run_locally(configs(compose_settings, inputs, tmp / "local"), tmp / "runs_local")
    on_ray = run_on_ray(configs(compose_settings, inputs, tmp / "ray"), tmp / "runs_ray", RayExecutor(num_cpus=2, workers=2))
    return tmp, local, on_ray


def brief_files(shared: Path, event: str) -> tuple[str, dict]:
    """brief.md and brief.json without the moment they were generated."""
    md = (shared / event / "brief.md").read_text(encoding="utf-8").splitlines()
    doc = json.loads((shared / event / "brief.json").read_text(encoding="utf-8"))
    doc.pop("generated_at")
    # The header's "updated 3 Dec 2026, 10:16 UTC" is the moment too.
    return "\n".join(line for line in md if " · updated " not in line), doc


@pytest.mark.slow
def test_the_ray_executor_publishes_the_same_briefs_as_the_local_one(both):
    tmp, local, on_ray = both
    assert [(o.event, o.exit_code) for o in local] == [("ev_all", 0), ("ev_first", 0), ("ev_last", 0), ("ev_missing", 3)]
    assert [(o.event, o.exit_code) for o in on_ray] == [(o.event, o.exit_code) for o in local]
    for event in ("ev_all", "ev_first", "ev_last"):
        assert brief_files(tmp / "ray", event) == brief_files(tmp / "local", event)
    # Three different events, so three different briefs.
    assert len({brief_files(tmp / "ray", e)[0] for e in ("ev_all", "ev_first", "ev_last")}) == 3


@pytest.mark.slow
def test_a_failed_event_is_reported_the_same_way_and_publishes_nothing(both):
    tmp, local, on_ray = both
    assert on_ray[-1].message == local[-1].message == f"event.inputs: no folder {tmp / 'missing'}"
    assert not (tmp / "ray" / "ev_missing").exists()
    # ... and the index shows it in both (issue 23: on Ray no status was written).
    assert failure_status(tmp / "ray", "ev_missing") == failure_status(tmp / "local", "ev_missing") == {
        # The index is public: the message names the folder, not where the machine keeps it.
        "exit_code": 3, "message": "event.inputs: no folder missing",
    }


def failure_status(shared: Path, event: str) -> dict:
    """The event's last-run status as the index reads it, without its time."""
    from summarize.runtime.index import status_path

    status = json.loads(status_path(shared, event).read_text())
    assert status.pop("last_failure")
    return status


def test_a_failing_ray_step_records_the_failure_for_the_index_as_a_local_run_does(events):
    """A failing event of an executor=ray batch wrote no status: the index kept showing its last
    success. The steps run here in this process, as a Ray worker runs them."""
    import pickle

    from summarize.config import compose_settings
    from summarize.runtime.executor import _row, read_step

    tmp, inputs = events
    missing = {"ev_missing": inputs["ev_missing"]}
    run_locally(configs(compose_settings, missing, tmp / "step_local"), tmp / "runs_step_local")
    settings = configs(compose_settings, missing, tmp / "step_ray")[0]

    row = read_step(_row("ev_missing", str(tmp / "runs_step_ray" / "ev_missing"), "new", payload=pickle.dumps(settings)))

    assert (row["status"], row["code"]) == ("failed", 3)
    assert failure_status(tmp / "step_ray", "ev_missing") == failure_status(tmp / "step_local", "ev_missing")


@pytest.mark.slow
def test_each_ray_worker_loads_the_models_once(both):
    tmp, _, on_ray = both
    workers = {o.model_pid for o in on_ray if o.exit_code == 0}
    assert 1 <= len(workers) <= 2 and os.getpid() not in workers
    for outcome in on_ray[:3]:
        stages = json.loads(Path(outcome.manifest).read_text())["stages"]
        # Loaded when the worker started, so every event found them loaded already.
        assert stages["embed"]["counts"] == {"reused": True}
        assert stages["model"]["counts"] == {"reused": True, "pid": outcome.model_pid, "loads_in_process": 1}
        assert Path(outcome.manifest).parent == tmp / "runs_ray" / outcome.event


@pytest.mark.slow
def test_a_second_ray_batch_with_nothing_changed_is_skipped(both, events, ray_session):
    from summarize.config import compose_settings

    tmp, inputs = events
    again = run_on_ray(configs(compose_settings, inputs, tmp / "ray"), tmp / "runs_ray_again", RayExecutor(num_cpus=2, workers=1))
    assert [o.exit_code for o in again] == [6, 6, 6, 3]


def test_without_ray_the_executor_says_how_to_install_it(monkeypatch, compose_cfg):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(UsageError, match=r"executor=ray needs Ray: pip install -e '\.\[ray\]'"):
        run_on_ray([compose_cfg("+event=lee_beijing")], Path("/nowhere"), RayExecutor())


@pytest.mark.slow
def test_command_line_batch_on_ray(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZE_", "HYDRA_"))}
    env |= {"SUMMARIZE_SHARED_DIR": str(tmp_path / "shared"), "SUMMARIZE_RUNS_DIR": str(tmp_path / "runs")}
    result = subprocess.run(
        [sys.executable, "-m", "summarize", "executor=ray", "executor.events=[lee_beijing]", "executor.num_cpus=2", "executor.workers=1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "summarize: lee_beijing: published" in result.stderr
    assert (tmp_path / "shared" / "lee_beijing" / "brief.md").read_text(encoding="utf-8").startswith("# South Korean")


@pytest.mark.slow
def test_sigterm_stops_a_ray_batch_as_it_stops_a_run(tmp_path):
    """Ray put its own SIGTERM handler in place: the batch exited 1, 134 or 15 with Ray's output
    and no `summarize:` line."""
    pytest.importorskip("ray")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZE_", "HYDRA_"))}
    env |= {"SUMMARIZE_SHARED_DIR": str(tmp_path / "shared")}
    process = subprocess.Popen(
        [sys.executable, "-m", "summarize", "executor=ray", "executor.events=[lee_beijing]", "executor.num_cpus=2",
         "executor.workers=1", f"hydra.run.dir={tmp_path / 'run'}"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        log = tmp_path / "run" / "summarize.log"
        deadline = time.monotonic() + 240
        while not (log.is_file() and "running 1 event(s) on Ray" in log.read_text()):  # Ray has started
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 143, stderr[-3000:]
    assert stderr.strip().splitlines()[-1] == "summarize: error: stopped by SIGTERM; the previous brief is intact"
    assert not (tmp_path / "shared" / "lee_beijing").exists()
