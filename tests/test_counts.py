"""Every count a reader sees says the same thing in the same words everywhere (issue 22, item 3):
brief.md, brief.html, brief.json and the index word an event's count as "<N> outlets, <M>
independent sources", N being brief.json's outlets (copies included) and M the sources they come to
when outlets carrying copies of one article count once; each sentence cites "<k> of <M>
independent sources" alike in all three files. The feed shows no count, so it has none to keep."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factories import article, brief, brief_sentence, subtopic, supported, work

from summarize.config import compose_settings
from summarize.runtime.index import update_index
from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.publish import publish_brief
from summarize.runtime.render import render_markdown

# AP's article, carried whole by UNN: two outlets, one source.
COPIES = (("AP", "UNN (citing AP)"),)
SUMMIT = "Lee Jae Myung met Xi Jinping in Beijing on Monday."
TRADE = "The two leaders signed fifteen agreements on trade and technology."
BUSINESS = "More than 200 business leaders joined the four-day state visit."
OUTLETS = ("AP", "Devdiscourse", "Korea Herald", "Saif Rahman blog", "UNN (citing AP)", "Xinhua")
COVERAGE = "6 outlets, 5 independent sources"
# The shipped publish settings: the files' names, and how many versions are kept.
PUBLISH = compose_settings("+event=lee_beijing").publish
FILES = BriefFiles.of(PUBLISH)
# The number in the first "<N> outlets" (or "1 outlet") a checker finds in a page.
OUTLET_COUNT = re.compile(r"(\d+) outlets?\b")


def copied_brief():
    b = brief(
        {
            "Summit": [brief_sentence(SUMMIT, "AP", "UNN (citing AP)", "Devdiscourse"), brief_sentence(TRADE, "Korea Herald", "Saif Rahman blog")],
            "Business": [brief_sentence(BUSINESS, "Xinhua")],
        },
        title="Lee visits China",
    )
    assert b.outlets == OUTLETS
    return dataclasses.replace(b, copies=COPIES)


VOID = {"meta", "link", "br", "img", "hr", "input"}


class Text(HTMLParser):
    """Each element's text by its class, in page order (the page's header lines are class "meta")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.by_class: dict[str, list[str]] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:  # no end tag follows
            return
        self._open.append(dict(attrs).get("class"))
        if self._open[-1]:
            self.by_class.setdefault(self._open[-1], []).append("")

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for name in {c for c in self._open if c}:
            self.by_class[name][-1] += data


def texts(html: str, css_class: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    return parser.by_class.get(css_class, [])


@pytest.fixture
def publish(tmp_path):
    """publish(brief) -> the event's brief.md, brief.html, brief.json (parsed) and the index page."""

    def run(b):
        articles = [article(f"{k:03}", ["x"], outlet=o) for k, o in enumerate(b.outlets)]
        paths = publish_brief(b, articles, {}, SharedLayout(tmp_path, b.event_id, FILES), PUBLISH.keep_versions, key="k")
        update_index(tmp_path, FILES)
        read = {kind: Path(paths[kind]).read_text(encoding="utf-8") for kind in ("markdown", "html", "json")}
        return read | {"json": json.loads(read["json"]), "index": (tmp_path / "index.html").read_text(encoding="utf-8")}

    return run


def test_the_wording_of_a_count():
    from summarize.types import coverage_phrase, support_phrase

    assert coverage_phrase(6, 5) == COVERAGE
    assert coverage_phrase(5, 5) == "5 outlets, 5 independent sources"
    assert coverage_phrase(1, 1) == "1 outlet, 1 independent source"
    assert coverage_phrase(2, 1) == "2 outlets, 1 independent source"
    assert support_phrase(2, 5) == "2 of 5 independent sources"
    assert support_phrase(1, 1) == "1 of 1 independent source"


def test_markdown_header_counts_every_outlet_and_the_sources_they_are(publish):
    md = publish(copied_brief())["markdown"]
    (header,) = [line for line in md.splitlines() if " words from " in line]
    assert f" words from {COVERAGE} · updated " in header
    assert "AP and UNN (citing AP) carry copies of one article: counted as one independent source." in md


def test_html_header_says_what_the_markdown_header_says(publish):
    out = publish(copied_brief())
    header = texts(out["html"], "meta")[0]
    assert f"{out['json']['words']} words from {COVERAGE} · updated " in header
    assert "AP and UNN (citing AP) carry copies of one article: counted as one independent source." in texts(out["html"], "meta")


def test_brief_json_lists_every_outlet_and_counts_the_independent_sources(publish):
    doc = publish(copied_brief())["json"]
    assert doc["outlets"] == list(OUTLETS)  # copies included
    assert doc["independent_sources"] == 5
    assert doc["coverage"] == COVERAGE
    assert doc["copies"] == [list(group) for group in COPIES]


def test_index_entry_says_what_the_brief_says(publish):
    index = publish(copied_brief())["index"]
    (entry,) = [m for m in texts(index, "meta") if "brief of" in m]
    assert f" · {COVERAGE} · 0 disagreements" in entry


def test_first_outlet_count_everywhere_is_brief_json_outlets(publish):
    """What a checker does: the first "<N> outlets" of each page is the length of brief.json's list,
    and no page states another number of outlets anywhere."""
    out = publish(copied_brief())
    n = str(len(out["json"]["outlets"]))
    for name in ("markdown", "html", "index"):
        assert OUTLET_COUNT.findall(out[name]) == [n], name
        assert f"{COVERAGE}" in out[name], name


def test_each_sentence_cites_its_independent_sources_in_the_same_words(publish):
    out = publish(copied_brief())
    sentences = [s for section in out["json"]["sections"] for s in section["sentences"]]
    # AP and UNN carry one article: with Devdiscourse, two of the five sources.
    assert [s["support"] for s in sentences] == [
        "2 of 5 independent sources", "2 of 5 independent sources", "1 of 5 independent sources"
    ]
    assert [s["outlets_backing"] for s in sentences] == ["2 of 5", "2 of 5", "1 of 5"]  # kept as it was
    cited_md = re.findall(r": ([^:\]]+)\]\*$", out["markdown"], re.M)
    cited_html = texts(out["html"], "backing")
    assert cited_md == cited_html == [s["support"] for s in sentences]


def test_an_index_of_a_brief_json_without_the_count_counts_from_its_copies(publish, tmp_path):
    """A brief published before brief.json carried "independent_sources" is worded alike."""
    out = publish(copied_brief())
    path = tmp_path / "test_event" / "brief.json"
    old = {k: v for k, v in out["json"].items() if k not in ("independent_sources", "coverage")}
    path.resolve().write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / ".summarize" / "summaries" / "test_event.json").unlink()  # published before summaries too
    update_index(tmp_path, FILES)
    (entry,) = [m for m in texts((tmp_path / "index.html").read_text(encoding="utf-8"), "meta") if "brief of" in m]
    assert f" · {COVERAGE} · " in entry


def test_one_outlet_is_counted_in_the_singular_everywhere(publish):
    out = publish(brief({"Business": [brief_sentence(BUSINESS, "Xinhua")]}))
    one = "1 outlet, 1 independent source"
    assert f" words from {one} · " in out["markdown"]
    assert f" words from {one} · " in texts(out["html"], "meta")[0]
    assert f" · {one} · " in [m for m in texts(out["index"], "meta") if "brief of" in m][0]
    assert out["json"]["coverage"] == one
    assert "1 of 1 independent source]*" in out["markdown"]
    assert texts(out["html"], "backing") == ["1 of 1 independent source"]


def test_the_write_stage_brief_carries_the_copies_into_the_count(encoder, stage_settings):
    """The brief the pipeline writes, from an event whose copy group the align stage found."""
    from summarize.stages.write import write_brief

    facts = [supported(SUMMIT, "AP", "UNN (citing AP)", "Devdiscourse"), supported(TRADE, "Korea Herald", "Saif Rahman blog"), supported(BUSINESS, "Xinhua")]
    b, _ = write_brief(work([subtopic("Summit", facts)], copies=COPIES), encoder, stage_settings("write"))
    assert b.outlets == OUTLETS and b.coverage == COVERAGE
    md = render_markdown(b, [], "2026-01-06T00:00:00+00:00")
    assert f" words from {COVERAGE} · " in md
