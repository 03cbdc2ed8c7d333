"""One run per event at a time: an exclusive flock on a file in the shared folder.

The kernel releases a flock when its holder dies, however it dies, so a lock left by a killed
run is taken over simply by locking again; nothing has to guess whether a pid is still alive.
The file itself stays: deleting a lock file lets two runs lock two different files.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import socket
import time
from pathlib import Path

from summarize.errors import BusyError

log = logging.getLogger(__name__)


class EventLock:
    def __init__(self, path: Path, timeout_s: float, poll_s: float = 0.2):
        self.path = Path(path)
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self._file = None

    def __enter__(self) -> EventLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder(handle)
                    handle.close()
                    raise BusyError(
                        f"another run holds {self.path} ({holder or 'holder unknown'}); "
                        f"gave up after publish.lock_timeout_s={self.timeout_s:g}s"
                    ) from None
                time.sleep(self.poll_s)
        # A clean exit empties the file, so text left in it names a run that was killed.
        if previous := self._holder(handle):
            log.warning("took over the lock %s left by a run that did not finish (%s)", self.path, previous)
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {started}\n")
        handle.flush()
        self._file = handle
        return self

    def __exit__(self, *exc_info) -> None:
        handle, self._file = self._file, None
        handle.seek(0)
        handle.truncate()
        handle.flush()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()

    @staticmethod
    def _holder(handle) -> str:
        handle.seek(0)
        return handle.read().strip()
