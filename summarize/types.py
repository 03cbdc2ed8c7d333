"""The data that flows through the pipeline, one way, from files to the published brief.

Every stage imports from here and from no other stage. The words, as the code uses them:

    article          one scraped file of the event (`Article`)
    outlet           who published an article: the event's outlet name for its file, else the file name
    source           an independent outlet: outlets whose articles are copies of one article
                     (syndicated, scraped twice) are one source
    sentence         one sentence of one article (`Sentence`)
    fact             what one or several sentences state, in any wording (`Fact`): its sentences
    support          how many sources report a fact; always counts copies once (`count_sources`)
    subtopic         facts about one aspect of the event, best first (`Subtopic`)
    brief sentence   a sentence the brief shows, with the sentences that back it (`BriefSentence`);
                     brief.json lists those as a sentence's "sources"
    disagreement     outlets giving different values of one quantity of one fact (`Disagreement`)
    previous brief   the event's brief readers had before this run (`PreviousBrief`): its facts as
                     it carried them (`CarriedFact`), which this run's facts are compared with
    change           what a fact of this run says that the previous brief did not (`Changes`)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from summarize.settings import EventSettings

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
    path: str  # where this machine read it: for the run's log and manifest, never published
    sha256: str
    url: str | None = None  # the original's address, an http(s) URL (`web_url`), when the input names one
    # The file's name inside the event's folder ("003.txt", "day1/feed.jsonl"): what brief.json
    # publishes instead of `path`, which would tell readers where the machine keeps its files.
    file_name: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


# The only addresses a published brief links to: pages on the web. javascript:, data:, file: and
# relative paths would run code, embed content or point into the reader's own machine.
WEB_SCHEMES = ("http", "https")


def web_url(value: object) -> str | None:
    """`value` if it is an absolute http(s) URL with a host, else None. Whitespace and control
    characters anywhere refuse it: browsers drop some of them ("java\tscript:") before reading the
    scheme, so what is checked here must be exactly what a browser would follow."""
    if not isinstance(value, str) or not value or not value.isprintable() or any(ch.isspace() for ch in value):
        return None
    try:
        parts = urllib.parse.urlsplit(value)
        host, _ = parts.hostname, parts.port  # reading the port checks it is a number
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number
        return None
    return value if parts.scheme.lower() in WEB_SCHEMES and host else None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of one article; `position` orders sentences within their article."""

    id: str
    article_id: str
    outlet: str
    text: str
    position: int


def outlets_of(sentences: Sequence[Sentence]) -> tuple[str, ...]:
    return tuple(sorted({s.outlet for s in sentences}))


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact and every sentence that states it, from one outlet or several. `text` is the
    wording the brief shows: that of `sentences[0]`, one outlet's own sentence."""

    text: str
    sentences: tuple[Sentence, ...]

    @property
    def outlets(self) -> tuple[str, ...]:
        return outlets_of(self.sentences)


def sources_by_outlet(copies: Sequence[Sequence[str]]) -> dict[str, str]:
    """For each outlet in a group carrying copies of one article, the one name the group counts as
    (outlets in no group are their own source)."""
    by_outlet: dict[str, str] = {}
    for group in copies:
        # Once per group: per outlet, a group of a thousand copies (small articles syndicated
        # from one wire) cost a million comparisons on every count.
        by_outlet.update(dict.fromkeys(group, min(group)))
    return by_outlet


def count_sources(outlets: Sequence[str], copies: Sequence[Sequence[str]]) -> int:
    """How many sources `outlets` are when outlets carrying copies of one article count once."""
    source = sources_by_outlet(copies)
    return len({source.get(outlet, outlet) for outlet in outlets})


@dataclass(frozen=True, slots=True)
class Subtopic:
    """Facts about one aspect of the event, best first; `importance` ranks subtopics."""

    label: str
    facts: tuple[Fact, ...]
    importance: float

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({o for fact in self.facts for o in fact.outlets}))


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """A sentence of the brief and the sentences that back it: for an extractive brief, every
    sentence of its fact, the one whose wording is shown first."""

    text: str
    backing: tuple[Sentence, ...]
    # The text as the brief shows it, with each disputed value marked where it stands
    # ("on January 6 (or January 5; sources differ)"); None when nothing in it is disputed.
    marked: str | None = None
    generated: bool = False  # written by the neural writer from its fact's sentences
    # Since the previous brief: "new" (a fact it did not report) or "changed" (a value it gave
    # differently); None on a first brief and for a fact it already reported as it is.
    change: str | None = None

    @property
    def shown(self) -> str:
        return self.marked or self.text

    @property
    def outlets(self) -> tuple[str, ...]:
        return outlets_of(self.backing)

    @property
    def fact_id(self) -> str:
        """The name of its fact within the run (`fact_id`)."""
        return self.backing[0].id if self.backing else ""

    @property
    def wording_outlet(self) -> str:
        """The outlet whose sentence is shown; none for a generated one."""
        return self.backing[0].outlet if self.backing and not self.generated else ""

    @property
    def also_reported_by(self) -> tuple[str, ...]:
        return tuple(o for o in self.outlets if o != self.wording_outlet)


@dataclass(frozen=True, slots=True)
class BriefSection:
    label: str
    sentences: tuple[BriefSentence, ...]


# A normalised number: its qualifier (summarize.nlp.values.QUALIFIERS: ">" for "more than" or
# "at least", "<" for "up to" or "nearly", "~" for "about") and its digits.
NORMALISED_NUMBER = re.compile(r"(?P<qualifier>[<>~]?)(?P<number>\d+(?:\.\d+)?)")
# The qualifier as brief.json names it.
BOUNDS = {">": "lower_bound", "<": "upper_bound", "~": "approximate", "": "exact"}


def normalised_record(kind: str, subject: str, value: str) -> dict:
    """A value as the claims stage compares it (StatedValue.value: "15", ">200", "~300",
    "2000000000", "2026-01-05", a surname), as data a program compares without parsing prose:
    a count's number, bound and unit (what is counted), an amount's number, bound, ISO 4217
    currency and period ("USD/year" is a rate), a date in ISO 8601, a name."""
    if kind == "date":
        return {"date": value}
    number = NORMALISED_NUMBER.fullmatch(value)
    if kind not in ("count", "amount") or number is None:
        return {"name": value} if kind == "name" else {"text": value}
    digits = number["number"]
    amount: int | float = float(digits) if "." in digits else int(digits)
    record = {"number": amount, "bound": BOUNDS[number["qualifier"]]}
    if kind == "count":
        return record | {"unit": subject}
    currency, _, period = subject.partition("/")
    return record | {"currency": currency, "per": period or None}


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Outlets stating contradicting values of one quantity of one fact: `kind` "count", "amount",
    "date" or "name"; `subject` what is counted ("agreement"), the currency, or "date"; `values`
    pairs each value as written with its outlets; `normalised` gives, side by side with `values`,
    the normalised values (StatedValue.value) each side stands for; `fact` is the fact's wording."""

    kind: str
    subject: str
    values: tuple[tuple[str, tuple[str, ...]], ...]
    sentence_ids: tuple[str, ...] = ()
    fact: str = ""
    normalised: tuple[tuple[str, ...], ...] = ()

    def as_record(self) -> dict:
        """The JSON shape of a disagreement, in brief.json and in the manifest's counts."""
        normalised = self.normalised or ((),) * len(self.values)
        return {
            "kind": self.kind,
            "subject": self.subject,
            "fact": self.fact,
            "values": [
                {
                    "value": value,
                    "outlets": list(outlets),
                    "normalised": [normalised_record(self.kind, self.subject, v) for v in side],
                }
                for (value, outlets), side in zip(self.values, normalised, strict=True)
            ],
            "sentence_ids": list(self.sentence_ids),
        }


def counted(count: int, noun: str) -> str:
    """"1 outlet", "6 outlets": the number and its noun, as every output words a count."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def coverage_phrase(outlets: int, sources: int) -> str:
    """How many outlets an event's brief drew on and how many independent sources they are
    ("6 outlets, 5 independent sources"), in the one wording brief.md, brief.html, brief.json and
    the index share. Always both parts, outlets first, so that the first "<N> outlets" a reader or
    a program finds anywhere is the length of brief.json's "outlets" list."""
    return f"{counted(outlets, 'outlet')}, {counted(sources, 'independent source')}"


def support_phrase(support: int, sources: int) -> str:
    """How many of the event's independent sources report one brief sentence ("2 of 5 independent
    sources"), the same in every output; copies count once on both sides of the "of"."""
    return f"{support} of {counted(sources, 'independent source')}"


def fingerprint(text: str) -> str:
    """A sentence's text as a short digest, the same for the same words however spaced or cased:
    how a fact remembers its sentences for the next run without keeping their text (brief.json
    "facts"), and how the next run knows an unchanged article's sentences again."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class CarriedValue:
    """A value a fact gives, as the next run compares it: what it is of (StatedValue's kind and
    key), the value normalised, and as written."""

    kind: str
    key: str
    value: str
    written: str
    # What is done to or said of it (StatedValue.predicate): "four miners killed" and "six miners
    # rescued" count one noun but two things.
    predicate: str = ""


@dataclass(frozen=True, slots=True)
class CarriedFact:
    """One fact of a published brief, as the next run reads it back from brief.json: its wording,
    its outlets, its sentences' fingerprints, the values it gives (each quantity's majority among
    its sentences) and whether the brief showed it."""

    text: str
    outlets: tuple[str, ...]
    fingerprints: tuple[str, ...]
    values: tuple[CarriedValue, ...] = ()
    shown: bool = False


@dataclass(frozen=True, slots=True)
class PreviousBrief:
    """The event's brief readers had when this run started: when it was published, its version,
    its facts, the outlet groups it counted as one source, its disagreements as (kind, subject,
    the wording of the fact disputed), and the SHA-256 of each article it was written from."""

    generated_at: str
    version: str | None
    facts: tuple[CarriedFact, ...]
    copies: tuple[tuple[str, ...], ...] = ()
    disputed: frozenset[tuple[str, str, str]] = frozenset()
    articles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ValueChange:
    """A value of a fact that the previous brief gave otherwise ("injured: 14 -> 19"); `fact` is
    the fact's wording in this run."""

    fact: str
    kind: str
    key: str
    before: CarriedValue
    after: CarriedValue


@dataclass(frozen=True, slots=True)
class Changes:
    """What this run's facts say that the previous brief's did not. Facts are named by the id of
    their first sentence (`fact_id`): the brief's sentences are backed by these facts' sentences.
    `new`: facts no source of the previous brief stated; `changed`: facts whose values changed;
    `new_outlets`: the independent sources newly reporting a fact already known; `gone`: facts the
    previous brief showed that no article states now; `new_disagreements`: disputes about a
    quantity the previous brief did not dispute."""

    since: str  # the previous brief's generated_at
    previous_version: str | None
    new: frozenset[str] = frozenset()
    changed: dict[str, tuple[ValueChange, ...]] = field(default_factory=dict)
    new_outlets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    gone: tuple[CarriedFact, ...] = ()
    new_disagreements: tuple[Disagreement, ...] = ()

    def mark(self, fact_id: str) -> str | None:
        """"new", "changed" or None: how the brief marks a sentence of this fact."""
        return "new" if fact_id in self.new else "changed" if fact_id in self.changed else None

    @property
    def novel(self) -> frozenset[str]:
        """The facts a reader of the previous brief has not read: new or changed."""
        return self.new | frozenset(self.changed)


def fact_id(fact: Fact) -> str:
    """The name of a fact within one run: its first sentence's id (a sentence is in one fact)."""
    return fact.sentences[0].id if fact.sentences else ""


@dataclass(frozen=True, slots=True)
class Brief:
    event_id: str
    title: str
    date: dt.date | None
    sections: tuple[BriefSection, ...]
    outlets: tuple[str, ...]
    disagreements: tuple[Disagreement, ...] = ()
    copies: tuple[tuple[str, ...], ...] = ()  # outlets carrying copies of one article: one source
    # What happened, in one sentence: the core fact's (the one the most independent sources
    # report). It is the first sentence of the first section, where brief.json keeps it too, so
    # that a program reading the sections still finds every sentence; the pages show it apart,
    # before the sections, and not again in them. None when the brief has none.
    lede: BriefSentence | None = None
    # Every fact of the event as the next run reads it back (brief.json "facts").
    carried: tuple[CarriedFact, ...] = ()
    # What changed since the previous brief; None on the event's first brief.
    changes: Changes | None = None

    def support(self, sentence: BriefSentence) -> int:
        """How many sources report the sentence's fact."""
        return count_sources(sentence.outlets, self.copies)

    @property
    def source_count(self) -> int:
        """How many sources the brief drew on, cited or not."""
        return count_sources(self.outlets, self.copies)

    @property
    def coverage(self) -> str:
        return coverage_phrase(len(self.outlets), self.source_count)

    def support_text(self, sentence: BriefSentence) -> str:
        return support_phrase(self.support(sentence), self.source_count)

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
    """What a neural writer produced for one fact, and what its input cost."""

    text: str
    input_tokens: int
    dropped_tokens: int
    new_tokens: int


@dataclass(frozen=True, slots=True)
class GuardedSentence:
    """A generated sentence and the guard's verdict: kept (`reason` None), or rejected for `reason`."""

    text: str
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.reason is None


class Encoder(Protocol):
    """What the stages need of a sentence encoder (summarize.nlp.embed.SentenceEncoder)."""

    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, passages: Sequence[str]) -> np.ndarray: ...


class Writer(Protocol):
    """A neural writer (summarize.nlp.writers): one generation per fact of the batch, each fact
    given as its documents (one per outlet)."""

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
    it on and hands it on with the fields it declares (`Stage.writes`) filled in; every field is
    written by one stage and never changed after (tests/test_contracts.py checks the declarations
    against the stage table, summarize.runtime.runner each run against what a stage changed)."""

    event: EventSettings  # given: the run starts from it
    # Given too: the brief readers had when the run started (None: none, or none readable).
    previous: PreviousBrief | None = None
    articles: tuple[Article, ...] = ()
    reference: str | None = None  # the human summary scored against, if any
    cleaned: tuple[Article, ...] = ()  # the articles' on-topic body blocks
    dropped: tuple[DroppedBlock, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    values: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # StatedValues by sentence id
    facts: tuple[Fact, ...] = ()
    copies: tuple[tuple[str, ...], ...] = ()  # outlets whose articles are copies of one another
    disagreements: tuple[Disagreement, ...] = ()
    # The facts with only the sentences that give the value most sources give (or a compatible
    # one): what the brief ranks and cites; the other values stand in `disagreements`.
    attributed: tuple[Fact, ...] = ()
    # Every value the claims stage read, by sentence id: one per quantity (kind, key) a sentence states.
    stated: dict[str, dict[tuple[str, str], Any]] = field(default_factory=dict)
    changes: Changes | None = None  # since `previous`; None without one
    carried: tuple[CarriedFact, ...] = ()  # the facts as the next run will read them back
    subtopics: tuple[Subtopic, ...] = ()
    fused: tuple[Fact, ...] = ()  # the facts the neural writer fused, each from all its outlets
    generations: tuple[Generation, ...] = ()  # one per fused fact
    guarded: tuple[GuardedSentence, ...] = ()  # each generation's sentence and its verdict
    brief: Brief | None = None
    scores: dict[str, Any] | None = None


class Stage(Protocol):
    """A stage (summarize/stages/<name>.py, class <Name>Stage): built once per event from its
    typed settings (summarize/settings.py) and the process's models, then called on the event.
    Like a spaCy component it declares the `EventWork` fields it reads and the ones it writes; it
    returns the event handed on and the counts it reports (lists of records are shown in the log
    by their length, and kept whole in the manifest)."""

    reads: ClassVar[tuple[str, ...]]
    writes: ClassVar[tuple[str, ...]]

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]: ...
