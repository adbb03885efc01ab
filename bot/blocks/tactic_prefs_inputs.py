"""The Coach settings modal's pins and switch-offs: per situation, a tactic pinned first and
the tactics switched off. Builder, reader and problems; the rules are bot.coach.preferences.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import ids
from bot.blocks.state import Values, element_state
from bot.coach.playbook import TACTICS
from bot.coach.preferences import prefs_problems, rankable
from bot.domain import Situation
from bot.mrkdwn import escape, md, plain
from bot.team.coach_settings_table import (
    OFF,
    PINNED,
    TACTIC_KEYS,
    Value,
    label,
    prefs_from_values,
    split_tactic_key,
)

Block = dict[str, Any]
NO_PIN = "none"  # the select's "no pin" option: a Slack select can't be emptied once set
TEXT_MAX = 75  # an option's text


def _key(kind: str, situation: Situation) -> str:
    return f"{kind}.{situation.value}"


def block_id(key: str) -> str:
    return ids.IN_COACH_SETTING_PREFIX + key


def _option(tactic_id: str) -> dict[str, Any]:
    return {"text": plain(TACTICS[tactic_id].title, TEXT_MAX), "value": tactic_id}


def tactic_inputs(current: Mapping[str, Value]) -> list[Block]:
    """A short explanation, then two inputs per situation: pinned first, switched off."""
    blocks: list[Block] = [
        {
            "type": "context",
            "elements": [
                md(
                    "Per situation: a pinned tactic is always offered first; a switched-off "
                    "one is never offered. The went-quiet sequence and news keep their order."
                )
            ],
        }
    ]
    for situation in Situation:
        fits = rankable(situation)
        if len(fits) < 2:
            continue
        blocks += [
            _pin_input(situation, fits, str(current.get(_key(PINNED, situation), ""))),
            _off_input(situation, fits, str(current.get(_key(OFF, situation), ""))),
        ]
    return blocks


def _pin_input(situation: Situation, fits: tuple[str, ...], pinned: str) -> Block:
    key = _key(PINNED, situation)
    none = {"text": plain("No pin: the ranking decides", TEXT_MAX), "value": NO_PIN}
    options = [none, *(_option(i) for i in fits)]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": block_id(key),
        "options": options,
        "initial_option": _option(pinned) if pinned in fits else none,
    }
    return {
        "type": "input",
        "block_id": block_id(key),
        "optional": True,
        "label": plain(label(key), 2000),
        "element": element,
    }


def _off_input(situation: Situation, fits: tuple[str, ...], off: str) -> Block:
    key = _key(OFF, situation)
    chosen = [i for i in off.split(",") if i in fits]
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": block_id(key),
        "placeholder": plain("None: every tactic that fits", TEXT_MAX),
        "options": [_option(i) for i in fits],
    }
    if chosen:
        element["initial_options"] = [_option(i) for i in chosen]
    return {
        "type": "input",
        "block_id": block_id(key),
        "optional": True,
        "label": plain(label(key), 2000),
        "element": element,
    }


def read_tactic_inputs(values: Values) -> dict[str, Value]:
    """The submitted pins and switch-offs, keyed as stored; an input not in the view (a form
    opened before they existed) is left out, so nothing changes for it."""
    read: dict[str, Value] = {}
    for key in TACTIC_KEYS:
        if block_id(key) not in values:
            continue
        state = element_state(values, block_id(key))
        if key.startswith(PINNED + "."):
            picked = (state.get("selected_option") or {}).get("value")
            read[key] = picked if isinstance(picked, str) and picked != NO_PIN else ""
        else:
            chosen = [o.get("value") for o in state.get("selected_options") or []]
            read[key] = ",".join(sorted(v for v in chosen if isinstance(v, str) and v))
    return read


def tactic_problems(values: Mapping[str, Value]) -> dict[str, str]:
    """block_id → what to fix: a pin or switch-off that doesn't fit, a pinned tactic also
    switched off, or every tactic of a lane switched off."""
    problems: dict[str, str] = {}
    for situation, text in prefs_problems(prefs_from_values(values)).items():
        pinned = str(values.get(_key(PINNED, situation), ""))
        where = PINNED if pinned and pinned not in rankable(situation) else OFF
        problems[block_id(_key(where, situation))] = text
    return problems


def shown_tactics(key: str, text: str | None) -> str:
    """A stored pin or switch-off in words: tactic titles, or "none"."""
    if split_tactic_key(key) is None:
        return text or "—"
    titles = [TACTICS[i].title if i in TACTICS else i for i in (text or "").split(",") if i]
    return ", ".join(titles) if titles else "none"


def tactic_summary(current: Mapping[str, Value]) -> str | None:
    """'Said no: pinned first *Get their attention*' for what is set; None when nothing is."""
    parts = [
        f"{escape(label(key))} *{escape(shown_tactics(key, str(current[key])))}*"
        for key in TACTIC_KEYS
        if current.get(key)
    ]
    return " · ".join(parts) or None
