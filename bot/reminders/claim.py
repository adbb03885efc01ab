"""Step 2, claim: take a batch of due rows under a lease, keep the lease while posting,
hand back what we will not attempt, and give up on rows whose attempts ran out."""

from __future__ import annotations

from datetime import date, timedelta

from bot.observability.metrics import record_digest
from bot.reminders.report import FAILED, SweepLine, kind_detail
from bot.reminders.run import SweepRun
from store import outbox
from store.db import unit_of_work


class LeaseLost(Exception):
    """Another process took the row while we waited (say, a long Retry-After)."""


def claim_batch(run: SweepRun, workspace_id: int, dates: list[date]) -> list[outbox.Claimed]:
    """Up to batch_size claimable rows of the workspace; remembers each lease's end."""
    now = run.services.clock()
    lease = timedelta(seconds=run.options.lease_seconds)
    with unit_of_work(run.services.sessions) as session:
        claimed = outbox.claim(
            session,
            workspace_id=workspace_id,
            dates=dates,
            owner=run.owner,
            now=now,
            lease=lease,
            limit=run.options.batch_size,
            max_attempts=run.options.max_attempts,
        )
    run.leases = {row.id: now + lease for row in claimed}
    return claimed


def keep_lease(run: SweepRun) -> bool:
    """Make sure the row being sent is still ours; False if it was lost (never post then).

    Another process claims a row only once its lease has expired, so while more than
    half of ours is left (by our clock) it is certainly ours: no renewal, no round trip.
    The other half is the margin for clock skew between hosts.
    """
    if run.row_id is None:
        return True
    now = run.services.clock()
    lease = timedelta(seconds=run.options.lease_seconds)
    held = run.leases.get(run.row_id)
    if held is not None and held - now > lease / 2:
        return True
    with unit_of_work(run.services.sessions) as session:
        kept = outbox.renew(session, row_id=run.row_id, owner=run.owner, until=now + lease)
    if kept:
        run.leases[run.row_id] = now + lease
    return kept


def release(run: SweepRun, rows: list[outbox.Claimed], why: str) -> None:
    """Hand rows back unattempted (their claim does not count): about the next tick."""
    with unit_of_work(run.services.sessions) as session:
        for row in rows:
            outbox.release(
                session, row_id=row.id, owner=run.owner, error=why, retry_at=run.retry_at()
            )


def give_up_expired(run: SweepRun) -> None:
    """Rows whose last allowed attempt's lease expired (their sender died or hung, again and
    again) become `failed` and are reported, instead of staying `sending` unnoticed."""
    with unit_of_work(run.services.sessions) as session:
        given_up = outbox.give_up_expired(
            session, now=run.services.clock(), max_attempts=run.options.max_attempts
        )
    for row in given_up:
        run.report.failed += 1
        record_digest(row.kind, FAILED, in_doubt=True)  # its last lease ran out unanswered
        run.report.lines.append(
            SweepLine(
                row.team_id, row.user_id, row.local_date, FAILED, kind_detail(row.kind, row.error)
            )
        )
