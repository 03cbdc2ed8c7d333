"""Stage 1: read an event's article files into `Article` records."""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from charset_normalizer import from_bytes

from summarize.errors import InputError
from summarize.sentence_splitter import SENTENCE_END
from summarize.types import Article

# Our scraper writes the page's date as a leading "date YYYY-MM-DD" token.
DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
# The title is the first of the opening blocks that looks like a headline: a few words and
# no final stop (scrapes often open with a menu item or a photo credit instead).
TITLE_WORDS = range(3, 21)
TITLE_SEARCH_BLOCKS = 3


def looks_like_headline(block: str) -> bool:
    return len(block.split()) in TITLE_WORDS and not block.endswith(SENTENCE_END)


def find_article_files(inputs: str, suffixes: tuple[str, ...]) -> list[Path]:
    """The files of `inputs`, a folder or a glob, in name order."""
    path = Path(inputs)
    candidates = path.iterdir() if path.is_dir() else map(Path, glob.glob(inputs))
    files = sorted(p for p in candidates if p.is_file() and p.suffix.lower() in suffixes)
    if not files:
        raise InputError(f"no article files ({', '.join(suffixes)}) found at {inputs}")
    return files


def decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
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
) -> list[Article]:
    """One `Article` per file; the outlet comes from `outlets` (keyed by file name) or the file stem."""
    outlets = outlets or {}
    articles = []
    for path in find_article_files(inputs, tuple(s.lower() for s in suffixes)):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from exc
        if len(data) > max_bytes:
            raise InputError(f"{path}: {len(data)} bytes, over the read.max_bytes cap of {max_bytes}")
        text = decode(data, path)
        if path.suffix.lower() in (".html", ".htm"):
            text = html_to_text(text, path)
        articles.append(
            parse_article(
                text,
                article_id=path.stem,
                outlet=outlets.get(path.name, path.stem),
                path=str(path),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
    return articles
