"""The shared sentence encoder (not a stage, but every embedding stage leans on it)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from summarize.config import compose_settings
from summarize.errors import ModelError, UsageError
from summarize.nlp.embed import VectorStore, build_encoder, open_store

SENTENCES = [
    "South Korean President Lee met Chinese President Xi in Beijing.",
    "China's Xi Jinping hosted South Korea's Lee Jae Myung for talks in Beijing.",
    "Heavy rain flooded several streets in the port city overnight.",
    "The two leaders signed fifteen agreements on trade and technology.",
]


def encoder_for(**overrides):
    """The configured encoder, without a vector store unless one is asked for, with `overrides`."""
    settings = compose_settings("+event=lee_beijing")
    return build_encoder(dataclasses.replace(settings.embed, **{"store_vectors": False} | overrides), settings.paths.cache_dir)


def test_vectors_are_normalised_and_cached(encoder):
    texts = ["Lee met Xi in Beijing.", "The striker scored twice.", "Lee met Xi in Beijing."]
    before = encoder.texts_encoded
    vectors = encoder.encode(texts)

    assert vectors.shape == (3, encoder.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vectors[0], vectors[2])
    assert encoder.texts_encoded - before <= 2
    again = encoder.texts_encoded
    encoder.encode(texts)
    assert encoder.texts_encoded == again  # all cached


def test_similar_sentences_are_closer_than_unrelated_ones(encoder):
    a, b, c, _ = encoder.encode(SENTENCES)
    assert float(a @ b) > 0.6 > float(a @ c)


def test_embedding_does_not_depend_on_batch_company(encoder):
    text = "The two leaders signed fifteen agreements on trade and technology."
    alone = encoder._embed([text])[0]
    padded = encoder._embed([text, text + " " + "Officials later described the talks as candid and constructive." * 3])[0]
    np.testing.assert_allclose(alone, padded, atol=1e-5)


def test_onnx_and_torch_give_the_same_vectors(encoder):
    """Every threshold in conf/ was tuned on torch's vectors; the ONNX export must not move them."""
    torch_encoder = encoder_for(runtime="torch")
    onnx = encoder_for(runtime="onnx", precision="fp32")
    np.testing.assert_allclose(onnx.encode(SENTENCES), torch_encoder.encode(SENTENCES), atol=1e-5)


def test_int8_is_close_to_fp32_but_not_the_same(encoder):
    int8 = encoder_for(precision="int8")
    fp32, quantised = encoder.encode(SENTENCES), int8.encode(SENTENCES)
    assert not np.allclose(fp32, quantised, atol=1e-4)
    np.testing.assert_allclose(quantised @ quantised.T, fp32 @ fp32.T, atol=0.15)


def test_empty_input(encoder):
    assert encoder.encode([]).shape == (0, encoder.dim)


def with_store(path) -> object:
    """A fresh encoder (the machine's export, no in-memory cache) keeping its vectors at `path`."""
    fresh = encoder_for()
    fresh.store = open_store(path, fresh.dim)
    return fresh


def test_vector_store_serves_a_later_encoder(tmp_path, encoder):
    stored = with_store(tmp_path / "vectors.sqlite").encode(SENTENCES[:2])
    later = with_store(tmp_path / "vectors.sqlite")

    again = later.encode(SENTENCES[:3])

    assert later.texts_encoded == 1  # only the sentence the first one never saw
    np.testing.assert_array_equal(again[:2], stored)
    np.testing.assert_allclose(again, encoder.encode(SENTENCES[:3]), atol=1e-5)


def test_a_broken_vector_store_only_costs_time(tmp_path, encoder, caplog):
    broken = with_store(tmp_path / "vectors.sqlite")
    broken.store.db.close()  # as a deleted or unreadable file would leave it: every query fails

    vectors = broken.encode(SENTENCES)

    np.testing.assert_allclose(vectors, encoder.encode(SENTENCES), atol=1e-5)
    assert not broken.store.working and "switched off" in caplog.text


def test_a_store_file_that_is_not_a_database_is_not_used(tmp_path, encoder, caplog):
    path = tmp_path / "vectors.sqlite"
    path.write_bytes(b"not a database" * 100)

    skipped = with_store(path)

    np.testing.assert_allclose(skipped.encode(SENTENCES[:1]), encoder.encode(SENTENCES[:1]), atol=1e-5)
    assert skipped.store is None and "no vector store" in caplog.text
    assert path.read_bytes() == b"not a database" * 100


def test_missing_model_folder_is_a_model_error(tmp_path):
    with pytest.raises(ModelError) as caught:
        encoder_for(model_path=str(tmp_path / "no-such-model"))
    assert caught.value.exit_code == 4


def test_folder_without_model_files_is_a_model_error(tmp_path):
    """A model_path that exists but holds no model is 'weights cannot be found' too (exit 4), not a crash."""
    (tmp_path / "README.txt").write_text("not a model")
    for runtime in ("onnx", "torch"):
        with pytest.raises(ModelError) as caught:
            encoder_for(model_path=str(tmp_path), runtime=runtime)
        assert caught.value.exit_code == 4


def test_unknown_runtime_or_precision_is_refused_by_the_settings():
    for overrides in ({"runtime": "tensorflow"}, {"precision": "fp16"}, {"runtime": "torch", "precision": "int8"}):
        with pytest.raises(UsageError) as caught:
            encoder_for(**overrides)
        assert caught.value.exit_code == 2


def test_the_vector_store_works_from_another_thread(tmp_path, encoder):
    """A Ray actor builds the encoder in one thread and encodes in another."""
    import threading

    built = with_store(tmp_path / "vectors.sqlite")
    results = {}
    worker = threading.Thread(target=lambda: results.update(vectors=built.encode(SENTENCES)))
    worker.start()
    worker.join()

    assert built.store.working
    later = with_store(tmp_path / "vectors.sqlite")
    np.testing.assert_array_equal(later.encode(SENTENCES), results["vectors"])
    assert later.texts_encoded == 0
