"""The dry run: who would get what, composed as the sweep would, with nothing written.

Weekly reports are listed with where they would go; their numbers and charts are not drawn."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.reminders.compose import reps_by_id
from bot.reminders.plan import Plan
from bot.reminders.report import SweepLine, kind_detail
from bot.reminders.run import SweepRun
from bot.reps import context_for
from bot.team.recipients import destinations
from store import outbox
from store.models import Workspace


def preview(run: SweepRun, plan: Plan) -> None:
    """Reads only, and rolls back whatever the composer touched."""
    session = run.services.sessions()
    try:
        rows = outbox.existing(session, workspace_id=plan.workspace_id, dates=plan.dates)
        workspace = session.get(Workspace, plan.workspace_id)
        assert workspace is not None
        size = run.options.batch_size
        digests = [due for due in plan.due if due.kind == outbox.DIGEST]
        for chunk in (digests[i : i + size] for i in range(0, len(digests), size)):
            reps = reps_by_id(session, [due.rep_id for due in chunk])
            done: dict[outbox.DueDigest, str] = {}
            for due in chunk:
                row = rows.get((due.rep_id, due.local_date))
                if row is not None and row.status in (outbox.SENT, outbox.SKIPPED):
                    done[due] = row.status
            jobs = [
                (context_for(reps[due.rep_id], workspace, run.at), due.local_date)
                for due in chunk
                if due not in done
            ]
            digests = iter(run.compose_batch(session, jobs))
            for due in chunk:
                if due in done:
                    outcome, detail = f"already {done[due]}", ""
                elif (digest := next(digests)) is None:
                    outcome, detail = "would skip", "nothing due"
                else:
                    outcome, detail = "would send", f"{digest.due_count} due"
                user_id = plan.users[due.rep_id]
                run.report.lines.append(
                    SweepLine(plan.team_id, user_id, due.local_date, outcome, detail)
                )
        preview_reports(run, plan, session)
    finally:
        session.rollback()
        session.close()


def preview_reports(run: SweepRun, plan: Plan, session: Session) -> None:
    """Managers' weekly reports: where each would go (their numbers are not computed)."""
    reports = [due for due in plan.due if due.kind == outbox.WEEKLY_REPORT]
    if not reports:
        return
    rows = outbox.existing(session, workspace_id=plan.workspace_id, dates=plan.dates,
                           kind=outbox.WEEKLY_REPORT)  # fmt: skip
    reps = reps_by_id(session, [due.rep_id for due in reports])
    for due in reports:
        row = rows.get((due.rep_id, due.local_date))
        if row is not None and row.status in (outbox.SENT, outbox.SKIPPED):
            outcome, detail = f"already {row.status}", ""
        elif not (places := destinations(session, reps[due.rep_id])):
            outcome, detail = "would skip", "no team to report on in their DM"
        else:
            outcome = "would send"
            detail = ", ".join(
                f"{len(p.views)} team(s) to {'their DM' if p.is_dm else p.channel}" for p in places
            )
        line = SweepLine(plan.team_id, plan.users[due.rep_id], due.local_date, outcome,
                         kind_detail(due.kind, detail))  # fmt: skip
        run.report.lines.append(line)
