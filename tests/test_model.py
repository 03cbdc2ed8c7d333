"""Neural writers (summarize/stages/generate.py) on tiny random checkpoints saved like real ones.

The checkpoints (tests/tiny_models.py) use the bundled MiniLM BERT tokenizer, so everything
here runs offline and loads through the code path a downloaded checkpoint takes.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
import torch
from safetensors.torch import load_file
from tiny_models import MAX_POSITIONS, bundled_tokenizer
from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

from summarize.config import compose_settings
from summarize.errors import ModelError, UsageError
from summarize.nlp.writers import CausalWriter, Seq2SeqWriter, build_writer, load_causal_lm, pack_documents, share_budget
from summarize.settings import CausalModel, ExtractiveModel, Seq2SeqModel
from summarize.types import Generation

pytestmark = pytest.mark.usefixtures("hub_offline")

TINY_GENERATION = {"num_beams": 2, "max_new_tokens": 8, "min_new_tokens": 2}

# Three subtopics, each a list of documents (one per article), as subtopic_documents() makes them.
SUBTOPICS = [
    [
        "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday.",
        "The two leaders signed 15 agreements on trade, technology and the environment.",
    ],
    ["Over 200 business leaders joined the four-day trip, including executives from Samsung."],
    [
        "Lee said he hoped 2026 would mark a full restoration of relations between the two countries. " * 3,
        "Xi urged Seoul to make the correct strategic choice.",
        "The summit took place amid North Korean missile tests.",
    ],
]


@pytest.fixture(scope="module")
def tokenizer():
    return bundled_tokenizer()


def token_count(tokenizer, text: str) -> int:
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def record_generate(monkeypatch, writer) -> list[dict]:
    """Wrap the writer's model.generate to record the tensors each batch is given."""
    calls: list[dict] = []
    real = writer.model.generate

    def generate(**kwargs):
        calls.append({k: v.clone() for k, v in kwargs.items() if isinstance(v, torch.Tensor)})
        return real(**kwargs)

    monkeypatch.setattr(writer.model, "generate", generate)
    return calls


# --- share_budget -----------------------------------------------------------------------------


def test_share_budget_gives_equal_shares_when_every_document_is_long():
    assert share_budget([100, 100, 100], 90) == [30, 30, 30]
    assert share_budget([500, 400], 100) == [50, 50]


def test_share_budget_passes_what_short_documents_leave_to_the_long_ones():
    # 90 / 3 = 30 each, but the first needs only 10: its 20 go to the others.
    assert share_budget([10, 100, 100], 90) == [10, 40, 40]
    # Order is kept: the shares line up with the documents, not with their sorted lengths.
    assert share_budget([100, 10, 7], 60) == [43, 10, 7]


def test_share_budget_keeps_everything_that_fits():
    assert share_budget([10, 20, 30], 1000) == [10, 20, 30]
    assert share_budget([10, 20, 30], 60) == [10, 20, 30]


@pytest.mark.parametrize("budget", [0, -1, -50])
def test_share_budget_with_no_budget_keeps_nothing(budget):
    assert share_budget([10, 20, 30], budget) == [0, 0, 0]


def test_share_budget_of_no_documents():
    assert share_budget([], 100) == []


def test_share_budget_never_exceeds_the_budget_and_spends_it_when_it_can():
    rng = random.Random(0)
    for _ in range(2000):
        lengths = [rng.randint(0, 300) for _ in range(rng.randint(1, 7))]
        budget = rng.randint(-5, 1200)
        shares = share_budget(lengths, budget)

        assert len(shares) == len(lengths)
        assert all(0 <= s <= n for s, n in zip(shares, lengths)), (lengths, budget, shares)
        assert sum(shares) == min(max(budget, 0), sum(lengths)), (lengths, budget, shares)
        # Water-filling: a document kept short of its length gets at least any other's share (less rounding).
        for s, n in zip(shares, lengths):
            if s < n:
                assert s >= max(shares) - 1, (lengths, budget, shares)


# --- pack_documents ---------------------------------------------------------------------------


def test_pack_documents_cuts_each_document_to_its_share(tokenizer):
    documents = ["alpha " * 100, "beijing " * 30, "news " * 60]
    alpha, beijing, news = (tokenizer(w, add_special_tokens=False)["input_ids"] for w in ("alpha", "beijing", "news"))
    separator = " ||||| "
    separator_ids = tokenizer(separator, add_special_tokens=False)["input_ids"]
    assert [token_count(tokenizer, d) for d in documents] == [100, 30, 60]  # premise: one token a word
    assert len(separator_ids) == 5

    packed = pack_documents(documents, tokenizer, budget=120, separator=separator)

    # 120 - 2 separators of 5 = 110 for the documents: 30 keeps all 30, the others 40 each.
    assert packed.token_ids == alpha * 40 + separator_ids + beijing * 30 + separator_ids + news * 40
    assert packed.dropped_tokens == (100 - 40) + 0 + (60 - 40)
    assert len(packed.token_ids) <= 120


def test_pack_documents_with_real_sentences_stays_within_budget(tokenizer):
    documents = [" ".join(d) for d in SUBTOPICS]
    documents.append("The leaders agreed to meet again next year in Gyeongju, officials said.")
    lengths = [token_count(tokenizer, d) for d in documents]
    separator = " <doc-sep> "
    separator_ids = tokenizer(separator, add_special_tokens=False)["input_ids"]
    budget = sum(lengths) // 2

    packed = pack_documents(documents, tokenizer, budget, separator)

    assert len(packed.token_ids) <= budget
    assert packed.dropped_tokens == sum(lengths) - (len(packed.token_ids) - 3 * len(separator_ids))
    assert packed.dropped_tokens > 0
    # The separator lies between every two documents, and each document opens its part.
    parts, start = [], 0
    ids = packed.token_ids
    for i in range(len(ids) - len(separator_ids) + 1):
        if ids[i : i + len(separator_ids)] == separator_ids:
            parts.append(ids[start:i])
            start = i + len(separator_ids)
    parts.append(ids[start:])
    assert len(parts) == len(documents)
    for part, document, length in zip(parts, documents, lengths):
        assert part == tokenizer(document, add_special_tokens=False)["input_ids"][: len(part)]
        # About an equal share: the shortest document is kept whole, none gets less than a quarter.
        assert len(part) == length or len(part) >= (budget - 3 * len(separator_ids)) // 4 - 1


def test_pack_documents_drops_nothing_when_the_budget_is_large(tokenizer):
    documents = SUBTOPICS[0]
    packed = pack_documents(documents, tokenizer, budget=10_000, separator=" ||||| ")

    separator_ids = tokenizer(" ||||| ", add_special_tokens=False)["input_ids"]
    expected = (
        tokenizer(documents[0], add_special_tokens=False)["input_ids"]
        + separator_ids
        + tokenizer(documents[1], add_special_tokens=False)["input_ids"]
    )
    assert packed.token_ids == expected
    assert packed.dropped_tokens == 0


def test_pack_documents_skips_blank_documents(tokenizer):
    packed = pack_documents(["", "  ", "news today"], tokenizer, budget=100, separator=" ||||| ")
    assert packed.token_ids == tokenizer("news today", add_special_tokens=False)["input_ids"]
    assert packed.dropped_tokens == 0


# --- Seq2SeqWriter ----------------------------------------------------------------------------


def seq2seq_settings(folder, **overrides) -> Seq2SeqModel:
    """conf/model/seq2seq.yaml as a run takes it, pointed at `folder`, with tiny generation."""
    model = compose_settings("+event=lee_beijing", "model=seq2seq", f"model.path={folder}").model
    return dataclasses.replace(model, generation=model.generation | TINY_GENERATION, batch_size=2, **overrides)


@pytest.fixture(scope="module")
def seq2seq_writer(tiny_bart_dir):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return build_writer(seq2seq_settings(tiny_bart_dir, max_input_tokens=MAX_POSITIONS))


def test_seq2seq_writer_loads_the_saved_checkpoint(seq2seq_writer, tiny_bart_dir):
    assert isinstance(seq2seq_writer, Seq2SeqWriter)
    assert seq2seq_writer.settings.path == str(tiny_bart_dir)
    assert seq2seq_writer.model.config.model_type == "bart"
    assert not seq2seq_writer.model.training
    # The saved weights, not a fresh random initialisation.
    saved = load_file(tiny_bart_dir / "model.safetensors")
    name = next(k for k in saved if k.endswith("encoder.layers.0.fc1.weight"))
    assert torch.equal(seq2seq_writer.model.state_dict()[name], saved[name])
    assert seq2seq_writer.tokenizer.pad_token == "[PAD]"


def test_seq2seq_writer_generates_one_result_per_subtopic(seq2seq_writer, tokenizer, monkeypatch):
    calls = record_generate(monkeypatch, seq2seq_writer)

    results = seq2seq_writer(SUBTOPICS)

    assert len(results) == 3
    assert all(isinstance(r, Generation) for r in results)
    assert [len(c["input_ids"]) for c in calls] == [2, 1]  # batch_size 2
    for result, documents in zip(results, SUBTOPICS):
        assert result.input_tokens == sum(token_count(tokenizer, d) for d in documents)
        assert result.dropped_tokens == 0
        assert result.new_tokens > 0
        assert isinstance(result.text, str) and result.text == " ".join(result.text.split())
    # The encoder sees [CLS] documents [SEP], padded on the right.
    first = calls[0]["input_ids"][0].tolist()
    assert first[0] == tokenizer.cls_token_id
    assert first[results[0].input_tokens + 1] == tokenizer.sep_token_id


def test_seq2seq_writer_is_deterministic(seq2seq_writer):
    assert seq2seq_writer(SUBTOPICS) == seq2seq_writer(SUBTOPICS)


def test_seq2seq_new_tokens_count_only_what_was_generated(seq2seq_writer):
    """The decoder start token that every output opens with is not a generated token."""
    for result in seq2seq_writer(SUBTOPICS):
        assert 0 < result.new_tokens <= TINY_GENERATION["max_new_tokens"]


def test_seq2seq_tiny_input_budget_counts_what_is_dropped(tiny_bart_dir, tokenizer, monkeypatch):
    writer = build_writer(seq2seq_settings(tiny_bart_dir, max_input_tokens=24))
    calls = record_generate(monkeypatch, writer)

    results = writer(SUBTOPICS)

    assert len(results) == 3
    for result, documents in zip(results, SUBTOPICS):
        total = sum(token_count(tokenizer, d) for d in documents)
        # [CLS] and [SEP] take two of the 24; the " " separator takes none.
        assert result.input_tokens == min(total, 24 - 2)
        assert result.dropped_tokens == total - result.input_tokens
    assert results[0].dropped_tokens > 0 and results[2].dropped_tokens > 0
    assert all(c["input_ids"].shape[1] <= 24 for c in calls)


def test_seq2seq_prefix_comes_first_and_counts_against_the_budget(tiny_bart_dir, tokenizer, monkeypatch):
    prefix = "summarize the news:"
    prefix_ids = tokenizer(prefix, add_special_tokens=False)["input_ids"]
    writer = build_writer(seq2seq_settings(tiny_bart_dir, max_input_tokens=30, prefix=prefix))
    calls = record_generate(monkeypatch, writer)

    results = writer(SUBTOPICS[:1])

    row = calls[0]["input_ids"][0].tolist()
    assert row[: 1 + len(prefix_ids)] == [tokenizer.cls_token_id, *prefix_ids]
    assert len(row) <= 30
    assert results[0].input_tokens == 30 - 2 - len(prefix_ids)


def test_seq2seq_input_is_capped_at_the_models_positions(tiny_bart_dir, monkeypatch):
    """max_input_tokens above what the checkpoint can take (here 512 positions) is capped, not a crash."""
    writer = build_writer(seq2seq_settings(tiny_bart_dir, max_input_tokens=1024))
    calls = record_generate(monkeypatch, writer)
    long_documents = ["Lee met Xi in Beijing on Monday and they discussed trade. " * 40] * 2  # about 1000 tokens

    results = writer([long_documents])

    assert calls[0]["input_ids"].shape[1] <= MAX_POSITIONS
    assert results[0].dropped_tokens > 0 and results[0].new_tokens > 0


# --- CausalWriter -----------------------------------------------------------------------------


def causal_settings(folder, **overrides) -> CausalModel:
    """conf/model/smollm2.yaml pointed at a plain safetensors folder (no GGUF, no cache)."""
    model = compose_settings(
        "+event=lee_beijing", "model=smollm2", f"model.path={folder}", "model.gguf_file=null", "model.cache_dir=null"
    ).model
    return dataclasses.replace(model, generation={"max_new_tokens": 8, "do_sample": False}, batch_size=2, **overrides)


@pytest.fixture(scope="module")
def causal_writer(tiny_llama_dir):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return build_writer(causal_settings(tiny_llama_dir))


def test_causal_writer_generates_one_result_per_subtopic(causal_writer, tokenizer, monkeypatch):
    assert isinstance(causal_writer, CausalWriter)
    assert causal_writer.model.config.model_type == "llama"
    calls = record_generate(monkeypatch, causal_writer)

    results = causal_writer(SUBTOPICS)

    assert len(results) == 3
    assert [len(c["input_ids"]) for c in calls] == [2, 1]
    for result, documents in zip(results, SUBTOPICS):
        assert isinstance(result, Generation)
        assert result.input_tokens == sum(token_count(tokenizer, d) for d in documents)
        assert result.dropped_tokens == 0
        assert 0 < result.new_tokens <= 8
    assert causal_writer(SUBTOPICS) == results


def test_causal_writer_pads_on_the_left(causal_writer, tokenizer, monkeypatch):
    assert causal_writer.tokenizer.padding_side == "left"
    calls = record_generate(monkeypatch, causal_writer)

    causal_writer(SUBTOPICS[:2])  # one batch of two prompts of different lengths

    ids, mask = calls[0]["input_ids"], calls[0]["attention_mask"]
    reply = tokenizer("assistant: ", add_special_tokens=False)["input_ids"]
    # Every prompt ends at the right edge with the generation prompt; the shorter one is padded in front.
    for row in ids.tolist():
        assert row[-len(reply) :] == reply
    shorter = int(mask.sum(1).argmin())
    assert ids[shorter, 0] == tokenizer.pad_token_id and mask[shorter, 0] == 0
    assert mask[shorter, -1] == 1
    # The chat template was applied: the user turn holds the instruction.
    prompt = tokenizer.decode(ids[shorter][mask[shorter] == 1])
    assert prompt.startswith("user") and "state one fact" in prompt


def test_causal_writer_prompt_stays_within_max_input_tokens(tiny_llama_dir, tokenizer, monkeypatch):
    writer = build_writer(causal_settings(tiny_llama_dir, max_input_tokens=80))
    calls = record_generate(monkeypatch, writer)

    results = writer(SUBTOPICS)

    assert all(c["input_ids"].shape[1] <= 80 for c in calls)
    assert results[2].dropped_tokens > 0
    for result, documents in zip(results, SUBTOPICS):
        assert result.input_tokens + result.dropped_tokens == sum(token_count(tokenizer, d) for d in documents)


def test_causal_missing_gguf_file_is_a_model_error(tmp_path):
    with pytest.raises(ModelError) as caught:
        load_causal_lm(str(tmp_path), "missing.Q4_1.gguf", None)
    assert caught.value.exit_code == 4
    assert "missing.Q4_1.gguf" in str(caught.value) and str(tmp_path) in str(caught.value)


# --- missing weights, build_writer, remote code -----------------------------------------------


@pytest.fixture(params=["empty-folder", "no-such-folder", "hub-id", "no-weights"])
def missing_model(request, tmp_path, tiny_bart_dir):
    if request.param == "empty-folder":
        (tmp_path / "empty").mkdir()
        return str(tmp_path / "empty")
    if request.param == "no-such-folder":
        return str(tmp_path / "no-such-folder")
    if request.param == "hub-id":
        return "no-such-org/no-such-model"
    # config.json and the tokenizer, but no *.safetensors.
    folder = tmp_path / "no-weights"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        (folder / name).write_bytes((tiny_bart_dir / name).read_bytes())
    return str(folder)


@pytest.mark.parametrize("writer", [Seq2SeqWriter, CausalWriter])
def test_missing_weights_are_a_model_error_that_says_how_to_provide_them(missing_model, writer):
    settings = Seq2SeqModel(name="x", path=missing_model) if writer is Seq2SeqWriter else CausalModel(name="x", path=missing_model, instruction="Summarise.")
    with pytest.raises(ModelError) as caught:
        writer(settings)

    message = str(caught.value)
    assert caught.value.exit_code == 4
    assert missing_model in message
    assert "model.path" in message
    assert "cannot load model" in message
    assert "\n" not in message  # the CLI prints it as one line


def test_build_writer_returns_none_for_extractive():
    assert build_writer(compose_settings("+event=lee_beijing").model) is None  # model: extractive is the default
    assert build_writer(ExtractiveModel()) is None


def test_a_kind_other_than_the_models_schema_is_refused_before_anything_loads(tiny_bart_dir):
    with pytest.raises(UsageError) as caught:
        compose_settings("+event=lee_beijing", "model=seq2seq", f"model.path={tiny_bart_dir}", "model.kind=diffusion")
    assert caught.value.exit_code == 2
    assert "model.kind" in str(caught.value) and "diffusion" in str(caught.value)


def test_remote_code_is_never_trusted(tiny_bart_dir, tiny_llama_dir, monkeypatch):
    calls: list[tuple[str, str, dict]] = []
    for loader in (AutoTokenizer, AutoModelForSeq2SeqLM, AutoModelForCausalLM):
        real = loader.from_pretrained

        def recording(path, *args, _real=real, _name=loader.__name__, **kwargs):
            calls.append((_name, str(path), kwargs))
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(loader, "from_pretrained", recording)

    build_writer(seq2seq_settings(tiny_bart_dir))
    build_writer(causal_settings(tiny_llama_dir))

    assert {name for name, _, _ in calls} == {"AutoTokenizer", "AutoModelForSeq2SeqLM", "AutoModelForCausalLM"}
    for name, path, kwargs in calls:
        assert kwargs.get("trust_remote_code") is False, (name, kwargs)
        assert kwargs.get("local_files_only") is True, (name, kwargs)  # HF_HUB_OFFLINE=1
