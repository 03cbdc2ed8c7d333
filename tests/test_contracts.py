"""What each stage declares it reads and writes of the event's work record, checked against the
stage table and against what the stages really do on the sample event."""

from __future__ import annotations

import dataclasses

import pytest

from summarize.config import compose_settings
from summarize.nlp.values import load_parser
from summarize.runtime.runner import READ, STAGES
from summarize.types import EventWork, Generation, Models

FIELDS = tuple(f.name for f in dataclasses.fields(EventWork))
GIVEN = ("event", "previous")  # the run starts from the event's settings and the brief readers have
PIPELINE = (READ, *STAGES)


def test_every_field_read_was_written_by_an_earlier_stage():
    written = set(GIVEN)
    for entry in PIPELINE:
        stage = entry.stage
        assert set(stage.reads) <= written, f"{entry.name} reads {set(stage.reads) - written} before any stage writes it"
        written |= set(stage.writes)


def test_every_field_is_written_by_exactly_one_stage():
    writers = {name: [e.name for e in PIPELINE if name in e.stage.writes] for name in FIELDS if name not in GIVEN}
    assert all(len(stages) == 1 for stages in writers.values()), writers


def test_declarations_name_fields_of_the_work_record():
    for entry in PIPELINE:
        assert set(entry.stage.reads) | set(entry.stage.writes) <= set(FIELDS), entry.name


class TracedWork(EventWork):
    """The work record that notes every field a stage reads."""

    __slots__ = ()
    read: list[str] = []

    def __getattribute__(self, name):
        if name in FIELDS:
            TracedWork.read.append(name)
        return object.__getattribute__(self, name)


def untraced_replace(obj, /, **changes):
    """dataclasses.replace reads every field to copy it; that is no stage reading them."""
    values = {f.name: object.__getattribute__(obj, f.name) for f in dataclasses.fields(obj) if f.init}
    return type(obj)(**(values | changes))


def echo_writer(batch):
    """A stand-in neural writer: each fact's first document, as generated text."""
    return [Generation(documents[0], 10, 0, 5) for documents in batch]


@pytest.mark.slow
def test_each_stage_reads_and_writes_what_it_declares_on_the_sample_event(encoder, monkeypatch):
    """Every stage, the neural ones included (with a stand-in writer), on lee_beijing, reads and
    changes only fields it declares. (Not every declared one on every event: split reads the
    event only to name it in an error, read leaves `reference` None when there is none.)"""
    monkeypatch.setattr(dataclasses, "replace", untraced_replace)
    settings = compose_settings("+event=lee_beijing")
    models = Models(encoder, echo_writer, load_parser())
    work: EventWork = TracedWork(settings.event)
    for entry in PIPELINE:
        stage = entry.build(settings, models)
        TracedWork.read.clear()
        handed_on, _ = stage(work)
        changed = {name for name in FIELDS if object.__getattribute__(work, name) is not object.__getattribute__(handed_on, name)}
        assert set(TracedWork.read) <= set(stage.reads), f"{entry.name} reads {sorted(set(TracedWork.read))}"
        assert changed <= set(stage.writes), f"{entry.name} changes {sorted(changed)}"
        assert type(handed_on) is TracedWork
        work = handed_on
    assert work.brief.sentences and any(s.generated for s in work.brief.sentences)


def test_the_runner_stops_a_stage_that_changes_a_field_it_does_not_declare(compose_cfg):
    from summarize.runtime.runner import run_step

    class Sneaky:
        reads = ("event",)
        writes = ("articles",)

        def __call__(self, work):
            return dataclasses.replace(work, articles=(), reference="made up"), {}

    with pytest.raises(RuntimeError, match="stage sneaky changed reference"):
        run_step("sneaky", Sneaky(), EventWork(compose_cfg("+event=lee_beijing").event), {})
