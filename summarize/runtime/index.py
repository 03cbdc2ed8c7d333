"""The shared folder's front page and feed: every event's latest brief, newest news first.

    index.html                          each event: title, time, lede, links to its files
    feed.xml                            the same as an Atom feed (RFC 4287), one entry per event
    .summarize/status/<event>.json      the event's last run: its failure, or the time it succeeded
    .summarize/summaries/<event>.json   what the two pages show of the event (`EventEntry`)
    .summarize/pages.state.json         each event's parts of the pages as the last rewrite used them
    .summarize/index.lock               held while summaries and the two pages are rewritten
    .summarize/pages.SHA256SUMS         the two pages' sums as last written (runtime/checksums.py)

Both pages are rebuilt from the events' small summaries, not from one run's memory, so that runs
of different events finishing together all appear, and not from every event's brief.json, so that
a publish costs the same with 1 or 1,000 events in the folder (bench/index_scaling.py). A run
rewrites its own event's summary from its brief.json and status, then the pages from all the
summaries, under the lock (it opens only the summaries of events whose version or status changed
since the last rewrite: pages.state.json keeps the others' parts); each file is replaced by a rename (a reader sees the old page or the
new one). A summary that is missing (an event published before summaries, or by a run killed
before it wrote one), of another version than the event's `current`, or damaged is rebuilt from
that event's files. The lock is not in .summarize/locks/, where an event named "index" has its
own. A run that finds either page not as the last rewrite left it (deleted, cut short, replaced)
rewrites both, even when it publishes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from summarize.runtime.checksums import files_match_sums, sha256_hex, sums_text
from summarize.runtime.files import write_atomic
from summarize.runtime.layout import ADMIN_DIR, BriefFiles
from summarize.runtime.lock import EventLock
import summarize.types
from summarize.runtime import render as render_module
from summarize.runtime.render import CSP, NO_CHANGE, html_environment, shown_time
from summarize.runtime.versions import STAMP_FORMAT, is_stamp
from summarize.settings import PublishSettings, is_plain_name
from summarize.types import count_sources, counted, coverage_phrase

log = logging.getLogger(__name__)

INDEX_NAME = "index.html"
FEED_NAME = "feed.xml"
PAGES_SUMS = f"{ADMIN_DIR}/pages.SHA256SUMS"  # relative to the shared folder, as `sha256sum -c` reads it there
# What the last rewrite built the pages from: each event's parts and what decides whether they are
# still its own (`Summary.STATE_FIELDS`), in one file, so that a rewrite opens only the summaries
# of events that changed since. Only a shortcut: missing or damaged, every summary is read.
PAGES_STATE = f"{ADMIN_DIR}/pages.state.json"
# Rewriting the pages takes milliseconds; a run waiting longer than this gives up with a warning.
INDEX_LOCK_TIMEOUT_S = 60.0
SUMMARIES_DIR = f"{ADMIN_DIR}/summaries"
# A feed entry's id: the same for every version of an event's brief, so that a feed reader shows
# a republished brief as the same item updated, not as a new one (its <updated> changes).
ENTRY_ID_PREFIX = "tag:summarize,2026:"


@dataclass(frozen=True)
class Failure:
    """The event's last run failed after its brief was published: when, how, and its one line."""

    at: dt.datetime
    exit_code: int
    message: str


@dataclass(frozen=True)
class Since:
    """What changed since the event's previous brief, in brief.json's words ("3 new facts, 1 value
    changed"), and when that brief was published."""

    summary: str
    previous: dt.datetime


@dataclass(frozen=True)
class EventEntry:
    """One event on the index and in the feed: its latest brief, and its last run's failure if
    that came after it. Kept as the event's summary (`record`, `from_record`)."""

    event_id: str
    title: str
    generated_at: dt.datetime  # the latest brief's
    published_at: dt.datetime  # the event's first brief's
    date: str | None
    version: str | None
    lede: str
    outlets: tuple[str, ...]
    sources: int  # independent sources: outlets carrying copies of one article count once
    disagreements: int
    since: Since | None  # None on the event's first brief, and when nothing changed since the previous one
    categories: tuple[str, ...]  # the brief's section labels
    has_html: bool
    failure: Failure | None

    @property
    def coverage(self) -> str:
        return coverage_phrase(len(self.outlets), self.sources)

    @property
    def entry_id(self) -> str:
        return ENTRY_ID_PREFIX + self.event_id

    def record(self) -> dict:
        failure = self.failure and {"at": self.failure.at.isoformat(), "exit_code": self.failure.exit_code, "message": self.failure.message}
        return dataclasses.asdict(self) | {
            "generated_at": self.generated_at.isoformat(), "published_at": self.published_at.isoformat(), "failure": failure,
            "since": self.since and {"summary": self.since.summary, "previous": self.since.previous.isoformat()},
        }

    @classmethod
    def from_record(cls, record: dict) -> EventEntry:
        """The entry a summary holds; raises KeyError, TypeError or ValueError when a field is
        missing or not of its type (the index then rebuilds it from the event's files)."""
        failure = record["failure"]
        if failure is not None:
            failure = Failure(aware_time(failure["at"]), typed(failure, "exit_code", int), typed(failure, "message", str))
        # A summary written before "since" is of a brief before brief.json 1.1, which had none:
        # nothing to say, and its other fields (when the event first published) still hold.
        since = record.get("since")
        if since is not None:
            since = Since(typed(since, "summary", str), aware_time(since["previous"]))
        return cls(
            event_id=typed(record, "event_id", str),
            title=typed(record, "title", str),
            generated_at=aware_time(record["generated_at"]),
            published_at=aware_time(record["published_at"]),
            date=optional_text(record, "date"),
            version=optional_text(record, "version"),
            lede=typed(record, "lede", str),
            outlets=texts(record, "outlets"),
            sources=typed(record, "sources", int),
            disagreements=typed(record, "disagreements", int),
            since=since,
            categories=texts(record, "categories"),
            has_html=typed(record, "has_html", bool),
            failure=failure,
        )


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
def reading(path: Path | str):
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


def typed(record: dict, key: str, kind: type):
    value = record[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{key!r} is a {type(value).__name__}, not {kind.__name__}")
    return value


def texts(record: dict, key: str) -> tuple[str, ...]:
    values = listed(record, key)
    if not all(isinstance(value, str) for value in values):
        raise ValueError(f"{key!r} holds something other than text")
    return tuple(values)


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


def lede(document: dict) -> str:
    """The sentence that says what happened, as the index and the feed show it: brief.json's lede;
    for a brief published before ledes, its first sentence."""
    record = document.get("lede")
    if record is not None:
        if not isinstance(record, dict) or not isinstance(record.get("shown"), str):
            raise ValueError("'lede' is not a sentence with its 'shown' text")
        return record["shown"]
    for section in listed(document, "sections"):
        for sentence in listed(section, "sentences"):
            if not isinstance(sentence["shown"], str):
                raise ValueError("a sentence's 'shown' is not text")
            return sentence["shown"]
    return ""


def changes_since(document: dict) -> Since | None:
    """What changed since the previous brief, as brief.json words it; None on a first brief (or
    one before brief.json 1.1) and when nothing changed."""
    since = document.get("since")
    if since is None:
        return None
    if not isinstance(since, dict):
        raise ValueError(f"'since' is a {type(since).__name__}, not an object")
    summary = typed(since, "summary", str)
    return None if summary == NO_CHANGE else Since(summary, aware_time(since["previous_generated_at"]))


def section_labels(document: dict) -> tuple[str, ...]:
    labels = tuple(section["label"] for section in listed(document, "sections"))
    if not all(isinstance(label, str) for label in labels):
        raise ValueError("a section's 'label' is not text")
    return labels


def first_published(folder: Path, previous: EventEntry | None, generated_at: dt.datetime) -> dt.datetime:
    """When the event's first brief was published: kept in its summary from one brief to the next;
    without a summary to keep it (lost, or from before summaries), the oldest version kept."""
    if previous is not None:
        return min(previous.published_at, generated_at)
    with contextlib.suppress(OSError):
        stamps = sorted(p.name for p in (folder / "versions").iterdir() if is_stamp(p.name))
        if stamps:
            oldest = dt.datetime.strptime(stamps[0], STAMP_FORMAT).replace(tzinfo=dt.timezone.utc)
            return min(oldest, generated_at)
    return generated_at


def event_entry(shared_dir: Path, event_id: str, files: BriefFiles, previous: EventEntry | None = None) -> EventEntry:
    """The entry of an event that has published (its folder has `current`), from its brief.json
    and status, and `previous`, its last summary if any; raises DamagedFile or OSError when either
    file does not read as this project writes it."""
    folder = shared_dir / event_id
    version = current_link(str(shared_dir), event_id)
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
            published_at=first_published(folder, previous, generated_at),
            date=optional_text(event, "date"),
            version=version,
            lede=lede(document),
            outlets=texts(document, "outlets"),
            sources=independent_sources(document),
            disagreements=len(listed(document, "disagreements")),
            since=changes_since(document),
            categories=section_labels(document),
            has_html=(folder / files.html).is_file(),
            failure=None,
        )
    return dataclasses.replace(entry, failure=last_failure(shared_dir, event_id, generated_at))


def summary_path(shared_dir: Path, event_id: str) -> Path:
    return shared_dir / SUMMARIES_DIR / f"{event_id}.json"


# The hot path below reads every event's summary on every rewrite: plain string paths and os
# calls, since pathlib's own work per path cost more than the reads (bench/index_scaling.py).


def status_stamp(shared_dir: str, event_id: str) -> int | None:
    """When the event's status was last written (ns; None without one). A summary keeps the stamp
    of the status it was made from: one made before the status changed is out of date."""
    try:
        return os.stat(os.path.join(shared_dir, ADMIN_DIR, "status", f"{event_id}.json")).st_mtime_ns
    except FileNotFoundError:
        return None


def current_link(shared_dir: str, event_id: str) -> str | None:
    """The version <event>/current links to (None for a brief published before versions)."""
    try:
        return os.path.basename(os.readlink(os.path.join(shared_dir, event_id, "current")))
    except OSError:  # not a link: a folder of a brief from before versions, or gone
        return None


@dataclass(frozen=True)
class Summary:
    """What the index keeps of one event (.summarize/summaries/<event>.json): its entry's record,
    the stamp of the status it was made from, and its parts of the two pages (`Pages.parts`). A
    rewrite reads of each summary only what orders the pages and what they show (the parts); the
    entry is read whole only when its parts are rendered again."""

    record: dict  # EventEntry.record()
    generated_at: dt.datetime
    version: str | None
    status_stamp: int | None
    parts: dict[str, str]

    @classmethod
    def of(cls, entry: EventEntry, status_stamp: int | None, parts: dict[str, str]) -> Summary:
        return cls(entry.record(), entry.generated_at, entry.version, status_stamp, parts)

    @classmethod
    def from_record(cls, record: object, event_id: str) -> Summary:
        """The summary a file holds; raises KeyError, TypeError or ValueError when it is not one."""
        if not isinstance(record, dict):
            raise ValueError(f"a JSON {type(record).__name__}, not an object")
        if record["event_id"] != event_id:
            raise ValueError(f"it is the summary of {record['event_id']!r}")
        stamp, parts = record["status_stamp"], record["parts"]
        if stamp is not None and (not isinstance(stamp, int) or isinstance(stamp, bool)):
            raise ValueError(f"'status_stamp' is a {type(stamp).__name__}")
        if not isinstance(parts, dict) or not all(isinstance(parts.get(k), str) for k in PAGE_PARTS):
            raise ValueError("'parts' is not the pages' parts")
        return cls(record, aware_time(record["generated_at"]), optional_text(record, "version"), stamp, parts)

    # What the pages' state keeps of a summary: what tells whether it is still the event's, its date
    # (the pages' order), and the parts.
    STATE_FIELDS = ("event_id", "date", "generated_at", "version", "status_stamp", "parts")

    def as_record(self) -> dict:
        return self.record | {"status_stamp": self.status_stamp, "parts": self.parts}

    def state_record(self) -> dict:
        record = self.as_record()
        return {field: record[field] for field in self.STATE_FIELDS}

    def entry(self) -> EventEntry:
        return EventEntry.from_record(self.record)


def read_summary(shared_dir: str, event_id: str) -> Summary | None:
    """The event's summary (None when it has none); raises DamagedFile or OSError."""
    path = f"{shared_dir}/{SUMMARIES_DIR}/{event_id}.json"
    with reading(path):
        try:
            with open(path, "rb") as handle:  # bytes: json reads UTF-8, without a text layer per file
                return Summary.from_record(json.loads(handle.read()), event_id)
        except FileNotFoundError:
            return None


def write_summary(shared_dir: Path, event_id: str, summary: Summary) -> None:
    write_atomic(summary_path(shared_dir, event_id), json.dumps(summary.as_record(), ensure_ascii=False) + "\n")


def kept_entry(kept: Summary | None, event_id: str) -> EventEntry | None:
    """The entry a summary keeps; None, with a warning, when it does not read."""
    try:
        return kept.entry() if kept is not None else None
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("rebuilding the summary of %s: %s", event_id, exc)
        return None


def read_pages_state(shared_dir: Path) -> dict[str, Summary]:
    """The summaries the last rewrite built the pages from, by event ({} when there is no such
    record, or it does not read: every summary is then read)."""
    try:
        with open(shared_dir / PAGES_STATE, "rb") as handle:
            records = json.loads(handle.read())
        if not isinstance(records, list):
            raise ValueError(f"a JSON {type(records).__name__}, not a list")
        return {record["event_id"]: Summary.from_record(record, record["event_id"]) for record in records}
    except FileNotFoundError:
        return {}
    except (OSError, KeyError, TypeError, ValueError) as exc:
        log.warning("reading every event's summary: %s: %s", shared_dir / PAGES_STATE, exc)
        return {}


def current_summary(shared_dir: Path, event_id: str, files: BriefFiles, pages: Pages, last: Summary | None = None) -> Summary:
    """The event's summary, as kept: a few KiB, whatever its brief's size. `last`, the one the
    last rewrite used, stands when the event's version and status are still its own; else the
    summary file is read. One that is missing, damaged, of another version than the event's
    `current` or of an older status is rebuilt from the event's brief.json and status; one whose
    page parts another template or setting rendered gets new ones; either is rewritten. Raises
    DamagedFile or OSError when the event's files do not read either."""
    # Both stamps are taken before anything is read: a change while reading leaves the summary
    # out of date, and so rebuilt next time, never up to date in name only.
    folder = str(shared_dir)
    stamp, version = status_stamp(folder, event_id), current_link(folder, event_id)
    if last is not None and (last.version, last.status_stamp, last.parts["key"]) == (version, stamp, pages.key):
        return last
    try:
        kept = read_summary(folder, event_id)
    except (DamagedFile, OSError) as exc:
        log.warning("rebuilding the summary of %s: %s", event_id, exc)
        kept = None
    fresh = kept is not None and kept.version == version and kept.status_stamp == stamp
    if fresh and kept.parts["key"] == pages.key:
        return kept
    entry = kept_entry(kept, event_id)
    if not fresh or entry is None:
        entry = event_entry(shared_dir, event_id, files, previous=entry)
    summary = Summary.of(entry, stamp, pages.parts(entry))
    try:
        write_summary(shared_dir, event_id, summary)
    except OSError as exc:  # the summary stands for this rewrite: the next one tries again
        log.warning("could not write the summary of %s: %s", event_id, exc)
    return summary


def scan(shared_dir: Path, files: BriefFiles, pages: Pages) -> tuple[list[Summary], list[str]]:
    """Every event that has published, newest news first, and one warning line per event left out
    because neither its summary nor its brief.json and status read as this project writes them:
    one damaged event costs only its own entry. An event that never published (a failed run of a
    mistyped id) is not listed: the public index shows briefs, and the failures of events that
    have one."""
    # `current` as a link, even a dangling one: an event whose brief was removed by hand is warned of.
    with os.scandir(shared_dir) as found:
        names = sorted(e.name for e in found if is_plain_name(e.name) and os.path.lexists(os.path.join(e.path, "current")))
    last = read_pages_state(shared_dir)
    summaries, warnings = [], []
    for name in names:
        try:
            summaries.append(current_summary(shared_dir, name, files, pages, last.get(name)))
        except (DamagedFile, OSError) as exc:
            warnings.append(f"the index leaves out {name}: {exc}")
            log.warning("%s", warnings[-1])
    # The version stamp (microseconds) orders briefs published within the same second.
    return sorted(summaries, key=news_order, reverse=True), warnings


def news_order(summary: Summary) -> tuple:
    """Newest news first: by the day the brief is about (the event's date), then by when it was
    written; a rerun of last week's event does not push tonight's news down."""
    day = summary.record.get("date") or summary.generated_at.date().isoformat()
    return (day, summary.generated_at, summary.version or "")


def default_feed_id(shared_dir: Path) -> str:
    # A tag: URI (RFC 4151) needs no host, and the shared folder's name keeps it stable across runs.
    return f"tag:summarize,2026:{urllib.parse.quote(shared_dir.resolve().name or 'shared')}"


def page_url(base_url: str | None, path: str) -> str:
    """A link to `path` in the shared folder: absolute under publish.base_url, else relative to
    the page linking (index.html and feed.xml are at the folder's root)."""
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


def entry_html(entry: EventEntry) -> str:
    """The feed entry's content, as HTML (the template escapes it once more into the XML): the
    lede, what changed since the previous brief, who reports the event, how many disagreements
    the brief lists, and a failed last run."""
    disputes = counted(entry.disagreements, "disagreement")
    parts = [
        escape(entry.lede) if entry.lede else "",
        f"Since {shown_time(entry.since.previous)}: {escape(entry.since.summary)}." if entry.since else "",
        f"Reported by {escape(', '.join(entry.outlets))} ({escape(entry.coverage)}).",
        f"{disputes} between sources{', listed in the brief' if entry.disagreements else ''}.",
    ]
    if entry.failure:
        parts.append(f"The last run failed at {shown_time(entry.failure.at)} (exit {entry.failure.exit_code}); this is the brief of {shown_time(entry.generated_at)}.")
    return "".join(f"<p>{part}</p>" for part in parts if part)


# Where index.html.j2 and feed.xml.j2 put the events' parts: literal template text, which no
# printed value can hold (every value is escaped, and "<" with it).
PARTS_MARK = "<!-- summarize: the events -->"
PAGE_PARTS = ("key", "index", "feed")
ENTRY_TEMPLATES = {"index": "index_entry.html.j2", "feed": "feed_entry.xml.j2"}
PARTS_CODE = (sys.modules[__name__], render_module, summarize.types)


class Pages:
    """index.html and feed.xml, in two steps: each event's part of each page (its <li>, its
    <entry>) is rendered once, when its summary is made, and kept in the summary; a rewrite puts
    the kept parts into the pages, so that its cost barely grows with the number of events. The
    parts are rendered by the same escaping environment as the pages; `key` names what they
    depend on besides the entry (the templates, the files' names, the base URL), so that a
    change of either renders them again."""

    def __init__(self, files: BriefFiles, base_url: str | None = None):
        self.files, self.base_url = files, base_url
        self.environment = html_environment()
        self.environment.filters["entry_html"] = entry_html
        self.environment.globals["url"] = lambda path: page_url(base_url, path)
        templates = [self.environment.loader.get_source(self.environment, name)[0] for name in ENTRY_TEMPLATES.values()]
        # The code that renders them too (filters, escaping, how counts are worded): a new release
        # renders every event's parts again once.
        code = [Path(module.__file__).read_text(encoding="utf-8") for module in PARTS_CODE]
        self.key = sha256_hex(json.dumps([templates, code, dataclasses.asdict(files), base_url]).encode("utf-8"))

    def parts(self, entry: EventEntry) -> dict[str, str]:
        context = {"e": entry, "files": self.files}
        rendered = {page: self.environment.get_template(name).render(context) for page, name in ENTRY_TEMPLATES.items()}
        return {"key": self.key} | rendered

    def render(self, summaries: list[Summary], feed_id: str) -> dict[str, str]:
        context = {
            "events": len(summaries),
            "generated_at": now(),
            "updated": max((s.generated_at for s in summaries), default=None),
            "feed_id": feed_id,
            "base_url": self.base_url,
            "csp": CSP,
            "files": self.files,
        }
        pages = {}
        for page_name, template, part in ((INDEX_NAME, "index.html.j2", "index"), (FEED_NAME, "feed.xml.j2", "feed")):
            shell = self.environment.get_template(template).render(context)
            if shell.count(PARTS_MARK) != 1:
                raise RuntimeError(f"{template} must hold {PARTS_MARK!r} once")
            pages[page_name] = shell.replace(PARTS_MARK, "".join(s.parts[part] for s in summaries))
        return pages


def update_index(
    shared_dir: Path,
    files: BriefFiles,
    *,
    feed_id: str | None = None,
    base_url: str | None = None,
    lock_timeout_s: float = INDEX_LOCK_TIMEOUT_S,
) -> list[str]:
    """Rewrite index.html and feed.xml at the root of `shared_dir` from every published event's
    summary, each event's files named as `files` names them, the feed's links under `base_url`
    when given; returns a warning line per event left out."""
    shared_dir = Path(shared_dir)
    with EventLock(shared_dir / ADMIN_DIR / "index.lock", lock_timeout_s):
        renderer = Pages(files, base_url)
        summaries, warnings = scan(shared_dir, files, renderer)
        pages = renderer.render(summaries, feed_id or default_feed_id(shared_dir))
        for name, content in pages.items():
            write_atomic(shared_dir / name, content)
        write_atomic(shared_dir / PAGES_STATE, json.dumps([s.state_record() for s in summaries], ensure_ascii=False))
        # Last: a kill before it leaves sums that do not match, and the next run rewrites the pages.
        write_atomic(shared_dir / PAGES_SUMS, sums_text(pages))
    return warnings


def pages_intact(shared_dir: Path) -> bool:
    """Whether index.html and feed.xml are byte for byte what the last rewrite left."""
    return files_match_sums(Path(shared_dir) / PAGES_SUMS, Path(shared_dir), (INDEX_NAME, FEED_NAME))


def pages_show_current(shared_dir: Path, event_id: str) -> bool:
    """Whether the pages' last rewrite showed the event's current version: a run stopped after
    publishing, before the rewrite, leaves them a version behind until a run rewrites them."""
    shown = read_pages_state(Path(shared_dir)).get(event_id)
    return shown is not None and shown.version == current_link(str(shared_dir), event_id)


def after_run(
    shared_dir: Path, event_id: str, publish: PublishSettings, exit_code: int | None = None, message: str = ""
) -> list[str]:
    """Record how the event's run ended (exit_code None: it succeeded) and rewrite the index and
    feed; returns the warnings for the run to print (an event left out, the index not rewritten).
    A failure here is a warning: the brief, or the run's own error, is what the run reports."""
    try:
        write_status(Path(shared_dir), event_id, exit_code, message)
        return update_index(Path(shared_dir), BriefFiles.of(publish), feed_id=publish.feed_id, base_url=publish.base_url)
    except Exception as exc:  # noqa: BLE001 - nothing here may fail the run
        log.warning("could not update the index of %s: %s", shared_dir, exc)
        return [f"could not update the index of {shared_dir}: {exc}"]
