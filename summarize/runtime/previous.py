"""The brief readers have before this run: the event's current version's brief.json, read back into
the facts it carried (`PreviousBrief`), so that the changes stage can say what changed since it
without reading last night's articles again.

A brief that cannot be read back whole (no current version, a file that is not JSON, an older
schema without "facts", a field of the wrong type) is no previous brief: the run writes its brief as
the event's first, and says why in one warning line unless there simply is none yet.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from summarize.runtime.layout import SharedLayout
from summarize.types import CarriedFact, CarriedValue, PreviousBrief

log = logging.getLogger(__name__)

# The oldest brief.json whose facts a run can compare with: 1.1 added "facts".
FIRST_CARRYING_MINOR = 1


class UnreadableBrief(ValueError):
    """A previous brief.json that does not read back as this project writes them."""


def previous_brief(layout: SharedLayout) -> tuple[PreviousBrief | None, str | None]:
    """The event's current brief as a `PreviousBrief`, or None and, when a brief is there but cannot
    be compared with, the warning that says why."""
    if not layout.current.exists():  # the event's first brief (or a dangling link: nothing to read either)
        return None, None
    path = layout.current / layout.files.json
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return read_previous(document, Path(os.readlink(layout.current)).name), None
    except (OSError, ValueError) as exc:  # json.JSONDecodeError and UnreadableBrief are ValueErrors
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        warning = (
            f"the previous brief of {layout.event_id} cannot be compared with ({layout.files.json}: {reason}); "
            "this brief says nothing of what changed since"
        )
        log.warning("%s", warning)
        return None, warning


def read_previous(document: object, version: str | None) -> PreviousBrief:
    """brief.json's document as a `PreviousBrief`; UnreadableBrief names what is wrong."""
    record = _object(document, "the document")
    schema = record.get("schema_version")
    major, _, minor = str(schema).partition(".")
    if major != "1" or not minor.isdigit():
        raise UnreadableBrief(f"schema_version {schema!r} is not one this version reads (1.x)")
    if int(minor) < FIRST_CARRYING_MINOR or "facts" not in record:
        raise UnreadableBrief(f"schema_version {schema} carries no facts (they came with 1.{FIRST_CARRYING_MINOR})")
    generated_at = _text(record, "generated_at")
    facts = tuple(_fact(f) for f in _list(record, "facts"))
    copies = tuple(tuple(_strings(group, "copies")) for group in _list(record, "copies"))
    disputed = frozenset(_disputed(d) for d in _list(record, "disagreements"))
    articles = frozenset(_text(_object(a, "an article"), "sha256") for a in _list(record, "articles"))
    return PreviousBrief(generated_at, version, facts, copies, disputed, articles)


def _fact(value: object) -> CarriedFact:
    record = _object(value, "a fact")
    values = tuple(
        CarriedValue(_text(v, "kind"), _text(v, "subject"), _text(v, "value"), _text(v, "written"), _optional_text(v, "predicate"))
        for v in (_object(item, "a value") for item in _list(record, "values"))
    )
    shown = record.get("shown", False)
    if not isinstance(shown, bool):
        raise UnreadableBrief(f"a fact's 'shown' is a {type(shown).__name__}, not true or false")
    return CarriedFact(
        _text(record, "wording"), tuple(_strings(record.get("outlets"), "outlets")),
        tuple(_strings(record.get("fingerprints"), "fingerprints")), values, shown,
    )


def _disputed(value: object) -> tuple[str, str, str]:
    """A disagreement as the changes stage knows it again: its kind, subject and fact's wording."""
    record = _object(value, "a disagreement")
    return _text(record, "kind"), _text(record, "subject"), _text(record, "fact")


def _object(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise UnreadableBrief(f"{what} is a JSON {type(value).__name__}, not an object")
    return value


def _list(record: dict, key: str) -> list:
    value = record.get(key, [])
    if not isinstance(value, list):
        raise UnreadableBrief(f"{key!r} is a {type(value).__name__}, not a list")
    return value


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise UnreadableBrief(f"{key!r} is {'missing' if value is None else 'a ' + type(value).__name__}, not text")
    return value


def _optional_text(record: dict, key: str) -> str:
    return _text(record, key) if key in record else ""


def _strings(value: object, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UnreadableBrief(f"{key!r} is not a list of text")
    return value
