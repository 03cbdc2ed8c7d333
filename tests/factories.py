"""Small builders for hand-made pipeline records and the composed config (imported by the test modules)."""

from __future__ import annotations

import datetime as dt

# The one way tests compose the project's config, as `python -m summarize OVERRIDES...` sees it.
from summarize.config import compose as compose_config  # noqa: F401  (re-exported)
from summarize.settings import EventSettings
from summarize.types import Article, Brief, BriefSection, BriefSentence, EventWork, Fact, Sentence, Subtopic


def article(
    article_id: str,
    paragraphs: list[str] | tuple[str, ...],
    *,
    outlet: str | None = None,
    title: str | None = None,
    date: dt.date | None = None,
    url: str | None = None,
) -> Article:
    return Article(
        id=article_id,
        outlet=outlet or f"Outlet {article_id}",
        title=title,
        date=date,
        paragraphs=tuple(paragraphs),
        path=f"/nowhere/{article_id}.txt",
        sha256="0" * 64,
        url=url,
        file_name=f"{article_id}.txt",
    )


def sentence(text: str, *, outlet: str = "A", article_id: str | None = None, position: int = 0) -> Sentence:
    article_id = article_id or f"art-{outlet}"
    return Sentence(
        id=f"{article_id}:{position}", article_id=article_id, outlet=outlet, text=text, position=position
    )


def supported(text: str, *outlets: str) -> Fact:
    """A fact stated in these words by each of `outlets` (default one outlet, "A")."""
    outlets = outlets or ("A",)
    return Fact(text=text, sentences=tuple(sentence(text, outlet=o, position=i) for i, o in enumerate(outlets)))


def subtopic(label: str, facts: list[Fact], importance: float = 1.0) -> Subtopic:
    return Subtopic(label=label, facts=tuple(facts), importance=importance)


def event(event_id: str = "ev", **fields) -> EventSettings:
    return EventSettings(id=event_id, inputs=fields.pop("inputs", "/nowhere"), **fields)


def work(subtopics: list[Subtopic], *, event_settings: EventSettings | None = None, **fields) -> EventWork:
    """An event handed to the write stage: its subtopics and whatever else `fields` set."""
    return EventWork(event_settings or event(title="Lee visits China", date="2026-01-06"), subtopics=tuple(subtopics), **fields)


def brief_sentence(text: str, *outlets: str) -> BriefSentence:
    s = supported(text, *outlets)
    return BriefSentence(text=s.text, backing=s.sentences)


def brief(sections: dict[str, list[BriefSentence]], *, outlets: tuple[str, ...] | None = None,
          title: str = "Test event", date: dt.date | None = dt.date(2026, 1, 5)) -> Brief:
    built = tuple(BriefSection(label=label, sentences=tuple(s)) for label, s in sections.items())
    if outlets is None:
        outlets = tuple(sorted({o for section in built for s in section.sentences for o in s.outlets}))
    return Brief(event_id="test_event", title=title, date=date, sections=built, outlets=outlets)
