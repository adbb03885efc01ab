"""Read models for the digest, the Home tab, `/revive list` and `/revive stats`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import coach
from bot.coach import TacticChoice
from bot.domain import DecisionKind, Outcome, ProspectFacts, ProspectStatus
from bot.reps import RepContext
from store.models import Decision, Prospect, Touch
from store.repo import prospect_facts, touch_history

CONTACT_OUTCOMES = frozenset(o.value for o in Outcome) - {
    Outcome.SNOOZED.value,
    Outcome.WALKED_AWAY.value,
}
LEARNING_OUTCOMES = frozenset({Outcome.LEARNED.value, Outcome.CONTACT_LEFT.value})
REVIVED_OUTCOMES = frozenset({Outcome.RE_ENGAGED.value, Outcome.WON.value})


@dataclass(frozen=True, slots=True)
class DueItem:
    """One prospect as the digest and the Home tab show it."""

    facts: ProspectFacts
    version: int
    choices: tuple[TacticChoice, ...]
    why: str
    days_dormant: int
    done: Outcome | None = None  # logged on the digest's day: shown with a ✓


def due_item(prospect: Prospect, ctx: RepContext, on: date) -> DueItem:
    facts = prospect_facts(prospect)
    history = touch_history(prospect)
    settings = ctx.settings.coach
    # On or after the digest's day: a digest refreshed later still shows its ✓.
    done = next(
        (Outcome(t.outcome) for t in reversed(prospect.touches) if t.touched_on >= on), None
    )
    if done is None and prospect.status == ProspectStatus.WALKED_AWAY.value:
        walked = (d for d in prospect.decisions if d.kind == DecisionKind.WALK_AWAY.value)
        if any(d.decided_on >= on for d in walked):
            done = Outcome.WALKED_AWAY
    return DueItem(
        facts=facts,
        version=prospect.version,
        choices=tuple(coach.tactics_for(facts, history, on, settings)),
        why=coach.due_reason(facts, history, on, settings),
        days_dormant=(on - (facts.last_touch_on or facts.created_on)).days,
        done=done,
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

    The sweep composes a claimed batch of digests at once: one round trip for the batch,
    not one per rep. Every rep must belong to the same workspace.
    """
    if not jobs:
        return []
    workspace_id = jobs[0][0].workspace.id
    if any(ctx.workspace.id != workspace_id for ctx, _ in jobs):
        raise ValueError("due_items_for reads one workspace at a time")
    prospects = session.scalars(
        select(Prospect)
        .options(selectinload(Prospect.touches))
        .where(
            Prospect.workspace_id == workspace_id,
            Prospect.rep_id.in_({ctx.rep.id for ctx, _ in jobs}),
            Prospect.status == ProspectStatus.DORMANT.value,
            Prospect.next_touch_on <= max(on for _, on in jobs),
        )
    )
    by_rep: dict[int, list[Prospect]] = defaultdict(list)
    for prospect in prospects:
        by_rep[prospect.rep_id].append(prospect)
    return [
        sorted(
            (
                due_item(p, ctx, on)
                for p in by_rep[ctx.rep.id]
                if p.next_touch_on is not None and p.next_touch_on <= on
            ),
            key=urgency,
        )
        for ctx, on in jobs
    ]


def items_by_id(session: Session, ctx: RepContext, ids: list[int], on: date) -> list[DueItem]:
    """The prospects a digest listed, re-read for an in-place refresh (theirs only)."""
    if not ids:
        return []
    prospects = session.scalars(
        select(Prospect)
        .options(selectinload(Prospect.touches))
        .where(
            Prospect.workspace_id == ctx.workspace.id,
            Prospect.rep_id == ctx.rep.id,
            Prospect.id.in_(ids),
        )
    )
    by_id = {p.id: p for p in prospects}
    return [due_item(by_id[i], ctx, on) for i in ids if i in by_id]


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
    since: date
    contacts: int
    learned: int
    revived: int
    walked_away: int
    dormant: int
    walk_reasons: dict[str, int]

    @property
    def learned_share(self) -> float:
        return self.learned / self.contacts if self.contacts else 0.0


def rep_stats(session: Session, ctx: RepContext, *, since: date) -> RepStats:
    touches = session.scalars(
        select(Touch.outcome).where(
            Touch.workspace_id == ctx.workspace.id,
            Touch.rep_id == ctx.rep.id,
            Touch.touched_on >= since,
        )
    ).all()
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
        contacts=sum(1 for o in touches if o in CONTACT_OUTCOMES),
        learned=sum(1 for o in touches if o in LEARNING_OUTCOMES),
        revived=sum(1 for o in touches if o in REVIVED_OUTCOMES),
        walked_away=sum(walk_reasons.values()),
        dormant=len(dormant),
        walk_reasons={str(k): v for k, v in walk_reasons.items()},
    )
