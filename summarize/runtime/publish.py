"""Publish the brief into the shared folder: render its three files (runtime/render.py) and switch
them in as a new dated version (runtime/versions.py), atomically, where the layout puts them
(runtime/layout.py, which pictures the shared folder)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from summarize.errors import PublishError
from summarize.runtime.layout import SharedLayout
from summarize.runtime.render import brief_document, json_text, render_html, render_markdown
from summarize.runtime.versions import publish_files
from summarize.types import Article, Brief


def publish_brief(
    brief: Brief, articles: Sequence[Article], scores: dict, layout: SharedLayout, keep_versions: int, *, key: str | None = None
) -> dict[str, str]:
    """Publish the brief as a new version in the event's shared folder; returns the paths by kind
    (json, markdown, html: what readers open; version: the new version's folder). The caller holds
    the event's lock (`SharedLayout.lock`); PublishSettings has checked `keep_versions`."""
    if brief.event_id != layout.event_id:  # the brief goes into its own event's folder, no other
        raise ValueError(f"the brief of {brief.event_id!r} cannot be published as {layout.event_id!r}")
    generated_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    document = brief_document(brief, articles, scores, generated_at) | {"key": key}
    files = layout.files
    contents = {
        files.json: json_text(document),
        files.markdown: render_markdown(brief, articles, generated_at),
        files.html: render_html(document, files),
    }
    try:
        version = publish_files(layout, contents, keep_versions)
    except OSError as exc:
        raise PublishError(f"cannot publish the brief into {layout.folder}: {exc}") from exc
    return layout.brief_paths() | {"version": str(version)}
