"""Nightly entry point:  python -m summarize +event=NAME [key=value ...]

Exit codes: 0 published, 2 usage error (no event), 3 input error, 4 model error,
5 publish error, 1 anything unexpected (traceback in the run's summarize.log) and Hydra's
own configuration errors.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from summarize.config import CONFIG_DIR, available_events
from summarize.errors import SummarizeError, UsageError

log = logging.getLogger("summarize")


def fail(error: SummarizeError) -> None:
    log.error("%s", error)
    print(f"summarize: error: {error}", file=sys.stderr)
    sys.exit(error.exit_code)


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def main(cfg: DictConfig) -> None:
    if "event" not in cfg:
        fail(UsageError(f"no event given: python -m summarize +event=NAME, NAME one of: {', '.join(available_events())}"))
    from summarize.pipeline import run_pipeline  # imported here so usage errors answer before torch loads

    try:
        manifest = run_pipeline(cfg, Path(HydraConfig.get().runtime.output_dir))
    except SummarizeError as error:
        fail(error)
    except Exception:
        log.exception("unexpected error")
        raise
    log.info("published %s (%d words) in %.1fs", manifest["outputs"]["markdown"], manifest["scores"]["words"], manifest["seconds_total"])
    print(manifest["outputs"]["markdown"])


if __name__ == "__main__":
    main()
