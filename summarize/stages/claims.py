"""Stage: comparable claims (counts and event dates), and where outlets disagree on them.

A count is a number with what it counts ("15 agreements", "more than 200 business leaders");
a date is a day an event is said to happen on ("met ... on January 5", "on Monday"), weekdays
and month-days without a year resolved against the article's own date line. Claims about the
same subject from different outlets are compared after normalisation ("four-day" = "4-day",
"more than 200" = "over 200"); a subject is flagged only when its values really differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from summarize.nlp.facts import MONTH_BEFORE, MONTH_DAY, NUMBER_WORDS, month_number
from summarize.types import Claim, Disagreement, EventWork, Models, Sentence, SupportedSentence

SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
# Qualifiers that make a count a bound, and so comparable only with the same bound.
MORE_THAN = r"more than|over|at least|upwards of"
LESS_THAN = r"less than|under|fewer than|up to|nearly|almost"
ABOUT = r"about|around|some|roughly|approximately"
COUNT = re.compile(
    rf"(?:(?P<qualifier>{MORE_THAN}|{LESS_THAN}|{ABOUT})\s+)?"
    rf"(?P<number>\$?\d[\d,]*(?:\.\d+)?|\b(?:{'|'.join(NUMBER_WORDS)})\b)"
    rf"(?:\s+(?P<scale>{'|'.join(SCALES)}))?(?P<hyphen>-)?",
    re.IGNORECASE,
)
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
WEEKDAY = re.compile(r"\b(?:on|this|last)\s+(?P<weekday>" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)


def _phrase_pattern(phrases: Sequence[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in phrases) + r")\b", re.IGNORECASE)


def count_value(match: re.Match) -> str:
    raw = match.group("number").lstrip("$").replace(",", "").lower()
    number = float(NUMBER_WORDS[raw]) if raw in NUMBER_WORDS else float(raw)
    if match.group("scale"):
        number *= SCALES[match.group("scale").lower()]
    value = f"{number:g}" if number < 1e15 else str(int(number))
    qualifier = (match.group("qualifier") or "").lower()
    if re.fullmatch(MORE_THAN, qualifier):
        return ">" + value
    if re.fullmatch(LESS_THAN, qualifier):
        return "<" + value
    return "~" + value if qualifier else value


def count_claims(sentence: Sentence, classes: Mapping[str, re.Pattern], window: int) -> list[Claim]:
    claims = []
    text = sentence.text
    for match in COUNT.finditer(text):
        if MONTH_BEFORE.search(text[: match.start()]):  # "January 5": a date, not a count
            continue
        after = text[match.end() :]
        if re.match(r"\s*(of|percent|%|per cent)\b", after, re.IGNORECASE):  # "nine of these": a part, not a total
            continue
        following = re.match(rf"(?:\W*[\w'-]+){{0,{window}}}", after).group()
        # What a number counts comes before the next number ("in 2024 and 12 deals").
        next_number = re.search(r"\d|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", following, re.IGNORECASE)
        following = following[: next_number.start()] if next_number else following
        for subject, pattern in classes.items():
            noun = pattern.search(following)
            if noun:
                wording = text[match.start() : match.end() + noun.end()]
                claims.append(Claim("count", subject, count_value(match), " ".join(wording.split()), sentence))
                break
    return claims


def resolve_dates(text: str, article_date: dt.date | None, default_year: int | None = None) -> list[dt.date]:
    """Dates a sentence states, completing a missing year, or a weekday, from the article's date
    (or, for an article without a date line, the event's year)."""
    dates = []
    for match in MONTH_DAY.finditer(text):
        month = month_number(match.group("month"))
        year = int(match.group("year")) if match.group("year") else (article_date.year if article_date else default_year)
        if year is not None:
            try:
                dates.append(dt.date(year, month, int(match.group("day"))))
            except ValueError:
                continue
    if not dates and article_date:
        for match in WEEKDAY.finditer(text):
            # The latest such weekday on or before the article's date; "this Sunday" may be the date itself.
            back = (article_date.weekday() - WEEKDAYS.index(match.group("weekday").lower())) % 7
            dates.append(article_date - dt.timedelta(days=back))
    return dates


def date_claims(
    sentence: Sentence, events: Mapping[str, re.Pattern], article_date: dt.date | None, default_year: int | None
) -> list[Claim]:
    dates = resolve_dates(sentence.text, article_date, default_year)
    if len(set(dates)) != 1:  # none, or several dates whose event is ambiguous
        return []
    for subject, pattern in events.items():
        if pattern.search(sentence.text):
            return [Claim("date", subject, dates[0].isoformat(), dates[0].strftime("%B %-d, %Y"), sentence)]
    return []


def extract_claims(
    sentences: Sequence[SupportedSentence],
    article_dates: Mapping[str, dt.date | None],
    *,
    noun_classes: Mapping[str, Sequence[str]],
    event_classes: Mapping[str, Sequence[str]],
    noun_window: int = 4,
) -> list[Claim]:
    """Every count and event date stated by every source sentence (each outlet's own wording)."""
    classes = {subject: _phrase_pattern(words) for subject, words in noun_classes.items()}
    known = [d for d in article_dates.values() if d]
    default_year = max(known).year if known else None
    events = {subject: _phrase_pattern(words) for subject, words in event_classes.items()}
    claims = []
    for supported in sentences:
        for source in supported.sources:
            claims += count_claims(source, classes, noun_window)
            claims += date_claims(source, events, article_dates.get(source.article_id), default_year)
    return claims


def find_disagreements(claims: Sequence[Claim]) -> list[Disagreement]:
    """Subjects for which different outlets state different values."""
    by_subject: dict[tuple[str, str], dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for claim in claims:
        by_subject[(claim.kind, claim.subject)][claim.value].append(claim)
    disagreements = []
    for (kind, subject), values in sorted(by_subject.items()):
        outlets = {c.sentence.outlet for group in values.values() for c in group}
        if len(values) > 1 and len(outlets) > 1:
            shown = []
            for _, group in sorted(values.items()):
                wording = " / ".join(sorted({c.text for c in group}))
                shown.append((wording, tuple(sorted({c.sentence.outlet for c in group}))))
            ids = tuple(sorted({c.sentence.id for group in values.values() for c in group}))
            disagreements.append(Disagreement(kind, subject, tuple(shown), ids))
    return disagreements


def run(work: EventWork, params: dict, models: Models) -> tuple[EventWork, dict]:
    claims = extract_claims(work.unique, {a.id: a.date for a in work.cleaned}, **params)
    disagreements = find_disagreements(claims)
    counts = {"claims": len(claims), "disagreements": [d.as_record() for d in disagreements]}
    return dataclasses.replace(work, claims=tuple(claims), disagreements=tuple(disagreements)), counts
