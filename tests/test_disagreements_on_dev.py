"""A count two outlets state alike, changed in one of them, is flagged with both values and the right outlets
(bench/disagreements.py runs this on every dev cluster; here two of them, read where they lie)."""

from __future__ import annotations

import json

import pytest

from bench.disagreements import DEV_SET, caught, change_one, disagreements_of
from bench.quality import bench_settings
from summarize.config import compose
from summarize.runtime.runner import load_models


@pytest.mark.parametrize("cluster_id", ["multinews_test_s014", "multinews_test_s019"])
def test_a_changed_count_is_flagged(cluster_id):
    if not DEV_SET.is_file():
        pytest.skip("../shared/eval is not beside the project")
    cluster = next(c for c in map(json.loads, DEV_SET.read_text().splitlines()) if c["id"] == cluster_id)
    cfg = compose(config_name="bench/default")
    settings = bench_settings(cfg)
    models = load_models(settings, {})

    change = change_one(cluster, models, settings.claims.synonyms)

    assert change is not None and change.old != change.new
    assert caught(change, disagreements_of(change.cluster, cfg, settings, models))
    assert not caught(change, disagreements_of(cluster, cfg, settings, models))  # unchanged, nothing to catch
