"""The data that flows through the pipeline, one way, from files to the published brief.

Every stage imports from here and from no other stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np


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

    def as_record(self) -> dict:
        """The JSON shape of a disagreement, in brief.json and in the manifest's counts."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "values": [{"value": value, "outlets": list(outlets)} for value, outlets in self.values],
        }


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


@dataclass(frozen=True, slots=True)
class GuardedSentence:
    """A generated sentence and the guard's verdict: kept with the source sentences that back it
    (`reason` None), or rejected for `reason`."""

    text: str
    reason: str | None
    backing: tuple[Sentence, ...] = ()

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True, slots=True)
class Event:
    """One event as its validated config describes it (conf/event/NAME.yaml)."""

    id: str
    inputs: str
    title: str | None = None
    date: dt.date | None = None
    language: str = "en"
    reference: str | None = None
    keywords: tuple[str, ...] = ()
    outlets: dict[str, str] = field(default_factory=dict)


class Encoder(Protocol):
    """What the stages need of a sentence encoder (summarize.nlp.embed.SentenceEncoder)."""

    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, passages: Sequence[str]) -> np.ndarray: ...


class Writer(Protocol):
    """A neural writer (summarize.stages.generate): one generation per subtopic of the batch."""

    def __call__(self, batch: Sequence[Sequence[str]]) -> list[Generation]: ...


@dataclass(frozen=True, slots=True)
class Models:
    """What is loaded once per process and shared by every event it summarises."""

    encoder: Encoder
    writer: Writer | None  # None: the extractive writer


@dataclass(frozen=True, slots=True)
class EventWork:
    """One event on its way through the stages. Each stage takes it as the previous stage handed
    it on and hands it on with its own part filled in; nothing is changed after it is set."""

    event: Event
    articles: tuple[Article, ...] = ()  # read
    reference: str | None = None  # read: the human summary scored against, if any
    cleaned: tuple[Article, ...] = ()  # clean: the articles' on-topic body blocks
    dropped: tuple[DroppedBlock, ...] = ()  # clean
    sentences: tuple[Sentence, ...] = ()  # split
    unique: tuple[SupportedSentence, ...] = ()  # dedup
    claims: tuple[Claim, ...] = ()  # claims
    disagreements: tuple[Disagreement, ...] = ()  # claims
    subtopics: tuple[Subtopic, ...] = ()  # cluster
    generations: tuple[Generation, ...] = ()  # generate: one per subtopic
    guarded: tuple[tuple[GuardedSentence, ...], ...] = ()  # guard: per subtopic
    brief: Brief | None = None  # write
    scores: dict[str, Any] | None = None  # score
