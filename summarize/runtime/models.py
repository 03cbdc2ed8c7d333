"""The sentence encoder (conf/embed/) and the writer (conf/model/), loaded once per process.

A process that summarises many events (a Hydra multirun, a Ray worker) loads each model once;
models are told apart by the config that defines them.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from summarize.nlp.embed import build_encoder
from summarize.types import Encoder, Writer

log = logging.getLogger(__name__)

_encoders: dict[str, Encoder] = {}
_writers: dict[str, Writer | None] = {}


def _identity(params: dict) -> str:
    return json.dumps(params, sort_keys=True)


def load_encoder(params: dict) -> tuple[Encoder, dict]:
    """The encoder `params` (conf/embed/) define, and the counts of its stage: its dimension when
    loaded now, `reused` when this process had loaded it already."""
    identity = _identity(params)
    if identity in _encoders:
        return _encoders[identity], {"reused": True}
    encoder = _encoders[identity] = build_encoder(**params)
    return encoder, {"dim": encoder.dim, "runtime": params["runtime"], "precision": params["precision"]}


def load_parser() -> tuple[Any, dict]:
    """spaCy's English pipeline, which the claims and cluster stages parse sentences with."""
    from summarize.nlp.values import load_parser as load

    reused = load.cache_info().currsize > 0
    parser = load()
    return parser, {"reused": True} if reused else {"pipes": list(parser.pipe_names)}


def load_writer(params: dict) -> tuple[Writer | None, dict]:
    """The writer `params` (conf/model/) define (None: the extractive one), and the counts of its
    stage, which name the process and how many writers it has loaded: the evidence that a
    multirun or a Ray worker loads them once."""
    identity = _identity(params)
    counts: dict = {"reused": True} if identity in _writers else {"model": params["name"]}
    if identity not in _writers:
        if params["kind"] == "extractive":
            # Nothing to load; the neural writers' module would import torch and transformers (5 s).
            _writers[identity] = None
        else:
            from summarize.stages.generate import build_writer

            _writers[identity] = build_writer(params)
        log.info("model %s loaded in process %d", params["name"], os.getpid())
    return _writers[identity], counts | {"pid": os.getpid(), "loads_in_process": len(_writers)}
