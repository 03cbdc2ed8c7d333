"""Tiny randomly initialised checkpoints saved like real ones (config.json, safetensors, tokenizer).

They share the bundled MiniLM BERT tokenizer, so they load offline through the very code
path a downloaded checkpoint takes. Their weights are random: what they write is noise,
which is what the faithfulness guard must catch.
"""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoTokenizer, BartConfig, BartForConditionalGeneration, LlamaConfig, LlamaForCausalLM

from summarize.nlp.embed import bundled_minilm_path

# "<role>: content" per message, then "assistant: " when a reply is wanted.
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant: {% endif %}"
)
MAX_POSITIONS = 512


def bundled_tokenizer():
    return AutoTokenizer.from_pretrained(bundled_minilm_path())


def save_tiny_bart(folder: Path) -> Path:
    """A 2+2-layer BART (d_model 64) over the BERT vocabulary: [PAD] pads, [CLS] opens, [SEP] ends and starts decoding."""
    tokenizer = bundled_tokenizer()
    pad, cls, sep = (tokenizer.convert_tokens_to_ids(t) for t in ("[PAD]", "[CLS]", "[SEP]"))
    torch.manual_seed(0)
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=128,
        decoder_ffn_dim=128,
        max_position_embeddings=MAX_POSITIONS,
        pad_token_id=pad,
        bos_token_id=cls,
        eos_token_id=sep,
        decoder_start_token_id=sep,
        forced_bos_token_id=None,
        forced_eos_token_id=None,
    )
    model = BartForConditionalGeneration(config).eval()
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)  # safetensors, the default
    tokenizer.save_pretrained(folder)
    return folder


def save_tiny_llama(folder: Path) -> Path:
    """A 2-layer Llama (hidden 64) over the BERT vocabulary, with a plain-text chat template."""
    tokenizer = bundled_tokenizer()
    pad, cls, sep = (tokenizer.convert_tokens_to_ids(t) for t in ("[PAD]", "[CLS]", "[SEP]"))
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        intermediate_size=128,
        max_position_embeddings=MAX_POSITIONS,
        pad_token_id=pad,
        bos_token_id=cls,
        eos_token_id=sep,
    )
    model = LlamaForCausalLM(config).eval()
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
