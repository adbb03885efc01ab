"""Dates as reps type them: `2026-11-02`, `Mar 3`, `3/3/2027`, `in 90 days`, `tomorrow`.

Pure: the rep's local `today` is a parameter. A date without a year is the next
occurrence on or after today. Anything not understood is None, never a guess.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9

_MONTH = r"(?P<month>[a-z]+)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_SLASHED = re.compile(r"(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?")
_MONTH_DAY = re.compile(rf"{_MONTH} {_DAY}(?: {_YEAR})?")
_DAY_MONTH = re.compile(rf"{_DAY} (?:of )?{_MONTH}(?: {_YEAR})?")
_RELATIVE = re.compile(r"(?:in )?(?P<count>\d{1,4}|a|an|one) (?P<unit>day|week|month|year)s?")
_NAMED: dict[str, int] = {"today": 0, "tomorrow": 1, "next week": 7}
# Relative offsets beyond this are typos; the callers' own checks say so more kindly.
RELATIVE_MAX_DAYS = 366 * 10


def parse_date(text: str, today: date) -> date | None:
    """The date `text` means for someone whose local date is `today`, or None."""
    words = _normalise(text)
    if not words:
        return None
    if words in _NAMED:
        return today + timedelta(days=_NAMED[words])
    if match := _ISO.fullmatch(words):
        return _make(int(match["year"]), int(match["month"]), int(match["day"]))
    if match := _SLASHED.fullmatch(words):
        year = match["year"]
        if year is not None and len(year) == 2:
            year = str(2000 + int(year))
        return _dated(int(match["month"]), int(match["day"]), year, today)
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        if match := pattern.fullmatch(words):
            month = MONTHS.get(match["month"])
            if month is not None:
                return _dated(month, int(match["day"]), match["year"], today)
    if match := _RELATIVE.fullmatch(words):
        count_text = match["count"]
        count = int(count_text) if count_text.isdigit() else 1
        return _relative(today, count, match["unit"])
    return None


def _normalise(text: str) -> str:
    """Lower case; commas and runs of spaces become one space ("March 3, 2027")."""
    return " ".join(text.casefold().replace(",", " ").split())


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dated(month: int, day: int, year: str | None, today: date) -> date | None:
    if year is not None:
        return _make(int(year), month, day)
    # The next occurrence on or after today; Feb 29 waits for the next leap year.
    for candidate_year in range(today.year, today.year + 9):
        candidate = _make(candidate_year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
        if candidate is None and not (month == 2 and day == 29):
            return None
    return None


def _relative(today: date, count: int, unit: str) -> date | None:
    if unit == "day":
        days = count
    elif unit == "week":
        days = count * 7
    else:
        months = count * (12 if unit == "year" else 1)
        if months > 12 * 10:
            return None
        return _add_months(today, months)
    return today + timedelta(days=days) if days <= RELATIVE_MAX_DAYS else None


def _add_months(start: date, months: int) -> date:
    """Same day of the month, clamped to the month's end (Jan 31 + 1 month → Feb 28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def format_date(d: date, today: date) -> str:
    """'Tuesday, November 24', with the year when it is not this year."""
    if d.year == today.year:
        return f"{d:%A}, {d:%B} {d.day}"
    return f"{d:%A}, {d:%B} {d.day}, {d.year}"


TRAILING_WORDS_MAX = 4  # "March 3 2027", "in 2 weeks": the longest date forms


def split_trailing_date(text: str, today: date) -> tuple[str, date | None, str]:
    """'Dana Reyes in 2 weeks' → ('Dana Reyes', today + 14, 'in 2 weeks').

    The longest tail of up to four words that reads as a date wins; without one the
    date is None and the whole text is the head."""
    words = text.split()
    for size in range(min(TRAILING_WORDS_MAX, len(words) - 1), 0, -1):
        tail = " ".join(words[-size:])
        parsed = parse_date(tail, today)
        if parsed is not None:
            head = " ".join(words[:-size]).rstrip(" ,")
            return head, parsed, tail
    return " ".join(words), None, ""
