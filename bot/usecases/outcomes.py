"""Logging what happened on a contact, and deciding to walk away or keep going.

Each click carries the prospect id and the version it was shown at; the
touch's idempotency key is built from both, so a double click, a Slack
retry or an old message logs exactly one touch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import coach
from bot.coach import Transition, questions
from bot.domain import DecisionKind, Outcome, ProspectStatus, WalkAwayReason
from bot.errors import NotFoundOrNotYours, UserError
from bot.mrkdwn import escape
from bot.reps import RepContext
from bot.team.handover import clear_after_touch
from bot.usecases.answers import question_answered, record_answer
from store.models import Decision, Prospect, Touch
from store.repo import (
    decision_by_key,
    owned_prospect,
    prospect_facts,
    touch_by_key,
    touch_history,
)

LEARNED_MAX = 2000
NEXT_DATE_HORIZON = timedelta(days=366 * 3)
OUTCOMES_NEEDING_TEXT = frozenset({Outcome.LEARNED, Outcome.CONTACT_LEFT})


@dataclass(frozen=True, slots=True)
class OutcomeInput:
    prospect_id: int
    version: int
    outcome: Outcome
    tactic_id: str
    learned: str | None = None
    successor: str | None = None
    next_on: date | None = None
    walk_reason: WalkAwayReason | None = None
    question_id: str | None = None  # the backlog question a learned fact answers
    fact_date: date | None = None  # the contract end, when that is the question
    fact_contact: str | None = None  # the decision maker who becomes the contact


@dataclass(frozen=True, slots=True)
class Logged:
    prospect: Prospect
    touch: Touch
    transition: Transition | None  # None when it had been logged already
    already_logged: bool = False


def outcome_problems(given: OutcomeInput, today: date) -> dict[str, str]:
    """Field → what to fix, for inline modal errors."""
    problems: dict[str, str] = {}
    learned = (given.learned or "").strip()
    if given.outcome in OUTCOMES_NEEDING_TEXT and not learned:
        problems["learned"] = (
            "Who took over? Name the successor."
            if given.outcome is Outcome.CONTACT_LEFT
            else "What did you learn? One line is enough."
        )
    if len(learned) > LEARNED_MAX:
        problems["learned"] = f"Keep it under {LEARNED_MAX} characters."
    if given.outcome is Outcome.WALKED_AWAY and given.walk_reason is None:
        problems["walk_reason"] = "Pick why you are walking away."
    if given.next_on is not None:
        if given.next_on <= today:
            problems["next_date"] = "Pick a day after today."
        elif given.next_on > today + NEXT_DATE_HORIZON:
            problems["next_date"] = "That is more than three years away; check the year."
    if given.outcome is Outcome.SNOOZED and given.next_on is None:
        problems["next_date"] = "Pick the day to bring it back."
    if given.tactic_id not in coach.TACTICS:
        problems["outcome"] = "That tactic no longer exists; open the prospect again."
    problems.update(answer_problems(given, today))
    return problems


def answer_problems(given: OutcomeInput, today: date) -> dict[str, str]:
    """The question a learned fact answers, and the fact it carries (bot.coach.questions)."""
    chosen = given.question_id
    if chosen is None or chosen == questions.SOMETHING_ELSE:
        problems = {}
        if given.fact_date is not None and given.outcome is Outcome.LEARNED:
            problems["fact_date"] = "Pick the contract question above, or clear this date."
        contact = questions.contact_problem(None, given.fact_contact)
        if contact is not None and given.outcome is Outcome.LEARNED:
            problems["fact_contact"] = contact
        return problems
    question = questions.QUESTIONS.get(chosen)
    if question is None or given.outcome is not Outcome.LEARNED:
        return {"question": "Pick one of the listed questions, or \u201csomething else\u201d."}
    problems = {}
    problem = questions.fact_problem(question, given.fact_date, today)
    if problem is None and given.fact_date is not None and question.fact is None:
        problem = "That date is only for the contract question; clear it."
    if problem:
        problems["fact_date"] = problem
    contact = questions.contact_problem(question, given.fact_contact)
    if contact:
        problems["fact_contact"] = contact
    return problems


def log_outcome(session: Session, ctx: RepContext, given: OutcomeInput, *, now: datetime) -> Logged:
    prospect = owned_prospect(session, rep=ctx.rep, prospect_id=given.prospect_id, for_update=True)
    if prospect is None:
        raise NotFoundOrNotYours()
    key = f"touch:{prospect.id}:v{given.version}"
    earlier = touch_by_key(session, key=key)
    if earlier is not None:
        return Logged(prospect=prospect, touch=earlier, transition=None, already_logged=True)
    if prospect.version != given.version:
        raise UserError(
            f"{escape(prospect.name)} changed since that message was sent. "
            "Type `/revive list` to see where things stand."
        )
    question, given = _validated(session, ctx, prospect, given)
    facts = questions.with_fact(prospect_facts(prospect), question, given.fact_date)
    learned = (given.learned or "").strip() or None
    transition = coach.apply_outcome(
        facts,
        touch_history(prospect),
        outcome=given.outcome,
        tactic_id=given.tactic_id,
        today=ctx.today,
        settings=ctx.settings.coach,
        workdays=ctx.workdays,
        learned=learned,
        successor=(given.successor or "").strip() or None,
        next_on=given.next_on,
        reason=given.walk_reason if given.outcome is Outcome.WALKED_AWAY else None,
    )
    touch = Touch(
        workspace_id=ctx.workspace.id,
        rep_id=ctx.rep.id,
        prospect_id=prospect.id,
        tactic_id=given.tactic_id,
        outcome=given.outcome.value,
        situation=prospect.situation,
        # What the coach counts: no text on an outcome that says nothing was learned.
        learned=coach.kept_text(given.outcome, learned),
        successor=transition.new_contact_name,
        touched_on=ctx.today,
        idempotency_key=key,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(touch)
    except IntegrityError:  # the twin of a double click got here first
        earlier = touch_by_key(session, key=key)
        assert earlier is not None
        return Logged(prospect=prospect, touch=earlier, transition=None, already_logged=True)
    if given.outcome is Outcome.WALKED_AWAY:
        session.add(_decision(ctx, prospect, DecisionKind.WALK_AWAY, given.walk_reason, key, now))
    apply_transition(prospect, transition, now=now)
    if question is not None:  # recorded with its touch, and its fact applied
        _apply_answer(session, ctx, prospect, touch, question, given, now)
    clear_after_touch(prospect, given.outcome)  # a handed-over prospect is the new rep's now
    return Logged(prospect=prospect, touch=touch, transition=transition)


def _validated(
    session: Session, ctx: RepContext, prospect: Prospect, given: OutcomeInput
) -> tuple[questions.Question | None, OutcomeInput]:
    """The open question a learned fact answers, if any, and the input to log, or a
    UserError saying what to fix. A contract end may stand in for the learned text."""
    question = question_answered(session, prospect, given.question_id)
    if question is not None:
        text = questions.answer_text(
            question, given.learned, given.fact_date, given.fact_contact
        )
        given = replace(given, learned=text)
    problems = outcome_problems(given, ctx.today)
    if problems:
        raise UserError(" ".join(problems.values()))
    return question, given


def _apply_answer(
    session: Session,
    ctx: RepContext,
    prospect: Prospect,
    touch: Touch,
    question: questions.Question,
    given: OutcomeInput,
    now: datetime,
) -> None:
    """Record the answer with its touch and let its fact update the prospect (the same
    unit of work): a contract end becomes the prospect's, and its schedule follows; a
    decision maker named to talk to becomes its contact, as a successor would."""
    text = touch.learned
    record_answer(session, ctx, prospect, touch, question, text=text, on=ctx.today, now=now)
    if question.fact is questions.Fact.DECISION_MAKER and given.fact_contact:
        prospect.name = touch.successor = given.fact_contact
        return
    if question.fact is not questions.Fact.CONTRACT_END or given.fact_date is None:
        return
    prospect.contract_end = given.fact_date
    if given.next_on is None:  # the rep's own date wins over the renewal window
        prospect.next_touch_on = questions.renewal_date(
            prospect_facts(prospect),
            prospect.next_touch_on,
            ctx.today,
            ctx.settings.coach,
            ctx.workdays,
        )


@dataclass(frozen=True, slots=True)
class Decided:
    prospect: Prospect
    decision: Decision
    transition: Transition | None
    already_decided: bool = False


def decide(
    session: Session,
    ctx: RepContext,
    *,
    prospect_id: int,
    version: int,
    kind: DecisionKind,
    reason: WalkAwayReason | None,
    now: datetime,
    note: str | None = None,
) -> Decided:
    """Record the answer to a re-evaluation: walk away (with a reason) or keep going."""
    prospect = owned_prospect(session, rep=ctx.rep, prospect_id=prospect_id, for_update=True)
    if prospect is None:
        raise NotFoundOrNotYours()
    earlier = decision_by_key(session, key=f"decision:{prospect.id}:v{version}")
    if earlier is None and prospect.version != version:
        earlier = decision_since(prospect, version)
        if earlier is None and prospect.open_decision is None:
            raise UserError(
                f"{escape(prospect.name)} changed since that question was asked. "
                "Type `/revive list` to see where things stand."
            )
    if earlier is not None:  # this answer, or a later one, was given already: it stands
        return Decided(prospect=prospect, decision=earlier, transition=None, already_decided=True)
    # The question is still open (a snooze or an edit may have moved the version since it was
    # asked): the answer is keyed on the version it changes, so any older copy sees it.
    key = f"decision:{prospect.id}:v{prospect.version}"
    if kind is DecisionKind.WALK_AWAY and reason is None:
        raise UserError("Pick why you are walking away.")
    transition = coach.decide(
        prospect_facts(prospect),
        touch_history(prospect),
        decision=kind,
        reason=reason,
        today=ctx.today,
        settings=ctx.settings.coach,
        workdays=ctx.workdays,
    )
    decision = _decision(ctx, prospect, kind, reason, key, now, note)
    try:
        with session.begin_nested():
            session.add(decision)
    except IntegrityError:
        earlier = decision_by_key(session, key=key)
        assert earlier is not None
        return Decided(prospect=prospect, decision=earlier, transition=None, already_decided=True)
    apply_transition(prospect, transition, now=now)
    return Decided(prospect=prospect, decision=decision, transition=transition)


@dataclass(frozen=True, slots=True)
class Marked:
    prospect: Prospect
    already: bool = False  # marked before: nothing changed


def mark_do_not_contact(
    session: Session, ctx: RepContext, *, prospect_id: int, now: datetime
) -> Marked:
    """They asked not to be contacted: the file closes for good. A prospect in rotation is
    walked away with that reason (a decision, keyed like an answer at this version)."""
    prospect = owned_prospect(session, rep=ctx.rep, prospect_id=prospect_id, for_update=True)
    if prospect is None:
        raise NotFoundOrNotYours()
    if prospect.do_not_contact:
        return Marked(prospect=prospect, already=True)
    transition = coach.mark_do_not_contact(prospect_facts(prospect))
    if prospect.status == ProspectStatus.DORMANT.value:
        key = f"decision:{prospect.id}:v{prospect.version}"
        reason = WalkAwayReason.DO_NOT_CONTACT
        session.add(_decision(ctx, prospect, DecisionKind.WALK_AWAY, reason, key, now))
    apply_transition(prospect, transition, now=now)
    return Marked(prospect=prospect)


_KEY_VERSION = re.compile(r":v(\d+)$")
ANSWERS = frozenset({DecisionKind.WALK_AWAY.value, DecisionKind.KEEP_GOING.value})


def decision_since(prospect: Prospect, version: int) -> Decision | None:
    """The latest walk-away or keep-going decided at `version` or later (the keys above
    carry the version they changed), if any: what an older question's answer runs into."""
    for decision in reversed(prospect.decisions):
        match = _KEY_VERSION.search(decision.idempotency_key)
        if decision.kind in ANSWERS and match and int(match.group(1)) >= version:
            return decision
    return None


def _decision(
    ctx: RepContext,
    prospect: Prospect,
    kind: DecisionKind,
    reason: WalkAwayReason | None,
    key: str,
    now: datetime,
    note: str | None = None,
) -> Decision:
    return Decision(
        workspace_id=ctx.workspace.id,
        rep_id=ctx.rep.id,
        prospect_id=prospect.id,
        kind=kind.value,
        reason=reason.value if reason else None,
        note=note,
        decided_on=ctx.today,
        idempotency_key=f"decision:{key}" if key.startswith("touch:") else key,
        created_at=now,
    )


def apply_transition(prospect: Prospect, transition: Transition, *, now: datetime) -> None:
    """Copy the coach's verdict onto the row and bump its version (stale buttons see it)."""
    prospect.status = transition.status.value
    prospect.next_touch_on = (
        transition.next_touch_on if transition.status is ProspectStatus.DORMANT else None
    )
    prospect.sequence_step = transition.sequence_step
    prospect.nothing_new_streak = transition.nothing_new_streak
    prospect.unanswered_streak = transition.unanswered_streak
    prospect.open_decision = transition.open_decision.value if transition.open_decision else None
    # Final: a transition may set it, nothing ever clears it.
    prospect.do_not_contact = bool(prospect.do_not_contact) or transition.do_not_contact
    prospect.last_learned = transition.last_learned
    if transition.last_touch_on is not None:
        prospect.last_touch_on = transition.last_touch_on
    if transition.new_contact_name:
        prospect.name = transition.new_contact_name
    if transition.clear_event:
        prospect.pending_event_kind = None
        prospect.pending_event_subject = None
        prospect.pending_event_on = None
    if transition.pending_event is not None:
        prospect.pending_event_kind = transition.pending_event.kind.value
        prospect.pending_event_subject = transition.pending_event.subject
        prospect.pending_event_on = transition.pending_event.on
    prospect.version += 1
    prospect.updated_at = now


def earlier_answer(session: Session, *, prospect_id: int, version: int) -> Touch | Decision | None:
    """What a click at `version` already logged or decided (same keys as above), if anything."""
    touch = touch_by_key(session, key=f"touch:{prospect_id}:v{version}")
    if touch is not None:
        return touch
    return decision_by_key(session, key=f"decision:{prospect_id}:v{version}")
