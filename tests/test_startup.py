"""A run that finds its brief already published decides before importing the heavy libraries:
the entry point, the runner, reading the articles and computing the run key import none of them."""

from __future__ import annotations

import subprocess
import sys

from summarize.config import PROJECT_ROOT

HEAVY = ("torch", "transformers", "spacy", "sklearn", "nltk", "scipy", "lingua")

PROBE = f"""
import sys
import summarize.__main__
from summarize.config import compose
from summarize.runtime.runner import already_published, read_event, validated

event = read_event(validated(compose("+event=lee_beijing", "paths.shared_dir={{shared}}")))
already_published(event)
print(" ".join(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def test_reading_and_deciding_to_skip_import_no_heavy_library(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.replace("{shared}", str(tmp_path))],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
