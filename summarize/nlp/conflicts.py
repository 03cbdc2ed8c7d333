"""Whether two values of one quantity contradict each other: how the claims stage finds outlets that
disagree, and how the changes stage finds a value that changed since the previous brief. Values
are normalised as summarize/nlp/values.py states them ("15", ">200", "~300", "2026-01-05", a surname)."""

from __future__ import annotations

import re

BOUND = re.compile(r"(?P<bound>[<>~]?)(?P<number>-?\d+(?:\.\d+)?)")


def conflicting(a: str, b: str, tolerance: float) -> bool:
    """Whether two normalised values of one quantity contradict each other: two exact numbers or
    dates that differ; a bound ("more than 200", ">200") only with a number beyond it (a bound
    and its own number agree: "more than 9,000" after "9,000" is a rounded count); an approximate
    one ("about 300") only with a number more than `tolerance` of it away."""
    if a == b:
        return False
    first, second = BOUND.fullmatch(a), BOUND.fullmatch(b)
    if not first or not second:  # dates, names, or anything not a plain number
        return True
    bounds = (first["bound"], second["bound"])
    x, y = float(first["number"]), float(second["number"])
    if bounds == ("", ""):
        return x != y
    if "" not in bounds:  # two bounds or approximations: not a contradiction worth a reader's time
        return bounds == ("~", "~") and abs(x - y) > tolerance * max(abs(x), abs(y))
    bound, limit, exact = (bounds[0], x, y) if bounds[1] == "" else (bounds[1], y, x)
    return {">": exact < limit, "<": exact > limit, "~": abs(exact - limit) > tolerance * abs(limit)}[bound]


def names_conflict(a: str, b: str) -> bool:
    """Two surnames after one first name that differ but share their first three letters are one
    person's name spelt two ways (Marchetti / Marchand); others are two people."""
    return a != b and a[:3] == b[:3]


def contradicts(kind: str, a: str, b: str, tolerance: float) -> bool:
    """Whether two normalised values of one quantity of this kind contradict each other."""
    return names_conflict(a, b) if kind == "name" else conflicting(a, b, tolerance)
