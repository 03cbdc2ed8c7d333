"""Stage 8: publish the brief into the shared folder as brief.md and brief.json.

Both files are rendered before either is written, and each replaces its predecessor through
a temporary file in the same folder and a rename, so a reader never sees a half-written brief.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import jinja2

from summarize.errors import PublishError
from summarize.types import Article, Brief, Disagreement

# Characters that would turn article text into live Markdown or HTML.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md_escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def _stage(path: Path, content: str) -> str:
    """Write `content` to a synced temporary file beside `path`; returns its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_all_atomic(files: dict[Path, str]) -> None:
    """Replace each path with its content; every file is staged before any is replaced, so a
    failure while writing (full disk, no permission) leaves all the old files untouched."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            staged.append((_stage(path, content), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    # A rename is durable only once its folder is synced.
    for folder in {path.parent for path in files}:
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_atomic(path: Path, content: str) -> None:
    write_all_atomic({path: content})


def _json_default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_text(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def disagreement_record(disagreement: Disagreement) -> dict:
    return {
        "kind": disagreement.kind,
        "subject": disagreement.subject,
        "values": [{"value": value, "outlets": list(outlets)} for value, outlets in disagreement.values],
    }


def brief_document(brief: Brief, sources: Sequence[Article], scores: dict, generated_at: str) -> dict:
    return {
        "event": {"id": brief.event_id, "title": brief.title, "date": brief.date},
        "generated_at": generated_at,
        "words": brief.word_count,
        "outlets": list(brief.outlets),
        "sections": [
            {
                "label": section.label,
                "sentences": [
                    {
                        "text": sentence.text,
                        "outlets": list(sentence.outlets),
                        "outlets_backing": f"{len(sentence.outlets)} of {len(brief.outlets)}",
                        "disputed": any(s.id in brief.disputed_sentence_ids for s in sentence.sources),
                        "sources": [dataclasses.asdict(s) for s in sentence.sources],
                    }
                    for sentence in section.sentences
                ],
            }
            for section in brief.sections
        ],
        "disagreements": [disagreement_record(d) for d in brief.disagreements],
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


def publish_brief(
    brief: Brief,
    sources: Sequence[Article],
    scores: dict,
    folder: Path,
    *,
    markdown_name: str = "brief.md",
    json_name: str = "brief.json",
) -> dict[str, str]:
    """Write the brief's files into `folder`; returns their paths by kind."""
    generated_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    markdown = render_markdown(brief, sources, generated_at)
    document = brief_document(brief, sources, scores, generated_at)
    paths = {"json": folder / json_name, "markdown": folder / markdown_name}
    try:
        write_all_atomic({paths["json"]: json_text(document), paths["markdown"]: markdown})
    except OSError as exc:
        raise PublishError(f"cannot write the brief into {folder}: {exc}") from exc
    return {kind: str(path) for kind, path in paths.items()}
