"""Events — a feature shipped, news about a competitor — resurface matching prospects.

An event concerns the whole workspace: every rep's matching prospects come
back into rotation, walked-away ones included ("dormant, not dead").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import coach
from bot.domain import Event, EventKind, ProspectStatus
from bot.errors import UserError
from bot.reps import context_for
from bot.usecases.outcomes import apply_transition
from store.models import EventRecord, Prospect, Rep, Workspace
from store.repo import prospect_facts

SUBJECT_MAX = 200


@dataclass(frozen=True, slots=True)
class Announced:
    event: EventRecord
    resurfaced: list[Prospect]


def announce(
    session: Session,
    *,
    workspace: Workspace,
    kind: EventKind,
    subject: str,
    announced_by: str,
    today: date,
    now: datetime,
) -> Announced:
    subject = " ".join(subject.split())
    if not subject:
        what = "feature" if kind is EventKind.FEATURE_SHIPPED else "competitor"
        raise UserError(f"Name the {what}, e.g. `/revive {_verb(kind)} Reporting API`.")
    if len(subject) > SUBJECT_MAX:
        raise UserError(f"Keep the name under {SUBJECT_MAX} characters.")
    event = Event(kind=kind, subject=subject, on=today)
    candidates = session.scalars(
        select(Prospect)
        .join(Rep, Prospect.rep_id == Rep.id)
        .where(
            Prospect.workspace_id == workspace.id,
            Prospect.status.in_(
                [ProspectStatus.DORMANT.value, ProspectStatus.WALKED_AWAY.value]
            ),
        )
        .order_by(Prospect.id)
    )
    resurfaced: list[Prospect] = []
    for prospect in candidates:
        facts = prospect_facts(prospect)
        if not coach.matches_event(facts, event):
            continue
        rep_ctx = context_for(prospect.owner, workspace, now)
        transition = coach.resurface(facts, event, rep_ctx.today, rep_ctx.workdays)
        apply_transition(prospect, transition, now=now)
        resurfaced.append(prospect)
    record = EventRecord(
        workspace_id=workspace.id,
        kind=kind.value,
        subject=subject,
        announced_by=announced_by,
        happened_on=today,
        resurfaced=len(resurfaced),
        created_at=now,
    )
    session.add(record)
    session.flush()
    return Announced(event=record, resurfaced=resurfaced)


def _verb(kind: EventKind) -> str:
    return "shipped" if kind is EventKind.FEATURE_SHIPPED else "news"
