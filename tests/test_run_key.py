"""The run key: what decides a brief changes it, and nothing else does."""

from __future__ import annotations

import dataclasses

import pytest
from factories import article

from summarize.runtime.run_key import folder_fingerprint, run_key

CONFIG = {"event": {"id": "ev", "title": "T"}, "write": {"budget_words": 200}, "model": {"path": None}, "embed": {}}
ARTICLES = [article("a", ["x"]), article("b", ["y"])]


def key(config=None, articles=None, reference=None) -> str:
    return run_key(config or CONFIG, ARTICLES if articles is None else articles, reference)


def test_the_same_run_has_the_same_key():
    assert key() == key()
    assert len(key()) == 64


def test_force_and_paths_do_not_change_the_key():
    assert key(CONFIG | {"force": True}) == key()
    assert key(CONFIG | {"paths": {"shared_dir": "/elsewhere", "root": "/other/checkout"}}) == key()


@pytest.mark.parametrize(
    "changed",
    [
        {"config": CONFIG | {"write": {"budget_words": 150}}},
        {"config": CONFIG | {"event": {"id": "ev", "title": "Another title"}}},
        {"articles": [article("a", ["x"]), article("c", ["y"])]},
        {"articles": [ARTICLES[0]]},
        {"reference": "A human summary."},
    ],
    ids=["config-value", "event-title", "file-renamed", "file-removed", "reference-added"],
)
def test_what_decides_the_brief_changes_the_key(changed):
    assert key(**changed) != key()


def test_a_changed_input_file_changes_the_key():
    edited = [ARTICLES[0], dataclasses.replace(ARTICLES[1], sha256="1" * 64)]
    assert key(articles=edited) != key()


def test_the_files_of_a_local_model_folder_are_part_of_the_key(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    config = CONFIG | {"model": {"path": str(tmp_path)}}
    before = key(config)
    assert folder_fingerprint(str(tmp_path))[0][:2] == ["config.json", 2]

    (tmp_path / "model.safetensors").write_bytes(b"weights")
    assert key(config) != before
    assert folder_fingerprint("google/pegasus-multi_news") is None  # a hub id: its name is in the config
