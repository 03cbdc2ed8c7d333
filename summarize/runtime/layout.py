"""Where things live in the shared folder, ${paths.shared_dir} (the file names as PublishSettings ships them):

    <event>/brief.md   -> current/brief.md    what readers open; these links are made once
    <event>/brief.json -> current/brief.json
    <event>/brief.html -> current/brief.html  the same brief as one self-contained web page
    <event>/current    -> versions/<stamp>    one rename switches the brief, all files together
    <event>/versions/<stamp>/                 every run's complete brief, the newest `keep_versions`,
                                              with .SHA256SUMS, its files' sums (runtime/checksums.py)
    .summarize/locks/<event>.lock             held while a run of <event> is going (runtime/lock.py)
    .summarize/staging/<event>/               where files are written before they are renamed in;
                                              `switching` names the version being switched in
    index.html, feed.xml                      every event's latest brief (runtime/index.py)

Everything enters <event>/ by a rename of something complete (runtime/versions.py), so a reader
(or a run killed at any moment) finds either the previous brief or the new one, whole, and nothing
half-written. A killed run's leftovers in staging are cleared by the next run of the event, which
alone may touch them because it holds the event's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from summarize.errors import UsageError
from summarize.settings import PublishSettings, is_plain_name

ADMIN_DIR = ".summarize"


@dataclass(frozen=True)
class BriefFiles:
    """The names of the brief's three files in <event>/ (publish.json_name, markdown_name and
    html_name): one value, so that whatever writes, links, checks or lists them uses the same
    three. PublishSettings has checked them (plain names, all different); build this with `of`."""

    json: str
    markdown: str
    html: str

    @classmethod
    def of(cls, publish: PublishSettings) -> BriefFiles:
        return cls(json=publish.json_name, markdown=publish.markdown_name, html=publish.html_name)

    @property
    def names(self) -> tuple[str, str, str]:
        """The three names, in the order they are written and linked: json, markdown, html."""
        return (self.json, self.markdown, self.html)

    @property
    def legacy(self) -> tuple[str, str]:
        """The files of a brief published before versions existed; the page came later. The JSON
        first: its time stamps the adopted version."""
        return (self.json, self.markdown)

    def by_kind(self) -> dict[str, str]:
        return {"json": self.json, "markdown": self.markdown, "html": self.html}


@dataclass(frozen=True)
class SharedLayout:
    """Where one event's brief, dated copies, lock and staging area live in the shared folder."""

    shared_dir: Path
    event_id: str
    files: BriefFiles

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

    def brief_paths(self) -> dict[str, str]:
        """What readers open, by kind (json, markdown, html): the links <event>/<name>."""
        return {kind: str(self.folder / name) for kind, name in self.files.by_kind().items()}
