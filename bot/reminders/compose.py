"""Step 3, compose: the claimed reps' digests from fresh facts, a batch at a time."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reminders.mornings import MorningFacts, delivery_window, is_due, morning_facts
from bot.reminders.plan import Plan
from bot.reminders.run import BatchComposer, Composer, Digest, SweepRun
from bot.reps import RepContext, context_for
from store import outbox
from store.models import Rep, Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Composed:
    digest: Digest | None
    channel_hint: str | None
    not_due: bool = False
    too_early: bool = False  # this sweep's instant is before the row's window (clock skew)


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
        prepared: dict[int, Composed] = {}
        to_compose: list[outbox.Claimed] = []
        jobs: list[tuple[RepContext, date]] = []
        for row in rows:
            rep = reps.get(row.rep_id)
            if rep is None:
                raise LookupError(f"rep {row.rep_id} no longer exists")
            not_due = _not_due(run, plan, rep, row)
            if not_due is not None:
                prepared[row.id] = not_due
                continue
            to_compose.append(row)
            jobs.append((context_for(rep, workspace, run.at), row.local_date))
        digests = run.compose_batch(session, jobs)
        hints = outbox.known_dm_channels(session, rep_ids=[row.rep_id for row in to_compose])
        for row, digest in zip(to_compose, digests, strict=True):
            prepared[row.id] = Composed(digest, hints.get(row.rep_id))
        return prepared
    finally:
        session.rollback()
        session.close()


def reps_by_id(session: Session, rep_ids: list[int]) -> dict[int, Rep]:
    return {rep.id: rep for rep in session.scalars(select(Rep).where(Rep.id.in_(rep_ids)))}


def _not_due(run: SweepRun, plan: Plan, rep: Rep, row: outbox.Claimed) -> Composed | None:
    """Is the row still due now? If not, say whether it is too early (ours to hand back)."""
    facts: MorningFacts = morning_facts(rep, plan.settings)
    if is_due(facts, run.at, plan.settings) == row.local_date:
        return None
    # A process sweeping a slightly earlier instant may claim a row another one
    # enqueued at its reminder time: hand it back, it is not ours to skip.
    start, _ = delivery_window(facts, row.local_date, plan.settings)
    return Composed(None, None, not_due=True, too_early=run.at < start)
