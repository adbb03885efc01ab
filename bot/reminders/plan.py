"""Step 1, plan: who in a workspace is due now; their rows go into the outbox.

A rep's digest is due in their morning (mornings.is_due); a manager's weekly report too, on
their first workday of the week (mornings.report_week_due): a second kind of row, same outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coach.ranking import TacticRecord
from bot.errors import UserError
from bot.reminders.mornings import is_due, morning_facts, reminder_instant, report_week_due
from bot.reminders.run import SweepRun
from bot.team.recipients import manager_rep_ids
from bot.workspace_settings import WorkspaceSettings, settings_from_json
from store import outbox
from store.db import unit_of_work
from store.models import Rep, Workspace
from store.retries import retry_on_conflict


@dataclass(frozen=True, slots=True)
class Plan:
    workspace_id: int
    team_id: str
    settings: WorkspaceSettings
    due: list[outbox.DueDigest]
    users: dict[int, str]  # rep id → Slack user id
    reminder_at: dict[int, datetime] = field(default_factory=dict)  # due rep → today's time
    # The workspace's record with each tactic, read once per sweep by the first batch
    # composed (bot.reminders.compose), keyed by the sweep's UTC day.
    tactic_records: dict[date, TacticRecord] = field(default_factory=dict, compare=False)

    @property
    def dates(self) -> list[date]:
        return sorted({d.local_date for d in self.due})


def plan_workspace(session: Session, run: SweepRun, workspace_id: int) -> Plan | None:
    """The workspace's due reps at run.at; None (and a problem) when its settings are bad."""
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    try:
        settings = settings_from_json(workspace.settings)
    except UserError as error:
        run.report.problems.append(f"{workspace.team_id}: bad workspace settings: {error}")
        return None
    reps = session.scalars(
        select(Rep)
        .where(Rep.workspace_id == workspace_id, Rep.deactivated_at.is_(None))
        .order_by(Rep.id)
    )
    managers = manager_rep_ids(session, workspace_id)
    due: list[outbox.DueDigest] = []
    users: dict[int, str] = {}
    reminder_at: dict[int, datetime] = {}  # what a digest's lateness is measured from
    for rep in reps:
        users[rep.id] = rep.slack_user_id
        facts = morning_facts(rep, settings)
        on = is_due(facts, run.at, settings)
        if on is not None:
            due.append(outbox.DueDigest(rep.id, on, workspace_id))
            reminder_at[rep.id] = reminder_instant(on, facts.reminder_time, facts.zone)
        week = report_week_due(facts, run.at, settings) if rep.id in managers else None
        if week is not None:
            due.append(outbox.DueDigest(rep.id, week, workspace_id, outbox.WEEKLY_REPORT))
    return Plan(workspace_id, workspace.team_id, settings, due, users, reminder_at=reminder_at)


def enqueue(run: SweepRun, plan: Plan) -> int:
    """Insert the plan's rows that are not in the outbox yet; how many were new."""

    def insert() -> int:
        with unit_of_work(run.services.sessions) as session:
            return outbox.enqueue(session, plan.due, now=run.services.clock())

    return retry_on_conflict(insert)
