"""What readers see: the brief's three files (brief.json's document, brief.md, brief.html from the
templates in summarize/templates/), and what the index's pages share with them (runtime/index.py).
No text from an article or the config can become live Markdown or HTML in any of them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence

import jinja2

from summarize.runtime.layout import BriefFiles
from summarize.types import Article, Brief, BriefSentence

# Characters that would turn article text into live Markdown or HTML.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
# The page loads nothing and runs nothing: inline style is all it may use.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"


def md_escape(text: str) -> str:
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


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
    """brief.json's content (without the run key, which the publisher adds)."""
    return {
        "event": {"id": brief.event_id, "title": brief.title, "date": brief.date},
        "generated_at": generated_at,
        "words": brief.word_count,
        "outlets": list(brief.outlets),  # every outlet, copies included
        # The index words its entry from these two numbers, as brief.md and brief.html do.
        "independent_sources": brief.source_count,
        "coverage": brief.coverage,
        "copies": [list(group) for group in brief.copies],
        "sections": [
            {"label": section.label, "sentences": [sentence_record(brief, s) for s in section.sentences]}
            for section in brief.sections
        ],
        "disagreements": [d.as_record() for d in brief.disagreements],
        "articles": [
            {"id": a.id, "outlet": a.outlet, "title": a.title, "date": a.date, "path": a.path, "sha256": a.sha256}
            for a in articles
        ],
        "scores": scores,
    }


def render_markdown(brief: Brief, articles: Sequence[Article], generated_at: str) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("summarize"),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["md"] = md_escape
    return environment.get_template("brief.md.j2").render(
        brief=brief, articles=articles, generated_at=generated_at
    )


def html_environment() -> jinja2.Environment:
    """The templates of the web pages and the feed: autoescape on, so that no text from an article
    or the config can become markup (HTML escaping is valid XML too)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("summarize"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(document: dict, files: BriefFiles) -> str:
    """brief.html, from brief.json's document, so that the page and the JSON cannot disagree; it
    links to its siblings by `files`' names."""
    sentences = [s for section in document["sections"] for s in section["sentences"]]
    return html_environment().get_template("brief.html.j2").render(
        doc=document, sentences=sentences, csp=CSP, files=files
    )
