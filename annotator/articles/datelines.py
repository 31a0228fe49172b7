"""Datelines: recognise and parse the date line under a headline.

Pure. A date without a timezone is kept as written (naive); one with a UTC offset is
converted to UTC and stored naive, matching how the database stores times.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_DATE_WORDS = {
    *_MONTHS, *(m[:3] for m in _MONTHS), "sept",
    *_WEEKDAYS, *(d[:3] for d in _WEEKDAYS), "tues", "thur", "thurs",
}  # fmt: skip
_WEEKDAY_INDEX = {
    **{d: i for i, d in enumerate(_WEEKDAYS)},
    **{d[:3]: i for i, d in enumerate(_WEEKDAYS)},
    "tues": 1, "thur": 3, "thurs": 3,
}  # fmt: skip
# Words a dateline may carry around the date itself.
_DATE_FILLERS = {"at", "on", "am", "pm", "a", "p", "m", "utc", "gmt", "z", "t", "st", "nd", "rd",
                 "th", "published", "posted", "updated", "last"}  # fmt: skip
# Day-first with dots is unambiguous in practice; 09/10/2023 is not, so slashes need a year first.
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%Y/%m/%d", "%d.%m.%Y")
_TIME_FORMATS = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M%p", " %I:%M:%S %p", " %I %p")


def parse_dateline(value: str) -> datetime:
    """Parse a dateline such as "Tuesday 19 September 2023 - 13:04"; ValueError if unparseable."""
    value = value.strip()
    try:
        written = datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        return naive_utc(written)  # ValueError when out of range in UTC
    text = re.sub(r"^(?:last\s+)?(?:published|posted|updated)(?:\s+on)?\s*:?\s*", "", value,
                  flags=re.IGNORECASE)  # fmt: skip
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"\b([ap])\.?m\.?(?=\s|$)", r"\1M", text, flags=re.IGNORECASE)
    # Separators between the parts: "19 September 2023 - 13:04", "Sep 19, 2023 at 1:04 PM".
    text = re.sub(r"\s[-–—|]\s|,|\bat\b", " ", text)
    text = re.sub(r"\s+(?:UTC|GMT|Z)$", "", text.strip(), flags=re.IGNORECASE)
    words = text.split()
    weekday = None
    if words and words[0].lower().rstrip(".") in _WEEKDAY_INDEX:
        weekday = _WEEKDAY_INDEX[words.pop(0).lower().rstrip(".")]
    words = [_month_word(w) for w in words]
    candidate = " ".join(words)
    for date_format in _DATE_FORMATS:
        for time_format in _TIME_FORMATS:
            try:
                parsed = datetime.strptime(candidate, date_format + time_format)
            except ValueError:
                continue
            if weekday is not None and parsed.weekday() != weekday:
                actual = _WEEKDAYS[parsed.weekday()].capitalize()
                raise ValueError(f"weekday does not match date {value!r} (it is a {actual})")
            return parsed
    raise ValueError(f"unparseable date {value!r}")


def _month_word(word: str) -> str:
    """Make month spellings strptime accepts: "Sept." -> "Sep", "Sep." -> "Sep"."""
    bare = word.rstrip(".")
    if bare.lower() == "sept":
        return "Sep"
    return bare if bare.lower() in _DATE_WORDS else word


def naive_utc(value: datetime) -> datetime:
    """Convert an aware datetime to naive UTC; leave a naive one as written.

    ValueError (not OverflowError) for a time that leaves the years 1-9999 once in UTC,
    such as 9999-12-31T23:59:59-14:00.
    """
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        raise ValueError(
            f"date {value.isoformat()!r} is out of range: in UTC it falls outside the years "
            "1 to 9999"
        ) from None


def looks_like_dateline(line: str) -> bool:
    """Tell whether a short line is meant as a date, even a misspelt one ("Tusday 19 Sep")."""
    line = line.strip()
    if len(line) > 60 or not re.search(r"\d", line):
        return False
    if re.match(r"\d{4}-\d{1,2}-\d{1,2}(?:\b|T)|\d{1,2}[./]\d{1,2}[./]\d{2,4}\b", line):
        return True
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", line)]
    if not any(w in _DATE_WORDS for w in words):
        return False
    # Every word must be a date word, a filler, or a near miss of a date word: "March 2023
    # protests" is a line of text, "Tusday 19 Sep" a broken dateline the user should fix.
    return all(
        w in _DATE_WORDS
        or w in _DATE_FILLERS
        or difflib.get_close_matches(w, _DATE_WORDS, n=1, cutoff=0.8)
        for w in words
    )
