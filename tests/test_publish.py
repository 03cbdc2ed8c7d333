"""Stage 8: publishing brief.md and brief.json atomically into the shared folder."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import stat
import tempfile

import pytest
from markdown_it import MarkdownIt
from factories import article, brief, brief_sentence

from summarize.errors import PublishError, SummarizeError
from summarize.publish import md_escape, publish_brief, write_atomic

S1 = "South Korean President Lee Jae Myung met Chinese President Xi Jinping in Beijing on Monday."
S2 = "The two leaders signed fifteen agreements on trade and technology."
S3 = "More than 200 business leaders joined the four-day state visit."
SCORES = {"words": 31, "sentences": 3}


@pytest.fixture
def sample():
    b = brief(
        {
            "Summit, Beijing": [brief_sentence(S1, "Devdiscourse", "UNN (citing AP)"), brief_sentence(S2, "UNN (citing AP)")],
            "Business": [brief_sentence(S3, "Saif Rahman blog")],
        },
        title="Lee visits China",
        date=dt.date(2026, 1, 6),
    )
    sources = [
        article("001", [S1], outlet="Devdiscourse", title="Strengthening Alliances", date=dt.date(2026, 1, 4)),
        article("002", [S2, S3], outlet="Saif Rahman blog"),
        article("004", [S1, S2], outlet="UNN (citing AP)", date=dt.date(2026, 1, 6)),
    ]
    return b, sources


@pytest.fixture
def publish(stage_params):
    params = stage_params("publish")

    def run(b, sources, folder, scores=SCORES):
        return publish_brief(b, sources, scores, folder, **params)

    return run


def listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())  # dot-files included


def test_writes_brief_md_and_json(tmp_path, sample, publish):
    b, sources = sample
    folder = tmp_path / "shared" / "ev"  # created on demand
    paths = publish(b, sources, folder)

    assert paths == {"json": str(folder / "brief.json"), "markdown": str(folder / "brief.md")}
    assert listing(folder) == ["brief.json", "brief.md"]
    for name in ("brief.json", "brief.md"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o644


def test_json_document(tmp_path, sample, publish):
    b, sources = sample
    publish(b, sources, tmp_path)
    doc = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))

    assert doc["event"] == {"id": "test_event", "title": "Lee visits China", "date": "2026-01-06"}
    assert doc["words"] == b.word_count
    assert doc["outlets"] == ["Devdiscourse", "Saif Rahman blog", "UNN (citing AP)"]
    assert [s["label"] for s in doc["sections"]] == ["Summit, Beijing", "Business"]
    first = doc["sections"][0]["sentences"][0]
    assert first["text"] == S1
    assert first["outlets"] == ["Devdiscourse", "UNN (citing AP)"]
    assert [src["outlet"] for src in first["sources"]] == ["Devdiscourse", "UNN (citing AP)"]
    assert set(first["sources"][0]) == {"id", "article_id", "outlet", "text", "position"}
    assert [len(s["sentences"]) for s in doc["sections"]] == [2, 1]
    assert [a["id"] for a in doc["articles"]] == ["001", "002", "004"]
    assert doc["articles"][0]["date"] == "2026-01-04" and doc["articles"][1]["date"] is None
    assert doc["scores"] == SCORES
    dt.datetime.fromisoformat(doc["generated_at"])


def test_markdown_document(tmp_path, sample, publish):
    b, sources = sample
    publish(b, sources, tmp_path)
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")

    assert md.startswith("# Lee visits China\n")
    assert "**2026-01-06**" in md
    assert f"{b.word_count} words from 3 outlets" in md
    assert "## Summit, Beijing" in md and "## Business" in md
    assert f"- {S1} *[Devdiscourse; UNN (citing AP): 2 of 3 outlets]*" in md
    assert md.index("## Summit, Beijing") < md.index(S2) < md.index("## Business") < md.index(S3)
    sources_part = md[md.index("## Sources"):]
    assert "**Devdiscourse**: Strengthening Alliances (2026-01-04)" in sources_part
    assert "**Saif Rahman blog**\n" in sources_part


EVIL_SENTENCE = "Officials posted <script>alert(1)</script> and [x](http://evil) on the summit page."


@pytest.fixture
def evil(sample):
    b, sources = sample
    evil_brief = brief(
        {"<b>Label</b> [l](http://evil/label)": [brief_sentence(EVIL_SENTENCE, "Outlet <img src=x onerror=alert(2)>")]},
        title="# Title <script>alert(3)</script>",
    )
    evil_sources = [article("e", [EVIL_SENTENCE], outlet="*bold* outlet", title="[t](http://evil/title) <iframe>")]
    return evil_brief, evil_sources


def test_markdown_escapes_article_text(tmp_path, evil, publish):
    b, sources = evil
    publish(b, sources, tmp_path)
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")

    # Every markup character that came from the articles or the config is backslash-escaped.
    assert re.search(r"(?<!\\)<(/?script|img|iframe|/?b>)", md) is None
    assert re.search(r"(?<!\\)\[(x|l|t)(?<!\\)\]\(", md) is None
    assert re.search(r"(?<!\\)\*bold", md) is None
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "\\[x\\](http://evil)" in md
    assert "\\<img src=x onerror=alert(2)\\>" in md
    assert "**\\*bold\\* outlet**: \\[t\\](http://evil/title) \\<iframe\\>" in md
    assert md.startswith("# \\# Title \\<script\\>alert(3)\\</script\\>\n")
    # The JSON keeps the text as printed.
    doc = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))
    assert doc["sections"][0]["sentences"][0]["text"] == EVIL_SENTENCE


def test_escaped_markdown_renders_as_text(tmp_path, evil, publish):
    b, sources = evil
    publish(b, sources, tmp_path)
    html = MarkdownIt("commonmark").render((tmp_path / "brief.md").read_text(encoding="utf-8"))

    for live in ("<script", "<img", "<iframe", "<b>", "href="):
        assert live not in html, live
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[x](http://evil)" in html
    assert html.count("<h1>") == 1  # the title's "#" does not make another heading


def test_md_escape():
    assert md_escape("a*b_c`d[e]f<g>h#i|j\\k") == "a\\*b\\_c\\`d\\[e\\]f\\<g\\>h\\#i\\|j\\\\k"
    assert md_escape("Plain text, with (parentheses) and 3.5% figures.") == "Plain text, with (parentheses) and 3.5% figures."


def test_write_atomic_leaves_no_temp_files(tmp_path):
    target = tmp_path / "sub" / "file.txt"
    write_atomic(target, "first\n")
    write_atomic(target, "second ünïcode\n")

    assert target.read_text(encoding="utf-8") == "second ünïcode\n"
    assert listing(target.parent) == ["file.txt"]


def test_write_atomic_failure_keeps_old_file_and_removes_temp(tmp_path, monkeypatch):
    target = tmp_path / "file.txt"
    target.write_text("old\n")

    def boom(src, dst):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")

    assert target.read_text() == "old\n"
    assert listing(tmp_path) == ["file.txt"]


def test_failed_publish_leaves_previous_brief_in_place(tmp_path, sample, publish, monkeypatch):
    b, sources = sample
    publish(b, sources, tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in ("brief.md", "brief.json")}

    def boom(src, dst):
        raise OSError(errno.EROFS, "Read-only file system", str(dst))

    monkeypatch.setattr(os, "replace", boom)
    newer = brief({"Other": [brief_sentence("A different sentence for a different night.", "X")]}, title="Tomorrow")
    with pytest.raises(PublishError) as caught:
        publish(newer, sources, tmp_path)

    assert caught.value.exit_code == 5
    assert isinstance(caught.value, SummarizeError)
    assert str(tmp_path) in str(caught.value)
    assert {name: (tmp_path / name).read_bytes() for name in before} == before
    assert listing(tmp_path) == ["brief.json", "brief.md"]  # no .tmp left behind


def test_failure_on_the_second_file_leaves_the_whole_previous_brief(tmp_path, sample, publish, monkeypatch):
    """The disk fills up while brief.md is written: readers must not get tonight's brief.json with last night's brief.md."""
    b, sources = sample
    publish(b, sources, tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in ("brief.md", "brief.json")}

    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if str(kwargs.get("prefix", "")).startswith(".brief.md"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    newer = brief({"Other": [brief_sentence("A different sentence for a different night.", "X")]}, title="Tomorrow")
    with pytest.raises(PublishError):
        publish(newer, sources, tmp_path)

    assert listing(tmp_path) == ["brief.json", "brief.md"]
    assert (tmp_path / "brief.md").read_bytes() == before["brief.md"]
    assert (tmp_path / "brief.json").read_bytes() == before["brief.json"]


def test_unwritable_folder_raises_publish_error(tmp_path, sample, publish):
    b, sources = sample
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the shared folder should be")

    with pytest.raises(PublishError) as caught:
        publish(b, sources, blocker / "ev")
    assert caught.value.exit_code == 5
