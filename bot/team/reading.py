"""The rows team numbers are made of: four set-based queries for any number of reps.

Every query is scoped by the workspace and the given rep ids, whatever their number (no
query per rep). Touches come back as plain Core rows on table columns, not ORM objects:
a quarter of a 50-rep team is 100,000 of them (docs/benchmarks.md, bench/team_report.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import DecisionKind, ProspectStatus
from bot.reps import rep_zone
from bot.team.numbers import DueRow, Period, RepName, TouchRow, WalkAwayRow
from bot.workspace_settings import WorkspaceSettings
from store.models import Decision, Prospect, Rep, Touch


@dataclass(frozen=True, slots=True)
class TeamRows:
    """Everything `numbers.team_numbers` needs for these reps and this period."""

    reps: tuple[RepName, ...]  # in the order asked for; unknown or foreign ids left out
    today_of: dict[int, date]  # each rep's own local date
    touches: Sequence[TouchRow]
    walk_aways: tuple[WalkAwayRow, ...]
    due: tuple[DueRow, ...]

    @property
    def rep_ids(self) -> tuple[int, ...]:
        return tuple(rep.rep_id for rep in self.reps)


def load_team_rows(
    session: Session,
    *,
    workspace_id: int,
    rep_ids: Sequence[int],
    period: Period,
    settings: WorkspaceSettings,
    now: datetime | None,
) -> TeamRows:
    """The rows of these reps (of this workspace only) for this period. With `now`, each
    rep's own local date too (for "overdue"); without it the caller's date stands in."""
    reps, today_of = rep_names(session, workspace_id, rep_ids, settings, now)
    ids = [rep.rep_id for rep in reps]
    if not ids:
        return TeamRows((), {}, (), (), ())
    return TeamRows(
        reps=reps,
        today_of=today_of,
        touches=_touches(session, workspace_id, ids, period),
        walk_aways=walk_away_rows(session, workspace_id, ids, period),
        due=due_rows(session, workspace_id, ids),
    )


def rep_names(
    session: Session,
    workspace_id: int,
    rep_ids: Sequence[int],
    settings: WorkspaceSettings,
    now: datetime | None,
) -> tuple[tuple[RepName, ...], dict[int, date]]:
    found = {
        rep.id: rep
        for rep in session.scalars(
            select(Rep).where(Rep.workspace_id == workspace_id, Rep.id.in_(list(rep_ids)))
        )
    }
    reps = tuple(
        RepName(rep_id, found[rep_id].slack_user_id, found[rep_id].display_name)
        for rep_id in dict.fromkeys(rep_ids)
        if rep_id in found
    )
    if now is None:
        return reps, {}
    return reps, {rep.id: now.astimezone(rep_zone(rep, settings)).date() for rep in found.values()}


def _touches(
    session: Session, workspace_id: int, rep_ids: list[int], period: Period
) -> Sequence[TouchRow]:
    t = Touch.__table__.c
    return session.execute(
        select(
            t.id,
            t.rep_id,
            t.prospect_id,
            t.situation,
            t.tactic_id,
            t.outcome,
            t.touched_on,
            t.learned,
        ).where(
            t.workspace_id == workspace_id,
            t.rep_id.in_(rep_ids),
            t.touched_on >= period.start,
            t.touched_on <= period.read_until,
        )
    ).all()


def walk_away_rows(
    session: Session, workspace_id: int, rep_ids: list[int], period: Period
) -> tuple[WalkAwayRow, ...]:
    d = Decision.__table__.c
    rows = session.execute(
        select(d.rep_id, d.reason, func.count())
        .where(
            d.workspace_id == workspace_id,
            d.rep_id.in_(rep_ids),
            d.kind == DecisionKind.WALK_AWAY.value,
            d.decided_on >= period.start,
            d.decided_on <= period.end,
        )
        .group_by(d.rep_id, d.reason)
    )
    return tuple(WalkAwayRow(rep_id, reason, count) for rep_id, reason, count in rows)


def due_rows(session: Session, workspace_id: int, rep_ids: list[int]) -> tuple[DueRow, ...]:
    p = Prospect.__table__.c
    rows = session.execute(
        select(p.rep_id, p.next_touch_on, func.count())
        .where(
            p.workspace_id == workspace_id,
            p.rep_id.in_(rep_ids),
            p.status == ProspectStatus.DORMANT.value,
        )
        .group_by(p.rep_id, p.next_touch_on)
    )
    return tuple(DueRow(rep_id, due_on, count) for rep_id, due_on, count in rows)
