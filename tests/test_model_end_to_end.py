"""The whole pipeline with a neural writer: the tiny random BART on the shipped lee_beijing event.

The tiny model writes noise, so the guard must turn every generated sentence away and the
published brief must consist of source sentences only, each naming its outlets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


from summarize.config import PROJECT_ROOT
from summarize.config import compose_settings
from summarize.runtime.runner import run_event

MAX_NEW_TOKENS = 12
# Small enough that a fact stated by several outlets overflows it, so the overflow is counted.
MAX_INPUT_TOKENS = 64


def tiny_overrides(model_path) -> list[str]:
    return [
        "model=seq2seq",
        f"model.path={model_path}",
        f"model.max_input_tokens={MAX_INPUT_TOKENS}",
        "model.generation.num_beams=1",
        f"model.generation.max_new_tokens={MAX_NEW_TOKENS}",
        "model.generation.min_new_tokens=2",
    ]


def source_text() -> str:
    return " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in sorted((PROJECT_ROOT / "data" / "lee_beijing").glob("*.txt")))


def summarize(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m summarize +event=lee_beijing ARGS` with its shared and run folders under `tmp`, hub offline."""
    env = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "SUMMARIZE_SHARED_DIR")}
    env["HF_HUB_OFFLINE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "summarize", "+event=lee_beijing", *args,
         f"paths.shared_dir={tmp}/shared", f"hydra.run.dir={tmp}/run"],
        cwd=tmp, env=env, capture_output=True, text=True, timeout=240,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory, tiny_bart_dir, encoder):
    """run_event in-process, with the session's warm encoder."""
    tmp = tmp_path_factory.mktemp("model_e2e")
    cfg = compose_settings("+event=lee_beijing", *tiny_overrides(tiny_bart_dir), f"paths.shared_dir={tmp}/shared")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setattr("summarize.nlp.embed.build_encoder", lambda settings, cache_dir=None: encoder)
        manifest = run_event(cfg, run_dir=tmp / "run")
    folder = tmp / "shared" / "lee_beijing"
    return {
        "cfg": cfg,
        "manifest": manifest,
        "folder": folder,
        "doc": json.loads((folder / "brief.json").read_text(encoding="utf-8")),
        "md": (folder / "brief.md").read_text(encoding="utf-8"),
    }


def brief_sentences(doc) -> list[dict]:
    return [s for section in doc["sections"] for s in section["sentences"]]


def test_a_brief_is_published(run):
    assert sorted(p.name for p in run["folder"].iterdir()) == ["brief.html", "brief.json", "brief.md", "current", "versions"]
    assert run["manifest"]["status"] == "published"
    assert run["doc"]["key"] == run["manifest"]["key"]
    assert run["manifest"]["outputs"]["markdown"] == str(run["folder"] / "brief.md")
    assert run["md"].startswith("# South Korean President Lee Jae Myung")
    assert run["doc"]["words"] > 0 and brief_sentences(run["doc"])


def test_manifest_records_the_model_and_the_generation(run, tiny_bart_dir):
    manifest = json.loads(Path(run["manifest"]["outputs"]["manifest"]).read_text(encoding="utf-8"))
    stages = manifest["stages"]

    # Models are loaded only once the run key shows the brief is not already published.
    assert list(stages)[:3] == ["read", "embed", "model"]
    assert stages["model"]["counts"]["model"] == "seq2seq"
    assert stages["model"]["counts"]["pid"] == os.getpid()
    assert manifest["config"]["model"]["path"] == str(tiny_bart_dir)
    assert manifest["config"]["model"]["kind"] == "seq2seq"
    generate = stages["generate"]["counts"]
    facts = generate["facts"]
    # One generation per fact two or more outlets report: lee_beijing's summit, agreements, business leaders, ...
    assert facts == run["manifest"]["stages"]["align"]["counts"]["facts_2plus_outlets"] >= 3
    # Each fact's packed documents fit in the budget less [CLS] and [SEP]; the rest is counted.
    assert 0 < generate["input_tokens"] <= facts * (MAX_INPUT_TOKENS - 2)
    assert generate["dropped_tokens"] > 0  # the summit's four sentences are longer than the tiny budget
    assert 0 < generate["new_tokens"] <= facts * MAX_NEW_TOKENS
    assert generate["seconds_per_fact"] >= 0
    assert stages["guard"]["counts"]["checked"] == facts
    assert list(stages).index("generate") < list(stages).index("guard") < list(stages).index("write")


def test_every_generated_sentence_is_turned_away_with_a_reason(run):
    write = run["manifest"]["stages"]["write"]["counts"]
    brief_texts = {s["text"] for s in brief_sentences(run["doc"])}

    assert write["kept"] == 0  # random weights write nothing the guard can back
    assert write["fused"] >= 2
    assert write["replaced"] == len(write["replacements"]) >= 1
    assert write["fused"] == write["kept"] + write["replaced"] + write["not_used"]
    for replacement in write["replacements"]:
        assert set(replacement) == {"fact", "generated", "reason", "replacement"}
        assert replacement["reason"], replacement
        assert replacement["replacement"] in brief_texts
    assert not any(s["generated"] for s in brief_sentences(run["doc"]))
    assert write["sentences"] == len(brief_texts)
    assert write["words"] == run["doc"]["words"]


def test_every_brief_sentence_is_a_source_sentence_naming_its_outlets(run):
    inputs = source_text()
    outlets = set(run["cfg"].event.outlets.values())
    sentences = brief_sentences(run["doc"])

    assert sentences
    for s in sentences:
        assert s["text"] in inputs, s["text"]
        assert s["outlets"] and set(s["outlets"]) <= outlets, s
        assert {src["outlet"] for src in s["sources"]} == set(s["outlets"])


def test_rerun_with_the_same_model_files_is_skipped(run, tmp_path, monkeypatch):
    """Loading the model leaves its folder as it was, so the key (which fingerprints it) is stable."""
    monkeypatch.setattr("summarize.runtime.runner.load_models", lambda *a, **k: pytest.fail("a skipped run loads no model"))

    manifest = run_event(run["cfg"], run_dir=tmp_path)

    assert manifest["status"] == "skipped"
    assert manifest["key"] == run["manifest"]["key"] == run["doc"]["key"]


@pytest.mark.slow
def test_command_line_run_with_the_tiny_model_publishes(tmp_path, tiny_bart_dir):
    result = summarize(tmp_path, *tiny_overrides(tiny_bart_dir))

    assert result.returncode == 0, result.stderr[-3000:]
    brief = tmp_path / "shared" / "lee_beijing" / "brief.md"
    assert brief.is_file()
    assert result.stdout.strip().splitlines()[-1] == str(brief)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stages"]["generate"]["counts"]["new_tokens"] > 0
    assert manifest["stages"]["write"]["counts"]["kept"] == 0
    inputs = source_text()
    doc = json.loads((tmp_path / "shared" / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))
    assert doc["sections"] and all(s["text"] in inputs and s["outlets"] for s in brief_sentences(doc))


@pytest.mark.slow
def test_command_line_run_without_weights_exits_4_in_one_line(tmp_path):
    empty = tmp_path / "no_weights"
    empty.mkdir()
    result = summarize(tmp_path, "model=seq2seq", f"model.path={empty}")

    assert result.returncode == 4, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("summarize: error: cannot load model")
    assert str(empty) in lines[0] and "model.path" in lines[0]
    assert not (tmp_path / "shared" / "lee_beijing").exists()  # only the event's lock file was made
    log = (tmp_path / "run" / "summarize.log").read_text(encoding="utf-8")
    assert "cannot load model" in log
