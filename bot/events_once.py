"""Events once: a Bolt global middleware that lets each Events API delivery through once.

Slack re-sends an event it believes we missed (no 200 within 3 s, a 5xx) with the same
`event_id` and an `X-Slack-Retry-Num` header, up to three times, over HTTP and over Socket
Mode alike. The first delivery takes the id in the database (store.seen_events), so a retry
reaching this process or any other sharing the database is acknowledged with 200 and not
processed again. Slash commands and interactivity carry no event id and pass untouched:
their listeners are idempotent on their own (idempotency keys on outcomes and decisions).

Taking the id happens before the listener runs, so an event is handled at most once: a
process that dies between taking an id and handling it loses that event rather than risk a
second digest-like side effect. Slack does not retry an event we acknowledged anyway.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.request import BoltRequest
from sqlalchemy.exc import DBAPIError

from bot.services import Services
from store.seen_events import prune_seen_events, take_event

log = logging.getLogger(__name__)

# Slack retries within minutes; a day is generous and keeps the table small.
KEEP_SEEN_FOR = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)

Middleware = Callable[[dict[str, Any], BoltRequest, Callable[[], None]], BoltResponse | None]


def once_per_event(
    services: Services, *, keep_for: timedelta = KEEP_SEEN_FOR, prune_every: timedelta = PRUNE_EVERY
) -> Middleware:
    pruning = _Pruning(services, keep_for=keep_for, every=prune_every)

    def events_once(
        body: dict[str, Any], request: BoltRequest, next: Callable[[], None]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or not event_id:
            next()
            return None
        now = services.clock()
        team_id = body.get("team_id")
        taken = take_event(
            services.sessions,
            event_id=event_id[:64],
            team_id=team_id[:32] if isinstance(team_id, str) else None,
            now=now,
        )
        pruning.maybe(now)
        if taken:
            next()
            return None
        log.info(
            "event %s already taken (retry %s, %s): acknowledged, not processed again",
            event_id,
            _header(request, "x-slack-retry-num"),
            _header(request, "x-slack-retry-reason"),
        )
        # Not calling next(): no listener runs, and Slack gets its 200.
        return BoltResponse(status=200, body="")

    return events_once


def _header(request: BoltRequest, name: str) -> str:
    values = request.headers.get(name) or ["-"]
    return str(values[0])[:40]


class _Pruning:
    """Deletes expired ids at most once per `every` in this process."""

    def __init__(self, services: Services, *, keep_for: timedelta, every: timedelta) -> None:
        self._services = services
        self._keep_for = keep_for
        self._every = every
        self._next_at: datetime | None = None
        self._lock = threading.Lock()

    def maybe(self, now: datetime) -> None:
        with self._lock:
            if self._next_at is not None and now < self._next_at:
                return
            self._next_at = now + self._every
        try:
            removed = prune_seen_events(self._services.sessions, before=now - self._keep_for)
        except DBAPIError as error:
            # Two processes pruning at once can deadlock on PostgreSQL; the next prune will
            # catch up, and this event must not be lost for housekeeping's sake.
            log.warning("could not prune seen events (%s); will retry", type(error).__name__)
            return
        if removed:
            log.debug("pruned %s seen event id(s) older than %s", removed, self._keep_for)
