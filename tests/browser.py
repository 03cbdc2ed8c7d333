"""Headless Chromium (Debian's `chromium`, installed by `make test`) for tests of the published pages,
and a local HTTP server that records every request a page makes.

A page is loaded from a file:// URL and its DOM printed after its scripts (if any) have run, so a test
sees what a reader's browser would build; a request the page makes to the recording server shows up
in its `hits`.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Enough for the page's own resources to load and its scripts to run; the pages have none.
VIRTUAL_TIME_MS = 3000


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    raise RuntimeError("no Chromium found: `make test` installs Debian's chromium package (apt-get install chromium)")


def run_chromium(page: Path, *options: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        command = [
            chromium(),
            "--headless",
            "--no-sandbox",  # every machine here is root, where Chromium runs only without its sandbox
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",  # no requests of Chromium's own to confuse the recorder
            "--disable-component-update",
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={VIRTUAL_TIME_MS}",
            *options,
            page.resolve().as_uri(),
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def rendered_dom(page: Path) -> str:
    """The page's DOM as the browser built it, after any script ran."""
    return run_chromium(page, "--dump-dom").stdout


def screenshot(page: Path, picture: Path, width: int = 1000, height: int = 1400) -> Path:
    run_chromium(page, f"--screenshot={picture.resolve()}", f"--window-size={width},{height}", "--hide-scrollbars")
    return picture


class RecordingServer:
    """An HTTP server on 127.0.0.1 that answers every GET with an empty 200 and records its path."""

    def __init__(self):
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
