"""brief.json's and manifest.json's contract: the JSON Schemas shipped in the package
(summarize/schemas/), and a check of every such file the tests leave behind (tests/conftest.py)."""

from __future__ import annotations

import functools
import json
import os
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator

from summarize.runtime.checksums import VERSION_SUMS, files_match_sums


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """The validator of the shipped schema `name` ("brief" or "manifest"), read as an installed
    program reads it: from the package's data, not from the checkout."""
    schema = json.loads(resources.files("summarize").joinpath(f"schemas/{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(name: str, document: object) -> list[str]:
    """Each way `document` breaks the schema, as "where: what" lines; [] when it follows it."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator(name).iter_errors(document)
    ]


def published_files(root: Path) -> list[tuple[str, Path]]:
    """("brief", path) for every brief.json as published under `root` (in a version whose sums
    still match it: a test may damage one on purpose), ("manifest", path) for every manifest.json."""
    found = []
    for folder, _, names in os.walk(root):  # links are not followed: each version is seen once
        folder_path = Path(folder)
        if "manifest.json" in names:
            found.append(("manifest", folder_path / "manifest.json"))
        if folder_path.parent.name == "versions" and "brief.json" in names and VERSION_SUMS in names:
            if files_match_sums(folder_path / VERSION_SUMS, folder_path, ["brief.json"]):
                found.append(("brief", folder_path / "brief.json"))
    return found


def contract_problems(root: Path, seen: set[tuple[Path, int]]) -> list[str]:
    """A line per brief.json or manifest.json under `root` that breaks its schema; files in `seen`
    (path, modification time) are not read again, and the ones read are added to it."""
    problems = []
    for name, path in published_files(root):
        try:
            stamp = (path, path.stat().st_mtime_ns)
            if stamp in seen:
                continue
            seen.add(stamp)
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # removed since, or a run cut short: what its own test checks
            continue
        problems += [f"{path}: {error}" for error in schema_errors(name, document)]
    return problems
