"""The labelled "same fact / not the same fact" sentence pairs in tests/data/fact_pairs.jsonl.

Two sources:
- lee_beijing: the project's own sample event; the jsonl holds the sentence text.
- multinews_dev50: the benchmark's dev set, licensed for research only, so the jsonl holds locators
  (cluster id, document index, sha1 of the whitespace-normalised sentence), never text. The text is
  read from the shared copy of the dev set and found again by splitting the document exactly as the
  pairs were made (`dev_sentences`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DEV_SOURCE = "multinews_dev50"
LEE_SOURCE = "lee_beijing"
MIN_WORDS, MAX_WORDS = 5, 80


@dataclass(frozen=True)
class LabelledPair:
    source: str  # "lee_beijing" or "multinews_dev50"
    group: str  # the event id or the dev cluster id
    text_a: str
    text_b: str
    doc_a: str  # article id (lee_beijing) or document index as a string (dev)
    doc_b: str
    same: bool
    why: str


class UnresolvedPair(LookupError):
    """A dev locator that names no sentence of the dev set as it lies on this machine."""


def pairs_path(project_root: Path) -> Path:
    return project_root / "tests" / "data" / "fact_pairs.jsonl"


def dev_path(project_root: Path) -> Path:
    return project_root.resolve().parent / "shared" / "eval" / "multinews_dev50.jsonl"


def normalise(text: str) -> str:
    return " ".join(text.split())


def sentence_sha1(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()


def dev_sentences(document: str) -> list[str]:
    """The sentences of one dev document: each line stripped and split by Punkt on its own, then
    whitespace-normalised; only sentences of MIN_WORDS to MAX_WORDS words are kept."""
    from summarize.nlp.sentence_splitter import punkt_tokenizer

    tokenizer = punkt_tokenizer()
    sentences = []
    for line in document.split("\n"):
        line = line.strip()
        if not line:
            continue
        for sentence in tokenizer.tokenize(line):
            sentence = normalise(sentence)
            if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
                sentences.append(sentence)
    return sentences


def read_records(project_root: Path) -> list[dict]:
    """The raw jsonl records, unresolved (works without the dev set)."""
    records = []
    with pairs_path(project_root).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{pairs_path(project_root)}:{number}: not JSON ({error})") from error
    return records


@functools.cache
def _dev_index(path: Path) -> dict[str, list[dict[str, str]]]:
    """cluster id -> one {sha1: sentence} per document."""
    index = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                index[row["id"]] = [
                    {sentence_sha1(s): s for s in dev_sentences(document)} for document in row["documents"]
                ]
    return index


def _resolve(index: dict[str, list[dict[str, str]]], cluster: str, side: dict, where: str) -> str:
    if cluster not in index:
        raise UnresolvedPair(f"{where}: cluster {cluster!r} is not in the dev set")
    documents = index[cluster]
    number = side["document"]
    if not isinstance(number, int) or not 0 <= number < len(documents):
        raise UnresolvedPair(f"{where}: cluster {cluster!r} has no document {number!r} ({len(documents)} documents)")
    text = documents[number].get(side["sha1"])
    if text is None:
        raise UnresolvedPair(
            f"{where}: no sentence with sha1 {side['sha1']} in document {number} of cluster {cluster!r} "
            "(has the dev set or the sentence splitter changed?)"
        )
    return text


def _pair(record: dict, where: str, dev_index: dict | None) -> LabelledPair:
    source = record["source"]
    if source == LEE_SOURCE:
        a, b = record["a"], record["b"]
        return LabelledPair(
            source, LEE_SOURCE, a["text"], b["text"], a["article"], b["article"], record["same"], record["why"]
        )
    if source == DEV_SOURCE:
        assert dev_index is not None
        cluster, a, b = record["cluster"], record["a"], record["b"]
        return LabelledPair(
            source,
            cluster,
            _resolve(dev_index, cluster, a, where + " a"),
            _resolve(dev_index, cluster, b, where + " b"),
            str(a["document"]),
            str(b["document"]),
            record["same"],
            record["why"],
        )
    raise ValueError(f"{where}: unknown source {source!r}")


def load_fact_pairs(project_root: Path, *, sources: Iterable[str] = (LEE_SOURCE, DEV_SOURCE)) -> list[LabelledPair]:
    """Every labelled pair of the chosen sources, with its text. The dev pairs are resolved against
    project_root.parent/shared/eval/multinews_dev50.jsonl: FileNotFoundError when it is absent (ask for
    sources=("lee_beijing",) then), UnresolvedPair when a locator names no sentence there."""
    wanted = set(sources)
    records = [(n, r) for n, r in enumerate(read_records(project_root), 1) if r["source"] in wanted]
    dev_index = None
    if any(r["source"] == DEV_SOURCE for _, r in records):
        path = dev_path(project_root)
        if not path.is_file():
            raise FileNotFoundError(f"the dev pairs need the shared dev set at {path}")
        dev_index = _dev_index(path.resolve())
    return [_pair(r, f"{pairs_path(project_root).name} pair {n}", dev_index) for n, r in records]
