"""Where the Hydra configuration lives, the resolvers it uses, and the events it defines."""

from __future__ import annotations

import os
from pathlib import Path

from omegaconf import OmegaConf

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "conf"

# ${project_root:} lets paths in conf/ work from any working directory;
# ${pid:} keeps the run folders of concurrent runs apart.
OmegaConf.register_new_resolver("project_root", lambda: str(PROJECT_ROOT), replace=True)
OmegaConf.register_new_resolver("pid", lambda: str(os.getpid()), use_cache=True, replace=True)


def available_events() -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / "event").glob("*.yaml"))
