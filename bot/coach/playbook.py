"""The revival playbook as data, in one place to import from.

- bot.coach.sources    the articles the advice comes from
- bot.coach.tactics    the tactics: purpose, what to do, talk track, source
- bot.coach.fits       which tactics fit which situation, in which order (FITS)
- bot.coach.situations the situations (labels, keywords)

This module adds the lanes as tactics, the went-quiet sequence, the event tactics and the
tactics the playbook leaves out on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from bot.coach.fits import FITS, Lane
from bot.coach.situations import SITUATIONS, SituationInfo, situation_from_text
from bot.coach.sources import (
    AYLING,
    ROSEN_CLOSED_DOORS,
    ROSEN_SIX_WAYS,
    SLIFE,
    USZYNSKI,
    Source,
)
from bot.coach.tactics import HOMEWORK, TACTICS, Tactic
from bot.domain import EventKind, Situation

__all__ = [  # the situations and the split-off modules stay importable from here
    "AYLING",
    "EVENT_TACTICS",
    "FITS",
    "HOMEWORK",
    "OMITTED_TACTICS",
    "ROSEN_CLOSED_DOORS",
    "ROSEN_SIX_WAYS",
    "SITUATIONS",
    "SLIFE",
    "TACTICS",
    "USZYNSKI",
    "WENT_QUIET_SEQUENCE",
    "Lane",
    "OmittedTactic",
    "SituationInfo",
    "Source",
    "Tactic",
    "lane",
    "situation_from_text",
]


def lane(situation: Situation, which: Lane) -> tuple[Tactic, ...]:
    """The tactics of one lane, in order; empty when the situation has no such lane."""
    return tuple(TACTICS[i] for i in FITS.get(situation, {}).get(which, ()))


# The went-quiet steps, as the data stands at import (selection calls lane() each time).
WENT_QUIET_SEQUENCE: tuple[Tactic, ...] = lane(Situation.WENT_QUIET, Lane.SEQUENCE)
EVENT_TACTICS: dict[EventKind, Tactic] = {t.event: t for t in TACTICS.values() if t.event}


@dataclass(frozen=True, slots=True)
class OmittedTactic:
    id: str
    title: str
    source: Source
    reason: str


OMITTED_TACTICS: tuple[OmittedTactic, ...] = (
    OmittedTactic(
        id="disengage_caller_id",
        title="Hide your caller ID",
        source=SLIFE,
        reason=(
            "Not taught: hiding your number tricks people into answering a call they chose "
            "to screen, and the coach only teaches honest contact."
        ),
    ),
)

# Rendering moved to bot.coach.rendering (which imports this module, so this one can't import
# it back at load time). Older imports such as `from bot.coach.playbook import human_date`
# keep working through this lookup; new code imports bot.coach.rendering.
_MOVED_TO_RENDERING = frozenset(
    {
        "FALLBACKS",
        "TacticCard",
        "field_values",
        "human_date",
        "render",
        "render_tactic",
        "tactic_card",
        "template_fields",
    }
)


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_RENDERING:
        return getattr(import_module("bot.coach.rendering"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
