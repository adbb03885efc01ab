"""A workspace's tries per (situation, tactic), in one set-based query.

The definition is bot.coach.revival's (a test checks this query against
`revival.pair_counts` on the same touches): every contact is a try of its tactic in the
situation of the time; it revived when the same prospect has a re-engaged or won touch at or
after it (same day: logged after it) within 60 days; it is settled once revived or once the
window closed, and until then counts the days it has waited. The database does the
counting, so a digest batch reads a few rows per pair however many touches the workspace has
(an EXISTS on the prospect's touches per try, using their prospect_id index).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.functions import FunctionElement

from bot.coach.counters import NOT_CONTACTS
from bot.coach.revival import (
    REVIVAL_WINDOW,
    REVIVAL_WINDOW_DAYS,
    REVIVING_VALUES,
    PairCount,
    waited,
)
from store.models import Touch

LOOKBACK_DAYS = 365  # tries older than a year say little about today's team


class plus_days(FunctionElement[date]):  # a SQL function, named like one
    """date + n days, in each database's own words."""

    type = Date()
    inherit_cache = True


@compiles(plus_days)
def _plus_days(element: plus_days, compiler: Any, **kw: Any) -> str:
    column, days = list(element.clauses)
    return f"({compiler.process(column, **kw)} + {compiler.process(days, **kw)})"


@compiles(plus_days, "sqlite")
def _plus_days_sqlite(element: plus_days, compiler: Any, **kw: Any) -> str:
    column, days = list(element.clauses)
    shift = compiler.process(days, **kw)
    return f"date({compiler.process(column, **kw)}, '+' || {shift} || ' days')"


def settled_pair_counts(
    session: Session, *, workspace_id: int, today: date
) -> dict[tuple[str, str], PairCount]:
    """(situation, tactic) → tries of the last LOOKBACK_DAYS: settled, revived, days waited.

    One statement: the tries flagged revived or not by an EXISTS, then grouped by pair and,
    for the tries still waiting, by their day (at most 61 per pair), so the days waited are
    worked out here without date arithmetic in SQL."""
    tried = aliased(Touch, name="tried")
    later = aliased(Touch, name="later")
    revived = exists().where(
        later.prospect_id == tried.prospect_id,
        later.workspace_id == tried.workspace_id,
        later.outcome.in_(sorted(REVIVING_VALUES)),
        or_(
            later.touched_on > tried.touched_on,
            and_(later.touched_on == tried.touched_on, later.id >= tried.id),
        ),
        later.touched_on <= plus_days(tried.touched_on, REVIVAL_WINDOW_DAYS),
    )
    flagged = (
        select(
            tried.situation.label("situation"),
            tried.tactic_id.label("tactic_id"),
            tried.touched_on.label("touched_on"),
            case((revived, 1), else_=0).label("revived"),
        )
        .where(
            tried.workspace_id == workspace_id,
            tried.outcome.not_in(sorted(o.value for o in NOT_CONTACTS)),
            tried.touched_on >= today - timedelta(days=LOOKBACK_DAYS),
        )
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
