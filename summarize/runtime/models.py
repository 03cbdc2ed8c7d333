"""The sentence encoder (conf/embed/), the writer (conf/model/) and spaCy's parser, loaded once
per process.

A process that summarises many events (a Hydra multirun, a Ray worker) loads each model once;
models are told apart by the settings that define them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from typing import Any

from summarize.settings import EmbedSettings, ExtractiveModel
from summarize.types import Encoder, Writer

log = logging.getLogger(__name__)

_encoders: dict[str, Encoder] = {}
_writers: dict[str, Writer | None] = {}


def _identity(settings, *more) -> str:
    return json.dumps([type(settings).__name__, dataclasses.asdict(settings), *more], sort_keys=True)


def load_encoder(settings: EmbedSettings, cache_dir: str | None) -> tuple[Encoder, dict]:
    """The encoder `settings` define, and the counts of its stage: its dimension when loaded now,
    `reused` when this process had loaded it already."""
    from summarize.nlp.embed import build_encoder

    identity = _identity(settings, cache_dir)
    if identity in _encoders:
        return _encoders[identity], {"reused": True}
    encoder = _encoders[identity] = build_encoder(settings, cache_dir)
    return encoder, {"dim": encoder.dim, "runtime": settings.runtime, "precision": settings.precision}


def load_parser() -> tuple[Any, dict]:
    """spaCy's English pipeline, which the align, claims and cluster stages parse sentences with."""
    from summarize.nlp.values import load_parser as load

    reused = load.cache_info().currsize > 0
    parser = load()
    return parser, {"reused": True} if reused else {"pipes": list(parser.pipe_names)}


def load_writer(settings) -> tuple[Writer | None, dict]:
    """The writer `settings` (conf/model/) define (None: the extractive one), and the counts of its
    stage, which name the process and how many writers it has loaded: the evidence that a
    multirun or a Ray worker loads them once."""
    identity = _identity(settings)
    counts: dict = {"reused": True} if identity in _writers else {"model": settings.name}
    if identity not in _writers:
        if isinstance(settings, ExtractiveModel):
            # Nothing to load; the neural writers' module would import torch and transformers (5 s).
            _writers[identity] = None
        else:
            from summarize.nlp.writers import build_writer

            _writers[identity] = build_writer(settings)
        log.info("model %s loaded in process %d", settings.name, os.getpid())
    return _writers[identity], counts | {"pid": os.getpid(), "loads_in_process": len(_writers)}
