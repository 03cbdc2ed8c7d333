"""Where the Hydra configuration lives, the resolvers it uses, and how a composed config becomes
the typed settings (summarize/settings.py) the job runs on, refused in one line when it is wrong."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection, Sequence
from pathlib import Path

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from summarize.errors import RunFolderError, UsageError
from summarize.settings import MISREAD_BOOLEANS, SCHEMAS, EventSettings, Paths, Settings, check_ranges, is_plain_name

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "conf"

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


def compose_settings(*overrides: str) -> Settings:
    """`compose(*overrides)` as the typed settings a run takes."""
    return load_settings(compose(*overrides))


class RunFolderCheck(Callback):
    """Hydra callback (conf/config.yaml, hydra.callbacks): before Hydra makes the run folder and
    opens its log there, make it and write a probe, so that an unwritable or full `outputs/` (or
    $SUMMARIZE_RUNS_DIR) is one line on stderr and exit 5, not Hydra's traceback and exit 2."""

    def on_run_start(self, config: DictConfig, **kwargs) -> None:
        check_run_folder(run_folder(config, "hydra.run.dir"))

    def on_multirun_start(self, config: DictConfig, **kwargs) -> None:
        check_run_folder(run_folder(config, "hydra.sweep.dir"))


def run_folder(config: DictConfig, key: str) -> Path | None:
    """The folder at `key`; None when it does not resolve (`hydra.run.dir=${nosuch:x}`): Hydra
    reports that itself, in one line, where a callback's error would be its multi-line warning."""
    try:
        return Path(OmegaConf.select(config, key, throw_on_resolution_failure=True))
    except OmegaConfBaseException:
        return None


def check_run_folder(folder: Path | None) -> None:
    """Make `folder` and write and sync a probe file in it: a full disk often still makes a folder
    or an empty file, but fails the first block written."""
    if folder is None:
        return
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


def available_events(search_path: Sequence[str] = ()) -> list[str]:
    """The events Hydra can find: conf/event/*.yaml, and event/*.yaml in each folder of
    hydra.searchpath (`search_path`, as HydraConfig has it: "file:///srv/events", ...)."""
    folders = [CONFIG_DIR / "event"] + [Path(p.removeprefix("file://")) / "event" for p in search_path if p.startswith("file://")]
    return sorted({p.stem for folder in folders for p in folder.glob("*.yaml")})


def check_event_name(name: str) -> None:
    """Refuse an event name that is not a plain name, before Hydra looks for a file of that name.
    Whether the event exists is Hydra's to say: it may lie on hydra.searchpath."""
    if not is_plain_name(name):
        raise UsageError(f"event name {name!r} is not a plain name (letters, digits, '_' and '-')")


def load_settings(cfg: DictConfig, *, ignore: Collection[str] = ()) -> Settings:
    """The composed config as typed settings. Refuses, in one line naming the key, a key no schema
    has (Hydra lets `+write.foo=1` through), a value of the wrong type, a word that YAML read as a
    boolean, and whatever a schema's own checks refuse (a choice it does not know, a file name
    that is a path, a broken regular expression); `ignore` names top-level keys that are not the
    job's (the benchmark's own)."""
    known = {f.name for f in dataclasses.fields(Settings)}
    if unknown := sorted(set(cfg) - known - set(ignore)):
        raise UsageError(f"invalid setting {unknown[0]}: no such setting (the top level has {', '.join(sorted(known))})")
    if not isinstance(cfg.force, bool):
        raise UsageError(f"invalid setting force: {cfg.force!r} is not true or false")
    groups = {group: group_settings(cfg, group) for group in SCHEMAS}
    paths = typed(cfg.paths, Paths, "paths")
    event = validate_event(cfg.event) if cfg.get("event") is not None and "event" not in ignore else None
    return Settings(paths=paths, force=cfg.force, event=event, **groups)


def group_settings(cfg: DictConfig, group: str):
    """One config group as its schema's object."""
    schema = OmegaConf.get_type(cfg, group)
    if schema not in SCHEMAS[group].values():
        raise UsageError(f"invalid setting {group}: conf/{group}/ files must extend a schema of summarize/settings.py (defaults: [schema, _self_])")
    return typed(cfg[group], schema, group)


def typed(node: DictConfig, schema: type, where: str):
    """`node` resolved into a `schema` object, every key, word and numeric range checked."""
    fields = {f.name for f in dataclasses.fields(schema)}
    if unknown := sorted(set(node) - fields):
        raise UsageError(f"invalid setting {where}.{unknown[0]}: no such setting ({where} has {', '.join(sorted(fields))})")
    key = ""
    try:
        values = OmegaConf.to_container(node, resolve=True)
        checked = OmegaConf.structured(schema)
        for key, value in values.items():  # key by key, so that an error names its key
            checked[key] = value
        if missing := sorted(OmegaConf.missing_keys(checked)):
            raise UsageError(f"invalid setting {where}.{missing[0]}: missing (no default; set it)")
        check_words(values, where)
        settings = OmegaConf.to_object(checked)
    except OmegaConfBaseException as exc:
        raise UsageError(setting_error(exc, f"{where}.{key}" if key else where)) from exc
    check_ranges(settings, where)
    return settings


def check_words(value, where: str) -> None:
    """Refuse a boolean in a list of words: YAML reads bare no, yes, on, off, true and false as
    booleans, and a typed list of words would hold "False" instead of the word meant."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_words(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, bool) or item in MISREAD_BOOLEANS:
                raise UsageError(
                    f"invalid setting {where}[{index}]: {item!r} is a boolean, not a word "
                    "(YAML reads bare no, yes, on, off, true and false as booleans: quote the word)"
                )
            check_words(item, f"{where}[{index}]")


def validate_event(event: DictConfig) -> EventSettings:
    """The event config as `EventSettings`; a UsageError names the event and the first key that is
    missing, unknown or of the wrong type."""
    name = event.get("id") if isinstance(event.get("id"), str) else "event"
    try:
        return typed(event, EventSettings, "event")
    except UsageError as error:
        raise UsageError(f"invalid config of event {name}: {str(error).removeprefix('invalid setting ')}") from error


def setting_error(exc: BaseException, where: str = "") -> str:
    """One line for an error of OmegaConf's or Hydra's composition: the key it names and why."""
    cause = exc.__cause__ if isinstance(exc.__cause__, OmegaConfBaseException) else exc
    key = where or getattr(cause, "full_key", None) or ""
    reason = str(getattr(cause, "msg", None) or cause).strip().splitlines()[0]
    return f"invalid setting {key}: {reason}" if key else f"invalid configuration: {reason}"
