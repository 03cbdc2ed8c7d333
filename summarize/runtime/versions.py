"""The event's dated versions (the layout is in runtime/layout.py): each publish writes a complete
version in staging, with the SHA-256 sums of its files (runtime/checksums.py), renames it into
<event>/versions/, then switches <event>/current to it in one rename; the oldest beyond
`keep_versions` are pruned, counted in the order they were published, not by the clock that
stamped them. The caller holds the event's lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from summarize.runtime.checksums import VERSION_SUMS, files_match_sums, sums_text
from summarize.runtime.files import fsync_dir, write_synced
from summarize.runtime.layout import SharedLayout

log = logging.getLogger(__name__)

# A version's folder name, in UTC: sorts in time order, and no ':' for file systems that refuse it.
STAMP_FORMAT = "%Y-%m-%dT%H%M%S.%fZ"
# In staging while a run switches `current` to its new version: a link naming that version.
SWITCHING = "switching"


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


def is_stamp(name: str) -> bool:
    """Whether `name` is a version's stamp (and so a plain name in versions/, nothing else)."""
    try:
        dt.datetime.strptime(name, STAMP_FORMAT)
    except ValueError:
        return False
    return True


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


def drop_unpublished_version(layout: SharedLayout) -> str | None:
    """Remove the version a killed run moved into versions/ but never made current, which the link
    it left in staging names (`SWITCHING`); returns its stamp. Its stamp cannot tell: a clock stepped
    back stamps a version readers saw after one they never saw."""
    try:
        stamp = os.readlink(layout.staging / SWITCHING)
    except OSError:  # no staging, or no run was killed while switching
        return None
    if not is_stamp(stamp) or stamp == current_version(layout) or not (layout.versions / stamp).is_dir():
        return None
    os.rename(layout.versions / stamp, layout.staging / f"pruned-{stamp}")
    return stamp


def prune_versions(layout: SharedLayout, keep: int, previous: str | None) -> list[str]:
    """Remove the versions beyond the newest `keep`. The current one and `previous` (current until
    this publish) are the newest two whatever their stamps say; the others are ranked by stamp.
    Ranked by stamp alone, a clock stepped back made tonight's version older than last night's,
    and the versions readers saw looked newer than the current one. Each leaves <event>/ by a
    rename into staging, so a kill during the deletion leaves nothing partial in the event's folder."""
    current = current_version(layout)
    stamps = sorted(p.name for p in layout.versions.iterdir() if not p.name.startswith("."))
    if current not in stamps:
        return []
    latest = [stamp for stamp in dict.fromkeys((previous, current)) if stamp in stamps]
    ranked = [stamp for stamp in stamps if stamp not in latest] + latest
    doomed = ranked[: max(len(ranked) - keep, 0)]
    for stamp in doomed:
        os.rename(layout.versions / stamp, layout.staging / f"pruned-{stamp}")
    return doomed


def stage_version(layout: SharedLayout, contents: dict[str, str]) -> str:
    """Write `contents` and their sums into a new version folder in staging; returns its stamp."""
    stamp = version_stamp(layout.versions)
    staged = layout.staging / stamp
    staged.mkdir()
    for name, content in (contents | {VERSION_SUMS: sums_text(contents)}).items():
        write_synced(staged / name, content)
    fsync_dir(staged)
    return stamp


def publish_files(layout: SharedLayout, contents: dict[str, str], keep_versions: int) -> Path:
    """Publish `contents` (name -> content, the layout's file names) as a new version of the
    event's brief; returns its folder. A brief published before versions existed is adopted first
    (`layout.files.legacy`: a file added since, brief.html, was never a plain file)."""
    # Only the holder of the event's lock gets here, so whatever staging holds is a killed run's.
    drop_unpublished_version(layout)
    shutil.rmtree(layout.staging, ignore_errors=True)
    layout.staging.mkdir(parents=True)
    stamp = version = None
    try:
        layout.versions.mkdir(parents=True, exist_ok=True)
        adopt_legacy_files(layout, layout.files.legacy)
        previous = current_version(layout)
        stamp = stage_version(layout, contents)
        version = layout.versions / stamp
        # Named in staging before it enters versions/: if this run is killed before the switch,
        # the next one knows the version was never published (drop_unpublished_version).
        os.symlink(stamp, layout.staging / SWITCHING)
        fsync_dir(layout.staging)
        os.rename(layout.staging / stamp, version)
        fsync_dir(layout.versions)
        # Links to current/<name> dangle only until the first version exists, when there is no brief anyway.
        for name in contents:
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
            prune_versions(layout, keep_versions, previous)
        except OSError as exc:  # the brief is out; old copies wait for the next run
            log.warning("published, but could not remove old versions of %s: %s", layout.folder, exc)
    finally:
        shutil.rmtree(layout.staging, ignore_errors=True)
    return version


def published_key(layout: SharedLayout) -> str | None:
    """The run key of the brief readers see, or None when what they see is not one whole published
    brief: each reader-facing name (`layout.files`) a link to current/<name>, `current` a link to a
    version folder holding every file, each file read through its link byte for byte what was
    published (the version's sums), the JSON readable. Anything else (a file deleted, a stale plain
    file, a link re-pointed, a stale copy written through a link, a file cut short, a version from
    before brief.html or before its sums) is not worth keeping, so the run publishes, which
    repairs it, instead of skipping."""
    names = layout.files.names
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
        if not files_match_sums(version / VERSION_SUMS, layout.folder, names):
            return None
        return json.loads((version / layout.files.json).read_text(encoding="utf-8")).get("key")
    return None
