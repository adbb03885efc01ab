"""Team numbers for `/revive team` and the Home, read in a few small queries: the same
numbers as bot.team.numbers.team_numbers over every touch (a test compares them on random
sessions), without reading every touch.

A quarter of a 50-rep team is 100,000 touches; reading and counting each of them takes
0.5–0.8 s (docs/benchmarks.md). Here:

- **contacts, learned and tries per pair** come from `team_day_totals`, one row per rep and
  day (≈ 4,600 for that quarter), counted by the coach (`numbers.Verdicts`) from the day's
  touches. The table is a cache that checks itself: each read compares every day's
  signature (how many touches, the highest id, the sum of ids; from the touches' index
  alone) with the stored one and counts again, from the touches, the days that differ or
  are missing. So a touch written by any path (a click, an import, a restore) is counted,
  and nothing has to be written beside each touch. Touches are never updated in place.
- **revived** (per rep: prospects re-engaged or won in the period) and **revived within 60
  days** (per try) are asked of the database from the reviving touches (a few per cent of
  all) and, for each, the prospect's tries of the 60 days before it, on covering indexes
  (store/models.py: ix_touches_rep_outcome_on, ix_touches_prospect_on). The definition is
  bot.coach.revival's: a reviving touch at or after the try (the same day: logged after
  it, or the try itself) and at most 60 days after its day; only these reps' touches count,
  as in the row-by-row count.

Every query is scoped by the rep ids, which `reading.rep_names` has checked belong to the
workspace (a touch's rep is of the touch's workspace).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from bot.coach.counters import NOT_CONTACTS
from bot.coach.revival import REVIVAL_WINDOW_DAYS, REVIVING_VALUES
from bot.team.day_totals import DayCounts, rep_days
from bot.team.numbers import (
    DueRow,
    Pairs,
    Period,
    RepCounts,
    RepName,
    TeamNumbers,
    WalkAwayRow,
    finish_numbers,
)
from bot.team.reading import due_rows, rep_names, walk_away_rows
from bot.workspace_settings import WorkspaceSettings
from store.models import Touch
from store.sql_dates import days_before

REVIVING = sorted(REVIVING_VALUES)
NOT_CONTACT = sorted(outcome.value for outcome in NOT_CONTACTS)
Pair = tuple[str, str]  # tactic id, situation
Signature = tuple[int, int, int]  # touches, highest id, sum of ids


@dataclass(frozen=True)
class TeamTotals:
    """What the numbers of any group of these reps need, for one period."""

    period: Period
    reps: tuple[RepName, ...]  # in the order asked for; unknown or foreign ids left out
    today_of: dict[int, date]
    days: dict[int, list[DayCounts]]  # rep → their days in the period with touches
    revived: dict[int, set[int]]  # rep → prospects they re-engaged or won in the period
    revived_tries: dict[int, dict[Pair, int]]  # rep → pair → tries revived within 60 days
    walk_aways: tuple[WalkAwayRow, ...]
    due: tuple[DueRow, ...]


def load_team_totals(
    session: Session,
    *,
    workspace_id: int,
    rep_ids: Sequence[int],
    period: Period,
    settings: WorkspaceSettings,
    now: datetime | None,
) -> TeamTotals:
    """As `reading.load_team_rows`, for `totals_numbers`: the same reps, the same period."""
    reps, today_of = rep_names(session, workspace_id, rep_ids, settings, now)
    ids = [rep.rep_id for rep in reps]
    if not ids:
        return TeamTotals(period, (), {}, {}, {}, {}, (), ())
    return TeamTotals(
        period=period,
        reps=reps,
        today_of=today_of,
        days=rep_days(session, workspace_id, ids, period),
        revived=revived_prospects(session, ids, period),
        revived_tries=revived_tries(session, ids, period),
        walk_aways=walk_away_rows(session, workspace_id, ids, period),
        due=due_rows(session, workspace_id, ids),
    )


def totals_numbers(totals: TeamTotals, rep_ids: Sequence[int]) -> TeamNumbers:
    """`numbers.team_numbers` of these reps (loaded in `totals`), from their totals."""
    counts = {rep_id: RepCounts() for rep_id in rep_ids}
    tries: dict[str, int] = defaultdict(int)
    tallies: Pairs = {}
    for rep_id, rep in counts.items():
        for day in totals.days.get(rep_id, ()):
            rep.contacts += day.contacts
            rep.learned += day.learned
            for pair, count in day.tries.items():
                tries[pair] += count
        rep.revived.update(totals.revived.get(rep_id, ()))
        for (tactic, situation), revived in totals.revived_tries.get(rep_id, {}).items():
            _tally(tallies, tactic, situation)[1] += revived
    for pair, count in tries.items():
        tactic, _space, situation = pair.partition(" ")
        _tally(tallies, tactic, situation)[0] += count
    return finish_numbers(totals.period, counts, tallies, totals.walk_aways, totals.due,
                          totals.today_of)  # fmt: skip


def _tally(tallies: Pairs, tactic: str, situation: str) -> list[int]:
    by_situation = tallies.get(tactic) or tallies.setdefault(tactic, {})
    return by_situation.get(situation) or by_situation.setdefault(situation, [0, 0])


# --- revivals ----------------------------------------------------------------------------


def revived_prospects(session: Session, rep_ids: list[int], period: Period) -> dict[int, set[int]]:
    """Per rep, the prospects they re-engaged or won by a touch logged in the period."""
    t = Touch.__table__.c
    rows = session.execute(
        select(t.rep_id, t.prospect_id)
        .distinct()
        .where(
            t.rep_id.in_(rep_ids),
            t.outcome.in_(REVIVING),
            t.touched_on.between(period.start, period.end),
        )
    )
    found: dict[int, set[int]] = defaultdict(set)
    for rep_id, prospect_id in rows:
        found[rep_id].add(prospect_id)
    return found


def revived_tries(
    session: Session, rep_ids: list[int], period: Period
) -> dict[int, dict[Pair, int]]:
    """Per rep and pair, the period's tries revived within 60 days: from each reviving
    touch back to the same prospect's tries of the 60 days before it, each try once."""
    touches = Touch.__table__
    later = (
        select(touches.c.prospect_id, touches.c.touched_on, touches.c.id)
        .where(
            touches.c.rep_id.in_(rep_ids),
            touches.c.outcome.in_(REVIVING),
            touches.c.touched_on.between(period.start, period.read_until),
        )
        .subquery("later")
    )
    tried = touches.alias("tried")
    rows = session.execute(
        select(tried.c.rep_id, tried.c.tactic_id, tried.c.situation,
               func.count(distinct(tried.c.id)))
        .select_from(later.join(tried, tried.c.prospect_id == later.c.prospect_id))
        .where(
            tried.c.rep_id.in_(rep_ids),
            tried.c.outcome.not_in(NOT_CONTACT),
            tried.c.touched_on.between(period.start, period.end),
            tried.c.touched_on >= days_before(later.c.touched_on, REVIVAL_WINDOW_DAYS),
            tried.c.touched_on <= later.c.touched_on,
            or_(tried.c.touched_on < later.c.touched_on, tried.c.id <= later.c.id),
        )
        .group_by(tried.c.rep_id, tried.c.tactic_id, tried.c.situation)
    )  # fmt: skip
    found: dict[int, dict[Pair, int]] = defaultdict(dict)
    for rep_id, tactic, situation, count in rows:
        found[rep_id][(tactic, situation)] = count
    return found
