"""The labelled fact pairs (tests/data/fact_pairs.jsonl): well formed, cross-document, resolvable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bench.fact_pairs import (
    DEV_SOURCE,
    LEE_SOURCE,
    UnresolvedPair,
    dev_path,
    dev_sentences,
    load_fact_pairs,
    normalise,
    read_records,
    sentence_sha1,
)
from omegaconf import OmegaConf

ROOT = Path(__file__).resolve().parents[1]
SHA1 = re.compile(r"[0-9a-f]{40}")


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return read_records(ROOT)


def test_records_are_well_formed(records):
    for n, r in enumerate(records, 1):
        assert r["source"] in (LEE_SOURCE, DEV_SOURCE), n
        assert type(r["same"]) is bool, n
        assert isinstance(r["why"], str) and r["why"].strip(), n
        if r["source"] == LEE_SOURCE:
            assert set(r) == {"source", "a", "b", "same", "why"}, n
            for side in (r["a"], r["b"]):
                assert set(side) == {"article", "text"} and side["text"].strip(), n
        else:
            assert set(r) == {"source", "cluster", "a", "b", "same", "why"}, n
            for side in (r["a"], r["b"]):
                # Locators only: the dev set's licence forbids copying its text here.
                assert set(side) == {"document", "sha1"}, n
                assert type(side["document"]) is int and side["document"] >= 0, n
                assert SHA1.fullmatch(side["sha1"]), n


def test_pairs_are_cross_document_and_unique(records):
    seen = set()
    for n, r in enumerate(records, 1):
        if r["source"] == LEE_SOURCE:
            a, b = (r["a"]["article"], normalise(r["a"]["text"])), (r["b"]["article"], normalise(r["b"]["text"]))
            group = LEE_SOURCE
        else:
            a, b = (r["a"]["document"], r["a"]["sha1"]), (r["b"]["document"], r["b"]["sha1"])
            group = r["cluster"]
        assert a[0] != b[0], f"pair {n} is within one document"
        key = (group, frozenset((a, b)))
        assert key not in seen, f"pair {n} repeats an earlier pair"
        seen.add(key)


def test_enough_pairs_and_positives(records):
    assert len(records) >= 150
    assert sum(r["same"] for r in records) >= 0.3 * len(records)
    for source in (LEE_SOURCE, DEV_SOURCE):
        part = [r for r in records if r["source"] == source]
        assert part and any(r["same"] for r in part) and not all(r["same"] for r in part), source


def test_lee_pairs_resolve_to_the_sample_articles():
    outlets = OmegaConf.load(ROOT / "conf" / "event" / "lee_beijing.yaml").outlets
    articles = {
        Path(name).stem: normalise((ROOT / "data" / "lee_beijing" / name).read_text(encoding="utf-8"))
        for name in outlets
    }
    pairs = load_fact_pairs(ROOT, sources=(LEE_SOURCE,))
    assert len(pairs) >= 60
    for pair in pairs:
        assert pair.group == LEE_SOURCE and pair.doc_a != pair.doc_b
        for doc, text in ((pair.doc_a, pair.text_a), (pair.doc_b, pair.text_b)):
            assert doc in articles, doc
            assert normalise(text) in articles[doc], (doc, text)


def test_dev_pairs_resolve():
    if not dev_path(ROOT).is_file():
        pytest.skip(f"the shared dev set is not at {dev_path(ROOT)}")
    pairs = [p for p in load_fact_pairs(ROOT) if p.source == DEV_SOURCE]
    assert len(pairs) >= 100
    assert len({p.group for p in pairs}) >= 6
    for pair in pairs:
        assert pair.doc_a != pair.doc_b
        # A `why` describes the pair; it never quotes the dev text (no run of five words in a row).
        words = pair.why.lower().split()
        texts = (pair.text_a.lower(), pair.text_b.lower())
        for i in range(len(words) - 4):
            run = " ".join(words[i : i + 5])
            assert not any(run in t for t in texts), (pair.group, pair.why)


def _fake_project(tmp_path: Path, record: dict, documents: list[str]) -> Path:
    root = tmp_path / "main"
    (root / "tests" / "data").mkdir(parents=True)
    (root / "tests" / "data" / "fact_pairs.jsonl").write_text(json.dumps(record) + "\n")
    (tmp_path / "shared" / "eval").mkdir(parents=True)
    row = {"id": "c1", "documents": documents, "references": ["-"]}
    (tmp_path / "shared" / "eval" / "multinews_dev50.jsonl").write_text(json.dumps(row) + "\n")
    return root


DOCS = [
    "Headline\nThe council approved the new bridge on Tuesday evening.  It costs a lot.",
    "Officials said the bridge plan was approved by the council on Tuesday.",
]


def test_locators_resolve_by_sha1_of_the_split_sentences(tmp_path):
    assert dev_sentences(DOCS[0]) == ["The council approved the new bridge on Tuesday evening."]
    a, b = dev_sentences(DOCS[0])[0], dev_sentences(DOCS[1])[0]
    record = {
        "source": DEV_SOURCE,
        "cluster": "c1",
        "a": {"document": 0, "sha1": sentence_sha1(a)},
        "b": {"document": 1, "sha1": sentence_sha1(b)},
        "same": True,
        "why": "bridge approval",
    }
    [pair] = load_fact_pairs(_fake_project(tmp_path, record, DOCS))
    assert (pair.group, pair.doc_a, pair.doc_b, pair.text_a, pair.text_b) == ("c1", "0", "1", a, b)


@pytest.mark.parametrize(
    ("cluster", "document", "sha1", "message"),
    [("c9", 0, "0" * 40, "cluster"), ("c1", 5, "0" * 40, "no document"), ("c1", 0, "0" * 40, "no sentence")],
)
def test_an_unresolvable_locator_raises(tmp_path, cluster, document, sha1, message):
    b = dev_sentences(DOCS[1])[0]
    record = {
        "source": DEV_SOURCE,
        "cluster": cluster,
        "a": {"document": document, "sha1": sha1},
        "b": {"document": 1, "sha1": sentence_sha1(b)},
        "same": False,
        "why": "x",
    }
    with pytest.raises(UnresolvedPair, match=message):
        load_fact_pairs(_fake_project(tmp_path, record, DOCS))


def test_a_missing_dev_set_is_a_clear_error(tmp_path):
    record = {
        "source": DEV_SOURCE,
        "cluster": "c1",
        "a": {"document": 0, "sha1": "0" * 40},
        "b": {"document": 1, "sha1": "1" * 40},
        "same": False,
        "why": "x",
    }
    root = _fake_project(tmp_path, record, DOCS)
    (tmp_path / "shared" / "eval" / "multinews_dev50.jsonl").unlink()
    with pytest.raises(FileNotFoundError, match="multinews_dev50"):
        load_fact_pairs(root)
    assert load_fact_pairs(root, sources=(LEE_SOURCE,)) == []
