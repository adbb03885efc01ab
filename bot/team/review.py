"""Walk-away review: a manager's look at their teams' recent walk-aways, and the two
decisions they can take about one — reopen it, or hand it to a fresh voice.

Only a manager of the owner's team (or a workspace admin) may decide; a prospect that
asked not to be contacted stays closed. Each click carries the prospect's version: a
decision is recorded once per version (a double click acts once), and a click on an
older Home is refused. Both decisions go through the coach's transition (counters and
the open question reset, due the next workday in the calendar of whoever has it now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import coach, ids
from bot.blocks.walkaway_review import (
    REVIEW_DAYS,
    ROWS_SHOWN_MAX,
    Block,
    HandOverForm,
    RepChoice,
    WalkAwayRow,
    review_blocks,
)
from bot.coach import Transition
from bot.coach.dates import schedule
from bot.coach.outcomes import transition_from
from bot.domain import (
    DecisionKind,
    Outcome,
    ProspectFacts,
    ProspectStatus,
    TouchFacts,
    WalkAwayReason,
)
from bot.errors import UserError
from bot.mrkdwn import escape
from bot.reps import RepContext, context_for
from bot.team import roles
from bot.team.handover import NOTE_MAX, clean_note
from bot.usecases.outcomes import apply_transition
from store.models import Decision, Prospect, Rep, Touch
from store.repo import decision_by_key, prospect_facts


class NotYourTeams(UserError):
    """A forged, foreign or removed prospect: one refusal, so ids cannot be probed."""

    def __init__(self) -> None:
        super().__init__(
            "Only a manager of that rep's team (or a workspace admin) can reopen or hand over "
            "their walk-aways. Nothing was changed."
        )


# --- the read model ----------------------------------------------------------------------


def review_section(session: Session, rep: Rep, today: date) -> list[Block]:
    """The manager Home's section (bot.usecases.manager_home.SECTIONS)."""
    rows, total = walk_aways(session, rep, today)
    return review_blocks(rows, total, today)


def walk_aways(
    session: Session, manager: Rep, today: date, *, limit: int = ROWS_SHOWN_MAX
) -> tuple[list[WalkAwayRow], int]:
    """The walk-aways of the reps this manager sees, decided in the last REVIEW_DAYS days and
    still walked away: newest first, at most `limit`, and how many there are in all."""
    rep_ids = sorted({i for view in roles.visible_views(session, manager) for i in view.rep_ids})
    if not rep_ids:
        return [], 0
    rows = session.execute(
        select(Decision.prospect_id, Decision.reason, Decision.decided_on, Prospect, Rep)
        .join(Prospect, Prospect.id == Decision.prospect_id)
        .join(Rep, Rep.id == Prospect.rep_id)
        .where(
            Prospect.workspace_id == manager.workspace_id,
            Prospect.rep_id.in_(rep_ids),
            Prospect.status == ProspectStatus.WALKED_AWAY.value,
            Decision.kind == DecisionKind.WALK_AWAY.value,
            Decision.decided_on >= today - timedelta(days=REVIEW_DAYS),
        )
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    ).all()
    newest: dict[int, tuple[str | None, date, Prospect, Rep]] = {}
    for prospect_id, reason, decided_on, prospect, owner in rows:
        newest.setdefault(prospect_id, (reason, decided_on, prospect, owner))
    shown = list(newest.values())[:limit]
    tried = _tried(session, [prospect.id for _, _, prospect, _ in shown])
    return [
        WalkAwayRow(
            prospect_id=prospect.id,
            version=prospect.version,
            name=prospect.name,
            company=prospect.company,
            owner_user=owner.slack_user_id,
            reason=reason,
            decided_on=decided_on,
            tried=tuple(dict.fromkeys(tried.get(prospect.id, []))),
            contacts=len(tried.get(prospect.id, [])),
            closed=stays_closed(prospect, reason),
        )
        for reason, decided_on, prospect, owner in shown
    ], len(newest)


def _tried(session: Session, prospect_ids: list[int]) -> dict[int, list[str]]:
    """Each prospect's contacts, oldest first, as the titles of the tactics used."""
    tried: dict[int, list[str]] = {}
    if not prospect_ids:
        return tried
    touches = session.execute(
        select(Touch.prospect_id, Touch.tactic_id, Touch.outcome, Touch.touched_on)
        .where(Touch.prospect_id.in_(prospect_ids))
        .order_by(Touch.id)
    )
    for prospect_id, tactic_id, outcome, on in touches:
        if coach.is_contact(TouchFacts(tactic_id=tactic_id, outcome=Outcome(outcome), on=on)):
            tactic = coach.TACTICS.get(tactic_id)
            tried.setdefault(prospect_id, []).append(tactic.title if tactic else tactic_id)
    return tried


def stays_closed(prospect: Prospect, reason: str | None) -> bool:
    """They asked not to be contacted: nothing brings the prospect back (PLAYBOOK rule 2)."""
    return bool(prospect.do_not_contact) or reason == WalkAwayReason.DO_NOT_CONTACT


# --- the two decisions -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A walk-away a manager may decide about, locked for this unit of work."""

    prospect: Prospect
    owner: Rep
    key: str  # the decision's idempotency key: one decision per prospect version


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A decision taken now, or the one an earlier click already took (`already`)."""

    prospect: Prospect
    decision: Decision
    already: bool = False
    due: date | None = None


def target(session: Session, manager: RepContext, prospect_id: int, version: int) -> Target:
    """The walk-away a click is about, after every refusal: not a manager of its team, the
    prospect closed for good, or changed since the Home was drawn."""
    prospect = session.scalar(
        select(Prospect)
        .where(Prospect.id == prospect_id, Prospect.workspace_id == manager.workspace.id)
        .with_for_update()
    )
    owner = session.get(Rep, prospect.rep_id) if prospect is not None else None
    if (
        prospect is None
        or owner is None
        or not roles.is_manager(session, manager.rep)
        or not roles.may_see_rep(session, manager.rep, owner)
    ):
        raise NotYourTeams()
    return Target(prospect=prospect, owner=owner, key=f"review:{prospect.id}:v{version}")


def earlier(session: Session, found: Target) -> Decision | None:
    """What a click at this version already decided (a double click), if anything."""
    return decision_by_key(session, key=found.key)


def check_open(session: Session, found: Target, version: int) -> None:
    """Refuse a stale click, a prospect no longer walked away, or one that stays closed."""
    prospect = found.prospect
    name = escape(prospect.name)
    if stays_closed(prospect, _walk_reason(session, prospect)):
        raise UserError(
            f"{name} asked not to be contacted: it stays closed, "
            "so it can't be reopened or handed over."
        )
    if prospect.version != version:
        raise UserError(
            f"{name} changed since your Home was drawn. Open the Home tab again "
            "to see where things stand; nothing was changed."
        )
    if prospect.status != ProspectStatus.WALKED_AWAY.value:
        raise UserError(f"{name} is no longer walked away; nothing was changed.")


def _walk_reason(session: Session, prospect: Prospect) -> str | None:
    return session.scalar(
        select(Decision.reason)
        .where(Decision.prospect_id == prospect.id, Decision.kind == DecisionKind.WALK_AWAY.value)
        .order_by(Decision.id.desc())
        .limit(1)
    )


def back_in_rotation(facts: ProspectFacts, due: date) -> Transition:
    """Dormant again, due on `due`: a new streak, no open question, no stale event — as
    when news resurfaces a prospect (coach.resurface), without the news."""
    return transition_from(
        facts,
        status=ProspectStatus.DORMANT,
        next_touch_on=due,
        nothing_new_streak=0,
        unanswered_streak=0,
        open_decision=None,
        clear_event=True,
    )


def next_workday_of(rep: Rep, manager: RepContext, now: datetime) -> date:
    """The first workday after today in this rep's own zone and calendar."""
    ctx = context_for(rep, manager.workspace, now)
    return schedule(ctx.today, ctx.today, ctx.workdays)


def reopen(
    session: Session, manager: RepContext, *, prospect_id: int, version: int, now: datetime
) -> Reviewed:
    """Back in the owner's rotation, due their next workday; recorded as a decision."""
    found = target(session, manager, prospect_id, version)
    done = earlier(session, found)
    if done is not None:
        return Reviewed(prospect=found.prospect, decision=done, already=True)
    check_open(session, found, version)
    due = next_workday_of(found.owner, manager, now)
    decision = _decision(manager, found, DecisionKind.REOPEN, now)
    done = _record(session, decision)
    if done is not None:
        return Reviewed(prospect=found.prospect, decision=done, already=True)
    apply_transition(found.prospect, back_in_rotation(prospect_facts(found.prospect), due), now=now)
    return Reviewed(prospect=found.prospect, decision=decision, due=due)


def hand_over_choices(session: Session, owner: Rep) -> list[RepChoice]:
    """The other active reps of the owner's team (the workspace's, for a rep in no team)."""
    query = select(Rep).where(
        Rep.workspace_id == owner.workspace_id,
        Rep.deactivated_at.is_(None),
        Rep.id != owner.id,
    )
    if owner.team_id is not None:
        query = query.where(Rep.team_id == owner.team_id)
    reps = session.scalars(query.order_by(func.lower(Rep.display_name), Rep.id))
    return [RepChoice(rep_id=rep.id, label=rep.display_name or rep.slack_user_id) for rep in reps]


def hand_over_problems(form: HandOverForm, choices: list[RepChoice]) -> dict[str, str]:
    """Block id → what to fix, for inline modal errors."""
    problems: dict[str, str] = {}
    if form.new_rep_id is None or form.new_rep_id not in {c.rep_id for c in choices}:
        problems[ids.IN_NEW_REP] = "Pick another rep of the team."
    note = clean_note(form.note)
    if note is None:
        problems[ids.IN_HANDOVER_NOTE] = "Add a note for them: what was tried, what to try next."
    elif len(note) > NOTE_MAX:
        problems[ids.IN_HANDOVER_NOTE] = f"Keep it under {NOTE_MAX} characters."
    return problems


def hand_over(
    session: Session,
    manager: RepContext,
    found: Target,
    *,
    new_rep_id: int,
    note: str,
    now: datetime,
) -> Reviewed:
    """Move the prospect, history and all, to the new rep, due their next workday, marked
    as handed over with the note; recorded as a decision. `found` passed check_open and
    `new_rep_id` hand_over_problems, in this unit of work."""
    new_rep = session.get(Rep, new_rep_id)
    assert new_rep is not None, "checked by hand_over_problems"
    due = next_workday_of(new_rep, manager, now)
    decision = _decision(manager, found, DecisionKind.HAND_OVER, now, to=new_rep, note=note)
    done = _record(session, decision)
    if done is not None:
        return Reviewed(prospect=found.prospect, decision=done, already=True)
    prospect = found.prospect
    apply_transition(prospect, back_in_rotation(prospect_facts(prospect), due), now=now)
    prospect.rep_id = new_rep.id
    prospect.handed_over_from_rep_id = found.owner.id
    prospect.handover_note = note
    return Reviewed(prospect=prospect, decision=decision, due=due)


def _decision(
    manager: RepContext,
    found: Target,
    kind: DecisionKind,
    now: datetime,
    *,
    to: Rep | None = None,
    note: str | None = None,
) -> Decision:
    return Decision(
        workspace_id=manager.workspace.id,
        rep_id=found.owner.id,  # whose prospect it was when the manager decided
        prospect_id=found.prospect.id,
        kind=kind.value,
        reason=None,
        note=note,
        by_rep_id=manager.rep.id,
        to_rep_id=to.id if to is not None else None,
        decided_on=manager.today,
        idempotency_key=found.key,
        created_at=now,
    )


def _record(session: Session, decision: Decision) -> Decision | None:
    """Store the decision; if the twin of a double click got there first, that one."""
    try:
        with session.begin_nested():
            session.add(decision)
    except IntegrityError:
        twin = decision_by_key(session, key=decision.idempotency_key)
        assert twin is not None
        return twin
    return None


def slack_id(session: Session, rep_id: int | None) -> str | None:
    rep = session.get(Rep, rep_id) if rep_id is not None else None
    return rep.slack_user_id if rep is not None else None
