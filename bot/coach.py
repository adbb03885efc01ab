"""The coaching engine: the one module the Slack layer and the scheduler call.

Pure rules over the values of bot.domain — no Slack, no database, no clock:
`today` (the rep's local date) is always a parameter. The rules live in small
modules re-exported here:

- bot.playbook        the playbook as data (tactics, situations, rendering)
- bot.coach_dates     workdays, proposal expiry, renewal cycles, first due dates
- bot.coach_state     what the history says (silence, blank runs, went-quiet step)
- bot.coach_select    which tactics fit today, and the re-evaluation question
- bot.coach_due       why a prospect is due today
- bot.coach_outcomes  what an outcome, a decision or an event does next
"""

from __future__ import annotations

from bot.coach_dates import first_due, next_workday, proposal_expiry
from bot.coach_due import due_reason
from bot.coach_outcomes import (
    InvalidOutcome,
    Transition,
    apply_outcome,
    decide,
    matches_event,
    normalise_name,
    resurface,
)
from bot.coach_select import (
    Reevaluation,
    TacticChoice,
    keep_going_tactic,
    pending_reevaluation,
    tactics_for,
)
from bot.playbook import (
    HOMEWORK,
    OMITTED_TACTICS,
    SITUATIONS,
    TACTICS,
    Tactic,
    render,
    render_tactic,
    situation_from_text,
    tactic_card,
)

__all__ = [
    "HOMEWORK",
    "OMITTED_TACTICS",
    "SITUATIONS",
    "TACTICS",
    "InvalidOutcome",
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
