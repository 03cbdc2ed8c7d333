"""Nightly entry point:  python -m summarize +event=NAME [force=true] [key=value ...]

Exit codes (summarize.errors.ExitCode, listed in the README): 0 published, 1 unexpected error
(traceback in the run's summarize.log), 2 usage or configuration error (Hydra's own included),
3 input error, 4 model error, 5 publish error, 6 skipped (nothing changed), 7 busy (another run
of the event held its lock too long).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from summarize.config import CONFIG_DIR, available_events, check_event_name, validate_event
from summarize.errors import ExitCode, SummarizeError, UsageError

log = logging.getLogger("summarize")
# Hydra answers its own errors (an unknown key, a bad override) with exit 1, as it does a crash of
# the job; only errors raised before the job starts are Hydra's, and those are usage errors.
job_started = False


def fail(error: SummarizeError) -> None:
    log.error("%s", error)
    print(f"summarize: error: {error}", file=sys.stderr)
    sys.exit(error.exit_code)


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


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def main(cfg: DictConfig) -> None:
    global job_started
    job_started = True
    if "event" not in cfg:
        fail(UsageError(f"no event given: python -m summarize +event=NAME, NAME one of: {', '.join(available_events())}"))
    try:
        validate_event(cfg.event)  # again in run_pipeline; here it answers before torch loads
    except UsageError as error:
        fail(error)
    from summarize.pipeline import run_pipeline

    try:
        manifest = run_pipeline(cfg, Path(HydraConfig.get().runtime.output_dir))
    except SummarizeError as error:
        fail(error)
    except Exception:
        log.exception("unexpected error")
        raise
    if manifest["status"] == "skipped":
        message = f"skipped {cfg.event.id}: inputs, config and models are those of the published brief (force=true reruns)"
        print(f"summarize: {message}", file=sys.stderr)
        sys.exit(ExitCode.SKIPPED)
    log.info("published %s (%d words) in %.1fs", manifest["outputs"]["markdown"], manifest["scores"]["words"], manifest["seconds_total"])
    print(manifest["outputs"]["markdown"])


def entry() -> None:
    try:
        check_event_overrides(sys.argv[1:])
    except UsageError as error:
        print(f"summarize: error: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
    try:
        main()
    except SystemExit as exit:
        if exit.code == ExitCode.UNEXPECTED and not job_started:
            sys.exit(ExitCode.USAGE)
        raise


if __name__ == "__main__":
    entry()
