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

from summarize.runtime.index import listed, optional_text, texts, typed
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
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # json.JSONDecodeError is a ValueError
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        warning = (
            f"the previous brief of {layout.event_id} cannot be compared with ({layout.files.json}: {reason}); "
            "this brief says nothing of what changed since"
        )
        log.warning("%s", warning)
        return None, warning


def read_previous(document: object, version: str | None) -> PreviousBrief:
    """brief.json's document as a `PreviousBrief`. A field missing is a KeyError, one of the wrong
    type a ValueError (the index's strict readers: runtime/index.py), an older schema UnreadableBrief."""
    if not isinstance(document, dict):
        raise UnreadableBrief(f"a JSON {type(document).__name__}, not an object")
    schema = document.get("schema_version")
    major, _, minor = str(schema).partition(".")
    if major != "1" or not minor.isdigit():
        raise UnreadableBrief(f"schema_version {schema!r} is not one this version reads (1.x)")
    if int(minor) < FIRST_CARRYING_MINOR or "facts" not in document:
        raise UnreadableBrief(f"schema_version {schema} carries no facts (they came with 1.{FIRST_CARRYING_MINOR})")
    return PreviousBrief(
        generated_at=typed(document, "generated_at", str),
        version=version,
        facts=tuple(carried_fact(f) for f in listed(document, "facts")),
        copies=tuple(tuple(_strings(group)) for group in listed(document, "copies")),
        # A disagreement as the changes stage knows it again: its kind, subject and fact's wording.
        disputed=frozenset((typed(d, "kind", str), typed(d, "subject", str), typed(d, "fact", str)) for d in listed(document, "disagreements")),
        articles=frozenset(typed(a, "sha256", str) for a in listed(document, "articles")),
    )


def carried_fact(record: dict) -> CarriedFact:
    values = tuple(
        CarriedValue(typed(v, "kind", str), typed(v, "subject", str), typed(v, "value", str), typed(v, "written", str), optional_text(v, "predicate") or "")
        for v in listed(record, "values")
    )
    return CarriedFact(
        typed(record, "wording", str), texts(record, "outlets"), texts(record, "fingerprints"), values, typed(record, "shown", bool)
    )


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("'copies' holds something other than lists of text")
    return value
