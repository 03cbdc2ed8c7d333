"""A hostile night: the red team's cases, through the real command where the command is the point.

Brief file names that are paths, a damaged event folder at the skip decision, a run folder that
fills up after publishing or cannot be written at the start, control characters in a file name,
and SIGTERM / SIGINT from the scheduler.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from factories import article, brief, brief_sentence
from test_publish import damage

from summarize.config import PROJECT_ROOT
from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.lock import EventLock
from summarize.runtime.publish import publish_brief
from summarize.settings import PublishSettings

EVENT = "lee_beijing"
FILES = BriefFiles.of(PublishSettings())
ARTICLES = sorted((PROJECT_ROOT / "data" / EVENT).glob("0*.txt"))


def start(*args: str, cwd: Path, env: dict | None = None, code: str | None = None) -> subprocess.Popen:
    """`python -m summarize ARGS` (or `python -c CODE ARGS`), with this test's environment."""
    environ = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR",) and not k.startswith("SUMMARIZE_")}
    command = ["-c", code] if code else ["-m", "summarize"]
    return subprocess.Popen(
        [sys.executable, *command, *args],
        cwd=cwd, env=environ | (env or {}), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish(process: subprocess.Popen, timeout: int = 300) -> subprocess.CompletedProcess:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def one_line(stderr: str) -> str:
    """The job's one line on stderr: one line, no traceback, no raw control character."""
    assert stderr.endswith("\n") and stderr.count("\n") == 1, repr(stderr)
    assert "Traceback" not in stderr
    assert all(ch.isprintable() for ch in stderr[:-1]), repr(stderr)
    return stderr[:-1]


def last_nights_brief(shared: Path) -> dict:
    """Publish a small brief for EVENT into `shared`, as last night's run would have; returns what
    a reader finds, to compare with after tonight's run."""
    b = dataclasses.replace(
        brief({"Summit": [brief_sentence("Last night's sentence about the summit.", "Outlet A")]}, title="Last night"),
        event_id=EVENT,
    )
    articles = [article("a", ["Last night's sentence about the summit."], outlet="Outlet A")]
    publish_brief(b, articles, {"words": 6}, SharedLayout(shared, EVENT, FILES), 30, key="last-night")
    return folder_state(shared / EVENT)


def folder_state(folder: Path) -> dict:
    return {
        "files": sorted(str(p.relative_to(folder)) for p in folder.rglob("*")),
        "current": os.readlink(folder / "current"),
        "brief.md": (folder / "brief.md").read_bytes(),
        "brief.json": (folder / "brief.json").read_bytes(),
    }


def lock_is_free(shared: Path) -> bool:
    with EventLock(SharedLayout(shared, EVENT, FILES).lock, timeout_s=0):
        return True


# -- 2. A brief file name that is a path --------------------------------------------------------


def test_a_file_name_setting_is_checked_with_the_settings_before_anything_is_read(tmp_path, compose_cfg):
    from summarize.errors import UsageError

    with pytest.raises(UsageError, match=r"^invalid setting publish.json_name: '../../brief.json' is not a plain file name \(.*\)$"):
        compose_cfg(f"+event={EVENT}", f"paths.shared_dir={tmp_path}", "publish.json_name=../../brief.json")
    assert not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def path_names(tmp_path_factory) -> dict:
    """Two runs whose brief file names are paths: one absolute, at a file that must survive; one
    reaching out of the shared folder. Run side by side (each imports torch)."""
    tmp = tmp_path_factory.mktemp("names")
    victim = tmp / "victim.txt"
    victim.write_text("someone else's file\n")
    cases = {"absolute": f"publish.markdown_name={victim}", "dot-dot": "publish.json_name=../../escape.json"}
    started = {
        case: start(f"+event={EVENT}", "force=true", override, f"paths.shared_dir={tmp / case / 'shared'}",
                    f"hydra.run.dir={tmp / case / 'run'}", cwd=tmp)
        for case, override in cases.items()
    }
    return {"tmp": tmp, "victim": victim, "results": {case: finish(process) for case, process in started.items()}}


PLAIN = "(letters, digits, '.', '_' and '-', not starting with '.', not 'current' or 'versions')"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("absolute", "summarize: error: invalid setting publish.markdown_name: '{victim}' is not a plain file name " + PLAIN),
        ("dot-dot", "summarize: error: invalid setting publish.json_name: '../../escape.json' is not a plain file name " + PLAIN),
    ],
)
def test_a_brief_file_name_that_is_a_path_exits_2_and_writes_nothing(path_names, case, message):
    tmp, result = path_names["tmp"], path_names["results"][case]

    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr) == message.format(victim=path_names["victim"])
    assert path_names["victim"].read_text() == "someone else's file\n"
    assert not (tmp / case / "shared").exists()  # refused before the lock, the inputs or a model
    assert not list(tmp.rglob("escape.json"))
    assert "] - read " not in (tmp / case / "run" / "summarize.log").read_text()


# -- 3. The skip decision checks what readers see -----------------------------------------------


@pytest.fixture
def event_run(tmp_path, compose_cfg):
    """make(key) -> an EventRun of EVENT whose stages are done (a small hand-made brief), ready
    for runner.publish_event into tmp_path/shared."""
    from summarize.runtime.runner import EventRun
    from summarize.types import EventWork

    settings = compose_cfg(f"+event={EVENT}", f"paths.shared_dir={tmp_path / 'shared'}")
    text = "Tonight's sentence about the summit."
    b = dataclasses.replace(brief({"Summit": [brief_sentence(text, "Outlet A")]}, title="Tonight"), event_id=EVENT)
    sources = (article("a", [text], outlet="Outlet A"),)

    def make(key: str = "tonight") -> EventRun:
        work = EventWork(settings.event, articles=sources, cleaned=sources, brief=b, scores={"words": 5})
        return EventRun(settings, SharedLayout(tmp_path / "shared", EVENT, BriefFiles.of(settings.publish)), key, work, {})

    return make


@pytest.mark.parametrize(
    "how",
    [
        "markdown-deleted", "markdown-stale-file", "json-stale-file", "version-lacks-markdown",
        "markdown-written-through-link", "markdown-truncated", "version-html-stale",
    ],
)
def test_a_rerun_publishes_instead_of_skipping_when_readers_miss_the_brief(tmp_path, event_run, how):
    """brief.md deleted, a stale plain file, or a file changed behind its link (a stale copy written
    through it, cut to 0 bytes): the rerun with the same key publishes, and readers get every file
    again through the links, instead of an exit 6 that leaves them the damage."""
    from summarize.runtime.runner import publish_event

    folder = tmp_path / "shared" / EVENT
    assert publish_event(event_run(), tmp_path / "run1")["status"] == "published"
    assert publish_event(event_run(), tmp_path / "run2")["status"] == "skipped"
    damage(folder, how)
    if stale := {"markdown-stale-file": "brief.md", "json-stale-file": "brief.json"}.get(how):
        (folder / stale).write_text("a stale copy\n")

    manifest = publish_event(event_run(), tmp_path / "run3")
    assert manifest["status"] == "published"
    current = folder / os.readlink(folder / "current")
    for name in ("brief.md", "brief.json", "brief.html"):
        assert os.readlink(folder / name) == f"current/{name}"
        assert (folder / name).read_bytes() == (current / name).read_bytes()
    assert "Tonight" in (folder / "brief.md").read_text() and "Tonight" in (folder / "brief.html").read_text()
    assert json.loads((folder / "brief.json").read_text())["key"] == "tonight"
    # The stale copy was replaced, not kept as a dated version.
    assert len(list((folder / "versions").iterdir())) == 2
    assert not [p for p in (folder / "versions").rglob("*") if p.is_file() and "a stale copy" in p.read_text()]
    assert publish_event(event_run(), tmp_path / "run4")["status"] == "skipped"


# -- 4. Published, then the manifest cannot be written ------------------------------------------


def test_a_manifest_that_cannot_be_written_after_publishing_is_a_warning(tmp_path, event_run, monkeypatch):
    import summarize.runtime.manifest as manifest_module
    from summarize.runtime.runner import publish_event

    def full(path, content):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(manifest_module, "write_atomic", full)
    manifest = publish_event(event_run(), tmp_path / "run")

    brief_md = tmp_path / "shared" / EVENT / "brief.md"
    assert manifest["status"] == "published"
    assert manifest["warning"] == f"published {brief_md}, but could not write the run's manifest: No space left on device"
    assert "Tonight" in brief_md.read_text(encoding="utf-8")


# Runs the real entry point with the stages replaced by a small brief (they are not the point).
FAKE_STAGES = """
import dataclasses, datetime as dt, errno, os, sys
import summarize.runtime.manifest as manifest_module
import summarize.runtime.runner as runner
from summarize.types import Brief, BriefSection, BriefSentence, Sentence

def fake_summarize(event, models):
    s = Sentence("a:0", "a", "Outlet A", "A sentence about the summit.", 0)
    b = Brief(event.work.event.id, "Tonight", dt.date(2026, 1, 5), (BriefSection("Summit", (BriefSentence(s.text, (s,)),)),), ("Outlet A",))
    event.work = dataclasses.replace(event.work, brief=b, cleaned=event.work.articles, scores={"words": 5})

def full(path, content):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

runner.summarize = fake_summarize
runner.load_models = lambda cfg, stages: None
"""
# ... and the manifest's write failing as on a full disk.
MANIFEST_FAILS = FAKE_STAGES + """
manifest_module.write_atomic = full
from summarize.__main__ import entry
entry()
"""


def test_published_but_the_manifest_not_written_exits_0_with_a_warning(tmp_path):
    result = finish(start(f"+event={EVENT}", "force=true", f"paths.shared_dir={tmp_path / 'shared'}",
                          f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path, code=MANIFEST_FAILS))

    brief_md = tmp_path / "shared" / EVENT / "brief.md"
    assert result.returncode == 0, result.stderr
    assert one_line(result.stderr) == (
        f"summarize: warning: published {brief_md}, but could not write the run's manifest: No space left on device"
    )
    assert result.stdout.strip().splitlines()[-1] == str(brief_md)
    assert "Tonight" in brief_md.read_text(encoding="utf-8")
    assert not (tmp_path / "run" / "manifest.json").exists()


# -- 5b. Another event's brief.json is damaged (issue 23) ---------------------------------------


def test_a_damaged_brief_of_another_event_costs_only_its_entry_with_one_warning(tmp_path):
    """Another event's brief.json whose `event` is a string: tonight's brief is published and
    listed (exit 0), and the one line on stderr is a warning naming the event left out."""
    shared = tmp_path / "shared"
    other = dataclasses.replace(brief({"Talks": [brief_sentence("Another event's sentence.", "Outlet B")]}), event_id="other")
    publish_brief(other, [article("b", ["x"], outlet="Outlet B")], {"words": 3}, SharedLayout(shared, "other", FILES), 30, key="k")
    document = json.loads((shared / "other" / "brief.json").read_text())
    (shared / "other" / "brief.json").write_text(json.dumps(document | {"event": "other"}))

    result = finish(start(f"+event={EVENT}", "force=true", f"paths.shared_dir={shared}", f"hydra.run.dir={tmp_path / 'run'}",
                          cwd=tmp_path, code=FAKE_STAGES + "from summarize.__main__ import entry\nentry()\n"))

    assert result.returncode == 0, result.stderr
    assert one_line(result.stderr) == (
        f"summarize: warning: the index leaves out other: {shared}/other/current/brief.json: 'event' is a str, not an object"
    )
    assert f'data-event="{EVENT}"' in (shared / "index.html").read_text(encoding="utf-8")
    assert 'data-event="other"' not in (shared / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["index_warnings"] == [one_line(result.stderr).removeprefix("summarize: warning: ")]


# -- 5. The run folder cannot be written at the start -------------------------------------------


@pytest.mark.parametrize("how", ["runs-dir-is-a-file", "run-dir-override", "multirun-sweep-dir"])
def test_an_unwritable_run_folder_exits_5_in_one_line(tmp_path, how):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the run folders should go\n")
    args, env = [f"+event={EVENT}", f"paths.shared_dir={tmp_path / 'shared'}"], {}
    if how == "runs-dir-is-a-file":
        env["SUMMARIZE_RUNS_DIR"] = str(blocker)
    elif how == "run-dir-override":
        args.append(f"hydra.run.dir={blocker}/run")
    else:
        args = ["-m", *args, f"hydra.sweep.dir={blocker}/sweep"]
    result = finish(start(*args, cwd=tmp_path, env=env))

    assert result.returncode == 5, result.stderr
    line = one_line(result.stderr)
    assert line.startswith(f"summarize: error: cannot write the run folder {blocker}/"), line
    assert line.endswith(": Not a directory"), line
    assert result.stdout == ""
    assert not (tmp_path / "shared").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_runs_folder_exits_5_in_one_line(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir(mode=0o555)
    result = finish(start(f"+event={EVENT}", cwd=tmp_path, env={"SUMMARIZE_RUNS_DIR": str(runs), "SUMMARIZE_SHARED_DIR": str(tmp_path / "shared")}))

    assert result.returncode == 5, result.stderr
    assert one_line(result.stderr).startswith(f"summarize: error: cannot write the run folder {runs}/")
    assert one_line(result.stderr).endswith(": Permission denied")


# -- 6b. Control characters in a file name --------------------------------------------------------


FORGED = "a\x1b[2Jb\nsummarize: error: forged.txt"


def test_one_line_escapes_control_characters():
    from summarize.errors import one_line as escaped

    assert escaped(f"/in/{FORGED}: empty file") == "/in/a\\x1b[2Jb\\x0asummarize: error: forged.txt: empty file"
    assert escaped("tab\there, bell\a, del\x7f, nel\x85, ls\u2028, rtl\u202e, bad\udce9") == (
        "tab\\x09here, bell\\x07, del\\x7f, nel\\x85, ls\\u2028, rtl\\u202e, bad\\udce9"
    )
    assert escaped("Séoul, 首尔 — plain text stays") == "Séoul, 首尔 — plain text stays"


def test_a_control_character_in_a_file_name_cannot_forge_the_error_line(tmp_path):
    inputs = tmp_path / "articles"
    inputs.mkdir()
    for path in ARTICLES[:2]:
        shutil.copy(path, inputs)
    (inputs / FORGED).write_bytes(b"")  # an empty file: "empty file", an input error naming it
    result = finish(start(f"+event={EVENT}", f"event.inputs={inputs}", f"paths.shared_dir={tmp_path / 'shared'}",
                          f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path))

    assert result.returncode == 3, result.stderr
    assert one_line(result.stderr) == f"summarize: error: {inputs}/a\\x1b[2Jb\\x0asummarize: error: forged.txt: empty file"
    log = (tmp_path / "run" / "summarize.log").read_text()
    assert "\x1b" not in log
    assert "a\\x1b[2Jb\\x0asummarize: error: forged.txt: empty file" in log


# -- 7. SIGTERM and SIGINT -------------------------------------------------------------------------


def wait_until(ready, process: subprocess.Popen, what: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the run ended before {what}: {process.communicate()}")
        if ready():
            return
        time.sleep(0.05)
    raise AssertionError(f"not {what} after {timeout}s")


def logged(path: Path, text: str):
    return lambda: path.is_file() and text in path.read_text(errors="replace")


def has_open(process: subprocess.Popen, path: Path):
    """Whether the process has `path` open: for the lock file, it is waiting for the lock."""
    def check() -> bool:
        with contextlib.suppress(OSError):
            return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{process.pid}/fd").iterdir())
        return False
    return check


# When the signal comes: (the run's log shows this text, signal). An empty text: as soon as Hydra
# has written the run folder (the job starts: the runner and torch are being imported).
MOMENTS = {
    "starting": ("", signal.SIGTERM),
    "waiting-for-the-lock": (None, signal.SIGTERM),  # another run holds it: the lock file is open
    "loading-models": ("] - read ", signal.SIGTERM),
    "cleaning": ("] - parser ", signal.SIGINT),
}


@pytest.fixture(scope="module")
def stopped_runs(tmp_path_factory) -> dict:
    """A forced run of EVENT per moment, each into its own shared folder holding last night's
    brief, stopped by a signal at that moment. Side by side: each imports torch."""
    runs, held = {}, []
    try:
        for moment, (text, signum) in MOMENTS.items():
            tmp = tmp_path_factory.mktemp(moment)
            before = last_nights_brief(tmp / "shared")
            if moment == "waiting-for-the-lock":  # another run holds the event's lock all along
                held.append(EventLock(SharedLayout(tmp / "shared", EVENT, FILES).lock, timeout_s=0).__enter__())
            process = start(f"+event={EVENT}", "force=true", f"paths.shared_dir={tmp / 'shared'}",
                            f"hydra.run.dir={tmp / 'run'}", cwd=tmp)
            runs[moment] = {"tmp": tmp, "before": before, "process": process, "signal": signum}
        for moment, run in runs.items():
            text, process = MOMENTS[moment][0], run["process"]
            if text is None:
                wait_until(has_open(process, SharedLayout(run["tmp"] / "shared", EVENT, FILES).lock), process, "waiting for the lock")
            elif not text:
                wait_until((run["tmp"] / "run" / ".hydra" / "overrides.yaml").is_file, process, "starting")
            else:
                wait_until(logged(run["tmp"] / "run" / "summarize.log", text), process, f"logging {text!r}")
            process.send_signal(run["signal"])
        for run in runs.values():
            run["result"] = finish(run["process"])
        for lock in held:
            lock.__exit__(None, None, None)
        return runs
    finally:
        for run in runs.values():
            if run["process"].poll() is None:
                run["process"].kill()
                run["process"].wait()


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_stop_signal_exits_128_plus_its_number_and_leaves_last_nights_brief(stopped_runs, moment):
    run = stopped_runs[moment]
    result, shared, name = run["result"], run["tmp"] / "shared", signal.Signals(run["signal"]).name

    assert result.returncode == 128 + run["signal"], result.stderr  # 143 for SIGTERM, 130 for SIGINT
    assert one_line(result.stderr) == f"summarize: error: stopped by {name}; the previous brief is intact"
    assert folder_state(shared / EVENT) == run["before"]
    assert lock_is_free(shared)
    assert not list((shared / ".summarize" / "staging").glob("*"))
    assert f"stopped by {name}" in (run["tmp"] / "run" / "summarize.log").read_text()


@pytest.fixture
def stop_handlers():
    """The job's SIGTERM/SIGINT handlers in this process, for the test only."""
    from summarize.errors import STOP_SIGNALS, stop_on_signals

    from summarize import errors

    saved = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    stop_on_signals()
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    errors._stopped_by = None  # this process goes on to other tests


def test_a_stop_while_publishing_waits_until_the_brief_is_out(tmp_path, event_run, monkeypatch, stop_handlers):
    """SIGTERM in the middle of publishing: the brief and the manifest are finished, then the stop
    is raised, and its message says the new brief is out (not that the previous one is intact)."""
    from summarize.errors import Interrupted
    from summarize.runtime import runner

    publish_outputs = runner.publish_outputs

    def signalled_midway(event):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.1)  # the handler has run by now, and must not have raised
        return publish_outputs(event)

    monkeypatch.setattr(runner, "publish_outputs", signalled_midway)
    with pytest.raises(Interrupted) as caught:
        runner.publish_event(event_run(), tmp_path / "run")

    brief_md = tmp_path / "shared" / EVENT / "brief.md"
    assert caught.value.exit_code == 143
    assert str(caught.value) == f"stopped by SIGTERM after publishing {brief_md}"
    assert "Tonight" in brief_md.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["status"] == "published"
    assert not list((tmp_path / "shared" / ".summarize" / "staging").glob("*"))
    assert lock_is_free(tmp_path / "shared")


def test_a_stop_python_ignored_is_raised_before_the_next_stage(tmp_path, event_run, stop_handlers, monkeypatch):
    """SIGTERM landing in a weakref callback (an import lock's, in a Ray batch in CI): Python prints
    "Exception ignored" and goes on. The next stage must not run, nor the brief be published."""
    import gc
    import weakref

    from summarize.errors import Interrupted
    from summarize.runtime import runner

    class Lock:
        pass

    ignored = []  # what Python prints as "Exception ignored in ..."
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: ignored.append(unraisable.exc_value))
    lock = Lock()
    signalled = weakref.ref(lock, lambda _: os.kill(os.getpid(), signal.SIGTERM) or time.sleep(0.1))
    del lock
    gc.collect()
    assert signalled() is None and [type(e) for e in ignored] == [Interrupted]

    with pytest.raises(Interrupted) as caught:
        runner.run_stage("clean", {}, lambda: (None, {}))
    with pytest.raises(Interrupted):
        runner.publish_event(event_run(), tmp_path / "run")

    assert caught.value.exit_code == 143
    assert not (tmp_path / "shared" / EVENT).exists()


def test_a_stop_that_a_c_extension_reports_as_its_own_error_is_still_the_stop():
    """pybind11 modules (onnxruntime) turn an exception raised during their import into
    "ImportError: initialization failed" caused by it; the run must still exit 128 + signal."""
    from summarize.errors import Interrupted, stop_behind

    def import_interrupted_by_sigterm():
        try:
            raise Interrupted(signal.SIGTERM)
        except Interrupted as stop:
            raise ImportError("initialization failed") from stop

    with pytest.raises(ImportError) as caught:
        import_interrupted_by_sigterm()
    assert stop_behind(caught.value).exit_code == 128 + signal.SIGTERM
    assert stop_behind(ImportError("initialization failed")) is None


# -- Issue 23: a second hostile night ---------------------------------------------------------


def test_a_brief_with_no_sentence_is_never_published(tmp_path, event_run):
    """A budget that leaves no sentence published "0 words from 5 outlets" over last night's
    brief; whatever leaves the brief empty, readers keep last night's."""
    from summarize.errors import InputError
    from summarize.runtime.runner import publish_event

    before = last_nights_brief(tmp_path / "shared")
    run = event_run()
    run.work = dataclasses.replace(run.work, brief=dataclasses.replace(run.work.brief, sections=()))

    with pytest.raises(InputError) as caught:
        publish_event(run, tmp_path / "run")
    assert caught.value.exit_code == 3
    assert str(caught.value) == (
        f"no sentence of the 1 articles of {EVENT} made it into the brief; nothing published, the previous brief is left in place"
    )
    assert folder_state(tmp_path / "shared" / EVENT) == before


def test_a_stop_while_another_run_holds_the_index_lock_ends_the_run_at_once(tmp_path, event_run, stop_handlers):
    """The index was rewritten inside the section where a stop waits, and another run holding
    the index's lock made a SIGTERM wait its whole minute."""
    import threading

    from summarize.errors import Interrupted
    from summarize.runtime.runner import publish_event

    shared = tmp_path / "shared"
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()
    with EventLock(shared / ".summarize" / "index.lock", timeout_s=0), pytest.raises(Interrupted) as caught:
        publish_event(event_run(), tmp_path / "run")

    assert time.monotonic() - started < 10
    brief_md = shared / EVENT / "brief.md"
    assert str(caught.value) == f"stopped by SIGTERM after publishing {brief_md}"
    assert "Tonight" in brief_md.read_text(encoding="utf-8")
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["status"] == "published"
    assert lock_is_free(shared)


# Python's own SIGINT handler was in place while the entry point imported Hydra (0.1 s and more):
# Ctrl-C then printed a KeyboardInterrupt traceback. The signal comes as Hydra is imported.
SIGNAL_DURING_IMPORTS = """
import builtins, os, runpy, signal, sys
importing = builtins.__import__

def signal_at_hydra(name, *args, **kwargs):
    if name == "hydra":
        builtins.__import__ = importing
        os.kill(os.getpid(), signal.SIGINT)
    return importing(name, *args, **kwargs)

builtins.__import__ = signal_at_hydra
sys.argv = ["summarize", *sys.argv[1:]]
runpy.run_module("summarize", run_name="__main__", alter_sys=True)
"""


def test_a_stop_signal_while_the_command_starts_is_one_line(tmp_path):
    result = finish(start(f"+event={EVENT}", f"paths.shared_dir={tmp_path / 'shared'}", f"hydra.run.dir={tmp_path / 'run'}",
                          cwd=tmp_path, code=SIGNAL_DURING_IMPORTS))

    assert result.returncode == 130, result.stderr
    assert one_line(result.stderr) == "summarize: error: stopped by SIGINT; the previous brief is intact"
    assert not (tmp_path / "run").exists() and not (tmp_path / "shared").exists()


# The run folder had room for the start's probe but not for Hydra's copies of the config (8 KiB
# free): Hydra's traceback. Here the first copy fails as on that disk.
RUN_FOLDER_FILLS = """
import errno, os
import hydra.core.utils

def full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

hydra.core.utils._save_config = full
from summarize.__main__ import entry
entry()
"""


def test_a_run_folder_that_fills_up_as_hydra_writes_it_exits_5_in_one_line(tmp_path):
    result = finish(start(f"+event={EVENT}", f"paths.shared_dir={tmp_path / 'shared'}", f"hydra.run.dir={tmp_path / 'run'}",
                          cwd=tmp_path, code=RUN_FOLDER_FILLS))

    assert result.returncode == 5, result.stderr
    assert one_line(result.stderr) == f"summarize: error: cannot write the run folder {tmp_path / 'run'}: No space left on device"
    assert not (tmp_path / "shared").exists()
