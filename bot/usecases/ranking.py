"""The team's record with each tactic, read for a batch of digests, and the ranking it feeds.

One query per workspace (store.tactic_counts): the sweep reads it once per workspace and
sweep (bot.reminders.compose puts it on every RepContext of the run), a request once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.coach.ranking import Ranking, TacticRecord
from bot.reps import RepContext
from store.tactic_counts import settled_pair_counts


def tactic_record(session: Session, workspace_id: int, today: date) -> TacticRecord:
    return TacticRecord(settled_pair_counts(session, workspace_id=workspace_id, today=today))


def ranking_for(ctx: RepContext, record: TacticRecord) -> Ranking:
    """The rep's ranking: the workspace's record, pins and switch-offs, and minimum."""
    return Ranking(
        record=record,
        prefs=ctx.settings.tactics,
        min_outcomes=ctx.settings.coach.ranking_min_outcomes,
        rep_id=ctx.rep.id,
    )


def record_of(session: Session, ctx: RepContext) -> TacticRecord:
    """The record the sweep read for this run, else read now."""
    if ctx.tactic_record is not None:
        return ctx.tactic_record
    return tactic_record(session, ctx.workspace.id, ctx.today)
