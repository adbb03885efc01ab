"""One reminder tick: plan who is due, claim their rows, compose, deliver each exactly once.

Works the same from the in-process ticker, `revive sweep` and cron, and with any number of
processes on one database: the outbox (store/outbox.py) decides who sends what. The steps
live in plan.py, claim.py, compose.py and deliver.py; slack.py posts.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from sqlalchemy import select

from bot.reminders.claim import claim_batch, give_up_expired, release
from bot.reminders.compose import compose_claimed, one_by_one
from bot.reminders.deliver import deliver
from bot.reminders.pacing import Pacer, Sleep
from bot.reminders.plan import enqueue, plan_workspace
from bot.reminders.preview import preview
from bot.reminders.report import SweepOptions, SweepReport
from bot.reminders.run import BatchComposer, Composer, MetadataFor, SweepRun, default_owner
from bot.reminders.slack import digest_client
from bot.services import Services
from store.db import unit_of_work
from store.models import Workspace
from store.retries import retry_on_conflict

__all__ = ["SweepOptions", "SweepReport", "sweep"]

log = logging.getLogger(__name__)


def sweep(
    services: Services,
    at: datetime,
    *,
    dry_run: bool = False,
    owner: str | None = None,
    composer: Composer | None = None,
    metadata: MetadataFor | None = None,
    options: SweepOptions | None = None,
    sleep: Sleep = time.sleep,
) -> SweepReport:
    """Deliver every digest due at `at`; leases and pacing follow services.clock()."""
    if at.tzinfo is None:
        raise ValueError("sweep needs an aware instant")
    from bot.usecases.digest import compose_digests, digest_metadata

    compose_batch: BatchComposer = compose_digests
    if composer is not None:
        compose_batch = one_by_one(composer)
    run = SweepRun(
        services=services,
        at=at,
        owner=owner or default_owner(),
        compose_batch=compose_batch,
        metadata=metadata or digest_metadata,
        options=options or SweepOptions(),
        sleep=sleep,
        report=SweepReport(at=at, dry_run=dry_run),
    )
    run.pacer = Pacer(services.sessions, services.clock, sleep=sleep, enabled=run.options.pacing)
    if not dry_run:
        give_up_expired(run)
    for workspace_id, team_id, revoked_at in _workspaces(run):
        if revoked_at is not None:
            run.report.skipped_workspaces.append(_uninstalled(team_id, revoked_at))
            continue
        try:
            _sweep_workspace(run, workspace_id, team_id, dry_run=dry_run)
        except Exception:
            # One workspace's surprise must not cost every other workspace its morning.
            log.exception("sweep of workspace %s failed", team_id)
            run.report.problems.append(f"{team_id}: sweep failed unexpectedly (see the log)")
    return run.report


def _workspaces(run: SweepRun) -> list[tuple[int, str, datetime | None]]:
    """Every workspace: id, team id, and when its token was revoked (None: installed)."""
    columns = (Workspace.id, Workspace.team_id, Workspace.token_revoked_at)
    with unit_of_work(run.services.sessions) as session:
        return [(i, t, r) for i, t, r in session.execute(select(*columns).order_by(Workspace.id))]


def _uninstalled(team_id: str, revoked_at: datetime) -> str:
    return (
        f"{team_id}: uninstalled or its token revoked at {revoked_at.isoformat()}; "
        "nothing is sent until it is back"
    )


def _sweep_workspace(run: SweepRun, workspace_id: int, team_id: str, *, dry_run: bool) -> None:
    with unit_of_work(run.services.sessions) as session:
        plan = plan_workspace(session, run, workspace_id)
    if plan is None:
        return
    token = run.services.bot_token(team_id)
    if token is None and plan.due:
        run.report.problems.append(f"{team_id}: no bot token (not installed or revoked)")
    if dry_run:
        preview(run, plan)
        return
    if token is None:
        return
    run.report.enqueued += enqueue(run, plan)
    dates = plan.dates
    if not dates:
        return
    client = digest_client(token, run, workspace_id)
    while True:
        claimed = retry_on_conflict(lambda: claim_batch(run, workspace_id, dates))
        if not claimed:
            return
        prepared = compose_claimed(run, plan, claimed)
        for index, row in enumerate(claimed):
            stop = deliver(run, plan, client, row, prepared.pop(row.id, None))
            if stop is not None:
                release(run, claimed[index + 1 :], stop)
                _workspace_down(run, workspace_id, team_id, stop)
                return


def _workspace_down(run: SweepRun, workspace_id: int, team_id: str, why: str) -> None:
    """Slack refused the token. If the app was uninstalled meanwhile, that is no failure."""
    with unit_of_work(run.services.sessions) as session:
        revoked_at = session.scalar(
            select(Workspace.token_revoked_at).where(Workspace.id == workspace_id)
        )
    if revoked_at is not None:
        run.report.skipped_workspaces.append(_uninstalled(team_id, revoked_at))
    else:
        run.report.problems.append(f"{team_id}: {why}; its digests wait for next tick")
