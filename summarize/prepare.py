"""Build what a run loads and is built once per machine (`make` runs this at set-up):

    python -m summarize.prepare [key=value ...]

the configured sentence encoder's ONNX export and its vector store, in paths.cache_dir. A run that
finds no export makes one first, so this only moves the 10-15 s out of the first night's run.
"""

from __future__ import annotations

import sys

from summarize.config import compose_settings
from summarize.nlp.embed import build_encoder


def main(overrides: list[str]) -> None:
    settings = compose_settings(*overrides)
    encoder = build_encoder(settings.embed, settings.paths.cache_dir)
    print(f"sentence encoder ready: {type(encoder).__name__}, {encoder.dim} dimensions, cache {settings.paths.cache_dir}")


if __name__ == "__main__":
    main(sys.argv[1:])
