"""conf/model/*.yaml: every preset composes into the schema of the writer it configures."""

from __future__ import annotations

import pytest
from transformers import GenerationConfig

from summarize.config import CONFIG_DIR, compose_settings
from summarize.errors import UsageError
from summarize.settings import CausalModel, ExtractiveModel, Seq2SeqModel

PRESETS = sorted(p.stem for p in (CONFIG_DIR / "model").glob("*.yaml"))


def model_settings(preset: str, *overrides: str):
    # The generic seq2seq preset wants model.path=...; give it one.
    path = ["model.path=/models/some-checkpoint"] if preset == "seq2seq" else []
    return compose_settings("+event=lee_beijing", f"model={preset}", *path, *overrides).model


SEQ2SEQ_PRESETS = [p for p in PRESETS if isinstance(model_settings(p), Seq2SeqModel)]


def test_the_presets_are_there():
    assert {"extractive", "seq2seq", "bart_large_cnn", "pegasus_multinews", "primera_multinews", "flan_t5_base", "smollm2"} <= set(PRESETS)


def test_extractive_is_the_default():
    assert compose_settings("+event=lee_beijing").model == ExtractiveModel()


@pytest.mark.parametrize("preset", PRESETS)
def test_every_model_preset_composes(preset):
    model = model_settings(preset)

    assert model.name == preset
    assert isinstance(model, (ExtractiveModel, Seq2SeqModel, CausalModel))
    if isinstance(model, ExtractiveModel):
        return
    # Every generation setting is one transformers knows.
    known = set(GenerationConfig().to_dict())
    assert set(model.generation) <= known, set(model.generation) - known
    assert model.max_input_tokens > 0 and model.batch_size > 0


@pytest.mark.parametrize("preset", SEQ2SEQ_PRESETS)
def test_seq2seq_presets_have_what_the_writer_needs(preset):
    model = model_settings(preset)

    assert model.kind == "seq2seq" and model.path and model.doc_separator
    for key in ("num_beams", "max_new_tokens", "no_repeat_ngram_size", "length_penalty"):
        assert key in model.generation, key
    generation = model.generation
    assert generation["num_beams"] >= 1 and generation["max_new_tokens"] > generation.get("min_new_tokens", 0)


def test_the_generic_seq2seq_preset_wants_a_path():
    with pytest.raises(UsageError, match=r"invalid setting model\.path: missing"):
        compose_settings("+event=lee_beijing", "model=seq2seq")


def test_seq2seq_preset_list_is_complete():
    assert set(SEQ2SEQ_PRESETS) == {"seq2seq", "bart_large_cnn", "flan_t5_base", "pegasus_multinews", "primera_multinews"}


def test_multi_news_separators():
    assert "|||||" in model_settings("pegasus_multinews").doc_separator
    assert "<doc-sep>" in model_settings("primera_multinews").doc_separator


def test_presets_override_the_generic_generation_settings():
    generic = model_settings("seq2seq").generation
    pegasus = model_settings("pegasus_multinews").generation
    assert pegasus["num_beams"] == 8 and pegasus["length_penalty"] == 0.8
    # What a preset does not set comes from the seq2seq schema.
    assert pegasus["no_repeat_ngram_size"] == generic["no_repeat_ngram_size"]
    assert pegasus["max_new_tokens"] == generic["max_new_tokens"]


def test_smollm2_preset(monkeypatch):
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", "/somewhere/cache")
    model = model_settings("smollm2")

    assert isinstance(model, CausalModel) and model.kind == "causal"
    assert model.gguf_file.endswith(".gguf")
    assert model.cache_dir == "/somewhere/cache/models/smollm2-135m-instruct"
    assert model.instruction.strip()
    assert model.generation["do_sample"] is False
