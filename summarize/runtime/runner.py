"""The one place where the stages are wired: each runs under the timer, which alone records it.

One run of an event:
    validate the event -> take its lock -> read (articles, run key) -> skip if the published brief
    has the same key -> load the models -> clean .. score -> publish -> manifest.json

Every stage has one shape, `run(work, params, models) -> (work, counts)`: it takes the event as
the previous stage handed it on (`EventWork`) and its own config section, and hands the event on
with its part filled in. `run_stage` times it and records its seconds and counts; nothing else
writes that record.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from omegaconf import DictConfig, OmegaConf, open_dict

from summarize.config import to_event, validate_event
from summarize.errors import BusyError, ExitCode, StopDeferred, SummarizeError, one_line, stop_behind
from summarize.runtime.index import after_run, failure_recorded
from summarize.runtime.lock import EventLock
from summarize.runtime.manifest import build_manifest, write_manifest
from summarize.runtime.publish import SharedLayout, check_file_names, publish_brief, published_key
from summarize.runtime.run_key import run_key
from summarize.types import EventWork, Models

log = logging.getLogger(__name__)

StageRun = Callable[[EventWork, dict, Models], tuple[EventWork, dict]]


@dataclass(frozen=True)
class Stage:
    name: str  # its key in the manifest's `stages`, and its module in summarize/stages/
    config: str  # the config group it takes (conf/<config>/)
    neural: bool = False  # runs only with a neural writer configured

    @property
    def run(self) -> StageRun:
        # Imported when first run, not with the runner: a run that finds its brief already
        # published decides without importing torch, transformers, spaCy or scikit-learn.
        return importlib.import_module(f"summarize.stages.{self.name}").run


# From the articles to the scored brief, in order.
STAGES = (
    Stage("clean", "clean"),
    Stage("split", "split"),
    Stage("align", "align"),
    Stage("claims", "claims"),
    Stage("cluster", "cluster"),
    Stage("generate", "model", neural=True),
    Stage("guard", "guard", neural=True),
    Stage("write", "write"),
    Stage("score", "score"),
)
READ = Stage("read", "read")
# Every name a manifest's `stages` can hold, in the order a run records them: the one list that
# tests and scripts use.
STAGE_NAMES = ("read", "embed", "model", "parser", *(s.name for s in STAGES), "publish")


def params(node: DictConfig) -> dict:
    return OmegaConf.to_container(node, resolve=True)


def run_stage(name: str, record: dict, step: Callable[..., tuple], *args):
    """Run one step, `step(*args) -> (result, counts)`; record its seconds and counts as `record[name]`.
    A step that stops the run records what its error counted."""
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
    log.info("%-8s %6.2fs  %s", name, seconds, {k: v for k, v in counts.items() if k != "replacements"})


@dataclass
class EventRun:
    """One event's run between its steps (Ray pickles it from one worker to the next): the config
    with the validated event, where its brief is published, its run key, the event as the
    stages have handed it on so far, and the stages' record."""

    cfg: DictConfig
    layout: SharedLayout
    key: str
    work: EventWork
    stages: dict


def validated(cfg: DictConfig) -> DictConfig:
    """`cfg` with its event checked against the schema and converted to the schema's types, and
    the brief's file names checked: before the lock, the inputs or a model are touched."""
    check_file_names(cfg.publish.markdown_name, cfg.publish.json_name, cfg.publish.html_name)
    cfg = cfg.copy()
    with open_dict(cfg):
        cfg.event = OmegaConf.create(OmegaConf.to_container(validate_event(cfg.event)))
    return cfg


def event_lock(cfg: DictConfig) -> EventLock:
    """The lock of a validated config's event."""
    return EventLock(SharedLayout(Path(cfg.paths.shared_dir), cfg.event.id).lock, cfg.publish.lock_timeout_s)


def read_event(cfg: DictConfig) -> EventRun:
    """Read a validated config's event: its articles, reference and run key."""
    stages: dict = {}
    work = run_stage(READ.name, stages, READ.run, EventWork(to_event(cfg.event)), params(cfg[READ.config]), None)
    key = run_key(params(cfg), work.articles, work.reference)
    return EventRun(cfg, SharedLayout(Path(cfg.paths.shared_dir), work.event.id), key, work, stages)


def load_models(cfg: DictConfig, stages: dict) -> Models:
    from summarize.runtime.models import load_encoder, load_parser, load_writer  # heavy imports: only when models load

    encoder = run_stage("embed", stages, load_encoder, params(cfg.embed) | {"cache_dir": cfg.paths.cache_dir})
    writer = run_stage("model", stages, load_writer, params(cfg.model))
    parser = run_stage("parser", stages, load_parser)
    return Models(encoder, writer, parser)


def summarize_work(work: EventWork, cfg: DictConfig, models: Models, stages: dict) -> EventWork:
    """Every stage from clean to score (the neural ones only with a neural writer)."""
    for stage in STAGES:
        if stage.neural and models.writer is None:
            continue
        work = run_stage(stage.name, stages, stage.run, work, params(cfg[stage.config]), models)
    return work


def summarize(event: EventRun, models: Models) -> None:
    event.work = summarize_work(event.work, event.cfg, models, event.stages)


def already_published(event: EventRun) -> bool:
    """Whether readers already have this run's brief: the key of the brief they see, whole and
    linked as publishing leaves it (publish.published_key), is this run's."""
    publish = event.cfg.publish
    return not event.cfg.get("force") and published_key(event.layout, publish.json_name, publish.markdown_name, publish.html_name) == event.key


def publish_event(event: EventRun, run_dir: Path) -> dict:
    """Publish the brief unless its key is the published one's (then it is skipped); writes the
    manifest. The caller holds the event's lock."""
    cfg, layout = event.cfg, event.layout
    if already_published(event):
        log.info("skipped: inputs, config and models are those of the published brief (force=true reruns)")
        outputs = {kind: str(layout.folder / cfg.publish[f"{kind}_name"]) for kind in ("json", "markdown", "html")}
        # A skip changes what readers see only by clearing a failure the index shows: a night of
        # skipped events must not rewrite the index once per event.
        if failure_recorded(layout.shared_dir, cfg.event.id):
            after_run(layout.shared_dir, cfg.event.id, params(cfg.publish))
        return record_run(event, run_dir, "skipped", outputs, f"skipped {cfg.event.id}")
    if event.work.brief is None:  # found unchanged without the lock (Ray's read step), changed since
        raise BusyError(f"the published brief of {cfg.event.id} changed while this run read its inputs; run it again")
    publish_params = {k: v for k, v in params(cfg.publish).items() if k not in ("lock_timeout_s", "feed_id")}
    # A stop signal waits until the brief and the manifest are written, so that its message can
    # say which brief readers have.
    with StopDeferred() as finishing:
        outputs = run_stage("publish", event.stages, publish_outputs, event, publish_params)
        finishing.published = outputs["markdown"]
        after_run(layout.shared_dir, cfg.event.id, params(cfg.publish))
        return record_run(event, run_dir, "published", outputs, f"published {outputs['markdown']}")


def record_run(event: EventRun, run_dir: Path, status: str, outputs: dict, done: str) -> dict:
    """The run's manifest, written into `run_dir`. What the run did (`done`) stands when the run
    folder cannot take the manifest (it filled up since the start): the failure becomes the
    manifest's `warning`, for the caller to print, and is not the run's error."""
    manifest = build_manifest(event.cfg, event.key, event.work, event.stages, status, outputs)
    try:
        write_manifest(run_dir, manifest)
    except OSError as exc:
        manifest["outputs"]["manifest"] = None
        manifest["warning"] = f"{done}, but could not write the run's manifest: {exc.strerror or exc}"
        log.warning("%s (%s)", manifest["warning"], run_dir / "manifest.json")
    return manifest


def publish_outputs(event: EventRun, publish_params: dict) -> tuple[dict, dict]:
    work = event.work
    outputs = publish_brief(work.brief, work.cleaned, work.scores, event.layout.shared_dir, key=event.key, **publish_params)
    return outputs, {"version": Path(outputs["version"]).name}


def run_event(cfg: DictConfig, run_dir: Path, models: Models | None = None) -> dict:
    """Run every stage for `cfg.event`, publish the brief, and write manifest.json into `run_dir`.

    The whole run holds the event's lock, so a second run of the event waits and then finds the
    first one's brief; it is skipped when its key (inputs, config, models) is the published one's,
    before any model is loaded.
    """
    cfg = validated(cfg)
    try:
        with event_lock(cfg):
            event = read_event(cfg)
            if not already_published(event):
                summarize(event, models or load_models(cfg, event.stages))
            return publish_event(event, run_dir)
    except Exception as error:
        if stop := stop_behind(error):
            raise stop from error
        # The index shows the failure beside the brief readers still have.
        code = getattr(error, "exit_code", ExitCode.UNEXPECTED)
        after_run(Path(cfg.paths.shared_dir), cfg.event.id, params(cfg.publish), code, one_line(str(error)))
        raise
