"""A manager's say over the tactics: pin one first, or switch some off, per situation.

Stored in the workspace settings as {"tactics": {"said_no": {"pinned": "new_ideas",
"off": ["be_a_resource"]}}}. Only *rankable* tactics can be pinned or switched off: those the
playbook fits to the situation outside the went-quiet sequence and the news lane (the
sequence's steps come one after another, and news is why the prospect is due at all).
Every lane the coach picks from must keep one tactic on, so no prospect is left with nothing
to try: switching off the last one is refused with a message saying which to keep.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.coach.playbook import FITS, TACTICS, Lane
from bot.domain import Situation

RANKABLE_LANES = (Lane.OPENER, Lane.RENEWAL_WINDOW, Lane.ROTATION, Lane.TALKING, Lane.SLOW)
# Lanes that must keep a tactic on; an opener switched off only means the rotation starts.
KEPT_LANES = (Lane.RENEWAL_WINDOW, Lane.ROTATION, Lane.TALKING, Lane.SLOW)


def rankable(situation: Situation) -> tuple[str, ...]:
    """The tactics the ranking may move, pin or switch off here, in the playbook's order."""
    lanes = FITS.get(situation, {})
    found: dict[str, None] = {}
    for which, ids in lanes.items():
        if which in RANKABLE_LANES:
            found.update(dict.fromkeys(ids))
    return tuple(found)


def kept_lanes(situation: Situation) -> list[tuple[str, ...]]:
    lanes = FITS.get(situation, {})
    return [ids for which, ids in lanes.items() if which in KEPT_LANES]


@dataclass(frozen=True, slots=True)
class TacticPrefs:
    """Pins and switch-offs; tuples so the settings stay hashable and comparable."""

    pins: tuple[tuple[Situation, str], ...] = ()
    offs: tuple[tuple[Situation, frozenset[str]], ...] = ()

    @property
    def pinned(self) -> dict[Situation, str]:
        return dict(self.pins)

    def off(self, situation: Situation) -> frozenset[str]:
        return dict(self.offs).get(situation, frozenset())

    def is_off(self, situation: Situation, tactic_id: str) -> bool:
        return tactic_id in self.off(situation)

    def to_json(self) -> dict[str, dict[str, Any]]:
        stored: dict[str, dict[str, Any]] = {}
        for situation, tactic_id in self.pins:
            stored.setdefault(situation.value, {})["pinned"] = tactic_id
        for situation, ids in self.offs:
            if ids:
                stored.setdefault(situation.value, {})["off"] = sorted(ids)
        return stored


def prefs_of(
    pinned: Mapping[Situation, str | None], off: Mapping[Situation, frozenset[str]]
) -> TacticPrefs:
    """TacticPrefs from plain maps, in the situations' order (empty entries dropped)."""
    pins: list[tuple[Situation, str]] = []
    for situation in Situation:
        pin = pinned.get(situation)
        if pin:
            pins.append((situation, pin))
    offs = tuple((s, frozenset(off[s])) for s in Situation if off.get(s))
    return TacticPrefs(pins=tuple(pins), offs=offs)


def prefs_from_json(stored: object) -> TacticPrefs:
    """The stored form → TacticPrefs; ValueError naming what is wrong."""
    if stored is None:
        return TacticPrefs()
    if not isinstance(stored, dict):
        raise ValueError("tactics must be an object keyed by situation")
    pinned: dict[Situation, str | None] = {}
    off: dict[Situation, frozenset[str]] = {}
    for key, entry in stored.items():
        try:
            situation = Situation(key)
        except ValueError:
            raise ValueError(f"tactics: {key!r} is not a situation") from None
        if not isinstance(entry, dict) or set(entry) - {"pinned", "off"}:
            raise ValueError(f"tactics.{key} takes only 'pinned' and 'off'")
        pin, ids = entry.get("pinned"), entry.get("off") or []
        if pin is not None and not isinstance(pin, str):
            raise ValueError(f"tactics.{key}.pinned must be a tactic id")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"tactics.{key}.off must be a list of tactic ids")
        pinned[situation], off[situation] = pin, frozenset(ids)
    prefs = prefs_of(pinned, off)
    problems = prefs_problems(prefs)
    if problems:
        raise ValueError("; ".join(f"{s.value}: {text}" for s, text in problems.items()))
    return prefs


def prefs_problems(prefs: TacticPrefs) -> dict[Situation, str]:
    """situation → what to fix, in a manager's words; empty when these can be saved."""
    problems: dict[Situation, str] = {}
    pinned = prefs.pinned
    for situation in Situation:
        allowed = rankable(situation)
        off, pin = prefs.off(situation), pinned.get(situation)
        strangers = sorted((off | ({pin} if pin else set())) - set(allowed))
        if strangers:
            problems[situation] = f"{', '.join(strangers)} does not fit this situation."
        elif pin is not None and pin in off:
            problems[situation] = f"{_title(pin)} is pinned: it can't be switched off too."
        else:
            for ids in kept_lanes(situation):
                if set(ids) <= off:
                    problems[situation] = _keep_one(ids)
                    break
    return problems


def _keep_one(ids: tuple[str, ...]) -> str:
    titles = [_title(i) for i in ids]
    names = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " or " + titles[-1]
    which = names if len(titles) == 1 else f"at least one of {names}"
    return f"Keep {which} on: with none of them, some prospects would have nothing to try."


def _title(tactic_id: str) -> str:
    tactic = TACTICS.get(tactic_id)
    return f"“{tactic.title}”" if tactic else tactic_id
