"""brief.html: one self-contained, script-free page whose coverage table is brief.json's outlets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factories import article, brief, brief_sentence, sentence

from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.publish import publish_brief
from summarize.runtime.render import CSP, dates_label, shown_time, value_label
from summarize.types import BriefSentence, Disagreement

HOSTILE_TITLE = "<script>alert(1)</script> summit"
HOSTILE_OUTLET = "<img src=http://evil/x>"
S1 = "Leaders met <script>alert(1)</script> in Beijing [click](javascript:alert(1)) on Monday."
S2 = "They signed ![x](http://evil/b.png) fifteen <a href=\"javascript:alert(2)\">agreements</a>."
S3 = "More than 200 business leaders joined the visit."


class Page(HTMLParser):
    """Every element with its attributes, and the coverage table's rows as a reader meets them:
    each cell's tag, attributes, the text it shows, the words only a screen reader gets (the
    visually hidden ones) and the links in it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.header: list[dict] = []  # the outlets' column headers (th class="outlet")
        self.rows: list[list[dict]] = []  # the sentences' rows (tr data-sentence)
        self.totals: list[dict] = []  # the cells of the total row
        self._cell: dict | None = None
        self._hidden = 0  # depth inside a visually hidden element
        self._in = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag in ("thead", "tbody", "tfoot"):
            self._in = tag
        if tag == "tr" and "data-sentence" in attributes:
            self.rows.append([])
        if tag in ("th", "td"):
            self._cell = {"tag": tag, "attributes": attributes, "text": "", "hidden": "", "links": []}
        if self._cell is not None:
            if self._hidden or "visually-hidden" in (attributes.get("class") or "").split():
                self._hidden += 1
            if tag == "a":
                self._cell["links"].append(attributes.get("href"))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["hidden" if self._hidden else "text"] += data

    def handle_endtag(self, tag):
        if self._cell is not None and self._hidden and tag == "span":
            self._hidden -= 1
        if tag not in ("th", "td") or self._cell is None:
            return
        cell, self._cell = self._cell, None
        if cell["attributes"].get("class") == "outlet" and self._in == "thead":
            self.header.append(cell)
        elif self._in == "tbody" and self.rows:
            self.rows[-1].append(cell)
        elif self._in == "tfoot":
            self.totals.append(cell)


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
    b = dataclasses.replace(b, lede=b.sentences[0])
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
    ids = {a["id"] for _, a in page.elements if "id" in a}
    # Only the sibling files, and places in the page itself.
    assert hrefs and {h for h in hrefs if not h.startswith("#")} <= {"brief.md", "brief.json"}
    assert {h[1:] for h in hrefs if h.startswith("#")} <= ids
    assert "&lt;script&gt;alert(1)&lt;/script&gt; summit" in html
    assert "&lt;img src=http://evil/x&gt;" in html


def test_coverage_table_marks_are_brief_json_outlets(published):
    html, doc = published
    page = parse(html)
    sentences = [s for section in doc["sections"] for s in section["sentences"]]
    assert [h["text"] for h in page.header] == doc["outlets"]  # no copies: brief.json's order
    assert len(page.rows) == len(sentences)
    for number, (row, sentence) in enumerate(zip(page.rows, sentences, strict=True), start=1):
        (first, *cells) = row
        assert first["tag"] == "th" and first["attributes"]["scope"] == "row"
        assert first["text"] == f"{number}{sentence['shown']}" and first["links"] == [f"#sentence-{number}"]
        assert len(cells) == len(doc["outlets"])
        reported = []
        for outlet, cell in zip(doc["outlets"], cells, strict=True):
            assert cell["tag"] == "td"
            if cell["attributes"]["class"] == "reported":
                assert cell["text"] == "✓" and cell["hidden"] == "reports it"
                reported.append(outlet)
            else:
                assert cell["attributes"] == {"class": "absent"} and cell["text"] == cell["hidden"] == ""
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

    # Links out of the page: not its siblings, not its own rows and sentences ("#sentence-1").
    links = [a for tag, a in page.elements if tag == "a" and a["href"] not in ("brief.md", "brief.json") and not a["href"].startswith("#")]
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


LEDE = "Lee and Xi met in Beijing on January 5 for talks on trade."
DEALS = "The two leaders signed 15 agreements on trade and technology."
BUSINESS = "More than 200 business leaders joined the visit."


@pytest.fixture
def summit(tmp_path, stage_settings):
    """A brief with a lede, two disputes (one a value written two ways), and two outlets (C, D)
    carrying copies of one article."""
    lede, deals, business = (
        BriefSentence(text, tuple(sentence(text, outlet=o, article_id=o, position=position) for o in outlets))
        for position, text, outlets in ((0, LEDE, "ABCD"), (1, DEALS, "AC"), (2, BUSINESS, "B"))
    )
    b = brief({"Summit": [lede, deals], "Business": [business]})
    b = dataclasses.replace(
        b,
        lede=lede,
        copies=(("C", "D"),),
        disagreements=(
            Disagreement("count", "agreement", (("15 agreements / 15 deals", ("A",)), ("14 memorandums", ("C",))),
                         tuple(s.id for s in deals.backing), DEALS),
            Disagreement("date", "date", (("January 5 / January 5, 2026", ("A", "B")), ("January 6", ("D",))),
                         tuple(s.id for s in lede.backing), LEDE),
        ),
    )
    sources = [
        article("001", [LEDE], outlet="A", date=dt.date(2026, 1, 6)),
        article("002", [LEDE], outlet="B", date=dt.date(2026, 1, 4)),
        article("003", [LEDE], outlet="C"),
        article("004", [LEDE], outlet="D", date=dt.date(2026, 1, 5)),
    ]
    publish = stage_settings("publish")
    paths = publish_brief(b, sources, {"words": 0}, SharedLayout(tmp_path, b.event_id, BriefFiles.of(publish)), publish.keep_versions, key="k")
    read = {name: Path(path).read_text(encoding="utf-8") for name, path in paths.items() if name in ("html", "markdown", "json")}
    return read["html"], read["markdown"], json.loads(read["json"])


def test_the_lede_opens_the_page_set_apart_and_is_not_repeated(summit):
    html, markdown, doc = summit
    assert doc["lede"]["shown"] == LEDE and doc["lede"]["outlets"] == ["A", "B", "C", "D"]
    main = html[html.index("<main>"):]
    lede = re.search(r'<p class="lede" id="sentence-1">(.*?)</p>', main, re.S)
    assert lede and lede.start() < main.index("<h2>") and lede.group(1).startswith(LEDE)
    assert "[A; also reported by B; C; D: " in lede.group(1)  # cited like every sentence
    bullets = re.findall(r'<li id="sentence-(\d+)">(.*?)</li>', main, re.S)
    assert [(n, text.split(" <span")[0]) for n, text in bullets] == [("2", DEALS), ("3", BUSINESS)]
    # brief.md: the lede in bold right after the header line, then the sections without it.
    lines = markdown.splitlines()
    lede_line = next(i for i, line in enumerate(lines) if line.startswith("**"))
    assert lines[lede_line].startswith(f"**{LEDE}** *[A; also reported by B; C; D: ")
    assert lines[2].startswith("articles from") and lines.index("## Summit") == lede_line + 2
    assert markdown.split("## Where sources differ")[0].count(LEDE) == 1


def test_every_row_is_numbered_links_its_sentence_and_shows_it_whole(summit):
    html, _, doc = summit
    page = parse(html)
    ids = {a["id"] for _, a in page.elements if "id" in a}
    assert re.search(r"<caption[^>]*>.*Which outlets report each sentence of the brief", html)
    sentences = [s for section in doc["sections"] for s in section["sentences"]]
    for number, (row, sentence) in enumerate(zip(page.rows, sentences, strict=True), start=1):
        assert row[0]["links"] == [f"#sentence-{number}"] and f"sentence-{number}" in ids
        assert row[0]["text"] == f"{number}{sentence['shown']}"  # the whole sentence, no tooltip
        assert "title" not in row[0]["attributes"]
    assert "text-overflow" not in html and "title=" not in html


def test_copies_are_grouped_together_with_a_total_per_outlet(summit):
    html, _, doc = summit
    page = parse(html)
    # Which copy is the original is not known: the group says what they are, not who copied whom.
    assert [h["text"] for h in page.header] == ["A", "B", "C", "D"]
    assert '<th scope="colgroup" colspan="2" class="copies">Copies of one article, counted once</th>' in html
    assert [c["text"] for c in page.totals] == ["Sentences each outlet reports, of 3", "2", "2", "2", "1"]


def test_disputed_cells_are_marked_to_the_eye_and_to_a_screen_reader(summit):
    html, _, _ = summit
    page = parse(html)
    lede_row, deals_row, _ = page.rows
    # Row 1: D gives another date; A and B give the one shown, in two writings.
    d = lede_row[4]
    assert d["attributes"]["class"] == "disputed reported"
    assert d["text"] == "✓ ≠ January 6" and d["hidden"] == "reports it, but gives another value: January 6"
    assert [c["hidden"] for c in lede_row[1:4]] == ["reports it"] * 3
    # Row 2: C gives 14 memorandums; D, a copy of C, does not report the sentence.
    assert deals_row[3]["hidden"] == "reports it, but gives another value: 14 memorandums"
    assert deals_row[4]["attributes"] == {"class": "absent"}
    # Every tick's meaning is said in words, not only shown.
    for row in page.rows:
        for cell in row[1:]:
            assert ("✓" in cell["text"]) == cell["hidden"].startswith("reports it")


def test_labels_read_as_words_and_see_below_leads_to_the_dispute(summit):
    html, markdown, _ = summit
    header = html[html.index("<header>"):html.index("</header>")]
    assert "articles from 4 to 6 Jan 2026 · " in header
    assert re.search(r'updated <time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC</time>', header)
    assert re.search(r"^articles from 4 to 6 Jan 2026 · .* · updated \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC$", markdown, re.M)
    # The lede's date dispute is the second listed, the deals' count the first.
    assert 'sources differ, <a href="#dispute-2">see below</a>' in html.split('<p class="lede"')[1].split("</p>")[0]
    assert 'sources differ, <a href="#dispute-1">see below</a>' in html.split('id="sentence-2"')[1].split("</li>")[0]
    assert '<li id="dispute-1">' in html and '<li id="dispute-2">' in html
    # One value written two ways is listed once, as the sentence's mark writes it.
    for page in (html, markdown):
        assert "15 deals" not in page and "January 5, 2026" not in page
        assert "15 agreements" in page and "January 5" in page


@pytest.mark.parametrize(
    "dates, event_date, label",
    [
        ([dt.date(2026, 1, 6), dt.date(2026, 1, 4)], None, "articles from 4 to 6 Jan 2026"),
        ([dt.date(2026, 1, 30), dt.date(2026, 2, 2)], None, "articles from 30 Jan to 2 Feb 2026"),
        ([dt.date(2025, 12, 30), dt.date(2026, 1, 2)], None, "articles from 30 Dec 2025 to 2 Jan 2026"),
        ([dt.date(2026, 1, 4)] * 2, None, "articles of 4 Jan 2026"),
        ([], dt.date(2026, 1, 5), "event of 5 Jan 2026"),
        ([], None, ""),
    ],
)
def test_dates_label(dates, event_date, label):
    assert dates_label(dates, event_date) == label
    assert shown_time("2026-12-02T16:17:09+00:00") == "2 Dec 2026, 16:17 UTC"
    assert shown_time("2026-12-02T17:17:09+01:00") == "2 Dec 2026, 16:17 UTC"


@pytest.mark.parametrize(
    "kind, subject, label",
    [("date", "date", "Date"), ("amount", "USD/year", "Amount (USD/year)"), ("count", "injured", "Number (injured)"),
     ("name", "Hélène", "Name (Hélène)")],
)
def test_a_values_kind_is_worded_alike_where_sources_differ_and_in_what_changed(kind, subject, label):
    """A disputed surname is a name, not a number."""
    assert value_label(kind, subject) == label
