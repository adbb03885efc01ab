"""When the coach asks "walk away or keep going?", and what the question says.

PLAYBOOK.md section 3, rules 1 and 3. Two counters lead to the question (see
bot.coach.counters): conversations that taught nothing new, and attempts nobody answered.

- A conversation that taught nothing, bringing the learn streak to `nothing_new_limit`:
  reason `nothing_learned`.
- An unanswered attempt follows the situation's silent path. Went quiet: the sequence runs
  to the final notice; the final notice unanswered asks (reason `proposal_expired` when the
  proposal has expired, otherwise `unreachable`). Every other situation, and a went-quiet
  prospect past its sequence: `unanswered_limit` attempts in a row ask, reason
  `unreachable`.

A prospect has at most one open decision: while it is unanswered no limit asks again, and
"keep going" starts both streaks afresh, so the next question needs a limit reached again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.coach.counters import taught_nothing
from bot.coach.dates import DEFAULT_SETTINGS, proposal_expired
from bot.coach.playbook import Tactic
from bot.coach.ranking import Ranking, ranked_tactics
from bot.coach.select import tactics_for
from bot.coach.state import contacts, last, learn_run, next_step, silent_run, tactic_ids
from bot.domain import (
    CoachSettings,
    Outcome,
    ProspectFacts,
    ProspectStatus,
    Situation,
    TouchFacts,
    WalkAwayReason,
)

FINAL_NOTICE = "final_notice"


@dataclass(frozen=True, slots=True)
class Reevaluation:
    """The coach asks: walk away, or keep going with a different tactic?"""

    reason: WalkAwayReason  # nothing_learned, unreachable or proposal_expired
    tried: tuple[str, ...]  # tactic ids of the streak that reached the limit, first use first
    nothing_new_count: int  # conversations in a row that taught nothing new
    next_tactic: Tactic | None  # what "keep going" would try
    unanswered_count: int = 0  # attempts in a row nobody answered
    final_notice: bool = False  # went quiet: the final notice itself went unanswered


def limit_reached(
    prospect: ProspectFacts,
    touch: TouchFacts,
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
) -> WalkAwayReason | None:
    """Does this touch make the coach ask? `prospect` is as it stands after the touch
    (its streaks counted); None while a decision is already open."""
    if prospect.status is not ProspectStatus.DORMANT or prospect.open_decision is not None:
        return None
    if touch.outcome is Outcome.NO_REPLY:
        return _silent_path(prospect, touch, today, settings)
    if taught_nothing(touch) and prospect.nothing_new_streak >= settings.nothing_new_limit:
        return WalkAwayReason.NOTHING_LEARNED
    return None


def _silent_path(
    prospect: ProspectFacts, touch: TouchFacts, today: date, settings: CoachSettings
) -> WalkAwayReason | None:
    if prospect.situation is Situation.WENT_QUIET:
        if touch.tactic_id == FINAL_NOTICE:
            expired = proposal_expired(prospect, today, settings)
            return WalkAwayReason.PROPOSAL_EXPIRED if expired else WalkAwayReason.UNREACHABLE
        if next_step(prospect) is not None:  # the sequence is the silent path until its end
            return None
    if prospect.unanswered_streak >= settings.unanswered_limit:
        return WalkAwayReason.UNREACHABLE
    return None


def open_reevaluation(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
    ranking: Ranking | None = None,
) -> Reevaluation | None:
    """The question the prospect's open decision asks (None when none is open); with a
    ranking, "keep going with …" names what the digest would offer first."""
    reason = prospect.open_decision
    if prospect.status is not ProspectStatus.DORMANT or reason is None:
        return None
    done = contacts(history)
    if reason is WalkAwayReason.NOTHING_LEARNED:
        run = last(learn_run(done), prospect.nothing_new_streak)
    else:
        run = last(silent_run(done), prospect.unanswered_streak)
    final = (
        prospect.situation is Situation.WENT_QUIET
        and bool(run)
        and run[-1].tactic_id == FINAL_NOTICE
        and reason is not WalkAwayReason.NOTHING_LEARNED
    )
    return Reevaluation(
        reason=reason,
        tried=tactic_ids(run),
        nothing_new_count=prospect.nothing_new_streak,
        next_tactic=keep_going_tactic(prospect, history, today, settings, ranking),
        unanswered_count=prospect.unanswered_streak,
        final_notice=final,
    )


def keep_going_tactic(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
    ranking: Ranking | None = None,
) -> Tactic | None:
    """What the coach would try next if the rep keeps going: never the last one used; with a
    ranking, in the digest's order (pins first, switched-off tactics never)."""
    done = contacts(history)
    used = done[-1].tactic_id if done else None
    fresh = replace(prospect, nothing_new_streak=0, unanswered_streak=0, open_decision=None)
    offered = (
        tactics_for(fresh, history, today, settings)
        if ranking is None
        else ranked_tactics(fresh, history, today, settings, ranking)
    )
    return next((c.tactic for c in offered if c.tactic.id != used), None)
