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

from summarize.runtime.layout import BriefFiles
from summarize.types import Article, Brief, BriefSentence, web_url

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
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp"):
        return " " if ch.isspace() else ""
    if category in ("Cf", "Cs") or is_noncharacter(ch):
        return ""
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
    return environment


def _json_default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_text(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def sentence_record(brief: Brief, sentence: BriefSentence) -> dict:
    """One brief sentence in brief.json: what brief.html shows of it, and the sentences behind it."""
    return {
        "text": sentence.text,
        "shown": sentence.shown,
        # The outlet whose wording is shown; the others report the same fact.
        "wording_outlet": sentence.wording_outlet,
        "generated": sentence.generated,
        "outlets": list(sentence.outlets),
        # "2 of 5": kept for programs that read it; "support" is the wording every output shows.
        "outlets_backing": f"{brief.support(sentence)} of {brief.source_count}",
        "support": brief.support_text(sentence),
        "disputed": any(s.id in brief.disputed_sentence_ids for s in sentence.backing),
        "sources": [dataclasses.asdict(s) for s in sentence.backing],
    }


def brief_document(brief: Brief, articles: Sequence[Article], scores: dict, generated_at: str) -> dict:
    """brief.json's content (without the run key, which the publisher adds), every string as it
    may be published: article ids and paths come from file names, the title from the config."""
    return published_data({
        "event": {"id": brief.event_id, "title": brief.title, "date": brief.date},
        "generated_at": generated_at,
        "words": brief.word_count,
        "outlets": list(brief.outlets),  # every outlet, copies included
        # The index words its entry from these two numbers, as brief.md and brief.html do.
        "independent_sources": brief.source_count,
        "coverage": brief.coverage,
        "copies": [list(group) for group in brief.copies],
        # What happened: the first sentence of the first section, given apart (None: no lede).
        "lede": sentence_record(brief, brief.lede) if brief.lede else None,
        "sections": [
            {"label": section.label, "sentences": [sentence_record(brief, s) for s in section.sentences]}
            for section in brief.sections
        ],
        "disagreements": [d.as_record() for d in brief.disagreements],
        "articles": [
            # "path" is the file's name inside the event's folder: where this machine keeps its
            # files is nobody's business (and would tell an attacker where to aim).
            {"id": a.id, "outlet": a.outlet, "title": a.title, "date": a.date, "url": web_url(a.url),
             "path": a.file_name, "sha256": a.sha256}
            for a in articles
        ],
        "scores": scores,
    })


def render_markdown(brief: Brief, articles: Sequence[Article], generated_at: str) -> str:
    environment = template_environment()
    environment.filters["md"] = md_escape
    environment.filters["md_link_target"] = md_link_target
    return environment.get_template("brief.md.j2").render(
        brief=brief, articles=articles, generated_at=generated_at
    )


def html_environment() -> jinja2.Environment:
    """The templates of the web pages and the feed: autoescape on, so that no text from an article
    or the config can become markup (HTML escaping is valid XML too), and every printed value
    published_text, so that none can break the feed's XML."""
    return template_environment(autoescape=True)


def render_html(document: dict, files: BriefFiles) -> str:
    """brief.html, from brief.json's document, so that the page and the JSON cannot disagree; it
    links to its siblings by `files`' names."""
    sentences = [s for section in document["sections"] for s in section["sentences"]]
    return html_environment().get_template("brief.html.j2").render(
        doc=document, sentences=sentences, csp=CSP, files=files
    )
