"""The one place where the stages are wired: each runs under the timer, which alone records it.

One run of an event, from its typed settings (summarize.config.load_settings checked them):
    take the event's lock -> read (articles, run key) -> skip if the published brief has the same
    key -> load the models -> clean .. score -> publish -> manifest.json

Every stage has one shape (summarize.types.Stage): built from its settings and the models, then
called on the event as the previous stage handed it on (`EventWork`), it hands the event on with
the fields it declares filled in. `run_stage` times it and records its seconds and counts; nothing
else writes that record. Each stage's declaration of what it writes is checked on every run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from summarize.errors import (
    BusyError, ExitCode, InputError, StopDeferred, SummarizeError, one_line, raise_if_stopped, stop_behind, stops_after_publishing,
    without_folders,
)
from summarize.runtime.index import after_run, failure_recorded, pages_intact, pages_show_current
from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.lock import EventLock
from summarize.runtime.manifest import build_manifest, write_manifest
from summarize.runtime.previous import previous_brief
from summarize.runtime.publish import publish_brief
from summarize.runtime.run_key import run_key
from summarize.runtime.versions import published_key
from summarize.settings import Settings
from summarize.types import EventWork, Models, Stage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageEntry:
    """One stage of the pipeline: summarize/stages/<name>.py, whose <Name>Stage is built from the
    settings of the config group `settings` (a field of `Settings`)."""

    name: str  # its module, and its key in the manifest's `stages`
    settings: str
    neural: bool = False  # runs only with a neural writer configured

    @property
    def stage(self) -> type[Stage]:
        # Imported when first built, not with the runner: a run that finds its brief already
        # published decides without importing torch, transformers, spaCy or scikit-learn.
        module = importlib.import_module(f"summarize.stages.{self.name}")
        return getattr(module, f"{self.name.capitalize()}Stage")

    def build(self, settings: Settings, models: Models | None) -> Stage:
        return self.stage(getattr(settings, self.settings), models)


# From the articles to the scored brief, in order.
STAGES = (
    StageEntry("clean", "clean"),
    StageEntry("split", "split"),
    StageEntry("align", "align"),
    StageEntry("claims", "claims"),
    StageEntry("changes", "changes"),
    StageEntry("cluster", "cluster"),
    StageEntry("generate", "model", neural=True),
    StageEntry("guard", "guard", neural=True),
    StageEntry("write", "write"),
    StageEntry("score", "score"),
)
READ = StageEntry("read", "read")
# Every name a manifest's `stages` can hold, in the order a run records them: the one list that
# tests and scripts use.
STAGE_NAMES = ("read", "embed", "model", "parser", *(s.name for s in STAGES), "publish")


def run_stage(name: str, record: dict, step: Callable[..., tuple], *args):
    """Run one step, `step(*args) -> (result, counts)`; record its seconds and counts as `record[name]`.
    A step that stops the run records what its error counted."""
    raise_if_stopped()
    start = time.perf_counter()
    try:
        result, counts = step(*args)
    except SummarizeError as error:
        if error.counts is not None:
            _record(name, record, time.perf_counter() - start, error.counts)
        raise
    _record(name, record, time.perf_counter() - start, counts)
    return result


def _record(name: str, record: dict, seconds: float, counts: dict) -> None:
    record[name] = {"seconds": round(seconds, 3), "counts": counts}
    log.info("%-8s %6.2fs  %s", name, seconds, {k: logged(v) for k, v in counts.items()})


def logged(count):
    """A count as the log line shows it: a list of records by its length (the manifest has them whole)."""
    return len(count) if isinstance(count, list) and count and isinstance(count[0], dict) else count


def run_step(name: str, stage: Stage, work: EventWork, record: dict) -> EventWork:
    """Run one built stage on the event; a stage that changes a field it does not declare in
    `writes` is a bug, stopped here rather than left to corrupt a later stage's input."""
    handed_on = run_stage(name, record, stage, work)
    changed = {f.name for f in dataclasses.fields(EventWork) if getattr(work, f.name) is not getattr(handed_on, f.name)}
    if undeclared := sorted(changed - set(stage.writes)):
        raise RuntimeError(f"stage {name} changed {', '.join(undeclared)}, which it does not declare it writes")
    return handed_on


@dataclass
class EventRun:
    """One event's run between its steps (Ray pickles it from one worker to the next): its
    settings, where its brief is published, its run key, the event as the stages have handed it
    on so far, and the stages' record."""

    settings: Settings
    layout: SharedLayout
    key: str
    work: EventWork
    stages: dict
    # What went wrong beside the run's work (a previous brief that cannot be compared with):
    # one `summarize: warning:` line each, and in the manifest.
    warnings: list[str] = dataclasses.field(default_factory=list)


def event_lock(settings: Settings) -> EventLock:
    """The lock of the settings' event."""
    layout = SharedLayout(Path(settings.paths.shared_dir), settings.event.id, BriefFiles.of(settings.publish))
    return EventLock(layout.lock, settings.publish.lock_timeout_s)


def read_event(settings: Settings) -> EventRun:
    """Read the settings' event: its articles, reference and run key."""
    stages: dict = {}
    work = run_step(READ.name, READ.build(settings, None), EventWork(settings.event), stages)
    key = run_key(settings, work.articles, work.reference)
    layout = SharedLayout(Path(settings.paths.shared_dir), work.event.id, BriefFiles.of(settings.publish))
    return EventRun(settings, layout, key, work, stages)


def load_models(settings: Settings, stages: dict) -> Models:
    from summarize.runtime.models import load_encoder, load_parser, load_writer  # heavy imports: only when models load

    encoder = run_stage("embed", stages, load_encoder, settings.embed, settings.paths.cache_dir)
    writer = run_stage("model", stages, load_writer, settings.model)
    parser = run_stage("parser", stages, load_parser)
    return Models(encoder, writer, parser)


def summarize_work(work: EventWork, settings: Settings, models: Models, stages: dict) -> EventWork:
    """Every stage from clean to score (the neural ones only with a neural writer)."""
    for entry in STAGES:
        if entry.neural and models.writer is None:
            continue
        work = run_step(entry.name, entry.build(settings, models), work, stages)
    return work


def summarize(event: EventRun, models: Models) -> None:
    """Every stage, with the brief readers have now as the previous one to compare with. Read here,
    not with the articles: a run that skips must not warn about it."""
    previous, warning = previous_brief(event.layout)
    if warning:
        event.warnings.append(warning)
    work = dataclasses.replace(event.work, previous=previous)
    event.work = summarize_work(work, event.settings, models, event.stages)


def already_published(event: EventRun) -> bool:
    """Whether readers already have this run's brief: the key of the brief they see, whole and
    linked as publishing leaves it (versions.published_key), is this run's."""
    return not event.settings.force and published_key(event.layout) == event.key


def publish_event(event: EventRun, run_dir: Path) -> dict:
    """Publish the brief unless its key is the published one's (then it is skipped); writes the
    manifest. The caller holds the event's lock."""
    settings, layout = event.settings, event.layout
    if already_published(event):
        log.info("skipped: inputs, config and models are those of the published brief (force=true reruns)")
        outputs = layout.brief_paths()
        # A skip changes what readers see only by clearing a failure the index shows, or by
        # repairing index.html and feed.xml when they are not as last written or still show an
        # older brief (a run stopped before its rewrite): a night of skipped events must not
        # rewrite the index once per event.
        warnings, shared, event_id = [], layout.shared_dir, settings.event.id
        if failure_recorded(shared, event_id) or not pages_intact(shared) or not pages_show_current(shared, event_id):
            warnings = after_run(shared, event_id, settings.publish)
        return record_run(event, run_dir, "skipped", outputs, f"skipped {settings.event.id}", warnings)
    if event.work.brief is None:  # found unchanged without the lock (Ray's read step), changed since
        raise BusyError(f"the published brief of {settings.event.id} changed while this run read its inputs; run it again")
    if not event.work.brief.sentences:  # an empty brief must never replace last night's
        raise InputError(
            f"no sentence of the {len(event.work.articles)} articles of {settings.event.id} made it into the brief; "
            "nothing published, the previous brief is left in place"
        )
    # A stop signal waits until the brief and the manifest are written, so that its message can
    # say which brief readers have.
    with StopDeferred() as finishing:
        outputs = run_stage("publish", event.stages, publish_outputs, event)
        finishing.published = outputs["markdown"]
        manifest = record_run(event, run_dir, "published", outputs, f"published {outputs['markdown']}", [])
    # Not deferred: the index's lock may be held by another run for up to a minute, and a stop
    # must not wait that long; readers have the brief already, and the next run lists it.
    with stops_after_publishing(outputs["markdown"]):
        warnings = after_run(layout.shared_dir, settings.event.id, settings.publish)
    if warnings:  # the events the index left out, in the manifest as on stderr
        manifest["index_warnings"] = warnings
        if manifest["outputs"].get("manifest"):
            with contextlib.suppress(OSError):
                write_manifest(run_dir, manifest)
    return manifest


def record_run(event: EventRun, run_dir: Path, status: str, outputs: dict, done: str, index_warnings: list[str]) -> dict:
    """The run's manifest, written into `run_dir`, with the index's warnings (events it left out)
    for the caller to print. What the run did (`done`) stands when the run folder cannot take the
    manifest (it filled up since the start): the failure becomes the manifest's `warning`, for the
    caller to print, and is not the run's error."""
    manifest = build_manifest(event.settings, event.key, event.work, event.stages, status, outputs)
    manifest["index_warnings"] = index_warnings
    manifest["run_warnings"] = list(event.warnings)
    try:
        write_manifest(run_dir, manifest)
    except OSError as exc:
        manifest["outputs"]["manifest"] = None
        manifest["warning"] = f"{done}, but could not write the run's manifest: {exc.strerror or exc}"
        log.warning("%s (%s)", manifest["warning"], run_dir / "manifest.json")
    return manifest


def publish_outputs(event: EventRun) -> tuple[dict, dict]:
    work = event.work
    outputs = publish_brief(work.brief, work.cleaned, work.scores, event.layout, event.settings.publish.keep_versions, key=event.key)
    return outputs, {"version": Path(outputs["version"]).name}


def run_event(settings: Settings, run_dir: Path, models: Models | None = None) -> dict:
    """Run every stage for `settings.event`, publish the brief, and write manifest.json into `run_dir`.

    The whole run holds the event's lock, so a second run of the event waits and then finds the
    first one's brief; it is skipped when its key (inputs, config, models) is the published one's,
    before any model is loaded.
    """
    try:
        with event_lock(settings):
            event = read_event(settings)
            if not already_published(event):
                summarize(event, models or load_models(settings, event.stages))
            return publish_event(event, run_dir)
    except Exception as error:
        if stop := stop_behind(error):
            raise stop from error
        record_failure(settings, error)
        raise


def record_failure(settings: Settings, error: Exception) -> None:
    """Record that the run of the settings' event failed with `error`, so that the index shows the
    failure beside the brief readers still have: a local run and a Ray batch alike."""
    code = getattr(error, "exit_code", ExitCode.UNEXPECTED)
    message = without_folders(one_line(str(error)))
    after_run(Path(settings.paths.shared_dir), settings.event.id, settings.publish, code, message)
