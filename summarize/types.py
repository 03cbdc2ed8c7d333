"""The data that flows through the pipeline, one way, from files to the published brief.

Every stage imports from here and from no other stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Article:
    """One scraped article; `paragraphs` are its non-empty lines (blocks) in order."""

    id: str
    outlet: str
    title: str | None
    date: dt.date | None
    paragraphs: tuple[str, ...]
    path: str
    sha256: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of one article; `position` orders sentences within their article."""

    id: str
    article_id: str
    outlet: str
    text: str
    position: int


@dataclass(frozen=True, slots=True)
class SupportedSentence:
    """A sentence standing for a group of near-identical sentences, and every outlet that said it."""

    text: str
    sources: tuple[Sentence, ...]

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({s.outlet for s in self.sources}))

    @property
    def support(self) -> int:
        return len(self.outlets)


@dataclass(frozen=True, slots=True)
class Subtopic:
    """Sentences about one aspect of the event, best first; `centrality` is parallel to `sentences`."""

    label: str
    sentences: tuple[SupportedSentence, ...]
    centrality: tuple[float, ...]
    importance: float

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({o for s in self.sentences for o in s.outlets}))


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """A sentence of the brief and the source sentences that back it."""

    text: str
    sources: tuple[Sentence, ...]

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({s.outlet for s in self.sources}))


@dataclass(frozen=True, slots=True)
class BriefSection:
    label: str
    sentences: tuple[BriefSentence, ...]


@dataclass(frozen=True, slots=True)
class Claim:
    """A comparable statement: a count of something, or the date of an event, as one sentence puts it."""

    kind: str  # "count" or "date"
    subject: str  # what is counted ("agreements") or dated ("meeting")
    value: str  # normalised: "15", ">200", "2026-01-05"
    text: str  # as written: "15 cooperation agreements"
    sentence: Sentence


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Outlets stating different values for one subject; `values` pairs each value with its outlets."""

    kind: str
    subject: str
    values: tuple[tuple[str, tuple[str, ...]], ...]
    sentence_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Brief:
    event_id: str
    title: str
    date: dt.date | None
    sections: tuple[BriefSection, ...]
    outlets: tuple[str, ...]
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def sentences(self) -> tuple[BriefSentence, ...]:
        return tuple(s for section in self.sections for s in section.sentences)

    @property
    def disputed_sentence_ids(self) -> frozenset[str]:
        return frozenset(i for d in self.disagreements for i in d.sentence_ids)

    @property
    def word_count(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)


@dataclass(frozen=True, slots=True)
class DroppedBlock:
    """A block the clean stage removed, and why (one of `clean.DROP_REASONS`)."""

    article_id: str
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class Generation:
    """What a neural writer produced for one subtopic, and what its input cost."""

    text: str
    input_tokens: int
    dropped_tokens: int
    new_tokens: int
