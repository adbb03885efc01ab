"""bot.team.periods: which team and which days a manager's `/revive team …` names (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import UserError
from bot.team.numbers import Period
from bot.team.periods import parse_period, split_request

TODAY = date(2026, 11, 24)  # a Tuesday
TEAMS = ["East", "West Coast"]
NOVEMBER = Period(date(2026, 11, 1), TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this week", Period(date(2026, 11, 23), TODAY)),
        ("This  Month", NOVEMBER),
        ("last week", Period(date(2026, 11, 16), date(2026, 11, 22))),
        ("last month", Period(date(2026, 10, 1), date(2026, 10, 31))),
        ("last 30 days", Period(date(2026, 10, 26), TODAY)),
        ("past 1 day", Period(TODAY, TODAY)),
        ("2026-10-01 to 2026-10-31", Period(date(2026, 10, 1), date(2026, 10, 31))),
        ("Oct 1 to Oct 15", Period(date(2026, 10, 1), date(2026, 10, 15))),
        ("from nov 1 to today", NOVEMBER),
        ("3/1/2026 - 3/31/2026", Period(date(2026, 3, 1), date(2026, 3, 31))),
        # Without a year a date looks back: December is last December, not next.
        ("Dec 1 to Dec 31", Period(date(2025, 12, 1), date(2025, 12, 31))),
    ],
)
def test_periods_as_managers_type_them(text: str, expected: Period) -> None:
    assert parse_period(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "soon", "last fortnight", "last 0 days", "Mar 40 to Mar 41"])
def test_what_is_not_a_period_is_none(text: str) -> None:
    assert parse_period(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-11-20 to 2026-11-01", "ends before it starts"),
        ("tomorrow to in 2 weeks", "after today"),
        ("2024-01-01 to 2026-01-01", "at most a year"),
    ],
)
def test_periods_that_make_no_sense_are_refused_with_what_to_type(text: str, says: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_period(text, TODAY)
    assert says in refused.value.message
    assert "`this month`" in refused.value.message


@pytest.mark.parametrize(
    ("text", "team", "period"),
    [
        ("", None, NOVEMBER),
        ("east", "east", NOVEMBER),
        ("West Coast", "West Coast", NOVEMBER),
        ("last week", None, Period(date(2026, 11, 16), date(2026, 11, 22))),
        ("East this week", "East", Period(date(2026, 11, 23), TODAY)),
        ("West Coast Oct 1 to Oct 15", "West Coast", Period(date(2026, 10, 1), date(2026, 10, 15))),
        # Not one of the viewer's teams: left for roles.view_for to refuse.
        ("North", "North", NOVEMBER),
        ("Team 2", "Team 2", NOVEMBER),
    ],
)
def test_a_team_then_a_period_either_may_be_left_out(
    text: str, team: str | None, period: Period
) -> None:
    assert split_request(text, TODAY, TEAMS) == (team, period)


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("East last fortnight", "“last fortnight”"),
        ("West Coast yesterday-ish", "“yesterday-ish”"),
        ("this quarter", "“this quarter”"),
        ("Mar 40 to Mar 41", "“Mar 40 to Mar 41”"),
        ("East <!channel> to then", "“&lt;!channel&gt; to then”"),
    ],
)
def test_nonsense_after_a_team_or_that_looks_like_a_period_is_refused_as_a_period(
    text: str, echo: str
) -> None:
    with pytest.raises(UserError) as refused:
        split_request(text, TODAY, TEAMS)
    assert f"I can't read {echo} as a period" in refused.value.message
