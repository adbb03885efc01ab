"""Read models for the digest, the Home tab, `/revive list` and `/revive stats`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import coach
from bot.coach import TacticChoice
from bot.coach.questions import Backlog
from bot.coach.ranking import Ranking, ranked_tactics
from bot.domain import DecisionKind, Outcome, ProspectFacts, ProspectStatus
from bot.reps import RepContext
from bot.team.handover import Handover, handover_of, with_handovers
from bot.usecases.answers import with_backlogs
from bot.usecases.ranking import ranking_for, record_of
from store.models import Decision, Prospect, Touch
from store.repo import (
    ProspectRecord,
    TouchRecord,
    due_prospects_by_rep,
    prospect_facts,
    touch_facts,
)


@dataclass(frozen=True, slots=True)
class DueItem:
    """One prospect as the digest and the Home tab show it."""

    facts: ProspectFacts
    version: int
    choices: tuple[TacticChoice, ...]
    why: str
    days_dormant: int
    done: Outcome | None = None  # logged on the digest's day: shown with a ✓
    # The walk-away question still open: shown with its two answers instead of a tactic.
    decision: coach.Reevaluation | None = None
    kept_going: bool = False  # "keep going" answered on the digest's day: shown with a ✓
    handover: Handover | None = None  # a manager handed it over; until the new rep logs a touch
    backlog: Backlog | None = None  # its questions, answered and open (bot.usecases.answers)


def due_item(
    prospect: Prospect, ctx: RepContext, on: date, ranking: Ranking | None = None
) -> DueItem:
    walked_on: list[date] = []
    if prospect.status == ProspectStatus.WALKED_AWAY.value:
        walked = DecisionKind.WALK_AWAY.value
        walked_on = [d.decided_on for d in prospect.decisions if d.kind == walked]
    kept = DecisionKind.KEEP_GOING.value
    kept_on = [d.decided_on for d in prospect.decisions if d.kind == kept]
    return item_of(
        prospect, prospect.touches, ctx, on, walked_on=walked_on, kept_on=kept_on, ranking=ranking
    )


def item_of(
    prospect: ProspectRecord,
    touches: Sequence[TouchRecord],
    ctx: RepContext,
    on: date,
    *,
    walked_on: Sequence[date] = (),
    kept_on: Sequence[date] = (),
    ranking: Ranking | None = None,
) -> DueItem:
    """A prospect (ORM object or plain row) and its touches, oldest first, as a DueItem."""
    facts = prospect_facts(prospect)
    history = touch_facts(touches)
    settings = ctx.settings.coach
    # On or after the digest's day: a digest refreshed later still shows its ✓.
    done = next((Outcome(t.outcome) for t in reversed(touches) if t.touched_on >= on), None)
    if done is None and any(day >= on for day in walked_on):
        done = Outcome.WALKED_AWAY
    decision = coach.open_reevaluation(facts, history, on, settings, ranking)
    kept_going = done is None and decision is None and any(day >= on for day in kept_on)
    return DueItem(
        facts=facts,
        version=prospect.version,
        choices=tuple(ranked_tactics(facts, history, on, settings, ranking)),
        why=coach.due_reason(facts, history, on, settings),
        days_dormant=(on - (facts.last_touch_on or facts.created_on)).days,
        done=done,
        handover=handover_of(prospect),
        decision=decision,
        kept_going=kept_going,
    )


def urgency(item: DueItem) -> tuple[int, date, int]:
    """Events first, then the longest overdue."""
    facts = item.facts
    return (
        0 if facts.pending_event else 1,
        facts.next_touch_on or facts.created_on,
        facts.id or 0,
    )


def due_items(session: Session, ctx: RepContext, on: date) -> list[DueItem]:
    return due_items_for(session, [(ctx, on)])[0]


def due_items_for(session: Session, jobs: Sequence[tuple[RepContext, date]]) -> list[list[DueItem]]:
    """Each (rep, their local date)'s due items, read in one query for all of them.

    The sweep composes a claimed batch of digests at once. Every rep must belong to the
    same workspace and appear once.
    """
    if not jobs:
        return []
    workspace_id = jobs[0][0].workspace.id
    rep_dates = {ctx.rep.id: on for ctx, on in jobs}
    if len(rep_dates) != len(jobs) or any(ctx.workspace.id != workspace_id for ctx, _ in jobs):
        raise ValueError("due_items_for reads one workspace, each rep once")
    by_rep = due_prospects_by_rep(session, workspace_id=workspace_id, rep_dates=rep_dates)
    record = record_of(session, jobs[0][0])  # one read for the batch (or the sweep's)
    items = []
    for ctx, on in jobs:
        ranking = ranking_for(ctx, record)
        rows = by_rep[ctx.rep.id]
        read = (item_of(r.prospect, r.touches, ctx, on, ranking=ranking) for r in rows)
        items.append(sorted(read, key=urgency))
    return with_backlogs(session, workspace_id, with_handovers(session, items))


def items_by_id(session: Session, ctx: RepContext, ids: list[int], on: date) -> list[DueItem]:
    """The prospects a digest listed, re-read for an in-place refresh (theirs only)."""
    if not ids:
        return []
    prospects = session.scalars(
        select(Prospect)
        .options(selectinload(Prospect.touches), selectinload(Prospect.decisions))
        .where(
            Prospect.workspace_id == ctx.workspace.id,
            Prospect.rep_id == ctx.rep.id,
            Prospect.id.in_(ids),
        )
    )
    by_id = {p.id: p for p in prospects}
    ranking = ranking_for(ctx, record_of(session, ctx))
    read = [due_item(by_id[i], ctx, on, ranking) for i in ids if i in by_id]
    items = with_handovers(session, [read])
    return with_backlogs(session, ctx.workspace.id, items)[0]


def upcoming(session: Session, ctx: RepContext, *, after: date, days: int) -> list[Prospect]:
    return list(
        session.scalars(
            select(Prospect)
            .where(
                Prospect.workspace_id == ctx.workspace.id,
                Prospect.rep_id == ctx.rep.id,
                Prospect.status == ProspectStatus.DORMANT.value,
                Prospect.next_touch_on > after,
                Prospect.next_touch_on <= after + timedelta(days=days),
            )
            .order_by(Prospect.next_touch_on, Prospect.id)
        )
    )


def walked_away_recently(session: Session, ctx: RepContext, *, limit: int = 5) -> list[Prospect]:
    return list(
        session.scalars(
            select(Prospect)
            .where(
                Prospect.workspace_id == ctx.workspace.id,
                Prospect.rep_id == ctx.rep.id,
                Prospect.status == ProspectStatus.WALKED_AWAY.value,
            )
            .order_by(Prospect.updated_at.desc(), Prospect.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True, slots=True)
class RepStats:
    """A rep's numbers (`/revive stats`, the Home tab). Contacts, learned and revived are the
    coach's own count (coach.tally, with coach.learned_something): the same definition as
    the learn rule's streak and the team numbers."""

    since: date
    contacts: int
    learned: int
    revived: int
    walked_away: int
    dormant: int
    walk_reasons: dict[str, int]

    @property
    def learned_share(self) -> float:
        return coach.Tally(contacts=self.contacts, learned=self.learned).learned_share


def rep_stats(session: Session, ctx: RepContext, *, since: date) -> RepStats:
    touches = session.execute(
        select(Touch.tactic_id, Touch.outcome, Touch.touched_on, Touch.learned).where(
            Touch.workspace_id == ctx.workspace.id,
            Touch.rep_id == ctx.rep.id,
            Touch.touched_on >= since,
        )
    ).all()
    numbers = coach.tally(touch_facts(touches))
    walk_reasons = Counter(
        session.scalars(
            select(Decision.reason).where(
                Decision.workspace_id == ctx.workspace.id,
                Decision.rep_id == ctx.rep.id,
                Decision.kind == DecisionKind.WALK_AWAY.value,
                Decision.decided_on >= since,
            )
        ).all()
    )
    dormant = session.scalars(
        select(Prospect.id).where(
            Prospect.workspace_id == ctx.workspace.id,
            Prospect.rep_id == ctx.rep.id,
            Prospect.status == ProspectStatus.DORMANT.value,
        )
    ).all()
    return RepStats(
        since=since,
        contacts=numbers.contacts,
        learned=numbers.learned,
        revived=numbers.revived,
        walked_away=sum(walk_reasons.values()),
        dormant=len(dormant),
        walk_reasons={str(k): v for k, v in walk_reasons.items()},
    )
