"""The whole pipeline on the shipped lee_beijing event (run once for the module, about 5 s)."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from factories import compose_config
from summarize.config import PROJECT_ROOT
from summarize.errors import InputError
from summarize.pipeline import run_pipeline

STAGES = ("read", "clean", "split", "dedup", "cluster", "write", "score", "publish")
BOILERPLATE = ("cookie", "subscribe", "bookmark", "copyright", "left menu", "newsletter", "privacy policy", "©")
FRENCH = ("Rapporté", "cookies", "président", "générée", "connexes")
UNRELATED = (
    "Nvidia", "Avatar", "Greenland", "Ikkis", "Venezuela", "Wang Yi", "Ireland", "Chrétien",
    "Malaysia Open", "Maduro", "Pakistan", "Denmark", "Ethiopia",
)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    shared = tmp_path_factory.mktemp("shared")
    run_dir = tmp_path_factory.mktemp("run")
    cfg = compose_config("+event=lee_beijing", f"paths.shared_dir={shared}")
    manifest = run_pipeline(cfg, run_dir=run_dir)
    folder = shared / "lee_beijing"
    return {
        "cfg": cfg,
        "manifest": manifest,
        "run_dir": run_dir,
        "folder": folder,
        "md": (folder / "brief.md").read_text(encoding="utf-8"),
        "doc": json.loads((folder / "brief.json").read_text(encoding="utf-8")),
    }


def brief_sentences(doc) -> list[dict]:
    return [s for section in doc["sections"] for s in section["sentences"]]


def test_brief_files_are_published_in_the_event_folder(run):
    folder = run["folder"]
    assert sorted(p.name for p in folder.iterdir()) == ["brief.json", "brief.md"]
    assert run["manifest"]["outputs"]["markdown"] == str(folder / "brief.md")
    assert run["manifest"]["outputs"]["json"] == str(folder / "brief.json")
    assert run["doc"]["event"]["id"] == "lee_beijing"
    assert run["md"].startswith("# South Korean President Lee Jae Myung's state visit")


def test_brief_length(run):
    doc = run["doc"]
    counted = sum(len(s["text"].split()) for s in brief_sentences(doc))
    assert counted == doc["words"]
    assert 150 <= doc["words"] <= 250
    assert f"{doc['words']} words from" in run["md"]


def test_every_sentence_names_an_outlet(run):
    outlets = set(OmegaConf.to_container(run["cfg"].event.outlets).values())
    sentences = brief_sentences(run["doc"])
    assert len(sentences) >= 4
    for s in sentences:
        assert s["outlets"], s["text"]
        assert set(s["outlets"]) <= outlets
        assert s["sources"] and {src["outlet"] for src in s["sources"]} == set(s["outlets"])
    bullets = [line for line in run["md"].splitlines() if line.startswith("- ") and "## Sources" not in line]
    section_bullets = bullets[: len(sentences)]
    assert all(re.search(r"\*\[[^\]]+\]\*$", line) for line in section_bullets), section_bullets


def test_sentences_are_extracted_from_the_articles(run):
    inputs = " ".join(
        " ".join(Path(i["path"]).read_text(encoding="utf-8").split()) for i in run["manifest"]["inputs"]
    )
    for s in brief_sentences(run["doc"]):
        assert s["text"] in inputs


@pytest.mark.parametrize("word", BOILERPLATE)
def test_no_boilerplate(run, word):
    assert word not in run["md"].lower()
    assert all(word not in s["text"].lower() for s in brief_sentences(run["doc"]))


@pytest.mark.parametrize("word", FRENCH)
def test_no_french(run, word):
    assert word not in run["md"]


@pytest.mark.parametrize("word", UNRELATED)
def test_nothing_from_unrelated_stories(run, word):
    assert word not in run["md"]


def test_no_redundant_sentences(run, encoder):
    texts = [s["text"] for s in brief_sentences(run["doc"])]
    assert len(set(texts)) == len(texts)
    vectors = encoder.encode(texts)
    for i, j in itertools.combinations(range(len(texts)), 2):
        assert float(vectors[i] @ vectors[j]) < 0.85, (texts[i], texts[j])


def test_manifest(run):
    path = run["run_dir"] / "manifest.json"
    assert run["manifest"]["outputs"]["manifest"] == str(path)
    manifest = json.loads(path.read_text(encoding="utf-8"))

    assert manifest["event"] == "lee_beijing"
    for name in STAGES:
        stage = manifest["stages"][name]
        assert isinstance(stage["seconds"], (int, float)) and stage["seconds"] >= 0, name
        assert isinstance(stage["counts"], dict) and stage["counts"], name
    assert manifest["seconds_total"] >= sum(manifest["stages"][n]["seconds"] for n in STAGES) - 0.01
    assert manifest["stages"]["read"]["counts"]["articles"] == 5
    assert manifest["stages"]["publish"]["counts"]["files"] == 2
    assert manifest["stages"]["write"]["counts"]["words"] == run["doc"]["words"]
    assert manifest["config"]["event"]["id"] == "lee_beijing"
    assert manifest["peak_memory_mib"] > 0


def test_manifest_input_hashes(run):
    manifest = json.loads((run["run_dir"] / "manifest.json").read_text(encoding="utf-8"))
    data = PROJECT_ROOT / "data" / "lee_beijing"
    expected = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(data.glob("*.txt"))}

    assert {i["path"]: i["sha256"] for i in manifest["inputs"]} == expected
    assert [i["outlet"] for i in manifest["inputs"]][1] == "Devdiscourse"


def test_manifest_dropped_counts(run):
    manifest = json.loads((run["run_dir"] / "manifest.json").read_text(encoding="utf-8"))
    dropped = manifest["stages"]["clean"]["counts"]["dropped"]

    assert set(dropped) == {"related_list", "boilerplate", "foreign_language", "fragment", "off_topic"}
    assert dropped["off_topic"] >= 5
    assert dropped["foreign_language"] >= 1
    assert dropped["boilerplate"] >= 5
    assert dropped["related_list"] >= 5
    assert sum(dropped.values()) == len(manifest["dropped_blocks"])
    off_topic = " ".join(d["text"] for d in manifest["dropped_blocks"] if d["reason"] == "off_topic")
    assert "Wang Yi" in off_topic and "Chrétien" in off_topic


@pytest.fixture
def fast_pipeline(encoder, monkeypatch):
    """run_pipeline with the session's (already warm) encoder instead of a fresh one."""
    monkeypatch.setattr("summarize.pipeline.SentenceEncoder", lambda **kwargs: encoder)
    return run_pipeline


def test_reference_adds_rouge_scores(tmp_path, fast_pipeline):
    reference = tmp_path / "reference.txt"
    reference.write_text(
        "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing. "
        "The two leaders signed agreements on trade and technology and discussed North Korea.",
        encoding="utf-8",
    )
    cfg = compose_config("+event=lee_beijing", f"paths.shared_dir={tmp_path}", f"event.reference={reference}")
    manifest = fast_pipeline(cfg, run_dir=tmp_path / "run")

    rouge = manifest["scores"]["rouge"]
    assert set(rouge) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    assert 0 < rouge["rouge1"]["f1"] < 100
    doc = json.loads((tmp_path / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))
    assert doc["scores"]["rouge"] == rouge


def test_missing_reference_file_is_an_input_error(tmp_path, fast_pipeline):
    cfg = compose_config(
        "+event=lee_beijing", f"paths.shared_dir={tmp_path}", f"event.reference={tmp_path}/no-such-reference.txt"
    )
    with pytest.raises(InputError) as caught:
        fast_pipeline(cfg, run_dir=tmp_path / "run")
    assert caught.value.exit_code == 3
    assert "no-such-reference.txt" in str(caught.value)
    assert not (tmp_path / "lee_beijing").exists()  # nothing published


def test_nothing_left_after_cleaning_is_an_input_error(tmp_path, fast_pipeline):
    inputs = tmp_path / "articles"
    inputs.mkdir()
    (inputs / "junk.txt").write_text("Left Menu\nSubscribe to our Newsletter\n© Copyright 2026\nTRENDING\n", encoding="utf-8")
    cfg = compose_config("+event=lee_beijing", f"paths.shared_dir={tmp_path}", f"event.inputs={inputs}")

    with pytest.raises(InputError) as caught:
        fast_pipeline(cfg, run_dir=tmp_path / "run")
    assert caught.value.exit_code == 3
    assert "nothing left" in str(caught.value)
    assert not (tmp_path / "lee_beijing").exists()


def test_event_without_outlet_names_uses_file_stems(tmp_path, fast_pipeline):
    """`outlets` is optional: read_articles falls back to the file stem."""
    cfg = compose_config("+event=lee_beijing", f"paths.shared_dir={tmp_path}", "~event.outlets")
    assert "outlets" not in cfg.event

    manifest = fast_pipeline(cfg, run_dir=tmp_path / "run")

    stems = {Path(i["path"]).stem for i in manifest["inputs"]}
    assert {i["outlet"] for i in manifest["inputs"]} == stems
    doc = json.loads((tmp_path / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))
    assert set(doc["outlets"]) <= stems


def test_the_two_disagreements_of_lee_beijing_are_flagged_and_nothing_else(run):
    flags = {d["subject"]: d for d in run["doc"]["disagreements"]}
    assert set(flags) == {"agreements", "meeting"}
    agreements = {v["value"]: v["outlets"] for v in flags["agreements"]["values"]}
    assert agreements == {
        "14 memorandums": ["UNN (citing AP)"],
        "15 agreements / 15 cooperation agreements": ["French AI news digest", "Saif Rahman blog"],
    }
    meeting = {v["value"]: v["outlets"] for v in flags["meeting"]["values"]}
    assert meeting == {
        "January 5, 2026": ["Mainland news digest", "UNN (citing AP)"],
        "January 6, 2026": ["French AI news digest"],
    }
    assert "## Where sources differ" in run["md"]
    assert "Date of the meeting: January 5, 2026 (Mainland news digest; UNN (citing AP))" in run["md"]
    for s in brief_sentences(run["doc"]):
        assert s["outlets_backing"] == f"{len(s['outlets'])} of 5"
        states_a_disputed_value = any(v in s["text"] for v in ("January 5", "January 6", "15 agreements", "14 memorandums"))
        assert s["disputed"] == states_a_disputed_value, s["text"]
