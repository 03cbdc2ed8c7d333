"""Publish the brief into the shared folder, atomically, keeping dated copies.

The shared folder, ${paths.shared_dir}:

    <event>/brief.md   -> current/brief.md    what readers open; these links are made once
    <event>/brief.json -> current/brief.json
    <event>/brief.html -> current/brief.html  the same brief as one self-contained web page
    <event>/current    -> versions/<stamp>    one rename switches the brief, all files together
    <event>/versions/<stamp>/                 every run's complete brief, the newest `keep_versions`
    .summarize/locks/<event>.lock             held while a run of <event> is going (summarize/lock.py)
    .summarize/staging/<event>/               where files are written before they are renamed in
    index.html, feed.xml                      every event's latest brief (summarize/runtime/index.py)

Everything enters <event>/ by a rename of something complete, so a reader (or a run killed at
any moment) finds either the previous brief or the new one, whole, and nothing half-written.
A killed run's leftovers in staging are cleared by the next run of the event, which alone may
touch them because it holds the event's lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from summarize.config import is_plain_name
from summarize.errors import PublishError, UsageError
from summarize.types import Article, Brief

log = logging.getLogger(__name__)

# Characters that would turn article text into live Markdown or HTML.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
ADMIN_DIR = ".summarize"
# A version's folder name, in UTC: sorts in time order, and no ':' for file systems that refuse it.
STAMP_FORMAT = "%Y-%m-%dT%H%M%S.%fZ"


# Names in <event>/ that are the layout's own, so no brief file may take them.
RESERVED_NAMES = ("current", "versions")
# A brief file's name: one plain path component, never '.', '..' or a hidden file.
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_file_names(markdown_name: object, json_name: object, html_name: object = "brief.html") -> None:
    """Refuse publish.markdown_name, json_name or html_name unless each is a plain file name of its
    own: a path ('/etc/x', '../../x') would put the brief, or a link to it, outside the event's
    folder; a reserved name or another file's name would replace part of the brief."""
    settings = (("markdown_name", markdown_name), ("json_name", json_name), ("html_name", html_name))
    for setting, name in settings:
        if not isinstance(name, str) or not FILE_NAME.fullmatch(name) or name in RESERVED_NAMES:
            raise UsageError(
                f"publish.{setting} must be a plain file name (letters, digits, '.', '_' and '-', "
                f"not starting with '.', not {' or '.join(map(repr, RESERVED_NAMES))}), not {name!r}"
            )
    for i, (first, name) in enumerate(settings):
        for second, other in settings[i + 1 :]:
            if name == other:
                raise UsageError(f"publish.{first} and publish.{second} must differ, not both {name!r}")


def md_escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


@dataclass(frozen=True)
class SharedLayout:
    """Where one event's brief, dated copies, lock and staging area live in the shared folder."""

    shared_dir: Path
    event_id: str

    def __post_init__(self):
        if not is_plain_name(self.event_id):
            raise UsageError(
                f"event id {self.event_id!r} is not a plain name (letters, digits, '_' and '-'); "
                "it would place the brief outside the shared folder"
            )

    @property
    def folder(self) -> Path:
        return self.shared_dir / self.event_id

    @property
    def versions(self) -> Path:
        return self.folder / "versions"

    @property
    def current(self) -> Path:
        return self.folder / "current"

    @property
    def lock(self) -> Path:
        return self.shared_dir / ADMIN_DIR / "locks" / f"{self.event_id}.lock"

    @property
    def staging(self) -> Path:
        return self.shared_dir / ADMIN_DIR / "staging" / self.event_id


def fsync_dir(folder: Path) -> None:
    """A rename is durable only once its folder is synced."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_synced(path: Path, content: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def write_atomic(path: Path, content: str) -> None:
    """Replace one file (the run's manifest) through a synced temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write_synced(tmp, content)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def replace_link(layout: SharedLayout, name: str, target: str) -> None:
    """Point <event>/<name> at `target` in one rename; the new link is made in staging first."""
    path = layout.folder / name
    if path.is_symlink() and os.readlink(path) == target:
        return
    staged = layout.staging / name
    os.symlink(target, staged)
    os.replace(staged, path)


def version_stamp(versions: Path) -> str:
    now = dt.datetime.now(dt.timezone.utc)
    while True:
        stamp = now.strftime(STAMP_FORMAT)
        if not (versions / stamp).exists():
            return stamp
        now += dt.timedelta(microseconds=1)


def current_version(layout: SharedLayout) -> str | None:
    with contextlib.suppress(OSError):
        return Path(os.readlink(layout.current)).name
    return None


def adopt_legacy_files(layout: SharedLayout, names: Sequence[str]) -> None:
    """Briefs published before versions existed are plain files in <event>/: when every one of
    `names` is a plain file and no version is current, make them the current version (hard links,
    no copy) so that replacing them by links never shows a reader nothing.

    Any other plain file (one of the pair alone, or one beside a current version: copied there by
    hand, or left by a tool) is stale, not a brief: adopting it would keep a dated copy that was
    never published whole. It is left for publish_files to replace by its link, and logged."""
    plain = [name for name in names if (layout.folder / name).is_file() and not (layout.folder / name).is_symlink()]
    if not plain:
        return
    if len(plain) < len(names) or layout.current.is_symlink():
        log.warning("replacing the stale plain file(s) %s in %s by links to the new brief", ", ".join(plain), layout.folder)
        return
    stamp = dt.datetime.fromtimestamp((layout.folder / plain[0]).stat().st_mtime, dt.timezone.utc).strftime(STAMP_FORMAT)
    staged = layout.staging / stamp
    staged.mkdir()
    for name in plain:
        os.link(layout.folder / name, staged / name)
    os.rename(staged, layout.versions / stamp)
    replace_link(layout, "current", f"versions/{stamp}")
    for name in plain:
        replace_link(layout, name, f"current/{name}")
    fsync_dir(layout.folder)


def prune_versions(layout: SharedLayout, keep: int) -> list[str]:
    """Remove versions beyond the newest `keep` up to the current one, and versions newer than the
    current one (complete, but left unpublished by a killed run). Each leaves <event>/ by a rename
    into staging, so a kill during the deletion leaves nothing partial in the event's folder."""
    current = current_version(layout)
    stamps = sorted(p.name for p in layout.versions.iterdir() if not p.name.startswith("."))
    if current not in stamps:
        return []
    position = stamps.index(current)
    doomed = stamps[: max(position + 1 - keep, 0)] + stamps[position + 1 :]
    for stamp in doomed:
        os.rename(layout.versions / stamp, layout.staging / f"pruned-{stamp}")
    return doomed


def publish_files(layout: SharedLayout, files: dict[str, str], keep_versions: int, legacy: Sequence[str] | None = None) -> Path:
    """Publish `files` (name -> content) as a new version of the event's brief; returns its folder.
    `legacy` names the files a brief published before versions existed consists of (all of
    `files` unless given): a file added since (brief.html) was never a plain file."""
    # Only the holder of the event's lock gets here, so whatever staging holds is a killed run's.
    shutil.rmtree(layout.staging, ignore_errors=True)
    layout.staging.mkdir(parents=True)
    stamp = version = None
    try:
        layout.versions.mkdir(parents=True, exist_ok=True)
        adopt_legacy_files(layout, list(files if legacy is None else legacy))
        stamp = version_stamp(layout.versions)
        staged = layout.staging / stamp
        staged.mkdir()
        for name, content in files.items():
            write_synced(staged / name, content)
        fsync_dir(staged)
        version = layout.versions / stamp
        os.rename(staged, version)
        fsync_dir(layout.versions)
        # Links to current/<name> dangle only until the first version exists, when there is no brief anyway.
        for name in files:
            replace_link(layout, name, f"current/{name}")
        replace_link(layout, "current", f"versions/{stamp}")
        fsync_dir(layout.folder)
    except BaseException:
        if version is not None and current_version(layout) != stamp:
            with contextlib.suppress(OSError):
                os.rename(version, layout.staging / f"failed-{stamp}")
        raise
    else:
        try:
            prune_versions(layout, keep_versions)
        except OSError as exc:  # the brief is out; old copies wait for the next run
            log.warning("published, but could not remove old versions of %s: %s", layout.folder, exc)
    finally:
        shutil.rmtree(layout.staging, ignore_errors=True)
    return version


def published_key(
    layout: SharedLayout, json_name: str = "brief.json", markdown_name: str = "brief.md", html_name: str = "brief.html"
) -> str | None:
    """The run key of the brief readers see, or None when what they see is not one whole published
    brief: each reader-facing name a link to current/<name>, `current` a link to a version folder
    holding every file, the JSON readable. Anything else (a file deleted, a stale plain file, a
    link re-pointed, a version from before brief.html) is not worth keeping, so the run publishes,
    which repairs it, instead of skipping."""
    names = (markdown_name, json_name, html_name)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        for name in names:
            if os.readlink(layout.folder / name) != f"current/{name}":
                return None
        target = Path(os.readlink(layout.current))
        version = layout.versions / target.name
        if target != Path("versions", target.name) or version.is_symlink():
            return None
        if not all((version / name).is_file() and not (version / name).is_symlink() for name in names):
            return None
        return json.loads((version / json_name).read_text(encoding="utf-8")).get("key")
    return None


def _json_default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_text(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def brief_document(brief: Brief, sources: Sequence[Article], scores: dict, generated_at: str) -> dict:
    return {
        "event": {"id": brief.event_id, "title": brief.title, "date": brief.date},
        "generated_at": generated_at,
        "words": brief.word_count,
        "outlets": list(brief.outlets),
        "copies": [list(group) for group in brief.copies],
        "sections": [
            {
                "label": section.label,
                "sentences": [
                    {
                        "text": sentence.text,
                        "shown": sentence.shown,
                        # The outlet whose wording is shown; the others report the same fact.
                        "wording_outlet": sentence.wording_outlet,
                        "generated": sentence.generated,
                        "outlets": list(sentence.outlets),
                        "outlets_backing": f"{brief.support(sentence)} of {brief.sources_count}",
                        "disputed": any(s.id in brief.disputed_sentence_ids for s in sentence.sources),
                        "sources": [dataclasses.asdict(s) for s in sentence.sources],
                    }
                    for sentence in section.sentences
                ],
            }
            for section in brief.sections
        ],
        "disagreements": [d.as_record() for d in brief.disagreements],
        "articles": [
            {"id": a.id, "outlet": a.outlet, "title": a.title, "date": a.date, "path": a.path, "sha256": a.sha256}
            for a in sources
        ],
        "scores": scores,
    }


def render_markdown(brief: Brief, sources: Sequence[Article], generated_at: str) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("summarize"),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["md"] = md_escape
    return environment.get_template("brief.md.j2").render(
        brief=brief, sources=sources, generated_at=generated_at
    )


def html_environment() -> jinja2.Environment:
    """The templates of the web pages and the feed: autoescape on, so that no text from an article
    or the config can become markup (HTML escaping is valid XML too)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("summarize"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


# The page loads nothing and runs nothing: inline style is all it may use.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"


def render_html(document: dict, markdown_name: str = "brief.md", json_name: str = "brief.json") -> str:
    """brief.html, from brief.json's document, so that the page and the JSON cannot disagree."""
    sentences = [s for section in document["sections"] for s in section["sentences"]]
    return html_environment().get_template("brief.html.j2").render(
        doc=document, sentences=sentences, csp=CSP, markdown_name=markdown_name, json_name=json_name
    )


def publish_brief(
    brief: Brief,
    sources: Sequence[Article],
    scores: dict,
    shared_dir: Path,
    *,
    key: str | None = None,
    markdown_name: str = "brief.md",
    json_name: str = "brief.json",
    html_name: str = "brief.html",
    keep_versions: int = 30,
) -> dict[str, str]:
    """Publish the brief as a new version in the event's shared folder; returns the paths by kind.
    The caller holds the event's lock (`SharedLayout.lock`)."""
    if keep_versions < 1:
        raise UsageError(f"publish.keep_versions must be 1 or more, not {keep_versions}")
    check_file_names(markdown_name, json_name, html_name)
    layout = SharedLayout(Path(shared_dir), brief.event_id)
    generated_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    document = brief_document(brief, sources, scores, generated_at) | {"key": key}
    files = {
        json_name: json_text(document),
        markdown_name: render_markdown(brief, sources, generated_at),
        html_name: render_html(document, markdown_name, json_name),
    }
    try:
        version = publish_files(layout, files, keep_versions, legacy=(json_name, markdown_name))
    except OSError as exc:
        raise PublishError(f"cannot publish the brief into {layout.folder}: {exc}") from exc
    return {
        "json": str(layout.folder / json_name),
        "markdown": str(layout.folder / markdown_name),
        "html": str(layout.folder / html_name),
        "version": str(version),
    }
