"""The Hydra configuration: every event composes, and overrides apply."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from omegaconf import OmegaConf

from summarize.config import CONFIG_DIR, PROJECT_ROOT, available_events, check_event_name, validate_event
from summarize.errors import UsageError
from summarize.stages.read import find_article_files


def test_available_events_lists_the_event_files():
    events = available_events()
    assert "lee_beijing" in events
    assert events == sorted(p.stem for p in (CONFIG_DIR / "event").glob("*.yaml"))


@pytest.mark.parametrize("event_id", available_events())
def test_every_event_composes(compose_cfg, stage_params, event_id):
    cfg = compose_cfg(f"+event={event_id}")
    event = OmegaConf.to_container(cfg.event, resolve=True)

    for key in ("id", "title", "inputs", "language"):
        assert event.get(key), key
    assert event["id"] == event_id
    assert len(event["language"]) == 2  # an ISO 639-1 code, as the language filter expects
    assert event["language"] in stage_params("clean")["candidate_languages"]

    files = find_article_files(event["inputs"], tuple(stage_params("read")["suffixes"]))
    assert files and all(f.is_file() for f in files)
    # Outlet names are keyed by file name; each must name a file of the event.
    assert set(event.get("outlets") or {}) <= {f.name for f in files}
    if event.get("reference"):
        assert Path(event["reference"]).is_file()
    if event.get("date"):
        dt.date.fromisoformat(str(event["date"]))


def test_composed_config_has_every_stage(compose_cfg):
    from summarize.runtime.runner import READ, STAGES

    cfg = compose_cfg("+event=lee_beijing")
    for name in (READ.config, "embed", *(stage.config for stage in STAGES), "publish", "executor"):
        assert name in cfg, name
        assert isinstance(OmegaConf.to_container(cfg[name], resolve=True), dict)


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


def test_unknown_key_is_refused(compose_cfg):
    from hydra.errors import ConfigCompositionException

    with pytest.raises(ConfigCompositionException):
        compose_cfg("+event=lee_beijing", "write.no_such_key=1")


def test_no_event_composes_without_event(compose_cfg):
    assert "event" not in compose_cfg()


def test_run_dir_pattern_keeps_concurrent_runs_apart(compose_cfg):
    hydra_conf = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text())["hydra"]
    for pattern in (hydra_conf["run"]["dir"], hydra_conf["sweep"]["dir"]):
        assert "%f" in pattern and "${pid:}" in pattern, pattern

    cfg = compose_cfg("+event=lee_beijing", return_hydra_config=True)
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
def test_every_shipped_event_passes_the_schema(compose_cfg, event_id):
    validate_event(compose_cfg(f"+event={event_id}").event)


def test_optional_event_keys_may_be_left_out(compose_cfg):
    cfg = compose_cfg(
        "+event=lee_beijing", "~event.title", "~event.language", "~event.keywords", "~event.outlets",
        "event.date=2026-01-05",
    )
    assert set(cfg.event) == {"id", "inputs", "date", "reference"}
    validate_event(cfg.event)


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
    "id-missing": (["~event.id"], "event.id", "missing key(s)"),
    "inputs-missing": (["~event.inputs"], "event.inputs", "missing key(s)"),
    "misspelt-key": (["+event.titel=x"], "event.titel", "not in 'EventSchema'"),
    "date-not-a-date": (["event.date=yesterday"], "event.date", "'yesterday' is not a YYYY-MM-DD date"),
    "date-month-13": (["event.date=2026-13-01"], "event.date", "is not a YYYY-MM-DD date"),
    "language-a-name": (["event.language=english"], "event.language", "'english' is not an ISO 639-1 code"),
    "language-upper-case": (["event.language=EN"], "event.language", "'EN' is not an ISO 639-1 code"),
    "inputs-empty": (["event.inputs=''"], "event.inputs", "is empty"),
}


@pytest.mark.parametrize(("overrides", "key", "detail"), BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_invalid_event_config_is_a_usage_error_naming_the_key(compose_cfg, overrides, key, detail):
    cfg = compose_cfg("+event=lee_beijing", *overrides)

    with pytest.raises(UsageError) as caught:
        validate_event(cfg.event)

    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert "\n" not in message, message
    assert message.startswith("invalid config of event "), message
    assert f"{key}:" in message or f"{key} " in message or message.endswith(key), message
    assert detail in message, message


def test_validated_event_has_the_schema_types(compose_cfg):
    """What the stages get: keywords such as [G7, 2026] become strings, as the schema says."""
    event = validate_event(compose_cfg("+event=lee_beijing", "event.keywords=[G7,2026]").event)
    assert list(event.keywords) == ["G7", "2026"]


def test_run_event_validates_the_event_before_touching_the_shared_folder(compose_cfg, tmp_path):
    from summarize.runtime.runner import run_event

    cfg = compose_cfg("+event=lee_beijing", f"paths.shared_dir={tmp_path}/shared", "event.id=../escape")

    with pytest.raises(UsageError, match=r"event\.id '\.\./escape' is not a plain name"):
        run_event(cfg, run_dir=tmp_path / "run")
    assert not (tmp_path / "shared").exists()
    assert not (tmp_path / "escape").exists()
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("name", ["lee_beijing", "lee-beijing_2", "A1"])
def test_check_event_name_accepts_plain_names_of_event_files(name, monkeypatch):
    monkeypatch.setattr("summarize.config.available_events", lambda: ["lee_beijing", "lee-beijing_2", "A1"])
    check_event_name(name)


@pytest.mark.parametrize("name", ["../../x", "../lee_beijing", "/etc/passwd", "a/b", "a\\b", ".hidden", "-x", "", "lee beijing"])
def test_check_event_name_refuses_a_name_that_is_not_plain(name):
    with pytest.raises(UsageError) as caught:
        check_event_name(name)
    assert caught.value.exit_code == 2
    assert str(caught.value) == f"event name {name!r} is not a plain name (letters, digits, '_' and '-')"


def test_check_event_name_refuses_an_unknown_event_listing_the_known_ones():
    with pytest.raises(UsageError) as caught:
        check_event_name("nosuch")
    message = str(caught.value)
    assert message.startswith("unknown event 'nosuch': no ")
    assert str(CONFIG_DIR / "event" / "nosuch.yaml") in message
    assert message.endswith(f"events: {', '.join(available_events())}")
    assert "lee_beijing" in message
