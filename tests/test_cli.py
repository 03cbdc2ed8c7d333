"""`python -m summarize`: exit codes, the run folder and its log."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.config import PROJECT_ROOT, available_events


def start(*args: str, cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR", "SUMMARIZE_SHARED_DIR")}
    if (cwd / "bug").is_dir():  # tests/test_cli.py prepare("unexpected")
        env["PYTHONPATH"] = str(cwd / "bug")
    return subprocess.Popen(
        [sys.executable, "-m", "summarize", *args],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish(process: subprocess.Popen, timeout: int = 180) -> subprocess.CompletedProcess:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def summarize(*args: str, cwd: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    return finish(start(*args, cwd=cwd), timeout)


def one_line(stderr: str) -> str:
    """The job's one line on stderr: no traceback, no other output."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_no_event_exits_2_and_lists_the_events(tmp_path):
    result = summarize(f"hydra.run.dir={tmp_path}/run", cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert "no event given" in result.stderr
    for event in available_events():
        assert event in result.stderr
    assert "lee_beijing" in result.stderr
    log = (tmp_path / "run" / "summarize.log").read_text()
    assert "no event given" in log


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    result = summarize(
        "+event=lee_beijing", f"paths.shared_dir={tmp}/shared", f"hydra.run.dir={tmp}/run", cwd=tmp
    )
    return tmp, result


def test_full_run_publishes_the_brief(full_run):
    tmp, result = full_run

    assert result.returncode == 0, result.stderr
    brief = tmp / "shared" / "lee_beijing" / "brief.md"
    assert brief.is_file()
    assert brief.resolve().parent.parent == (tmp / "shared" / "lee_beijing" / "versions").resolve()
    assert brief.read_text(encoding="utf-8").startswith("# South Korean President Lee Jae Myung")
    assert (tmp / "shared" / "lee_beijing" / "brief.json").is_file()
    # The one line on stdout that is not a log record names the brief.
    assert result.stdout.strip().splitlines()[-1] == str(brief)


def test_full_run_writes_its_log_and_manifest_in_the_run_folder(full_run):
    tmp, result = full_run
    run_dir = tmp / "run"

    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in run_dir.iterdir() if p.is_file()) == ["manifest.json", "summarize.log"]
    assert not (run_dir / "__main__.log").exists()
    log = (run_dir / "summarize.log").read_text()
    for stage in ("read", "clean", "split", "align", "claims", "cluster", "write", "score", "publish"):
        assert f"] - {stage} " in log, stage
    assert "published" in log
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["outputs"]["markdown"] == str(tmp / "shared" / "lee_beijing" / "brief.md")
    assert manifest["config"]["paths"]["shared_dir"] == str(tmp / "shared")
    # Nothing was written into the checkout's shared folder.
    assert not str(manifest["outputs"]["json"]).startswith(str(PROJECT_ROOT))


FRENCH_ARTICLES = {
    "a.txt": """Le président sud-coréen Lee Jae Myung rencontre Xi Jinping à Pékin
Le président sud-coréen Lee Jae Myung a rencontré lundi le président chinois Xi Jinping au Grand Palais du Peuple à Pékin.
Les deux dirigeants ont signé plusieurs accords sur le commerce, la technologie et la protection de l'environnement.
Selon la présidence à Séoul, la visite d'État doit durer quatre jours et marque un nouveau chapitre entre les deux pays.
""",
    "b.txt": """Visite d'État de Lee Jae Myung en Chine
La rencontre entre Lee et Xi était la première visite d'un dirigeant sud-coréen en Chine depuis six ans.
Plus de deux cents chefs d'entreprise, dont des dirigeants de Samsung et de Hyundai, accompagnent le président coréen.
Les deux présidents ont également évoqué la paix dans la péninsule coréenne et la coopération régionale.
""",
}


def prepare(tmp: Path, case: str) -> list[str]:
    """The overrides of one failing run, after writing what it needs under `tmp`."""
    if case == "empty-folder":
        (tmp / "empty").mkdir()
        return [f"event.inputs={tmp}/empty"]
    if case == "single-article":
        (tmp / "one").mkdir()
        shutil.copy(PROJECT_ROOT / "data" / "lee_beijing" / "004_8f415f8fc46c3795.txt", tmp / "one")
        return [f"event.inputs={tmp}/one"]
    if case == "french":
        (tmp / "fr").mkdir()
        for name, text in FRENCH_ARTICLES.items():
            (tmp / "fr" / name).write_text(text, encoding="utf-8")
        return [f"event.inputs={tmp}/fr", "~event.outlets"]
    if case == "missing-reference":
        return [f"event.reference={tmp}/no-such-reference.txt"]
    if case == "invalid-event-config":
        return ["event.keywords=Lee"]
    if case == "unexpected":
        # A bug, injected: Python imports sitecustomize from the path at start-up.
        (tmp / "bug").mkdir()
        (tmp / "bug" / "sitecustomize.py").write_text(
            "import summarize.stages.split as split\n\n"
            "def split_sentences(articles, settings):\n    raise TypeError('an injected bug')\n\n"
            "split.split_sentences = split_sentences\n"
        )
        return []
    raise AssertionError(case)


FAILING = ("empty-folder", "single-article", "french", "missing-reference", "invalid-event-config", "unexpected")


@pytest.fixture(scope="module")
def failing_runs(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    """One run per failing case. Each imports torch (about 5 s of CPU), so they run side by side."""
    started = {}
    try:
        for case in FAILING:
            tmp = tmp_path_factory.mktemp(case)
            started[case] = tmp, start(
                "+event=lee_beijing", *prepare(tmp, case), f"paths.shared_dir={tmp}/shared",
                f"hydra.run.dir={tmp}/run", cwd=tmp,
            )
        return {case: (tmp, finish(process)) for case, (tmp, process) in started.items()}
    finally:
        for _, process in started.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def test_input_error_exits_3(failing_runs):
    tmp, result = failing_runs["empty-folder"]

    assert result.returncode == 3, result.stderr
    assert one_line(result.stderr) == f"summarize: error: no article files (.txt, .md, .html, .htm, .json, .jsonl) found at {tmp}/empty"
    assert not (tmp / "shared" / "lee_beijing").exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("single-article", "summarize: error: 1 article(s) at {tmp}/one: a multi-document brief needs read.min_articles=2"),
        ("french", "summarize: error: all 2 articles of lee_beijing are in another language than event.language='en'"),
        ("missing-reference", "summarize: error: event.reference {tmp}/no-such-reference.txt: "),
    ],
)
def test_bad_input_exits_3_in_one_line_and_publishes_nothing(failing_runs, case, message):
    tmp, result = failing_runs[case]

    assert result.returncode == 3, result.stderr
    assert one_line(result.stderr).startswith(message.format(tmp=tmp))
    assert not (tmp / "shared" / "lee_beijing").exists()
    assert message.format(tmp=tmp).removeprefix("summarize: error: ") in (tmp / "run" / "summarize.log").read_text()


def test_french_articles_are_dropped_by_the_language_filter(failing_runs):
    tmp, result = failing_runs["french"]
    log = (tmp / "run" / "summarize.log").read_text()

    clean = next(line for line in log.splitlines() if "] - clean " in line)
    assert "'blocks_kept': 0" in clean and "'articles_kept': 0" in clean
    dropped = int(re.search(r"'foreign_language': (\d+)", clean).group(1))
    assert dropped >= 6  # the six body sentences at least; a headline may count as a fragment


def test_invalid_event_config_exits_2_in_one_line(failing_runs):
    tmp, result = failing_runs["invalid-event-config"]

    assert result.returncode == 2, result.stderr
    line = one_line(result.stderr)
    assert line.startswith("summarize: error: invalid config of event lee_beijing: event.keywords: "), line
    assert not (tmp / "shared").exists()  # refused before the lock is taken


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("+event=no_such_event", "summarize: error: unknown event 'no_such_event': no no_such_event.yaml in "),
        ("+event=../../x", "summarize: error: event name '../../x' is not a plain name"),
        ("event=lee_beijing/../../x", "summarize: error: event name 'lee_beijing/../../x' is not a plain name"),
    ],
    ids=["unknown-event", "path-event", "path-event-no-plus"],
)
def test_event_errors_exit_2_in_one_line(tmp_path, override, message):
    """README: exit 2 covers usage errors, Hydra's own (an unknown event) included."""
    result = summarize(override, f"paths.shared_dir={tmp_path}/shared", f"hydra.run.dir={tmp_path}/run", cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr).startswith(message)
    assert not (tmp_path / "run").exists() and not (tmp_path / "shared").exists()
    if override.startswith("+event=no_such"):  # an unknown event lists the available ones
        assert result.stderr.strip().endswith(f"events: {', '.join(available_events())}")


# (override, the line on stderr): Hydra refuses the first two as it composes, the settings the rest.
BAD_SETTINGS = {
    "unknown-key": ("write.no_such_key=1", "invalid setting write.no_such_key: Key 'no_such_key' not in 'WriteSettings'"),
    "wrong-type": ("write.budget_words=many", "invalid setting write.budget_words: Value 'many' of type 'str' could not be converted to Integer"),
    "added-unknown-key": ("+write.no_such_key=1", "invalid setting write.no_such_key: no such setting (write has budget_words, "),
    "added-top-level-key": ("+forse=true", "invalid setting forse: no such setting"),
    "boolean-word": ("write.dangling_openers=[but,false]", "invalid setting write.dangling_openers[1]: 'False' is a boolean, not a word"),
    "bad-choice": ("write.selection=best", "invalid setting write.selection: 'best' is not one of coverage, round_robin"),
    # Issue 23: these published "0 words from 5 outlets", or said every article was in another language.
    "negative-budget": ("write.budget_words=-50", "invalid setting write.budget_words: must be at least 1, not -50"),
    "no-words-read": ("clean.max_words=0", "invalid setting clean.max_words: must be at least 1, not 0"),
}


@pytest.mark.parametrize(("override", "message"), BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_a_wrong_setting_exits_2_in_one_line_before_anything_is_read(tmp_path, override, message):
    """The inputs named do not exist: had the run read them, it would exit 3."""
    result = summarize(
        "+event=lee_beijing", override, f"event.inputs={tmp_path}/no-such-folder",
        f"paths.shared_dir={tmp_path}/shared", f"hydra.run.dir={tmp_path}/run", cwd=tmp_path,
    )

    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr).startswith(f"summarize: error: {message}")
    assert not (tmp_path / "shared").exists()  # no lock taken, nothing published
    log = tmp_path / "run" / "summarize.log"
    assert not log.exists() or " - read " not in log.read_text()


def test_unexpected_error_exits_1_with_the_traceback_in_the_log(failing_runs):
    """__main__: '1 anything unexpected (traceback in the run's summarize.log)'."""
    tmp, result = failing_runs["unexpected"]

    assert result.returncode == 1, result.stderr
    log = (tmp / "run" / "summarize.log").read_text()
    assert "Traceback (most recent call last)" in log
    assert "TypeError" in log
    assert not (tmp / "shared" / "lee_beijing").exists()


def event_state(folder: Path) -> dict:
    return {
        "current": os.readlink(folder / "current"),
        "versions": sorted(p.name for p in (folder / "versions").iterdir()),
        "brief.md": (folder / "brief.md").resolve(),
        "text": (folder / "brief.md").read_bytes(),
    }


@pytest.fixture(scope="module")
def rerun(full_run):
    """The full run again, nothing changed, into the same shared folder."""
    tmp, first = full_run
    assert first.returncode == 0, first.stderr
    folder = tmp / "shared" / "lee_beijing"
    before = event_state(folder)
    result = summarize("+event=lee_beijing", f"paths.shared_dir={tmp}/shared", f"hydra.run.dir={tmp}/rerun", cwd=tmp)
    return {"tmp": tmp, "folder": folder, "result": result, "before": before, "after": event_state(folder)}


@pytest.fixture(scope="module")
def forced(rerun):
    """Then once more with force=true."""
    tmp = rerun["tmp"]
    result = summarize(
        "+event=lee_beijing", "force=true", f"paths.shared_dir={tmp}/shared", f"hydra.run.dir={tmp}/forced", cwd=tmp
    )
    return {**rerun, "result": result, "after": event_state(rerun["folder"])}


def test_rerun_with_nothing_changed_exits_6_and_keeps_the_brief(rerun):
    result, folder = rerun["result"], rerun["folder"]

    assert result.returncode == 6, result.stderr
    assert one_line(result.stderr) == (
        "summarize: skipped lee_beijing: inputs, config and models are those of the published brief (force=true reruns)"
    )
    assert str(folder / "brief.md") not in result.stdout.splitlines()
    assert rerun["after"] == rerun["before"]
    assert len(rerun["after"]["versions"]) == 1
    manifest = json.loads((rerun["tmp"] / "rerun" / "manifest.json").read_text())
    assert manifest["status"] == "skipped"
    assert manifest["key"] == json.loads((folder / "brief.json").read_text())["key"]
    assert "embed" not in manifest["stages"] and "model" not in manifest["stages"]


def test_force_true_publishes_a_new_version(forced):
    result, folder, before, after = forced["result"], forced["folder"], forced["before"], forced["after"]

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(folder / "brief.md")
    assert after["current"] != before["current"]
    assert after["versions"] == sorted([*before["versions"], after["current"].removeprefix("versions/")])
    assert after["brief.md"] == (folder / after["current"] / "brief.md").resolve()
    manifest = json.loads((forced["tmp"] / "forced" / "manifest.json").read_text())
    assert manifest["status"] == "published"
    # force is not part of the key: the new version carries the same key as the one it replaced.
    assert manifest["key"] == json.loads((folder / "brief.json").read_text())["key"]
    assert manifest["key"] == json.loads((folder / "versions" / before["versions"][0] / "brief.json").read_text())["key"]


# Issue 23: Hydra's own flags and errors printed its usage over 5 to 8 lines, without the
# `summarize:` prefix, with an ESC or a newline of the command line raw.
HYDRA_ERRORS = {
    "unknown-flag": (["--no-such-flag\x1b[2J\nforged"], "summarize: error: unrecognized arguments: --no-such-flag\\x1b[2J\\x0aforged (python -m summarize --hydra-help lists the flags)"),
    "bad-flag-value": (["--cfg=everything"], "summarize: error: argument --cfg/-c: invalid choice: 'everything' (choose from 'job', 'hydra', 'all') (python -m summarize --hydra-help lists the flags)"),
    "run-dir-not-resolving": (["+event=lee_beijing", "hydra.run.dir=${no_such_resolver:x}"], "summarize: error: invalid setting hydra.run.dir: Unsupported interpolation type no_such_resolver"),
}


@pytest.mark.parametrize(("args", "message"), HYDRA_ERRORS.values(), ids=HYDRA_ERRORS.keys())
def test_hydras_own_errors_are_one_escaped_line(tmp_path, args, message):
    result = summarize(*args, f"paths.shared_dir={tmp_path}/shared", cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert one_line(result.stderr) == message
    assert "\x1b" not in result.stderr
    assert not (tmp_path / "shared").exists()
