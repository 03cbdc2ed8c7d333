"""Many events in one batch: one after another in this process, or on Ray Data across workers.

On Ray each event is one row. Reading (and the run key) is a task; every stage that needs the
sentence encoder or the writer runs in a pool of actors, each of which loads the models once;
publishing is a task again, under the event's lock, through the same code as a local run.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from summarize.errors import STOP_SIGNALS, ExitCode, SummarizeError, UsageError, raise_if_stopped
from summarize.runtime.runner import (
    already_published, event_lock, load_models, publish_event, read_event, record_failure, run_event, summarize,
)
from summarize.settings import RayExecutor, Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventOutcome:
    event: str
    exit_code: int
    message: str
    manifest: str | None
    # The process that ran the model stages: shows which worker summarised the event.
    model_pid: int | None = None


def run_locally(batch: Sequence[Settings], run_root: Path) -> list[EventOutcome]:
    """Each event in turn in this process; the models are loaded once (summarize.runtime.models)."""
    outcomes = []
    for settings in batch:
        event_id = settings.event.id
        try:
            manifest = run_event(settings, run_root / event_id)
            code = ExitCode.of_status(manifest["status"])
            outcomes.append(EventOutcome(event_id, code, manifest["status"], manifest["outputs"]["manifest"], os.getpid()))
        except SummarizeError as error:
            outcomes.append(EventOutcome(event_id, error.exit_code, str(error), None))
        except Exception as error:  # one event's bug must not cost the others their brief
            log.exception("unexpected error in event %s", event_id)
            outcomes.append(EventOutcome(event_id, ExitCode.UNEXPECTED, repr(error), None))
    return outcomes


# Rows carry the same keys at every step (Arrow merges rows of a block into one schema); the
# records of a step travel pickled in `payload`.
ROW_DEFAULTS = {"payload": b"", "code": 0, "message": "", "model_pid": -1}


def _row(event: str, run_dir: str, status: str, **fields) -> dict:
    return {"event": event, "run_dir": run_dir, "status": status, **ROW_DEFAULTS, **fields}


def _failed(row: dict, error: Exception, settings: Settings) -> dict:
    """The row of an event whose step failed, its failure recorded for the index as a local run
    records it (runner.record_failure): readers must not see only the last success."""
    record_failure(settings, error)
    if isinstance(error, SummarizeError):
        return _row(row["event"], row["run_dir"], "failed", code=error.exit_code, message=str(error), model_pid=row["model_pid"])
    log.exception("unexpected error in event %s", row["event"])
    return _row(row["event"], row["run_dir"], "failed", code=ExitCode.UNEXPECTED, message=repr(error), model_pid=row["model_pid"])


def read_step(row: dict) -> dict:
    settings = pickle.loads(row["payload"])
    try:
        event = read_event(settings)
        status = "unchanged" if already_published(event) else "read"
        return _row(row["event"], row["run_dir"], status, payload=pickle.dumps(event))
    except Exception as error:
        return _failed(row, error, settings)


class ModelStep:
    """A Ray actor: loads the models once, then runs clean .. score for each event it is given."""

    def __init__(self, settings_payload: bytes, threads: int):
        import torch

        torch.set_num_threads(threads)  # the workers share the machine's cores
        load_models(pickle.loads(settings_payload), {})  # this load's record is not an event's

    def __call__(self, batch: dict) -> dict:
        rows = [self.summarize({key: batch[key][i] for key in batch}) for i in range(len(batch["event"]))]
        return {key: [row[key] for row in rows] for key in batch}

    def summarize(self, row: dict) -> dict:
        if row["status"] != "read":
            return row
        event = pickle.loads(row["payload"])
        try:
            models = load_models(event.settings, event.stages)  # loaded in __init__: recorded as reused
            summarize(event, models)
            return _row(row["event"], row["run_dir"], "summarized", payload=pickle.dumps(event), model_pid=os.getpid())
        except Exception as error:
            return _failed(row | {"model_pid": os.getpid()}, error, event.settings)


def publish_step(row: dict) -> dict:
    if row["status"] == "failed":
        return row
    event = pickle.loads(row["payload"])
    try:
        with event_lock(event.settings):
            manifest = publish_event(event, Path(row["run_dir"]))
        code = ExitCode.of_status(manifest["status"])
        return _row(row["event"], row["run_dir"], manifest["status"], code=code, message=manifest["outputs"]["manifest"], model_pid=row["model_pid"])
    except Exception as error:
        return _failed(row, error, event.settings)


def run_on_ray(batch: Sequence[Settings], run_root: Path, executor: RayExecutor) -> list[EventOutcome]:
    """The batch on Ray Data: joins the cluster at `executor.address`, or starts a local Ray."""
    try:
        import ray
    except ImportError:
        raise UsageError("executor=ray needs Ray: pip install -e '.[ray]' (or pip install 'ray[data]')") from None
    if not batch:
        return []
    started = not ray.is_initialized()
    if started:
        # Ray puts its own SIGTERM handler in place (it stops Ray's processes and exits 1): the
        # job's own handlers go back, so that a stop ends the batch as any run ends (exit 143, one
        # line); ray.shutdown() below still stops Ray's processes.
        handlers = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
        ray.init(address=executor.address, num_cpus=None if executor.address else executor.num_cpus, include_dashboard=False, log_to_driver=True)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    log.info("running %d event(s) on Ray: %s", len(batch), ", ".join(s.event.id for s in batch))
    try:
        ray.data.DataContext.get_current().enable_progress_bars = False
        dataset = ray_dataset(batch, run_root, executor)
        raise_if_stopped()  # a stop Python ignored while Ray and its imports were set up
        results = {row["event"]: row for row in dataset.take_all()}
    finally:
        if started:
            ray.shutdown()
    outcomes = []
    for settings in batch:
        row = results[settings.event.id]
        manifest = row["message"] if row["status"] in ("published", "skipped") else None
        message = row["status"] if manifest else row["message"]
        outcomes.append(EventOutcome(row["event"], int(row["code"]), message, manifest, int(row["model_pid"]) if row["model_pid"] > 0 else None))
    return outcomes


def ray_dataset(batch: Sequence[Settings], run_root: Path, executor: RayExecutor):
    """Read tasks, the model actors' pool, publish tasks: one row per event."""
    import ray
    from ray.data import ActorPoolStrategy

    # The actors and one task must fit the CPUs Ray counts, or the read tasks wait forever; and
    # tasks and actors with the same CPU request would be fused into the actors.
    threads = executor.threads_per_worker or max(1, (os.cpu_count() or 1) // executor.workers)
    rows = [_row(s.event.id, str(run_root / s.event.id), "new", payload=pickle.dumps(s)) for s in batch]
    return (
        ray.data.from_items(rows)
        .map(read_step, num_cpus=executor.task_cpus)
        .map_batches(
            ModelStep,
            compute=ActorPoolStrategy(size=executor.workers),
            batch_size=1,
            num_cpus=executor.actor_cpus,
            fn_constructor_kwargs={"settings_payload": pickle.dumps(batch[0]), "threads": threads},
        )
        .map(publish_step, num_cpus=executor.task_cpus)
    )
