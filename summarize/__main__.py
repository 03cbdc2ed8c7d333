"""Nightly entry point:  python -m summarize +event=NAME [force=true] [key=value ...]
                   or:  python -m summarize -m '+event=glob(*)'   (every event, models loaded once)

Exit codes (summarize.errors.ExitCode, listed in the README): 0 published, 1 unexpected error
(traceback in the run's summarize.log), 2 usage or configuration error (Hydra's own included),
3 input error, 4 model error, 5 publish error (the shared folder or the run folder cannot be
written), 6 skipped (nothing changed), 7 busy (another run of the event held its lock too long),
130 / 143 stopped by SIGINT / SIGTERM (lock released, staging cleared, previous brief intact).
A multirun exits with the largest code of a failed event, else 6 when every event was skipped,
else 0. Every message is one line on stderr, `summarize: error: ...` or `summarize: warning: ...`.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from summarize.errors import exit_on_signals

if __name__ == "__main__":
    # Before the imports below (Hydra, OmegaConf, the settings: a tenth of a second and more), so
    # that a stop signal in them is the job's one line too, not a KeyboardInterrupt traceback.
    exit_on_signals()

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig
from omegaconf.errors import OmegaConfBaseException

from summarize.config import CONFIG_DIR, available_events, check_event_name, load_settings, setting_error
from summarize.errors import ExitCode, Fatal, RunFolderError, SummarizeError, UsageError, one_line, stop_behind, stop_on_signals

log = logging.getLogger("summarize")
# (event, exit code) of each job this process ran: one for a run, one per event for a multirun.
outcomes: list[tuple[str, int]] = []


def say(message: str) -> None:
    """One line on stderr, `summarize: MESSAGE`, control characters escaped: a file name with a
    newline or an ESC in a message must not split or forge the line, or reach a terminal."""
    print(f"summarize: {one_line(message)}", file=sys.stderr)


def check_event_overrides(args: list[str]) -> None:
    """Refuse `+event=../../x` or an unknown event with a one-line message, before Hydra composes."""
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep or key.lstrip("+~") != "event":
            continue
        if "(" in value and not any(bad in value for bad in ("/", "\\", "..")):
            continue  # a sweep such as glob(*): Hydra expands it to existing event names
        for name in value.split(","):
            check_event_name(name.strip().strip("'\""))


def summarize_event(cfg: DictConfig) -> int:
    if "event" not in cfg:
        events = available_events(HydraConfig.get().searchpath)
        raise UsageError(f"no event given: python -m summarize +event=NAME, NAME one of: {', '.join(events)}")
    settings = load_settings(cfg)  # before the lock, the inputs or a model are touched
    from summarize.runtime.runner import run_event

    manifest = run_event(settings, Path(HydraConfig.get().runtime.output_dir))
    if manifest["status"] == "skipped":
        message = f"skipped {settings.event.id}: inputs, config and models are those of the published brief (force=true reruns)"
        log.info("%s", message)
        say(message)
        warn_of(manifest)
        return ExitCode.SKIPPED
    log.info("published %s (%d words) in %.1fs", manifest["outputs"]["markdown"], manifest["scores"]["words"], manifest["seconds_total"])
    print(manifest["outputs"]["markdown"])
    warn_of(manifest)
    return ExitCode.PUBLISHED


def warn_of(manifest: dict) -> None:
    """What went wrong beside the run's work (an event the index leaves out, the index or the
    manifest not written): one warning line each, not a failure."""
    for warning in [*manifest.get("run_warnings", []), *manifest.get("index_warnings", []), manifest.get("warning")]:
        if warning:
            say(f"warning: {warning}")


def batch_on_ray(cfg: DictConfig) -> None:
    """executor=ray: compose each event's config as `+event=NAME` with this run's other overrides."""
    from summarize.runtime.executor import run_on_ray

    hydra_cfg = HydraConfig.get()
    names = list(cfg.executor.events) or ([hydra_cfg.runtime.choices["event"]] if "event" in cfg else available_events(hydra_cfg.searchpath))
    for name in names:
        check_event_name(name)
    # This run's overrides, but for the event choice and the executor, apply to every event; and
    # its search path, where events kept outside the checkout are found.
    common = [o for o in hydra_cfg.overrides.task if o.lstrip("+~").split("=")[0] not in ("event", "executor") and not o.startswith("executor.")]
    common += [o for o in hydra_cfg.overrides.hydra if o.startswith("hydra.searchpath=")]
    batch = [load_settings(hydra.compose(config_name="config", overrides=[f"+event={name}", *common])) for name in names]
    for outcome in run_on_ray(batch, Path(hydra_cfg.runtime.output_dir), load_settings(cfg).executor):
        line = f"{outcome.event}: {'error: ' if ExitCode.is_failure(outcome.exit_code) else ''}{outcome.message}"
        log.info("%s (exit %d)", line, outcome.exit_code)
        say(line)
        outcomes.append((outcome.event, outcome.exit_code))


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def main(cfg: DictConfig) -> None:
    """One job: records its exit code, so that one event's failure does not end a multirun."""
    batch = cfg.executor.name == "ray"
    try:
        if batch:
            return batch_on_ray(cfg)  # records one outcome per event
        code = summarize_event(cfg)
    except Exception as error:
        # A stop signal can land inside a library that reports it as its own error (OmegaConf
        # loading the settings, onnxruntime loading): the run still stopped.
        if stop := stop_behind(error):
            raise stop from error
        if not isinstance(error, SummarizeError):
            log.exception("unexpected error")
            code = ExitCode.UNEXPECTED
        else:
            log.error("%s", one_line(str(error)))
            say(f"error: {error}")
            code = error.exit_code
    outcomes.append(("(batch)" if batch else cfg.event.id if "event" in cfg else "(none)", int(code)))


def exit_code(results: list[tuple[str, int]]) -> int:
    failed = [code for _, code in results if ExitCode.is_failure(code)]
    if failed:
        return max(failed)
    return ExitCode.SKIPPED if results and all(code == ExitCode.SKIPPED for _, code in results) else ExitCode.PUBLISHED


def composition_error(error: Exception) -> UsageError:
    """Hydra's own error (a bad override, an unknown event) as one line."""
    if isinstance(error, MissingConfigException) and (error.missing_cfg_file or "").startswith("event/"):
        name = error.missing_cfg_file.removeprefix("event/")
        events = ", ".join(error.options or available_events())
        return UsageError(f"unknown event {name!r}: no {name}.yaml in {CONFIG_DIR / 'event'} or on hydra.searchpath; events: {events}")
    return UsageError(setting_error(error))


def run_folder_error(error: OSError) -> RunFolderError:
    """Hydra could not write the run folder (its copy of the config, the log): the disk had room
    for RunFolderCheck's probe but not for more, or filled up in between."""
    # Hydra opens the run's log before it copies the config there; a failed write names no file.
    logs = [Path(h.baseFilename).parent for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler)]
    folder = logs[0] if logs else error.filename
    return RunFolderError(f"cannot write the run folder {folder}: {error.strerror or error}")


def check_flags(args: list[str]) -> None:
    """Hydra's own flags (--cfg, --info, ...), checked by Hydra's parser before Hydra parses them:
    its error would print the usage over seven lines and echo the argument raw."""
    from hydra._internal.utils import get_args_parser

    def refuse(message: str) -> None:
        raise UsageError(f"{message} (python -m summarize --hydra-help lists the flags)")

    parser = get_args_parser()
    parser.error = refuse  # argparse prints the usage and exits in error(); one line instead
    parser.parse_args(args)


def entry() -> None:
    stop_on_signals()  # SIGTERM, SIGINT: Interrupted, so that the lock and staging are cleaned up
    # A log file that cannot be written (a full run folder) must not print tracebacks on stderr.
    logging.raiseExceptions = False
    # Hydra raises its own errors (a bad override, a missing config) instead of printing them over
    # several lines, so that they reach the one-line message below.
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        check_flags(sys.argv[1:])
        check_event_overrides(sys.argv[1:])
        try:
            main()
        except (HydraException, OmegaConfBaseException) as error:
            raise composition_error(error) from error
        except OSError as error:  # a job's own errors end in main(): this is Hydra's writing
            raise run_folder_error(error) from error
    except (UsageError, Fatal) as error:  # a usage error before Hydra; a stop signal from anywhere
        if any(isinstance(h, logging.FileHandler) for h in logging.getLogger().handlers):  # the run's log is open
            log.error("%s", one_line(str(error)))
        say(f"error: {error}")
        sys.exit(error.exit_code)
    except SystemExit as exit:
        # Hydra answers its own errors (an unknown key, a bad override) with exit 1 before any job.
        if exit.code == ExitCode.UNEXPECTED and not outcomes:
            sys.exit(ExitCode.USAGE)
        raise
    if len(outcomes) > 1 and (failed := [f"{event} (exit {code})" for event, code in outcomes if ExitCode.is_failure(code)]):
        say(f"{len(failed)} of {len(outcomes)} events failed: {', '.join(failed)}")
    sys.exit(exit_code(outcomes))


if __name__ == "__main__":
    entry()
