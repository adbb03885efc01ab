"""The rep's Settings modal: reminder time, workdays, pause until; its parser and checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot import ids
from bot.blocks.home import DAY_NAMES, HomeSettings
from bot.errors import UserError
from bot.mrkdwn import escape, md, plain
from bot.workspace_settings import parse_clock_time

TITLE = "Your settings"
FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PAUSE_MAX_DAYS = 366  # a pause is a vacation, not a goodbye


def settings_modal(current: HomeSettings, today: date) -> dict[str, Any]:
    """The form, prefilled with the settings that apply now."""
    return {
        "type": "modal",
        "callback_id": ids.SETTINGS_MODAL,
        "title": plain(TITLE, 24),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [
            _reminder_time_input(current),
            _workdays_input(current),
            _pause_input(current, today),
            {
                "type": "context",
                "elements": [
                    md(
                        f"Time zone: *{escape(current.tz)}*, from your Slack profile. "
                        "Change it there and Revive follows."
                    )
                ],
            },
        ],
    }


def _reminder_time_input(current: HomeSettings) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": ids.IN_REMINDER_TIME,
        "label": plain("Morning reminder at"),
        "element": {
            "type": "timepicker",
            "action_id": ids.IN_REMINDER_TIME,
            "initial_time": f"{current.reminder_time:%H:%M}",
        },
        "hint": plain(f"In your time zone, {escape(current.tz)}.", 150),
    }


def _workdays_input(current: HomeSettings) -> dict[str, Any]:
    options = [_day_option(d) for d in range(7)]
    workdays: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ids.IN_WORKDAYS,
        "options": options,
    }
    chosen = [options[d] for d in sorted(current.workdays)]
    if chosen:
        workdays["initial_options"] = chosen
    return {
        "type": "input",
        "block_id": ids.IN_WORKDAYS,
        "label": plain("Days you work"),
        "element": workdays,
        "hint": plain("Reminders come only on these days.", 150),
    }


def _pause_input(current: HomeSettings, today: date) -> dict[str, Any]:
    pause: dict[str, Any] = {
        "type": "datepicker",
        "action_id": ids.IN_PAUSED_UNTIL,
        "placeholder": plain("Not paused"),
    }
    if current.paused_until and current.paused_until >= today:
        pause["initial_date"] = current.paused_until.isoformat()
    return {
        "type": "input",
        "block_id": ids.IN_PAUSED_UNTIL,
        "optional": True,
        "label": plain("Pause reminders until"),
        "element": pause,
        "hint": plain(
            "Going on vacation? No reminders up to and including this day. "
            "Leave empty to keep them coming.",
            150,
        ),
    }


def _day_option(day: int) -> dict[str, Any]:
    return {"text": plain(FULL_DAY_NAMES[day]), "value": str(day)}


@dataclass(frozen=True, slots=True)
class SettingsForm:
    """What the rep submitted, parsed but not yet checked against today."""

    reminder_time: time | None
    workdays: frozenset[int]
    paused_until: date | None
    bad: dict[str, str]  # block_id → message for values that could not be read at all


def settings_from_state(values: dict[str, dict[str, dict[str, Any]]]) -> SettingsForm:
    """view.state.values → SettingsForm; missing or malformed entries become problems."""
    bad: dict[str, str] = {}
    raw_time = _state(values, ids.IN_REMINDER_TIME).get("selected_time")
    reminder: time | None = None
    try:
        reminder = parse_clock_time(raw_time) if isinstance(raw_time, str) else None
    except UserError:
        reminder = None
    if reminder is None:
        bad[ids.IN_REMINDER_TIME] = "Pick a time of day, like 09:00."
    days: set[int] = set()
    for option in _state(values, ids.IN_WORKDAYS).get("selected_options") or []:
        value = option.get("value") if isinstance(option, dict) else None
        if isinstance(value, str) and value.isdigit() and int(value) < len(DAY_NAMES):
            days.add(int(value))
    raw_date = _state(values, ids.IN_PAUSED_UNTIL).get("selected_date")
    paused: date | None = None
    if raw_date:
        try:
            paused = date.fromisoformat(str(raw_date))
        except ValueError:
            bad[ids.IN_PAUSED_UNTIL] = "Pick a day from the calendar, or leave it empty."
    return SettingsForm(
        reminder_time=reminder, workdays=frozenset(days), paused_until=paused, bad=bad
    )


def settings_problems(form: SettingsForm, today: date) -> dict[str, str]:
    """block_id → what to fix; empty when the form can be saved."""
    problems = dict(form.bad)
    if not form.workdays:
        problems[ids.IN_WORKDAYS] = "Tick at least one day, or pause reminders instead."
    if form.paused_until is not None and ids.IN_PAUSED_UNTIL not in problems:
        if form.paused_until < today:
            problems[ids.IN_PAUSED_UNTIL] = (
                "That day has passed. Pick a future day, or leave it empty to keep reminders on."
            )
        elif (form.paused_until - today).days > PAUSE_MAX_DAYS:
            problems[ids.IN_PAUSED_UNTIL] = "Pause for at most a year; check the year."
    return problems


def _state(values: dict[str, dict[str, dict[str, Any]]], block_id: str) -> dict[str, Any]:
    entry = (values.get(block_id) or {}).get(block_id)
    return entry if isinstance(entry, dict) else {}
