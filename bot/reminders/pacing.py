"""Posting pace per workspace, shared by every sweeping process through the database.

Slack limits chat.postMessage to about one message per second per channel and bursts per
workspace; a steady pace (default 5 posts/s per workspace) keeps a morning of hundreds of
digests clear of 429s. The next free slot lives in the post_pacing table, so two
processes sweeping the same workspace share one pace instead of each taking the full rate.
A 429 pushes the shared slot back by Retry-After, so every process waits, not just the
one that was told.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.services import Clock
from store.db import unit_of_work
from store.models import PostPacing
from store.retries import retry_on_conflict

Sleep = Callable[[float], None]


class Pacer:
    """Hands out posting slots; `enabled=False` (tests, benchmarks) never waits."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        *,
        sleep: Sleep = time.sleep,
        enabled: bool = True,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.sleep = sleep
        self.enabled = enabled

    def wait(self, workspace_id: int, per_second: float) -> float:
        """Take the workspace's next slot and sleep until it; returns the seconds waited."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        interval = timedelta(seconds=1 / per_second)

        def take() -> datetime:
            with unit_of_work(self.sessions) as session:
                return take_slot(session, workspace_id=workspace_id, now=now, interval=interval)

        slot = retry_on_conflict(take)
        delay = (slot - now).total_seconds()
        if delay > 0:
            self.sleep(delay)
        return max(delay, 0.0)

    def hold(self, workspace_id: int, seconds: float) -> None:
        """Slack said Retry-After: nobody posts to this workspace before then."""
        if not self.enabled or seconds <= 0:
            return
        until = self.clock() + timedelta(seconds=seconds)

        def push() -> None:
            with unit_of_work(self.sessions) as session:
                row = _locked_row(session, workspace_id, until)
                row.next_slot_at = max(row.next_slot_at, until)

        retry_on_conflict(push)


def take_slot(
    session: Session, *, workspace_id: int, now: datetime, interval: timedelta
) -> datetime:
    """The first free slot at or after `now`; the one after it is reserved for the next post."""
    row = _locked_row(session, workspace_id, now)
    slot = max(row.next_slot_at, now)
    row.next_slot_at = slot + interval
    return slot


def _locked_row(session: Session, workspace_id: int, now: datetime) -> PostPacing:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(PostPacing)
        .values(workspace_id=workspace_id, next_slot_at=now)
        .on_conflict_do_nothing(index_elements=["workspace_id"])
    )
    # FOR UPDATE on PostgreSQL; SQLite already holds the write lock (BEGIN IMMEDIATE).
    return session.scalars(
        select(PostPacing)
        .where(PostPacing.workspace_id == workspace_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
