"""`python -m summarize`: exit codes, the run folder and its log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.config import PROJECT_ROOT, available_events


def summarize(*args: str, cwd: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "SUMMARIZE_SHARED_DIR")}
    return subprocess.run(
        [sys.executable, "-m", "summarize", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )


def test_no_event_exits_2_and_lists_the_events(tmp_path):
    result = summarize(f"hydra.run.dir={tmp_path}/run", cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert "no event given" in result.stderr
    for event in available_events():
        assert event in result.stderr
    assert "lee_beijing" in result.stderr
    log = (tmp_path / "run" / "summarize.log").read_text()
    assert "no event given" in log


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    result = summarize(
        "+event=lee_beijing", f"paths.shared_dir={tmp}/shared", f"hydra.run.dir={tmp}/run", cwd=tmp
    )
    return tmp, result


def test_full_run_publishes_the_brief(full_run):
    tmp, result = full_run

    assert result.returncode == 0, result.stderr
    brief = tmp / "shared" / "lee_beijing" / "brief.md"
    assert brief.is_file()
    assert brief.read_text(encoding="utf-8").startswith("# South Korean President Lee Jae Myung")
    assert (tmp / "shared" / "lee_beijing" / "brief.json").is_file()
    # The one line on stdout that is not a log record names the brief.
    assert result.stdout.strip().splitlines()[-1] == str(brief)


def test_full_run_writes_its_log_and_manifest_in_the_run_folder(full_run):
    tmp, result = full_run
    run_dir = tmp / "run"

    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in run_dir.iterdir() if p.is_file()) == ["manifest.json", "summarize.log"]
    assert not (run_dir / "__main__.log").exists()
    log = (run_dir / "summarize.log").read_text()
    for stage in ("read", "clean", "split", "dedup", "cluster", "write", "score", "publish"):
        assert f"] - {stage} " in log, stage
    assert "published" in log
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["outputs"]["markdown"] == str(tmp / "shared" / "lee_beijing" / "brief.md")
    assert manifest["config"]["paths"]["shared_dir"] == str(tmp / "shared")
    # Nothing was written into the checkout's shared folder.
    assert not str(manifest["outputs"]["json"]).startswith(str(PROJECT_ROOT))


def test_input_error_exits_3(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = summarize(
        "+event=lee_beijing", f"event.inputs={empty}", f"paths.shared_dir={tmp_path}/shared",
        f"hydra.run.dir={tmp_path}/run", cwd=tmp_path,
    )

    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("summarize: error: no article files")
    assert not (tmp_path / "shared").exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [("+event=no_such_event", "lee_beijing"), ("write.no_such_key=1", "no_such_key")],
    ids=["unknown-event", "unknown-key"],
)
def test_hydra_config_errors_exit_1_with_a_message(tmp_path, override, message):
    """README: exit 1 covers Hydra's own errors, such as an unknown config group option (+event=nosuch)."""
    args = [override] if override.startswith("+event") else ["+event=lee_beijing", override]
    result = summarize(*args, f"paths.shared_dir={tmp_path}/shared", f"hydra.run.dir={tmp_path}/run", cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert message in result.stderr  # an unknown event lists the available ones
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "shared").exists()


def test_unexpected_error_exits_1_with_the_traceback_in_the_log(tmp_path):
    """__main__: '1 anything unexpected (traceback in the run's summarize.log)'."""
    result = summarize(
        "+event=lee_beijing", "read.max_bytes=not-a-number", f"paths.shared_dir={tmp_path}/shared",
        f"hydra.run.dir={tmp_path}/run", cwd=tmp_path,
    )

    assert result.returncode == 1, result.stderr
    log = (tmp_path / "run" / "summarize.log").read_text()
    assert "Traceback (most recent call last)" in log
    assert "TypeError" in log
