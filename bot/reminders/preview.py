"""The dry run: who would get what, composed as the sweep would, with nothing written."""

from __future__ import annotations

from bot.reminders.compose import reps_by_id
from bot.reminders.plan import Plan
from bot.reminders.report import SweepLine
from bot.reminders.run import SweepRun
from bot.reps import context_for
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
        for chunk in (plan.due[i : i + size] for i in range(0, len(plan.due), size)):
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
    finally:
        session.rollback()
        session.close()
