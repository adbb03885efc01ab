"""Pins, switch-offs and the ranking's minimum in the Coach settings: the modal's inputs, how
a submission reads, its problems, the stored JSON, the history and the Home's summary."""

from __future__ import annotations

from datetime import date

from bot import ids
from bot.blocks.coach_settings_modal import (
    Change,
    coach_settings_from_state,
    coach_settings_modal,
    coach_settings_problems,
    history_line,
    home_summary,
)
from bot.domain import Situation
from bot.team.coach_settings import changed_settings, with_overrides
from bot.team.coach_settings_table import DEFAULTS, setting_values
from bot.workspace_settings import settings_from_json
from tests.slack_driver import multi_static_select, static_select

TODAY = date(2026, 12, 3)
PIN = f"{ids.IN_COACH_SETTING_PREFIX}pinned.said_no"
OFF = f"{ids.IN_COACH_SETTING_PREFIX}off.said_no"


def inputs(view: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def test_the_modal_has_a_pin_and_a_switch_off_per_situation_prefilled() -> None:
    stored = {"tactics": {"said_no": {"pinned": "new_ideas", "off": ["be_a_resource"]}}}
    view = coach_settings_modal(setting_values(settings_from_json(stored)), [], TODAY)
    found = inputs(view)
    assert found[PIN]["element"]["initial_option"]["value"] == "new_ideas"
    assert [o["value"] for o in found[OFF]["element"]["initial_options"]] == ["be_a_resource"]
    assert [o["value"] for o in found[OFF]["element"]["options"]] == [
        "real_reason", "new_ideas", "be_a_resource", "measurable_results"
    ]  # fmt: skip
    pins = [k for k in found if k.startswith(f"{ids.IN_COACH_SETTING_PREFIX}pinned.")]
    assert len(pins) == len(Situation)
    assert found[f"{ids.IN_COACH_SETTING_PREFIX}ranking_min_outcomes"]["element"][
        "initial_value"
    ] == "30"
    assert len(view["blocks"]) <= 100 and len(view["private_metadata"]) <= 3000


def submitted(**entries: dict) -> dict:  # type: ignore[type-arg]
    return {block_id: {block_id: entry} for block_id, entry in entries.items()}


def test_a_submission_reads_pins_and_switch_offs_and_saves_them_as_json() -> None:
    current = setting_values(settings_from_json({}))
    entries = {PIN: static_select("measurable_results"),
               OFF: multi_static_select(["new_ideas", "real_reason"])}  # fmt: skip
    form = coach_settings_from_state(submitted(**entries), None)
    assert form.values == {"pinned.said_no": "measurable_results",
                           "off.said_no": "new_ideas,real_reason"}  # fmt: skip
    wanted = {**current, **form.edited()}
    assert coach_settings_problems(wanted) == {}
    changes = changed_settings(current, wanted)
    assert [c.key for c in changes] == ["pinned.said_no", "off.said_no"]
    stored = with_overrides({}, wanted, changes)
    assert stored == {"tactics": {"said_no": {"pinned": "measurable_results",
                                              "off": ["new_ideas", "real_reason"]}}}  # fmt: skip
    # Clearing both (the "No pin" option, nothing selected) drops the stored entry again.
    cleared = {**wanted, "pinned.said_no": "", "off.said_no": ""}
    assert with_overrides(stored, cleared, changed_settings(wanted, cleared)) == {}


def test_a_form_opened_before_pins_existed_changes_none() -> None:
    form = coach_settings_from_state(submitted(), None)
    assert "pinned.said_no" not in form.values and "off.said_no" not in form.values


def test_problems_land_on_the_field_to_fix() -> None:
    base = dict(DEFAULTS)
    every = {**base, "off.said_no": "be_a_resource,measurable_results,new_ideas"}
    assert "Keep at least one of" in coach_settings_problems(every)[OFF]
    stranger = {**base, "pinned.said_no": "land_a_slice"}
    assert "does not fit" in coach_settings_problems(stranger)[PIN]
    both = {**base, "pinned.said_no": "new_ideas", "off.said_no": "new_ideas"}
    assert "pinned" in coach_settings_problems(both)[OFF]
    minimum = {**base, "ranking_min_outcomes": -1}
    assert f"{ids.IN_COACH_SETTING_PREFIX}ranking_min_outcomes" in coach_settings_problems(minimum)


def test_history_and_home_say_tactics_in_words() -> None:
    change = Change("U1", TODAY, "off.said_no", "", "be_a_resource,new_ideas")
    assert history_line(change, TODAY) == (
        "<@U1> changed Said no (generic reason): switched off none → Be a resource, "
        "Get their attention on Dec 3"
    )
    stored = {"tactics": {"said_no": {"pinned": "new_ideas"}}}
    text = home_summary(setting_values(settings_from_json(stored)))[0]["text"]["text"]
    assert "*Tactics:* Said no (generic reason): pinned first *Get their attention*" in text
    assert "switched off" not in text and "Ranking starts after *30*" in text
    plain = home_summary(setting_values(settings_from_json({})))[0]["text"]["text"]
    assert "Tactics:" not in plain
