"""A publishing run killed with SIGKILL at random moments never leaves readers a partial,
mixed or missing brief, nor stray files in the event's folder (scripts/kill_publish.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from summarize.config import PROJECT_ROOT

TRIALS = 100


@pytest.mark.slow
def test_killing_a_publishing_run_at_random_moments_leaves_a_complete_brief():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "kill_publish.py"), "--trials", str(TRIALS), "--keep-versions", "3"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = dict(line.strip("|").split(" | ", 1) for line in result.stdout.splitlines()[2:])
    table = {name.strip(): value.strip() for name, value in table.items()}

    assert table["trials"] == str(TRIALS)
    assert table["partial or mixed"] == table["missing"] == table["stray files"] == "0"
    # The kills landed on both sides of the switch, so both outcomes were really put to the test.
    assert int(table["old brief"]) > 0 and int(table["new brief"]) > 0
    assert int(table["old brief"]) + int(table["new brief"]) == TRIALS
    assert int(table["staging left by the kill (cleared by the next run)"]) > 0
    assert table["after one more run: staging cleared"] == "True"
    assert table["after one more run: brief complete"] == "True"
    assert table["after one more run: versions kept (keep_versions=3)"] == "3"
