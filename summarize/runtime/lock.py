"""One run per event at a time: an exclusive flock on a file in the shared folder.

The kernel releases a flock when its holder dies, however it dies, so a lock left by a killed
run is taken over simply by locking again; nothing has to guess whether a pid is still alive.
The file itself stays: deleting a lock file lets two runs lock two different files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import socket
import time
from pathlib import Path

from summarize.errors import BusyError, PublishError

log = logging.getLogger(__name__)


class EventLock:
    def __init__(self, path: Path, timeout_s: float, poll_s: float = 0.2):
        self.path = Path(path)
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self._fd: int | None = None

    def __enter__(self) -> EventLock:
        # Unbuffered descriptor calls: a full disk fails the write that hits it, not a later close.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a shared folder we cannot write to could not take the brief either
            raise PublishError(f"cannot take the lock {self.path}: {exc.strerror or exc}") from exc
        try:
            self._acquire(fd)
        except BaseException:  # busy, an unwritable lock file, or a stop signal while waiting
            os.close(fd)  # which drops the lock if it was taken
            raise
        self._fd = fd
        return self

    def _acquire(self, fd: int) -> None:
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(
                        f"another run holds {self.path} ({self._holder(fd) or 'holder unknown'}); "
                        f"gave up after publish.lock_timeout_s={self.timeout_s:g}s"
                    ) from None
                time.sleep(self.poll_s)
        # A clean exit empties the file, so text left in it names a run that was killed.
        if previous := self._holder(fd):
            log.warning("took over the lock %s left by a run that did not finish (%s)", self.path, previous)
        started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {started}\n".encode(), 0)
        except OSError as exc:
            raise PublishError(f"cannot write the lock {self.path}: {exc.strerror or exc}") from exc

    def __exit__(self, *exc_info) -> None:
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    @staticmethod
    def _holder(fd: int) -> str:
        return os.pread(fd, 4096, 0).decode(errors="replace").strip()
