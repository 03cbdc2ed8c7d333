"""The whole pipeline on the shipped lee_beijing event (run once for the module, about 5 s)."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from contract import schema_errors

from summarize.config import PROJECT_ROOT, compose_settings
from summarize.errors import InputError
from summarize.runtime.runner import STAGE_NAMES, run_event

# What an extractive run records: every stage but the neural writer's two.
STAGES = tuple(name for name in STAGE_NAMES if name not in ("generate", "guard"))
BOILERPLATE = ("cookie", "subscribe", "bookmark", "copyright", "left menu", "newsletter", "privacy policy", "©")
FRENCH = ("Rapporté", "cookies", "président", "générée", "connexes")
UNRELATED = (
    "Nvidia", "Avatar", "Greenland", "Ikkis", "Venezuela", "Wang Yi", "Ireland", "Chrétien",
    "Malaysia Open", "Maduro", "Pakistan", "Denmark", "Ethiopia",
)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    shared = tmp_path_factory.mktemp("shared")
    run_dir = tmp_path_factory.mktemp("run")
    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={shared}")
    manifest = run_event(cfg, run_dir=run_dir)
    folder = shared / "lee_beijing"
    return {
        "cfg": cfg,
        "manifest": manifest,
        "run_dir": run_dir,
        "folder": folder,
        "md": (folder / "brief.md").read_text(encoding="utf-8"),
        "doc": json.loads((folder / "brief.json").read_text(encoding="utf-8")),
    }


def brief_sentences(doc) -> list[dict]:
    return [s for section in doc["sections"] for s in section["sentences"]]


def test_brief_files_are_published_in_the_event_folder(run):
    folder = run["folder"]
    assert sorted(p.name for p in folder.iterdir()) == ["brief.html", "brief.json", "brief.md", "current", "versions"]
    assert run["manifest"]["outputs"]["markdown"] == str(folder / "brief.md")
    assert run["manifest"]["outputs"]["json"] == str(folder / "brief.json")
    # Readers' paths are links through `current` into the one dated version.
    (version,) = (folder / "versions").iterdir()
    assert run["manifest"]["outputs"]["version"] == str(version)
    assert os.readlink(folder / "current") == f"versions/{version.name}"
    for name in ("brief.md", "brief.json", "brief.html"):
        assert os.readlink(folder / name) == f"current/{name}"
        assert (folder / name).resolve() == (version / name).resolve()
        assert (version / name).is_file() and not (version / name).is_symlink()
    assert sorted(p.name for p in version.iterdir()) == [".SHA256SUMS", "brief.html", "brief.json", "brief.md"]
    assert run["doc"]["event"]["id"] == "lee_beijing"
    assert run["md"].startswith("# South Korean President Lee Jae Myung's state visit")


def test_brief_length(run):
    doc = run["doc"]
    counted = sum(len(s["shown"].split()) for s in brief_sentences(doc))
    assert counted == doc["words"]
    assert 150 <= doc["words"] <= 250
    assert f"{doc['words']} words from" in run["md"]


def test_every_sentence_names_an_outlet(run):
    outlets = set(run["cfg"].event.outlets.values())
    sentences = brief_sentences(run["doc"])
    assert len(sentences) >= 4
    for s in sentences:
        assert s["outlets"], s["text"]
        assert set(s["outlets"]) <= outlets
        assert s["sources"] and {src["outlet"] for src in s["sources"]} == set(s["outlets"])
    # The lede (a bold line of its own) and the sections' bullets, every one cited.
    brief_part = run["md"].split("## Where sources differ")[0].split("## Sources")[0]
    cited = [line for line in brief_part.splitlines() if line.startswith(("- ", "**"))]
    assert len(cited) == len(sentences)
    assert all(re.search(r"\*\[[^\]]+\]\*$", line) for line in cited), cited


def test_sentences_are_extracted_from_the_articles(run):
    inputs = " ".join(
        " ".join(Path(i["path"]).read_text(encoding="utf-8").split()) for i in run["manifest"]["inputs"]
    )
    for s in brief_sentences(run["doc"]):
        assert s["text"] in inputs


@pytest.mark.parametrize("word", BOILERPLATE)
def test_no_boilerplate(run, word):
    assert word not in run["md"].lower()
    assert all(word not in s["text"].lower() for s in brief_sentences(run["doc"]))


@pytest.mark.parametrize("word", FRENCH)
def test_no_french(run, word):
    assert word not in run["md"]


@pytest.mark.parametrize("word", UNRELATED)
def test_nothing_from_unrelated_stories(run, word):
    assert word not in run["md"]


def test_no_redundant_sentences(run, encoder):
    texts = [s["text"] for s in brief_sentences(run["doc"])]
    assert len(set(texts)) == len(texts)
    vectors = encoder.encode(texts)
    for i, j in itertools.combinations(range(len(texts)), 2):
        assert float(vectors[i] @ vectors[j]) < 0.85, (texts[i], texts[j])


def test_manifest(run):
    path = run["run_dir"] / "manifest.json"
    assert run["manifest"]["outputs"]["manifest"] == str(path)
    manifest = json.loads(path.read_text(encoding="utf-8"))

    assert manifest["event"] == "lee_beijing"
    for name in STAGES:
        stage = manifest["stages"][name]
        assert isinstance(stage["seconds"], (int, float)) and stage["seconds"] >= 0, name
        assert isinstance(stage["counts"], dict) and stage["counts"], name
    assert manifest["seconds_total"] >= sum(manifest["stages"][n]["seconds"] for n in STAGES) - 0.01
    assert manifest["stages"]["read"]["counts"]["articles"] == 5
    assert manifest["stages"]["publish"]["counts"]["version"] == Path(run["manifest"]["outputs"]["version"]).name
    assert list(manifest["stages"])[:3] == ["read", "embed", "model"]  # no model is loaded before the key is known
    assert manifest["stages"]["write"]["counts"]["words"] == run["doc"]["words"]
    assert manifest["config"]["event"]["id"] == "lee_beijing"
    assert manifest["peak_memory_mib"] > 0


def test_brief_json_and_manifest_follow_the_shipped_schemas(run):
    """The real pipeline's brief.json and manifest.json, disagreements and all, are what the
    schemas in the package promise, each with its schema_version."""
    manifest = json.loads((run["run_dir"] / "manifest.json").read_text(encoding="utf-8"))
    assert schema_errors("manifest", manifest) == [] and manifest["schema_version"] == "1.1"
    assert schema_errors("brief", run["doc"]) == [] and run["doc"]["schema_version"] == "1.1"
    assert run["doc"]["disagreements"]
    for disagreement in run["doc"]["disagreements"]:
        assert all(value["normalised"] for value in disagreement["values"])
        if disagreement["brief_sentence"] is not None:
            sentence = brief_sentences(run["doc"])[disagreement["brief_sentence"]]
            assert sentence["disputed"] and {s["id"] for s in sentence["sources"]} & set(disagreement["sentence_ids"])


def test_manifest_input_hashes(run):
    manifest = json.loads((run["run_dir"] / "manifest.json").read_text(encoding="utf-8"))
    data = PROJECT_ROOT / "data" / "lee_beijing"
    expected = {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(data.glob("*.txt"))}

    assert {i["path"]: i["sha256"] for i in manifest["inputs"]} == expected
    assert [i["outlet"] for i in manifest["inputs"]][1] == "Devdiscourse"


def test_manifest_dropped_counts(run):
    manifest = json.loads((run["run_dir"] / "manifest.json").read_text(encoding="utf-8"))
    dropped = manifest["stages"]["clean"]["counts"]["dropped"]

    assert set(dropped) == {"related_list", "boilerplate", "foreign_language", "fragment", "off_topic"}
    assert dropped["off_topic"] >= 5
    assert dropped["foreign_language"] >= 1
    assert dropped["boilerplate"] >= 5
    assert dropped["related_list"] >= 5
    assert sum(dropped.values()) == len(manifest["dropped_blocks"])
    off_topic = " ".join(d["text"] for d in manifest["dropped_blocks"] if d["reason"] == "off_topic")
    assert "Wang Yi" in off_topic and "Chrétien" in off_topic


@pytest.fixture
def fast_pipeline(encoder, monkeypatch):
    """run_event with the session's (already warm) encoder instead of a fresh one."""
    monkeypatch.setattr("summarize.nlp.embed.build_encoder", lambda settings, cache_dir=None: encoder)
    return run_event


def test_reference_adds_rouge_scores(tmp_path, fast_pipeline):
    reference = tmp_path / "reference.txt"
    reference.write_text(
        "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing. "
        "The two leaders signed agreements on trade and technology and discussed North Korea.",
        encoding="utf-8",
    )
    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}", f"event.reference={reference}")
    manifest = fast_pipeline(cfg, run_dir=tmp_path / "run")

    rouge = manifest["scores"]["rouge"]
    assert set(rouge) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    assert 0 < rouge["rouge1"]["f1"] < 100
    doc = json.loads((tmp_path / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))
    assert doc["scores"]["rouge"] == rouge


def test_missing_reference_file_is_an_input_error(tmp_path, fast_pipeline):
    cfg = compose_settings(
        "+event=lee_beijing", f"paths.shared_dir={tmp_path}", f"event.reference={tmp_path}/no-such-reference.txt"
    )
    with pytest.raises(InputError) as caught:
        fast_pipeline(cfg, run_dir=tmp_path / "run")
    assert caught.value.exit_code == 3
    assert "no-such-reference.txt" in str(caught.value)
    assert not (tmp_path / "lee_beijing").exists()  # nothing published


def test_nothing_left_after_cleaning_is_an_input_error(tmp_path, fast_pipeline):
    inputs = tmp_path / "articles"
    inputs.mkdir()
    (inputs / "junk.txt").write_text("Left Menu\nSubscribe to our Newsletter\n© Copyright 2026\nTRENDING\n", encoding="utf-8")
    (inputs / "teaser.txt").write_text("Weather\nRain expected in Paris on Friday.\n", encoding="utf-8")
    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}", f"event.inputs={inputs}")

    with pytest.raises(InputError) as caught:
        fast_pipeline(cfg, run_dir=tmp_path / "run")
    assert caught.value.exit_code == 3
    message = str(caught.value)
    prefix = "nothing left of the 2 articles of lee_beijing after cleaning (blocks dropped: "
    assert message.startswith(prefix) and message.endswith(")"), message
    # Every reason that dropped a block, with its count, most frequent first.
    assert message[len(prefix) : -1].split(", ")[0] == "boilerplate 3"
    assert set(message[len(prefix) : -1].split(", ")) == {"boilerplate 3", "related_list 1", "fragment 1", "off_topic 1"}
    assert not (tmp_path / "lee_beijing").exists()


def test_event_without_outlet_names_uses_file_stems(tmp_path, fast_pipeline):
    """`outlets` is optional: read_articles falls back to the file stem."""
    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}", "~event.outlets")
    assert cfg.event.outlets == {}

    manifest = fast_pipeline(cfg, run_dir=tmp_path / "run")

    stems = {Path(i["path"]).stem for i in manifest["inputs"]}
    assert {i["outlet"] for i in manifest["inputs"]} == stems
    doc = json.loads((tmp_path / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))
    assert set(doc["outlets"]) <= stems


DATE_LINE = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2})\s*", re.MULTILINE)


def scraped_records(scraper: str) -> list[dict]:
    """The sample event's articles as `scraper` ("news-please" or "trafilatura") would write them:
    their text and date, with an invented address and site for each."""
    records = []
    for i, path in enumerate(sorted((PROJECT_ROOT / "data" / "lee_beijing").glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        day = DATE_LINE.search(text)
        url, site = f"https://site{i}.example/world/{path.stem}?ref=feed&page=1", f"site{i}.example"
        text = DATE_LINE.sub("", text, count=1)
        date = day.group(1) if day else None
        if scraper == "news-please":
            records.append({"url": url, "title": None, "date_publish": date and f"{date} 08:00:00", "source_domain": site, "maintext": text})
        else:
            records.append({"url": url, "title": None, "date": date, "hostname": site, "text": text})
    return records


@pytest.mark.parametrize("form", ["news-please", "trafilatura", "json-lines"])
def test_scraper_json_publishes_sources_with_their_links_and_no_local_path(tmp_path, fast_pipeline, form):
    inputs = tmp_path / "articles"
    inputs.mkdir()
    records = scraped_records("news-please" if form == "news-please" else "trafilatura")
    if form == "json-lines":
        (inputs / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        for i, record in enumerate(records):
            (inputs / f"{i:03}.json").write_text(json.dumps(record), encoding="utf-8")
    shared = tmp_path / "shared"
    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={shared}", f"event.inputs={inputs}", "~event.outlets")

    fast_pipeline(cfg, run_dir=tmp_path / "run")

    folder = shared / "lee_beijing"
    doc = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    urls = [r["url"] for r in records]
    assert [a["url"] for a in doc["articles"]] == urls
    assert [a["outlet"] for a in doc["articles"]] == [f"site{i}.example" for i in range(len(records))]
    assert set(doc["outlets"]) <= {a["outlet"] for a in doc["articles"]}
    expected_paths = ["feed.jsonl"] * len(records) if form == "json-lines" else [f"{i:03}.json" for i in range(len(records))]
    assert [a["path"] for a in doc["articles"]] == expected_paths
    html, md = (folder / "brief.html").read_text(encoding="utf-8"), (folder / "brief.md").read_text(encoding="utf-8")
    for url in urls:
        assert f'<a href="{url.replace("&", "&amp;")}" rel="noopener noreferrer">' in html
        assert f"](<{url}>)" in md
    # No published file, dated copies and the index included, tells where the articles lie.
    published = [p for p in shared.rglob("*") if p.is_file()]
    assert len(published) > 6
    for path in published:
        data = path.read_bytes()
        assert str(inputs).encode() not in data and str(inputs.resolve()).encode() not in data, path


def test_the_two_disagreements_of_lee_beijing_are_flagged_and_nothing_else(run):
    flags = {d["subject"]: d for d in run["doc"]["disagreements"]}
    assert set(flags) == {"agreement", "date"}
    agreements = {v["value"]: v["outlets"] for v in flags["agreement"]["values"]}
    assert agreements == {
        "14 memorandums": ["UNN (citing AP)"],
        "15 agreements / 15 cooperation agreements": ["French AI news digest", "Saif Rahman blog"],
    }
    dates = {v["value"].split(" / ")[0]: v["outlets"] for v in flags["date"]["values"]}
    assert dates == {"January 5": ["Mainland news digest", "UNN (citing AP)"], "January 6": ["French AI news digest"]}
    assert "## Where sources differ" in run["md"]
    for s in brief_sentences(run["doc"]):
        states_a_disputed_value = any(v in s["text"] for v in ("January 5", "January 6", "15 agreements", "14 memorandums"))
        assert s["disputed"] == states_a_disputed_value, s["text"]
        # The disputed value is marked where it stands, with the other value.
        assert ("sources differ" in s["shown"]) == states_a_disputed_value, s["shown"]


def test_each_key_fact_is_cited_with_its_outlets_once(run):
    """lee_beijing's facts that several outlets report (README, "Who reports what"), as this brief cites them:
    never an outlet that does not state the fact, and no fact twice."""
    sentences = brief_sentences(run["doc"])
    by_fact = {
        "summit": [s for s in sentences if "met in Beijing" in s["text"] or "meeting in Beijing" in s["text"]],
        "agreements": [s for s in sentences if "agreements" in s["text"] or "memorandums" in s["text"]],
        "business leaders": [s for s in sentences if "200 " in s["text"]],
    }
    reported_by = {
        "summit": {"Mainland news digest", "French AI news digest", "UNN (citing AP)", "Saif Rahman blog"},
        "agreements": {"Saif Rahman blog", "French AI news digest", "UNN (citing AP)"},
        "business leaders": {"Saif Rahman blog", "UNN (citing AP)"},
    }
    for fact, cited in by_fact.items():
        assert len(cited) == 1, (fact, [s["text"] for s in cited])
        assert set(cited[0]["outlets"]) <= reported_by[fact], fact
        assert len(cited[0]["outlets"]) >= 2, fact
    for s in sentences:
        assert s["outlets_backing"] == f"{len(s['outlets'])} of 5"
        assert s["wording_outlet"] in s["outlets"] and s["text"] == s["sources"][0]["text"]

def current_version(folder: Path) -> str:
    return os.readlink(folder / "current")


def test_manifest_key_is_the_published_brief_key(run):
    manifest = json.loads((run["run_dir"] / "manifest.json").read_text(encoding="utf-8"))

    assert run["manifest"]["status"] == manifest["status"] == "published"
    assert re.fullmatch(r"[0-9a-f]{64}", run["manifest"]["key"])
    assert manifest["key"] == run["manifest"]["key"] == run["doc"]["key"]


def test_rerun_with_nothing_changed_is_skipped_without_loading_models(run, tmp_path, monkeypatch):
    def no_models(*args, **kwargs):
        raise AssertionError("a skipped run must not load any model")

    monkeypatch.setattr("summarize.runtime.runner.load_models", no_models)
    folder = run["folder"]
    before = current_version(folder), sorted(p.name for p in (folder / "versions").iterdir())

    manifest = run_event(run["cfg"], run_dir=tmp_path)

    assert manifest["status"] == "skipped"
    assert manifest["key"] == run["manifest"]["key"] == run["doc"]["key"]
    assert list(manifest["stages"]) == ["read"]
    assert manifest["scores"] is None and manifest["dropped_blocks"] == []
    assert manifest["outputs"]["markdown"] == str(folder / "brief.md")
    written = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert written["status"] == "skipped" and written["key"] == manifest["key"]
    assert (current_version(folder), sorted(p.name for p in (folder / "versions").iterdir())) == before


@pytest.fixture
def published(tmp_path, fast_pipeline):
    """A copy of lee_beijing's articles in tmp, published once into tmp/shared."""
    inputs = tmp_path / "articles"
    shutil.copytree(PROJECT_ROOT / "data" / "lee_beijing", inputs)
    overrides = ["+event=lee_beijing", f"paths.shared_dir={tmp_path}/shared", f"event.inputs={inputs}"]
    first = fast_pipeline(compose_settings(*overrides), run_dir=tmp_path / "run1")
    assert first["status"] == "published"
    return {"overrides": overrides, "inputs": inputs, "first": first, "folder": tmp_path / "shared" / "lee_beijing"}


@pytest.mark.parametrize("change", ["input-file", "config-value", "force"])
def test_a_change_or_force_publishes_a_new_version(published, tmp_path, fast_pipeline, change):
    folder, first = published["folder"], published["first"]
    first_version = current_version(folder)
    # Nothing changed yet: skipped.
    assert fast_pipeline(compose_settings(*published["overrides"]), run_dir=tmp_path / "same")["status"] == "skipped"
    assert current_version(folder) == first_version

    overrides = list(published["overrides"])
    if change == "input-file":
        with open(published["inputs"] / "001_0937b39be52192f5.txt", "a", encoding="utf-8") as handle:
            handle.write("\nA correction was added to this article on Tuesday.\n")
    elif change == "config-value":
        overrides.append("write.budget_words=150")
    else:
        overrides.append("force=true")
    second = fast_pipeline(compose_settings(*overrides), run_dir=tmp_path / "run2")

    assert second["status"] == "published"
    assert (second["key"] == first["key"]) == (change == "force")
    assert current_version(folder) != first_version
    assert current_version(folder) == f"versions/{Path(second['outputs']['version']).name}"
    assert len(list((folder / "versions").iterdir())) == 2
    doc = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    assert doc["key"] == second["key"]
    if change == "config-value":
        assert doc["words"] < first["scores"]["words"]  # the new brief follows the new budget
    # And a rerun of the changed run is skipped in turn.
    again_overrides = [o for o in overrides if o != "force=true"]
    assert fast_pipeline(compose_settings(*again_overrides), run_dir=tmp_path / "again")["status"] == "skipped"


EVIL_SENTENCE = (
    "President Lee Jae Myung met President Xi Jinping in Beijing <script>alert(1)</script> "
    "and [click](javascript:alert(1)) for talks on trade."
)
EVIL_ARTICLES = {
    "a.txt": [
        "Lee meets Xi in Beijing for summit talks",
        "South Korean President Lee Jae Myung met Chinese President Xi Jinping at the Great Hall of the People in Beijing on Monday.",
        EVIL_SENTENCE,
        "The two leaders signed agreements on trade, technology and the environment, officials in Seoul said.",
    ],
    "b.txt": [
        "Korean leader <img src=x onerror=alert(2)> visits China",
        EVIL_SENTENCE,
        "Lee Jae Myung is the first South Korean leader to visit China in six years, the presidential office in Seoul said.",
        "Xi Jinping called for peace and stability on the Korean Peninsula during the talks with Lee.",
    ],
}


def test_markup_in_articles_never_becomes_live_in_the_published_brief(tmp_path, fast_pipeline):
    from markdown_it import MarkdownIt

    inputs = tmp_path / "articles"
    inputs.mkdir()
    for name, lines in EVIL_ARTICLES.items():
        (inputs / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = compose_settings(
        "+event=lee_beijing", f"paths.shared_dir={tmp_path}/shared", f"event.inputs={inputs}", "~event.outlets"
    )

    fast_pipeline(cfg, run_dir=tmp_path / "run")

    folder = tmp_path / "shared" / "lee_beijing"
    doc = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    assert EVIL_SENTENCE in {s["text"] for s in brief_sentences(doc)}  # the test really publishes the injection
    md = (folder / "brief.md").read_text(encoding="utf-8")
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "\\[click\\](javascript:alert(1))" in md
    assert "\\<img src=x onerror=alert(2)\\>" in md  # from an article's title, in the sources list
    assert re.search(r"(?<!\\)<(/?script|img)", md) is None
    assert re.search(r"(?<!\\)\[click(?<!\\)\]\(", md) is None
    html = MarkdownIt("commonmark").render(md)
    for live in ("<script", "<img", "href="):
        assert live not in html, live
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[click](javascript:alert(1))" in html


def test_publishing_without_a_summary_is_refused_when_the_published_brief_changed(tmp_path, compose_cfg):
    """Ray's read step found the event unchanged without the lock; by the time its publish step
    holds the lock another run has published something else, so there is nothing right to publish."""
    from summarize.errors import BusyError
    from summarize.runtime.runner import publish_event, read_event

    event = read_event(compose_cfg("+event=lee_beijing", f"paths.shared_dir={tmp_path / 'shared'}"))
    with pytest.raises(BusyError, match="changed while this run read its inputs"):
        publish_event(event, tmp_path / "run")
    assert not (tmp_path / "shared" / "lee_beijing").exists()
