"""The shared folder's front page and feed: every event's latest brief, newest first.

    index.html                          each event: title, time, first sentence, links to its files
    feed.xml                            the same as an Atom feed (RFC 4287), one entry per event
    .summarize/status/<event>.json      the event's last run: its failure, or the time it succeeded
    .summarize/index.lock               held while the two pages are rewritten
    .summarize/pages.SHA256SUMS         the two pages' sums as last written (runtime/checksums.py)

Both pages are built by reading every <event>/current/brief.json, not from one run's memory, so
that runs of different events finishing together all appear: each run rewrites them from what is
published, under the lock, and each file is replaced by a rename (a reader sees the old page or
the new one). The lock is not in .summarize/locks/, where an event named "index" has its own.
A run that finds either page not as the last rewrite left it (deleted, cut short, replaced)
rewrites both, even when it publishes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from summarize.runtime.checksums import files_match_sums, sums_text
from summarize.runtime.files import write_atomic
from summarize.runtime.layout import ADMIN_DIR, BriefFiles
from summarize.runtime.lock import EventLock
from summarize.runtime.render import CSP, html_environment
from summarize.settings import PublishSettings, is_plain_name
from summarize.types import count_sources, coverage_phrase

log = logging.getLogger(__name__)

INDEX_NAME = "index.html"
FEED_NAME = "feed.xml"
PAGES_SUMS = f"{ADMIN_DIR}/pages.SHA256SUMS"  # relative to the shared folder, as `sha256sum -c` reads it there
# Rewriting the pages takes milliseconds; a run waiting longer than this gives up with a warning.
INDEX_LOCK_TIMEOUT_S = 60.0
# The entry's summary: the brief's first sentences, enough to tell the event from the others.
SUMMARY_SENTENCES = 2


@dataclass(frozen=True)
class EventEntry:
    """One event on the index: its latest brief (none if it never published) and its last failure."""

    event_id: str
    title: str
    generated_at: dt.datetime | None
    date: str | None
    version: str | None
    first_sentences: tuple[str, ...]
    outlets: int
    disagreements: int
    has_html: bool
    failure: dict | None  # the last run's failure, only when it came after this brief
    sources: int = 0  # independent sources: outlets carrying copies of one article count once

    @property
    def coverage(self) -> str:
        return coverage_phrase(self.outlets, self.sources)

    @property
    def newest(self) -> dt.datetime:
        """When the event last changed what readers see: its brief, or its failure when it has none."""
        return self.generated_at or parse_time(self.failure["last_failure"])


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def status_path(shared_dir: Path, event_id: str) -> Path:
    return shared_dir / ADMIN_DIR / "status" / f"{event_id}.json"


def write_status(shared_dir: Path, event_id: str, exit_code: int | None = None, message: str = "") -> None:
    """Record the event's last run: a failure with its exit code and message, or (no exit code) a
    success, which replaces any earlier failure."""
    if exit_code is None:
        status = {"last_success": now()}
    else:
        status = {"last_failure": now(), "exit_code": int(exit_code), "message": message}
    write_atomic(status_path(shared_dir, event_id), json.dumps(status, ensure_ascii=False) + "\n")


def failure_recorded(shared_dir: Path, event_id: str) -> bool:
    """Whether the event's last recorded run failed (what a later success must clear)."""
    return "last_failure" in (read_json(status_path(shared_dir, event_id)) or {})


def read_json(path: Path) -> dict | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # one damaged file must not hide every other event
        log.warning("index: cannot read %s: %s", path, exc)
        return None
    return found if isinstance(found, dict) else None


def independent_sources(document: dict) -> int:
    """brief.json's count of independent sources; a brief published before it carried one still
    lists its outlets and copies, which give the same count."""
    if isinstance(document.get("independent_sources"), int):
        return document["independent_sources"]
    return count_sources(document.get("outlets", []), document.get("copies", []))


def event_entry(shared_dir: Path, event_id: str, files: BriefFiles) -> EventEntry | None:
    folder = shared_dir / event_id
    document = read_json(folder / "current" / files.json)
    status = read_json(status_path(shared_dir, event_id)) or {}
    failure = status if "last_failure" in status else None
    if document is None and failure is None:
        return None
    if document is None:
        return EventEntry(event_id, event_id, None, None, None, (), 0, 0, False, failure)
    generated_at = parse_time(document["generated_at"])
    # A publish replaces the status, so a failure recorded in the brief's second came after it.
    if failure and parse_time(failure["last_failure"]) < generated_at:
        failure = None  # a brief published since
    sentences = tuple(s["shown"] for section in document.get("sections", []) for s in section["sentences"])
    event = document.get("event", {})
    return EventEntry(
        event_id=event_id,
        title=event.get("title") or event_id,
        generated_at=generated_at,
        date=event.get("date"),
        version=Path(os.readlink(folder / "current")).name if (folder / "current").is_symlink() else None,
        first_sentences=sentences[:SUMMARY_SENTENCES],
        outlets=len(document.get("outlets", [])),
        sources=independent_sources(document),
        disagreements=len(document.get("disagreements", [])),
        has_html=(folder / files.html).is_file(),
        failure=failure,
    )


def scan(shared_dir: Path, files: BriefFiles) -> list[EventEntry]:
    """Every event with a published brief or a recorded failure, newest first."""
    names = {p.name for p in shared_dir.iterdir() if p.is_dir() and (p / "current").exists()}
    status_dir = shared_dir / ADMIN_DIR / "status"
    if status_dir.is_dir():
        names |= {p.stem for p in status_dir.glob("*.json")}
    entries = []
    for name in sorted(n for n in names if is_plain_name(n)):
        try:
            entry = event_entry(shared_dir, name, files)
        except (KeyError, TypeError, ValueError, OSError) as exc:  # a brief.json of another shape
            log.warning("index: leaving out %s: %s", name, exc)
            continue
        if entry is not None:
            entries.append(entry)
    # The version stamp (microseconds) orders briefs published within the same second.
    return sorted(entries, key=lambda e: (e.newest, e.version or ""), reverse=True)


def shown_time(value: dt.datetime | str) -> str:
    when = parse_time(value) if isinstance(value, str) else value
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def default_feed_id(shared_dir: Path) -> str:
    # A tag: URI (RFC 4151) needs no host, and the shared folder's name keeps it stable across runs.
    return f"tag:summarize,2026:{urllib.parse.quote(shared_dir.resolve().name or 'shared')}"


def render_pages(entries: list[EventEntry], feed_id: str, files: BriefFiles) -> dict[str, str]:
    environment = html_environment()
    environment.filters["shown_time"] = shown_time
    generated = now()
    context = {
        "entries": entries,
        "generated_at": generated,
        "updated": max((e.generated_at for e in entries if e.generated_at), default=None),
        "feed_id": feed_id,
        "csp": CSP,
        "files": files,
    }
    return {
        INDEX_NAME: environment.get_template("index.html.j2").render(context),
        FEED_NAME: environment.get_template("feed.xml.j2").render(context),
    }


def update_index(
    shared_dir: Path, files: BriefFiles, *, feed_id: str | None = None, lock_timeout_s: float = INDEX_LOCK_TIMEOUT_S
) -> list[EventEntry]:
    """Rewrite index.html and feed.xml at the root of `shared_dir` from every published brief,
    each event's files named as `files` names them."""
    shared_dir = Path(shared_dir)
    with EventLock(shared_dir / ADMIN_DIR / "index.lock", lock_timeout_s):
        entries = scan(shared_dir, files)
        pages = render_pages(entries, feed_id or default_feed_id(shared_dir), files)
        for name, content in pages.items():
            write_atomic(shared_dir / name, content)
        # Last: a kill before it leaves sums that do not match, and the next run rewrites the pages.
        write_atomic(shared_dir / PAGES_SUMS, sums_text(pages))
    return entries


def pages_intact(shared_dir: Path) -> bool:
    """Whether index.html and feed.xml are byte for byte what the last rewrite left."""
    return files_match_sums(Path(shared_dir) / PAGES_SUMS, Path(shared_dir), (INDEX_NAME, FEED_NAME))


def after_run(shared_dir: Path, event_id: str, publish: PublishSettings, exit_code: int | None = None, message: str = "") -> None:
    """Record how the event's run ended (exit_code None: it succeeded) and rewrite the index and
    feed. A failure here is a warning: the brief, or the run's own error, is what the run reports."""
    try:
        write_status(Path(shared_dir), event_id, exit_code, message)
        update_index(Path(shared_dir), BriefFiles.of(publish), feed_id=publish.feed_id)
    except Exception as exc:  # noqa: BLE001 - nothing here may fail the run
        log.warning("could not update the index of %s: %s", shared_dir, exc)
