"""The managers' Coach settings modal: every coach setting, the workspace defaults, history.

The pure builder, the parser of a submission and its problems; which settings there are,
and their words and bounds, come from bot.team.coach_settings_table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from bot import ids
from bot.blocks.state import Values, element_state
from bot.blocks.tactic_prefs_inputs import (
    read_tactic_inputs,
    shown_tactics,
    tactic_inputs,
    tactic_problems,
    tactic_summary,
)
from bot.domain import CoachSettings
from bot.errors import UserError
from bot.mrkdwn import HEADER_TEXT_MAX, escape, md, plain
from bot.team.coach_settings_table import (
    COACH_KEYS,
    DEFAULTS,
    REMINDER,
    TACTIC_KEYS,
    TZ,
    WORKSPACE_LABELS,
    Value,
    bounds,
    knob,
    label,
    shown,
)
from bot.workspace_settings import parse_clock_time, valid_zone

Block = dict[str, Any]

TITLE = "Coach settings"
HISTORY_SHOWN = 5
TEXT_MAX = 300  # labels and hints: well inside Slack's 2000
ZONE_MAX = 64  # as long as a stored zone may be (reps.tz)


def block_id(key: str) -> str:
    if key == TZ:
        return ids.IN_DEFAULT_TZ
    if key == REMINDER:
        return ids.IN_DEFAULT_REMINDER_TIME
    return ids.IN_COACH_SETTING_PREFIX + key


# --- the modal -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded change, with the day it happened in the viewer's zone."""

    changed_by: str  # a Slack user id (or "cli")
    on: date
    key: str
    old: str | None
    new: str | None


def coach_settings_modal(
    current: Mapping[str, Value], history: Sequence[Change], today: date
) -> dict[str, Any]:
    """The form prefilled with what applies now, and the last changes under it."""
    blocks: list[Block] = [
        {
            "type": "section",
            "text": md("These apply to every rep in the workspace. Every change is recorded."),
        }
    ]
    for group, keys in _groups():
        blocks.append(_header(group))
        blocks += [_number_input(key, current[key]) for key in keys]
    blocks += tactic_inputs(current)  # after the last group's header: "Tactic ranking"
    blocks.append(_header("Workspace defaults"))
    blocks += [_zone_input(str(current[TZ])), _time_input(current[REMINDER])]
    blocks += history_blocks(history, today)
    return {
        "type": "modal",
        "callback_id": ids.COACH_SETTINGS_MODAL,
        "title": plain(TITLE, 24),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        # What the form showed: on submit only the fields the manager edited are saved,
        # so two managers editing different settings at once don't undo each other.
        "private_metadata": json.dumps(
            {key: shown(current[key]) for key in current}, separators=(",", ":")
        ),
        "blocks": blocks,
    }


def _groups() -> list[tuple[str, list[str]]]:
    grouped: dict[str, list[str]] = {}
    for key in COACH_KEYS:
        grouped.setdefault(knob(key).group, []).append(key)
    return list(grouped.items())


def _hint(key: str) -> str:
    low, high = bounds(key)
    row = knob(key)
    unit = f" {row.unit}" if row.unit else ""
    return f"{row.meaning} {low}–{high}{unit}, default {DEFAULTS.get(key, '—')}.".strip()


def _number_input(key: str, value: Value) -> Block:
    low, high = bounds(key)
    return {
        "type": "input",
        "block_id": block_id(key),
        "label": plain(label(key), TEXT_MAX),
        "element": {
            "type": "number_input",
            "action_id": block_id(key),
            "is_decimal_allowed": False,
            "initial_value": shown(value),
            "min_value": str(low),
            "max_value": str(high),
        },
        "hint": plain(_hint(key), TEXT_MAX),
    }


def _zone_input(zone: str) -> Block:
    return {
        "type": "input",
        "block_id": ids.IN_DEFAULT_TZ,
        "label": plain(WORKSPACE_LABELS[TZ], TEXT_MAX),
        "element": {
            "type": "plain_text_input",
            "action_id": ids.IN_DEFAULT_TZ,
            "initial_value": zone,
            "max_length": ZONE_MAX,
        },
        "hint": plain(
            "For reps whose Slack profile has no time zone. A name like Europe/Paris or "
            f"America/New_York; default {DEFAULTS[TZ]}.",
            TEXT_MAX,
        ),
    }


def _time_input(at: Value) -> Block:
    return {
        "type": "input",
        "block_id": ids.IN_DEFAULT_REMINDER_TIME,
        "label": plain(WORKSPACE_LABELS[REMINDER], TEXT_MAX),
        "element": {
            "type": "timepicker",
            "action_id": ids.IN_DEFAULT_REMINDER_TIME,
            "initial_time": shown(at),
        },
        "hint": plain(
            "When the morning digest comes, in each rep's own time zone, unless they picked "
            f"another time. Default {shown(DEFAULTS[REMINDER])}.",
            TEXT_MAX,
        ),
    }


def history_blocks(history: Sequence[Change], today: date) -> list[Block]:
    lines = [history_line(change, today) for change in history[:HISTORY_SHOWN]]
    text = "\n".join(lines) if lines else "No changes made here yet."
    return [_header("Recent changes"), {"type": "context", "elements": [md(text)]}]


_USER_ID = re.compile(r"[UW][A-Z0-9]{1,31}")  # a Slack user id: mentioned


def history_line(change: Change, today: date) -> str:
    """'<@U1> changed Nothing-new limit 2 → 3 on Dec 3'."""
    who = (
        f"<@{change.changed_by}>"
        if _USER_ID.fullmatch(change.changed_by)
        else escape(change.changed_by)
    )
    day = f"{change.on:%b %-d}" if change.on.year == today.year else f"{change.on:%b %-d, %Y}"
    old, new = (escape(shown_tactics(change.key, text)) for text in (change.old, change.new))
    return f"{who} changed {escape(label(change.key))} {old} → {new} on {day}"


def home_summary(current: Mapping[str, Value]) -> list[Block]:
    """The manager Home's compact view of the settings, with the button to change them."""
    parts = []
    for key, value in current.items():
        if key in TACTIC_KEYS:
            continue  # only those set, in words: below
        unit = " days" if knob(key).unit == "days" else ""
        parts.append(f"{escape(label(key))} *{escape(shown(value))}{unit}*")
    tactics = tactic_summary(current)
    text = "*Coach settings* for every rep in the workspace\n" + " · ".join(parts)
    return [
        {
            "type": "section",
            "text": md(text + (f"\n*Tactics:* {tactics}" if tactics else "")),
        },
        {
            "type": "actions",
            "block_id": ids.HOME_COACH_SETTINGS_BLOCK,
            "elements": [
                {
                    "type": "button",
                    "action_id": ids.HOME_COACH_SETTINGS,
                    "text": plain("Coach settings"),
                }
            ],
        },
    ]


def _header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


# --- reading a submission ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoachSettingsForm:
    """What a manager submitted, and what the form showed when it was opened.

    A value that could not be read stays as its text (problems() names it); a setting
    absent from the submission (a form opened before the setting existed) is not in it."""

    values: dict[str, Value]
    shown: dict[str, str] | None  # None: unknown, so every value counts as edited

    def edited(self) -> dict[str, Value]:
        """The values the manager changed in the form."""
        if self.shown is None:
            return dict(self.values)
        return {k: v for k, v in self.values.items() if self.shown.get(k) != shown(v)}


_WHOLE = re.compile(r"-?\d{1,9}")  # longer numbers are out of every range anyway


def coach_settings_from_state(values: Values, private_metadata: object) -> CoachSettingsForm:
    """view.state.values and the modal's private_metadata → a form (checked by problems)."""
    read: dict[str, Value] = {}
    for key in COACH_KEYS:
        state = element_state(values, block_id(key))
        if state:
            text = _text(state.get("value"))
            read[key] = int(text) if _WHOLE.fullmatch(text) else text
    zone = element_state(values, ids.IN_DEFAULT_TZ)
    if zone:
        read[TZ] = canonical_zone(_text(zone.get("value")))
    at = element_state(values, ids.IN_DEFAULT_REMINDER_TIME)
    if at:
        text = _text(at.get("selected_time"))
        try:
            read[REMINDER] = parse_clock_time(text)
        except UserError:
            read[REMINDER] = text  # problems() asks for a time of day
    read.update(read_tactic_inputs(values))
    return CoachSettingsForm(values=read, shown=_shown_values(private_metadata))


def _text(raw: object) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def canonical_zone(text: str) -> str:
    """'europe/paris' or 'America/New York' → the zone's own spelling; otherwise as typed."""
    if not text or len(text) > ZONE_MAX or valid_zone(text):
        return text
    return _zones_by_key().get(_zone_key(text), text)


@cache
def _zones_by_key() -> dict[str, str]:
    return {_zone_key(name): name for name in available_timezones()}


def _zone_key(text: str) -> str:
    return text.strip().lower().replace(" ", "_")


def _shown_values(private_metadata: object) -> dict[str, str] | None:
    if not isinstance(private_metadata, str):
        return None
    try:
        data = json.loads(private_metadata)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return None
    return {str(k): v for k, v in data.items()}


def coach_settings_problems(values: Mapping[str, Value]) -> dict[str, str]:
    """block_id → what to fix; empty when these values can be saved together."""
    problems: dict[str, str] = {}
    for key in COACH_KEYS:
        low, high = bounds(key)
        value = values.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            unit = knob(key).unit or "units"
            problems[block_id(key)] = f"Enter a whole number of {unit} from {low} to {high}."
    zone = values.get(TZ)
    if not isinstance(zone, str) or not zone:
        problems[ids.IN_DEFAULT_TZ] = "Enter a time zone, like Europe/Paris."
    elif len(zone) > ZONE_MAX or not valid_zone(zone):
        problems[ids.IN_DEFAULT_TZ] = (
            "Not a time zone Revive knows. Use a name like Europe/Paris or America/New_York."
        )
    if not isinstance(values.get(REMINDER), time):
        problems[ids.IN_DEFAULT_REMINDER_TIME] = "Pick a time of day, like 09:00."
    problems.update(tactic_problems(values))
    return problems or _rule_problems(values)


def _rule_problems(values: Mapping[str, Value]) -> dict[str, str]:
    """Rules across settings (the lead time shorter than the term): the coach's own check,
    its message put on the first setting it names, in the form's words."""
    try:
        CoachSettings(**{key: values[key] for key in COACH_KEYS})
    except (TypeError, ValueError) as error:
        text = str(error)
        named = sorted((text.find(key), key) for key in COACH_KEYS if key in text)
        where = named[0][1] if named else COACH_KEYS[0]
        for key in sorted(COACH_KEYS, key=len, reverse=True):
            text = text.replace(key, label(key))
        return {block_id(where): text[:1].upper() + text[1:]}
    return {}
