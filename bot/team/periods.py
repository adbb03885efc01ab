"""`/revive team [team] [period]`: which team and which days, read from what a manager typed.

Pure: the manager's local `today` is a parameter. Periods: `this week` (Monday to today),
`this month` (the 1st to today, the default), `last week`, `last month`, `last N days`
(today and the N - 1 days before), or `<date> to <date>` with any date form reps type
elsewhere (bot.parsing.dates). A date typed without a year is the last time that day came
round, not the next: a report looks back.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.errors import UserError
from bot.mrkdwn import escape, truncate
from bot.parsing.dates import format_date, parse_date
from bot.team.numbers import Period

PERIOD_HELP = (
    "Periods: `this week`, `this month` (the default), `last week`, `last month`, "
    "`last 30 days`, or `<date> to <date>` (e.g. `2026-10-01 to 2026-10-31`, `Oct 1 to Oct 15`)."
)
LAST_DAYS_MAX = 366
TYPED_MAX = 100  # what a refusal echoes of the text
PERIOD_DAYS_MAX = 366  # longer periods are a typo more often than a wish
# The longest period text: "<4-word date> to <4-word date>".
PERIOD_WORDS_MAX = 9
_LAST_DAYS = re.compile(r"(?:last|past) (\d{1,4}) days?")
_SEPARATOR = re.compile(r"\s+(?:to|until|through|-|–)\s+")
# What only a period would say: refused as a bad period rather than as an unknown team.
_PERIODISH = re.compile(r"^(?:this|last|past|from)\b|\s(?:to|until|through)\s")


def this_month(today: date) -> Period:
    return Period(today.replace(day=1), today)


def parse_period(text: str, today: date) -> Period | None:
    """The period `text` names for someone whose local date is `today`; None if none.

    Raises UserError for a period that reads but makes no sense (ends before it starts,
    starts after today, longer than a year)."""
    words = " ".join(text.casefold().replace(",", " ").split())
    period = _named(words, today) or _range(words, today)
    if period is None:
        return None
    if period.end < period.start:
        raise UserError(f"That period ends before it starts. {PERIOD_HELP}")
    if period.start > today:
        when = format_date(period.start, today)
        raise UserError(f"That period starts on {when}, after today. {PERIOD_HELP}")
    if (period.end - period.start).days >= PERIOD_DAYS_MAX:
        raise UserError(f"Pick a period of at most a year. {PERIOD_HELP}")
    return period


def _named(words: str, today: date) -> Period | None:
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    if words == "this week":
        return Period(monday, today)
    if words == "this month":
        return this_month(today)
    if words == "last week":
        return Period(monday - timedelta(days=7), monday - timedelta(days=1))
    if words == "last month":
        end = first - timedelta(days=1)
        return Period(end.replace(day=1), end)
    if match := _LAST_DAYS.fullmatch(words):
        days = int(match[1])
        if not 1 <= days <= LAST_DAYS_MAX:
            return None
        return Period(today - timedelta(days=days - 1), today)
    return None


def _range(words: str, today: date) -> Period | None:
    parts = _SEPARATOR.split(words.removeprefix("from "))
    if len(parts) != 2:
        return None
    start, end = (_past_date(part, today) for part in parts)
    if start is None or end is None:
        return None
    return Period(start, end)


def _past_date(text: str, today: date) -> date | None:
    """A date as bot.parsing.dates reads it, but a yearless date looks back, not ahead."""
    found = parse_date(text, today)
    if found is None or found <= today:
        return found
    day_before = parse_date(text, today - timedelta(days=1))
    if day_before is not None and found - day_before == timedelta(days=1):
        return found  # relative ("tomorrow", "in 2 weeks"): a future day, as typed
    # A year ago tomorrow as "today": the yearless date's occurrence within the last year.
    year_ago = _year_before(today) + timedelta(days=1)
    earlier = parse_date(text, year_ago)
    return earlier if earlier is not None and earlier <= today else found


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # Feb 29
        return day.replace(year=day.year - 1, day=28)


def split_request(text: str, today: date, team_names: list[str]) -> tuple[str | None, Period]:
    """'East last 30 days' → ('East', the last 30 days). No team: None; no period: this month.

    A text that is a team name (any case) is that team. Otherwise the longest tail that
    reads as a period is the period and the words before it the team. Nothing reads as a
    period: a text that looks like one ("last fortnight", "Mar 40 to …") is refused as a
    period, anything else is taken as a team name for bot.team.roles.view_for to judge."""
    words = text.split()
    if not words:
        return None, this_month(today)
    if " ".join(words).casefold() in {name.casefold() for name in team_names}:
        return " ".join(words), this_month(today)
    for size in range(min(PERIOD_WORDS_MAX, len(words)), 0, -1):
        period = parse_period(" ".join(words[-size:]), today)
        if period is not None:
            return " ".join(words[:-size]) or None, period
    rest = _after_team(words, team_names)
    if rest is not None or _PERIODISH.search(" ".join(words).casefold()):
        typed = escape(truncate(" ".join(words if rest is None else rest), TYPED_MAX))
        raise UserError(f"I can't read “{typed}” as a period. {PERIOD_HELP}")
    return " ".join(words), this_month(today)


def _after_team(words: list[str], team_names: list[str]) -> list[str] | None:
    """The words after a leading team name, if the text starts with one."""
    lowered = [w.casefold() for w in words]
    for name in sorted(team_names, key=len, reverse=True):
        size = len(name.split())
        if size < len(words) and lowered[:size] == name.casefold().split():
            return words[size:]
    return None
