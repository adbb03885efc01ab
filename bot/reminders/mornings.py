"""Whose morning is it: the pure rule deciding when a rep's daily digest is due.

Everything is computed from the rep's IANA zone (never Slack's tz_offset, which is a
snapshot that goes stale at the next DST change) and an instant passed in by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.reps import parse_workdays, reminder_time, rep_zone
from bot.workspace_settings import WorkspaceSettings
from store.models import Rep

# With a cutoff of 0 hours the window is still one ticker interval wide, so a digest
# configured that way is sent by the first tick after the reminder time, not never.
MIN_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class MorningFacts:
    """What the rule needs to know about one rep."""

    zone: ZoneInfo
    reminder_time: time
    workdays: frozenset[int]  # Monday=0
    paused_until: date | None = None  # paused through this local date, inclusive
    active: bool = True


def morning_facts(rep: Rep, settings: WorkspaceSettings) -> MorningFacts:
    return MorningFacts(
        zone=rep_zone(rep, settings),
        reminder_time=reminder_time(rep, settings),
        workdays=parse_workdays(rep.workdays),
        paused_until=rep.paused_until,
        active=rep.deactivated_at is None,
    )


def reminder_instant(on: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time.

    A time inside a spring-forward gap resolves with the offset before the change
    (02:30 becomes 03:30 summer time); a repeated autumn time means its first occurrence.
    """
    return datetime.combine(on, at, tzinfo=zone).astimezone(UTC)


def delivery_window(
    facts: MorningFacts, on: date, settings: WorkspaceSettings
) -> tuple[datetime, datetime]:
    """[start, end) in UTC during which the digest for local date `on` may be sent."""
    start = reminder_instant(on, facts.reminder_time, facts.zone)
    return start, start + max(timedelta(hours=settings.digest_cutoff_hours), MIN_WINDOW)


def is_due(facts: MorningFacts, now: datetime, settings: WorkspaceSettings) -> date | None:
    """The rep's local date when their digest for today may go out at `now`, else None.

    Only ever today's local date: a window that is over (the cutoff passed, or local
    midnight passed) is gone for good, so a process starting late never sends yesterday's.
    """
    if now.tzinfo is None:
        raise ValueError("is_due needs an aware instant")
    today = now.astimezone(facts.zone).date()
    if not facts.active or today.weekday() not in facts.workdays:
        return None
    if facts.paused_until is not None and today <= facts.paused_until:
        return None
    start, end = delivery_window(facts, today, settings)
    return today if start <= now < end else None


def report_day(facts: MorningFacts, monday: date) -> date:
    """The manager's first workday of the week starting `monday`: their weekly report's day."""
    return monday + timedelta(days=min(facts.workdays))


def report_week_due(facts: MorningFacts, now: datetime, settings: WorkspaceSettings) -> date | None:
    """The Monday of the manager's local week when their weekly report may go out at `now`.

    The same window as their digest (zone, reminder time, cutoff, pause), on their first
    workday of the week only: Monday, or their first workday when Monday is not one. The
    Monday keys the outbox row, so one week has one report whatever day it goes out.
    """
    today = is_due(facts, now, settings)
    if today is None or today.weekday() != min(facts.workdays):
        return None
    return today - timedelta(days=today.weekday())
