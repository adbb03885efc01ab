"""Step 4, deliver: post one claimed row, mark it in the outbox, say so in the report.

Whatever goes wrong with one row costs that row only: it is marked and reported, and the
sweep goes on with the next one.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.observability.metrics import record_digest
from bot.reminders.compose import Composed, compose_rows, user_of
from bot.reminders.plan import Plan
from bot.reminders.report import CLOSED, FAILED, FOUND, SENT, SKIPPED, SweepLine, kind_detail
from bot.reminders.run import Digest, SweepRun
from bot.reminders.slack import Posted, post_digest
from bot.reminders.weekly import post_report
from store import outbox
from store.db import unit_of_work

log = logging.getLogger(__name__)


def deliver(
    run: SweepRun, plan: Plan, client: WebClient, row: outbox.Claimed, prepared: Composed | None
) -> str | None:
    """Send one claimed row and mark it; returns a reason when the whole workspace is down."""
    try:
        return _deliver(run, plan, client, row, prepared)
    except Exception as error:
        # A bug (or a surprise from Slack or the database) in one rep's digest must not
        # cost the others their morning; this row is retried until its attempts run out.
        log.exception("delivering digest row %s failed", row.id)
        user_id = prepared.user_id if prepared else user_of(plan, row)
        _fail(run, plan, row, user_id, f"unexpected: {error!r}")
        return None


def _deliver(
    run: SweepRun, plan: Plan, client: WebClient, row: outbox.Claimed, prepared: Composed | None
) -> str | None:
    try:
        composed = prepared or compose_rows(run, plan, [row])[row.id]
    except Exception as error:
        log.exception("composing the digest of rep %s failed", row.rep_id)
        _fail(run, plan, row, user_of(plan, row), f"compose: {error}")
        return None
    if composed.closed is not None:
        _close(run, plan, row, composed.user_id, composed.closed)
        return None
    if composed.too_early:
        with unit_of_work(run.services.sessions) as session:
            outbox.release(
                session, row_id=row.id, owner=run.owner, error="claimed before its window",
                retry_at=run.retry_at(),
            )  # fmt: skip
        return None
    if composed.report is not None:
        return _deliver_report(run, plan, client, row, composed)
    if composed.digest is None:
        _skip(run, plan, row, composed.user_id, "no longer due" if composed.not_due else None)
        return None
    result = _post(run, plan, client, row, composed.user_id, composed)
    return _record(run, plan, row, composed.user_id, result, composed.digest)


def _deliver_report(
    run: SweepRun, plan: Plan, client: WebClient, row: outbox.Claimed, composed: Composed
) -> str | None:
    """A manager's weekly report: the same lease, pace, in-doubt look and marking."""
    report = composed.report
    assert report is not None
    if not report.parts:
        _skip(run, plan, row, composed.user_id, "no team to report on in their DM")
        return None
    run.row_id = row.id
    try:
        result = post_report(
            client,
            run,
            workspace_id=plan.workspace_id,
            per_second=plan.settings.posts_per_second,
            team_id=plan.team_id,
            user_id=composed.user_id,
            monday=row.local_date,
            report=report,
            channel_hint=composed.channel_hint,
            in_doubt=row.in_doubt,
        )
    finally:
        run.row_id = None
    return _record(run, plan, row, composed.user_id, result, report)


def _line(run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, outcome: str,
          detail: str = "") -> None:  # fmt: skip
    detail = kind_detail(row.kind, detail)
    run.report.lines.append(SweepLine(plan.team_id, user_id, row.local_date, outcome, detail))
    record_digest(row.kind, outcome, in_doubt=row.in_doubt,
                  due_at=plan.reminder_at.get(row.rep_id), now=run.services.clock())  # fmt: skip


def _fail(run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, error: str) -> None:
    with unit_of_work(run.services.sessions) as session:
        outbox.mark_failed(
            session, row_id=row.id, owner=run.owner, error=error, retry_at=run.retry_at()
        )
    run.report.failed += 1
    _line(run, plan, row, user_id, FAILED, f"{error}; {_attempts(run, row)}")


def _attempts(run: SweepRun, row: outbox.Claimed) -> str:
    if row.attempts >= run.options.max_attempts:
        return f"gave up after {row.attempts} attempts"
    return f"attempt {row.attempts} of {run.options.max_attempts}, retried next tick"


def _close(run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, reason: str) -> None:
    with unit_of_work(run.services.sessions) as session:
        outbox.close(session, row_id=row.id, owner=run.owner, reason=reason)
    run.report.closed += 1
    _line(run, plan, row, user_id, CLOSED, reason)


def _skip(run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, reason: str | None) -> None:
    with unit_of_work(run.services.sessions) as session:
        outbox.mark_skipped(session, row_id=row.id, owner=run.owner, reason=reason)
    run.report.skipped += 1
    _line(run, plan, row, user_id, SKIPPED, reason or "nothing due")


def _post(
    run: SweepRun,
    plan: Plan,
    client: WebClient,
    row: outbox.Claimed,
    user_id: str,
    composed: Composed,
) -> Posted:
    assert composed.digest is not None
    run.row_id = row.id
    try:
        return post_digest(
            client,
            run,
            workspace_id=plan.workspace_id,
            per_second=plan.settings.posts_per_second,
            team_id=plan.team_id,
            user_id=user_id,
            on=row.local_date,
            digest=composed.digest,
            channel_hint=composed.channel_hint,
            in_doubt=row.in_doubt,
        )
    finally:
        run.row_id = None


def _record(
    run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, result: Posted, digest: Digest
) -> str | None:
    """Mark the post's result (only while the row is still ours) and report it; returns
    the reason when the whole workspace is down (the row is handed back, not failed)."""
    if result.workspace_down:
        with unit_of_work(run.services.sessions) as session:
            outbox.release(
                session, row_id=row.id, owner=run.owner, error=result.error,
                retry_at=run.retry_at(),
            )  # fmt: skip
        return result.error
    if result.rep_unknown:
        _close(run, plan, row, user_id, f"Slack cannot reach the rep ({result.error})")
        return None
    if result.ts is None or result.channel is None:
        _fail(run, plan, row, user_id, result.error)
        return None
    with unit_of_work(run.services.sessions) as session:
        outbox.mark_sent(
            session,
            row_id=row.id,
            owner=run.owner,
            channel=result.channel,
            ts=result.ts,
            now=run.services.clock(),
            due_count=digest.due_count,
            prospect_ids=list(digest.prospect_ids),
        )
    if result.found:
        run.report.in_doubt_found += 1
        detail = "already delivered before a crash or timeout; not sent again"
        _line(run, plan, row, user_id, FOUND, detail)
    else:
        run.report.sent += 1
        sent = f"{digest.due_count} due"
        if row.kind == outbox.WEEKLY_REPORT:
            sent = f"{digest.due_count} team{'' if digest.due_count == 1 else 's'}"
        _line(run, plan, row, user_id, SENT, sent)
    return None
