"""Step 4, deliver: post one claimed row, mark it in the outbox, say so in the report."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.reminders.compose import Composed, compose_rows
from bot.reminders.plan import Plan
from bot.reminders.report import SweepLine
from bot.reminders.run import Digest, SweepRun
from bot.reminders.slack import Posted, post_digest
from store import outbox
from store.db import unit_of_work

log = logging.getLogger(__name__)


def deliver(
    run: SweepRun, plan: Plan, client: WebClient, row: outbox.Claimed, prepared: Composed | None
) -> str | None:
    """Send one claimed row and mark it; returns a reason when the whole workspace is down."""
    user_id = plan.users[row.rep_id]
    try:
        composed = prepared or compose_rows(run, plan, [row])[row.id]
    except Exception as error:
        # A bug composing one rep's digest must not stop the others' mornings.
        log.exception("composing the digest of rep %s failed", row.rep_id)
        _fail(run, plan, row, user_id, f"compose: {error}")
        return None
    if composed.too_early:
        with unit_of_work(run.services.sessions) as session:
            outbox.release(
                session, row_id=row.id, owner=run.owner, error="claimed before its window",
                retry_at=run.retry_at(),
            )  # fmt: skip
        return None
    if composed.digest is None:
        _skip(run, plan, row, user_id, "no longer due" if composed.not_due else None)
        return None
    result = _post(run, plan, client, row, user_id, composed)
    _mark(run, row, result, composed.digest)
    return _tell(run, plan, row, user_id, result, composed.digest)


def _line(run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, outcome: str,
          detail: str = "") -> None:  # fmt: skip
    run.report.lines.append(SweepLine(plan.team_id, user_id, row.local_date, outcome, detail))


def _fail(run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, error: str) -> None:
    with unit_of_work(run.services.sessions) as session:
        outbox.mark_failed(
            session, row_id=row.id, owner=run.owner, error=error, retry_at=run.retry_at()
        )
    run.report.failed += 1
    _line(run, plan, row, user_id, "failed", error)


def _skip(run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, reason: str | None) -> None:
    with unit_of_work(run.services.sessions) as session:
        outbox.mark_skipped(session, row_id=row.id, owner=run.owner, reason=reason)
    run.report.skipped += 1
    _line(run, plan, row, user_id, "skipped", reason or "nothing due")


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


def _mark(run: SweepRun, row: outbox.Claimed, result: Posted, digest: Digest) -> None:
    """Record the post's result, only while the row is still ours."""
    with unit_of_work(run.services.sessions) as session:
        if result.ts is not None and result.channel is not None:
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
        elif result.workspace_down:
            outbox.release(
                session, row_id=row.id, owner=run.owner, error=result.error,
                retry_at=run.retry_at(),
            )  # fmt: skip
        else:
            outbox.mark_failed(
                session, row_id=row.id, owner=run.owner, error=result.error,
                retry_at=run.retry_at(),
            )  # fmt: skip


def _tell(
    run: SweepRun, plan: Plan, row: outbox.Claimed, user_id: str, result: Posted, digest: Digest
) -> str | None:
    """The post's line in the report; the reason when the whole workspace is down."""
    if result.ts is not None:
        if result.found:
            run.report.in_doubt_found += 1
            detail = "already delivered before a crash or timeout; not sent again"
            _line(run, plan, row, user_id, "found", detail)
        else:
            run.report.sent += 1
            _line(run, plan, row, user_id, "sent", f"{digest.due_count} due")
        return None
    if result.workspace_down:
        return result.error
    run.report.failed += 1
    _line(run, plan, row, user_id, "failed", result.error)
    return None
