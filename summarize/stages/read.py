"""Stage: read an event's article files into `Article` records, and its reference summary if any."""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from charset_normalizer import from_bytes

from summarize.errors import InputError
from summarize.nlp.sentence_splitter import SENTENCE_END
from summarize.types import Article, EventWork, Models

# Our scraper writes the page's date as a leading "date YYYY-MM-DD" token.
DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
# The title is the first of the opening blocks that looks like a headline: a few words and
# no final stop (scrapes often open with a menu item or a photo credit instead).
TITLE_WORDS = range(3, 21)
TITLE_SEARCH_BLOCKS = 3


def looks_like_headline(block: str) -> bool:
    return len(block.split()) in TITLE_WORDS and not block.endswith(SENTENCE_END)


def input_root(inputs: str) -> Path:
    """The event's folder: `inputs` itself, the folder of a single file, or the folder part of a
    glob before its first wildcard."""
    path = Path(inputs)
    if path.is_dir():
        return path
    if path.is_file():
        return path.parent
    fixed = list(itertools.takewhile(lambda part: not glob.has_magic(part), path.parts))
    return Path(*fixed) if fixed else Path(".")


def find_article_files(inputs: str, suffixes: tuple[str, ...]) -> list[Path]:
    """The files of `inputs`, a folder, a file or a glob, in name order. Each must lie inside the
    event's folder once links are followed: a scraper's or an attacker's link to /etc or to another
    event's folder, or a linked subfolder, is refused."""
    if not str(inputs).strip():
        raise InputError("event.inputs is empty: give the event's folder, a file or a glob")
    path, root = Path(inputs), input_root(inputs)
    if not root.is_dir():
        raise InputError(f"event.inputs: no folder {root}")
    if path.is_dir():
        candidates = path.iterdir()
    else:
        candidates = [path] if path.is_file() else map(Path, glob.glob(inputs))
    files = sorted(p for p in candidates if p.suffix.lower() in suffixes and (p.is_file() or p.is_symlink()))
    if not files:
        raise InputError(f"no article files ({', '.join(suffixes)}) found at {inputs}")
    for file in files:
        try:
            target = file.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # a dangling link, a loop of links
            raise InputError(f"{file}: a link that leads to no file ({getattr(exc, 'strerror', None) or exc})") from None
        if not target.is_relative_to(root.resolve()):
            raise InputError(f"{file}: a link to {target}, outside the event's folder {root}")
        if not target.is_file():
            raise InputError(f"{file}: a link to {target}, which is not a file")
    return files


def decode(data: bytes, path: Path, detect_encoding: bool) -> str:
    if not data.strip():
        raise InputError(f"{path}: empty file")
    # NUL bytes never occur in UTF-8 or single-byte text: an image, a PDF, an archive (or UTF-16,
    # which only read.detect_encoding lets through).
    if b"\x00" in data[:8192] and not detect_encoding:
        raise InputError(f"{path}: binary file (NUL bytes), not article text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not detect_encoding:
            raise InputError(
                f"{path}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "convert it, or set read.detect_encoding=true to guess its encoding"
            ) from None
        guess = from_bytes(data).best()
        if guess is None:
            raise InputError(f"{path}: not text in any encoding charset-normalizer recognises") from None
        return str(guess)


def html_to_text(html: str, path: Path) -> str:
    import trafilatura  # imported only for HTML: it costs a second at import time

    text = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not text:
        raise InputError(f"{path}: no article text found in the HTML")
    return text


def normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ")
    return " ".join(line.split())


def parse_article(text: str, *, article_id: str, outlet: str, path: str, sha256: str) -> Article:
    lines = [normalise_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    date = None
    if lines and (match := DATE_MARKER.match(lines[0])):
        date = dt.date.fromisoformat(match.group(1))
        lines[0] = lines[0][match.end() :]
        lines = [line for line in lines if line]
    title = next((line for line in lines[:TITLE_SEARCH_BLOCKS] if looks_like_headline(line)), None)
    return Article(
        id=article_id, outlet=outlet, title=title, date=date,
        paragraphs=tuple(lines), path=path, sha256=sha256,
    )


def read_articles(
    inputs: str,
    outlets: Mapping[str, str] | None = None,
    *,
    suffixes: tuple[str, ...] = (".txt", ".md", ".html", ".htm"),
    max_bytes: int = 2_000_000,
    detect_encoding: bool = False,
    min_articles: int = 2,
) -> list[Article]:
    """One `Article` per file; the outlet comes from `outlets` (keyed by file name) or the file stem."""
    outlets = outlets or {}
    articles = []
    files = find_article_files(inputs, tuple(s.lower() for s in suffixes))
    if len(files) < min_articles:
        raise InputError(
            f"{len(files)} article file(s) at {inputs}: a multi-document brief needs read.min_articles={min_articles}"
        )
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from exc
        if len(data) > max_bytes:
            raise InputError(f"{path}: {len(data)} bytes, over the read.max_bytes cap of {max_bytes}")
        text = decode(data, path, detect_encoding)
        if path.suffix.lower() in (".html", ".htm"):
            text = html_to_text(text, path)
        article = parse_article(
            text,
            article_id=path.stem,
            outlet=outlets.get(path.name, path.stem),
            path=str(path),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        if not article.paragraphs:  # only a BOM, Unicode spaces or the date line
            raise InputError(f"{path}: no text in the file")
        articles.append(article)
    return articles


def read_reference(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"event.reference {path}: {exc.strerror or exc}") from exc


def run(work: EventWork, params: dict, models: Models | None = None) -> tuple[EventWork, dict]:
    event = work.event
    articles = read_articles(event.inputs, event.outlets, **params)
    reference = read_reference(event.reference)
    counts = {"articles": len(articles), "blocks": sum(len(a.paragraphs) for a in articles)}
    return dataclasses.replace(work, articles=tuple(articles), reference=reference), counts
