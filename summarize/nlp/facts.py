"""Numbers and dates as news text writes them, shared by dedup, claims and the guard."""

from __future__ import annotations

import re

NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
MONTHS = "january february march april may june july august september october november december".split()
_MONTH_NAME = r"(?:" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?"
# "January 5", "Jan. 5, 2026"
MONTH_DAY = re.compile(
    r"\b(?P<month>" + _MONTH_NAME + r")\s+(?P<day>\d{1,2})\b(?:,?\s+(?P<year>\d{4}))?", re.IGNORECASE
)
# Text ending in a month name: the number that follows is a day, not a count.
MONTH_BEFORE = re.compile(r"\b" + _MONTH_NAME + r"\s+$", re.IGNORECASE)


def month_number(name: str) -> int:
    return [m[:3] for m in MONTHS].index(name.lower()[:3]) + 1


def digit_numbers(text: str) -> frozenset[str]:
    """Numbers written in digits, without thousands separators ("1,000" -> "1000")."""
    return frozenset(n.replace(",", "") for n in DIGITS.findall(text))


def stated_numbers(text: str) -> set[str]:
    """Numbers in digits or spelled out up to twenty, as digit strings ("fifteen" -> "15")."""
    spelled = {str(NUMBER_WORDS[w]) for w in re.findall(r"[a-z]+", text.lower()) if w in NUMBER_WORDS}
    return set(digit_numbers(text)) | spelled


def stated_dates(text: str) -> set[str]:
    """Month-and-day dates, normalised ("Jan. 6" and "January 6" are both "january 6")."""
    return {f"{MONTHS[month_number(m.group('month')) - 1]} {int(m.group('day'))}" for m in MONTH_DAY.finditer(text)}
