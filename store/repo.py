"""Queries: keyword-only functions that only touch the database.

Every prospect query is scoped by workspace and owner; a foreign id simply
finds nothing, which the caller turns into one refusal message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.domain import (
    Event,
    EventKind,
    Outcome,
    ProspectFacts,
    ProspectStatus,
    Situation,
    TouchFacts,
    WalkAwayReason,
)
from store.models import Decision, Prospect, Rep, Touch, Workspace


def ensure_workspace(session: Session, *, team_id: str, now: datetime) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.team_id == team_id))
    if workspace is not None:
        return workspace
    try:
        with session.begin_nested():
            workspace = Workspace(team_id=team_id, settings={}, created_at=now)
            session.add(workspace)
    except IntegrityError:  # another request created it a moment ago
        workspace = session.scalars(select(Workspace).where(Workspace.team_id == team_id)).one()
    return workspace


def ensure_rep(session: Session, *, workspace: Workspace, user_id: str, now: datetime) -> Rep:
    rep = find_rep(session, workspace_id=workspace.id, user_id=user_id)
    if rep is not None:
        return rep
    try:
        with session.begin_nested():
            rep = Rep(
                workspace_id=workspace.id, slack_user_id=user_id, created_at=now, updated_at=now
            )
            session.add(rep)
    except IntegrityError:
        rep = find_rep(session, workspace_id=workspace.id, user_id=user_id)
        assert rep is not None
    return rep


def find_rep(session: Session, *, workspace_id: int, user_id: str) -> Rep | None:
    return session.scalar(
        select(Rep).where(Rep.workspace_id == workspace_id, Rep.slack_user_id == user_id)
    )


# Built once: every request runs it, and building a select costs a third of running it.
_REP_IN_TEAM = (
    select(Rep, Workspace)
    .join(Workspace, Rep.workspace_id == Workspace.id)
    .where(Workspace.team_id == bindparam("team_id"), Rep.slack_user_id == bindparam("user_id"))
)


def find_rep_in_team(
    session: Session, *, team_id: str, user_id: str
) -> tuple[Rep, Workspace] | None:
    """The rep and their workspace in one query: what every request asks first."""
    row = session.execute(_REP_IN_TEAM, {"team_id": team_id, "user_id": user_id}).first()
    return None if row is None else (row[0], row[1])


# Clicks and submissions read their prospect this way on every request: built once too.
_OWNED_PROSPECT = select(Prospect).where(
    Prospect.id == bindparam("prospect_id"),
    Prospect.workspace_id == bindparam("workspace_id"),
    Prospect.rep_id == bindparam("rep_id"),
)
_OWNED_PROSPECT_FOR_UPDATE = _OWNED_PROSPECT.with_for_update()


def owned_prospect(
    session: Session, *, rep: Rep, prospect_id: int, for_update: bool = False
) -> Prospect | None:
    query = _OWNED_PROSPECT_FOR_UPDATE if for_update else _OWNED_PROSPECT
    ids = {"prospect_id": prospect_id, "workspace_id": rep.workspace_id, "rep_id": rep.id}
    return session.scalar(query, ids)


def rep_prospects(
    session: Session,
    *,
    rep: Rep,
    statuses: Sequence[ProspectStatus] | None = None,
    limit: int | None = None,
) -> list[Row[Any]]:
    """The rep's prospects for reading (prospect_facts), as rows: building forty ORM objects
    cost more than the query (`/revive list`, docs/benchmarks.md)."""
    query = select(*DUE_COLUMNS).where(*_rep_filter(rep, statuses))
    query = query.order_by(Prospect.next_touch_on, Prospect.id).limit(limit)
    return list(session.execute(query))


def count_rep_prospects(
    session: Session, *, rep: Rep, statuses: Sequence[ProspectStatus] | None = None
) -> int:
    query = select(func.count()).select_from(Prospect).where(*_rep_filter(rep, statuses))
    return session.scalar(query) or 0


def _rep_filter(rep: Rep, statuses: Sequence[ProspectStatus] | None) -> list[ColumnElement[bool]]:
    where = [Prospect.workspace_id == rep.workspace_id, Prospect.rep_id == rep.id]
    if statuses:
        where.append(Prospect.status.in_([s.value for s in statuses]))
    return where


# The sweep reads thousands of due prospects: as plain rows, not ORM objects, whose
# instantiation alone costs four times the query (docs/benchmarks.md).
ProspectRecord = Prospect | Row[Any]  # an ORM prospect, or a row of its columns
TouchRecord = Touch | Row[Any]
# What prospect_facts and a digest read of a prospect (not its audit timestamps).
DUE_COLUMNS = tuple(
    column
    for column in Prospect.__table__.columns
    if column.name not in ("workspace_id", "created_at", "updated_at")
)


@dataclass(frozen=True, slots=True)
class DueRecord:
    prospect: Row[Any]
    touches: list[Row[Any]]  # oldest first


def due_prospects_by_rep(
    session: Session, *, workspace_id: int, rep_dates: Mapping[int, date]
) -> dict[int, list[DueRecord]]:
    """Each rep's dormant prospects due on or before that rep's own local date, with their
    touches: two queries for a whole batch of reps, not two per rep."""
    if not rep_dates:
        return {}
    # Plain table columns: a Core statement skips the ORM's per-statement and per-row work.
    p, t = Prospect.__table__.c, Touch.__table__.c
    candidates = (
        p.workspace_id == workspace_id,
        p.rep_id.in_(list(rep_dates)),
        p.status == ProspectStatus.DORMANT.value,
        p.next_touch_on <= max(rep_dates.values()),
    )
    rows = session.execute(
        select(*DUE_COLUMNS).where(*candidates).order_by(p.next_touch_on, p.id)
    ).all()
    due = [row for row in rows if row.next_touch_on <= rep_dates[row.rep_id]]
    touches: dict[int, list[Row[Any]]] = {row.id: [] for row in due}
    # Joined on the same conditions: the IN list stays the batch's reps, not every prospect.
    for touch in session.execute(
        select(t.prospect_id, t.tactic_id, t.outcome, t.touched_on, t.learned)
        .join_from(Touch.__table__, Prospect.__table__, p.id == t.prospect_id)
        .where(*candidates)
        .order_by(t.id)
    ):
        if touch.prospect_id in touches:
            touches[touch.prospect_id].append(touch)
    by_rep: dict[int, list[DueRecord]] = {rep_id: [] for rep_id in rep_dates}
    for row in due:
        by_rep[row.rep_id].append(DueRecord(row, touches[row.id]))
    return by_rep


def find_by_name(session: Session, *, rep: Rep, name: str, company: str | None) -> list[Prospect]:
    """Case-insensitive match on name (and company when given), for duplicates and snooze."""
    query = select(Prospect).where(
        Prospect.workspace_id == rep.workspace_id,
        Prospect.rep_id == rep.id,
        func.lower(Prospect.name) == name.strip().lower(),
    )
    if company:
        query = query.where(func.lower(Prospect.company) == company.strip().lower())
    return list(session.scalars(query.order_by(Prospect.id)))


_TOUCH_BY_KEY = select(Touch).where(Touch.idempotency_key == bindparam("key"))
_DECISION_BY_KEY = select(Decision).where(Decision.idempotency_key == bindparam("key"))


def touch_by_key(session: Session, *, key: str) -> Touch | None:
    return session.scalar(_TOUCH_BY_KEY, {"key": key})


def decision_by_key(session: Session, *, key: str) -> Decision | None:
    return session.scalar(_DECISION_BY_KEY, {"key": key})


def prospect_facts(prospect: ProspectRecord) -> ProspectFacts:
    event = None
    if prospect.pending_event_kind and prospect.pending_event_subject:
        event = Event(
            kind=EventKind(prospect.pending_event_kind),
            subject=prospect.pending_event_subject,
            on=prospect.pending_event_on or prospect.created_on,
        )
    return ProspectFacts(
        id=prospect.id,
        name=prospect.name,
        company=prospect.company,
        situation=Situation(prospect.situation),
        created_on=prospect.created_on,
        status=ProspectStatus(prospect.status),
        email=prospect.email,
        phone=prospect.phone,
        stated_reason=prospect.stated_reason,
        competitor=prospect.competitor,
        missing_feature=prospect.missing_feature,
        contract_end=prospect.contract_end,
        decision_date=prospect.decision_date,
        proposal_sent_on=prospect.proposal_sent_on,
        proposal_expires_on=prospect.proposal_expires_on,
        referrer=prospect.referrer,
        note=prospect.note,
        last_touch_on=prospect.last_touch_on,
        next_touch_on=prospect.next_touch_on,
        sequence_step=prospect.sequence_step,
        nothing_new_streak=prospect.nothing_new_streak,
        last_learned=prospect.last_learned,
        pending_event=event,
        unanswered_streak=prospect.unanswered_streak,
        open_decision=_reason(prospect.open_decision),
        do_not_contact=bool(prospect.do_not_contact),
    )


def _reason(value: str | None) -> WalkAwayReason | None:
    """A stored reason; one this version does not know reads as none (asked again later)."""
    try:
        return WalkAwayReason(value) if value else None
    except ValueError:
        return None


def touch_history(prospect: Prospect) -> list[TouchFacts]:
    """Oldest first, as the coach expects."""
    return touch_facts(prospect.touches)


def touch_facts(touches: Sequence[TouchRecord]) -> list[TouchFacts]:
    return [
        TouchFacts(
            tactic_id=t.tactic_id, outcome=Outcome(t.outcome), on=t.touched_on, learned=t.learned
        )
        for t in touches
    ]
