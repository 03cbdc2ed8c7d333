"""What changed since the event's previous brief, as readers and programs see it (issue 25): the
"Since ..." section of brief.md and brief.html, the marks on new and changed sentences, brief.json's
"since" against the schema, and the change line of the index and the feed. The briefs are made by
hand, their `changes` as the changes stage would give them: no model, no previous run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import types
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from contract import schema_errors
from factories import article, brief, sentence
from markdown_it import MarkdownIt

from summarize.config import compose_settings
from summarize.runtime import index
from summarize.runtime import publish as publish_module
from summarize.runtime.index import after_run, update_index
from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.publish import publish_brief
from summarize.types import BriefSentence, CarriedFact, CarriedValue, Changes, Disagreement, ValueChange

PUBLISH = compose_settings("+event=lee_beijing").publish
FILES = BriefFiles.of(PUBLISH)
ATOM = "{http://www.w3.org/2005/Atom}"

PREVIOUS_AT = "2026-12-02T16:17:09+00:00"
PREVIOUS_SHOWN = "2 Dec 2026, 16:17 UTC"  # as the pages word PREVIOUS_AT
LEDE = "A fire in the port of Antwerp injured 19 people on Tuesday night."
CAUSE = "Investigators said the fire started in a storage area for lithium batteries."
TRAFFIC = "Traffic on the ring road was diverted for six hours."
GONE = "The bridge to the port was closed to traffic."
SUMMARY = "1 new fact, 1 value changed, 1 fact newly reported by another outlet, 1 fact no longer reported, 1 new disagreement"


def fact_sentence(text: str, outlets: str, position: int, change: str | None = None) -> BriefSentence:
    """A brief sentence backed by one sentence per outlet, each outlet its own article: its fact is
    named by the first one's id (`fact_id`), unlike another fact's."""
    return BriefSentence(text, tuple(sentence(text, outlet=o, article_id=o, position=position) for o in outlets), change=change)


def night_brief(changes: str = "some"):
    """Tonight's brief of the fire. `changes`: "some" (the lede's count changed from 14 to 19, the
    cause is new, C newly reports the traffic, the bridge is no longer reported, and the count is
    newly disputed), "none" (a previous brief, and nothing changed since) or "first" (the event's
    first brief)."""
    marked = changes == "some"
    lede = fact_sentence(LEDE, "ABC", 0, "changed" if marked else None)
    cause = fact_sentence(CAUSE, "BC", 1, "new" if marked else None)
    traffic = fact_sentence(TRAFFIC, "AC", 2)
    b = brief({"The fire": [lede, cause], "Traffic": [traffic]}, title="Antwerp port fire")
    dispute = Disagreement("count", "injured", (("19 people", ("A", "C")), ("17 people", ("B",))),
                           tuple(s.id for s in lede.backing), LEDE, (("19",), ("17",)))
    nineteen = CarriedValue("count", "injured", "19", "19 people")
    carried = tuple(
        CarriedFact(s.text, s.outlets, (f"{n:016x}",), (nineteen,) if s is lede else (), True) for n, s in enumerate(b.sentences)
    )
    b = dataclasses.replace(b, lede=lede, disagreements=(dispute,), carried=carried)
    if changes == "first":
        return b
    found = Changes(since=PREVIOUS_AT, previous_version="2026-12-02T161709.123456Z")
    if marked:
        found = dataclasses.replace(
            found,
            new=frozenset({cause.fact_id}),
            changed={lede.fact_id: (ValueChange(LEDE, "count", "injured", CarriedValue("count", "injured", "14", "14 people"), nineteen),)},
            new_outlets={traffic.fact_id: ("C",)},
            gone=(CarriedFact(GONE, ("A", "B"), ("ffffffffffffffff",), (), True),),
            new_disagreements=(dispute,),
        )
    return dataclasses.replace(b, changes=found)


def publish(shared: Path, b) -> dict[str, str]:
    sources = [article(o, [LEDE], outlet=o) for o in "ABC"]
    return publish_brief(b, sources, {}, SharedLayout(shared, b.event_id, FILES), PUBLISH.keep_versions, key="k")


def published(shared: Path, changes: str) -> tuple[str, str, dict]:
    """brief.html, brief.md and brief.json's document of `night_brief(changes)`, published into `shared`."""
    paths = publish(shared, night_brief(changes))
    read = {name: Path(paths[name]).read_text(encoding="utf-8") for name in ("html", "markdown", "json")}
    return read["html"], read["markdown"], json.loads(read["json"])


@pytest.fixture
def pages(tmp_path) -> dict[str, tuple[str, str, dict]]:
    """Each kind of night's pages, by `night_brief`'s `changes`."""
    return {changes: published(tmp_path / changes, changes) for changes in ("some", "none", "first")}


def part(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


# -- brief.md and brief.html: the "Since ..." section ------------------------------------------


def test_markdown_opens_with_what_changed_after_the_lede(pages):
    _, markdown, _ = pages["some"]
    lines = markdown.splitlines()
    since = lines.index(f"## Since {PREVIOUS_SHOWN}")
    assert lines[since - 2].startswith(f"**Changed:** **{LEDE}**")  # after the lede ...
    assert since < lines.index("## The fire")  # ... before the sections
    assert lines[since + 1:since + 10] == [
        "",
        f"{SUMMARY}.",
        "",
        f'- New: "{CAUSE}"',
        f'- Number (injured): 14 people → 19 people in "{LEDE}"',  # both values, as written
        f'- Now also reported by C: "{TRAFFIC}"',
        f'- No longer reported: "{GONE}" (reported before by A; B)',
        f'- New disagreement: Number (injured) in "{LEDE}", see below',
        "",
    ]
    # CommonMark reads it as a heading, a paragraph and a list.
    html = MarkdownIt("commonmark").render(markdown)
    assert f"<h2>Since {PREVIOUS_SHOWN}</h2>\n<p>{SUMMARY}.</p>\n<ul>\n<li>New: " in html


def test_the_page_opens_with_what_changed_after_the_lede_linking_to_each_sentence_and_dispute(pages):
    html, _, doc = pages["some"]
    main = html[html.index("<main>"):]
    since = part(main, '<section id="since">', "</section>")
    assert main.index('<p class="lede"') < main.index(since) < main.index("<h2>The fire</h2>")
    assert f'<h2>Since <time datetime="{PREVIOUS_AT}">{PREVIOUS_SHOWN}</time></h2>' in since
    assert f'<p class="summary">{SUMMARY}.</p>' in since
    items = [" ".join(item.split()) for item in re.findall(r"<li>(.*?)</li>", since, re.S)]
    assert items == [
        f'New: <a href="#sentence-2">“{CAUSE}”</a>',
        # The arrow is said in words to a screen reader.
        'Number (injured): 14 people <span aria-hidden="true">→</span><span class="visually-hidden">changed to</span> 19 people'
        f' in <a href="#sentence-1">“{LEDE}”</a>',
        f'Now also reported by C: <a href="#sentence-3">“{TRAFFIC}”</a>',
        f'No longer reported: “{GONE}” <span class="source">(reported before by A; B)</span>',
        f'New disagreement: <a href="#dispute-1">Number (injured) in “{LEDE}”</a>',
    ]
    assert doc["since"]["summary"] == SUMMARY


def test_a_long_fact_is_shortened_in_the_since_section_and_stays_whole_in_the_brief(tmp_path):
    long_fact = "Investigators said the fire started in a storage area for lithium batteries " + "and spread quickly " * 6 + "."
    b = night_brief("some")
    cause = dataclasses.replace(b.sections[0].sentences[1], text=long_fact)
    b = dataclasses.replace(b, sections=(dataclasses.replace(b.sections[0], sentences=(b.lede, cause)), b.sections[1]))
    paths = publish(tmp_path, b)
    html, markdown = (Path(paths[name]).read_text(encoding="utf-8") for name in ("html", "markdown"))
    for page, since, ending in (
        (html, part(html, '<section id="since">', "</section>"), '...”</a></li>'), (markdown, part(markdown, "## Since", "## The fire"), '..."'),
    ):
        (item,) = [line for line in since.splitlines() if "storage area" in line]
        assert long_fact not in item and long_fact[:60] in item and item.endswith(ending)
        assert long_fact in page.replace(since, "")


def test_only_a_brief_with_changes_since_the_previous_one_says_so(pages):
    """The first brief of an event has nothing to compare with, and a night that changed nothing
    says nothing: neither has a "Since" section or a mark; brief.json still says which it was."""
    for changes, (html, markdown, doc) in pages.items():
        said = changes == "some"
        assert ('<section id="since">' in html) is said and (f"## Since {PREVIOUS_SHOWN}" in markdown) is said, changes
        assert ('class="change' in html) is said and ("**New:**" in markdown) is said, changes
    assert pages["first"][2]["since"] is None
    assert pages["none"][2]["since"]["summary"] == "no change"
    assert all(s["change"] is None for section in pages["none"][2]["sections"] for s in section["sentences"])


# -- The marks on new and changed sentences ----------------------------------------------------


def test_new_and_changed_sentences_are_marked_in_markdown(pages):
    _, markdown, doc = pages["some"]
    assert f"\n**Changed:** **{LEDE}** *[A; also reported by B; C: " in markdown
    assert f"\n- **New:** {CAUSE} *[B; also reported by C: " in markdown
    assert f"\n- {TRAFFIC} *[" in markdown  # reported before, as it is: no mark
    assert [s["change"] for section in doc["sections"] for s in section["sentences"]] == ["changed", "new", None]
    html = MarkdownIt("commonmark").render(markdown)
    assert f"<li><strong>New:</strong> {CAUSE} <em>" in html


def test_new_and_changed_sentences_carry_a_badge_said_in_words_in_the_page_and_its_table(pages):
    html, _, _ = pages["some"]
    badge = '<span class="change {0}">{0}<span class="visually-hidden"> since the previous brief:</span></span> '
    lede = part(html, '<p class="lede"', "</p>")
    assert lede.startswith(f'<p class="lede" id="sentence-1">{badge.format("changed")}{LEDE} <span class="source">')
    assert f'<li id="sentence-2">{badge.format("new")}{CAUSE} <span class="source">' in html
    assert f'<li id="sentence-3">{TRAFFIC} <span class="source">' in html
    table = part(html, "<tbody>", "</tbody>")
    assert f'<span>{badge.format("changed")}{LEDE}</span>' in table and f'<span>{badge.format("new")}{CAUSE}</span>' in table
    assert f"<span>{TRAFFIC}</span>" in table
    # Styled, on paper too, where the colours go.
    style = part(html, "<style>", "</style>")
    assert ".change.new {" in style and ".change.changed {" in style
    assert ".change {" in style[style.index("@media print"):]


class Tags(HTMLParser):
    """Every element's tag and attributes, and every problem of nesting: a closing tag that closes
    no open element, an element left open."""

    VOID = {"meta", "br", "img", "link", "input", "hr", "col", "wbr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


def test_the_page_with_changes_stays_well_formed_and_links_only_within_itself(pages):
    html, _, _ = pages["some"]
    assert '<section id="since">' in html
    tags = Tags()
    tags.feed(html)
    assert tags.problems == [] and tags.open == []
    ids = [a["id"] for _, a in tags.elements if "id" in a]
    assert len(ids) == len(set(ids))
    hrefs = {a["href"] for tag, a in tags.elements if tag == "a"}
    assert {h[1:] for h in hrefs if h.startswith("#")} <= set(ids)
    assert {h for h in hrefs if not h.startswith("#")} == {"brief.md", "brief.json"}
    assert "<script" not in html


def test_text_in_the_since_section_is_escaped(tmp_path):
    hostile = "Officials posted <script>alert(1)</script> and [x](http://evil) *now*."
    b = night_brief("some")
    changes = dataclasses.replace(b.changes, gone=(CarriedFact(hostile, ("<b>Outlet</b>",), ("ffffffffffffffff",)),))
    paths = publish(tmp_path, dataclasses.replace(b, changes=changes))
    html, markdown = (Path(paths[name]).read_text(encoding="utf-8") for name in ("html", "markdown"))
    assert "“Officials posted &lt;script&gt;alert(1)&lt;/script&gt; and [x](http://evil) *now*.”" in html
    assert "(reported before by &lt;b&gt;Outlet&lt;/b&gt;)" in html and "<script>" not in html
    assert '"Officials posted \\<script\\>alert(1)\\</script\\> and \\[x\\](http://evil) \\*now\\*."' in markdown
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<script" not in rendered and "href=" not in rendered and "<b>" not in rendered


def test_a_browser_shows_the_since_section_between_the_lede_and_the_sections(pages, tmp_path):
    """In Chromium, at a desktop's width and a phone's: the section is on screen, after the lede
    and before the first bullet."""
    from browser import layouts

    page = tmp_path / "brief.html"
    page.write_text(pages["some"][0], encoding="utf-8")
    for width, seen in layouts(page, (1280, 390)).items():
        since = seen["since"]
        assert since["visible"] and since["height"] > 0, width
        assert seen["lede"]["bottom"] <= since["top"] and since["bottom"] <= seen["first_bullet_top"], width
        assert since["text"].startswith(f"Since {PREVIOUS_SHOWN}\n") and "Number (injured): 14 people →" in since["text"]
    page.write_text(pages["none"][0], encoding="utf-8")
    assert all(seen["since"] is None for seen in layouts(page, (1280,)).values())


# -- brief.json against the shipped schema -----------------------------------------------------


def test_brief_json_follows_the_schema_with_since_filled_null_or_no_change(pages):
    """brief.json 1.1's "since" is null or what changed, and a brief of 1.0 (no "since", "facts"
    or "change") still follows the schema."""
    for changes, (_, _, doc) in pages.items():
        assert doc["schema_version"] == "1.1"
        assert schema_errors("brief", doc) == [], changes
        assert any(e.startswith("since:") for e in schema_errors("brief", doc | {"since": SUMMARY})), changes  # an object or null
    assert pages["some"][2]["facts"][0] == {
        "wording": LEDE, "outlets": ["A", "B", "C"], "fingerprints": ["0000000000000000"],
        "values": [{"kind": "count", "subject": "injured", "value": "19", "written": "19 people", "predicate": ""}], "shown": True,
    }
    older = json.loads(json.dumps(pages["first"][2]))
    older["schema_version"] = "1.0"
    del older["since"], older["facts"], older["lede"]["change"]
    for section in older["sections"]:
        for s in section["sentences"]:
            del s["change"]
    assert schema_errors("brief", older) == []


@pytest.mark.parametrize(
    "damage, where",
    [
        (lambda doc: doc["sections"][0]["sentences"][0].update(change="newer"), "sections/0/sentences/0/change"),
        (lambda doc: doc["since"].pop("changed_values"), "since"),
        (lambda doc: doc["since"]["changed_values"][0]["before"].pop("written"), "since/changed_values/0/before"),
        (lambda doc: doc["since"]["changed_values"][0]["after"].update(normalised={"number": "19"}), "since/changed_values/0/after/normalised"),
        (lambda doc: doc["since"]["new_disagreements"].append("1"), "since/new_disagreements/1"),
        (lambda doc: doc["since"]["new_facts"][0].update(brief_sentence=None), "since/new_facts/0/brief_sentence"),
        (lambda doc: doc.update(since="1 new fact"), "since"),
        (lambda doc: doc["facts"][0].update(fingerprints=["Antwerp"]), "facts/0/fingerprints/0"),
    ],
    ids=["change", "since-field", "before-written", "normalised", "disagreement-index", "new-fact-unshown", "since-text", "fingerprint"],
)
def test_the_schema_describes_since_facts_and_each_sentences_change(pages, damage, where):
    doc = json.loads(json.dumps(pages["some"][2]))
    damage(doc)
    assert any(error.startswith(f"{where}:") for error in schema_errors("brief", doc)), schema_errors("brief", doc)


# -- The index and the feed: the change line ---------------------------------------------------


class Clock(dt.datetime):
    """datetime whose now() is `Clock.at`: the time publish_brief stamps a brief with."""

    at = dt.datetime(2026, 12, 2, 16, 17, 9, tzinfo=dt.timezone.utc)

    @classmethod
    def now(cls, tz=None):
        return cls.at


@pytest.fixture
def nights(tmp_path, monkeypatch):
    """nights("first", "some", ...): publish `night_brief` of each kind, one a night at 16:17:09,
    the first on 2 Dec 2026 (PREVIOUS_AT), each followed by its run's rewrite of the index and
    feed; returns the shared folder."""
    monkeypatch.setattr(publish_module, "dt", types.SimpleNamespace(datetime=Clock, timezone=dt.timezone))

    def run(*kinds: str) -> Path:
        for kind in kinds:
            publish(tmp_path, night_brief(kind))
            assert after_run(tmp_path, "test_event", PUBLISH) == []
            monkeypatch.setattr(Clock, "at", Clock.at + dt.timedelta(days=1))
        return tmp_path

    return run


CHANGE_LINE = f'<p class="meta changes">Since <time datetime="{PREVIOUS_AT}">{PREVIOUS_SHOWN}</time>: {SUMMARY}</p>'


def feed_content(shared: Path) -> str:
    (entry,) = feedparser.parse((shared / "feed.xml").read_bytes()).entries
    return entry.content[0].value


def test_the_index_and_the_feed_say_what_changed_since_the_previous_brief(nights):
    shared = nights("first")
    assert "Since" not in (shared / "index.html").read_text(encoding="utf-8") and "Since" not in feed_content(shared)

    nights("some")  # the next night: the pages' last rewrite (pages.state.json) still shows the first
    html = (shared / "index.html").read_text(encoding="utf-8")
    assert CHANGE_LINE in html and html.index(CHANGE_LINE) < html.index(f"<p>{LEDE}</p>")
    assert feed_content(shared) == (
        f"<p>{LEDE}</p><p>Since {PREVIOUS_SHOWN}: {SUMMARY}.</p>"
        "<p>Reported by A, B, C (3 outlets, 3 independent sources).</p><p>1 disagreement between sources, listed in the brief.</p>"
    )
    (entry,) = ET.parse(shared / "feed.xml").getroot().findall(f"{ATOM}entry")
    assert f"Since {PREVIOUS_SHOWN}: {SUMMARY}." in entry.findtext(f"{ATOM}content")

    nights("none")  # a night that changed nothing: the line goes with the brief it was about
    assert "Since" not in (shared / "index.html").read_text(encoding="utf-8") and "Since" not in feed_content(shared)


def test_a_summary_written_before_since_is_read_as_it_is(nights, caplog):
    """An event's summary written by a release before the change line has no "since": it is of a
    brief before brief.json 1.1, so it says nothing of changes, and is kept, not rebuilt (which
    would lose when the event first published); the event's next brief brings the line."""
    shared = nights("first")
    path = index.summary_path(shared, "test_event")
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["since"]
    path.write_text(json.dumps(record), encoding="utf-8")
    (shared / index.PAGES_STATE).unlink()  # every summary is read

    update_index(shared, FILES, base_url="https://news.example.org/")  # the parts are rendered again, from the entry
    assert "rebuilding the summary" not in caplog.text
    (entry,) = feedparser.parse((shared / "feed.xml").read_bytes()).entries
    assert entry.published == "2026-12-02T16:17:09+00:00" and "Since" not in entry.content[0].value

    nights("some")
    assert CHANGE_LINE in (shared / "index.html").read_text(encoding="utf-8")
    (entry,) = feedparser.parse((shared / "feed.xml").read_bytes()).entries
    assert entry.published == "2026-12-02T16:17:09+00:00"


@pytest.mark.parametrize("since", ["1 new fact", {"summary": 1, "previous": PREVIOUS_AT}, {"summary": SUMMARY, "previous": "2026-12-02T16:17:09"}])
def test_a_summary_with_a_damaged_since_is_rebuilt_from_the_briefs(nights, caplog, since):
    shared = nights("first", "some")
    path = index.summary_path(shared, "test_event")
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["since"] == {"summary": SUMMARY, "previous": PREVIOUS_AT}
    record["since"] = since
    path.write_text(json.dumps(record), encoding="utf-8")
    (shared / index.PAGES_STATE).unlink()

    update_index(shared, FILES, base_url="https://news.example.org/")
    assert "rebuilding the summary of test_event" in caplog.text
    assert CHANGE_LINE in (shared / "index.html").read_text(encoding="utf-8")


def test_a_damaged_since_in_brief_json_leaves_out_only_its_event(nights):
    shared = nights("some")
    path = shared / "test_event" / "brief.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["since"]["previous_generated_at"] = "yesterday"
    path.write_text(json.dumps(document), encoding="utf-8")
    (shared / index.PAGES_STATE).unlink()
    index.summary_path(shared, "test_event").unlink()

    (warning,) = update_index(shared, FILES)
    assert warning.startswith("the index leaves out test_event: ")


def test_one_figure_changed_in_several_facts_is_one_changed_value():
    """One edit (14 -> 19) that two facts give ("14 people", "at least 14 people") is listed once,
    with the brief sentence that shows it; the summary counts it once."""
    from summarize.runtime.render import since_record

    b = night_brief("some")
    (lede_change,) = b.changes.changed[b.lede.fact_id]
    at_least = dataclasses.replace(lede_change.before, value=">14", written="at least 14 people")
    also = dataclasses.replace(lede_change, fact="At least fourteen were hurt, officials said.", before=at_least)
    b = dataclasses.replace(b, changes=dataclasses.replace(b.changes, changed=b.changes.changed | {"elsewhere:0": (also,)}))

    since = since_record(b)

    assert [(c["before"]["value"], c["after"]["value"], c["brief_sentence"]) for c in since["changed_values"]] == [("14", "19", 0)]
    assert "1 value changed" in since["summary"]


def test_outlets_newly_reporting_several_facts_take_one_line():
    from summarize.runtime.render import render_markdown

    b = night_brief("some")
    (traffic,) = b.changes.new_outlets
    b = dataclasses.replace(b, changes=dataclasses.replace(b.changes, new_outlets={traffic: ("C",), b.lede.fact_id: ("C",)}))

    markdown = render_markdown(b, [], "2026-12-03T06:00:00+00:00")

    (line,) = [line for line in markdown.splitlines() if line.startswith("- Now also reported by")]
    assert line.startswith("- Now also reported by C: ") and TRAFFIC[:40] in line and LEDE[:40] in line
