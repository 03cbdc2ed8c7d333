"""Two nights of one event, run whole (about 4 s a run with the session's encoder): what the second
brief says changed since the first, and the edge cases of the issue: the first brief, a rerun with
nothing changed, force=true, an article removed, a copy arriving, a value edited, a previous brief
that cannot be read or is of an older schema, an event renamed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from summarize.config import PROJECT_ROOT, compose_settings
from summarize.runtime.runner import run_event

LEE = PROJECT_ROOT / "data" / "lee_beijing"
BUSINESS = ("002_51c30d9de42c99e2.txt", "004_8f415f8fc46c3795.txt")  # the two that count the business leaders


@pytest.fixture
def nights(tmp_path, encoder, monkeypatch):
    """Runs of lee_beijing from a copy of its articles in tmp, published into tmp/shared."""
    monkeypatch.setattr("summarize.nlp.embed.build_encoder", lambda settings, cache_dir=None: encoder)
    inputs = tmp_path / "articles"
    shutil.copytree(LEE, inputs)
    runs = iter(range(100))

    def run(*overrides: str) -> dict:
        settings = compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}/shared", f"event.inputs={inputs}", *overrides)
        manifest = run_event(settings, run_dir=tmp_path / f"run{next(runs)}")
        folder = tmp_path / "shared" / settings.event.id
        return manifest | {"brief": json.loads((folder / "brief.json").read_text(encoding="utf-8"))}

    return {"run": run, "inputs": inputs, "shared": tmp_path / "shared"}


def sentences(brief: dict) -> list[dict]:
    return [s for section in brief["sections"] for s in section["sentences"]]


def sentence_shaped(node, path=()) -> list[tuple]:
    """Where brief.json holds a record shaped as a brief sentence: a text with the outlets citing it."""
    if isinstance(node, list):
        return [found for item in node for found in sentence_shaped(item, path)]
    if not isinstance(node, dict):
        return []
    here = [path] if "outlets" in node and any(isinstance(node.get(key), str) for key in ("text", "shown")) else []
    return here + [found for key, value in node.items() for found in sentence_shaped(value, (*path, key))]


def marks(brief: dict) -> list:
    return [s["change"] for s in sentences(brief) if s["change"]]


def nothing_changed(since: dict) -> bool:
    return since["summary"] == "no change" and not any(
        since[key] for key in ("new_facts", "changed_values", "new_outlets", "no_longer_reported", "new_disagreements")
    )


def test_the_first_brief_marks_nothing_and_carries_its_facts(nights):
    brief = nights["run"]()["brief"]

    assert brief["since"] is None and not marks(brief)
    assert brief["schema_version"] == "1.1"
    shown = [f for f in brief["facts"] if f["shown"]]
    assert len(shown) >= len(sentences(brief)) and all(f["fingerprints"] for f in brief["facts"])


def test_a_rerun_with_nothing_changed_is_still_a_skip(nights):
    first = nights["run"]()
    again = nights["run"]()

    assert again["status"] == "skipped"
    assert again["brief"] == first["brief"]


def test_force_with_nothing_changed_reports_no_change(nights):
    first = nights["run"]()["brief"]
    forced = nights["run"]("force=true")["brief"]

    assert forced["since"]["previous_generated_at"] == first["generated_at"]
    assert nothing_changed(forced["since"]) and not marks(forced)


def test_articles_arriving_the_second_night_are_new_and_marked(nights):
    held_back = ("001_0937b39be52192f5.txt", "003_2eeb0c7dd87dabdf.txt")
    kept = Path(nights["inputs"]).parent / "held"
    kept.mkdir()
    for name in held_back:
        shutil.move(nights["inputs"] / name, kept / name)
    nights["run"]()
    for name in held_back:
        shutil.move(kept / name, nights["inputs"] / name)

    brief = nights["run"]()["brief"]

    since = brief["since"]
    assert since["new_facts"] and since["summary"].startswith(f"{len(since['new_facts'])} new fact")
    # Only the brief's own sentences are shaped as cited sentences: a program walking brief.json
    # for them must not take the carried facts or the change lists for more.
    assert {path[0] for path in sentence_shaped(brief)} == {"sections", "lede"}
    new = [s for s in sentences(brief) if s["change"] == "new"]
    assert [s["index"] for s in new] == [item["brief_sentence"] for item in since["new_facts"]]
    # Every fact marked new comes from the articles that arrived; the lede (the core fact) stays.
    arrived = {"Devdiscourse", "French AI news digest"}
    assert all(set(s["outlets"]) <= arrived for s in new)
    assert brief["lede"]["change"] is None
    assert all(set(item["outlets"]) <= arrived for item in since["new_outlets"])


def test_an_article_removed_takes_only_its_own_facts_away(nights):
    longer = ("write.budget_words=450", "write.max_words=500")  # so that the brief shows facts one outlet reports
    first = nights["run"](*longer)["brief"]
    alone = next(s for s in sentences(first) if len(s["outlets"]) == 1 and s["index"] > 0)
    (removed,) = {a["path"] for a in first["articles"] if a["outlet"] == alone["outlets"][0]}
    os.remove(nights["inputs"] / removed)

    since = nights["run"](*longer)["brief"]["since"]

    assert not since["new_facts"] and not since["changed_values"]
    gone = since["no_longer_reported"]
    assert alone["text"] in [g["fact"] for g in gone]
    assert all(alone["outlets"][0] in g["outlets"] for g in gone)


def test_only_a_copy_of_a_known_article_arriving_is_nothing_new(nights):
    nights["run"]()
    shutil.copy(nights["inputs"] / BUSINESS[1], nights["inputs"] / "005_copy.txt")

    brief = nights["run"]()["brief"]

    assert len(brief["copies"]) == 1 and len(brief["articles"]) == 6
    since = brief["since"]
    assert not since["new_facts"] and not since["changed_values"] and not since["new_outlets"] and not marks(brief)


def test_a_value_edited_in_every_article_is_a_changed_value_with_both_values(nights):
    nights["run"]()
    for name in BUSINESS:
        path = nights["inputs"] / name
        path.write_text(path.read_text(encoding="utf-8").replace("200", "300"), encoding="utf-8")

    brief = nights["run"]()["brief"]

    (change,) = brief["since"]["changed_values"]
    assert (change["kind"], change["subject"]) == ("count", "business leader")
    assert (change["before"]["value"], change["after"]["value"]) == (">200", ">300")
    assert "200" in change["before"]["written"] and "300" in change["after"]["written"]
    assert sentences(brief)[change["brief_sentence"]]["change"] == "changed"
    assert "1 value changed" in brief["since"]["summary"]


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda doc: "{ not json", "Expecting property name"),
        (lambda doc: json.dumps({k: v for k, v in doc.items() if k != "facts"} | {"schema_version": "1.0"}), "carries no facts"),
    ],
    ids=["unreadable", "older-schema"],
)
def test_a_previous_brief_that_cannot_be_compared_with_is_no_previous_brief_with_a_warning(nights, damage, reason):
    nights["run"]()
    published = (nights["shared"] / "lee_beijing" / "current" / "brief.json").resolve()
    text = damage(json.loads(published.read_text(encoding="utf-8")))
    published.chmod(0o644)
    published.write_text(text, encoding="utf-8")

    manifest = nights["run"]()  # the damaged file no longer matches its sums: published again

    assert manifest["status"] == "published" and manifest["brief"]["since"] is None and not marks(manifest["brief"])
    (warning,) = manifest["run_warnings"]
    assert warning.startswith("the previous brief of lee_beijing cannot be compared with (brief.json: ") and reason in warning


def test_an_event_renamed_with_its_folder_keeps_its_history_and_a_new_id_starts_afresh(nights):
    nights["run"]()
    os.rename(nights["shared"] / "lee_beijing", nights["shared"] / "lee_visit")

    renamed = nights["run"]("event.id=lee_visit", "event.title=Lee in Beijing")["brief"]
    fresh = nights["run"]("event.id=lee_beijing_2026")["brief"]

    assert nothing_changed(renamed["since"]) and renamed["event"]["title"] == "Lee in Beijing"
    assert fresh["since"] is None and not marks(fresh)
