"""Exit codes of the nightly job and the errors it reports in one line (the README lists them)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import unicodedata
from collections.abc import Iterator
from enum import IntEnum


class ExitCode(IntEnum):
    PUBLISHED = 0
    UNEXPECTED = 1  # a bug: the traceback is in the run's summarize.log
    USAGE = 2
    INPUT = 3
    MODEL = 4
    PUBLISH = 5
    SKIPPED = 6  # not a failure: inputs, config and model are those of the brief already published
    BUSY = 7
    # Stopped by a signal: the shell's 128 + signal number, which schedulers and `timeout` already
    # read as "terminated"; the lock is released, staging cleared and the previous brief intact.
    INTERRUPTED = 130  # SIGINT (Ctrl-C)
    TERMINATED = 143  # SIGTERM: what cron wrappers and systemd send on a time-out

    @classmethod
    def of_status(cls, status: str) -> ExitCode:
        """The code of a run that ended with manifest status `status` ("published" or "skipped")."""
        return cls.SKIPPED if status == "skipped" else cls.PUBLISHED

    @staticmethod
    def is_failure(code: int) -> bool:
        return code not in (ExitCode.PUBLISHED, ExitCode.SKIPPED)


class SummarizeError(Exception):
    exit_code = ExitCode.UNEXPECTED

    def __init__(self, message: str, *, counts: dict | None = None):
        super().__init__(message)
        # What the stage that gave up had counted (every block clean dropped, by reason): the
        # runner logs and records them, so the log says why nothing was left.
        self.counts = counts


class UsageError(SummarizeError):
    """The command line or the configuration is wrong: no or unknown event, an invalid event config."""

    exit_code = ExitCode.USAGE


class InputError(SummarizeError):
    """The event's articles cannot be read or leave nothing to summarise."""

    exit_code = ExitCode.INPUT


class ModelError(SummarizeError):
    """A model's weights cannot be found or loaded."""

    exit_code = ExitCode.MODEL


class PublishError(SummarizeError):
    """The brief cannot be written into the shared folder; the previous one is left in place."""

    exit_code = ExitCode.PUBLISH


class BusyError(SummarizeError):
    """Another run of the same event held its lock for longer than publish.lock_timeout_s."""

    exit_code = ExitCode.BUSY


class Fatal(BaseException):
    """Ends the whole process (a multirun too) with `exit_code` and a one-line message. A
    BaseException, like KeyboardInterrupt: Hydra prints any Exception as a traceback, and a batch
    records an Exception as one event's failure and goes on; `finally` blocks (the lock, staging)
    still run. __main__.entry prints it."""

    exit_code = ExitCode.UNEXPECTED


class RunFolderError(Fatal):
    """The run folder (Hydra's output dir: the log, the manifest) cannot be written. Exit 5, as
    for the shared folder: the job cannot write where it must, and nothing was published."""

    exit_code = ExitCode.PUBLISH


class Interrupted(Fatal):
    """SIGTERM or SIGINT, raised by the handler `stop_on_signals` installs."""

    def __init__(self, signum: int, published: str | None = None):
        self.signum = signum
        name = signal.Signals(signum).name
        if published is None:
            super().__init__(f"stopped by {name}; the previous brief is intact")
        else:
            super().__init__(f"stopped by {name} after publishing {published}")
        self.exit_code = ExitCode(128 + signum)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# While the brief is being published (a fraction of a second), a stop waits: see `StopDeferred`.
_deferring = False
_deferred_signal: int | None = None
# The stop the handler raised, kept: Python ignores an exception raised where it runs a weakref
# callback or a __del__ (an import lock's callback, seen once in CI), and the run went on.
_stopped_by: int | None = None


def _stop(signum: int, frame) -> None:
    global _deferred_signal, _stopped_by
    # A second signal must not cut short the cleanup that the first one started.
    for each in STOP_SIGNALS:
        signal.signal(each, signal.SIG_IGN)
    if _deferring:
        _deferred_signal = signum
        return
    _stopped_by = signum
    raise Interrupted(signum)


def raise_if_stopped() -> None:
    """Raise again a stop whose Interrupted Python ignored (see `_stopped_by`): called before each
    stage, before publishing, and before a Ray batch runs, so that a stopped run never goes on to
    publish (a Ray batch did, exit 0, after SIGTERM landed in an import lock's callback)."""
    if _stopped_by is not None:
        raise Interrupted(_stopped_by)


def stop_behind(error: BaseException) -> Interrupted | None:
    """The stop signal's Interrupted that `error` stands for, if any. A C extension that was
    loading when the handler raised reports the stop as its own failure (onnxruntime: "ImportError:
    initialization failed", caused by the Interrupted); a stopped run must still exit 128 + signal."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, Interrupted):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def exit_on_signals() -> None:
    """SIGTERM and SIGINT end the process at once with the job's one line and 128 + signal: for
    its start, the imports before `stop_on_signals` (a tenth of a second and more), when nothing is
    held yet and Python's own KeyboardInterrupt would print a traceback."""
    for each in STOP_SIGNALS:
        signal.signal(each, _exit_at_once)


def _exit_at_once(signum: int, frame) -> None:
    stop = Interrupted(signum)
    os.write(2, f"summarize: error: {stop}\n".encode())
    os._exit(stop.exit_code)


def stop_on_signals() -> None:
    """SIGTERM and SIGINT raise Interrupted in the main thread (call from the main thread)."""
    for each in STOP_SIGNALS:
        signal.signal(each, _stop)


class StopDeferred:
    """`with StopDeferred() as finishing:` holds a SIGTERM or SIGINT back until the block ends.
    Publishing and the manifest take a fraction of a second, and a stop in their middle could not
    say which brief readers have; on leaving, a stop that came is raised, naming
    `finishing.published` (the brief, once it is out) when set."""

    def __init__(self):
        self.published: str | None = None

    def __enter__(self) -> StopDeferred:
        global _deferring
        _deferring = True
        return self

    def __exit__(self, *exc_info) -> None:
        global _deferring, _deferred_signal
        _deferring = False
        signum, _deferred_signal = _deferred_signal, None
        if signum is not None:
            raise Interrupted(signum, self.published)


@contextlib.contextmanager
def stops_after_publishing(published: str) -> Iterator[None]:
    """A stop signal in the block ends the run at once (unlike `StopDeferred`), its message naming
    the brief `published`, which readers already have: for what follows publishing and may wait
    (the index's lock, held by another run)."""
    try:
        yield
    except Interrupted as stop:
        raise Interrupted(stop.signum, published) from None


# Control and format characters, line and paragraph separators (str.splitlines breaks on them)
# and lone surrogates (undecodable bytes of a file name).
UNPRINTABLE = ("Cc", "Cf", "Zl", "Zp", "Cs")


# A folder part of an absolute path: "/srv/events/visit/" in "/srv/events/visit/003.txt".
FOLDERS = re.compile(r"(?<![\w~.])/(?:[^\s/'\"]+/)+")


def without_folders(text: str) -> str:
    """`text` with each absolute path cut to its last name ("003.txt: not UTF-8"): a message the
    public index shows must not publish the machine's folders."""
    return FOLDERS.sub("", text)


def one_line(text: str) -> str:
    """`text` as one line with no control characters: a newline or an ESC in a file name would
    split or forge the job's one line on stderr, or reach the terminal. Each becomes its escape."""
    return "".join(_escaped(ch) if unicodedata.category(ch) in UNPRINTABLE else ch for ch in str(text))


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
