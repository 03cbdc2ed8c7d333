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
from summarize.config import compose_settings
from summarize.runtime.runner import already_published, read_event

event = read_event(compose_settings("+event=lee_beijing", "paths.shared_dir={{shared}}"))
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



RUN_PROBE = """
import sys
from summarize.config import compose_settings
from summarize.runtime.runner import load_models, read_event, summarize

settings = compose_settings("+event=lee_beijing", "paths.shared_dir={shared}", "embed.store_vectors=false")
event = read_event(settings)
models = load_models(settings, event.stages)
summarize(event, models)
print(len(event.work.brief.sentences), "torch" in sys.modules, "transformers" in sys.modules)
import torch  # importable as usual after spaCy loaded with it hidden, and spaCy still parses
print(len(models.parser("Lee met Xi in Beijing on Monday.").ents), torch.ones(2).sum().item())
"""


def test_an_extractive_run_never_imports_torch_or_transformers(tmp_path):
    """The encoder runs on ONNX Runtime and spaCy loads with torch hidden from thinc: torch and
    transformers (5 s of start-up) are for the neural writers only; torch stays importable."""
    result = subprocess.run(
        [sys.executable, "-c", RUN_PROBE.replace("{shared}", str(tmp_path))],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run, after = result.stdout.splitlines()
    sentences, torch, transformers = run.split()
    assert int(sentences) > 0 and (torch, transformers) == ("False", "False")
    entities, total = after.split()
    assert int(entities) >= 2 and float(total) == 2.0
