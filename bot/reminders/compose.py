"""Step 3, compose: the claimed reps' digests from fresh facts, a batch at a time; a
manager's weekly report row (outbox.WEEKLY_REPORT) is composed here too, by bot.team.report."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reminders.mornings import (
    MorningFacts,
    delivery_window,
    is_due,
    morning_facts,
    report_day,
    report_week_due,
)
from bot.reminders.plan import Plan
from bot.reminders.run import BatchComposer, Composer, Digest, SweepRun
from bot.reps import RepContext, context_for
from bot.team.report import ComposedReport, compose_report
from bot.usecases.ranking import tactic_record
from store import outbox
from store.models import Rep, Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Composed:
    user_id: str
    digest: Digest | None = None
    channel_hint: str | None = None
    not_due: bool = False
    too_early: bool = False  # this sweep's instant is before the row's window (clock skew)
    closed: str | None = None  # why this row will never be sent
    report: ComposedReport | None = None  # a weekly report row's report (no digest then)


def one_by_one(composer: Composer) -> BatchComposer:
    """A one-rep composer (tests, tools) used where a batch composer is expected."""

    def compose_each(
        session: Session, jobs: Sequence[tuple[RepContext, date]]
    ) -> list[Digest | None]:
        return [composer(session, ctx, on) for ctx, on in jobs]

    return compose_each


def compose_claimed(run: SweepRun, plan: Plan, rows: list[outbox.Claimed]) -> dict[int, Composed]:
    """A claimed batch composed from a handful of queries (not a handful per digest).

    Any error here leaves the batch empty-handed: each row is then composed alone, so one
    bad digest fails only its own row.
    """
    try:
        return compose_rows(run, plan, rows)
    except Exception:
        log.warning("composing a batch of digests failed; composing them one by one", exc_info=True)
        return {}


def compose_rows(run: SweepRun, plan: Plan, rows: list[outbox.Claimed]) -> dict[int, Composed]:
    """Fresh facts (a rep may have paused since the plan) and the digests, read-only."""
    session = run.services.sessions()
    try:
        workspace = session.get(Workspace, plan.workspace_id)
        assert workspace is not None
        reps = reps_by_id(session, [row.rep_id for row in rows])
        hints = outbox.known_dm_channels(session, rep_ids=[row.rep_id for row in rows])
        prepared: dict[int, Composed] = {}
        to_compose: list[tuple[outbox.Claimed, str]] = []
        jobs: list[tuple[RepContext, date]] = []
        for row in rows:
            rep = reps.get(row.rep_id)
            if rep is None:
                prepared[row.id] = Composed(user_of(plan, row), closed="the rep no longer exists")
                continue
            not_sent = _not_sent(run, plan, rep, row)
            if not_sent is not None:
                prepared[row.id] = not_sent
                continue
            if row.kind == outbox.WEEKLY_REPORT:
                report = compose_report(session, rep, workspace, monday=row.local_date, now=run.at)
                hint = hints.get(row.rep_id)
                prepared[row.id] = Composed(rep.slack_user_id, channel_hint=hint, report=report)
                continue
            to_compose.append((row, rep.slack_user_id))
            jobs.append((context_for(rep, workspace, run.at), row.local_date))
        digests = run.compose_batch(session, _with_record(session, run, plan, jobs))
        for (row, user_id), digest in zip(to_compose, digests, strict=True):
            prepared[row.id] = Composed(user_id, digest, hints.get(row.rep_id))
        return prepared
    finally:
        session.rollback()
        session.close()


def _with_record(
    session: Session, run: SweepRun, plan: Plan, jobs: list[tuple[RepContext, date]]
) -> list[tuple[RepContext, date]]:
    """The jobs carrying the workspace's tactic record: read once per workspace and sweep,
    not once per batch or per rep."""
    if not jobs:
        return jobs
    day = run.at.date()
    record = plan.tactic_records.get(day)
    if record is None:
        record = plan.tactic_records[day] = tactic_record(session, plan.workspace_id, day)
    return [(replace(ctx, tactic_record=record), on) for ctx, on in jobs]


def reps_by_id(session: Session, rep_ids: list[int]) -> dict[int, Rep]:
    return {rep.id: rep for rep in session.scalars(select(Rep).where(Rep.id.in_(rep_ids)))}


def user_of(plan: Plan, row: outbox.Claimed) -> str:
    """The row's Slack user as the plan knew it (a rep deactivated before it is not there)."""
    return plan.users.get(row.rep_id, f"rep {row.rep_id}")


def _not_sent(run: SweepRun, plan: Plan, rep: Rep, row: outbox.Claimed) -> Composed | None:
    """Is the row still due now? If not: closed, handed back (too early), or skipped."""
    if rep.deactivated_at is not None:
        return Composed(rep.slack_user_id, closed="the rep was deactivated in Slack")
    facts: MorningFacts = morning_facts(rep, plan.settings)
    weekly = row.kind == outbox.WEEKLY_REPORT
    due_on = report_week_due if weekly else is_due
    if due_on(facts, run.at, plan.settings) == row.local_date:
        return None
    # A process sweeping a slightly earlier instant may claim a row another one
    # enqueued at its reminder time: hand it back, it is not ours to skip.
    day = report_day(facts, row.local_date) if weekly else row.local_date
    start, _ = delivery_window(facts, day, plan.settings)
    return Composed(rep.slack_user_id, not_due=True, too_early=run.at < start)
