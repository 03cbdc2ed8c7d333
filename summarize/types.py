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
class Fact:
    """One fact and every source sentence that states it, from one outlet or several. `text` is the
    wording the brief shows: that of `sources[0]`, one outlet's own sentence."""

    text: str
    sources: tuple[Sentence, ...]

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({s.outlet for s in self.sources}))

    @property
    def support(self) -> int:
        return len(self.outlets)


def source_names(copies: Sequence[Sequence[str]]) -> dict[str, str]:
    """For each outlet in a group carrying copies of one article, the one name the group counts as
    (outlets in no group are their own source)."""
    return {outlet: min(group) for group in copies for outlet in group}


def independent_sources(outlets: Sequence[str], copies: Sequence[Sequence[str]]) -> int:
    """How many sources `outlets` are when outlets carrying copies of one article count once."""
    name = source_names(copies)
    return len({name.get(outlet, outlet) for outlet in outlets})


@dataclass(frozen=True, slots=True)
class Subtopic:
    """Sentences about one aspect of the event, best first; `centrality` is parallel to `sentences`."""

    label: str
    sentences: tuple[Fact, ...]
    centrality: tuple[float, ...]
    importance: float

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({o for s in self.sentences for o in s.outlets}))


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """A sentence of the brief and the source sentences that back it: for an extractive brief,
    every sentence of its fact, the one whose wording is shown first."""

    text: str
    sources: tuple[Sentence, ...]
    # The text as the brief shows it, with each disputed value marked where it stands
    # ("on January 6 (or January 5; sources differ)"); None when nothing in it is disputed.
    marked: str | None = None
    generated: bool = False  # written by the neural writer from its fact's sentences

    @property
    def shown(self) -> str:
        return self.marked or self.text

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({s.outlet for s in self.sources}))

    @property
    def wording_outlet(self) -> str:
        """The outlet whose sentence is shown; none for a generated one."""
        return self.sources[0].outlet if self.sources and not self.generated else ""

    @property
    def also_reported_by(self) -> tuple[str, ...]:
        return tuple(o for o in self.outlets if o != self.wording_outlet)


@dataclass(frozen=True, slots=True)
class BriefSection:
    label: str
    sentences: tuple[BriefSentence, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Outlets stating contradicting values of one quantity of one fact: `kind` "count", "amount"
    or "date"; `subject` what is counted ("agreement"), the currency, or "date"; `values` pairs each
    value as written with its outlets; `fact` is the fact's wording."""

    kind: str
    subject: str
    values: tuple[tuple[str, tuple[str, ...]], ...]
    sentence_ids: tuple[str, ...] = ()
    fact: str = ""

    def as_record(self) -> dict:
        """The JSON shape of a disagreement, in brief.json and in the manifest's counts."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "fact": self.fact,
            "values": [{"value": value, "outlets": list(outlets)} for value, outlets in self.values],
            "sentence_ids": list(self.sentence_ids),
        }


@dataclass(frozen=True, slots=True)
class Brief:
    event_id: str
    title: str
    date: dt.date | None
    sections: tuple[BriefSection, ...]
    outlets: tuple[str, ...]
    disagreements: tuple[Disagreement, ...] = ()
    copies: tuple[tuple[str, ...], ...] = ()  # outlets carrying copies of one article: one source

    def support(self, sentence: BriefSentence) -> int:
        """How many independent sources report the sentence's fact."""
        return independent_sources(sentence.outlets, self.copies)

    @property
    def sources_count(self) -> int:
        return independent_sources(self.outlets, self.copies)

    @property
    def sentences(self) -> tuple[BriefSentence, ...]:
        return tuple(s for section in self.sections for s in section.sentences)

    @property
    def disputed_sentence_ids(self) -> frozenset[str]:
        return frozenset(i for d in self.disagreements for i in d.sentence_ids)

    @property
    def word_count(self) -> int:
        return sum(len(s.shown.split()) for s in self.sentences)


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
    parser: Any = None  # spaCy's English pipeline (summarize.nlp.values.load_parser)


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
    values: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # align: StatedValues by sentence id
    facts: tuple[Fact, ...] = ()  # align
    copies: tuple[tuple[str, ...], ...] = ()  # align: outlets whose articles are copies of one another
    disagreements: tuple[Disagreement, ...] = ()  # claims
    subtopics: tuple[Subtopic, ...] = ()  # cluster
    fused: tuple[Fact, ...] = ()  # generate: the facts the neural writer fused, each from all its outlets
    generations: tuple[Generation, ...] = ()  # generate: one per fused fact
    guarded: tuple[GuardedSentence, ...] = ()  # guard: each generation's sentence and its verdict
    brief: Brief | None = None  # write
    scores: dict[str, Any] | None = None  # score
