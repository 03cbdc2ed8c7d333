"""Short headings that name each subtopic of a brief ("The summit", "Business leaders").

A heading is a noun phrase copied from the subtopic's own sentences, so it can say nothing the
sentences do not: a noun with its compound, adjective and possessive modifiers ("North Korea's
missile launch"), optionally followed by "of" and a bare noun ("Memorandums of understanding") or
by a past participle ("Agreements signed"). Candidates are counted by lemma ("agreement" and
"agreements" are one candidate) and shown in the surface form of their best occurrence, so every
content word of a heading appears verbatim, case-insensitively, in the subtopic's sentences.

Score = how often and how prominently the phrase occurs in the subtopic (first sentences and
arguments of the main verb count more) x how much of its words' use falls in this subtopic rather
than the others (a class-TF-IDF-like contrast). The caller parses; nothing here loads a model.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

FALLBACK = "Other developments"

# Modifiers that stay in a heading: "ballistic missile", "North Korea's", "business".
NOUN_MODIFIERS = frozenset({"compound", "amod", "nmod", "poss", "flat"})
# Numbers, dates and amounts go stale or differ between outlets; a heading names a topic, not a figure.
FIGURE_ENTITIES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
# Nouns that fit any story: alone they would name nothing ("The parties", "The backdrop").
VAGUE_NOUNS = frozenset(
    "party side part place time way thing people country nation official leader issue matter "
    "situation number lot hour day week month year report statement source development move "
    "effort fact case area point backdrop opportunity kind term "
    # Light nouns that lean on what follows: "the importance of collaboration" is about collaboration.
    "importance need responsibility role necessity possibility ability desire hope aim goal".split()
)
# Adjectives that date, hedge or praise without naming anything: "new tests" is "tests",
# "strong commercial interest" is "commercial interest".
VAGUE_ADJECTIVES = frozenset(
    "new recent latest current former such other top major key several many "
    "strong big great huge important significant broad broader crucial pivotal keen".split()
)
# "Officials said" names the reporting, not the news.
REPORTING_VERBS = frozenset("say tell state note add report announce claim confirm urge emphasize".split())

# Title words are what every subtopic is about: they count this much of an ordinary word.
TITLE_WORD_WEIGHT = 0.3
# A name alone says who, not what happened ("Samsung" vs "Business leaders").
NAME_ONLY_WEIGHT = 0.6


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place a candidate phrase occurs: its tokens and how much that place counts."""

    tokens: tuple[Token, ...]
    weight: float


def sentence_weight(rank: int) -> float:
    """Sentences come best first; the third counts half as much as the first."""
    return 1.0 / (1.0 + rank / 2)


def prominence(head: Token) -> float:
    """Arguments of the main verb (depth 1) count fully, words buried in clauses and lists less."""
    depth = 0
    while head.head.i != head.i:  # spaCy makes a new Token object per access: compare indices
        head, depth = head.head, depth + 1
    return 2.0 / (1.0 + max(depth, 1))


def is_content(token: Token) -> bool:
    """A word that carries meaning: not a stop word, determiner, preposition, possessive 's or punctuation."""
    return token.is_alpha and not token.is_stop and token.pos_ not in {"DET", "ADP", "PART", "PRON", "CCONJ", "SCONJ"}


def lemma(token: Token) -> str:
    return token.lemma_.lower()


def is_figure(token: Token) -> bool:
    return token.like_num or token.pos_ == "NUM" or token.ent_type_ in FIGURE_ENTITIES


def modifier_span(head: Token) -> list[Token]:
    """The head noun and the unbroken run of modifiers left of it, stopping at determiners, numbers,
    pronouns and vague adjectives: "over 200 South Korean business leaders" -> "South Korean business leaders"."""
    tokens = [head]
    for token in reversed(head.doc[head.sent.start : head.i]):
        inside = {t.i for t in tokens}
        possessive_marker = token.dep_ == "case" and token.head.dep_ == "poss" and token.head.head.i in inside
        modifier = token.dep_ in NOUN_MODIFIERS and token.head.i in inside and token.pos_ != "PRON"
        hyphen = token.text == "-" and token.head.i in inside
        if not (possessive_marker or modifier or hyphen) or is_figure(token) or lemma(token) in VAGUE_ADJECTIVES:
            break
        if token.dep_ == "poss" and not any(t.dep_ == "case" and t.head.i == token.i for t in tokens):
            break  # a possessor without its 's would read as a compound
        tokens.insert(0, token)
    while len(tokens) > 1 and (tokens[0].text == "-" or follows_hyphen(tokens[0])):
        tokens.pop(0)
    return tokens


def follows_hyphen(token: Token) -> bool:
    """Never start a phrase inside a hyphenated word: "four-day journey" -> "journey", not "day journey"."""
    return token.i > 0 and token.doc[token.i - 1].text == "-"


def extensions(head: Token) -> Iterator[list[Token]]:
    """What may follow the noun: "of" + a bare noun ("memorandums of understanding"), or a past
    participle that is not a reporting verb ("agreements signed")."""
    doc = head.doc
    following = doc[head.i + 1 : head.i + 3]
    if len(following) == 2 and following[0].lower_ == "of" and following[0].head.i == head.i:
        noun = following[1]
        if noun.pos_ == "NOUN" and noun.head.i == following[0].i and not list(noun.lefts):
            yield [following[0], noun]
    participle = following[0] if following else None
    if participle is not None and participle.tag_ == "VBN" and participle.dep_ == "acl" and participle.head.i == head.i:
        if lemma(participle) not in REPORTING_VERBS:
            yield [participle]


def candidate_phrases(doc: Doc) -> Iterator[tuple[tuple[Token, ...], Token]]:
    """Every phrase headed by a noun: each right-hand part of its modifier run ("tests", "missile
    tests", "ballistic missile tests"), alone and with each extension; each with its head noun."""
    for head in doc:
        if head.pos_ not in {"NOUN", "PROPN"} or is_figure(head) or not is_content(head):
            continue
        # A modifier noun ("missile" in "missile tests", "Lee" in "Lee Jae-myung") is read with its head.
        if head.dep_ in {"compound", "flat"}:
            continue
        # A news sentence has a verb at its root: a noun there is a verb the tagger missed ("Lee embarks on ...").
        if head.dep_ == "ROOT" and len(head.doc) > 6:
            continue
        span = modifier_span(head)
        for start in range(len(span)):
            phrase = span[start:]
            # A phrase starts with a whole word: not 's, a hyphen, half a word or the middle of a name ("Jinping").
            if not is_content(phrase[0]) or follows_hyphen(phrase[0]) or phrase[0].ent_iob_ == "I":
                continue
            yield tuple(phrase), head
            for extra in extensions(head):
                yield tuple(phrase + extra), head


def phrase_key(tokens: Sequence[Token]) -> tuple[str, ...]:
    """Occurrences are one candidate when their lemmas match ("agreement" = "agreements")."""
    return tuple(lemma(t) for t in tokens if t.text != "-")


def lemma_rates(docs: Sequence[Doc]) -> dict[str, float]:
    """Per lemma, the weighted share of this subtopic's sentences that contain it (0 to 1)."""
    weights = [sentence_weight(rank) for rank in range(len(docs))]
    rates: Counter[str] = Counter()
    for weight, doc in zip(weights, docs, strict=True):
        for word in {lemma(t) for t in doc if is_content(t)}:
            rates[word] += weight
    total = sum(weights) or 1.0
    return {word: value / total for word, value in rates.items()}


def word_contrast(index: int, rates: Sequence[dict[str, float]], title_words: set[str]) -> dict[str, float]:
    """Per lemma of subtopic `index`: its rate here over the sum of its rates in all subtopics,
    1 when no other subtopic uses it; title words are weak evidence."""
    contrast = {}
    for word, rate in rates[index].items():
        share = rate / sum(r.get(word, 0.0) for r in rates)
        # Lemmas against the title's surface words: "talk" is a title word when the title says "talks".
        in_title = word in title_words or word + "s" in title_words
        contrast[word] = share * (TITLE_WORD_WEIGHT if in_title else 1.0)
    return contrast


def heading_text(tokens: Sequence[Token]) -> str:
    """The phrase as the sentence wrote it, capitalised; "The" before a lone singular common noun
    that the sentence also wrote with "the" ("The summit")."""
    words = []
    for token in tokens:
        text = token.text_with_ws
        # A sentence's first word is capitalised only by position: "Economic relations" -> "economic".
        if token.is_sent_start and token.pos_ != "PROPN" and not token.ent_type_:
            text = text.lower()
        words.append(text)
    text = "".join(words).strip()
    lone_noun = tokens[0] if len(tokens) == 1 else None
    if lone_noun is not None and lone_noun.tag_ == "NN" and any(c.lower_ == "the" for c in lone_noun.children):
        text = "the " + text
    return text[0].upper() + text[1:]


def word_count(text: str) -> int:
    return len(text.split())


def is_name_only(tokens: Sequence[Token]) -> bool:
    """Only names and name adjectives: "Chinese President Xi Jinping", "SK Group"."""
    return all(t.pos_ == "PROPN" or t.ent_type_ or not is_content(t) for t in tokens)


def ranked_headings(docs: Sequence[Doc], contrast: dict[str, float], max_words: int) -> list[str]:
    """Candidate headings of one subtopic, best first."""
    occurrences: dict[tuple[str, ...], list[Occurrence]] = defaultdict(list)
    for rank, doc in enumerate(docs):
        for phrase, head in candidate_phrases(doc):
            weight = sentence_weight(rank) * prominence(head)
            occurrences[phrase_key(phrase)].append(Occurrence(phrase, weight))
    scored = []
    for found in occurrences.values():
        best = max(found, key=lambda o: o.weight)
        content = [lemma(t) for t in best.tokens if is_content(t)]
        text = heading_text(best.tokens)
        if not content or all(w in VAGUE_NOUNS for w in content) or word_count(text) > max_words:
            continue
        distinct = sum(contrast.get(w, 0.0) for w in content) / len(content)
        # Up to three words say more than one ("Ballistic missile tests" vs "Tests"); longer only crowds.
        length_bonus = 1.0 + 0.25 * (min(len(content), 3) - 1)
        name_weight = NAME_ONLY_WEIGHT if is_name_only(best.tokens) else 1.0
        score = sum(o.weight for o in found) * distinct * length_bonus * name_weight
        scored.append((-score, len(text), text))
    return [text for _, _, text in sorted(scored)]


def best_noun(docs: Sequence[Doc], contrast: dict[str, float]) -> str | None:
    """The single noun that most distinguishes the subtopic, capitalised."""
    nouns = [t for doc in docs for t in doc if t.pos_ in {"NOUN", "PROPN"} and is_content(t) and not is_figure(t)]
    if not nouns:
        return None
    noun = max(nouns, key=lambda t: contrast.get(lemma(t), 0.0))
    return noun.text[0].upper() + noun.text[1:]


def fallback_headings() -> Iterator[str]:
    """"Other developments", then numbered variants so that headings stay distinct."""
    yield FALLBACK
    number = 2
    while True:
        yield f"{FALLBACK} {number}"
        number += 1


def content_words_occur(heading: str, sentences: Sequence[str]) -> bool:
    """Guard: every word of the heading that is not a function word appears in the sentences."""
    text = " ".join(sentences).lower()
    words = re.findall(r"[a-z][a-z-]*", re.sub(r"['’]s\b", "", heading.lower()))
    function_words = {"the", "a", "an", "of", "and"}
    return all(w in function_words or re.search(r"\b" + re.escape(w) + r"\b", text) for w in words)


def subtopic_headings(
    subtopics: Sequence[Sequence[str]],
    docs: Sequence[Sequence[Doc]],
    *,
    title: str,
    max_words: int,
) -> list[str]:
    """One heading per subtopic. subtopics[i] are subtopic i's sentence texts, best first; docs[i]
    their spaCy parses (same order).

    Subtopics pick in the order given (most important first), each taking its best heading that
    no earlier subtopic took.
    """
    if len(subtopics) != len(docs):
        raise ValueError(f"{len(subtopics)} subtopics but {len(docs)} lists of parses")
    title_words = set(re.findall(r"\w+", title.lower()))
    rates = [lemma_rates(d) for d in docs]
    fallbacks = fallback_headings()
    headings: list[str] = []
    taken: set[str] = set()
    for index, (sentences, parsed) in enumerate(zip(subtopics, docs, strict=True)):
        contrast = word_contrast(index, rates, title_words)
        choices = ranked_headings(parsed, contrast, max_words)
        noun = best_noun(parsed, contrast)
        choices += [noun] if noun else []
        heading = next((h for h in choices if h.lower() not in taken and content_words_occur(h, sentences)), None)
        while heading is None or heading.lower() in taken:
            heading = next(fallbacks)
        headings.append(heading)
        taken.add(heading.lower())
    return headings
