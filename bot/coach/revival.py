"""The one definition of "revived within 60 days of a touch", shared by the team numbers
(bot.team.numbers) and the tactic ranking (bot.coach.ranking, store.tactic_counts).

Every contact (coach.is_contact) is one *try* of its tactic in the situation the prospect
was in when it was logged. A try is **revived** when the same prospect has a re-engaged or
won touch (the try itself included) logged at or after it (a later day, or the same day and
logged after it) and no more than REVIVAL_WINDOW_DAYS after the try's day.

The ranking counts *settled* tries, whose outcome is known on a given day: revived ones, and
those whose window has closed without a revival. A try of the last 60 days that has not
revived yet may still do so: counting it as a failure would hold back whichever tactic the
team has just started using, and leaving it out would make a tactic look better the more it
is used (its revivals count at once, its failures only 60 days later). So it counts as the
share of its window already waited: a try 15 days old and still quiet is a quarter of a
failure (`PairCount.weight`). The words ("revived 4 of 9") use settled tries only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.coach.counters import REVIVING, is_contact
from bot.domain import Outcome, TouchFacts

REVIVAL_WINDOW_DAYS = 60
REVIVAL_WINDOW = timedelta(days=REVIVAL_WINDOW_DAYS)
REVIVING_VALUES = frozenset(outcome.value for outcome in REVIVING)


def revives(try_on: date, revival_on: date | None) -> bool:
    """Does a reviving touch on `revival_on` (at or after the try) revive a try on `try_on`?"""
    return revival_on is not None and try_on <= revival_on <= try_on + REVIVAL_WINDOW


def settled(try_on: date, revived: bool, today: date) -> bool:
    """Is a try's outcome known on `today`: revived, or its window closed without it?"""
    return revived or try_on + REVIVAL_WINDOW < today


def waited(try_on: date, today: date) -> int:
    """Days an unsettled try has waited so far (0 to the window's length)."""
    return min(max((today - try_on).days, 0), REVIVAL_WINDOW_DAYS)


@dataclass(frozen=True, slots=True)
class LoggedTouch:
    """One touch as the tallies read it; `order` is the logging order (touch id)."""

    order: int
    prospect_id: int
    situation: str
    tactic_id: str
    outcome: Outcome
    on: date


@dataclass(frozen=True, slots=True)
class PairCount:
    """Tries of one tactic in one situation: settled ones, how many of them revived, and the
    days waited so far by those still inside their window without a revival."""

    tries: int = 0  # settled
    revived: int = 0
    waiting_days: int = 0

    @property
    def weight(self) -> float:
        """Tries as the posterior counts them: settled ones, plus each unsettled one as the
        share of its window it has waited without reviving."""
        return self.tries + self.waiting_days / REVIVAL_WINDOW_DAYS


def pair_counts(touches: Iterable[LoggedTouch], today: date) -> dict[tuple[str, str], PairCount]:
    """(situation, tactic) → tries, revivals and days waited, in plain Python: the definition
    the database query (store.tactic_counts) must agree with."""
    ordered = sorted(touches, key=lambda t: (t.prospect_id, t.on, t.order), reverse=True)
    counts: dict[tuple[str, str], list[int]] = {}  # [settled tries, revived, days waited]
    prospect: int | None = None
    revival_on: date | None = None  # the earliest reviving touch at or after this one
    for touch in ordered:
        if touch.prospect_id != prospect:
            prospect, revival_on = touch.prospect_id, None
        if touch.outcome in REVIVING:
            revival_on = touch.on
        if not is_contact(TouchFacts(touch.tactic_id, touch.outcome, touch.on)):
            continue
        revived = revives(touch.on, revival_on)
        tally = counts.setdefault((touch.situation, touch.tactic_id), [0, 0, 0])
        if settled(touch.on, revived, today):
            tally[0] += 1
            tally[1] += revived
        else:
            tally[2] += waited(touch.on, today)
    return {pair: PairCount(*tally) for pair, tally in counts.items()}
