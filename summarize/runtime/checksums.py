"""SHA-256 sums of what readers read, written beside the files in the format `sha256sum -c`
checks (`<hex digest>  <name>` per line), so that a run can tell whether the published files are
still byte for byte what it published: a link or a file name says where a file is, not what is
in it (a copy written through the link, a file cut to 0 bytes, a page replaced by garbage).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

# In each version folder (runtime/versions.py). A dot name: no brief file name can take it
# (PublishSettings refuses names starting with '.').
VERSION_SUMS = ".SHA256SUMS"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sums_text(contents: Mapping[str, str]) -> str:
    """The sums file of `contents` (name -> text, written as UTF-8)."""
    return "".join(f"{sha256_hex(text.encode('utf-8'))}  {name}\n" for name, text in contents.items())


def read_sums(path: Path) -> dict[str, str]:
    """name -> hex digest, from a sums file; raises OSError when it cannot be read, ValueError when
    it is not a sums file."""
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name:
            raise ValueError(f"{path}: not a line of sha256sum's format: {line!r}")
        sums[name] = digest
    return sums


def files_match_sums(sums_path: Path, folder: Path, names: Iterable[str]) -> bool:
    """Whether each of `names` in `folder` holds exactly the bytes `sums_path` recorded for it;
    False when a file or the sums file is missing, unreadable or different."""
    try:
        sums = read_sums(sums_path)
        return all(sums.get(name) == sha256_hex((folder / name).read_bytes()) for name in names)
    except (OSError, ValueError):
        return False
