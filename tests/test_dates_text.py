"""Dates as reps type them, read against a fixed local `today`."""

from __future__ import annotations

from datetime import date

import pytest

from bot.parsing.dates import format_date, parse_date, split_trailing_date

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02", date(2026, 11, 2)),
        ("2027-3-3", date(2027, 3, 3)),
        ("  2026-11-02  ", date(2026, 11, 2)),
        ("Mar 3", date(2027, 3, 3)),  # no year: the next March 3
        ("mar 3", date(2027, 3, 3)),
        ("Mar. 3rd", date(2027, 3, 3)),
        ("3 Mar", date(2027, 3, 3)),
        ("3rd of March", date(2027, 3, 3)),
        ("March 3 2027", date(2027, 3, 3)),
        ("March 3, 2027", date(2027, 3, 3)),
        ("3 March 2028", date(2028, 3, 3)),
        ("Sept 9", date(2027, 9, 9)),
        ("Nov 24", date(2026, 11, 24)),  # today counts as "on or after today"
        ("Nov 23", date(2027, 11, 23)),
        ("Dec 25", date(2026, 12, 25)),
        ("Feb 29", date(2028, 2, 29)),  # the next leap day
        ("3/3/2027", date(2027, 3, 3)),  # US month/day/year
        ("12/1/2026", date(2026, 12, 1)),
        ("3/3/27", date(2027, 3, 3)),
        ("3/3", date(2027, 3, 3)),
        ("in 90 days", date(2027, 2, 22)),
        ("90 days", date(2027, 2, 22)),
        ("in 1 day", date(2026, 11, 25)),
        ("in 2 weeks", date(2026, 12, 8)),
        ("2 weeks", date(2026, 12, 8)),
        ("in a week", date(2026, 12, 1)),
        ("in 3 months", date(2027, 2, 24)),
        ("in 1 year", date(2027, 11, 24)),
        ("tomorrow", date(2026, 11, 25)),
        ("Tomorrow", date(2026, 11, 25)),
        ("today", TODAY),
        ("next week", date(2026, 12, 1)),
    ],
)
def test_understood_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "soon",
        "next month-ish",
        "2026-13-01",
        "2026-02-30",
        "Feb 30",
        "31/31/2026",
        "13/1/2026",
        "Marchember 3",
        "Mar",
        "3",
        "in days",
        "in -3 days",
        "in 99999 days",
        "in 500 years",
        "Dana Reyes",
        "Reyes Mar 3",
        "<!channel>",
        "2026-11-02 tomorrow",
    ],
)
def test_nonsense_is_none(text: str) -> None:
    assert parse_date(text, TODAY) is None


def test_months_are_clamped_to_the_month_end() -> None:
    assert parse_date("in 1 month", date(2027, 1, 31)) == date(2027, 2, 28)
    assert parse_date("in 1 month", date(2028, 1, 31)) == date(2028, 2, 29)
    assert parse_date("in 14 months", date(2026, 11, 30)) == date(2028, 1, 30)


def test_a_date_without_year_rolls_into_next_year_only_when_past() -> None:
    assert parse_date("Jan 1", date(2026, 12, 31)) == date(2027, 1, 1)
    assert parse_date("Dec 31", date(2026, 12, 31)) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "head", "expected", "tail"),
    [
        ("Dana Reyes 2 weeks", "Dana Reyes", date(2026, 12, 8), "2 weeks"),
        ("Dana Reyes in 2 weeks", "Dana Reyes", date(2026, 12, 8), "in 2 weeks"),
        ("Dana Reyes, Acme Mar 3", "Dana Reyes, Acme", date(2027, 3, 3), "Mar 3"),
        ("Dana Reyes March 3, 2027", "Dana Reyes", date(2027, 3, 3), "March 3, 2027"),
        ("April May 3 days", "April May", date(2026, 11, 27), "3 days"),
        ("Dana tomorrow", "Dana", date(2026, 11, 25), "tomorrow"),
        ("Dana Reyes", "Dana Reyes", None, ""),
        ("tomorrow", "tomorrow", None, ""),  # a head is required
        ("", "", None, ""),
    ],
)
def test_split_trailing_date(text: str, head: str, expected: date | None, tail: str) -> None:
    assert split_trailing_date(text, TODAY) == (head, expected, tail)


def test_format_date_shows_the_year_only_when_it_differs() -> None:
    assert format_date(date(2026, 12, 1), TODAY) == "Tuesday, December 1"
    assert format_date(date(2027, 3, 3), TODAY) == "Wednesday, March 3, 2027"
