"""The Hydra configuration: every event composes, and overrides apply."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from factories import compose_config

from summarize.config import (
    CONFIG_DIR,
    PROJECT_ROOT,
    available_events,
    check_event_name,
    compose_settings,
    validate_event,
)
from summarize.errors import UsageError
from summarize.settings import SCHEMAS
from summarize.stages.read import find_article_files


def test_available_events_lists_the_event_files():
    events = available_events()
    assert "lee_beijing" in events
    assert events == sorted(p.stem for p in (CONFIG_DIR / "event").glob("*.yaml"))


@pytest.mark.parametrize("event_id", available_events())
def test_every_event_composes(compose_cfg, event_id):
    settings = compose_cfg(f"+event={event_id}")
    event = settings.event

    assert event.id == event_id and event.title and event.inputs and event.language
    assert event.language in settings.clean.candidate_languages  # the language filter knows it

    files = find_article_files(event.inputs, tuple(settings.read.suffixes))
    assert files and all(f.is_file() for f in files)
    # Outlet names are keyed by file name; each must name a file of the event.
    assert set(event.outlets) <= {f.name for f in files}
    if event.reference:
        assert Path(event.reference).is_file()
    if event.date:
        dt.date.fromisoformat(event.date)


def test_every_stage_gets_the_settings_of_its_group(compose_cfg):
    from summarize.runtime.runner import READ, STAGES

    settings = compose_cfg("+event=lee_beijing")
    for entry in (READ, *STAGES):
        assert type(getattr(settings, entry.settings)) in SCHEMAS[entry.settings].values(), entry.name


def test_paths_resolve_to_the_project(compose_cfg, monkeypatch):
    monkeypatch.delenv("SUMMARIZE_SHARED_DIR", raising=False)
    cfg = compose_cfg("+event=lee_beijing")

    assert cfg.paths.root == str(PROJECT_ROOT)
    assert cfg.paths.data_dir == str(PROJECT_ROOT / "data")
    assert cfg.paths.shared_dir == str(PROJECT_ROOT / "outputs" / "shared")
    assert cfg.event.inputs == str(PROJECT_ROOT / "data" / "lee_beijing")


def test_shared_dir_from_environment(compose_cfg, monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARIZE_SHARED_DIR", str(tmp_path))
    assert compose_cfg("+event=lee_beijing").paths.shared_dir == str(tmp_path)


def test_overrides_apply(compose_cfg):
    cfg = compose_cfg("+event=lee_beijing", "paths.shared_dir=/x", "event.inputs=/y", "write.budget_words=120")

    assert cfg.paths.shared_dir == "/x"
    assert cfg.event.inputs == "/y"
    assert cfg.write.budget_words == 120
    # Values built on paths.* follow an override of their base.
    moved = compose_cfg("+event=lee_beijing", "paths.data_dir=/data")
    assert moved.event.inputs == "/data/lee_beijing"


def test_unknown_key_is_refused_by_hydra_or_by_the_schema(compose_cfg):
    from hydra.errors import ConfigCompositionException

    with pytest.raises(ConfigCompositionException):
        compose_cfg("+event=lee_beijing", "write.no_such_key=1")
    # Hydra lets a key added with + through; the settings refuse it.
    with pytest.raises(UsageError, match=r"^invalid setting write\.no_such_key: no such setting \(write has budget_words, "):
        compose_cfg("+event=lee_beijing", "+write.no_such_key=1")
    with pytest.raises(UsageError, match=r"^invalid setting forse: no such setting"):
        compose_cfg("+event=lee_beijing", "+forse=true")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("write.budget_words=many", "Value 'many' of type 'str' could not be converted to Integer"),
        ("write.selection=best", "invalid setting write.selection: 'best' is not one of coverage, round_robin"),
        ("embed.runtime=tensorflow", "invalid setting embed.runtime: 'tensorflow' is not one of onnx, torch"),
        ("force=maybe", "invalid setting force: 'maybe' is not true or false"),
        ("publish.json_name=../x.json", "invalid setting publish.json_name: '../x.json' is not a plain file name"),
        ("clean.boilerplate_patterns=['(cookies']", "invalid setting clean.boilerplate_patterns[0]: '(cookies' is not a regular expression"),
    ],
)
def test_a_value_of_the_wrong_type_or_choice_is_refused_naming_the_key(override, message):
    from hydra.errors import ConfigCompositionException

    with pytest.raises((UsageError, ConfigCompositionException)) as caught:
        compose_settings("+event=lee_beijing", override)
    error = caught.value
    text = str(error) if isinstance(error, UsageError) else str(error.__cause__)
    assert message in text


def test_every_composed_list_of_words_is_strings():
    """YAML reads bare no, yes, on, off as booleans: every word list of every shipped config,
    each model and executor too, holds only strings, "no" among align's negations."""
    variants = [["model=smollm2"], ["model=pegasus_multinews"], ["executor=ray"], []]
    for event_id in available_events():
        for variant in variants:
            settings = compose_settings(f"+event={event_id}", *variant)
            for group, values in dataclasses.asdict(settings).items():
                for where, word in words_in(values, group):
                    assert isinstance(word, str) and word not in ("True", "False"), (where, word)
    assert "no" in compose_settings("+event=lee_beijing").align.negations


def words_in(value, where):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from words_in(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (list, dict)):
                yield from words_in(item, f"{where}[{index}]")
            elif not isinstance(item, (int, float)) or isinstance(item, bool):
                yield f"{where}[{index}]", item


def test_a_word_yaml_reads_as_a_boolean_is_refused(tmp_path):
    (tmp_path / "write").mkdir()
    (tmp_path / "write" / "bare.yaml").write_text("defaults:\n  - schema\n  - _self_\ndangling_openers: [but, no, yet]\n")
    with pytest.raises(UsageError) as caught:
        compose_settings("+event=lee_beijing", f"hydra.searchpath=[file://{tmp_path}]", "write=bare")
    assert str(caught.value).startswith("invalid setting write.dangling_openers[1]: 'False' is a boolean, not a word")


def test_no_event_composes_without_event(compose_cfg):
    assert "event" not in compose_config()
    assert compose_cfg().event is None


def test_run_dir_pattern_keeps_concurrent_runs_apart(compose_cfg):
    hydra_conf = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text())["hydra"]
    for pattern in (hydra_conf["run"]["dir"], hydra_conf["sweep"]["dir"]):
        assert "%f" in pattern and "${pid:}" in pattern, pattern

    cfg = compose_config("+event=lee_beijing", return_hydra_config=True)
    assert cfg.hydra.job.name == "summarize"  # the log file is summarize.log, not __main__.log
    resolved = cfg.hydra.run.dir
    assert resolved.startswith(str(PROJECT_ROOT / "outputs" / "runs"))
    assert re.search(rf"/\d{{4}}-\d{{2}}-\d{{2}}/\d{{2}}-\d{{2}}-\d{{2}}-\d{{6}}_{os.getpid()}_lee_beijing$", resolved)


def test_run_dirs_of_two_processes_differ():
    """Two runs started together (same second) get different folders."""
    script = (
        "from summarize.config import compose\n"
        "print(compose('+event=lee_beijing', return_hydra_config=True).hydra.run.dir)\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    dirs = [out.strip() for out, _ in outputs]
    assert dirs[0] != dirs[1]
    pids = [re.search(r"_(\d+)_lee_beijing$", d).group(1) for d in dirs]
    assert pids[0] != pids[1]


@pytest.mark.parametrize("event_id", available_events())
def test_every_shipped_event_passes_the_schema(event_id):
    validate_event(compose_config(f"+event={event_id}").event)


def test_optional_event_keys_may_be_left_out():
    cfg = compose_config(
        "+event=lee_beijing", "~event.title", "~event.language", "~event.keywords", "~event.outlets",
        "event.date=2026-01-05",
    )
    assert set(cfg.event) == {"id", "inputs", "date", "reference"}
    event = validate_event(cfg.event)
    assert (event.title, event.language, event.keywords, event.outlets) == (None, "en", [], {})


# (overrides, the key the message must name, more text it must contain)
BAD_EVENTS = {
    "keywords-not-a-list": (["event.keywords=Lee"], "event.keywords", "not a ListConfig"),
    "keywords-null": (["event.keywords=null"], "event.keywords", "not Optional"),
    "outlets-not-a-mapping": (["~event.outlets", "+event.outlets=[a.txt]"], "event.outlets", "list"),
    "title-a-mapping": (["event.title={a:1}"], "event.title", "dict"),
    "inputs-a-list": (["event.inputs=[a,b]"], "event.inputs", "list"),
    "reference-a-list": (["event.reference=[x]"], "event.reference", "list"),
    "id-a-path": (["event.id=../x"], "event.id", "'../x' is not a plain name"),
    "id-with-a-space": (["event.id=lee beijing"], "event.id", "'lee beijing' is not a plain name"),
    "id-missing": (["~event.id"], "event.id", "missing (no default; set it)"),
    "inputs-missing": (["~event.inputs"], "event.inputs", "missing (no default; set it)"),
    "misspelt-key": (["+event.titel=x"], "event.titel", "no such setting (event has date, id, inputs,"),
    "date-not-a-date": (["event.date=yesterday"], "event.date", "'yesterday' is not a YYYY-MM-DD date"),
    "date-month-13": (["event.date=2026-13-01"], "event.date", "is not a YYYY-MM-DD date"),
    "language-a-name": (["event.language=english"], "event.language", "'english' is not an ISO 639-1 code"),
    "language-upper-case": (["event.language=EN"], "event.language", "'EN' is not an ISO 639-1 code"),
    "inputs-empty": (["event.inputs=''"], "event.inputs", "empty: give the event's folder"),
}


@pytest.mark.parametrize(("overrides", "key", "detail"), BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_invalid_event_config_is_a_usage_error_naming_the_key(overrides, key, detail):
    cfg = compose_config("+event=lee_beijing", *overrides)

    with pytest.raises(UsageError) as caught:
        validate_event(cfg.event)

    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert "\n" not in message, message
    assert message.startswith("invalid config of event "), message
    assert f"{key}:" in message or f"{key} " in message or message.endswith(key), message
    assert detail in message, message


def test_validated_event_has_the_schema_types():
    """What the stages get: keywords such as [G7, 2026] become strings, as the schema says."""
    event = validate_event(compose_config("+event=lee_beijing", "event.keywords=[G7,2026]").event)
    assert list(event.keywords) == ["G7", "2026"]


def test_an_event_id_that_is_no_plain_name_is_refused_when_the_settings_load(tmp_path):
    with pytest.raises(UsageError, match=r"event\.id: '\.\./escape' is not a plain name"):
        compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}/shared", "event.id=../escape")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["lee_beijing", "lee-beijing_2", "A1", "an_event_on_the_search_path"])
def test_check_event_name_accepts_plain_names(name):
    check_event_name(name)


@pytest.mark.parametrize("name", ["../../x", "../lee_beijing", "/etc/passwd", "a/b", "a\\b", ".hidden", "-x", "", "lee beijing"])
def test_check_event_name_refuses_a_name_that_is_not_plain(name):
    with pytest.raises(UsageError) as caught:
        check_event_name(name)
    assert caught.value.exit_code == 2
    assert str(caught.value) == f"event name {name!r} is not a plain name (letters, digits, '_' and '-')"




# Issue 23, item 4: an out-of-range number ran into an empty brief, or a wrong reason.
OUT_OF_RANGE = {
    "write.budget_words=-50": "invalid setting write.budget_words: must be at least 1, not -50",
    "write.budget_words=0": "invalid setting write.budget_words: must be at least 1, not 0",
    "write.max_words=-1": "invalid setting write.max_words: must be at least 1, not -1",
    "clean.max_words=0": "invalid setting clean.max_words: must be at least 1, not 0",
    "clean.core_similarity=3": "invalid setting clean.core_similarity: must be between -1 and 1, not 3.0",
    "cluster.position_decay=0": "invalid setting cluster.position_decay: must be above 0, not 0.0",
    "embed.threads=0": "invalid setting embed.threads: must be at least 1, not 0",
    "split.max_words=3": "invalid setting split.max_words: 3 is below split.min_words=5",
    "cluster.max_subtopics=2": "invalid setting cluster.max_subtopics: 2 is below cluster.min_subtopics=3",
    "publish.keep_versions=0": "invalid setting publish.keep_versions: must be at least 1, not 0",
}


@pytest.mark.parametrize(("override", "message"), OUT_OF_RANGE.items(), ids=OUT_OF_RANGE.keys())
def test_a_number_out_of_its_range_is_refused_naming_the_key(override, message):
    with pytest.raises(UsageError) as caught:
        compose_settings("+event=lee_beijing", override)
    assert str(caught.value) == message


def test_every_numeric_setting_declares_its_range():
    """A new number in a schema gets its range with it (settings.ranged), or it could take a
    value that runs the job into an empty brief; optional ones are checked when set."""
    for group, schemas in SCHEMAS.items():
        for schema in schemas.values():
            for each in dataclasses.fields(schema):
                numeric = re.fullmatch(r"(Optional\[)?(int|float)\]?", str(each.type))
                assert not numeric or "range" in each.metadata, f"{group}.{each.name}"


def test_multirun_folders_follow_the_runs_folder_of_the_environment(monkeypatch, tmp_path):
    """`-m` put its job folders under the checkout whatever SUMMARIZE_RUNS_DIR said."""
    monkeypatch.setenv("SUMMARIZE_RUNS_DIR", str(tmp_path))
    cfg = compose_config("+event=lee_beijing", return_hydra_config=True)
    assert cfg.hydra.run.dir.startswith(f"{tmp_path}/")
    assert cfg.hydra.sweep.dir.startswith(f"{tmp_path}/")
