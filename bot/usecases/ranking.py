"""The team's record with each tactic, read for a batch of digests, and the ranking it feeds.

One query per workspace (store.tactic_counts): the sweep reads it once per workspace and
sweep (bot.reminders.compose puts it on every RepContext of the run). Requests (a tactic card,
a redrawn digest, the Home) share a copy per process for a few minutes: on a big workspace
the read costs a few hundred milliseconds, taken before a card opens, and a count that is
minutes old changes nothing a rep would notice (the order is meant to hold all day anyway).
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import replace
from datetime import date

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from bot.coach.ranking import Ranking, TacticRecord
from bot.coach.reevaluation import Reevaluation, keep_going_tactic
from bot.reps import RepContext
from store.models import Prospect
from store.repo import prospect_facts, touch_history
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


REQUEST_RECORD_SECONDS = 300.0


class _RecentRecords:
    """Records read by requests, per database (engine), workspace and day, kept a while."""

    def __init__(self, keep_seconds: float) -> None:
        self._keep = keep_seconds
        self._lock = threading.Lock()
        self._by_engine: weakref.WeakKeyDictionary[
            Engine | Connection, dict[tuple[int, date], tuple[float, TacticRecord]]
        ] = weakref.WeakKeyDictionary()

    def get(self, session: Session, workspace_id: int, today: date) -> TacticRecord:
        engine, key, now = session.get_bind(), (workspace_id, today), time.monotonic()
        with self._lock:
            kept = self._by_engine.setdefault(engine, {}).get(key)
        if kept is not None and now - kept[0] < self._keep:
            return kept[1]
        record = tactic_record(session, workspace_id, today)
        with self._lock:
            self._by_engine.setdefault(engine, {})[key] = (now, record)
        return record


_recent = _RecentRecords(REQUEST_RECORD_SECONDS)


def record_of(session: Session, ctx: RepContext) -> TacticRecord:
    """The record the sweep read for this run, else a request's recent copy or a fresh read."""
    if ctx.tactic_record is not None:
        return ctx.tactic_record
    return _recent.get(session, ctx.workspace.id, ctx.today)


def offered_next(
    session: Session, ctx: RepContext, prospect: Prospect, question: Reevaluation
) -> Reevaluation:
    """The walk-away question asked right after an outcome, its "keep going with …" naming
    what the digest will offer first (pins, switch-offs and the ranking applied)."""
    session.refresh(prospect, ["touches"])  # with the touch just logged
    ranking = ranking_for(ctx, record_of(session, ctx))
    facts, history = prospect_facts(prospect), touch_history(prospect)
    nxt = keep_going_tactic(facts, history, ctx.today, ctx.settings.coach, ranking)
    return replace(question, next_tactic=nxt)
