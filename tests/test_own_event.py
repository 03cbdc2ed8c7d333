"""The README's "Your own event" recipe runs as written: an event file with only id, title and
inputs, kept outside the checkout, found through hydra.searchpath."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.config import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
# The recipe's own folder, which the test moves into its temporary one.
RECIPE_FOLDER = "/srv/events"


def recipe() -> str:
    """The shell block of the README's "Your own event" section that runs the job."""
    section = README.read_text(encoding="utf-8").split("\n## Your own event", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    (block,) = [b for b in blocks if "hydra.searchpath" in b]
    return block


def test_the_recipe_names_only_id_title_and_inputs():
    event_file = re.search(r"cat > \S+/event/(\w+)\.yaml <<'EOF'\n(.*?)\nEOF", recipe(), re.DOTALL)
    assert event_file, recipe()
    keys = [line.split(":", 1)[0] for line in event_file.group(2).splitlines() if line and not line.startswith("#")]
    assert keys == ["id", "title", "inputs"]


@pytest.mark.slow
def test_the_readme_recipe_for_an_event_outside_the_checkout_runs_as_written(tmp_path):
    script = recipe().replace(RECIPE_FOLDER, str(tmp_path / "events"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZE_", "HYDRA_"))}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",  # `python` is this environment's
        "SUMMARIZE_SHARED_DIR": str(tmp_path / "shared"),
        "SUMMARIZE_RUNS_DIR": str(tmp_path / "runs"),
    }
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stderr[-3000:]
    event_id = re.search(r"\+event=(\w+)", script).group(1)
    brief = json.loads((tmp_path / "shared" / event_id / "brief.json").read_text(encoding="utf-8"))
    assert brief["event"]["id"] == event_id and brief["sections"]
    # No outlets in the event file: each outlet is its file's name.
    files = {p.stem for p in (PROJECT_ROOT / "data" / "lee_beijing").glob("*.txt")}
    assert set(brief["outlets"]) <= files and len(brief["outlets"]) >= 3
