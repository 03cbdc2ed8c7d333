"""What identifies a model's weights on disk, for the run key and the encoder's export cache."""

from __future__ import annotations

from pathlib import Path


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
