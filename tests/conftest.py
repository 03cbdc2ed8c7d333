"""Shared fixtures: the real sentence encoder and the real Hydra configuration."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from factories import compose_config
from omegaconf import DictConfig, OmegaConf

import summarize.config


@pytest.fixture(scope="session")
def encoder():
    """The configured encoder (conf/embed/), loaded once; its in-memory cache is shared by all
    tests. No vector store: what a test embeds does not depend on what earlier runs stored."""
    from summarize.nlp.embed import build_encoder

    cfg = compose_config("+event=lee_beijing")
    embed = OmegaConf.to_container(cfg.embed, resolve=True) | {"store_vectors": False}
    return build_encoder(**embed, cache_dir=cfg.paths.cache_dir)


@pytest.fixture
def compose_cfg() -> Callable[..., DictConfig]:
    """compose_cfg("+event=lee_beijing", "paths.shared_dir=/x") -> the composed DictConfig."""
    assert summarize.config.PROJECT_ROOT.is_dir()
    return compose_config


@pytest.fixture(scope="session")
def stage_params() -> Callable[[str], dict]:
    """The shipped parameters of one stage (conf/<stage>/<default>.yaml), as the pipeline passes them."""
    cfg = compose_config("+event=lee_beijing")

    def params(stage: str) -> dict:
        return OmegaConf.to_container(cfg[stage], resolve=True)

    return params


@pytest.fixture(scope="session")
def lee_event() -> dict:
    """The lee_beijing event block (title, keywords, ...), resolved."""
    return OmegaConf.to_container(compose_config("+event=lee_beijing").event, resolve=True)


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
