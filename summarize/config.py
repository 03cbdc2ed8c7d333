"""Where the Hydra configuration lives, the resolvers it uses, the events it defines, and the
schema every event config must satisfy."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from hydra.experimental.callback import Callback
from omegaconf import MISSING, DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from summarize.errors import RunFolderError, UsageError
from summarize.types import Event

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "conf"
# An event name picks conf/event/NAME.yaml and names folders: one plain path component.
EVENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

# ${project_root:} lets paths in conf/ work from any working directory;
# ${pid:} keeps the run folders of concurrent runs apart.
OmegaConf.register_new_resolver("project_root", lambda: str(PROJECT_ROOT), replace=True)
OmegaConf.register_new_resolver("pid", lambda: str(os.getpid()), use_cache=True, replace=True)


def compose(*overrides: str, config_name: str = "config", return_hydra_config: bool = False) -> DictConfig:
    """The config `python -m summarize OVERRIDES...` would see (or, with config_name="bench/default",
    the benchmark's), composed outside a Hydra app: the one way tests and benchmarks build configs."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return hydra_compose(config_name, overrides=list(overrides), return_hydra_config=return_hydra_config)


class RunFolderCheck(Callback):
    """Hydra callback (conf/config.yaml, hydra.callbacks): before Hydra makes the run folder and
    opens its log there, make it and write a probe, so that an unwritable or full `outputs/` (or
    $SUMMARIZE_RUNS_DIR) is one line on stderr and exit 5, not Hydra's traceback and exit 2."""

    def on_run_start(self, config: DictConfig, **kwargs) -> None:
        check_run_folder(Path(config.hydra.run.dir))

    def on_multirun_start(self, config: DictConfig, **kwargs) -> None:
        check_run_folder(Path(config.hydra.sweep.dir))


def check_run_folder(folder: Path) -> None:
    """Make `folder` and write and sync a probe file in it: a full disk often still makes a folder
    or an empty file, but fails the first block written."""
    probe = folder / f".write-probe-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with open(probe, "wb") as handle:
                handle.write(b"probe\n")
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            probe.unlink(missing_ok=True)
    except OSError as exc:
        raise RunFolderError(f"cannot write the run folder {folder}: {exc.strerror or exc}") from None


def available_events() -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / "event").glob("*.yaml"))


def is_plain_name(name: str) -> bool:
    """An event name or id names files and folders: one plain path component."""
    return bool(EVENT_NAME.fullmatch(name))


def check_event_name(name: str) -> None:
    """Refuse an event name that is not one of conf/event/*.yaml, before Hydra tries to load it."""
    if not is_plain_name(name):
        raise UsageError(f"event name {name!r} is not a plain name (letters, digits, '_' and '-')")
    if name not in available_events():
        raise UsageError(f"unknown event {name!r}: no {CONFIG_DIR / 'event' / name}.yaml; events: {', '.join(available_events())}")


# Python 3.9-style annotations: OmegaConf reads these at runtime.
@dataclass
class EventSchema:
    """conf/event/NAME.yaml. Unknown keys are refused too, so a misspelt key is not ignored."""

    id: str = MISSING
    inputs: str = MISSING
    title: Optional[str] = None
    date: Optional[str] = None
    language: str = "en"
    reference: Optional[str] = None
    keywords: list[str] = field(default_factory=list)
    outlets: dict[str, str] = field(default_factory=dict)


def validate_event(event: DictConfig) -> DictConfig:
    """The event config resolved and converted to the schema's types ([G7, 2026] as strings);
    raises UsageError naming the first key that is missing or of the wrong type."""
    name = (event.get("id") if isinstance(event, DictConfig) else None) or "event"
    where = "event"
    try:
        values = OmegaConf.to_container(event, resolve=True)
        checked = OmegaConf.structured(EventSchema)
        for key, value in values.items():  # key by key, so an error can name its key
            where = f"event.{key}"
            checked[key] = value
    except OmegaConfBaseException as exc:
        raise UsageError(f"invalid config of event {name}: {where}: {str(exc).splitlines()[0]}") from exc
    if missing := sorted(OmegaConf.missing_keys(checked)):
        raise UsageError(f"invalid config of event {name}: missing key(s) {', '.join('event.' + k for k in missing)}")
    if not is_plain_name(checked.id):
        raise UsageError(f"invalid config of event {name}: event.id {checked.id!r} is not a plain name (letters, digits, '_' and '-')")
    if not re.fullmatch(r"[a-z]{2}", checked.language):
        raise UsageError(f"invalid config of event {name}: event.language {checked.language!r} is not an ISO 639-1 code such as 'en'")
    if not checked.inputs.strip():
        raise UsageError(f"invalid config of event {name}: event.inputs is empty")
    if checked.date is not None:
        try:
            dt.date.fromisoformat(checked.date)
        except ValueError:
            raise UsageError(f"invalid config of event {name}: event.date {checked.date!r} is not a YYYY-MM-DD date") from None
    return checked


def to_event(checked: DictConfig) -> Event:
    """A validated event config (`validate_event`) as the stages take it: dates parsed, lists as tuples."""
    return Event(
        id=checked.id,
        inputs=checked.inputs,
        title=checked.title,
        date=dt.date.fromisoformat(checked.date) if checked.date else None,
        language=checked.language,
        reference=checked.reference,
        keywords=tuple(checked.keywords),
        outlets=dict(checked.outlets),
    )
