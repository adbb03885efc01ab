"""A workspace's tries per (situation, tactic), in one set-based query.

The definition is bot.coach.revival's (a test checks this query against
`revival.pair_counts` on the same touches): every contact is a try of its tactic in the
situation of the time; it revived when the same prospect has a re-engaged or won touch at or
after it (same day: logged after it) within 60 days; it is settled once revived or once the
window closed, and until then counts the days it has waited. The database does the
counting, so a digest batch reads a few rows per pair however many touches the workspace has
(docs/benchmarks.md: a quarter of 50 reps, 100,000 touches).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.coach.counters import NOT_CONTACTS
from bot.coach.revival import (
    REVIVAL_WINDOW,
    REVIVAL_WINDOW_DAYS,
    REVIVING_VALUES,
    PairCount,
    waited,
)
from store.models import Touch
from store.sql_dates import plus_days

LOOKBACK_DAYS = 365  # tries older than a year say little about today's team


def settled_pair_counts(
    session: Session, *, workspace_id: int, today: date
) -> dict[tuple[str, str], PairCount]:
    """(situation, tactic) → tries of the last LOOKBACK_DAYS: settled, revived, days waited.

    One statement: the workspace's touches of the year in each prospect's logging order, each
    with the prospect's next reviving touch (a window function: one sort, no lookup per try),
    the contacts flagged revived or not, then grouped by pair and, for the tries still
    waiting, by their day (at most 61 per pair), so the days waited are worked out here."""
    t = Touch.__table__.c
    reviving_on = case((t.outcome.in_(sorted(REVIVING_VALUES)), t.touched_on), else_=None)
    # The prospect's first reviving touch at or after this one (same day: logged after it).
    next_revival = func.min(reviving_on).over(
        partition_by=t.prospect_id, order_by=(t.touched_on, t.id), rows=(0, None)
    )
    touches = (
        select(
            t.situation, t.tactic_id, t.touched_on, t.outcome, next_revival.label("revival_on")
        )
        .where(
            t.workspace_id == workspace_id,
            t.touched_on >= today - timedelta(days=LOOKBACK_DAYS),
        )
        .subquery()
    )
    within = touches.c.revival_on <= plus_days(touches.c.touched_on, REVIVAL_WINDOW_DAYS)
    flagged = (
        select(
            touches.c.situation,
            touches.c.tactic_id,
            touches.c.touched_on,
            case((within, 1), else_=0).label("revived"),
        )
        .where(touches.c.outcome.not_in(sorted(o.value for o in NOT_CONTACTS)))
        .subquery()
    )
    closed_before = today - REVIVAL_WINDOW  # a try before this day has no window left
    waiting = and_(flagged.c.revived == 0, flagged.c.touched_on >= closed_before)
    waiting_day = case((waiting, flagged.c.touched_on), else_=None).label("waiting_day")
    rows = session.execute(
        select(
            flagged.c.situation,
            flagged.c.tactic_id,
            waiting_day,
            func.count(),
            func.sum(flagged.c.revived),
        ).group_by(flagged.c.situation, flagged.c.tactic_id, waiting_day)
    )
    counts: dict[tuple[str, str], list[int]] = {}  # [settled tries, revived, days waited]
    for situation, tactic_id, day, number, wins in rows:
        tally = counts.setdefault((situation, tactic_id), [0, 0, 0])
        if day is None:
            tally[0] += number
            tally[1] += int(wins or 0)
        else:
            tally[2] += number * waited(day, today)
    return {pair: PairCount(*tally) for pair, tally in counts.items()}
