"""Events API deliveries already taken: one row per event id, for a day.

Slack retries an event it thinks we missed (a slow ack, a 5xx) with the same `event_id`
and an `X-Slack-Retry-Num` header. Taking the id is a plain INSERT under the primary key,
so it behaves the same on SQLite and PostgreSQL and across any number of processes: the
first INSERT commits, every later one fails with an IntegrityError.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store.db import unit_of_work
from store.models import SeenEvent


def take_event(
    sessions: sessionmaker[Session], *, event_id: str, team_id: str | None, now: datetime
) -> bool:
    """True for the first delivery of `event_id`; False when it was already taken.

    Its own short transaction, committed before any listener runs: a retry arriving while
    the first delivery is still being handled must already see the id.
    """
    try:
        with unit_of_work(sessions) as session:
            session.execute(
                insert(SeenEvent).values(event_id=event_id, team_id=team_id, received_at=now)
            )
    except IntegrityError:
        # The only constraint a row with these values can break is the primary key.
        return False
    return True


def prune_seen_events(sessions: sessionmaker[Session], *, before: datetime) -> int:
    """Forget event ids taken before `before`; the number forgotten."""
    with unit_of_work(sessions) as session:
        result = session.execute(delete(SeenEvent).where(SeenEvent.received_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
