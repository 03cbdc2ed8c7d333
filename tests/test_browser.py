"""The published pages in a real browser (headless Chromium): they render, the coverage table marks
what brief.json says each outlet reports, and hostile article text neither runs a script nor makes
a request. About 15 s: two pipeline runs and a few page loads."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import RecordingServer, layouts, rendered_dom, screenshot

from summarize.config import compose_settings
from summarize.runtime.runner import run_event

CSP = (
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'\">"
)
PNG = b"\x89PNG\r\n\x1a\n"


class CoverageTable(HTMLParser):
    """The rows of `<table id="coverage">` as the browser built it: the outlet header, and for each
    `<tr data-sentence>` the row's cells (text, class)."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.header: list[str] = []
        self.rows: list[list[tuple[str, str]]] = []
        self.cell: list[str] | None = None
        self.cell_class = ""
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "coverage":
            self.inside = True
        elif not self.inside:
            return
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and "data-sentence" in attrs:
            self.rows.append([])
        elif tag == "tfoot":  # the totals: no sentence's row
            self.inside = False
        elif tag in ("th", "td"):
            self.cell, self.cell_class = [], attrs.get("class") or ""

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "table":
            self.inside = False
        elif tag == "thead":
            self.in_head = False
        elif tag in ("th", "td") and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            if self.in_head:
                self.header.append(text)
            elif self.rows:
                self.rows[-1].append((text, self.cell_class))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def coverage(dom: str) -> CoverageTable:
    table = CoverageTable()
    table.feed(dom)
    return table


def brief_sentences(doc: dict) -> list[dict]:
    return [s for section in doc["sections"] for s in section["sentences"]]


@pytest.fixture(scope="module")
def warm_encoder_pipeline(encoder):
    """run_event with the session's (already warm) encoder instead of a fresh one."""
    patch = pytest.MonkeyPatch()
    # summarize.runtime.models imports build_encoder when it first loads an encoder.
    patch.setattr("summarize.nlp.embed.build_encoder", lambda *args, **kwargs: encoder)
    yield run_event
    patch.undo()


@pytest.fixture(scope="module")
def lee(tmp_path_factory, warm_encoder_pipeline) -> Path:
    shared = tmp_path_factory.mktemp("shared")
    warm_encoder_pipeline(compose_settings("+event=lee_beijing", f"paths.shared_dir={shared}"), run_dir=tmp_path_factory.mktemp("run"))
    return shared


def test_the_harness_sees_a_script_run_and_a_request_leave_and_the_pages_policy_stops_both(tmp_path):
    """Without this, "no script ran, no request left" could be a browser that never tried."""
    with RecordingServer() as server:
        for policy, ran in (("", True), (CSP, False)):
            page = tmp_path / "page.html"
            page.write_text(
                f"<!doctype html><html><head>{policy}</head><body><img src='{server.url}/beacon.png'>"
                "<script>document.body.setAttribute('data-ran', '1')</script></body></html>"
            )
            dom = rendered_dom(page)
            assert ('data-ran="1"' in dom) is ran
            assert bool(server.hits) is ran
            server.hits.clear()


def test_the_coverage_table_marks_each_outlet_that_reports_each_sentence(lee):
    folder = lee / "lee_beijing"
    doc = json.loads((folder / "brief.json").read_text(encoding="utf-8"))
    table = coverage(rendered_dom(folder / "brief.html"))

    outlets = table.header[1:]
    assert outlets == list(doc["outlets"])
    sentences = brief_sentences(doc)
    assert len(table.rows) == len(sentences)
    for row, sentence in zip(table.rows, sentences):
        marked = {outlet for outlet, (_, cls) in zip(outlets, row[1:]) if "reported" in cls.split()}
        assert marked == set(sentence["outlets"]), sentence["text"]
        # A tick, said in words too ("reports it", visually hidden); another value given, marked
        # "≠"; nothing where the outlet is silent.
        for text, cls in row[1:]:
            assert text.startswith("✓" if "reported" in cls.split() else "≠" if "disputed" in cls.split() else "") and (text or cls == "absent")
    # The brief consolidates: some fact is marked for several outlets, as brief.json says.
    assert max(len(s["outlets"]) for s in sentences) >= 2


@pytest.fixture(scope="module")
def lee_seen(lee) -> dict[int, dict]:
    """lee_beijing's brief.html as a reader sees it at 1280 px (desktop) and 390 px (phone)."""
    return layouts(lee / "lee_beijing" / "brief.html", (1280, 390))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_lede_comes_first(lee, lee_seen, width):
    doc = json.loads((lee / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))
    seen = lee_seen[width]
    assert seen["lede"]["class"] == "lede" and seen["lede"]["text"].startswith(doc["lede"]["shown"])
    assert doc["lede"] == brief_sentences(doc)[0]
    assert seen["lede"]["bottom"] <= seen["first_bullet_top"]


@pytest.mark.parametrize("width", [1280, 390])
def test_every_row_of_the_table_links_its_sentence_and_shows_it_whole(lee, lee_seen, width):
    doc = json.loads((lee / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))
    rows = lee_seen[width]["rows"]
    assert len(rows) == len(brief_sentences(doc))
    for number, (row, sentence) in enumerate(zip(rows, brief_sentences(doc)), start=1):
        assert row["href"] == f"#sentence-{number}" and row["target"].startswith(sentence["shown"])
        # The whole sentence, on screen without scrolling or hovering, nothing cut off.
        assert row["text"] == sentence["shown"] and not row["clipped"] and row["on_screen"], (width, number)


def test_a_phone_shows_the_scroll_cue_only_where_the_table_is_wider_than_the_screen(lee_seen):
    phone, desktop = lee_seen[390], lee_seen[1280]
    assert phone["table_wider_than_its_box"] and phone["cue"]["shown"]
    assert "sideways" in phone["cue"]["text"]
    assert not desktop["table_wider_than_its_box"] and not desktop["cue"]["shown"]


@pytest.mark.parametrize("page", ["lee_beijing/brief.html", "index.html"])
def test_each_page_renders_and_shows_the_event(lee, tmp_path, page):
    dom = rendered_dom(lee / page)
    assert "Lee Jae Myung" in dom and "<script" not in dom
    picture = screenshot(lee / page, tmp_path / "page.png")
    assert picture.read_bytes().startswith(PNG) and picture.stat().st_size > 10_000


def test_the_index_links_the_events_three_files(lee):
    dom = rendered_dom(lee / "index.html")
    for name in ("brief.html", "brief.md", "brief.json"):
        assert f'href="lee_beijing/{name}"' in dom


def hostile_articles(beacon: str) -> dict[str, list[str]]:
    """Two articles whose shared sentence carries a script, an image beacon, a javascript: link and a
    Markdown image beacon; one title carries another image beacon."""
    evil = (
        "President Lee Jae Myung met President Xi Jinping in Beijing "
        "<script>document.documentElement.setAttribute('data-pwned', 'script')</script> "
        f"<img src={beacon}/img.png> and [click](javascript:document.documentElement.setAttribute('data-pwned','link')) "
        f"![photo]({beacon}/markdown.png) for talks on trade."
    )
    return {
        # The injected sentence is the one both report, so it leads the brief and the index.
        "a.txt": [
            "Lee meets Xi in Beijing for summit talks",
            evil,
            "The two leaders signed agreements on trade, technology and the environment, officials in Seoul said.",
        ],
        "b.txt": [
            f"Korean leader <img src={beacon}/title.png> visits China",
            evil,
            "Lee Jae Myung is the first South Korean leader to visit China in six years, the presidential office in Seoul said.",
            "Xi Jinping called for peace and stability on the Korean Peninsula during the talks with Lee.",
        ],
    }


def test_hostile_articles_run_no_script_and_send_no_request_from_any_page(tmp_path, warm_encoder_pipeline):
    with RecordingServer() as server:
        inputs = tmp_path / "articles"
        inputs.mkdir()
        for name, lines in hostile_articles(server.url).items():
            (inputs / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        shared = tmp_path / "shared"
        cfg = compose_settings(
            "+event=lee_beijing",
            f"paths.shared_dir={shared}",
            f"event.inputs={inputs}",
            "~event.outlets",
            f"event.title='Lee in Beijing <img src={server.url}/event-title.png>'",
        )
        warm_encoder_pipeline(cfg, run_dir=tmp_path / "run")

        doc = json.loads((shared / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))
        published = " ".join(s["text"] for s in brief_sentences(doc))
        assert "<script>" in published and "javascript:" in published  # the injection really is in the brief
        for page in (shared / "lee_beijing" / "brief.html", shared / "index.html"):
            dom = rendered_dom(page)
            assert 'data-pwned="' not in dom  # neither the script nor the link ran (their text is shown)
            assert "&lt;script&gt;" in dom  # shown as text
            assert 'href="javascript:' not in dom and "<img" not in dom
        # Laid out at desktop and phone widths, the page still loads nothing.
        seen = layouts(shared / "lee_beijing" / "brief.html", (1280, 390))
        assert all(seen[width]["rows"] for width in (1280, 390))
        assert server.hits == []


def test_sources_link_out_only_to_web_addresses_and_the_page_requests_none(tmp_path, warm_encoder_pipeline):
    """A source with an http(s) address links to it in the page the browser builds, opened without
    an opener or a referrer; javascript:, data: and relative addresses are never links; and loading
    the page requests nothing, the linked address included."""
    shared_sentence = "President Lee Jae Myung met President Xi Jinping in Beijing on Monday for talks on trade."
    with RecordingServer() as server:
        addresses = {
            "a.txt": f"{server.url}/world/summit?id=1&view=full",
            "b.txt": "javascript:document.documentElement.setAttribute('data-pwned','link')",
            "c.txt": "data:text/html,<script>alert(1)</script>",
            "d.txt": "/world/summit.html",
        }
        inputs = tmp_path / "articles"
        inputs.mkdir()
        for name, url in addresses.items():
            (inputs / name).write_text(
                f"title: Lee meets Xi in Beijing ({name})\nurl: {url}\n\n{shared_sentence}\n"
                "The two leaders signed agreements on trade, technology and the environment, officials in Seoul said.\n",
                encoding="utf-8",
            )
        shared = tmp_path / "shared"
        cfg = compose_settings("+event=lee_beijing", f"paths.shared_dir={shared}", f"event.inputs={inputs}", "~event.outlets")
        warm_encoder_pipeline(cfg, run_dir=tmp_path / "run")

        dom = rendered_dom(shared / "lee_beijing" / "brief.html")
        outward = re.findall(r'<a [^>]*href="([^"#][^"]*)"[^>]*>', dom)
        outward = [html.unescape(href) for href in outward if href not in ("brief.md", "brief.json")]
        assert outward == [addresses["a.txt"]]
        assert re.search(r'<a [^>]*href="[^"]*/world/summit\?id=1&amp;view=full"[^>]*rel="noopener noreferrer"', dom) or re.search(
            r'<a [^>]*rel="noopener noreferrer"[^>]*href="[^"]*/world/summit\?id=1&amp;view=full"', dom
        )
        assert 'data-pwned="' not in dom and 'href="javascript:' not in dom and 'href="data:' not in dom
        assert server.hits == []
