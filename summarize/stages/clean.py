"""Stage: keep only the event's news in each article, and record every block dropped and why.

A block is one line of the scraped page. Only an article's lead (its first `max_words` words) is
cleaned and handed on: everything from here on costs time per sentence. Markdown images are taken
out of each block first. Cheap structural checks run next (boilerplate, language,
related-story lists, headings and fragments); the topic check, which needs embeddings, runs last on
what is left of all articles together.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from summarize.errors import InputError
from summarize.nlp.neighbours import block_rows
from summarize.nlp.sentence_splitter import SENTENCE_END, punkt_tokenizer
from summarize.settings import CleanSettings, EventSettings
from summarize.types import Article, DroppedBlock, Encoder, EventWork, Models

DROP_REASONS = ("related_list", "boilerplate", "foreign_language", "fragment", "off_topic")
# Fewer words than this give the language detector too little to go on.
MIN_WORDS_FOR_LANGUAGE = 3
WORD = re.compile(r"\S+")
# A Markdown image (and the space before it), as scrapers of Markdown pages leave them: `![alt](url
# "title")`, the URL may hold one level of parentheses. The bounded repeats keep a line full of
# brackets linear; real alt texts and URLs are far shorter.
MARKDOWN_IMAGE = re.compile(
    r"\s?!\[[^\[\]\n]{0,500}\]\((?:[^()\s]|\([^()\s]{0,200}\)){0,2000}(?:\s\"[^\"\n]{0,500}\")?\)"
)


def leading_sentences(block: str, max_words: int) -> str:
    """The whole sentences of `block` within its first `max_words` words ("" when the first is longer)."""
    words = list(itertools.islice(WORD.finditer(block), max_words + 1))
    if len(words) <= max_words:
        return block
    # Punkt decides a break by the word after it, so it sees one word past the budget; the last
    # sentence holds that word and goes.
    spans = list(punkt_tokenizer().span_tokenize(block[: words[max_words].end()]))
    return block[: spans[-2][1]] if len(spans) > 1 else ""


def article_lead(article: Article, max_words: int) -> tuple[Article, int]:
    """The article's blocks up to its first `max_words` words, cut at a sentence end, and the
    number of words left out."""
    budget = max_words
    for index, block in enumerate(article.paragraphs):
        words = len(block.split())
        if words > budget:
            head = leading_sentences(block, budget)
            rest = sum(len(b.split()) for b in article.paragraphs[index + 1 :])
            paragraphs = article.paragraphs[:index] + ((head,) if head else ())
            return dataclasses.replace(article, paragraphs=paragraphs), words - len(head.split()) + rest
        budget -= words
    return article, 0


def without_images(block: str) -> str:
    """The block without its Markdown images: markup, not prose. The image's "!" would end a
    sentence ("Lee said Korea wants !") and its URL start the next. Links stay: their text is
    prose, and the publisher escapes the rest."""
    text = MARKDOWN_IMAGE.sub("", block)
    return text.strip() if text != block else block


class LanguageFilter:
    """Tells whether a block is confidently in another language than the event's."""

    def __init__(self, language: str, candidates: Sequence[str], low_accuracy: bool):
        codes = {language, *candidates}
        languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
        self.language = Language.from_iso_code_639_1(getattr(IsoCode639_1, language.upper()))
        # The minimum distance makes the detector answer None when unsure, and unsure means keep.
        builder = LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.1)
        self.detector = (builder.with_low_accuracy_mode() if low_accuracy else builder).build()

    def is_foreign(self, block: str) -> bool:
        if len(block.split()) < MIN_WORDS_FOR_LANGUAGE:
            return False
        # Read whole and read without its names, a block must be in another language both ways.
        return all(self.other_language(text) for text in {block, without_names(block)})

    def other_language(self, text: str) -> bool:
        detected = self.detector.detect_language_of(text)
        return detected is not None and detected != self.language


def without_names(block: str) -> str:
    """The block's words that do not start with a capital, when there are enough of them. Names
    say where a story happens, not what language it is written in: "Culture Minister Adrien
    Solère branded the break-in ..." read whole is French to the detector. The rest alone can
    mislead too ("met at the of the in on"), so `is_foreign` reads a block both ways."""
    plain = [word for word in block.split() if not word[:1].isupper()]
    return " ".join(plain) if len(plain) >= MIN_WORDS_FOR_LANGUAGE else block


def _marker_key(block: str) -> str:
    return re.sub(r"[^\w ]+", "", block.lower()).strip()


class StructureFilter:
    """The cheap checks, block by block: boilerplate, language, related-story lists, headings and
    fragments. Built once per event (its language) from the clean settings."""

    def __init__(self, settings: CleanSettings, language: str):
        self.settings = settings
        self.boilerplate = [re.compile(p, re.IGNORECASE) for p in settings.boilerplate_patterns]
        self.markers = {_marker_key(m) for m in settings.related_markers}
        self.language = LanguageFilter(language, settings.candidate_languages, settings.language_low_accuracy)

    def reason(self, block: str, in_related_list: bool) -> str | None:
        """Why a block is not body text, or None when it may be."""
        words = len(block.split())
        if words <= self.settings.boilerplate_max_words and any(p.search(block) for p in self.boilerplate):
            return "boilerplate"
        if self.language.is_foreign(block):
            return "foreign_language"
        if in_related_list:
            return "related_list"
        if words < self.settings.min_words or not block.endswith(SENTENCE_END):
            return "fragment"
        return None

    def sort(self, articles: Sequence[Article]) -> tuple[list[DroppedBlock], list[tuple[int, str]]]:
        """The blocks dropped, and the (article index, block) candidates that passed."""
        dropped, candidates = [], []
        for index, article in enumerate(articles):
            in_related_list = False
            for raw in article.paragraphs:
                block = without_images(raw)
                if _marker_key(block) in self.markers:
                    in_related_list = True
                    reason = "related_list"
                else:
                    reason = self.reason(block, in_related_list)
                if reason:
                    dropped.append(DroppedBlock(article.id, reason, raw))
                else:
                    candidates.append((index, block))
        return dropped, candidates


def corroborated(blocks: Sequence[str], owners: Sequence[int], encoder: Encoder, min_cosine: float) -> np.ndarray:
    """True for blocks with a sentence that another article states in nearly the same meaning.
    What two outlets both report is the event's news, whatever its words; a teaser of another
    story or a subscription blurb belongs to one outlet."""
    split = punkt_tokenizer().tokenize
    sentences = [split(block) or [block] for block in blocks]
    block_of = np.repeat(np.arange(len(blocks)), [len(s) for s in sentences])
    vectors = encoder.encode([s for block in sentences for s in block])
    article_of = np.asarray(owners)[block_of]
    closest = np.full(len(vectors), -1.0)
    step = block_rows(len(vectors))
    for start in range(0, len(vectors), step):  # a block of rows at a time: memory stays bounded
        rows = slice(start, start + step)
        similarity = vectors[rows] @ vectors.T
        similarity[article_of[rows, None] == article_of[None, :]] = -1.0
        closest[rows] = similarity.max(1)
    best = np.full(len(blocks), -1.0)
    np.maximum.at(best, block_of, closest)
    return best >= min_cosine


def off_topic_mask(
    blocks: Sequence[str], owners: Sequence[int], encoder: Encoder, event: EventSettings, settings: CleanSettings
) -> np.ndarray:
    """True for blocks off the event's topic; `owners` are the blocks' article indices.

    Blocks very close to the title form the event's core; so do blocks that another article
    corroborates. Any other block must name one of the event's keywords and lie close enough to
    the core's centroid. Similarity alone does not separate teasers of neighbouring stories
    (other visitors to the same capital) from terse body paragraphs, but the keyword does.
    """
    vectors = encoder.encode_passages(list(blocks))
    core = np.zeros(len(blocks), dtype=bool)
    if event.title:
        core = vectors @ encoder.encode([event.title])[0] >= settings.core_similarity
    centroid = vectors[core].mean(0) if core.any() else vectors.mean(0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    close = vectors @ centroid >= settings.min_similarity
    if event.keywords:
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, event.keywords)) + r")\b")
        close &= np.array([bool(pattern.search(b)) for b in blocks])
    return ~(core | close | corroborated(blocks, owners, encoder, settings.corroboration_cosine))


def clean_articles(
    articles: Sequence[Article], encoder: Encoder, event: EventSettings, settings: CleanSettings
) -> tuple[list[Article], list[DroppedBlock]]:
    """The articles with only their on-topic body paragraphs (empty articles removed), and the drops:
    the structural checks first, then the topic check on what is left of all articles together."""
    dropped, candidates = StructureFilter(settings, event.language).sort(articles)
    blocks, owners = [block for _, block in candidates], [index for index, _ in candidates]
    off_topic = off_topic_mask(blocks, owners, encoder, event, settings) if candidates else ()
    kept: list[list[str]] = [[] for _ in articles]
    for (index, block), is_off in zip(candidates, off_topic):
        if is_off:
            dropped.append(DroppedBlock(articles[index].id, "off_topic", block))
        else:
            kept[index].append(block)
    cleaned = [dataclasses.replace(article, paragraphs=tuple(blocks)) for article, blocks in zip(articles, kept) if blocks]
    return cleaned, dropped


def nothing_left_message(articles: Sequence[Article], dropped: Sequence[DroppedBlock], event: EventSettings) -> str:
    foreign = Counter(d.article_id for d in dropped if d.reason == "foreign_language")
    if all(foreign[a.id] * 2 >= len(a.paragraphs) for a in articles):
        return f"all {len(articles)} articles of {event.id} are in another language than event.language={event.language!r}"
    reasons = Counter(d.reason for d in dropped)
    return (
        f"nothing left of the {len(articles)} articles of {event.id} after cleaning "
        f"(blocks dropped: {', '.join(f'{reason} {n}' for reason, n in reasons.most_common())})"
    )


class CleanStage:
    """Each article's lead (its first `max_words` words), with only the event's news kept."""

    reads = ("event", "articles")
    writes = ("cleaned", "dropped")

    def __init__(self, settings: CleanSettings, models: Models):
        self.settings = settings
        self.encoder = models.encoder

    def __call__(self, work: EventWork) -> tuple[EventWork, dict]:
        cut = [article_lead(a, self.settings.max_words) for a in work.articles]
        leads, left_out = [lead for lead, _ in cut], [n for _, n in cut]
        cleaned, dropped = clean_articles(leads, self.encoder, work.event, self.settings)
        by_reason = Counter(d.reason for d in dropped)
        counts = {
            "blocks_kept": sum(len(a.paragraphs) for a in cleaned),
            "dropped": {reason: by_reason[reason] for reason in DROP_REASONS},
            "articles_kept": len(cleaned),
            # Words past clean.max_words, never looked at: how much of the input the brief did not read.
            "words_left_out": sum(left_out),
            "articles_cut": sum(n > 0 for n in left_out),
        }
        if not cleaned:
            raise InputError(nothing_left_message(leads, dropped, work.event), counts=counts)
        return dataclasses.replace(work, cleaned=tuple(cleaned), dropped=tuple(dropped)), counts
