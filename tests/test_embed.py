"""The shared sentence encoder (not a stage, but every embedding stage leans on it)."""

from __future__ import annotations

import numpy as np
import pytest

from summarize.errors import ModelError
from summarize.nlp.embed import SentenceEncoder


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
    a, b, c = encoder.encode([
        "South Korean President Lee met Chinese President Xi in Beijing.",
        "China's Xi Jinping hosted South Korea's Lee Jae Myung for talks in Beijing.",
        "Heavy rain flooded several streets in the port city overnight.",
    ])
    assert float(a @ b) > 0.6 > float(a @ c)


def test_embedding_does_not_depend_on_batch_company(encoder):
    text = "The two leaders signed fifteen agreements on trade and technology."
    alone = encoder._embed([text])[0]
    padded = encoder._embed([text, text + " " + "Officials later described the talks as candid and constructive." * 3])[0]
    np.testing.assert_allclose(alone, padded, atol=1e-5)


def test_empty_input(encoder):
    assert encoder.encode([]).shape == (0, encoder.dim)


def test_missing_model_folder_is_a_model_error(tmp_path):
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(model_path=str(tmp_path / "no-such-model"))
    assert caught.value.exit_code == 4


def test_folder_without_model_files_is_a_model_error(tmp_path):
    """A model_path that exists but holds no model is 'weights cannot be found' too (exit 4), not a crash."""
    (tmp_path / "README.txt").write_text("not a model")
    with pytest.raises(ModelError) as caught:
        SentenceEncoder(model_path=str(tmp_path))
    assert caught.value.exit_code == 4
