"""What readers see: the brief's three files (brief.json's document, brief.md, brief.html from the
templates in summarize/templates/), and what the index's pages share with them (runtime/index.py).
No text from an article or the config can become live Markdown or HTML in any of them, and none
can carry a character that XML 1.0 forbids, redraws a terminal or reorders text (`published_text`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Sequence

import jinja2
from markupsafe import Markup

from summarize.errors import UNPRINTABLE
from summarize.runtime.layout import BriefFiles
from summarize.types import (
    Article, Brief, BriefSentence, CarriedValue, Changes, Disagreement, ValueChange, normalised_record, sources_by_outlet, web_url,
)

# Characters that would turn article text into live Markdown or HTML.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
# The page loads nothing and runs nothing: inline style is all it may use.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"


def is_noncharacter(ch: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane: never text, and U+FFFE and
    U+FFFF are among the characters XML 1.0 forbids (one of them makes feed.xml unreadable)."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def published_char(ch: str) -> str:
    """What `ch` becomes in a published file: controls and format characters (terminal escapes,
    C1 controls, bidi overrides and isolates, zero-width characters), lone surrogates (undecodable
    bytes of a file name) and noncharacters go; a line break or a tab becomes a space, since a
    title or a sentence is one line (a newline would end a Markdown heading). What is left is
    text XML 1.0 allows."""
    # The characters the job's stderr line escapes (errors.UNPRINTABLE) are the ones removed here;
    # of them only controls and separators are ever whitespace.
    if unicodedata.category(ch) in UNPRINTABLE or is_noncharacter(ch):
        return " " if ch.isspace() else ""
    return ch


def published_text(text: str) -> str:
    """`text` as it may be published (see `published_char`)."""
    if text.isprintable():  # nearly every text: nothing to remove (every such character is unprintable)
        return text
    return "".join(published_char(ch) for ch in text)


def published_data(value):
    """A JSON document with `published_text` applied to every string in it, keys included."""
    if isinstance(value, str):
        return published_text(value)
    if isinstance(value, dict):
        return {published_data(k): published_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [published_data(v) for v in value]
    return value


def published_value(value) -> str:
    """Jinja's `finalize`: every value a template prints passes here, whatever it came from (an
    article, the config, a brief.json of an older version, a status file). Escaped markup stays
    escaped: no character removed here is part of markup."""
    if isinstance(value, Markup):
        return Markup(published_text(str(value)))
    return published_text(str(value))


def md_escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


# What a URL keeps as it is in a Markdown link: RFC 3986's reserved and unreserved characters and
# existing %-escapes. Angle brackets, backslashes, quotes and backticks are %-encoded, so none can
# end the link's `<...>` destination early or escape out of it.
URL_KEPT = "!#$%&'()*+,-./:;=?@[]_~"


def md_link_target(url: str) -> str:
    """A web URL (`web_url`) as a Markdown link destination."""
    return "<" + urllib.parse.quote(url, safe=URL_KEPT) + ">"


def template_environment(**options) -> jinja2.Environment:
    """The package's templates with what every page shares: no unknown name passes silently, every
    printed value is `published_text`, and `web_url` decides which addresses become links."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("summarize"),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=published_value,
        **options,
    )
    environment.filters["web_url"] = web_url
    environment.filters["shown_date"] = shown_date
    environment.filters["shown_time"] = shown_time
    environment.filters["one_writing"] = one_writing
    environment.filters["value_label"] = value_label
    environment.filters["by_outlets"] = by_outlets
    return environment


def _json_default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_text(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=_json_default) + "\n"


# brief.json's contract (summarize/schemas/brief.schema.json): the minor number grows when fields
# are added, the major one when a field changes meaning or goes; programs ignore fields they do not know.
BRIEF_SCHEMA_VERSION = "1.1"  # 1.1: "facts", "since" and each sentence's "change"


def sentence_record(brief: Brief, sentence: BriefSentence, index: int) -> dict:
    """One brief sentence in brief.json: what brief.html shows of it, and the sentences behind it.
    `index` is its place among all the brief's sentences in reading order, from 0, which each
    disagreement names as its `brief_sentence`."""
    return {
        "index": index,
        "text": sentence.text,
        "shown": sentence.shown,
        # The outlet whose wording is shown; the others report the same fact.
        "wording_outlet": sentence.wording_outlet,
        "generated": sentence.generated,
        "outlets": list(sentence.outlets),
        # "2 of 5": kept for programs that read it; "support" is the wording every output shows.
        "outlets_backing": f"{brief.support(sentence)} of {brief.source_count}",
        "support": brief.support_text(sentence),
        # The two numbers of "support", for programs: sources reporting the fact, of the brief's sources.
        "support_count": brief.support(sentence),
        "independent_sources": brief.source_count,
        "disputed": any(s.id in brief.disputed_sentence_ids for s in sentence.backing),
        # Since the previous brief: "new", "changed", or null (nothing, or no previous brief).
        "change": sentence.change,
        "sources": [dataclasses.asdict(s) for s in sentence.backing],
    }


def disputed_sentence(brief: Brief, disagreement: Disagreement) -> int | None:
    """The index of the first brief sentence backed by one of the disagreement's sentences (the
    one brief.html marks "sources differ"); None when the brief shows none of them."""
    disputed = set(disagreement.sentence_ids)
    return next(
        (i for i, sentence in enumerate(brief.sentences) if any(s.id in disputed for s in sentence.backing)), None
    )


def sections_records(brief: Brief) -> list[dict]:
    """The brief's sections, each sentence numbered by its place in the whole brief."""
    records, index = [], 0
    for section in brief.sections:
        sentences = []
        for sentence in section.sentences:
            sentences.append(sentence_record(brief, sentence, index))
            index += 1
        records.append({"label": section.label, "sentences": sentences})
    return records


def carried_value_record(value: CarriedValue) -> dict:
    return {"kind": value.kind, "subject": value.key, "value": value.value, "written": value.written, "predicate": value.predicate}


def fact_records(brief: Brief) -> list[dict]:
    """The event's facts as the next run reads them back (runtime/previous.py): compact, no
    sentence text but each fact's wording, its sentences as fingerprints. Not brief sentences,
    and not shaped like them (a "text" with "outlets"): a program walking brief.json for the
    brief's cited sentences must not take every fact of the articles for one."""
    return [
        {"wording": f.text, "outlets": list(f.outlets), "fingerprints": list(f.fingerprints),
         "values": [carried_value_record(v) for v in f.values], "shown": f.shown}
        for f in brief.carried
    ]


def changed_value_record(change: ValueChange) -> dict:
    side = lambda v: carried_value_record(v) | {"normalised": normalised_record(v.kind, v.key, v.value)}
    return {"kind": change.kind, "subject": change.key, "before": side(change.before), "after": side(change.after)}


def changed_value_records(changes: Changes, index_of: dict[str, int]) -> list[dict]:
    """Each value that changed, once: several facts giving one figure ("38 homes", "at least 38
    houses") changed by one edit are one change, listed with a brief sentence showing it when
    there is one."""
    figure = lambda value: value.lstrip("<>~")  # "at least 38" and "38" are one figure written two ways
    records: dict[tuple, dict] = {}
    for fact, values in changes.changed.items():
        for change in values:
            record = changed_value_record(change) | {"fact": change.fact, "brief_sentence": index_of.get(fact)}
            same = (change.kind, figure(change.before.value), figure(change.after.value))
            if same not in records or (records[same]["brief_sentence"] is None and record["brief_sentence"] is not None):
                records[same] = record
    return sorted(records.values(), key=lambda r: (r["brief_sentence"] is None, r["brief_sentence"] or 0))


def change_summary(since: dict) -> str:
    """What changed, in the one wording the brief, the index and the feed use: "3 new facts, 1
    value changed"; "no change" when nothing did."""
    parts = [
        (len(since["new_facts"]), "new fact", "new facts"),
        (len(since["changed_values"]), "value changed", "values changed"),
        (len(since["new_outlets"]), "fact newly reported by another outlet", "facts newly reported by other outlets"),
        (len(since["no_longer_reported"]), "fact no longer reported", "facts no longer reported"),
        (len(since["new_disagreements"]), "new disagreement", "new disagreements"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n) or "no change"


def since_record(brief: Brief) -> dict | None:
    """What changed since the previous brief, for programs and for the pages' "Since ..." section;
    None on the event's first brief. Each item names the brief sentence it is about (its index,
    as in the sections), or null when the brief does not show that fact."""
    changes = brief.changes
    if changes is None:
        return None
    index_of = {s.fact_id: i for i, s in enumerate(brief.sentences)}
    by_id = {s.fact_id: s for s in brief.sentences}
    new = [i for i, s in enumerate(brief.sentences) if s.change == "new"]
    record = {
        "previous_generated_at": changes.since,
        "previous_version": changes.previous_version,
        "new_facts": [
            {"brief_sentence": i, "fact": brief.sentences[i].text} for i in new
        ],
        "changed_values": changed_value_records(changes, index_of),
        "new_outlets": [
            {"fact": by_id[fact].text, "outlets": list(outlets), "brief_sentence": index_of[fact]}
            for fact, outlets in changes.new_outlets.items() if fact in by_id
        ],
        "no_longer_reported": [{"fact": f.text, "outlets": list(f.outlets)} for f in changes.gone],
        "new_disagreements": [
            k for k, d in enumerate(brief.disagreements) if d in changes.new_disagreements
        ],
    }
    return {"summary": change_summary(record)} | record


def brief_document(brief: Brief, articles: Sequence[Article], scores: dict, generated_at: str) -> dict:
    """brief.json's content (without the run key, which the publisher adds), every string as it
    may be published: article ids and paths come from file names, the title from the config."""
    return published_data({
        "schema_version": BRIEF_SCHEMA_VERSION,
        "event": {"id": brief.event_id, "title": brief.title, "date": brief.date},
        "generated_at": generated_at,
        "words": brief.word_count,
        "outlets": list(brief.outlets),  # every outlet, copies included
        # The index words its entry from these two numbers, as brief.md and brief.html do.
        "independent_sources": brief.source_count,
        "coverage": brief.coverage,
        "copies": [list(group) for group in brief.copies],
        # What happened: the core fact's sentence, given apart (None: no lede); it is also the
        # brief's first sentence, so its index is the one the sections give it.
        "lede": sentence_record(brief, brief.lede, brief.sentences.index(brief.lede)) if brief.lede else None,
        "sections": sections_records(brief),
        "disagreements": [d.as_record() | {"brief_sentence": disputed_sentence(brief, d)} for d in brief.disagreements],
        # Since the previous brief (null on the first); the pages show it after the lede.
        "since": since_record(brief),
        "articles": [
            # "path" is the file's name inside the event's folder: where this machine keeps its
            # files is nobody's business (and would tell an attacker where to aim).
            {"id": a.id, "outlet": a.outlet, "title": a.title, "date": a.date, "url": web_url(a.url),
             "path": a.file_name, "sha256": a.sha256}
            for a in articles
        ],
        "scores": scores,
        # The event's facts, compactly, for the next run to tell what changed.
        "facts": fact_records(brief),
    })


def shown_day(day: dt.date, *, year: bool = True, month: bool = True) -> str:
    """"4 Jan 2026", or "4 Jan" / "4" inside a range that names the month and year once."""
    return " ".join([str(day.day), *([f"{day:%b}"] if month else []), *([str(day.year)] if year else [])])


def dates_label(article_dates: Sequence[dt.date], event_date: dt.date | None) -> str:
    """What the header says of when: "articles from 4 to 6 Jan 2026" (the span of the articles'
    dates), "articles of 4 Jan 2026", else the event's own date; "" when nothing is dated."""
    if not article_dates:
        return f"event of {shown_day(event_date)}" if event_date else ""
    first, last = min(article_dates), max(article_dates)
    if first == last:
        return f"articles of {shown_day(first)}"
    same_year = first.year == last.year
    start = shown_day(first, year=not same_year, month=not (same_year and first.month == last.month))
    return f"articles from {start} to {shown_day(last)}"


def shown_time(when: dt.datetime | str) -> str:
    """"2 Dec 2026, 16:17 UTC" for a time with its offset (or its ISO 8601 text, as the publisher
    writes them)."""
    when = (dt.datetime.fromisoformat(when) if isinstance(when, str) else when).astimezone(dt.timezone.utc)
    return f"{shown_day(when.date())}, {when:%H:%M} UTC"


def shown_date(day: dt.date | str) -> str:
    """"5 Jan 2026" for a date (or its ISO 8601 text, as brief.json keeps it)."""
    return shown_day(as_day(day))


def one_writing(value: str) -> str:
    """A disputed value as the reader sees it: the claims stage joins the writings of one value
    with " / " ("January 5 / January 5, 2026"), the first of which the sentence's mark uses."""
    return value.split(" / ")[0]


# What a value is of, by its kind (a count's kind is "count"): the subject follows in brackets.
VALUE_KINDS = {"amount": "Amount", "name": "Name"}


def value_label(kind: str, subject: str) -> str:
    """What a disputed or changed value is of, as brief.md and brief.html word it: "Date",
    "Amount (USD)", "Number (injured)", "Name (Hélène)" (her surname)."""
    return "Date" if kind == "date" else f"{VALUE_KINDS.get(kind, 'Number')} ({subject})"


# change_summary's words when nothing changed.
NO_CHANGE = "no change"


def shown_since(since: dict | None) -> dict | None:
    """brief.json's "since" when the pages show it: there was a previous brief and something
    changed since it. A night that changed nothing says nothing, rather than "no change"."""
    return since if since is not None and since["summary"] != NO_CHANGE else None


def by_outlets(items: Sequence[dict]) -> list[tuple[tuple[str, ...], list[dict]]]:
    """The "since" items naming outlets, one line per set of outlets (in the order each set first
    comes): three outlets newly reporting four facts is one line, not four."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for item in items:
        groups.setdefault(tuple(item["outlets"]), []).append(item)
    return list(groups.items())


def render_markdown(brief: Brief, articles: Sequence[Article], generated_at: str) -> str:
    environment = template_environment()
    environment.filters["md"] = md_escape
    environment.filters["md_link_target"] = md_link_target
    return environment.get_template("brief.md.j2").render(
        brief=brief,
        articles=articles,
        dates=dates_label([a.date for a in articles if a.date], brief.date),
        updated=shown_time(generated_at),
        # The record brief.json gives, so that the two files list the same changes.
        since=shown_since(since_record(brief)),
    )


def html_environment() -> jinja2.Environment:
    """The templates of the web pages and the feed: autoescape on, so that no text from an article
    or the config can become markup (HTML escaping is valid XML too), and every printed value
    published_text, so that none can break the feed's XML."""
    return template_environment(autoescape=True)


@dataclasses.dataclass(frozen=True)
class PageSentence:
    """A brief sentence as brief.html shows it: its number in the brief (its row of the coverage
    table, and its id, `sentence-<number>`), its brief.json record, the numbers of the
    disagreements it takes part in, and each outlet that gives another value than the one shown
    with that value."""

    number: int
    record: dict
    disputes: tuple[int, ...]
    differs: dict[str, str]


def page_sentence(number: int, record: dict, disagreements: Sequence[dict]) -> PageSentence:
    ids = {source["id"] for source in record["sources"]}
    disputes, differs = [], {}
    for k, disagreement in enumerate(disagreements, start=1):
        if not ids & set(disagreement["sentence_ids"]):
            continue
        disputes.append(k)
        values = disagreement["values"]
        # The value shown is the one the sentence states; a generated one states the majority's, listed first.
        shown = next((v for v in values if any(w in record["text"] for w in v["value"].split(" / "))), values[0])
        for value in values:
            if value is not shown:
                differs.update({outlet: one_writing(value["value"]) for outlet in value["outlets"]})
    return PageSentence(number, record, tuple(disputes), differs)


def outlet_columns(outlets: Sequence[str], copies: Sequence[Sequence[str]]) -> list[tuple[str, tuple[str, ...]]]:
    """The coverage table's columns by independent source: the name each source counts as
    (`sources_by_outlet`) and its outlets side by side, that one first. Which of a group's
    articles is the original is not known, so none is called a copy of another."""
    source = sources_by_outlet(copies)
    groups: dict[str, list[str]] = {}
    for outlet in outlets:
        groups.setdefault(source.get(outlet, outlet), []).append(outlet)
    return [(name, tuple(sorted(members, key=lambda o: o != name))) for name, members in groups.items()]


def as_day(value: dt.date | str) -> dt.date:
    """A date of the document: a date while publishing, its ISO text once read back from brief.json."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def render_html(document: dict, files: BriefFiles) -> str:
    """brief.html, from brief.json's document, so that the page and the JSON cannot disagree; it
    links to its siblings by `files`' names."""
    records = [s for section in document["sections"] for s in section["sentences"]]
    sentences = [page_sentence(n, r, document["disagreements"]) for n, r in enumerate(records, start=1)]
    by_record = {id(s.record): s for s in sentences}
    # The lede is the first sentence, shown apart: the sections show the others.
    lede = sentences[0] if document.get("lede") and sentences else None
    sections = [
        (section["label"], shown)
        for section in document["sections"]
        if (shown := [by_record[id(r)] for r in section["sentences"] if by_record[id(r)] is not lede])
    ]
    columns = outlet_columns(document["outlets"], document["copies"])
    dates = [as_day(a["date"]) for a in document["articles"] if a.get("date")]
    event_date = document["event"].get("date")
    environment = html_environment()
    return environment.get_template("brief.html.j2").render(
        doc=document,
        lede=lede,
        sections=sections,
        sentences=sentences,
        columns=columns,
        column_outlets=[outlet for _, members in columns for outlet in members],
        totals={outlet: sum(outlet in s.record["outlets"] for s in sentences) for outlet in document["outlets"]},
        dates=dates_label(dates, as_day(event_date) if event_date else None),
        updated=shown_time(document["generated_at"]),
        # A brief.json before 1.1 has no "since".
        since=shown_since(document.get("since")),
        csp=CSP,
        files=files,
    )
