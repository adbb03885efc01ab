"""An import planned (bot.imports.plan) written: every ready row added through the add path
(bot.usecases.adding, so the coach sets each first date), and a row of our own export given
back where it stood (bot.imports.history), in the caller's one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.coach.dates import next_workday
from bot.domain import DecisionKind, ProspectStatus
from bot.imports.history import History
from bot.imports.owners import Owner
from bot.imports.plan import ImportPlan
from bot.reps import RepContext, apply_profile, context_for
from bot.usecases.adding import add_prospect
from store.models import Decision, Prospect
from store.repo import ensure_rep

# The note on a walk-away decision an import re-creates (the export carries no note).
IMPORTED_WALK_AWAY = "Walked away before an import from a Revive export"


@dataclass(frozen=True, slots=True)
class Applied:
    plan: ImportPlan
    added: int
    # spreadsheet row → the day it is first due (rows out of rotation have none)
    first_due: dict[int, date] = field(default_factory=dict)


def apply_import(
    session: Session, importer: RepContext, plan: ImportPlan, *, now: datetime
) -> Applied:
    """Add every ready row in the caller's transaction (plan it with lock=True)."""
    contexts: dict[str, RepContext] = {}
    first_due: dict[int, date] = {}
    for row in plan.ready:
        assert row.owner is not None
        context = contexts.get(row.owner.key)
        if context is None:
            context = contexts[row.owner.key] = _owner_context(session, importer, row.owner, now)
        added = add_prospect(session, context, row.candidate.new, now=now, flush=False)
        history = row.candidate.history
        if history is not None:
            restore(added.prospect, history, context, now=now)
        if added.prospect.next_touch_on is not None:
            first_due[row.candidate.row] = added.prospect.next_touch_on
    session.flush()  # one batched INSERT for them all
    return Applied(plan, len(plan.ready), first_due)


def due_again(next_touch: date, ctx: RepContext) -> date:
    """An exported Next touch on import: kept when it is today or ahead; one already past
    is overdue, so due on the rep's first workday from today."""
    return next_touch if next_touch >= ctx.today else next_workday(ctx.today, ctx.workdays)


def restore(prospect: Prospect, history: History, ctx: RepContext, *, now: datetime) -> None:
    """Give a just-added prospect back where our export said it stood. A walk-away gets its
    decision again (the Home and a manager's review read the reason from it)."""
    prospect.status = history.status.value
    if history.status is not ProspectStatus.DORMANT:
        prospect.next_touch_on = None
    elif history.next_touch is not None:
        prospect.next_touch_on = due_again(history.next_touch, ctx)
    prospect.last_touch_on = history.last_touch
    prospect.last_learned = history.last_learned
    prospect.do_not_contact = history.do_not_contact
    if history.status is ProspectStatus.WALKED_AWAY:
        assert history.walk_away_reason is not None
        prospect.decisions.append(
            Decision(
                workspace_id=ctx.workspace.id,
                rep_id=ctx.rep.id,
                kind=DecisionKind.WALK_AWAY.value,
                reason=history.walk_away_reason.value,
                note=IMPORTED_WALK_AWAY,
                decided_on=history.walked_away_on or ctx.today,
                idempotency_key=f"import:{uuid.uuid4().hex}",
                created_at=now,
            )
        )


def _owner_context(
    session: Session, importer: RepContext, owner: Owner, now: datetime
) -> RepContext:
    if owner.rep is not None:
        if owner.rep.id == importer.rep.id:
            return importer
        return context_for(owner.rep, importer.workspace, now)
    assert owner.profile is not None
    rep = ensure_rep(session, workspace=importer.workspace, user_id=owner.key, now=now)
    apply_profile(rep, dict(owner.profile), now)
    return context_for(rep, importer.workspace, now)

