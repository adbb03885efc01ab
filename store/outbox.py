"""The digest outbox: one row per (rep, local date, kind), claimed under a lease, marked once.

A row is a morning digest or a manager's weekly report (`kind`); both go through the same
claim, lease and marking. The unique key (rep_id, local_date, kind) makes enqueueing
idempotent across processes; a claim moves a row to `sending` with a lease, so exactly one
process works on it at a time; an expired lease (the process died) makes the row claimable
again. `attempts` counts claims: a row claimed with attempts > 0 may already have reached
Slack ("in doubt") and the sender must look for it before posting again. Every claim
counts, an expired one too, so a row is attempted at most `max_attempts` times; then it
stays `failed` with its reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain import DigestStatus
from store.models import DigestOutbox, Rep, Workspace

log = logging.getLogger(__name__)

PENDING = DigestStatus.PENDING.value
SENDING = DigestStatus.SENDING.value
SENT = DigestStatus.SENT.value
SKIPPED = DigestStatus.SKIPPED.value
FAILED = DigestStatus.FAILED.value
# What a row delivers (DigestOutbox.kind): one outbox, leases and pacing for both.
DIGEST = "digest"  # a rep's morning digest, keyed by their local date
WEEKLY_REPORT = "weekly_report"  # a manager's weekly report, keyed by the week's Monday
ERROR_MAX = 200


@dataclass(frozen=True, slots=True, order=True)
class DueDigest:
    rep_id: int
    local_date: date
    workspace_id: int
    kind: str = DIGEST


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    rep_id: int
    local_date: date
    attempts: int  # including this claim
    kind: str = DIGEST

    @property
    def in_doubt(self) -> bool:
        """An earlier attempt may have reached Slack (crash, timeout, 5xx)."""
        return self.attempts > 1


def enqueue(session: Session, due: Iterable[DueDigest], *, now: datetime) -> int:
    """Insert the rows that do not exist yet; returns how many were new.

    Rows go in sorted by rep so two processes inserting overlapping sets take their
    locks in the same order (no deadlock cycle); the caller retries if one happens anyway.
    """
    rows = [
        {
            "workspace_id": d.workspace_id,
            "rep_id": d.rep_id,
            "local_date": d.local_date,
            "kind": d.kind,
            "status": PENDING,
            "attempts": 0,
            "created_at": now,
        }
        for d in sorted(set(due))
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(DigestOutbox)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["rep_id", "local_date", "kind"])
        .returning(DigestOutbox.id)
    )
    return len(session.execute(statement).all())


def _claimable(now: datetime, max_attempts: int) -> object:
    return or_(
        DigestOutbox.status == PENDING,
        and_(
            DigestOutbox.status == FAILED,
            DigestOutbox.attempts < max_attempts,
            # A failed row's lease_until is when it may be retried (about the next tick).
            or_(DigestOutbox.lease_until.is_(None), DigestOutbox.lease_until <= now),
        ),
        # An expired lease (its holder died or hung) was an attempt too: the limit holds.
        and_(_expired(now), DigestOutbox.attempts < max_attempts),
    )


def claim(
    session: Session,
    *,
    workspace_id: int,
    dates: Sequence[date],
    owner: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    max_attempts: int,
) -> list[Claimed]:
    """Take up to `limit` claimable rows of a workspace for the given local dates."""
    if not dates:
        return []
    candidates = (
        select(DigestOutbox.id)
        .where(
            DigestOutbox.workspace_id == workspace_id,
            DigestOutbox.local_date.in_(sorted(set(dates))),
            _claimable(now, max_attempts),
        )
        .order_by(DigestOutbox.rep_id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Rows another process holds are skipped, not waited for: both make progress.
        ids = list(session.scalars(candidates.with_for_update(skip_locked=True)))
        if not ids:
            return []
        chosen: object = DigestOutbox.id.in_(ids)
    else:
        # SQLite: one statement under BEGIN IMMEDIATE (store.db) is atomic across processes.
        chosen = DigestOutbox.id.in_(candidates.scalar_subquery())
    statement = (
        update(DigestOutbox)
        .where(chosen)
        .values(
            status=SENDING,
            lease_owner=owner,
            lease_until=now + lease,
            attempts=DigestOutbox.attempts + 1,
        )
        .returning(
            DigestOutbox.id,
            DigestOutbox.rep_id,
            DigestOutbox.local_date,
            DigestOutbox.attempts,
            DigestOutbox.kind,
        )
        .execution_options(synchronize_session=False)
    )
    claimed = [Claimed(*row) for row in session.execute(statement).all()]
    return sorted(claimed, key=lambda c: c.rep_id)


@dataclass(frozen=True, slots=True)
class GivenUp:
    """A row whose last allowed claim expired without a result, now failed for good."""

    id: int
    team_id: str
    user_id: str
    local_date: date
    attempts: int
    error: str
    kind: str = DIGEST


def give_up_expired(
    session: Session, *, now: datetime, max_attempts: int, limit: int = 500
) -> list[GivenUp]:
    """Mark `failed` the rows whose lease expired on their last allowed attempt.

    Nobody may claim them again, so without this they would stay `sending` for ever and
    no report would say that a digest was lost.
    """
    candidates = (
        select(
            DigestOutbox.id,
            Workspace.team_id,
            Rep.slack_user_id,
            DigestOutbox.local_date,
            DigestOutbox.attempts,
            DigestOutbox.last_error,
            DigestOutbox.kind,
        )
        .join(Workspace, Workspace.id == DigestOutbox.workspace_id)
        .join(Rep, Rep.id == DigestOutbox.rep_id)
        .where(_expired(now), DigestOutbox.attempts >= max_attempts)
        .order_by(DigestOutbox.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True, of=DigestOutbox)
    given_up: list[GivenUp] = []
    for row_id, team_id, user_id, on, attempts, last_error, kind in session.execute(
        candidates
    ).all():
        error = f"gave up after {attempts} attempts: the last lease expired without a result"
        if last_error:
            error += f" (earlier: {last_error})"
        statement = (
            update(DigestOutbox)
            .where(DigestOutbox.id == row_id, _expired(now))
            .values(status=FAILED, lease_owner=None, lease_until=None, last_error=error[:ERROR_MAX])
            .execution_options(synchronize_session=False)
        )
        if session.execute(statement).rowcount == 1:  # type: ignore[attr-defined]
            given_up.append(GivenUp(row_id, team_id, user_id, on, attempts, error, kind))
    return given_up


def _expired(now: datetime) -> object:
    return and_(DigestOutbox.status == SENDING, DigestOutbox.lease_until < now)


def _mine(row_id: int, owner: str) -> object:
    return and_(
        DigestOutbox.id == row_id,
        DigestOutbox.status == SENDING,
        DigestOutbox.lease_owner == owner,
    )


def _finish(
    session: Session,
    row_id: int,
    owner: str,
    lease_until_: datetime | None = None,
    **values: object,
) -> bool:
    statement = (
        update(DigestOutbox)
        .where(_mine(row_id, owner))
        .values(lease_owner=None, lease_until=lease_until_, **values)
        .execution_options(synchronize_session=False)
    )
    return _done(session.execute(statement).rowcount, row_id, owner)  # type: ignore[attr-defined]


def _done(rowcount: int, row_id: int, owner: str) -> bool:
    if rowcount != 1:
        log.warning("digest row %s: lease lost by %s before it was marked", row_id, owner)
    return rowcount == 1


def mark_sent(
    session: Session,
    *,
    row_id: int,
    owner: str,
    channel: str,
    ts: str,
    now: datetime,
    due_count: int,
    prospect_ids: list[int],
) -> bool:
    return _finish(
        session,
        row_id,
        owner,
        status=SENT,
        channel=channel,
        ts=ts,
        sent_at=now,
        due_count=due_count,
        prospect_ids=prospect_ids,
        last_error=None,
    )


def mark_skipped(session: Session, *, row_id: int, owner: str, reason: str | None = None) -> bool:
    """Nothing was due (no DM), or the digest is no longer due (paused, past the cutoff)."""
    return _finish(session, row_id, owner, status=SKIPPED, due_count=0, last_error=reason)


def close(session: Session, *, row_id: int, owner: str, reason: str) -> bool:
    """This row will never be sent: its rep is gone, deactivated or unknown to Slack.

    Stored as `skipped` (no DM, never retried) with `closed: <reason>` as its last_error.
    """
    return mark_skipped(session, row_id=row_id, owner=owner, reason=f"closed: {reason}"[:ERROR_MAX])


def mark_failed(
    session: Session, *, row_id: int, owner: str, error: str, retry_at: datetime | None = None
) -> bool:
    """This attempt failed; a tick after `retry_at` claims it again, until max attempts."""
    statement = (
        update(DigestOutbox)
        .where(_mine(row_id, owner))
        .values(status=FAILED, lease_owner=None, lease_until=retry_at, last_error=error[:ERROR_MAX])
        .execution_options(synchronize_session=False)
    )
    return _done(session.execute(statement).rowcount, row_id, owner)  # type: ignore[attr-defined]


def release(
    session: Session, *, row_id: int, owner: str, error: str, retry_at: datetime | None = None
) -> bool:
    """Give back a claimed row that was never attempted: the claim does not count."""
    return _finish(
        session,
        row_id,
        owner,
        status=FAILED,
        attempts=DigestOutbox.attempts - 1,
        last_error=error[:ERROR_MAX],
        lease_until_=retry_at,
    )


def renew(session: Session, *, row_id: int, owner: str, until: datetime) -> bool:
    """Extend our lease before each post; False when another process has taken the row."""
    statement = (
        update(DigestOutbox)
        .where(_mine(row_id, owner))
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def known_dm_channel(session: Session, *, rep_id: int) -> str | None:
    """The DM channel id Slack answered for an earlier digest to this rep, if any."""
    return known_dm_channels(session, rep_ids=[rep_id]).get(rep_id)


def known_dm_channels(session: Session, *, rep_ids: Sequence[int]) -> dict[int, str]:
    """known_dm_channel for several reps in one query (digests only: a weekly report may
    have gone to a team's channel)."""
    if not rep_ids:
        return {}
    with_channel = and_(
        DigestOutbox.rep_id.in_(set(rep_ids)),
        DigestOutbox.kind == DIGEST,
        DigestOutbox.channel.is_not(None),
    )
    latest = (
        select(DigestOutbox.rep_id, func.max(DigestOutbox.local_date).label("local_date"))
        .where(with_channel)
        .group_by(DigestOutbox.rep_id)
        .subquery()
    )
    rows = session.execute(
        select(DigestOutbox.rep_id, DigestOutbox.channel)
        .join(
            latest,
            and_(
                DigestOutbox.rep_id == latest.c.rep_id,
                DigestOutbox.local_date == latest.c.local_date,
            ),
        )
        .where(with_channel)
    )
    return {rep_id: channel for rep_id, channel in rows if channel is not None}


def existing(
    session: Session, *, workspace_id: int, dates: Sequence[date], kind: str = DIGEST
) -> dict[tuple[int, date], DigestOutbox]:
    """The workspace's rows of one kind for these dates, by (rep, local date)."""
    rows = session.scalars(
        select(DigestOutbox).where(
            DigestOutbox.workspace_id == workspace_id,
            DigestOutbox.local_date.in_(sorted(set(dates))),
            DigestOutbox.kind == kind,
        )
    )
    return {(row.rep_id, row.local_date): row for row in rows}
