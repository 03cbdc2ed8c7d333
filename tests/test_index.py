"""index.html and feed.xml at the shared folder's root: every event's latest brief, newest news first."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import types
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest
from factories import article, brief, brief_sentence

from summarize.config import compose_settings
from summarize.errors import InputError, UsageError
from summarize.runtime import index
from summarize.runtime import publish as publish_module
from summarize.runtime import runner
from summarize.runtime.index import after_run, status_path, update_index, write_status
from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.publish import publish_brief
from summarize.runtime.render import CSP
from summarize.types import Disagreement

ATOM = "{http://www.w3.org/2005/Atom}"


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(html)
    return parser.elements


# The shipped publish settings (PublishSettings): the files' names the index links to.
PUBLISH = compose_settings("+event=lee_beijing").publish
FILES = BriefFiles.of(PUBLISH)


def publish_event(shared, event_id: str, title: str) -> None:
    b = brief({"Talks": [brief_sentence(f"{title} opened on Monday.", "A", "B")]}, title=title)
    b = dataclasses.replace(b, event_id=event_id)
    publish_brief(b, [article("001", ["x"], outlet="A")], {}, SharedLayout(shared, event_id, FILES), PUBLISH.keep_versions, key=event_id)


def test_the_index_lists_the_newest_news_first_not_the_latest_run(tmp_path):
    """A rerun of last week's event, published after tonight's, stays below it."""
    for event_id, day in (("tonight", dt.date(2026, 1, 9)), ("last_week", dt.date(2026, 1, 2))):
        b = dataclasses.replace(brief({"Talks": [brief_sentence(f"{event_id} news.", "A")]}, date=day), event_id=event_id)
        publish_brief(b, [article("001", ["x"], outlet="A")], {}, SharedLayout(tmp_path, event_id, FILES), PUBLISH.keep_versions, key=event_id)
    update_index(tmp_path, FILES)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-event="([^"]+)"', html) == ["tonight", "last_week"]
    # Labels a reader reads without decoding: the news day and the brief's time in words.
    assert "news of 9 Jan 2026 · brief of <time" in html
    assert re.search(r'brief of <time datetime="[^"]+">\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC</time>', html)


@pytest.fixture
def shared(tmp_path):
    publish_event(tmp_path, "older", "The older event")
    publish_event(tmp_path, "newer", "<script>alert(1)</script> newer")
    return tmp_path


def test_index_lists_events_newest_first_with_links(shared):
    update_index(shared, FILES)
    html = (shared / "index.html").read_text(encoding="utf-8")
    found = elements(html)
    assert [a["data-event"] for _, a in found if "data-event" in a] == ["newer", "older"]
    hrefs = [a["href"] for _, a in found if "href" in a]
    for event in ("newer", "older"):
        assert {f"{event}/brief.html", f"{event}/brief.md", f"{event}/brief.json"} <= set(hrefs)
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in [a for tag, a in found if tag == "meta"]
    assert not {tag for tag, _ in found} & {"script", "img"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt; newer" in html
    assert "The older event opened on Monday." in html
    assert "2 outlets" in html and "0 disagreements" in html


def test_index_shows_a_failed_run_after_the_last_brief(shared):
    write_status(shared, "older", 4, "cannot load the model <weights>")
    update_index(shared, FILES)
    html = (shared / "index.html").read_text(encoding="utf-8")
    assert "last run failed at" in html and "(exit 4); showing the brief of" in html
    assert "&lt;weights&gt;" in html

    write_status(shared, "older")  # a later success clears it
    update_index(shared, FILES)
    assert "last run failed" not in (shared / "index.html").read_text(encoding="utf-8")
    assert "last_success" in json.loads(status_path(shared, "older").read_text())


def test_feed_is_atom_with_one_entry_per_event(shared):
    update_index(shared, FILES, feed_id="tag:example.org,2026:briefs")
    root = ET.parse(shared / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == "tag:example.org,2026:briefs"
    for required in ("title", "updated", "author/" + ATOM + "name"):
        assert root.findtext(ATOM + required)
    assert [link.get("rel") for link in root.findall(f"{ATOM}link")] == ["alternate"]  # no base URL: no rel="self"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["<script>alert(1)</script> newer", "The older event"]
    for entry, event in zip(entries, ("newer", "older"), strict=True):
        assert entry.findtext(f"{ATOM}id") == f"tag:summarize,2026:{event}"  # the event's, whatever the version
        assert entry.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}published")  # its only brief
        assert entry.find(f"{ATOM}link").attrib == {"rel": "alternate", "type": "text/html", "href": f"{event}/brief.html"}
        assert entry.findtext(f"{ATOM}summary").endswith("opened on Monday.")
        assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Talks"]
    parsed = feedparser.parse((shared / "feed.xml").read_bytes())
    assert parsed.bozo == 0
    assert [e.id for e in parsed.entries] == ["tag:summarize,2026:newer", "tag:summarize,2026:older"]


def test_a_feed_entrys_content_gives_the_lede_outlets_and_disagreements_as_escaped_html(tmp_path):
    b = brief({"Talks": [brief_sentence("Lee met <b>Xi</b> on Monday.", "A & Co", "<script>x</script>")]}, title="Lee visits")
    b = dataclasses.replace(b, event_id="visit", disagreements=(
        Disagreement("date", "date", (("Monday", ("A & Co",)), ("Tuesday", ("<script>x</script>",))), ("x:1",), "They met."),
    ))
    publish_brief(b, [article("001", ["x"], outlet="A & Co")], {}, SharedLayout(tmp_path, "visit", FILES), 3, key="k")
    update_index(tmp_path, FILES)

    (entry,) = ET.parse(tmp_path / "feed.xml").getroot().findall(f"{ATOM}entry")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == (
        "<p>Lee met &lt;b&gt;Xi&lt;/b&gt; on Monday.</p>"
        "<p>Reported by &lt;script&gt;x&lt;/script&gt;, A &amp; Co (2 outlets, 2 independent sources).</p>"
        "<p>1 disagreement between sources, listed in the brief.</p>"
    )
    parsed = feedparser.parse((tmp_path / "feed.xml").read_bytes())
    assert parsed.bozo == 0 and "<script" not in parsed.entries[0].content[0].value


class Clock(dt.datetime):
    """datetime whose now() is `Clock.at`: the time publish_brief stamps a brief with."""

    at = dt.datetime(2026, 1, 5, 22, 0, tzinfo=dt.timezone.utc)

    @classmethod
    def now(cls, tz=None):
        return cls.at


def test_a_republished_event_keeps_its_feed_entry_and_updates_it(tmp_path, monkeypatch):
    """A feed reader shows each event once: the entry's id stays the same from one brief to the
    next, <updated> moves to the new brief, <published> stays the first brief's."""
    monkeypatch.setattr(publish_module, "dt", types.SimpleNamespace(datetime=Clock, timezone=dt.timezone))
    publish_event(tmp_path, "visit", "Lee visits China")
    after_run(tmp_path, "visit", PUBLISH)
    first = feedparser.parse((tmp_path / "feed.xml").read_bytes())
    monkeypatch.setattr(Clock, "at", Clock.at + dt.timedelta(days=1))  # the next night
    publish_event(tmp_path, "visit", "Lee visits China")
    after_run(tmp_path, "visit", PUBLISH)
    second = feedparser.parse((tmp_path / "feed.xml").read_bytes())

    assert first.bozo == second.bozo == 0
    (before,), (after,) = first.entries, second.entries
    assert before.id == after.id == "tag:summarize,2026:visit"
    assert after.updated_parsed > before.updated_parsed
    assert after.published == before.published == before.updated == "2026-01-05T22:00:00+00:00"
    assert after.updated == "2026-01-06T22:00:00+00:00"


def test_a_base_url_makes_the_feeds_links_absolute_and_names_the_feed(shared):
    update_index(shared, FILES)  # the events' summaries keep parts rendered without one
    update_index(shared, FILES, base_url="https://news.example.org/briefs")
    parsed = feedparser.parse((shared / "feed.xml").read_bytes())
    assert parsed.bozo == 0
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"alternate": "https://news.example.org/briefs/index.html", "self": "https://news.example.org/briefs/feed.xml"}
    assert [e.link for e in parsed.entries] == [
        "https://news.example.org/briefs/newer/brief.html", "https://news.example.org/briefs/older/brief.html"
    ]


@pytest.mark.parametrize(
    "url", ["news.example.org/briefs", "/briefs/", "ftp://news.example.org/", "javascript:alert(1)",
            "https://news.example.org/?page=1", "https://news.example.org/#top", "https://news.example.org/a b", 'https://x.org/"']
)
def test_a_base_url_must_be_an_absolute_http_url_to_append_to(url):
    with pytest.raises(UsageError, match="invalid setting publish.base_url"):
        compose_settings("+event=lee_beijing", f"publish.base_url='{url}'")
    with pytest.raises(UsageError, match="invalid setting publish.base_url"):
        dataclasses.replace(PUBLISH, base_url=url)
    assert PUBLISH.base_url is None
    assert compose_settings("+event=lee_beijing", "publish.base_url=https://news.example.org").publish.base_url


def test_default_feed_id_is_a_stable_tag_uri(shared):
    update_index(shared, FILES)
    first = ET.parse(shared / "feed.xml").getroot().findtext(f"{ATOM}id")
    update_index(shared, FILES)
    assert first == ET.parse(shared / "feed.xml").getroot().findtext(f"{ATOM}id") == f"tag:summarize,2026:{shared.name}"


def test_a_failure_to_update_the_index_is_only_a_warning(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the shared folder should be")
    after_run(blocker, "older", PUBLISH, 5, "disk full")
    assert "could not update the index" in caplog.text


def test_a_failed_run_is_recorded_and_shown(tmp_path, monkeypatch):
    publish_event(tmp_path, "lee_beijing", "Lee visits China")

    def fail(cfg):
        raise InputError("no articles left after cleaning")

    monkeypatch.setattr(runner, "read_event", fail)
    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}")
    with pytest.raises(InputError):
        runner.run_event(cfg, tmp_path / "run")
    status = json.loads(status_path(tmp_path, "lee_beijing").read_text())
    assert status["exit_code"] == 3 and status["message"] == "no articles left after cleaning"
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "(exit 3); showing the brief of" in html


def test_a_failure_shown_on_the_index_names_no_folder_of_the_machine(tmp_path, monkeypatch):
    publish_event(tmp_path, "lee_beijing", "Lee visits China")
    inputs = tmp_path / "srv" / "events" / "visit"

    def fail(cfg):
        raise InputError(f"{inputs / '003.txt'}: not UTF-8 (byte 0xe9 at offset 120)")

    monkeypatch.setattr(runner, "read_event", fail)
    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}")
    with pytest.raises(InputError):
        runner.run_event(cfg, tmp_path / "run")
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "003.txt: not UTF-8" in html and str(inputs) not in html


def published_run(tmp_path):
    """A run of lee_beijing whose stages are done (a small hand-made brief), and its first publish."""
    from summarize.types import EventWork

    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}")
    b = dataclasses.replace(brief({"Talks": [brief_sentence("Lee met Xi on Monday.", "A")]}), event_id="lee_beijing")
    work = EventWork(cfg.event, articles=(article("a", ["x"], outlet="A"),), brief=b, scores={"words": 5})
    run = runner.EventRun(cfg, SharedLayout(tmp_path, "lee_beijing", BriefFiles.of(cfg.publish)), "night-1", work, {})
    assert runner.publish_event(run, tmp_path / "run1")["status"] == "published"
    return run


def test_a_skipped_run_clears_a_shown_failure_and_otherwise_leaves_the_index_alone(tmp_path):
    run = published_run(tmp_path)
    cfg = run.settings
    index = tmp_path / "index.html"

    before = index.stat().st_mtime_ns
    assert runner.publish_event(run, tmp_path / "run2")["status"] == "skipped"
    assert index.stat().st_mtime_ns == before  # nothing readers see changed

    after_run(tmp_path, "lee_beijing", cfg.publish, 3, "no articles left after cleaning")
    assert "(exit 3)" in index.read_text(encoding="utf-8")
    assert runner.publish_event(run, tmp_path / "run3")["status"] == "skipped"
    assert "(exit 3)" not in index.read_text(encoding="utf-8")
    assert "last_failure" not in json.loads(status_path(tmp_path, "lee_beijing").read_text())


def test_a_skipped_run_brings_the_pages_up_to_a_brief_published_without_its_rewrite(tmp_path):
    """A run stopped (SIGTERM) after publishing but before the index's rewrite leaves the pages a
    version behind; the next run of the event, though it skips, shows the brief readers have."""
    run = published_run(tmp_path)
    later = dataclasses.replace(run.work.brief, sections=(
        dataclasses.replace(run.work.brief.sections[0], sentences=(brief_sentence("Lee and Xi signed 15 deals.", "A"),)),
    ), lede=None)
    publish_brief(later, run.work.articles, {}, run.layout, run.settings.publish.keep_versions, key=run.key)
    assert "Lee and Xi signed 15 deals." not in (tmp_path / "index.html").read_text(encoding="utf-8")

    assert runner.publish_event(run, tmp_path / "run2")["status"] == "skipped"
    assert "Lee and Xi signed 15 deals." in (tmp_path / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["index-deleted", "index-truncated", "feed-garbage", "feed-deleted"])
def test_a_skipped_run_repairs_a_missing_or_damaged_index_and_feed(tmp_path, how):
    """index.html and feed.xml are readers' pages too: a run that skips (nothing changed in the
    brief) still rewrites them when they are not what the last rewrite left."""
    run = published_run(tmp_path)
    index, feed = tmp_path / "index.html", tmp_path / "feed.xml"
    if how == "index-deleted":
        index.unlink()
    elif how == "index-truncated":
        index.write_bytes(b"")
    elif how == "feed-garbage":
        feed.write_bytes(b"\x00garbage <feed")
    else:
        feed.unlink()

    assert runner.publish_event(run, tmp_path / "run2")["status"] == "skipped"
    assert 'data-event="lee_beijing"' in index.read_text(encoding="utf-8")
    (entry,) = ET.parse(feed).getroot().findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == "tag:summarize,2026:lee_beijing"
    # Repaired, the pages are left alone by the next skip.
    before = index.stat().st_mtime_ns, feed.stat().st_mtime_ns
    assert runner.publish_event(run, tmp_path / "run3")["status"] == "skipped"
    assert (index.stat().st_mtime_ns, feed.stat().st_mtime_ns) == before


def damage_event(shared, event_id: str, how: str) -> None:
    """Break one published event's brief.json or status file the ways a tool or a hand might."""
    path = shared / event_id / "brief.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    if how == "event-a-string":
        document["event"] = event_id
    elif how == "time-without-timezone":
        document["generated_at"] = "2026-01-05T10:00:00"
    elif how == "sentence-not-text":
        document["sections"][0]["sentences"][0]["shown"] = {"text": "x"}
    elif how == "status-time-without-timezone":
        status_path(shared, event_id).write_text(json.dumps({"last_failure": "2099-01-05T10:00:00", "exit_code": 3, "message": "x"}))
    elif how == "status-not-json":
        status_path(shared, event_id).write_text("{not json")
    if how == "not-an-object":
        path.write_text("[1, 2]\n")
    elif how == "not-json":
        path.write_text("{\"event\": ")
    else:
        path.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize(
    "how",
    ["event-a-string", "time-without-timezone", "sentence-not-text", "status-time-without-timezone", "status-not-json",
     "not-an-object", "not-json"],
)
def test_one_damaged_event_costs_only_its_own_entry_with_a_warning(shared, how, caplog):
    """A brief.json or status file that does not read as this project writes them leaves out its
    own event, with one warning line naming it; every other event, a new one included, is listed."""
    write_status(shared, "older")  # every event that published has a status
    damage_event(shared, "older", how)
    publish_event(shared, "fresh", "A fresh event")

    warnings = after_run(shared, "fresh", PUBLISH)
    html = (shared / "index.html").read_text(encoding="utf-8")
    assert [a["data-event"] for _, a in elements(html) if "data-event" in a] == ["fresh", "newer"]
    entries = ET.parse(shared / "feed.xml").getroot().findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["A fresh event", "<script>alert(1)</script> newer"]
    (warning,) = warnings
    assert warning.startswith("the index leaves out older: ") and "\n" not in warning
    assert warning in caplog.text


def test_an_event_that_never_published_is_not_on_the_index(shared):
    """A run of a mistyped event id fails (its inputs are not there) and records its failure; the
    public index shows only events that have published, and so no internal path of that failure."""
    write_status(shared, "lee_bejing", 3, "event.inputs: no folder /srv/events/lee_bejing")
    write_status(shared, "older", 4, "cannot load the model")
    update_index(shared, FILES)

    html = (shared / "index.html").read_text(encoding="utf-8")
    assert [a["data-event"] for _, a in elements(html) if "data-event" in a] == ["newer", "older"]
    assert "lee_bejing" not in html and "/srv/events" not in html and "no brief published yet" not in html
    assert "(exit 4); showing the brief of" in html  # a failure of an event that has published is shown
    assert "lee_bejing" not in (shared / "feed.xml").read_text(encoding="utf-8")


def test_the_feed_parses_whatever_characters_a_brief_or_a_status_holds(shared):
    """A brief.json published before its text was cleaned (or edited since) and a failure message
    holding a noncharacter: index.html and feed.xml leave out what XML forbids and what redraws
    a terminal or reorders text, so the feed still parses for every event."""
    path = shared / "older" / "brief.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["event"]["title"] = "Old\x1b[2J \u202eevent\ufffe"
    document["sections"][0]["sentences"][0]["shown"] = "It opened\ufffe\uffff on Monday\x07."
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    write_status(shared, "older", 3, "a file \ufffe\u202e")
    update_index(shared, FILES)

    for name in ("index.html", "feed.xml"):
        text = (shared / name).read_text(encoding="utf-8")
        assert not {"\x1b", "\x07", "\u202e", "\ufffe", "\uffff"} & set(text), name
    titles = [e.findtext(f"{ATOM}title") for e in ET.parse(shared / "feed.xml").getroot().findall(f"{ATOM}entry")]
    assert "Old[2J event" in titles
    assert "It opened on Monday." in (shared / "index.html").read_text(encoding="utf-8")


def test_the_index_and_the_feed_open_each_entry_with_the_briefs_lede(tmp_path):
    lede = brief_sentence("Leaders met in Beijing on Monday.", "A", "B", "C")
    b = brief({"Talks": [lede, brief_sentence("They signed trade deals.", "A")]}, title="Summit")
    b = dataclasses.replace(b, lede=lede)
    publish_brief(b, [article("001", ["x"], outlet="A")], {}, SharedLayout(tmp_path, b.event_id, FILES), PUBLISH.keep_versions, key="k")
    doc = json.loads((tmp_path / b.event_id / FILES.json).read_text(encoding="utf-8"))
    assert doc["lede"]["shown"] == lede.text and doc["lede"]["outlets"] == ["A", "B", "C"]

    update_index(tmp_path, FILES)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f"<p>{lede.text}</p>" in html and "They signed trade deals." not in html
    summary = ET.parse(tmp_path / "feed.xml").getroot().find(f"{ATOM}entry/{ATOM}summary").text
    assert summary.startswith(lede.text) and summary.count(lede.text) == 1


# -- An index that scales: each event's summary, not every brief, on every publish -------------


def test_a_publish_reads_only_its_own_events_brief_json(tmp_path, monkeypatch):
    """Rewriting index.html and feed.xml after a publish reads the published event's brief.json and
    the other events' small summaries, not their briefs: a night of n events costs n brief reads,
    not n * n (bench/index_scaling.py measures it)."""
    for name in ("a", "b", "c"):
        publish_event(tmp_path, name, f"Event {name}")
        after_run(tmp_path, name, PUBLISH)
    briefs, summaries = [], []
    json_object, read_summary = index.json_object, index.read_summary
    monkeypatch.setattr(index, "json_object", lambda path: briefs.append(path.relative_to(tmp_path).as_posix()) or json_object(path))
    monkeypatch.setattr(index, "read_summary", lambda shared, event: summaries.append(event) or read_summary(shared, event))

    publish_event(tmp_path, "b", "Event b, updated")
    assert after_run(tmp_path, "b", PUBLISH) == []

    assert [p for p in briefs if p.endswith("brief.json")] == ["b/current/brief.json"]
    # Only b's summary, which keeps when b's first brief was published: the others' parts are
    # the last rewrite's (pages.state.json), their versions and statuses unchanged.
    assert summaries == ["b"]
    titles = [e.findtext(f"{ATOM}title") for e in ET.parse(tmp_path / "feed.xml").getroot().findall(f"{ATOM}entry")]
    assert titles == ["Event b, updated", "Event c", "Event a"]


def damage_summary(shared, event_id: str, how: str) -> None:
    """Break the event's summary; the last rewrite's record of the pages goes too (a rewrite cut
    short), so that the next rewrite reads the summary."""
    (shared / index.PAGES_STATE).unlink()
    path = index.summary_path(shared, event_id)
    record = json.loads(path.read_text(encoding="utf-8"))
    if how == "not-json":
        path.write_text("{\"event_id\": ")
        return
    if how == "a-list":
        record = [record]
    elif how == "title-a-number":
        record["title"] = 7
    elif how == "version-a-number":
        record["version"] = 7
    elif how == "time-without-timezone":
        record["generated_at"] = "2026-01-05T10:00:00"
    elif how == "another-events":
        record["event_id"] = "newer"
    elif how == "no-status-stamp":
        del record["status_stamp"]
    elif how == "a-part-not-text":
        record["parts"]["index"] = 5
    path.write_text(json.dumps(record), encoding="utf-8")


SUMMARY_DAMAGE = [
    "not-json", "a-list", "version-a-number", "time-without-timezone", "another-events", "no-status-stamp", "a-part-not-text"
]


@pytest.mark.parametrize("how", SUMMARY_DAMAGE)
def test_a_damaged_summary_is_rebuilt_from_its_events_files(shared, how, caplog):
    after_run(shared, "older", PUBLISH)  # every event's summary is written
    damage_summary(shared, "older", how)

    assert after_run(shared, "newer", PUBLISH) == []
    html = (shared / "index.html").read_text(encoding="utf-8")
    assert [a["data-event"] for _, a in elements(html) if "data-event" in a] == ["newer", "older"]
    assert "rebuilding the summary of older" in caplog.text
    assert json.loads(index.summary_path(shared, "older").read_text(encoding="utf-8"))["title"] == "The older event"


def test_a_summarys_entry_is_read_whole_when_its_parts_are_rendered_again(shared, caplog):
    """A rewrite reads of each summary what orders the pages and the parts they show; a field
    only the parts' rendering reads (the title) is checked when they are rendered again."""
    after_run(shared, "older", PUBLISH)
    damage_summary(shared, "older", "title-a-number")
    update_index(shared, FILES, base_url="https://news.example.org/")  # new parts for every event

    assert "rebuilding the summary of older" in caplog.text
    titles = {e.title: e.link for e in feedparser.parse((shared / "feed.xml").read_bytes()).entries}
    assert titles["The older event"] == "https://news.example.org/older/brief.html"


@pytest.mark.parametrize("how", SUMMARY_DAMAGE)
def test_a_damaged_summary_of_a_damaged_brief_costs_only_its_own_entry_with_a_warning(shared, how, caplog):
    after_run(shared, "older", PUBLISH)
    damage_summary(shared, "older", how)
    damage_event(shared, "older", "not-json")
    publish_event(shared, "fresh", "A fresh event")

    (warning,) = after_run(shared, "fresh", PUBLISH)
    html = (shared / "index.html").read_text(encoding="utf-8")
    assert [a["data-event"] for _, a in elements(html) if "data-event" in a] == ["fresh", "newer"]
    assert warning.startswith("the index leaves out older: ") and warning in caplog.text


def test_a_brief_published_without_its_index_update_is_listed_by_the_next_one(tmp_path, monkeypatch):
    """A run killed between its publish and the index update leaves its event's summary a version
    behind (or a status behind): the next rewrite, by any event's run, rebuilds that summary."""
    monkeypatch.setattr(publish_module, "dt", types.SimpleNamespace(datetime=Clock, timezone=dt.timezone))
    publish_event(tmp_path, "a", "Event a")
    after_run(tmp_path, "a", PUBLISH)
    monkeypatch.setattr(Clock, "at", Clock.at + dt.timedelta(days=1))
    publish_event(tmp_path, "a", "Event a, the next night")  # killed before its after_run
    write_status(tmp_path, "a", 4, "killed")
    publish_event(tmp_path, "b", "Event b")
    after_run(tmp_path, "b", PUBLISH)

    entry = next(e for e in feedparser.parse((tmp_path / "feed.xml").read_bytes()).entries if e.id.endswith(":a"))
    assert entry.title == "Event a, the next night" and entry.updated == "2026-01-06T22:00:00+00:00"
    assert "(exit 4); showing the brief of" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_a_failing_ray_step_shows_on_the_index_beside_the_published_brief(tmp_path):
    """A failure under executor=ray is recorded as a local run's is (runner.record_failure): its
    status, its event's summary, and the index and feed that show it. The step runs here in this
    process, as a Ray worker runs it."""
    import pickle

    from summarize.runtime.executor import _row, read_step

    publish_event(tmp_path, "lee_beijing", "Lee visits China")
    after_run(tmp_path, "lee_beijing", PUBLISH)
    cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={tmp_path}", f"event.inputs={tmp_path / 'missing'}")

    row = read_step(_row("lee_beijing", str(tmp_path / "run"), "new", payload=pickle.dumps(cfg)))

    assert (row["status"], row["code"]) == ("failed", 3)
    assert json.loads(index.summary_path(tmp_path, "lee_beijing").read_text())["failure"]["exit_code"] == 3
    assert "(exit 3); showing the brief of" in (tmp_path / "index.html").read_text(encoding="utf-8")
    (entry,) = feedparser.parse((tmp_path / "feed.xml").read_bytes()).entries
    assert "The last run failed at" in entry.content[0].value


@pytest.mark.parametrize("damage", ["missing", "not-json", "not-a-list", "a-part-not-text"])
def test_the_last_rewrites_record_is_only_a_shortcut(shared, damage, caplog):
    """pages.state.json spares a rewrite the summaries of events that did not change; without it,
    or damaged, every summary is read and the pages are the same."""
    after_run(shared, "older", PUBLISH)
    expected = (shared / "index.html").read_text(encoding="utf-8").split("updated <time")[0]
    state = shared / index.PAGES_STATE
    if damage == "missing":
        state.unlink()
    elif damage == "not-json":
        state.write_text("[{")
    elif damage == "not-a-list":
        state.write_text("{}")
    else:
        records = json.loads(state.read_text())
        records[0]["parts"]["feed"] = None
        state.write_text(json.dumps(records))

    assert update_index(shared, FILES) == []
    assert (shared / "index.html").read_text(encoding="utf-8").split("updated <time")[0] == expected
    assert len(json.loads(state.read_text())) == 2
    assert (damage == "missing") != ("reading every event's summary" in caplog.text)
