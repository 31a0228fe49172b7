"""Suggest when a prediction falls due from the words of its sentence. Pure: no Flask, no database.

A sentence states its horizon relative to the day the article was published ("next month",
"within two weeks", "by the end of the year") or absolutely ("by 2027", "in March",
"by 15 March 2026"). :func:`suggest_due_date` reads the first such phrase and returns the
last day it allows, so a prediction is never judged before its own deadline. Phrases too
vague to date ("soon", "in the coming years") suggest nothing: the lead sets the date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "eighteen": 18, "twenty": 20, "thirty": 30, "a few": 3, "a couple of": 2}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_NUMBER = r"(?P<count>\d{1,3}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"
_CUE = r"(?:by|before|in|until|till|through|no later than|on|during|within|for)"
_YEAR = r"(?P<year>(?:19|20|21)\d\d)"

# (pattern, kind), tried at every position; the earliest match in the sentence wins.
PATTERNS = [
    (rf"\b(?:within|in|over|inside of|in the next|within the next|over the next)\s+"
     rf"{_NUMBER}\s+{_UNIT}\b", "span"),
    (rf"\b{_CUE}\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
     rf"(?:,?\s+{_YEAR})?\b", "day"),
    (rf"\b{_CUE}\s+{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?\b", "day"),
    (rf"\b{_CUE}\s+(?:the\s+)?(?:end\s+of\s+|early\s+|late\s+|mid-?)?{_MONTH}"
     rf"(?:\s+(?:of\s+)?{_YEAR})?\b", "month"),
    (rf"\b(?:in|by|before|during|for)\s+(?:the\s+)?(?P<quarter>first|second|third|fourth|q[1-4])"
     rf"(?:\s+quarter)?(?:\s+of)?\s+{_YEAR}\b", "quarter"),
    (rf"\b{_CUE}\s+(?:the\s+)?(?:end\s+of\s+|early\s+|late\s+|mid-?|the\s+year\s+)?{_YEAR}\b",
     "year"),
    (r"\b(?:next|coming)\s+(?P<unit>week|month|year)\b", "next"),
    (r"\b(?:by\s+the\s+end\s+of|later|before\s+the\s+end\s+of|by\s+end\s+of)\s+"
     r"(?:this|the)\s+(?P<unit>week|month|year)\b", "this"),
    (r"\bthis\s+(?P<unit>week|month|year)\b", "this"),
    (r"\b(?P<unit>tomorrow)\b", "tomorrow"),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), kind) for p, kind in PATTERNS]
QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "q1": 1, "q2": 2, "q3": 3,
            "q4": 4}


@dataclass(frozen=True)
class Suggestion:
    """A suggested resolution date and the words it was read from."""

    due: date
    basis: str


def month_end(year: int, month: int) -> date:
    """Return the last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """Return the day ``months`` later, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _count(text: str) -> int:
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else NUMBERS[text]


def _after(published: date, month: int, year: str | None) -> int:
    """Return the year of a month named without one: this year's unless it has passed."""
    if year:
        return int(year)
    return published.year + (month < published.month)


def _resolve(kind: str, m: re.Match, published: date) -> date | None:
    parts = {k: v for k, v in m.groupdict().items() if v is not None}
    unit = parts.get("unit", "").lower()
    if kind == "span":
        n = _count(parts["count"])
        if unit == "day":
            return published + timedelta(days=n)
        if unit == "week":
            return published + timedelta(weeks=n)
        return add_months(published, n * {"month": 1, "year": 12, "decade": 120}[unit])
    if kind == "day":
        month = MONTHS[parts["month"].lower()]
        year = _after(published, month, parts.get("year"))
        try:
            found = date(year, month, int(parts["day"]))
        except ValueError:
            return None
        if found < published and "year" not in parts:
            found = date(year + 1, month, found.day)
        return found
    if kind == "month":
        month = MONTHS[parts["month"].lower()]
        return month_end(_after(published, month, parts.get("year")), month)
    if kind == "quarter":
        quarter = QUARTERS[parts["quarter"].lower()]
        return month_end(int(parts["year"]), 3 * quarter)
    if kind == "year":
        return date(int(parts["year"]), 12, 31)
    if kind == "next":
        if unit == "week":  # the Sunday that ends next week
            return published + timedelta(days=13 - published.weekday())
        if unit == "month":
            following = add_months(published.replace(day=1), 1)
            return month_end(following.year, following.month)
        return date(published.year + 1, 12, 31)
    if kind == "this":
        if unit == "week":
            return published + timedelta(days=6 - published.weekday())
        if unit == "month":
            return month_end(published.year, published.month)
        return date(published.year, 12, 31)
    if kind == "tomorrow":
        return published + timedelta(days=1)
    raise ValueError(f"unknown pattern kind {kind!r}")


def suggest_due_date(text: str, published: date) -> Suggestion | None:
    """Return the due date the sentence states, relative to its publication day, or None.

    The earliest phrase in the sentence wins; a date before the publication day (a past
    year named as background) is not a horizon and is skipped.
    """
    found: list[tuple[int, int, Suggestion]] = []
    for rank, (pattern, kind) in enumerate(_COMPILED):
        for m in pattern.finditer(text):
            due = _resolve(kind, m, published)
            if due is not None and due >= published:
                found.append((m.start(), rank, Suggestion(due, m.group(0).strip())))
                break
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1]))[2]
