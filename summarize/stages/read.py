"""Stage: read an event's article files into `Article` records, and its reference summary if any.

An article is one file in the event's folder (`event.inputs`: a folder, a file or a glob): .txt or
.md, UTF-8 text, one block per line (a paragraph, a heading, a menu item; blank lines are
skipped); .html, whose article text trafilatura extracts; or .json, one article as news-please or
trafilatura write it. A .jsonl file holds one such JSON article per line. A text file may open with
header lines ("title: ...", "date: YYYY-MM-DD", "url: ...", "outlet: ..."); a line "date
YYYY-MM-DD" first, or second after a headline, gives the date too. The title is the metadata's, else
the first of the opening blocks that reads as a headline. The outlet is the event's `outlets` entry
for the file name, else the metadata's (source domain, host name), else the file name without its
suffix (with the line number for a line of a .jsonl file).
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import glob
import hashlib
import itertools
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from summarize.errors import InputError
from summarize.nlp.sentence_splitter import SENTENCE_END
from summarize.settings import ReadSettings
from summarize.types import Article, EventWork, Models, web_url

# Our scraper writes the page's date as a "date YYYY-MM-DD" token opening the file, or opening its
# second line when it wrote the headline first.
DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
# Header lines a text file may open with, one field each ("url: https://..."), in any order.
HEADER_LINE = re.compile(r"(title|date|url|outlet)\s*:\s*(.*)", re.IGNORECASE)
# A date as scrapers write it: a day, or a day and a time ("2026-01-05 09:30:00", "2026-01-05T09:30Z").
ISO_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)")
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIX = ".json"
JSON_LINES_SUFFIX = ".jsonl"
# Where news-please and trafilatura write each field of an article, tried in this order.
JSON_FIELDS = {
    "text": ("maintext", "text"),
    "title": ("title",),
    "date": ("date_publish", "date"),
    "url": ("url",),
    "outlet": ("source_domain", "hostname"),
}
# The title is the first of the opening blocks that looks like a headline: a few words and
# no final stop (scrapes often open with a menu item or a photo credit instead).
TITLE_WORDS = range(3, 21)
TITLE_SEARCH_BLOCKS = 3
# A byte-order mark states the encoding outright, so no guessing is needed. UTF-32's marks come first:
# UTF-32-LE's begins with UTF-16-LE's.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


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
        refuse_outside(file, target, root)
        if not target.is_file():
            raise InputError(f"{file}: a link to {target}, which is not a file")
    return files


def refuse_outside(path: Path, target: Path, root: Path) -> None:
    """`path` leads to `target`; refuse it unless that lies inside the event's folder `root`."""
    if not target.is_relative_to(root.resolve()):
        raise InputError(f"{path}: a link to {target}, outside the event's folder {root}")


def opened_file(fd: int, path: Path) -> Path:
    """Where the file open on `fd` really lies. Linux names it in /proc; elsewhere the name's current
    target counts only if it is the very file that was opened (same device and inode)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except FileNotFoundError:  # no /proc: macOS, a bare container
        target = path.resolve()
        try:
            if os.path.samestat(os.fstat(fd), os.stat(target)):
                return target
        except OSError:
            pass
        raise InputError(f"{path}: changed between its listing and its opening (a link re-pointed?)") from None


def read_article_bytes(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of `path`, opened once and checked as opened: `find_article_files` checked a name,
    and a name can be re-pointed at a file outside the event's folder before it is opened."""
    try:
        # O_NONBLOCK: a named pipe swapped in after the listing is refused below, not waited on.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    try:
        refuse_outside(path, opened_file(fd, path), root)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"{path}: not a regular file (a folder, a named pipe or a device)")
        with open(fd, "rb", closefd=False) as file:
            data = file.read(max_bytes + 1)  # no more, even if the file grows as it is read
        if len(data) > max_bytes:
            size = max(os.fstat(fd).st_size, len(data))
            raise InputError(f"{path}: {size} bytes, over the read.max_bytes cap of {max_bytes}")
        return data
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def could_be_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark: the NULs (high bytes of Latin letters) of its head are many
    and all lie at even offsets (big-endian) or all at odd ones (little-endian); an image's or an
    archive's do not."""
    head = data[:8192]
    nuls = [offset % 2 for offset, byte in enumerate(head) if byte == 0]
    # Latin text in UTF-16 is about half NULs; a stray NUL or two is any binary's.
    return len(data) % 2 == 0 and len(nuls) >= len(head) // 4 and len(set(nuls)) == 1


def decode(data: bytes, path: Path, detect_encoding: bool) -> str:
    if not data.strip():
        raise InputError(f"{path}: empty file")
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(encoding)  # the codec reads the mark's byte order and drops it
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}: not valid {encoding.upper()} despite its byte-order mark ({exc.reason} at offset {exc.start})"
                ) from None
    # NUL bytes never occur in UTF-8 or single-byte text: an image, a PDF, an archive (or UTF-16
    # without a byte-order mark, which only read.detect_encoding lets through).
    if b"\x00" in data[:8192] and not detect_encoding:
        hint = "; if it is UTF-16 without a byte-order mark, set read.detect_encoding=true" if could_be_utf16(data) else ""
        raise InputError(f"{path}: binary file (NUL bytes), not article text{hint}")
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


def drop_invisible_controls(line: str) -> str:
    """`line` without control and format characters (Unicode categories Cc and Cf) other than
    whitespace: terminal escapes, C1 controls, bidi overrides and zero-width characters would reach the
    brief raw, to redraw a terminal or reorder what a reader sees. Zero-width joiners go too, so an
    emoji sequence such as a family falls apart into its single emoji."""
    if line.isprintable():  # nearly every line: nothing to drop
        return line
    return "".join(char for char in line if char.isspace() or unicodedata.category(char) not in ("Cc", "Cf"))


def normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", drop_invisible_controls(line)).replace("\u00a0", " ")
    return " ".join(line.split())


@dataclass(frozen=True, slots=True)
class Metadata:
    """What an input says about its article besides the text; None where it says nothing."""

    title: str | None = None
    date: dt.date | None = None
    url: str | None = None  # already checked by `web_url`: a javascript: or relative address is dropped
    outlet: str | None = None


def parse_day(value: str) -> dt.date | None:
    """The day a scraper's date names ("2026-01-05", "2026-01-05 09:30:00"); None for any other form."""
    if not (match := ISO_DAY.match(value.strip())):
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:  # 2026-13-45
        return None


def metadata(fields: Mapping[str, str]) -> Metadata:
    """`fields` (title, date, url, outlet as the input wrote them) cleaned as published text is."""
    title, outlet = (normalise_line(fields.get(key) or "") or None for key in ("title", "outlet"))
    url = web_url((fields.get("url") or "").strip())
    return Metadata(title=title, date=parse_day(fields.get("date") or ""), url=url, outlet=outlet)


def header_field(line: str) -> tuple[str, str] | None:
    """(field, value) of a header line; a "date:" whose value is not a date is text, not a header."""
    if not (match := HEADER_LINE.fullmatch(line)):
        return None
    field, value = match.group(1).lower(), match.group(2)
    return None if field == "date" and parse_day(value) is None else (field, value)


def take_date_marker(lines: list[str]) -> dt.date | None:
    """The date of a "date YYYY-MM-DD" marker opening the first line, or the second when the first is
    a headline (scrapers that write the headline first); the marker leaves `lines`, and its line too
    when nothing else was on it."""
    for index in range(min(2, len(lines))):
        if index == 1 and not looks_like_headline(lines[0]):
            break
        if match := DATE_MARKER.match(lines[index]):
            lines[index] = lines[index][match.end() :]
            if not lines[index]:
                del lines[index]
            return dt.date.fromisoformat(match.group(1))
    return None


def parse_text(text: str) -> tuple[list[str], Metadata]:
    """A text file's blocks and the metadata of its header lines and date marker."""
    lines = [line for line in map(normalise_line, text.splitlines()) if line]
    fields: dict[str, str] = {}
    while lines and (field := header_field(lines[0])):
        fields.setdefault(*field)  # the first of a repeated field counts
        del lines[0]
    found = metadata(fields)
    marker_date = take_date_marker(lines)
    return lines, dataclasses.replace(found, date=found.date or marker_date)


def parse_article(text: str, *, article_id: str, outlet: str, path: str, sha256: str) -> Article:
    """An article from plain text (bench/quality.py builds its clusters' articles with it)."""
    lines, found = parse_text(text)
    return Article(
        id=article_id, outlet=outlet, title=found.title or guessed_title(lines), date=found.date,
        paragraphs=tuple(lines), path=path, sha256=sha256, url=found.url, file_name=Path(path).name,
    )


def guessed_title(lines: list[str]) -> str | None:
    return next((line for line in lines[:TITLE_SEARCH_BLOCKS] if looks_like_headline(line)), None)


def json_field(record: Mapping[str, object], field: str, where: str) -> str:
    """The first non-empty of the JSON fields that hold `field` (JSON_FIELDS), or ""."""
    for name in JSON_FIELDS[field]:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {name!r} is a {type(value).__name__}, not a string")
        if value and value.strip():
            return value
    return ""


def parse_json_article(source: str, where: str) -> tuple[list[str], Metadata]:
    """A news-please or trafilatura article (a JSON object) as blocks and metadata; `where` names the
    file, and the line of a .jsonl file, in messages."""
    try:
        record = json.loads(source)
    except json.JSONDecodeError as exc:
        # A .jsonl line is one line: its column says where; a .json file's line and column.
        position = f"line {exc.lineno}, column {exc.colno}" if "\n" in source else f"column {exc.colno}"
        raise InputError(f"{where}: not JSON ({exc.msg} at {position})") from None
    except RecursionError:  # arrays nested thousands deep
        raise InputError(f"{where}: not JSON this program reads (nested too deeply)") from None
    except ValueError as exc:  # a number of thousands of digits
        raise InputError(f"{where}: not JSON this program reads ({exc})") from None
    if not isinstance(record, dict):
        raise InputError(f"{where}: a JSON {type(record).__name__}, not an object holding one article")
    text = json_field(record, "text", where)
    if not text:
        raise InputError(f"{where}: no article text (no 'maintext' or 'text' field)")
    lines = [line for line in map(normalise_line, text.splitlines()) if line]
    return lines, metadata({field: json_field(record, field, where) for field in ("title", "date", "url", "outlet")})


def parsed_articles(path: Path, text: str) -> Iterator[tuple[str, list[str], Metadata]]:
    """(article id, blocks, metadata) of each article in the decoded file `path`: one, or one per
    non-blank line of a .jsonl file, whose id is the file's stem and the line's number."""
    suffix = path.suffix.lower()
    if suffix == JSON_LINES_SUFFIX:
        lines = text.splitlines()
        if not any(line.strip() for line in lines):
            raise InputError(f"{path}: no text in the file")
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield f"{path.stem}:{number}", *parse_json_article(line, f"{path}: line {number}")
    elif suffix == JSON_SUFFIX:
        yield path.stem, *parse_json_article(text, str(path))
    else:
        yield path.stem, *parse_text(html_to_text(text, path) if suffix in HTML_SUFFIXES else text)


def read_articles(inputs: str, outlets: Mapping[str, str], settings: ReadSettings) -> list[Article]:
    """The articles of every file at `inputs`, in file name order (a .jsonl file's in line order)."""
    files = find_article_files(inputs, tuple(s.lower() for s in settings.suffixes))
    root = input_root(inputs)
    articles = [article for path in files for article in read_file(path, root, outlets, settings)]
    if len(articles) < settings.min_articles:
        raise InputError(
            f"{len(articles)} article(s) at {inputs}: a multi-document brief needs read.min_articles={settings.min_articles}"
        )
    return articles


def name_in_folder(path: Path, root: Path) -> str:
    """`path` relative to the event's folder `root`; its bare name if it lies elsewhere."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return path.name


def read_file(path: Path, root: Path, outlets: Mapping[str, str], settings: ReadSettings) -> list[Article]:
    """The articles of one file. The outlet is the event's name for the file, else the metadata's,
    else the article's id (the file stem)."""
    data = read_article_bytes(path, root, settings.max_bytes)
    text = decode(data, path, settings.detect_encoding)
    sha256, file_name = hashlib.sha256(data).hexdigest(), name_in_folder(path, root)
    articles = []
    for article_id, lines, found in parsed_articles(path, text):
        if not lines:  # only a BOM, Unicode spaces or header lines
            raise InputError(f"{path}: no text in the file")
        outlet = outlets.get(path.name) or found.outlet or article_id
        articles.append(Article(
            id=article_id, outlet=normalise_line(outlet),  # a file name can hold escapes too
            title=found.title or guessed_title(lines), date=found.date, paragraphs=tuple(lines),
            path=str(path), sha256=sha256, url=found.url, file_name=file_name,
        ))
    return articles


def read_reference(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"event.reference {path}: {exc.strerror or exc}") from exc


class ReadStage:
    """The event's article files as `Article` records, and its reference summary if any."""

    reads = ("event",)
    writes = ("articles", "reference")

    def __init__(self, settings: ReadSettings, models: Models | None = None):
        self.settings = settings

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        event = work.event
        articles = read_articles(event.inputs, event.outlets, self.settings)
        reference = read_reference(event.reference)
        counts = {"articles": len(articles), "blocks": sum(len(a.paragraphs) for a in articles)}
        return dataclasses.replace(work, articles=tuple(articles), reference=reference), counts
