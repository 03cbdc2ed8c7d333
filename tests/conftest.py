"""Shared fixtures: the real sentence encoder and the real Hydra configuration."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from factories import compose_config
from omegaconf import DictConfig, OmegaConf

import summarize.config


@pytest.fixture(scope="session")
def encoder():
    """The bundled MiniLM encoder, loaded once (about 3 s); its cache is shared by all tests."""
    from summarize.embed import SentenceEncoder

    return SentenceEncoder()


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
