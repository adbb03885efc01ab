"""The coaching engine: the one module the Slack layer and the scheduler call.

Pure rules over the values of bot.domain — no Slack, no database, no clock:
`today` (the rep's local date) is always a parameter. The rules live in small
modules re-exported here:

- bot.coach.playbook  the playbook as data: tactics, situations, which tactic fits where
                      (FITS), and rendering
- bot.coach.dates     workdays, proposal expiry, renewal cycles, first due dates
- bot.coach.state     what the history says (silence, blank runs, went-quiet step)
- bot.coach.select    which tactics fit today, and the re-evaluation question
- bot.coach.due       why a prospect is due today
- bot.coach.outcomes  what an outcome, a decision or an event does next
"""

from __future__ import annotations

from bot.coach.dates import first_due, next_workday, proposal_expiry
from bot.coach.due import due_reason
from bot.coach.outcomes import (
    InvalidOutcome,
    Transition,
    apply_outcome,
    decide,
    matches_event,
    normalise_name,
    resurface,
)
from bot.coach.playbook import (
    FITS,
    HOMEWORK,
    OMITTED_TACTICS,
    SITUATIONS,
    TACTICS,
    Lane,
    Tactic,
    render,
    render_tactic,
    situation_from_text,
    tactic_card,
)
from bot.coach.select import (
    Reevaluation,
    TacticChoice,
    keep_going_tactic,
    pending_reevaluation,
    tactics_for,
)

__all__ = [
    "FITS",
    "HOMEWORK",
    "OMITTED_TACTICS",
    "SITUATIONS",
    "TACTICS",
    "InvalidOutcome",
    "Lane",
    "Reevaluation",
    "Tactic",
    "TacticChoice",
    "Transition",
    "apply_outcome",
    "decide",
    "due_reason",
    "first_due",
    "keep_going_tactic",
    "matches_event",
    "next_workday",
    "normalise_name",
    "pending_reevaluation",
    "proposal_expiry",
    "render",
    "render_tactic",
    "resurface",
    "situation_from_text",
    "tactic_card",
    "tactics_for",
]
