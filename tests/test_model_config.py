"""conf/model/*.yaml: every preset composes and fits the writer it configures."""

from __future__ import annotations

import inspect

import pytest
import yaml
from omegaconf import OmegaConf
from transformers import GenerationConfig

from summarize.config import CONFIG_DIR
from summarize.stages.generate import CausalWriter, Seq2SeqWriter

PRESETS = sorted(p.stem for p in (CONFIG_DIR / "model").glob("*.yaml"))
WRITERS = {"seq2seq": Seq2SeqWriter, "causal": CausalWriter}


def is_seq2seq(preset: str) -> bool:
    """seq2seq.yaml itself, or a preset that builds on it through its defaults list."""
    raw = yaml.safe_load((CONFIG_DIR / "model" / f"{preset}.yaml").read_text(encoding="utf-8"))
    return raw.get("kind") == "seq2seq" or "seq2seq" in (raw.get("defaults") or [])


SEQ2SEQ_PRESETS = [p for p in PRESETS if is_seq2seq(p)]


def model_params(compose_cfg, preset: str) -> dict:
    cfg = compose_cfg("+event=lee_beijing", f"model={preset}")
    return OmegaConf.to_container(cfg.model, resolve=True)


def test_the_presets_are_there():
    assert {"extractive", "seq2seq", "bart_large_cnn", "pegasus_multinews", "primera_multinews", "flan_t5_base", "smollm2"} <= set(PRESETS)


def test_extractive_is_the_default(compose_cfg):
    cfg = compose_cfg("+event=lee_beijing")
    assert OmegaConf.to_container(cfg.model) == {"name": "extractive", "kind": "extractive"}


@pytest.mark.parametrize("preset", PRESETS)
def test_every_model_preset_composes(compose_cfg, preset):
    model = model_params(compose_cfg, preset)

    assert model["name"] == preset
    assert model["kind"] in ("extractive", "seq2seq", "causal")
    if model["kind"] == "extractive":
        return
    # Every key is an argument of the writer build_writer hands it to.
    accepted = set(inspect.signature(WRITERS[model["kind"]].__init__).parameters) - {"self"}
    assert set(model) - {"name", "kind"} <= accepted, set(model) - {"name", "kind"} - accepted
    # Every generation setting is one transformers knows.
    known = set(GenerationConfig().to_dict())
    assert set(model["generation"]) <= known, set(model["generation"]) - known
    assert model["max_input_tokens"] > 0 and model["batch_size"] > 0


@pytest.mark.parametrize("preset", SEQ2SEQ_PRESETS)
def test_seq2seq_presets_have_what_the_writer_needs(compose_cfg, preset):
    cfg = compose_cfg("+event=lee_beijing", f"model={preset}")
    model = OmegaConf.to_container(cfg.model, resolve=True)

    assert model["kind"] == "seq2seq"
    for key in ("path", "doc_separator", "max_input_tokens", "generation"):
        assert key in model, key
    if preset == "seq2seq":
        assert OmegaConf.is_missing(cfg.model, "path")  # the generic preset wants model.path=...
    else:
        assert model["path"] and model["path"] != "???"
    for key in ("num_beams", "max_new_tokens", "no_repeat_ngram_size", "length_penalty"):
        assert key in model["generation"], key
    generation = model["generation"]
    assert generation["num_beams"] >= 1 and generation["max_new_tokens"] > generation.get("min_new_tokens", 0)


def test_seq2seq_preset_list_is_complete():
    assert set(SEQ2SEQ_PRESETS) == {"seq2seq", "bart_large_cnn", "flan_t5_base", "pegasus_multinews", "primera_multinews"}


def test_multi_news_separators(compose_cfg):
    assert "|||||" in model_params(compose_cfg, "pegasus_multinews")["doc_separator"]
    assert "<doc-sep>" in model_params(compose_cfg, "primera_multinews")["doc_separator"]


def test_presets_override_the_generic_generation_settings(compose_cfg):
    generic = model_params(compose_cfg, "seq2seq")["generation"]
    pegasus = model_params(compose_cfg, "pegasus_multinews")["generation"]
    assert pegasus["num_beams"] == 8 and pegasus["length_penalty"] == 0.8
    # What a preset does not set comes from seq2seq.yaml.
    assert pegasus["no_repeat_ngram_size"] == generic["no_repeat_ngram_size"]
    assert pegasus["max_new_tokens"] == generic["max_new_tokens"]


def test_smollm2_preset(compose_cfg, monkeypatch):
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", "/somewhere/cache")
    model = model_params(compose_cfg, "smollm2")

    assert model["kind"] == "causal"
    assert model["gguf_file"].endswith(".gguf")
    assert model["cache_dir"] == "/somewhere/cache/models/smollm2-135m-instruct"
    assert model["instruction"].strip()
    assert model["generation"]["do_sample"] is False
