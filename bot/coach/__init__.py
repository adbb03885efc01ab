"""The coaching engine: the one module the Slack layer and the scheduler call.

Pure rules over the values of bot.domain — no Slack, no database, no clock:
`today` (the rep's local date) is always a parameter. The rules live in small
modules re-exported here:

- bot.coach.playbook    the playbook as data, one import: tactics, sources, fits (FITS)
- bot.coach.situations  the seven situations as data, and reading one from a rep's words
- bot.coach.rendering   templates filled for one prospect, dates in words, tactic cards
- bot.coach.dates       workdays, proposal expiry, renewal cycles, first due dates
- bot.coach.counters    what a touch counts as: learned something, the two streaks, tallies
- bot.coach.state       what the history says (silence, runs, went-quiet step)
- bot.coach.select      which tactics fit today
- bot.coach.reevaluation when the coach asks "walk away or keep going?", one question at a time
- bot.coach.due         why a prospect is due today
- bot.coach.outcomes    what an outcome or a decision does next
- bot.coach.events      which prospects an event concerns, and how they come back
- bot.coach.mentions    names on file found inside free text
"""

from __future__ import annotations

from bot.coach.counters import (
    Streaks,
    Tally,
    answered,
    is_contact,
    kept_text,
    learned_something,
    streaks_of,
    tally,
    taught_nothing,
)
from bot.coach.dates import first_due, next_workday, proposal_expiry
from bot.coach.due import due_reason
from bot.coach.events import matches_event, normalise_name, resurface
from bot.coach.outcomes import (
    InvalidOutcome,
    Transition,
    apply_outcome,
    decide,
    mark_do_not_contact,
    refuse_closed,
)
from bot.coach.playbook import (
    FITS,
    HOMEWORK,
    OMITTED_TACTICS,
    TACTICS,
    Lane,
    Tactic,
)
from bot.coach.reevaluation import (
    Reevaluation,
    keep_going_tactic,
    limit_reached,
    open_reevaluation,
)
from bot.coach.rendering import TacticCard, human_date, render, render_tactic, tactic_card
from bot.coach.select import TacticChoice, tactics_for
from bot.coach.situations import SITUATIONS, situation_from_text

__all__ = [
    "FITS",
    "HOMEWORK",
    "OMITTED_TACTICS",
    "SITUATIONS",
    "TACTICS",
    "InvalidOutcome",
    "Lane",
    "Reevaluation",
    "Streaks",
    "Tactic",
    "TacticCard",
    "TacticChoice",
    "Tally",
    "Transition",
    "answered",
    "apply_outcome",
    "decide",
    "due_reason",
    "first_due",
    "human_date",
    "is_contact",
    "keep_going_tactic",
    "kept_text",
    "learned_something",
    "limit_reached",
    "mark_do_not_contact",
    "matches_event",
    "next_workday",
    "normalise_name",
    "open_reevaluation",
    "proposal_expiry",
    "refuse_closed",
    "render",
    "render_tactic",
    "resurface",
    "situation_from_text",
    "streaks_of",
    "tactic_card",
    "tactics_for",
    "tally",
    "taught_nothing",
]
