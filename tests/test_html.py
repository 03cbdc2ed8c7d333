"""brief.html: one self-contained, script-free page whose coverage table is brief.json's outlets."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factories import article, brief, brief_sentence

from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.publish import publish_brief
from summarize.runtime.render import CSP

HOSTILE_TITLE = "<script>alert(1)</script> summit"
HOSTILE_OUTLET = "<img src=http://evil/x>"
S1 = "Leaders met <script>alert(1)</script> in Beijing [click](javascript:alert(1)) on Monday."
S2 = "They signed ![x](http://evil/b.png) fifteen <a href=\"javascript:alert(2)\">agreements</a>."
S3 = "More than 200 business leaders joined the visit."


class Page(HTMLParser):
    """Every element with its attributes, and the coverage table's rows as the browser sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.header: list[str] = []
        self.rows: list[dict] = []
        self._cell: tuple[str, dict] | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "tr" and "data-sentence" in attributes:
            self.rows.append({"id": attributes["data-sentence"], "cells": []})
        if tag in ("th", "td"):
            self._cell, self._text = (tag, attributes), ""

    def handle_data(self, data):
        if self._cell:
            self._text += data

    def handle_endtag(self, tag):
        if tag not in ("th", "td") or not self._cell:
            return
        name, attributes = self._cell
        if attributes.get("scope") == "col":
            self.header.append(self._text)
        elif self.rows:
            self.rows[-1]["cells"].append((name, attributes, self._text))
        self._cell = None


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


@pytest.fixture
def published(tmp_path, stage_settings):
    b = brief(
        {
            "<script>x</script> Summit": [brief_sentence(S1, "Devdiscourse", HOSTILE_OUTLET), brief_sentence(S2, HOSTILE_OUTLET)],
            "Business": [brief_sentence(S3, "Saif Rahman blog", "Devdiscourse")],
        },
        title=HOSTILE_TITLE,
    )
    sources = [
        article("001", [S1], outlet="Devdiscourse", title="<img src=http://evil/t.png>"),
        article("002", [S3], outlet="Saif Rahman blog"),
        article("003", [S1, S2], outlet=HOSTILE_OUTLET, title="javascript:alert(3)"),
    ]
    publish = stage_settings("publish")
    layout = SharedLayout(tmp_path, b.event_id, BriefFiles.of(publish))
    paths = publish_brief(b, sources, {"words": 0}, layout, publish.keep_versions, key="k")
    html = Path(paths["html"]).read_text(encoding="utf-8")
    doc = json.loads(Path(paths["json"]).read_text(encoding="utf-8"))
    return html, doc


def test_page_is_self_contained_with_the_csp_and_no_script(published):
    html, _ = published
    page = parse(html)
    metas = [a for tag, a in page.elements if tag == "meta"]
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in metas
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
    assert "<script" not in html
    assert "@media print" in html
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"script", "img", "iframe", "object", "embed", "form", "base"}
    assert [a for tag, a in page.elements if tag == "link"] == []  # no external style, font or icon


def test_hostile_text_appears_only_escaped(published):
    html, _ = published
    page = parse(html)
    for tag, attributes in page.elements:
        for name, value in attributes.items():
            if name == "title":  # text shown on hover, never fetched or followed
                continue
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
            assert "http" not in (value or "").lower() or name == "http-equiv", (tag, name, value)
    hrefs = [a["href"] for tag, a in page.elements if "href" in a]
    assert hrefs and set(hrefs) <= {"brief.md", "brief.json"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt; summit" in html
    assert "&lt;img src=http://evil/x&gt;" in html


def test_coverage_table_marks_are_brief_json_outlets(published):
    html, doc = published
    page = parse(html)
    sentences = [s for section in doc["sections"] for s in section["sentences"]]
    assert page.header == ["Sentence", *doc["outlets"]]
    assert [row["id"] for row in page.rows] == [str(k) for k in range(len(sentences))]
    for row, sentence in zip(page.rows, sentences, strict=True):
        (first, *cells) = row["cells"]
        assert first[0] == "th" and first[1] == {"scope": "row", "title": sentence["shown"]} and first[2] == sentence["shown"]
        assert len(cells) == len(doc["outlets"])
        reported = []
        for outlet, (tag, attributes, text) in zip(doc["outlets"], cells, strict=True):
            assert tag == "td"
            if attributes["class"] == "reported":
                assert attributes["title"] == f"{outlet} reports this" and text == "✓"
                reported.append(outlet)
            else:
                assert attributes == {"class": "absent"} and text == ""
        assert reported == [o for o in doc["outlets"] if o in sentence["outlets"]]


def test_sentences_show_their_outlets_and_backing(published):
    html, doc = published
    first = doc["sections"][0]["sentences"][0]
    assert f'<span class="backing">{first["support"]}</span>' in html
    assert first["support"] == f"{first['outlets_backing']} independent sources"
    assert "also reported by" in html


ORIGINAL = 'https://news.example.org/world/summit?id=1&view="full"'
HOSTILE_URLS = ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "/world/summit.html", "JaVaScRiPt:alert(2)"]


def test_sources_link_to_their_http_originals_only(tmp_path, stage_settings):
    """Every source with an http(s) address links to it (its headline, else the address), opened
    without an opener or a referrer; any other address is never a link, even one that reaches the
    renderer unchecked. The page's CSP is unchanged."""
    b = brief({"Summit": [brief_sentence(S3, "Devdiscourse", "Saif Rahman blog")]})
    sources = [
        article("001", [S3], outlet="Devdiscourse", title="Lee <b>meets</b> Xi", url=ORIGINAL),
        article("002", [S3], outlet="Saif Rahman blog", url="http://blog.example.com/post"),
        *(article(f"h{i}", [S3], outlet=f"Hostile {i}", title="Click me", url=url) for i, url in enumerate(HOSTILE_URLS)),
    ]
    settings = stage_settings("publish")
    paths = publish_brief(b, sources, {}, SharedLayout(tmp_path, b.event_id, BriefFiles.of(settings)), settings.keep_versions)
    html = Path(paths["html"]).read_text(encoding="utf-8")
    page = parse(html)

    links = [a for tag, a in page.elements if tag == "a" and a["href"] not in ("brief.md", "brief.json")]
    assert links == [
        {"href": ORIGINAL, "rel": "noopener noreferrer"},
        {"href": "http://blog.example.com/post", "rel": "noopener noreferrer"},
    ]
    assert f'rel="noopener noreferrer">Lee &lt;b&gt;meets&lt;/b&gt; Xi</a>' in html
    assert 'rel="noopener noreferrer">http://blog.example.com/post</a>' in html
    assert "<li><strong>Hostile 0</strong>: Click me</li>" in html
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in [a for tag, a in page.elements if tag == "meta"]
    doc = json.loads(Path(paths["json"]).read_text(encoding="utf-8"))
    assert [a["url"] for a in doc["articles"]] == [ORIGINAL, "http://blog.example.com/post", None, None, None, None]
