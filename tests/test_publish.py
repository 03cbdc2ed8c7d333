"""Publishing brief.md, brief.json and brief.html atomically into the shared folder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
import os
import re
import stat
from pathlib import Path

import pytest
from contract import schema_errors
from factories import article, brief, brief_sentence
from markdown_it import MarkdownIt

from summarize.errors import PublishError, SummarizeError, UsageError
from summarize.runtime.files import write_atomic
from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.publish import publish_brief
from summarize.runtime.render import md_escape
from summarize.runtime.versions import published_key
from summarize.types import Disagreement

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
def publish(stage_settings):
    """publish(brief, sources, shared_dir) with the shipped publish settings (`overrides` change
    them, checked as a run's are); returns the output paths."""

    def run(b, sources, shared, scores=SCORES, key=None, **overrides):
        settings = stage_settings("publish", **overrides)
        layout = SharedLayout(Path(shared), b.event_id, BriefFiles.of(settings))
        return publish_brief(b, sources, scores, layout, settings.keep_versions, key=key)

    return run


@pytest.fixture
def layout(stage_settings):
    """layout(shared_dir, event_id): where the shipped publish settings put the event's brief."""
    files = BriefFiles.of(stage_settings("publish"))
    return lambda shared, event_id: SharedLayout(Path(shared), event_id, files)


BRIEF_FILES = ["brief.html", "brief.json", "brief.md"]
# A version holds the brief's files and their SHA-256 sums (what a skip checks readers still read).
VERSION_FILES = [".SHA256SUMS", *BRIEF_FILES]


def listing(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())  # dot-files included


def test_writes_brief_md_json_and_html_as_links_to_the_current_version(tmp_path, sample, publish):
    b, sources = sample
    shared = tmp_path / "shared"  # created on demand
    paths = publish(b, sources, shared)

    folder = shared / "test_event"
    version = Path(paths["version"])
    assert paths == {
        "json": str(folder / "brief.json"), "markdown": str(folder / "brief.md"), "html": str(folder / "brief.html"), "version": str(version)
    }
    assert listing(folder) == ["brief.html", "brief.json", "brief.md", "current", "versions"]
    assert os.readlink(folder / "current") == f"versions/{version.name}"
    assert listing(version) == VERSION_FILES
    for name in BRIEF_FILES:
        assert os.readlink(folder / name) == f"current/{name}"
        assert (folder / name).resolve() == version / name
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o644
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}\.\d{6}Z", version.name)
    # Only the lock is left in the admin folder; staging is gone once the publish is done.
    assert listing(shared / ".summarize" / "staging") == []  # nothing staged is left behind


def test_json_document(tmp_path, sample, publish):
    b, sources = sample
    publish(b, sources, tmp_path)
    doc = json.loads((tmp_path / "test_event" / "brief.json").read_text(encoding="utf-8"))

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


def test_brief_json_follows_the_shipped_schema_with_numbers_beside_the_words(tmp_path, sample, publish):
    """brief.json is a versioned contract: it validates against the schema shipped in the package,
    and a program reads support and disputed values as numbers, dates and currencies, and finds
    the brief sentence a disagreement belongs to by its index, without parsing prose."""
    b, sources = sample
    s2_id = b.sentences[1].backing[0].id
    b = dataclasses.replace(b, disagreements=(
        Disagreement("count", "agreement", (("fifteen agreements", ("UNN (citing AP)",)), ("14 memorandums", ("Devdiscourse",))),
                     (s2_id,), S2, (("15",), ("14",))),
        Disagreement("amount", "USD/year", (("more than $2 billion a year", ("A",)), ("about $1.5 billion", ("B",))),
                     ("elsewhere:1",), "Trade grew.", ((">2000000000",), ("~1500000000",))),
        Disagreement("date", "date", (("January 5 / Jan. 5", ("A", "B")), ("January 6", ("C",))),
                     ("elsewhere:2",), "They met.", (("2026-01-05",), ("2026-01-06",))),
    ))
    publish(b, sources, tmp_path)
    doc = json.loads((tmp_path / "test_event" / "brief.json").read_text(encoding="utf-8"))

    assert schema_errors("brief", doc) == []
    assert doc["schema_version"] == "1.1"
    sentences = [s for section in doc["sections"] for s in section["sentences"]]
    assert [s["index"] for s in sentences] == [0, 1, 2]
    assert [(s["support_count"], s["independent_sources"], s["support"]) for s in sentences] == [
        (2, 3, "2 of 3 independent sources"), (1, 3, "1 of 3 independent sources"), (1, 3, "1 of 3 independent sources")
    ]
    count, amount, date = doc["disagreements"]
    assert count["brief_sentence"] == 1 and sentences[1]["text"] == S2
    assert [v["normalised"] for v in count["values"]] == [
        [{"number": 15, "bound": "exact", "unit": "agreement"}], [{"number": 14, "bound": "exact", "unit": "agreement"}]
    ]
    assert amount["brief_sentence"] is None  # none of its sentences is in the brief
    assert [v["normalised"] for v in amount["values"]] == [
        [{"number": 2000000000, "bound": "lower_bound", "currency": "USD", "per": "year"}],
        [{"number": 1.5e9, "bound": "approximate", "currency": "USD", "per": "year"}],
    ]
    assert [v["normalised"] for v in date["values"]] == [[{"date": "2026-01-05"}], [{"date": "2026-01-06"}]]
    assert date["values"][0]["value"] == "January 5 / Jan. 5"  # the wording readers see is kept beside it


def test_the_schema_refuses_a_brief_json_without_its_contract_fields(tmp_path, sample, publish):
    b, sources = sample
    publish(b, sources, tmp_path)
    doc = json.loads((tmp_path / "test_event" / "brief.json").read_text(encoding="utf-8"))
    del doc["schema_version"]
    doc["sections"][0]["sentences"][0]["support_count"] = "2 of 3"
    errors = schema_errors("brief", doc)
    assert any("'schema_version' is a required property" in e for e in errors)
    assert any(e.startswith("sections/0/sentences/0/support_count:") for e in errors)


def test_markdown_document(tmp_path, sample, publish):
    b, sources = sample
    publish(b, sources, tmp_path)
    md = (tmp_path / "test_event" / "brief.md").read_text(encoding="utf-8")

    assert md.startswith("# Lee visits China\n")
    assert "\narticles from 4 to 6 Jan 2026 · " in md  # the span of the articles' dates, in words
    assert f"{b.word_count} words from 3 outlets, 3 independent sources ·" in md
    assert "## Summit, Beijing" in md and "## Business" in md
    assert f"- {S1} *[Devdiscourse; also reported by UNN (citing AP): 2 of 3 independent sources]*" in md
    assert md.index("## Summit, Beijing") < md.index(S2) < md.index("## Business") < md.index(S3)
    sources_part = md[md.index("## Sources"):]
    assert "**Devdiscourse**: Strengthening Alliances (4 Jan 2026)" in sources_part
    assert "**Saif Rahman blog**\n" in sources_part


def test_brief_json_names_each_article_by_its_file_in_the_event_folder_never_its_local_path(tmp_path, sample, publish):
    b, sources = sample
    publish(b, sources, tmp_path)
    doc = json.loads((tmp_path / "test_event" / "brief.json").read_text(encoding="utf-8"))

    assert [a["path"] for a in doc["articles"]] == ["001.txt", "002.txt", "004.txt"]
    for name in BRIEF_FILES:
        assert "/nowhere" not in (tmp_path / "test_event" / name).read_text(encoding="utf-8"), name


def test_markdown_sources_link_to_their_http_originals_only(tmp_path, publish):
    b = brief({"Summit": [brief_sentence(S1, "Devdiscourse")]})
    sources = [
        article("001", [S1], outlet="Devdiscourse", title="Lee [meets] Xi", date=dt.date(2026, 1, 4),
                url="https://news.example.org/a_(1)?q=<x>&r=`y`"),
        article("002", [S1], outlet="Blog", url="http://blog.example.com/post"),
        article("003", [S1], outlet="Hostile", title="Click me", url="javascript:alert(1)"),
        article("004", [S1], outlet="Relative", url="/world/summit.html"),
    ]
    publish(b, sources, tmp_path)
    md = (tmp_path / "test_event" / "brief.md").read_text(encoding="utf-8")

    sources_part = md[md.index("## Sources"):]
    assert "- **Devdiscourse**: [Lee \\[meets\\] Xi](<https://news.example.org/a_(1)?q=%3Cx%3E&r=%60y%60>) (4 Jan 2026)\n" in sources_part
    assert "- **Blog**: [http://blog.example.com/post](<http://blog.example.com/post>)\n" in sources_part
    assert "- **Hostile**: Click me\n- **Relative**\n" in sources_part
    html = MarkdownIt("commonmark").render(md)
    assert re.findall(r'href="([^"]*)"', html) == ["https://news.example.org/a_(1)?q=%3Cx%3E&amp;r=%60y%60", "http://blog.example.com/post"]


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
    md = (tmp_path / "test_event" / "brief.md").read_text(encoding="utf-8")

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
    doc = json.loads((tmp_path / "test_event" / "brief.json").read_text(encoding="utf-8"))
    assert doc["sections"][0]["sentences"][0]["text"] == EVIL_SENTENCE


def test_escaped_markdown_renders_as_text(tmp_path, evil, publish):
    b, sources = evil
    publish(b, sources, tmp_path)
    html = MarkdownIt("commonmark").render((tmp_path / "test_event" / "brief.md").read_text(encoding="utf-8"))

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


def snapshot(folder) -> dict[str, bytes]:
    """What a reader gets from the event's folder: the bytes behind brief.md and brief.json."""
    return {name: (folder / name).read_bytes() for name in ("brief.md", "brief.json")}


def everything_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


NEWER = brief({"Other": [brief_sentence("A different sentence for a different night.", "X")]}, title="Tomorrow")


@pytest.mark.parametrize(
    ("call", "error"),
    [("rename", errno.EACCES), ("replace", errno.EROFS), ("write_synced", errno.ENOSPC), ("symlink", errno.EDQUOT)],
    ids=["permission-denied", "read-only", "disk-full", "quota"],
)
def test_failed_publish_leaves_previous_brief_in_place(tmp_path, sample, publish, monkeypatch, call, error):
    """Whatever step fails, readers keep last night's brief and nothing of tonight's is left."""
    import summarize.runtime.versions as versions_module

    b, sources = sample
    publish(b, sources, tmp_path)
    folder = tmp_path / "test_event"
    before, files_before = snapshot(folder), everything_under(tmp_path)

    def boom(*args, **kwargs):
        raise OSError(error, os.strerror(error), str(args[-1]))

    target = versions_module if call == "write_synced" else os
    monkeypatch.setattr(target, call, boom)
    with pytest.raises(PublishError) as caught:
        publish(NEWER, sources, tmp_path)

    assert caught.value.exit_code == 5
    assert isinstance(caught.value, SummarizeError)
    assert str(folder) in str(caught.value)
    monkeypatch.undo()
    assert snapshot(folder) == before
    assert everything_under(tmp_path) == files_before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_shared_folder_is_a_publish_error(tmp_path, sample, publish):
    b, sources = sample
    publish(b, sources, tmp_path)
    before = snapshot(tmp_path / "test_event")
    for folder in (tmp_path, tmp_path / "test_event", tmp_path / "test_event" / "versions", tmp_path / ".summarize" / "staging"):
        folder.chmod(0o555)
    try:
        with pytest.raises(PublishError):
            publish(NEWER, sources, tmp_path)
    finally:
        for folder in tmp_path.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)
    assert snapshot(tmp_path / "test_event") == before


def test_unwritable_folder_raises_publish_error(tmp_path, sample, publish):
    b, sources = sample
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the shared folder should be")

    with pytest.raises(PublishError) as caught:
        publish(b, sources, blocker)
    assert caught.value.exit_code == 5


def test_each_publish_adds_a_dated_version_and_old_ones_are_pruned(tmp_path, sample, publish):
    b, sources = sample
    versions = [Path(publish(b, sources, tmp_path, keep_versions=3)["version"]).name for _ in range(5)]

    assert versions == sorted(versions) and len(set(versions)) == 5
    folder = tmp_path / "test_event"
    assert listing(folder / "versions") == versions[-3:]
    assert os.readlink(folder / "current") == f"versions/{versions[-1]}"
    for version in versions[-3:]:
        assert listing(folder / "versions" / version) == VERSION_FILES


def test_a_failure_to_prune_old_versions_does_not_fail_the_published_run(tmp_path, sample, publish, monkeypatch, caplog):
    import summarize.runtime.versions as versions_module

    b, sources = sample
    publish(b, sources, tmp_path, keep_versions=1)

    def boom(*args):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(versions_module, "prune_versions", boom)
    paths = publish(NEWER, sources, tmp_path, keep_versions=1)
    assert (tmp_path / "test_event" / "brief.md").resolve() == Path(paths["version"]) / "brief.md"
    assert "could not remove old versions" in caplog.text


def test_keep_versions_below_one_is_refused(tmp_path, sample, publish):
    b, sources = sample
    with pytest.raises(UsageError):
        publish(b, sources, tmp_path, keep_versions=0)
    assert everything_under(tmp_path) == []


def killed_at_the_switch(publish, *args) -> None:
    """publish(*args) in a child process that dies (os._exit, leaving what SIGKILL leaves) just
    before it switches `current` to its new version."""
    import summarize.runtime.versions as versions_module

    pid = os.fork()
    if pid == 0:
        try:
            switch = versions_module.replace_link

            def die_at_the_switch(layout, name, target):
                if name == "current":
                    os._exit(9)
                switch(layout, name, target)

            versions_module.replace_link = die_at_the_switch
            publish(*args)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9


def test_a_version_left_unpublished_by_a_killed_run_is_pruned(tmp_path, sample, publish):
    """A run killed between moving its version in and switching `current` leaves a complete but
    never-current version; the next run removes it rather than counting it as a dated copy,
    whatever its stamp says (it is named in staging, where the next run finds it)."""
    b, sources = sample
    first = Path(publish(b, sources, tmp_path)["version"]).name
    killed_at_the_switch(publish, NEWER, sources, tmp_path)
    folder = tmp_path / "test_event"
    (orphan,) = set(listing(folder / "versions")) - {first}
    assert os.readlink(folder / "current") == f"versions/{first}"

    third = Path(publish(NEWER, sources, tmp_path)["version"]).name
    assert listing(folder / "versions") == [first, third]
    assert "different night" in (folder / "brief.md").read_text(encoding="utf-8")


def restamp_current(folder: Path, stamp: str) -> None:
    """Rename the current version to `stamp`, as a clock showing that time would have named it."""
    old = folder / os.readlink(folder / "current")
    old.rename(folder / "versions" / stamp)
    (folder / "current").unlink()
    (folder / "current").symlink_to(f"versions/{stamp}")


def test_a_clock_stepped_back_deletes_no_dated_copy(tmp_path, sample, publish):
    """The last two nights were stamped by a clock a year ahead; tonight's clock is right, so its
    stamp sorts before theirs. Neither is removed: not the version readers saw until tonight, and
    no more than keep_versions says."""
    b, sources = sample
    folder = tmp_path / "test_event"
    ahead = ["2099-01-01T000000.000000Z", "2099-01-02T000000.000000Z"]
    for stamp in ahead:
        publish(b, sources, tmp_path)
        restamp_current(folder, stamp)

    tonight = Path(publish(NEWER, sources, tmp_path)["version"]).name
    assert listing(folder / "versions") == sorted([tonight, *ahead])
    assert os.readlink(folder / "current") == f"versions/{tonight}"


def test_keep_versions_keeps_the_last_published_whatever_their_stamps(tmp_path, sample, publish, monkeypatch):
    """A clock going back a day every night: the versions kept are the newest `keep_versions` by
    the order they were published in, the one readers see and the one they saw before it."""
    import summarize.runtime.versions as versions_module

    b, sources = sample
    stamps = iter(f"2026-01-{day:02}T000000.000000Z" for day in (9, 8, 7, 6, 5))
    monkeypatch.setattr(versions_module, "version_stamp", lambda versions: next(stamps))
    published = [Path(publish(b, sources, tmp_path, keep_versions=2)["version"]).name for _ in range(5)]

    folder = tmp_path / "test_event"
    assert listing(folder / "versions") == sorted(published[-2:])
    assert os.readlink(folder / "current") == f"versions/{published[-1]}"


def test_leftovers_of_a_killed_run_in_staging_are_cleared(tmp_path, sample, publish):
    b, sources = sample
    staging = tmp_path / ".summarize" / "staging" / "test_event"
    (staging / "2026-01-01T000000.000000Z").mkdir(parents=True)
    (staging / "2026-01-01T000000.000000Z" / "brief.md").write_text("half a bri")
    (staging / "current").symlink_to("versions/nowhere")

    publish(b, sources, tmp_path)
    assert not staging.exists()


def test_briefs_published_as_plain_files_are_kept_as_a_version(tmp_path, sample, publish):
    """Upgrading from plain brief.md/brief.json files: they become the first dated copy, and at
    no point does a reader find no brief."""
    b, sources = sample
    folder = tmp_path / "test_event"
    folder.mkdir()
    (folder / "brief.md").write_text("# Last night's brief\n")
    (folder / "brief.json").write_text('{"key": "old"}\n')

    paths = publish(b, sources, tmp_path)
    versions = listing(folder / "versions")
    assert len(versions) == 2 and versions[1] == Path(paths["version"]).name
    assert (folder / "versions" / versions[0] / "brief.md").read_text() == "# Last night's brief\n"
    assert (folder / "brief.md").is_symlink()
    assert (folder / "brief.md").read_text(encoding="utf-8").startswith("# Lee visits China")
    # brief.html is new: the old pair is adopted without it, tonight's version has all three.
    assert listing(folder / "versions" / versions[0]) == ["brief.json", "brief.md"]
    assert listing(folder / "versions" / versions[1]) == VERSION_FILES


def test_published_key_is_the_key_of_the_current_brief(tmp_path, sample, publish, layout):
    b, sources = sample
    layout = layout(tmp_path, b.event_id)
    assert published_key(layout) is None
    publish(b, sources, tmp_path, key="abc123")
    assert published_key(layout) == "abc123"
    assert json.loads((tmp_path / "test_event" / "brief.json").read_text())["key"] == "abc123"


@pytest.mark.parametrize("event_id", ["../escape", "a/b", "..", "", ".hidden", "/abs"])
def test_event_id_cannot_reach_outside_the_shared_folder(tmp_path, layout, event_id):
    with pytest.raises(UsageError) as caught:
        layout(tmp_path, event_id)
    assert caught.value.exit_code == 2


def not_plain(setting: str) -> str:
    """What PublishSettings (summarize/settings.py) says of a name that is not a plain file name."""
    return rf"invalid setting publish\.{setting}: '.*' is not a plain file name \("


def not_different(*names: str) -> str:
    """What PublishSettings says of two settings that name the same file."""
    return re.escape(f"invalid setting publish: markdown_name, json_name and html_name must differ, not {sorted(names)}")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"markdown_name": "/etc/brief.md"}, not_plain("markdown_name")),
        ({"json_name": "../../brief.json"}, not_plain("json_name")),
        ({"json_name": "sub/brief.json"}, not_plain("json_name")),
        ({"markdown_name": "..\\brief.md"}, not_plain("markdown_name")),
        ({"markdown_name": ".."}, not_plain("markdown_name")),
        ({"markdown_name": "."}, not_plain("markdown_name")),
        ({"markdown_name": ""}, not_plain("markdown_name")),
        ({"json_name": "brief\0.json"}, not_plain("json_name")),
        ({"json_name": "current"}, not_plain("json_name")),
        ({"markdown_name": "versions"}, not_plain("markdown_name")),
        ({"json_name": "brief.md"}, not_different("brief.html", "brief.md", "brief.md")),
        ({"html_name": "../index.html"}, not_plain("html_name")),
        ({"html_name": "brief.md"}, not_different("brief.json", "brief.md", "brief.md")),
        ({"html_name": "brief.json"}, not_different("brief.json", "brief.json", "brief.md")),
    ],
    ids=[
        "absolute", "dot-dot", "subfolder", "backslash", "parent", "self", "empty", "nul", "current", "versions", "same",
        "html-dot-dot", "html-same-as-markdown", "html-same-as-json",
    ],
)
def test_a_brief_file_name_must_be_a_plain_name(tmp_path, sample, publish, overrides, message):
    """A file name setting is a name, not a path: nothing is written, inside the shared folder or out."""
    b, sources = sample
    shared = tmp_path / "a" / "b" / "shared"
    if overrides.get("markdown_name", "").startswith("/"):
        overrides = {"markdown_name": str(tmp_path / "victim.md")}  # an absolute path, but one a failure here can harm
        (tmp_path / "victim.md").write_text("not a brief\n")
    with pytest.raises(UsageError) as caught:
        publish(b, sources, shared, **overrides)

    assert re.match(message, str(caught.value))
    assert caught.value.exit_code == 2
    assert everything_under(tmp_path) in ([], ["victim.md"])
    if (tmp_path / "victim.md").exists():
        assert (tmp_path / "victim.md").read_text() == "not a brief\n"


def damage(folder: Path, how: str) -> None:
    """Break what readers see in an event's folder the ways a person or a tool might."""
    version = folder / os.readlink(folder / "current")
    if how == "markdown-deleted":
        (folder / "brief.md").unlink()
    elif how == "json-deleted":
        (folder / "brief.json").unlink()
    elif how == "markdown-stale-file":
        stale = (folder / "brief.md").read_bytes()
        (folder / "brief.md").unlink()
        (folder / "brief.md").write_bytes(stale)
    elif how == "json-stale-file":
        stale = (folder / "brief.json").read_bytes()
        (folder / "brief.json").unlink()
        (folder / "brief.json").write_bytes(stale)
    elif how == "markdown-link-repointed":
        (folder / "brief.md").unlink()
        (folder / "brief.md").symlink_to(f"versions/{version.name}/brief.md")
    elif how == "version-lacks-markdown":
        (version / "brief.md").unlink()
    elif how == "html-deleted":
        (folder / "brief.html").unlink()
    elif how == "version-before-html":  # published before brief.html existed
        (version / "brief.html").unlink()
    elif how == "markdown-written-through-link":  # `cp stale.md brief.md` writes into current/
        (folder / "brief.md").write_text("# A stale brief copied over the published one\n")
    elif how == "markdown-truncated":
        (folder / "brief.md").write_bytes(b"")
    elif how == "version-html-stale":
        (version / "brief.html").write_text("<!DOCTYPE html><title>A stale page</title>\n")
    elif how == "json-edited-keeping-its-key":
        document = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
        (folder / "brief.json").write_text(json.dumps(document | {"words": 0}), encoding="utf-8")
    else:
        raise AssertionError(how)


DAMAGE = (
    "markdown-deleted", "json-deleted", "markdown-stale-file", "json-stale-file", "markdown-link-repointed",
    "version-lacks-markdown", "html-deleted", "version-before-html",
    # Files whose content changed behind the links (issue 23): only their hashes tell.
    "markdown-written-through-link", "markdown-truncated", "version-html-stale", "json-edited-keeping-its-key",
)


@pytest.mark.parametrize("how", DAMAGE)
def test_published_key_is_none_unless_readers_see_the_whole_brief(tmp_path, sample, publish, layout, how):
    """The skip decision reads the key only when readers see the whole brief as publishing left it;
    otherwise a rerun publishes, which repairs the event's folder."""
    b, sources = sample
    layout = layout(tmp_path, b.event_id)
    publish(b, sources, tmp_path, key="abc123")
    assert published_key(layout) == "abc123"

    damage(tmp_path / "test_event", how)
    assert published_key(layout) is None

    paths = publish(b, sources, tmp_path, key="abc123")
    assert published_key(layout) == "abc123"
    for name in BRIEF_FILES:
        assert os.readlink(tmp_path / "test_event" / name) == f"current/{name}"
        assert (tmp_path / "test_event" / name).resolve() == Path(paths["version"]) / name


@pytest.mark.parametrize("alone", ["brief.md", "brief.json"])
def test_one_plain_file_alone_is_not_adopted_as_a_version(tmp_path, sample, publish, alone):
    """A plain brief.md without its brief.json (or the other way round) is not a brief published
    before versions existed: it is replaced by the link to the new brief, never kept as a dated copy."""
    b, sources = sample
    folder = tmp_path / "test_event"
    folder.mkdir()
    (folder / alone).write_text("stale, half of something\n")

    paths = publish(b, sources, tmp_path)
    assert listing(folder / "versions") == [Path(paths["version"]).name]
    assert listing(Path(paths["version"])) == VERSION_FILES
    assert os.readlink(folder / alone) == f"current/{alone}"
    assert "stale" not in (folder / alone).read_text(encoding="utf-8")


def test_a_plain_file_beside_a_current_version_is_not_adopted(tmp_path, sample, publish):
    b, sources = sample
    first = publish(b, sources, tmp_path)
    folder = tmp_path / "test_event"
    for name in ("brief.md", "brief.json"):
        (folder / name).unlink()
        (folder / name).write_text(f"stale {name}\n")

    second = publish(NEWER, sources, tmp_path)
    assert listing(folder / "versions") == sorted(Path(p["version"]).name for p in (first, second))
    assert "different night" in (folder / "brief.md").read_text(encoding="utf-8")


# Characters no published file may hold: a terminal escape, bidi overrides and isolates, a
# zero-width space, U+FFFE and U+FFFF (XML 1.0 forbids them), another noncharacter, a lone surrogate.
UNPUBLISHABLE = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u200b", "\ufffe", "\uffff", "\ufdd0", "\ud800")


def strings_in(value) -> list[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def test_characters_xml_forbids_and_controls_reach_no_published_file(tmp_path, publish):
    """From the config (the title), the articles (a sentence, an outlet) and file names (article
    ids and paths): a terminal escape, a bidi override, a noncharacter reach none of the three files."""
    hostile = "".join(UNPUBLISHABLE)
    b = brief(
        {"Summit": [brief_sentence(f"Lee met Xi in Bei{hostile}jing on Monday.", f"Outlet{hostile} A")]},
        title=f"Lee\x1b[2J visits \u202eChina\ufffe\nand Xi",
    )
    sources = [article(f"a{hostile}b", ["x"], outlet="Outlet A")]
    sources[0] = dataclasses.replace(sources[0], path=f"/in/a{hostile}b.txt", file_name=f"a{hostile}b.txt")
    publish(b, sources, tmp_path)

    folder = tmp_path / "test_event"
    texts = {name: (folder / name).read_text(encoding="utf-8") for name in BRIEF_FILES}
    texts["brief.json values"] = "".join(strings_in(json.loads(texts["brief.json"])))
    for name, text in texts.items():
        assert not [ch for ch in UNPUBLISHABLE if ch in text], name
    assert "\\u001b" not in texts["brief.json"]
    doc = json.loads(texts["brief.json"])
    assert doc["event"]["title"] == "Lee[2J visits China and Xi"  # a line break would end the Markdown heading
    assert doc["articles"][0]["id"] == "ab" and doc["articles"][0]["path"] == "ab.txt"
    assert doc["sections"][0]["sentences"][0]["text"] == "Lee met Xi in Beijing on Monday."
    assert texts["brief.md"].startswith("# Lee\\[2J visits China and Xi\n")
    assert "Outlet A" in texts["brief.html"] and "Outlet A" in texts["brief.md"]
