"""The Settings modal: prefilled form, parsing of view.state, and the checks before saving."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from slack_sdk.models.views import View

from bot import ids
from bot.blocks.home import HomeSettings
from bot.blocks.settings_modal import settings_from_state, settings_modal, settings_problems
from tests.slack_driver import checkboxes, datepicker, timepicker

TODAY = date(2026, 11, 24)
CURRENT = HomeSettings(time(8, 30), frozenset({0, 1, 2, 3, 4}), "America/New_York", None)


def values(
    at: str | None = "07:45", days: list[str] | None = None, pause: str | None = None
) -> dict[str, Any]:
    return {
        ids.IN_REMINDER_TIME: {ids.IN_REMINDER_TIME: timepicker(at)},
        ids.IN_WORKDAYS: {ids.IN_WORKDAYS: checkboxes(["0", "2"] if days is None else days)},
        ids.IN_PAUSED_UNTIL: {ids.IN_PAUSED_UNTIL: datepicker(pause)},
    }


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b["element"] for b in view["blocks"] if b.get("block_id") == block_id)


def test_modal_is_valid_and_prefilled() -> None:
    view = settings_modal(CURRENT, TODAY)
    View(**view).to_dict()
    assert view["callback_id"] == ids.SETTINGS_MODAL
    assert len(view["title"]["text"]) <= 24
    assert element(view, ids.IN_REMINDER_TIME)["initial_time"] == "08:30"
    chosen = [o["value"] for o in element(view, ids.IN_WORKDAYS)["initial_options"]]
    assert chosen == ["0", "1", "2", "3", "4"]
    assert "initial_date" not in element(view, ids.IN_PAUSED_UNTIL)


def test_a_future_pause_is_prefilled_and_a_past_one_is_not() -> None:
    paused = HomeSettings(time(9, 0), frozenset({5}), "UTC", date(2026, 12, 24))
    view = settings_modal(paused, TODAY)
    View(**view).to_dict()
    assert element(view, ids.IN_PAUSED_UNTIL)["initial_date"] == "2026-12-24"
    over = HomeSettings(time(9, 0), frozenset({5}), "UTC", date(2026, 11, 1))
    assert "initial_date" not in element(settings_modal(over, TODAY), ids.IN_PAUSED_UNTIL)


def test_valid_state_parses_without_problems() -> None:
    form = settings_from_state(values(pause="2026-12-01"))
    assert form.reminder_time == time(7, 45)
    assert form.workdays == frozenset({0, 2})
    assert form.paused_until == date(2026, 12, 1)
    assert settings_problems(form, TODAY) == {}


def test_pausing_until_today_or_not_at_all_is_fine() -> None:
    assert settings_problems(settings_from_state(values(pause="2026-11-24")), TODAY) == {}
    assert settings_from_state(values()).paused_until is None


def test_no_workday_is_refused() -> None:
    problems = settings_problems(settings_from_state(values(days=[])), TODAY)
    assert set(problems) == {ids.IN_WORKDAYS}


def test_past_pause_is_refused() -> None:
    problems = settings_problems(settings_from_state(values(pause="2026-11-23")), TODAY)
    assert set(problems) == {ids.IN_PAUSED_UNTIL}
    assert "passed" in problems[ids.IN_PAUSED_UNTIL]


def test_pause_over_a_year_is_refused() -> None:
    problems = settings_problems(settings_from_state(values(pause="2028-01-01")), TODAY)
    assert set(problems) == {ids.IN_PAUSED_UNTIL}


def test_malformed_values_are_problems_not_crashes() -> None:
    form = settings_from_state(values(at="25:99", days=["9", "x"], pause="someday"))
    problems = settings_problems(form, TODAY)
    assert set(problems) == {ids.IN_REMINDER_TIME, ids.IN_WORKDAYS, ids.IN_PAUSED_UNTIL}
    assert set(settings_problems(settings_from_state({}), TODAY)) == {
        ids.IN_REMINDER_TIME,
        ids.IN_WORKDAYS,
    }
