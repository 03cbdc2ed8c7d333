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
    assert encoder.encode_passages([]).shape == (0, encoder.dim)


def test_a_passage_is_the_normalised_mean_of_its_sentences(encoder):
    """Passages are embedded together (full batches), each still the mean of its own sentences."""
    passages = [f"{SENTENCES[0]} {SENTENCES[1]}", SENTENCES[2], f"{SENTENCES[3]} {SENTENCES[0]} {SENTENCES[2]}"]
    expected = [encoder.encode(s).mean(0) for s in ([SENTENCES[0], SENTENCES[1]], [SENTENCES[2]], [SENTENCES[3], SENTENCES[0], SENTENCES[2]])]

    np.testing.assert_allclose(encoder.encode_passages(passages), [v / np.linalg.norm(v) for v in expected], atol=1e-6)


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


# -- Issue 23: a broken cache is rebuilt or bypassed, never the night's failure ------------------


@pytest.fixture
def quick_export(monkeypatch):
    """write_export without torch: the files an export leaves, export.json last (the real one
    takes 15 s; what is under test is where it goes)."""
    import summarize.nlp.embed as embed

    def write_export(model_path, building):
        (building / "model-fp32.onnx").write_bytes(b"graph")
        (building / "export.json").write_text('{"dim": 384}')

    monkeypatch.setattr(embed, "write_export", write_export)


def test_an_export_missing_its_export_json_is_replaced(tmp_path, quick_export, caplog):
    """export.json deleted from the export: every night exported again, then failed to rename the
    new export over the old folder (exit 1, nothing on stderr)."""
    from summarize.nlp.embed import export_onnx

    folder = tmp_path / "encoders" / "model"
    folder.mkdir(parents=True)
    (folder / "model-fp32.onnx").write_bytes(b"a half-deleted export")

    assert export_onnx("model", folder) == folder
    assert (folder / "export.json").is_file() and (folder / "model-fp32.onnx").read_bytes() == b"graph"
    assert sorted(p.name for p in (tmp_path / "encoders").iterdir()) == ["model"]  # nothing left beside it
    assert "is incomplete (no export.json): replaced" in caplog.text


def test_an_export_path_that_is_a_file_is_replaced(tmp_path, quick_export):
    from summarize.nlp.embed import export_onnx

    folder = tmp_path / "encoders" / "model"
    folder.parent.mkdir()
    folder.write_text("not an export")

    assert export_onnx("model", folder) == folder
    assert (folder / "export.json").is_file()


def test_a_cache_folder_that_is_a_file_costs_a_temporary_export_and_a_warning(tmp_path, quick_export, caplog):
    """paths.cache_dir a file: exit 1, nothing on stderr, every night."""
    from summarize.nlp.embed import export_onnx

    cache = tmp_path / "cache"
    cache.write_text("a file where the cache should be")

    folder = export_onnx("model", cache / "encoders" / "model")

    assert (folder / "export.json").is_file() and not folder.is_relative_to(cache)
    assert cache.read_text() == "a file where the cache should be"
    assert f"cannot keep the ONNX export in {cache / 'encoders' / 'model'} (Not a directory): exported into a temporary folder" in caplog.text


def corrupt_store(path, vector: np.ndarray) -> None:
    """Every row of the vector store at `path` replaced by `vector`."""
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("UPDATE vectors SET vector = ?", (vector.astype(np.float32).tobytes(),))
    db.commit()
    db.close()


WRONG_VECTORS = {
    "not-finite": np.full(384, np.nan),
    "not-unit-length": np.ones(384),
    "one-unit-vector-for-all": np.ones(384) / np.sqrt(384),
}


@pytest.mark.parametrize("wrong", WRONG_VECTORS.values(), ids=WRONG_VECTORS.keys())
def test_a_store_of_wrong_vectors_is_emptied_with_a_warning(tmp_path, encoder, caplog, wrong):
    """NaN rows left nothing after cleaning; one vector for all made a 1-sentence brief citing
    five outlets. The store is emptied and the vectors computed again."""
    path = tmp_path / "vectors.sqlite"
    with_store(path).encode(SENTENCES)
    corrupt_store(path, wrong)

    later = with_store(path)
    vectors = later.encode(SENTENCES)

    np.testing.assert_allclose(vectors, encoder.encode(SENTENCES), atol=1e-5)
    assert later.texts_encoded == len(SENTENCES) and later.store.working
    assert f"vector store {path} holds a vector that is not" in caplog.text and "emptied" in caplog.text
    again = with_store(path)  # stored anew: the next run finds every vector
    np.testing.assert_allclose(again.encode(SENTENCES), vectors, atol=1e-6)
    assert again.texts_encoded == 0
