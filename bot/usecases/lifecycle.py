"""Uninstalls and revoked tokens: nothing is sent to a workspace until it shows it is back.

`app_uninstalled`, or `tokens_revoked` naming a bot token, records
`Workspace.token_revoked_at`; the sweep and the nightly profile refresh skip such a workspace.
Slack sends a workspace's events, commands and clicks to an app only while it is installed
there, so the first verified request from it that happened after the revoke proves a
reinstall and clears the mark. Times are Slack's (an event's `event_time`, a request's
signed timestamp) on both sides, so a retried event from before the uninstall proves nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.services import Services
from store.db import unit_of_work
from store.models import Workspace

log = logging.getLogger(__name__)

# How stale this process's view of revoked workspaces may be (see Revocations).
REFRESH_SECONDS = 10.0


def record_revoked(sessions: sessionmaker[Session], *, team_id: str, at: datetime) -> bool:
    """Stop sending to this workspace; True when the mark was set (or moved later)."""
    with unit_of_work(sessions) as session:
        statement = (
            update(Workspace)
            .where(
                Workspace.team_id == team_id,
                or_(Workspace.token_revoked_at.is_(None), Workspace.token_revoked_at < at),
            )
            .values(token_revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def record_back(sessions: sessionmaker[Session], *, team_id: str, seen_at: datetime) -> bool:
    """Send again: the workspace spoke to us after its revoke. True when the mark was cleared."""
    with unit_of_work(sessions) as session:
        statement = (
            update(Workspace)
            .where(Workspace.team_id == team_id, Workspace.token_revoked_at < seen_at)
            .values(token_revoked_at=None)
            .execution_options(synchronize_session=False)
        )
        return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def revoked_workspaces(sessions: sessionmaker[Session]) -> dict[str, datetime]:
    """team id → when its token was revoked, for every workspace that is not installed."""
    with unit_of_work(sessions) as session:
        rows = session.execute(
            select(Workspace.team_id, Workspace.token_revoked_at).where(
                Workspace.token_revoked_at.is_not(None)
            )
        )
        return {team_id: at for team_id, at in rows if at is not None}


class Revocations:
    """This process's view of the revoked workspaces, read again at most every few seconds.

    Every request asks whether its workspace is back; a database read for each would add
    a transaction (on SQLite, the write lock) to every ack. A revoke recorded by another
    process is seen here within `refresh_seconds`; one recorded here, at once.
    """

    def __init__(
        self,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._revoked: dict[str, datetime] = {}
        self._read_at: float | None = None

    def revoked(self, services: Services, *, team_id: str, at: datetime | None) -> bool:
        """app_uninstalled or tokens_revoked at `at` (Slack's time; None: our clock's now):
        record it, here and in the database."""
        at = at or services.clock()
        changed = record_revoked(services.sessions, team_id=team_id, at=at)
        if changed:  # `at` is now the latest revoke of that workspace
            with self._lock:
                self._revoked[team_id] = at
            log.info("workspace %s uninstalled or its token revoked: no more sends", team_id)
        return changed

    def seen(self, services: Services, *, team_id: str, seen_at: datetime | None) -> bool:
        """A verified request from `team_id` that happened at `seen_at` (Slack's time; None:
        our clock's now); True if it showed the workspace is back."""
        since = self._since(services.sessions, team_id)
        seen_at = seen_at or services.clock()
        if since is None or seen_at <= since:
            return False
        back = record_back(services.sessions, team_id=team_id, seen_at=seen_at)
        with self._lock:
            self._revoked.pop(team_id, None)
        if back:
            log.info("workspace %s is back (a request after its revoke): sending again", team_id)
        return back

    def _since(self, sessions: sessionmaker[Session], team_id: str) -> datetime | None:
        now = self._monotonic()
        with self._lock:
            if self._read_at is not None and now - self._read_at < self._refresh_seconds:
                return self._revoked.get(team_id)
        revoked = revoked_workspaces(sessions)
        with self._lock:
            self._revoked, self._read_at = revoked, now
            return revoked.get(team_id)
