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

import contextlib
import dataclasses
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
class Failure:
    """The event's last run failed after its brief was published: when, how, and its one line."""

    at: dt.datetime
    exit_code: int
    message: str


@dataclass(frozen=True)
class EventEntry:
    """One event on the index: its latest brief, and its last run's failure if that came after it."""

    event_id: str
    title: str
    generated_at: dt.datetime
    date: str | None
    version: str | None
    first_sentences: tuple[str, ...]
    outlets: int
    disagreements: int
    has_html: bool
    failure: Failure | None
    sources: int = 0  # independent sources: outlets carrying copies of one article count once

    @property
    def coverage(self) -> str:
        return coverage_phrase(self.outlets, self.sources)


class DamagedFile(ValueError):
    """An event's brief.json or status file that does not read as this project writes them."""


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def aware_time(value: object) -> dt.datetime:
    """An ISO 8601 time with its UTC offset, as this project writes them. A time without one is
    refused, not guessed: Python cannot order it against the others, so one such time stopped
    the index of every event from being rebuilt."""
    if not isinstance(value, str):
        raise ValueError(f"time {value!r} is not a string")
    when = dt.datetime.fromisoformat(value)
    if when.utcoffset() is None:
        raise ValueError(f"time {value!r} has no timezone")
    return when


@contextlib.contextmanager
def reading(path: Path):
    """Any error of a file's content inside the block becomes a DamagedFile naming the file."""
    try:
        yield
    except KeyError as exc:
        raise DamagedFile(f"{path}: no {exc}") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise DamagedFile(f"{path}: {exc}") from exc


def json_object(path: Path) -> dict:
    found = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(found, dict):
        raise ValueError(f"a JSON {type(found).__name__}, not an object")
    return found


def listed(record: dict, key: str) -> list:
    value = record.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key!r} is a {type(value).__name__}, not a list")
    return value


def optional_text(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key!r} is a {type(value).__name__}, not text")
    return value


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


def read_status(shared_dir: Path, event_id: str) -> dict:
    """The event's status file ({} when it has none); raises DamagedFile or OSError."""
    path = status_path(shared_dir, event_id)
    with reading(path):
        try:
            return json_object(path)
        except FileNotFoundError:
            return {}


def failure_recorded(shared_dir: Path, event_id: str) -> bool:
    """Whether the event's last recorded run failed (what a later success must clear). A damaged
    status counts: rewriting it is what repairs it."""
    try:
        return "last_failure" in read_status(shared_dir, event_id)
    except (OSError, ValueError):
        return True


def last_failure(shared_dir: Path, event_id: str, published_at: dt.datetime) -> Failure | None:
    """The event's last failure, if it came after the brief published at `published_at`."""
    status = read_status(shared_dir, event_id)
    if "last_failure" not in status:
        return None
    with reading(status_path(shared_dir, event_id)):
        failure = Failure(aware_time(status["last_failure"]), int(status["exit_code"]), str(status.get("message", "")))
    # A publish replaces the status, so a failure recorded in the brief's second came after it.
    return failure if failure.at >= published_at else None


def independent_sources(document: dict) -> int:
    """brief.json's count of independent sources; a brief published before it carried one still
    lists its outlets and copies, which give the same count."""
    if isinstance(document.get("independent_sources"), int):
        return document["independent_sources"]
    return count_sources(listed(document, "outlets"), listed(document, "copies"))


def first_sentences(document: dict) -> tuple[str, ...]:
    """What the entry shows of the brief: its lede (what happened), then the sentences after it;
    a brief without one (published before ledes) by its first sentences."""
    records = [s for section in listed(document, "sections") for s in listed(section, "sentences")]
    lede = document.get("lede")
    if lede is not None:
        if not isinstance(lede, dict):
            raise ValueError(f"'lede' is a {type(lede).__name__}, not an object")
        records = [lede, *(r for r in records if r != lede)]
    shown = [s["shown"] for s in records]
    if not all(isinstance(text, str) for text in shown):
        raise ValueError("a sentence's 'shown' is not text")
    return tuple(shown[:SUMMARY_SENTENCES])


def event_entry(shared_dir: Path, event_id: str, files: BriefFiles) -> EventEntry:
    """The entry of an event that has published (its folder has `current`), from its brief.json
    and status; raises DamagedFile or OSError when either does not read as this project writes it."""
    folder = shared_dir / event_id
    path = folder / "current" / files.json
    with reading(path):
        document = json_object(path)
        event = document.get("event", {})
        if not isinstance(event, dict):
            raise ValueError(f"'event' is a {type(event).__name__}, not an object")
        generated_at = aware_time(document["generated_at"])
        entry = EventEntry(
            event_id=event_id,
            title=optional_text(event, "title") or event_id,
            generated_at=generated_at,
            date=optional_text(event, "date"),
            version=Path(os.readlink(folder / "current")).name if (folder / "current").is_symlink() else None,
            first_sentences=first_sentences(document),
            outlets=len(listed(document, "outlets")),
            sources=independent_sources(document),
            disagreements=len(listed(document, "disagreements")),
            has_html=(folder / files.html).is_file(),
            failure=None,
        )
    return dataclasses.replace(entry, failure=last_failure(shared_dir, event_id, generated_at))


def scan(shared_dir: Path, files: BriefFiles) -> tuple[list[EventEntry], list[str]]:
    """Every event that has published, newest first, and one warning line per event left out
    because its brief.json or status is damaged: one damaged event costs only its own entry. An
    event that never published (a failed run of a mistyped id) is not listed: the public index
    shows briefs, and the failures of events that have one."""
    # `current` as a link, even a dangling one: an event whose brief was removed by hand is warned of.
    names = sorted(p.name for p in shared_dir.iterdir() if is_plain_name(p.name) and os.path.lexists(p / "current"))
    entries, warnings = [], []
    for name in names:
        try:
            entries.append(event_entry(shared_dir, name, files))
        except (DamagedFile, OSError) as exc:
            warnings.append(f"the index leaves out {name}: {exc}")
            log.warning("%s", warnings[-1])
    # The version stamp (microseconds) orders briefs published within the same second.
    return sorted(entries, key=lambda e: (e.generated_at, e.version or ""), reverse=True), warnings


def shown_time(value: dt.datetime | str) -> str:
    when = aware_time(value) if isinstance(value, str) else value
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
        "updated": max((e.generated_at for e in entries), default=None),
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
) -> list[str]:
    """Rewrite index.html and feed.xml at the root of `shared_dir` from every published brief,
    each event's files named as `files` names them; returns a warning line per event left out."""
    shared_dir = Path(shared_dir)
    with EventLock(shared_dir / ADMIN_DIR / "index.lock", lock_timeout_s):
        entries, warnings = scan(shared_dir, files)
        pages = render_pages(entries, feed_id or default_feed_id(shared_dir), files)
        for name, content in pages.items():
            write_atomic(shared_dir / name, content)
        # Last: a kill before it leaves sums that do not match, and the next run rewrites the pages.
        write_atomic(shared_dir / PAGES_SUMS, sums_text(pages))
    return warnings


def pages_intact(shared_dir: Path) -> bool:
    """Whether index.html and feed.xml are byte for byte what the last rewrite left."""
    return files_match_sums(Path(shared_dir) / PAGES_SUMS, Path(shared_dir), (INDEX_NAME, FEED_NAME))


def after_run(
    shared_dir: Path, event_id: str, publish: PublishSettings, exit_code: int | None = None, message: str = ""
) -> list[str]:
    """Record how the event's run ended (exit_code None: it succeeded) and rewrite the index and
    feed; returns the warnings for the run to print (an event left out, the index not rewritten).
    A failure here is a warning: the brief, or the run's own error, is what the run reports."""
    try:
        write_status(Path(shared_dir), event_id, exit_code, message)
        return update_index(Path(shared_dir), BriefFiles.of(publish), feed_id=publish.feed_id)
    except Exception as exc:  # noqa: BLE001 - nothing here may fail the run
        log.warning("could not update the index of %s: %s", shared_dir, exc)
        return [f"could not update the index of {shared_dir}: {exc}"]
