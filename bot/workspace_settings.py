"""Per-workspace knobs: stored as overrides in workspaces.settings, defaults here.

An admin can change any of them with a JSON edit (or later a settings view);
whatever is stored is validated on the way in and on the way out, so a bad
value produces a clear message instead of a broken morning.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.coach.preferences import TacticPrefs, prefs_from_json
from bot.domain import CoachSettings
from bot.errors import UserError

DEFAULT_TZ = "UTC"
DEFAULT_REMINDER_TIME = time(9, 0)


@dataclass(frozen=True, slots=True)
class WorkspaceSettings:
    coach: CoachSettings = field(default_factory=CoachSettings)
    default_tz: str = DEFAULT_TZ  # for reps whose Slack profile has no zone
    reminder_time: time = DEFAULT_REMINDER_TIME
    digest_cutoff_hours: int = 4  # a late process still sends today's digest until then
    posts_per_second: float = 5.0  # pacing of digest posts, shared by all processes
    tactics: TacticPrefs = field(default_factory=TacticPrefs)  # managers' pins and switch-offs

    def __post_init__(self) -> None:
        if not valid_zone(self.default_tz):
            raise UserError(f"default_tz must be an IANA time zone like Europe/Paris, "
                            f"not {self.default_tz!r}")
        if not 0 <= self.digest_cutoff_hours <= 23:
            raise UserError("digest_cutoff_hours must be between 0 and 23")
        if not 0.1 <= self.posts_per_second <= 50:
            raise UserError("posts_per_second must be between 0.1 and 50")


@functools.lru_cache(maxsize=1024)
def valid_zone(name: str | None) -> bool:
    # Cached: every request asks about its rep's zone, and building a ZoneInfo to find out
    # costs more than the rest of a small request's Python (bench/profile_ack.py).
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a name too long for the file system ("File name too long").
        return False
    return True


def settings_from_json(stored: dict[str, Any] | None) -> WorkspaceSettings:
    """Overrides as stored in the database → validated settings (unknown keys refused)."""
    stored = dict(stored or {})
    coach_overrides = stored.pop("coach", {}) or {}
    try:
        tactics = prefs_from_json(stored.pop("tactics", None))
    except ValueError as error:
        raise UserError(f"Invalid tactic pins or switch-offs: {error}") from error
    known_coach = {f.name for f in dataclasses.fields(CoachSettings)}
    known = {f.name for f in dataclasses.fields(WorkspaceSettings)} - {"coach", "tactics"}
    unknown = (set(coach_overrides) - known_coach) | (set(stored) - known)
    if unknown:
        raise UserError(f"Unknown workspace setting(s): {', '.join(sorted(unknown))}")
    try:
        coach = CoachSettings(**coach_overrides)
    except (TypeError, ValueError) as error:
        raise UserError(f"Invalid coach setting: {error}") from error
    if "reminder_time" in stored:
        stored["reminder_time"] = parse_clock_time(str(stored["reminder_time"]))
    return WorkspaceSettings(coach=coach, tactics=tactics, **stored)


def parse_clock_time(text: str) -> time:
    """'09:00' or '9:30' → time; anything else is a UserError."""
    hours, _, minutes = text.strip().partition(":")
    if hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60:
        return time(int(hours), int(minutes))
    raise UserError(f"{text!r} is not a time of day; use HH:MM, like 09:00")
