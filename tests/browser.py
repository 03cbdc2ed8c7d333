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


# Loads a page in one frame per width and writes what a reader would see of it into the harness's
# DOM, where --dump-dom returns it. The page itself keeps its own policy (no script runs in it);
# only this harness, a test file, runs script, reading the page's layout from outside.
LAYOUT_HARNESS = """<!doctype html><html><body>
{frames}
<pre id="layout"></pre>
<script>
function measure(frame) {{
  const doc = frame.contentDocument, win = frame.contentWindow;
  const box = e => e.getBoundingClientRect();
  const lede = doc.querySelector("main > :first-child");
  const items = [...doc.querySelectorAll("main li[id^='sentence-']")];
  const scroller = doc.querySelector("#coverage").parentElement, cue = doc.querySelector(".scroll-cue");
  const rows = [...doc.querySelectorAll("#coverage tr[data-sentence]")].map(tr => {{
    const link = tr.querySelector("th a"), words = tr.querySelector("th .numbered > span");
    const target = link && doc.getElementById(link.getAttribute("href").slice(1));
    return {{
      href: link && link.getAttribute("href"), text: words.textContent,
      target: target ? target.textContent : null,
      clipped: words.scrollWidth > words.clientWidth + 1 || words.scrollHeight > words.clientHeight + 1,
      on_screen: box(words).width > 0 && box(words).left >= 0 && box(words).right <= win.innerWidth + 1,
    }};
  }});
  const since = doc.querySelector("#since");
  return {{
    width: win.innerWidth,
    lede: {{class: lede.className, text: lede.textContent, bottom: box(lede).bottom}},
    since: since && {{top: box(since).top, bottom: box(since).bottom, height: box(since).height,
                      visible: win.getComputedStyle(since).visibility === "visible", text: since.innerText}},
    first_bullet_top: items.length ? Math.min(...items.map(i => box(i).top)) : null,
    table_wider_than_its_box: scroller.scrollWidth > scroller.clientWidth,
    cue: {{shown: win.getComputedStyle(cue).visibility === "visible" && box(cue).height > 0 && box(cue).right <= win.innerWidth + 1,
           text: cue.textContent}},
    rows,
  }};
}}
window.addEventListener("load", () => setTimeout(() => {{
  const measured = [...document.querySelectorAll("iframe")].map(frame => {{
    try {{ return measure(frame); }} catch (error) {{ return {{width: frame.clientWidth, error: String(error)}}; }}
  }});
  document.getElementById("layout").textContent = JSON.stringify(measured);
}}, 200));
</script></body></html>"""


def layouts(page: Path, widths: tuple[int, ...] = (1280, 390)) -> dict[int, dict]:
    """What a reader sees of `page` in a window of each width: the first element of its main part
    (the lede), its "Since ..." section (null without one), where the bullets start, and the
    coverage table's rows and scroll cue."""
    import html
    import json
    import re

    frames = "".join(
        f'<iframe src="{page.resolve().as_uri()}" style="width:{w}px;height:8000px;border:0;display:block"></iframe>' for w in widths
    )
    with tempfile.TemporaryDirectory() as folder:
        harness = Path(folder) / "layout.html"
        harness.write_text(LAYOUT_HARNESS.format(frames=frames), encoding="utf-8")
        # file:// pages are one origin only with this switch: the harness may then read its frames.
        dom = run_chromium(harness, "--allow-file-access-from-files", "--window-size=1400,1000", "--dump-dom").stdout
    found = re.search(r'<pre id="layout">(.+?)</pre>', dom, re.S)
    assert found, f"the harness measured nothing of {page}"
    measured = {m["width"]: m for m in json.loads(html.unescape(found.group(1)))}
    errors = {width: m["error"] for width, m in measured.items() if "error" in m}
    # A page without the parts measured (a lede, the table's linked rows, the scroll cue).
    assert not errors, f"{page} lacks what a reader should see: {errors}"
    return measured
