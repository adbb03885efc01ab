"""The managers' Coach settings modal: built from CoachSettings, parsed, checked; the history
rows and the stored overrides a save produces."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.coach_settings_modal import (
    Change,
    coach_settings_from_state,
    coach_settings_modal,
    coach_settings_problems,
    history_line,
    home_summary,
)
from bot.domain import COACH_SETTING_LIMITS, CoachSettings
from bot.errors import UserError
from bot.team.coach_settings import changed_settings, with_overrides
from bot.team.coach_settings_table import COACH_KEYS, DEFAULTS, KNOBS, knob, label, setting_values
from bot.workspace_settings import WorkspaceSettings, settings_from_json
from tests.fakeslack import blocks_text
from tests.slack_driver import plain_text, timepicker

TODAY = date(2026, 12, 7)
BLOCK = {"nothing_new_limit": f"{ids.IN_COACH_SETTING_PREFIX}nothing_new_limit"}


def number(value: str | None) -> dict[str, Any]:
    return {"type": "number_input", "value": value}


def state(**changes: str) -> dict[str, Any]:
    """view.state.values of the modal as opened with the defaults, with some fields retyped."""
    values: dict[str, Any] = {}
    for key in COACH_KEYS:
        bid = ids.IN_COACH_SETTING_PREFIX + key
        values[bid] = {bid: number(changes.get(key, str(DEFAULTS[key])))}
    values[ids.IN_DEFAULT_TZ] = {ids.IN_DEFAULT_TZ: plain_text(changes.get("default_tz", "UTC"))}
    at = changes.get("reminder_time", "09:00")
    values[ids.IN_DEFAULT_REMINDER_TIME] = {ids.IN_DEFAULT_REMINDER_TIME: timepicker(at)}
    return values


def opened_with_defaults() -> str:
    return str(coach_settings_modal(DEFAULTS, [], TODAY)["private_metadata"])


def by_block(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def test_every_coach_setting_has_its_row_and_its_bounds() -> None:
    assert set(KNOBS) == set(COACH_KEYS)
    assert set(COACH_SETTING_LIMITS) == set(COACH_KEYS)
    labels = [label(key) for key in (*COACH_KEYS, "default_tz", "reminder_time")]
    assert len(set(labels)) == len(labels)  # the history names each setting unambiguously


def test_a_setting_without_a_row_still_gets_a_field() -> None:
    row = knob("lunch_break_days")
    assert (row.label, row.unit, row.group) == ("Lunch break", "days", "Other")


def test_modal_is_valid_and_prefilled_with_what_applies_now() -> None:
    settings = WorkspaceSettings(
        coach=CoachSettings(nothing_new_limit=4), default_tz="Europe/Paris",
        reminder_time=time(8, 15),
    )  # fmt: skip
    view = coach_settings_modal(setting_values(settings), [], TODAY)
    View(**view).to_dict()
    assert view["callback_id"] == ids.COACH_SETTINGS_MODAL
    assert len(view["title"]["text"]) <= 24 and len(view["blocks"]) <= 100
    blocks = by_block(view)
    for key in COACH_KEYS:
        element = blocks[ids.IN_COACH_SETTING_PREFIX + key]["element"]
        low, high = COACH_SETTING_LIMITS[key]
        assert element["type"] == "number_input" and not element["is_decimal_allowed"]
        assert (element["min_value"], element["max_value"]) == (str(low), str(high))
        expected = 4 if key == "nothing_new_limit" else getattr(CoachSettings(), key)
        assert element["initial_value"] == str(expected)
    assert blocks[ids.IN_DEFAULT_TZ]["element"]["initial_value"] == "Europe/Paris"
    assert blocks[ids.IN_DEFAULT_REMINDER_TIME]["element"]["initial_time"] == "08:15"
    hint = blocks[BLOCK["nothing_new_limit"]]["hint"]["text"]
    assert "1–10 conversations, default 2" in hint
    assert "No changes made here yet." in blocks_text(view["blocks"])
    assert json.loads(view["private_metadata"])["nothing_new_limit"] == "4"


def test_history_names_who_what_and_when_escaped() -> None:
    changes = [
        Change("U0ANN", date(2026, 12, 3), "nothing_new_limit", "2", "3"),
        Change("U0ANN", date(2025, 11, 30), "default_tz", "UTC", "Europe/Paris"),
        Change("<!channel>", date(2026, 12, 1), "reminder_time", "09:00", "08:30"),
    ]
    lines = [history_line(c, TODAY) for c in changes]
    assert lines[0] == "<@U0ANN> changed Nothing-new limit 2 → 3 on Dec 3"
    assert lines[1] == "<@U0ANN> changed Default time zone UTC → Europe/Paris on Nov 30, 2025"
    assert lines[2].startswith("&lt;!channel&gt; changed Default reminder time 09:00 → 08:30")
    many = [Change("U1", TODAY, "said_no_cadence_days", str(n), str(n + 1)) for n in range(9)]
    view = coach_settings_modal(DEFAULTS, many, TODAY)
    View(**view).to_dict()
    text = blocks_text(view["blocks"])
    assert text.count("changed Said-no cadence") == 5 and "0 → 1" in text and "5 → 6" not in text


def test_home_summary_shows_every_value_and_the_button() -> None:
    blocks = home_summary(DEFAULTS)
    for block in blocks:
        Block.parse(block).to_dict()  # type: ignore[union-attr]
    text = blocks_text(blocks)
    assert "Nothing-new limit *2*" in text and "Proposal expiry *30 days*" in text
    assert "Default time zone *UTC*" in text and "Default reminder time *09:00*" in text
    assert blocks[-1]["elements"][0]["action_id"] == ids.HOME_COACH_SETTINGS
    assert blocks[-1]["elements"][0]["text"]["text"] == "Coach settings"


def test_a_valid_submission_parses_and_only_retyped_fields_count_as_edited() -> None:
    values = state(nothing_new_limit="3", default_tz="europe/paris", reminder_time="08:30")
    form = coach_settings_from_state(values, opened_with_defaults())
    assert form.edited() == {
        "nothing_new_limit": 3, "default_tz": "Europe/Paris", "reminder_time": time(8, 30),
    }  # fmt: skip
    assert coach_settings_problems({**DEFAULTS, **form.edited()}) == {}
    # Without what the form showed (a forged or old modal), every value counts as edited.
    assert coach_settings_from_state(values, "not json").edited().keys() == form.values.keys()
    # A setting missing from the submission (a modal opened before it existed) stays as is.
    del values[BLOCK["nothing_new_limit"]]
    assert "nothing_new_limit" not in coach_settings_from_state(values, None).values


@pytest.mark.parametrize(
    ("typed", "where", "says"),
    [
        ({"nothing_new_limit": "0"}, BLOCK["nothing_new_limit"], "from 1 to 10"),
        ({"nothing_new_limit": "11"}, BLOCK["nothing_new_limit"], "from 1 to 10"),
        ({"nothing_new_limit": "2.5"}, BLOCK["nothing_new_limit"], "whole number"),
        ({"nothing_new_limit": ""}, BLOCK["nothing_new_limit"], "whole number"),
        ({"nothing_new_limit": "9" * 40}, BLOCK["nothing_new_limit"], "from 1 to 10"),
        ({"proposal_valid_days": "-5"}, "coach:proposal_valid_days", "days from 1 to 365"),
        ({"default_tz": "Mars/Olympus_Mons"}, ids.IN_DEFAULT_TZ, "Europe/Paris"),
        ({"default_tz": "x" * 5000}, ids.IN_DEFAULT_TZ, "Not a time zone"),
        ({"default_tz": ""}, ids.IN_DEFAULT_TZ, "Enter a time zone"),
        ({"reminder_time": "25:00"}, ids.IN_DEFAULT_REMINDER_TIME, "09:00"),
        ({"reminder_time": "nine"}, ids.IN_DEFAULT_REMINDER_TIME, "09:00"),
    ],
)
def test_a_bad_value_is_named_on_its_field(typed: dict[str, str], where: str, says: str) -> None:
    form = coach_settings_from_state(state(**typed), opened_with_defaults())
    problems = coach_settings_problems({**DEFAULTS, **form.edited()})
    assert set(problems) == {where} and says in problems[where]


def test_the_lead_time_must_be_shorter_than_the_term() -> None:
    form = coach_settings_from_state(
        state(contract_lead_days="200", contract_term_days="100"), opened_with_defaults()
    )
    problems = coach_settings_problems({**DEFAULTS, **form.edited()})
    assert set(problems) == {"coach:contract_lead_days"}
    assert "Renewal lead time" in problems["coach:contract_lead_days"]
    assert "Contract term" in problems["coach:contract_lead_days"]


def test_history_rows_only_for_settings_that_changed() -> None:
    after = {**DEFAULTS, "nothing_new_limit": 3, "reminder_time": time(8, 30)}
    changes = changed_settings(DEFAULTS, after)
    assert [(c.key, c.old, c.new) for c in changes] == [
        ("nothing_new_limit", "2", "3"), ("reminder_time", "09:00", "08:30"),
    ]  # fmt: skip
    assert changed_settings(DEFAULTS, dict(DEFAULTS)) == []


def test_overrides_keep_what_was_stored_and_drop_values_back_at_the_default() -> None:
    stored = {"coach": {"nothing_new_limit": 4, "said_no_cadence_days": 45}, "posts_per_second": 2}
    before = setting_values(settings_from_json(stored))
    after = {**before, "nothing_new_limit": 2, "default_tz": "Asia/Tokyo",
             "reminder_time": time(7, 0)}  # fmt: skip
    written = with_overrides(stored, after, changed_settings(before, after))
    assert written == {
        "coach": {"said_no_cadence_days": 45}, "posts_per_second": 2,
        "default_tz": "Asia/Tokyo", "reminder_time": "07:00",
    }  # fmt: skip
    assert stored["coach"] == {"nothing_new_limit": 4, "said_no_cadence_days": 45}  # a copy
    assert setting_values(settings_from_json(written)) == after
    back = {**after, "said_no_cadence_days": 30}
    assert "coach" not in with_overrides(written, back, changed_settings(after, back))


def test_overrides_the_morning_would_refuse_are_never_written() -> None:
    after = {**DEFAULTS, "contract_lead_days": 200, "contract_term_days": 100}
    with pytest.raises(UserError):
        with_overrides({}, after, changed_settings(DEFAULTS, after))


def test_defaults_are_the_dataclasses_defaults() -> None:
    for field in dataclasses.fields(CoachSettings):
        assert DEFAULTS[field.name] == field.default


def test_the_playbook_lists_every_setting_with_its_default_and_bounds() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "playbook.md").read_text("utf-8")
    for key in COACH_KEYS:
        low, high = COACH_SETTING_LIMITS[key]
        assert re.search(rf"^\| `{key}` \| {DEFAULTS[key]} \| {low}–{high}\b", doc, re.M), key
    assert re.search(r"^\| `default_tz` \| UTC \|", doc, re.M)
    assert re.search(r"^\| `reminder_time` \| 09:00 \|", doc, re.M)
