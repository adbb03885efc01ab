"""Whose morning is it: the due rule in many zones, across DST, weekends, pauses, cutoffs.

Expected instants are written out in UTC by hand, so a rule that used a fixed offset
(Slack's tz_offset) or the server's zone would fail here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import WEEKDAYS
from bot.reminders.mornings import MorningFacts, is_due, morning_facts
from bot.workspace_settings import WorkspaceSettings
from store.models import Rep

SETTINGS = WorkspaceSettings()  # 09:00, cutoff 4 hours
MINUTE = timedelta(minutes=1)


def facts(
    zone: str,
    *,
    at: time = time(9),
    days: frozenset[int] = WEEKDAYS,
    paused_until: date | None = None,
    active: bool = True,
) -> MorningFacts:
    return MorningFacts(ZoneInfo(zone), at, days, paused_until, active)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (zone, local date, the UTC instant of 09:00 there), Tuesday 24 November 2026 unless noted.
NINE_AM = [
    ("Asia/Kolkata", date(2026, 11, 24), "2026-11-24T03:30"),  # +5:30
    ("Pacific/Chatham", date(2026, 11, 24), "2026-11-23T19:15"),  # +13:45 in summer
    ("America/St_Johns", date(2026, 11, 24), "2026-11-24T12:30"),  # -3:30
    ("Australia/Sydney", date(2026, 11, 24), "2026-11-23T22:00"),  # +11 in summer
    ("America/New_York", date(2026, 11, 24), "2026-11-24T14:00"),
    ("Europe/Paris", date(2026, 11, 24), "2026-11-24T08:00"),
    ("UTC", date(2026, 11, 24), "2026-11-24T09:00"),
]


@pytest.mark.parametrize(("zone", "local", "nine"), NINE_AM)
def test_due_from_reminder_time_until_the_cutoff_in_every_zone(
    zone: str, local: date, nine: str
) -> None:
    start = utc(nine)
    rep = facts(zone)
    assert is_due(rep, start - MINUTE, SETTINGS) is None
    assert is_due(rep, start, SETTINGS) == local
    assert is_due(rep, start + timedelta(hours=3, minutes=59), SETTINGS) == local
    assert is_due(rep, start + timedelta(hours=4), SETTINGS) is None


# Friday before and Monday after each transition: 09:00 local moves by an hour in UTC.
DST = [
    # New York autumn (1 Nov) and spring (8 Mar)
    ("America/New_York", "2026-10-30T13:00", "2026-11-02T14:00"),
    ("America/New_York", "2026-03-06T14:00", "2026-03-09T13:00"),
    # Sydney: summer time ends 5 Apr, starts 4 Oct (southern hemisphere)
    ("Australia/Sydney", "2026-04-02T22:00", "2026-04-05T23:00"),
    ("Australia/Sydney", "2026-10-01T23:00", "2026-10-04T22:00"),
    # Chatham: +13:45 → +12:45 on 5 Apr, back on 27 Sep
    ("Pacific/Chatham", "2026-04-02T19:15", "2026-04-05T20:15"),
    ("Pacific/Chatham", "2026-09-24T20:15", "2026-09-27T19:15"),
    ("America/St_Johns", "2026-03-06T12:30", "2026-03-09T11:30"),
    ("Europe/London", "2026-03-27T09:00", "2026-03-30T08:00"),
]


@pytest.mark.parametrize(("zone", "friday", "monday"), DST)
def test_reminder_follows_the_zone_across_dst(zone: str, friday: str, monday: str) -> None:
    rep = facts(zone)
    for nine in (utc(friday), utc(monday)):
        local = nine.astimezone(ZoneInfo(zone)).date()
        assert is_due(rep, nine, SETTINGS) == local
        assert is_due(rep, nine - MINUTE, SETTINGS) is None
    # Friday's UTC hour carried over to Monday (what a stored offset would do) is wrong
    # by an hour: before 09:00 it is too early; after the shifted cutoff it is too late.
    carried = utc(friday) + timedelta(days=3)
    shift = utc(monday) - carried
    if shift > timedelta(0):
        assert is_due(rep, carried, SETTINGS) is None
    else:
        assert is_due(rep, carried + timedelta(hours=4) - MINUTE, SETTINGS) is None


def test_times_inside_the_transition_hours_on_a_sunday_workday() -> None:
    every_day = frozenset(range(7))
    gap = facts("America/New_York", at=time(2, 30), days=every_day)
    # 02:30 does not exist on 8 Mar 2026: it is read as 03:30 summer time (07:30 UTC).
    assert is_due(gap, utc("2026-03-08T07:29"), SETTINGS) is None
    assert is_due(gap, utc("2026-03-08T07:30"), SETTINGS) == date(2026, 3, 8)
    twice = facts("America/New_York", at=time(1, 30), days=every_day)
    # 01:30 happens twice on 1 Nov 2026: the first one (EDT, 05:30 UTC) counts.
    assert is_due(twice, utc("2026-11-01T05:30"), SETTINGS) == date(2026, 11, 1)
    assert is_due(twice, utc("2026-11-01T05:29"), SETTINGS) is None


def test_the_weekday_is_the_reps_not_utcs() -> None:
    # 19:15 UTC on Sunday 22 Nov is 09:00 on Monday 23 Nov in Chatham.
    assert is_due(facts("Pacific/Chatham"), utc("2026-11-22T19:15"), SETTINGS) == date(2026, 11, 23)
    # 22:00 UTC on Friday 27 Nov is 09:00 on Saturday in Sydney: no digest.
    assert is_due(facts("Australia/Sydney"), utc("2026-11-27T22:00"), SETTINGS) is None


def test_weekends_and_custom_workdays() -> None:
    saturday = utc("2026-11-28T09:30")
    monday = utc("2026-11-30T09:30")
    assert is_due(facts("UTC"), saturday, SETTINGS) is None
    assert is_due(facts("UTC"), monday, SETTINGS) == date(2026, 11, 30)
    weekend_shift = facts("UTC", days=frozenset({5, 6}))
    assert is_due(weekend_shift, saturday, SETTINGS) == date(2026, 11, 28)
    assert is_due(weekend_shift, monday, SETTINGS) is None


def test_pause_holds_through_its_last_day() -> None:
    at = utc("2026-11-24T09:30")
    assert is_due(facts("UTC", paused_until=date(2026, 11, 24)), at, SETTINGS) is None
    assert is_due(facts("UTC", paused_until=date(2026, 12, 31)), at, SETTINGS) is None
    assert is_due(facts("UTC", paused_until=date(2026, 11, 23)), at, SETTINGS) == date(2026, 11, 24)


def test_catch_up_after_downtime_but_never_for_a_past_day() -> None:
    rep = facts("Asia/Kolkata")
    # The process was down from 08:00 to 12:00 local: today's digest still goes.
    assert is_due(rep, utc("2026-11-24T06:30"), SETTINGS) == date(2026, 11, 24)
    # Down until the afternoon: today's window is over, and yesterday's never comes back.
    assert is_due(rep, utc("2026-11-24T07:30"), SETTINGS) is None
    assert is_due(rep, utc("2026-11-25T03:29"), SETTINGS) is None
    assert is_due(rep, utc("2026-11-25T03:30"), SETTINGS) == date(2026, 11, 25)


def test_a_window_crossing_midnight_ends_at_midnight() -> None:
    late = facts("UTC", at=time(22, 0))
    assert is_due(late, utc("2026-11-24T23:59"), SETTINGS) == date(2026, 11, 24)
    assert is_due(late, utc("2026-11-25T00:30"), SETTINGS) is None


def test_workspace_cutoff_and_inactive_reps() -> None:
    short = WorkspaceSettings(digest_cutoff_hours=1)
    at = utc("2026-11-24T10:30")
    assert is_due(facts("UTC"), at, SETTINGS) == date(2026, 11, 24)
    assert is_due(facts("UTC"), at, short) is None
    none = WorkspaceSettings(digest_cutoff_hours=0)  # still one tick wide
    assert is_due(facts("UTC"), utc("2026-11-24T09:00:30"), none) == date(2026, 11, 24)
    assert is_due(facts("UTC"), utc("2026-11-24T09:01"), none) is None
    assert is_due(facts("UTC", active=False), at, SETTINGS) is None


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        is_due(facts("UTC"), datetime(2026, 11, 24, 9, 30), SETTINGS)


def test_facts_from_a_rep_use_the_workspace_defaults_when_unset() -> None:
    now = utc("2026-11-24T00:00")
    rep = Rep(
        slack_user_id="U1",
        tz=None,
        reminder_time=None,
        workdays="0,2",
        paused_until=date(2026, 11, 1),
        created_at=now,
        updated_at=now,
    )
    settings = WorkspaceSettings(default_tz="Asia/Kolkata", reminder_time=time(8, 15))
    got = morning_facts(rep, settings)
    assert got == MorningFacts(
        ZoneInfo("Asia/Kolkata"), time(8, 15), frozenset({0, 2}), date(2026, 11, 1), True
    )
    rep.tz, rep.reminder_time = "Pacific/Chatham", time(7, 0)
    rep.deactivated_at = now
    got = morning_facts(rep, settings)
    assert (got.zone, got.reminder_time, got.active) == (
        ZoneInfo("Pacific/Chatham"),
        time(7, 0),
        False,
    )
