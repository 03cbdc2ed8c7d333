"""scripts/nightly.sh: every event in turn, a log, and a status naming the events that failed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from summarize.config import PROJECT_ROOT, available_events

NIGHTLY = PROJECT_ROOT / "scripts" / "nightly.sh"
# Stands in for `python -m summarize`: records its arguments and exits as the event's name says.
FAKE_PYTHON = """#!/bin/sh
echo "$@" >> "{calls}"
case "$3" in +event=broken_input) exit 3;; +event=unchanged) exit 6;; +event=busy) exit 7;; *) exit 0;; esac
"""


def nightly(*events: str, tmp_path, python: str, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZE_")}
    env |= {"SUMMARIZE_PYTHON": python, "SUMMARIZE_LOG_DIR": str(tmp_path / "log")} | (extra_env or {})
    return subprocess.run(["bash", str(NIGHTLY), *events], env=env, capture_output=True, text=True, timeout=300)


def fake_python(tmp_path) -> str:
    path = tmp_path / "python"
    path.write_text(FAKE_PYTHON.format(calls=tmp_path / "calls"))
    path.chmod(0o755)
    return str(path)


def the_log(tmp_path) -> str:
    (log,) = (tmp_path / "log").iterdir()
    return log.read_text()


def test_runs_every_configured_event_by_default(tmp_path):
    result = nightly(tmp_path=tmp_path, python=fake_python(tmp_path))

    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls == [f"-m summarize +event={event}" for event in available_events()]
    assert f"published: {available_events()[0]}" in the_log(tmp_path)


def test_events_kept_outside_the_checkout_run_with_their_folder_on_the_search_path(tmp_path):
    (tmp_path / "events" / "event").mkdir(parents=True)
    (tmp_path / "events" / "event" / "quake.yaml").write_text("id: quake\ntitle: A quake\ninputs: /srv/quake\n")
    result = nightly(tmp_path=tmp_path, python=fake_python(tmp_path), extra_env={"SUMMARIZE_EVENTS_DIR": str(tmp_path / "events")})

    assert result.returncode == 0, result.stderr
    search = f"hydra.searchpath=[file://{tmp_path / 'events'}]"
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls == [f"-m summarize +event={event} {search}" for event in [*available_events(), "quake"]]


def test_failed_events_are_named_and_make_the_batch_fail(tmp_path):
    result = nightly("good", "broken_input", "unchanged", "busy", "other", tmp_path=tmp_path, python=fake_python(tmp_path))

    assert result.returncode == 1
    assert result.stderr.strip().startswith("nightly: 2 of 5 events failed: broken_input (exit 3), busy (exit 7)")
    # Every event ran although earlier ones failed.
    assert len((tmp_path / "calls").read_text().splitlines()) == 5
    log = the_log(tmp_path)
    for line in ("published: good", "FAILED with exit code 3: broken_input", "skipped (nothing changed): unchanged",
                 "FAILED with exit code 7: busy", "published: other"):
        assert line in log


@pytest.mark.slow
def test_real_runs_publish_skip_and_fail(tmp_path):
    """The real job: lee_beijing publishes, its rerun is skipped, an unknown event fails (exit 2)."""
    env = {"SUMMARIZE_SHARED_DIR": str(tmp_path / "shared"), "SUMMARIZE_RUNS_DIR": str(tmp_path / "runs")}
    result = nightly("lee_beijing", "lee_beijing", "nosuch", tmp_path=tmp_path, python=sys.executable, extra_env=env)

    assert result.returncode == 1
    assert "1 of 3 events failed: nosuch (exit 2)" in result.stderr
    log = the_log(tmp_path)
    assert log.index("published: lee_beijing") < log.index("skipped (nothing changed): lee_beijing")
    assert "unknown event 'nosuch'" in log
    assert (tmp_path / "shared" / "lee_beijing" / "brief.md").is_file()
    assert len(list((tmp_path / "runs").glob("*/*"))) == 2  # the run folders went where they were told
