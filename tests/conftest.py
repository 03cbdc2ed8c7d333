"""Shared fixtures: the real sentence encoder and the real Hydra configuration."""

from __future__ import annotations

from collections.abc import Callable

import dataclasses

import pytest
from contract import contract_problems
from factories import compose_config

import summarize.config
from summarize.config import compose_settings
from summarize.settings import Settings

# The brief.json and manifest.json files already checked in this worker: (path, modification time).
CHECKED_CONTRACT_FILES: set = set()


@pytest.fixture(scope="module", autouse=True)
def published_json_follows_the_schemas(tmp_path_factory):
    """Every brief.json a test module publishes and every manifest.json it writes, in process or
    by a `python -m summarize` it starts, follows the schema shipped in the package: checked when
    the module's tests are done, over this worker's temporary folders."""
    yield
    if problems := contract_problems(tmp_path_factory.getbasetemp(), CHECKED_CONTRACT_FILES):
        pytest.fail("published JSON breaks its schema:\n" + "\n".join(problems[:20]), pytrace=False)


@pytest.fixture(scope="session")
def encoder():
    """The configured encoder (conf/embed/), loaded once; its in-memory cache is shared by all
    tests. No vector store: what a test embeds does not depend on what earlier runs stored."""
    from summarize.nlp.embed import build_encoder

    settings = compose_settings("+event=lee_beijing")
    return build_encoder(dataclasses.replace(settings.embed, store_vectors=False), settings.paths.cache_dir)


@pytest.fixture
def compose_cfg() -> Callable[..., Settings]:
    """compose_cfg("+event=lee_beijing", "paths.shared_dir=/x") -> the settings a run with those overrides takes."""
    assert summarize.config.PROJECT_ROOT.is_dir()
    return compose_settings


@pytest.fixture(scope="session")
def stage_settings() -> Callable[..., object]:
    """stage_settings("write", budget_words=100): one group's settings as a run takes them, with overrides."""
    settings = compose_settings("+event=lee_beijing")

    def group(name: str, **overrides) -> object:
        return dataclasses.replace(getattr(settings, name), **overrides)

    return group


@pytest.fixture(scope="session")
def lee_event():
    """The lee_beijing event's settings (title, keywords, ...)."""
    return compose_settings("+event=lee_beijing").event


@pytest.fixture(scope="session")
def tiny_bart_dir(tmp_path_factory):
    """A saved tiny random BART (tests/tiny_models.py) with the MiniLM BERT tokenizer; loads like any checkpoint."""
    from tiny_models import save_tiny_bart

    return save_tiny_bart(tmp_path_factory.mktemp("tiny_bart"))


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory):
    """A saved tiny random Llama causal LM with the same tokenizer and a plain "<role>: content" chat template."""
    from tiny_models import save_tiny_llama

    return save_tiny_llama(tmp_path_factory.mktemp("tiny_llama"))


@pytest.fixture
def hub_offline(monkeypatch):
    """No Hugging Face hub: lookups of a hub id fail fast instead of waiting on the network."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
