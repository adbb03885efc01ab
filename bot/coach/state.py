"""The state the coach reads from a prospect and its history, and the words it uses for it.

Shared by tactic selection (coach_select) and the due reason (coach_due).
History is oldest-first and may contain snoozes and walk-aways, which are not
contacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from bot.coach.counters import answered, is_contact, taught_nothing
from bot.coach.dates import contract_cycle_end, proposal_expired
from bot.coach.playbook import TACTICS, Lane, Tactic, lane
from bot.domain import CoachSettings, Outcome, ProspectFacts, Situation, TouchFacts

# ---- history -----------------------------------------------------------------


def contacts(history: Sequence[TouchFacts]) -> list[TouchFacts]:
    return [t for t in history if is_contact(t)]


def silent_run(done: Sequence[TouchFacts]) -> list[TouchFacts]:
    """The contacts since the prospect last answered: all no-replies."""
    run: list[TouchFacts] = []
    for touch in reversed(done):
        if answered(touch):
            break
        run.append(touch)
    return run[::-1]


def learn_run(done: Sequence[TouchFacts]) -> list[TouchFacts]:
    """The conversations since the last one that taught something: all taught nothing.
    Unanswered attempts are skipped: they neither count nor end the run."""
    run: list[TouchFacts] = []
    for touch in reversed(done):
        if not answered(touch):
            continue
        if not taught_nothing(touch):
            break
        run.append(touch)
    return run[::-1]


def last(run: Sequence[TouchFacts], n: int) -> list[TouchFacts]:
    """The last `n` of a run (none for n <= 0)."""
    return list(run[len(run) - n :]) if n > 0 else []


def tactic_ids(run: Sequence[TouchFacts]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.tactic_id for t in run))


def last_contact_on(prospect: ProspectFacts, done: Sequence[TouchFacts]) -> date:
    if done:
        return done[-1].on
    return prospect.last_touch_on or prospect.decision_date or prospect.created_on


# ---- went quiet ----------------------------------------------------------------


class QuietMode(Enum):
    TALKING = "talking"  # they answered (or a successor took over): the sequence pauses
    EXPIRED = "expired"  # proposal expired, still silent: jump to the final notice
    SEQUENCE = "sequence"  # still silent: next step of the sequence
    FINISHED = "finished"  # final notice sent and still silent: walk away or slow lane


def quiet_sequence(prospect: ProspectFacts) -> list[Tactic]:
    """The went-quiet steps for this prospect: copy_referrer only when a referrer is known."""
    return [
        t
        for t in lane(Situation.WENT_QUIET, Lane.SEQUENCE)
        if t.id != "copy_referrer" or (prospect.referrer or "").strip()
    ]


def next_step(prospect: ProspectFacts) -> Tactic | None:
    return next(
        (t for t in quiet_sequence(prospect) if (t.sequence_step or 0) > prospect.sequence_step),
        None,
    )


def step_of(prospect: ProspectFacts, tactic: Tactic) -> tuple[int, int]:
    """(position, length) of a step in this prospect's sequence, 1-based."""
    steps = quiet_sequence(prospect)
    return steps.index(tactic) + 1, len(steps)


def quiet_mode(
    prospect: ProspectFacts, done: Sequence[TouchFacts], today: date, settings: CoachSettings
) -> QuietMode:
    if done and done[-1].outcome is not Outcome.NO_REPLY:
        return QuietMode.TALKING
    final_step = TACTICS["final_notice"].sequence_step or 0
    if proposal_expired(prospect, today, settings) and prospect.sequence_step < final_step:
        return QuietMode.EXPIRED
    return QuietMode.SEQUENCE if next_step(prospect) else QuietMode.FINISHED


# ---- rotation and wording ------------------------------------------------------


def rotate(pool: Sequence[str], done: Sequence[TouchFacts]) -> list[str]:
    """The pool starting after the last one used, without it (unless it is all there is)."""
    last = next((t.tactic_id for t in reversed(done) if t.tactic_id in pool), None)
    if last is None:
        return list(pool)
    at = list(pool).index(last)
    return list(pool[at + 1 :]) + list(pool[:at]) or [last]


def or_text(value: str | None, fallback: str) -> str:
    value = " ".join((value or "").split())
    return value or fallback


def in_days(n: int) -> str:
    return {0: "today", 1: "tomorrow"}.get(n, f"in {n} days")


def elapsed(n: int) -> str:
    if n < 14:
        return "1 day" if n == 1 else f"{n} days"
    if n < 60:
        return f"{round(n / 7)} weeks"
    return f"{round(n / 30.44)} months"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True, slots=True)
class Context:
    """A prospect with its contacts, on a given day."""

    prospect: ProspectFacts
    done: list[TouchFacts]
    today: date
    settings: CoachSettings

    @property
    def competitor(self) -> str:
        return or_text(self.prospect.competitor, "their current provider")

    @property
    def since(self) -> str:
        return elapsed((self.today - last_contact_on(self.prospect, self.done)).days)

    def renewal_end(self) -> date | None:
        return contract_cycle_end(self.prospect, self.today, self.settings)
