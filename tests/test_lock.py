"""One run per event at a time (summarize/runtime/lock.py), taken over when its holder was killed."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time

import pytest

from summarize.errors import BusyError, PublishError
from summarize.runtime.lock import EventLock

FORK = multiprocessing.get_context("fork")


def hold(path, ready, release):
    with EventLock(path, timeout_s=5):
        ready.set()
        release.wait(30)


@pytest.fixture
def holder():
    """holder(path) -> a process holding the lock at `path` until killed or released."""
    processes = []

    def start(path):
        ready, release = FORK.Event(), FORK.Event()
        process = FORK.Process(target=hold, args=(path, ready, release), daemon=True)
        process.start()
        assert ready.wait(10)
        processes.append((process, release))
        return process, release

    yield start
    for process, release in processes:
        # Event.set() waits for every waiter to wake, and a killed waiter never does.
        if process.is_alive():
            release.set()
            process.join(5)


def test_lock_is_taken_and_released(tmp_path):
    path = tmp_path / "locks" / "ev.lock"
    with EventLock(path, timeout_s=1):
        assert f"pid {os.getpid()}" in path.read_text()
    assert path.read_text() == ""  # a clean exit leaves nothing that looks like a killed run
    with EventLock(path, timeout_s=0):
        pass


def test_a_second_run_of_the_same_event_waits_then_gives_up_busy(tmp_path, holder):
    path = tmp_path / "ev.lock"
    process, _ = holder(path)

    start = time.monotonic()
    with pytest.raises(BusyError) as caught:
        with EventLock(path, timeout_s=0.5, poll_s=0.05):
            pytest.fail("two runs of one event held its lock at once")
    assert time.monotonic() - start >= 0.5
    assert caught.value.exit_code == 7
    assert f"pid {process.pid}" in str(caught.value) and str(path) in str(caught.value)


def test_a_waiting_run_proceeds_when_the_first_finishes(tmp_path, holder):
    path = tmp_path / "ev.lock"
    process, release = holder(path)
    releaser = FORK.Process(target=lambda: (time.sleep(0.3), release.set()))
    releaser.start()

    with EventLock(path, timeout_s=10, poll_s=0.05):
        assert f"pid {os.getpid()}" in path.read_text()
    releaser.join(5)


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path, holder, caplog):
    path = tmp_path / "ev.lock"
    process, _ = holder(path)
    os.kill(process.pid, signal.SIGKILL)
    process.join(5)

    with caplog.at_level(logging.WARNING, logger="summarize.runtime.lock"):
        with EventLock(path, timeout_s=1, poll_s=0.05):
            assert f"pid {os.getpid()}" in path.read_text()
    assert f"pid {process.pid}" in caplog.text and "did not finish" in caplog.text


def test_runs_of_different_events_proceed_side_by_side(tmp_path, holder):
    holder(tmp_path / "one.lock")
    with EventLock(tmp_path / "two.lock", timeout_s=0):
        pass


def test_the_pipeline_holds_the_event_lock_from_the_start(tmp_path, holder, compose_cfg):
    """A run that cannot get its event's lock reads nothing and publishes nothing."""
    from summarize.runtime.layout import BriefFiles, SharedLayout
    from summarize.runtime.runner import run_event

    shared = tmp_path / "shared"
    cfg = compose_cfg("+event=lee_beijing", f"paths.shared_dir={shared}", "publish.lock_timeout_s=0.2")
    holder(SharedLayout(shared, "lee_beijing", BriefFiles.of(cfg.publish)).lock)
    with pytest.raises(BusyError):
        run_event(cfg, tmp_path / "run")
    assert not (shared / "lee_beijing").exists()
    assert not (tmp_path / "run").exists()


def test_a_lock_that_cannot_be_made_is_a_publish_error(tmp_path):
    """A shared folder the job cannot write to could not take the brief either: exit 5 at once."""
    blocker = tmp_path / "file"
    blocker.write_text("a file where the locks folder should be")

    with pytest.raises(PublishError) as caught:
        with EventLock(blocker / "locks" / "ev.lock", timeout_s=0):
            pytest.fail("locked a file in a folder that cannot exist")
    assert caught.value.exit_code == 5
    assert str(caught.value).startswith(f"cannot take the lock {blocker / 'locks' / 'ev.lock'}: ")
