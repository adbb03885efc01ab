"""What an outcome or a decision does to a prospect: the next state and date.

Every function returns a Transition (new values to store; events.resurface too); none stores
anything itself. Any logged contact resets the clock: the next date counts
from today.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.coach.counters import Streaks, kept_text
from bot.coach.dates import (
    DEFAULT_SETTINGS,
    contract_cycle_end,
    days,
    renewal_window_start,
    schedule,
    situation_cadence_days,
)
from bot.coach.playbook import EVENT_TACTICS, HOMEWORK, TACTICS, Tactic
from bot.coach.reevaluation import Reevaluation, limit_reached, open_reevaluation
from bot.coach.state import next_step
from bot.domain import (
    WEEKDAYS,
    CoachSettings,
    DecisionKind,
    Event,
    Outcome,
    ProspectFacts,
    ProspectStatus,
    Situation,
    TouchFacts,
    WalkAwayReason,
)
from bot.errors import UserError


class InvalidOutcome(UserError, ValueError):
    """An outcome or decision the coach can't apply; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Transition:
    """The prospect's new state; `None` for next_touch_on means out of rotation."""

    status: ProspectStatus
    next_touch_on: date | None
    sequence_step: int
    nothing_new_streak: int
    last_learned: str | None
    new_contact_name: str | None  # the successor, when the contact left
    reevaluate: Reevaluation | None  # ask the rep: walk away or keep going?
    clear_event: bool  # the pending event has been acted on (or no longer matters)
    last_touch_on: date | None = None  # today for a contact; unchanged otherwise
    pending_event: Event | None = None  # set by resurface(): the event to act on
    unanswered_streak: int = 0  # attempts in a row nobody answered
    open_decision: WalkAwayReason | None = None  # the question asked and not yet answered
    do_not_contact: bool = False  # they asked not to be contacted: final, never unset

    def applied_to(self, prospect: ProspectFacts) -> ProspectFacts:
        """The prospect as the store keeps it once this transition is applied."""
        event = None if self.clear_event else (self.pending_event or prospect.pending_event)
        return replace(
            prospect,
            status=self.status,
            next_touch_on=self.next_touch_on,
            sequence_step=self.sequence_step,
            nothing_new_streak=self.nothing_new_streak,
            unanswered_streak=self.unanswered_streak,
            open_decision=self.open_decision,
            do_not_contact=prospect.do_not_contact or self.do_not_contact,
            last_learned=self.last_learned,
            name=self.new_contact_name or prospect.name,
            last_touch_on=self.last_touch_on,
            pending_event=event,
        )


LEAVES_ROTATION = {
    Outcome.RE_ENGAGED: ProspectStatus.REVIVED,
    Outcome.WON: ProspectStatus.WON,
    Outcome.WALKED_AWAY: ProspectStatus.WALKED_AWAY,
}


def transition_from(prospect: ProspectFacts, **changes: Any) -> Transition:
    """The prospect as it stands, dormant, with only `changes` applied: for what moves it
    without a contact in rotation (a snooze, a decision, an event, leaving the list).

    A prospect who asked not to be contacted never comes back into rotation, by any path."""
    transition = replace(
        Transition(
            status=ProspectStatus.DORMANT,
            next_touch_on=prospect.next_touch_on,
            sequence_step=prospect.sequence_step,
            nothing_new_streak=prospect.nothing_new_streak,
            last_learned=prospect.last_learned,
            new_contact_name=None,
            reevaluate=None,
            clear_event=False,
            last_touch_on=prospect.last_touch_on,
            unanswered_streak=prospect.unanswered_streak,
            open_decision=prospect.open_decision,
            do_not_contact=prospect.do_not_contact,
        ),
        **changes,
    )
    if prospect.do_not_contact and transition.status is ProspectStatus.DORMANT:
        refuse_closed(prospect)
    return transition


def refuse_closed(prospect: ProspectFacts) -> None:
    """Do not contact means never (PLAYBOOK.md rule 2): nothing may touch this prospect."""
    if prospect.do_not_contact:
        name = prospect.name.strip() or "This prospect"
        raise InvalidOutcome(
            f"{name} asked not to be contacted: the file is closed for good, so nothing "
            "brings them back."
        )


def mark_do_not_contact(prospect: ProspectFacts) -> Transition:
    """They asked not to be contacted: out of rotation for good (a dormant prospect is walked
    away, a customer keeps its status), any open question and pending event dropped."""
    leaving = prospect.status is ProspectStatus.DORMANT
    status = ProspectStatus.WALKED_AWAY if leaving else prospect.status
    return replace(
        transition_from(prospect, status=status),
        next_touch_on=None,
        open_decision=None,
        clear_event=True,
        do_not_contact=True,
    )


def _text(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _tactic(tactic_id: str) -> Tactic:
    tactic = TACTICS.get(tactic_id)
    if tactic is None:
        raise InvalidOutcome(f"Unknown tactic {tactic_id!r}.")
    if tactic is HOMEWORK:
        raise InvalidOutcome("Homework prepares a contact; log the tactic you used instead.")
    return tactic


def _regular_next(prospect: ProspectFacts, tactic: Tactic, today: date, s: CoachSettings) -> date:
    """The cadence continues: the situation's spacing from today (or the renewal window)."""
    if tactic.event is not None:
        return today + days(tactic.cadence_days)  # news is fresh: follow up while it matters
    if prospect.situation is Situation.COMPETITOR_CONTRACT:
        return _renewal_next(prospect, today, s)
    return today + days(situation_cadence_days(prospect.situation, s))


def _renewal_next(prospect: ProspectFacts, today: date, s: CoachSettings) -> date:
    end = contract_cycle_end(prospect, today, s)
    if end is None:  # keep asking until the rep records the end date
        return today + days(s.renewal_followup_days)
    window = renewal_window_start(end, s)
    if today < window:
        return window
    follow_up = today + days(s.renewal_followup_days)
    # Past this end the contract has renewed: aim for the next window.
    return (
        follow_up if follow_up < end else renewal_window_start(end + days(s.contract_term_days), s)
    )


def _not_now_next(prospect: ProspectFacts, tactic: Tactic, today: date, s: CoachSettings) -> date:
    pushed = today + days(s.not_now_push_days)
    if prospect.situation is Situation.COMPETITOR_CONTRACT:
        end = contract_cycle_end(prospect, today, s)
        if end is not None and today >= renewal_window_start(end, s):
            # They are renewing this time: come back before the next renewal.
            return max(pushed, renewal_window_start(end + days(s.contract_term_days), s))
    return max(pushed, _regular_next(prospect, tactic, today, s))


def _no_reply_next(prospect: ProspectFacts, tactic: Tactic, today: date, s: CoachSettings) -> date:
    if prospect.situation is Situation.WENT_QUIET:
        if tactic.sequence_step:
            return today + days(s.went_quiet_spacing_days)
        if next_step(prospect) is None:  # the slow lane after the sequence: slow it is
            return today + days(s.said_no_cadence_days)
    return today + days(s.no_reply_retry_days)


def apply_outcome(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    *,
    outcome: Outcome,
    tactic_id: str,
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
    workdays: frozenset[int] = WEEKDAYS,
    learned: str | None = None,
    successor: str | None = None,
    next_on: date | None = None,
    reason: WalkAwayReason | None = None,
) -> Transition:
    """How one logged contact moves the prospect (PLAYBOOK.md rule 5).

    `learned` counts for learned, not-now, re-engaged, won and contact-left;
    for no-reply and nothing-new the outcome itself says nothing was learned
    (bot.coach.counters). `next_on`, when given, overrides the coach's date (moved to a
    workday). `reason` is the walk-away reason of a walked-away outcome (do-not-contact is
    final). A prospect who asked not to be contacted takes no outcome at all.
    """
    refuse_closed(prospect)
    tactic = _tactic(tactic_id)
    learned, successor = _checked(outcome, today, learned, successor, next_on)
    if outcome is Outcome.SNOOZED:  # not a contact: only the date moves
        return transition_from(prospect, next_touch_on=schedule(next_on or today, today, workdays))
    if outcome in LEAVES_ROTATION:
        # A walk-away keeps its streaks on record; a revival or a win clears them.
        kept = outcome is Outcome.WALKED_AWAY
        return transition_from(
            prospect,
            status=LEAVES_ROTATION[outcome],
            next_touch_on=None,
            nothing_new_streak=prospect.nothing_new_streak if kept else 0,
            unanswered_streak=prospect.unanswered_streak if kept else 0,
            open_decision=None,
            last_learned=learned or prospect.last_learned,
            clear_event=True,
            last_touch_on=today,
            do_not_contact=outcome is Outcome.WALKED_AWAY
            and reason is WalkAwayReason.DO_NOT_CONTACT,
        )
    return _contact(
        prospect,
        history,
        tactic,
        outcome,
        today=today,
        settings=settings,
        workdays=workdays,
        learned=learned,
        successor=successor,
        next_on=next_on,
    )


def _checked(
    outcome: Outcome,
    today: date,
    learned: str | None,
    successor: str | None,
    next_on: date | None,
) -> tuple[str | None, str | None]:
    """Refuse what can't be applied; else the learned text and the successor to store."""
    learned = _text(learned)
    if next_on is not None and next_on <= today:
        raise InvalidOutcome("Pick a day after today.")
    if outcome is Outcome.LEARNED and not learned:
        raise InvalidOutcome("What did you learn? One line is enough.")
    if outcome is Outcome.SNOOZED and next_on is None:
        raise InvalidOutcome("Pick the day to bring it back.")
    if outcome is Outcome.CONTACT_LEFT:
        successor = _text(successor) or learned
        if not successor:
            raise InvalidOutcome("Who took over? Name the successor.")
    else:
        successor = None
    return kept_text(outcome, learned), successor


def _contact(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    tactic: Tactic,
    outcome: Outcome,
    *,
    today: date,
    settings: CoachSettings,
    workdays: frozenset[int],
    learned: str | None,
    successor: str | None,
    next_on: date | None,
) -> Transition:
    """A contact that keeps the prospect dormant: both streaks, the went-quiet step, the
    next date, and whether the coach now asks the walk-away question."""
    touch = TouchFacts(tactic_id=tactic.id, outcome=outcome, on=today, learned=learned)
    streaks = Streaks(prospect.nothing_new_streak, prospect.unanswered_streak).after(touch)
    step = prospect.sequence_step
    if outcome is Outcome.CONTACT_LEFT:
        step = 0  # a new person: a silent successor starts the sequence afresh
        if learned is None or learned == successor:
            learned = f"{prospect.name.strip() or 'The contact'} left; {successor} took over"
    elif prospect.situation is Situation.WENT_QUIET and tactic.sequence_step:
        step = max(step, tactic.sequence_step)

    event = prospect.pending_event
    after = replace(
        prospect,
        name=successor or prospect.name,
        status=ProspectStatus.DORMANT,
        sequence_step=step,
        nothing_new_streak=streaks.nothing_new,
        unanswered_streak=streaks.unanswered,
        last_learned=learned or prospect.last_learned,
        last_touch_on=today,
        pending_event=None if event and EVENT_TACTICS[event.kind] is tactic else event,
    )
    reason = limit_reached(after, touch, today, settings)
    if reason is not None:
        after = replace(after, open_decision=reason)
    coach_date = _coach_date(prospect, tactic, outcome, today, settings)
    return Transition(
        status=ProspectStatus.DORMANT,
        next_touch_on=schedule(next_on or coach_date, today, workdays),
        sequence_step=step,
        nothing_new_streak=streaks.nothing_new,
        last_learned=after.last_learned,
        new_contact_name=successor,
        reevaluate=(
            open_reevaluation(after, [*history, touch], today, settings) if reason else None
        ),
        clear_event=event is not None and after.pending_event is None,
        last_touch_on=today,
        unanswered_streak=streaks.unanswered,
        open_decision=after.open_decision,
    )


def _coach_date(
    prospect: ProspectFacts, tactic: Tactic, outcome: Outcome, today: date, s: CoachSettings
) -> date:
    if outcome is Outcome.NO_REPLY:
        return _no_reply_next(prospect, tactic, today, s)
    if outcome is Outcome.NOT_NOW:
        return _not_now_next(prospect, tactic, today, s)
    if outcome is Outcome.CONTACT_LEFT:  # reach the successor while the handover is fresh
        return today + days(s.went_quiet_spacing_days)
    return _regular_next(prospect, tactic, today, s)


def decide(
    prospect: ProspectFacts,
    history: Sequence[TouchFacts],
    *,
    decision: DecisionKind,
    reason: WalkAwayReason | None,
    today: date,
    settings: CoachSettings = DEFAULT_SETTINGS,
    workdays: frozenset[int] = WEEKDAYS,
) -> Transition:
    """The rep's answer to a re-evaluation (rules 1 and 2)."""
    refuse_closed(prospect)
    if decision is DecisionKind.WALK_AWAY:
        if reason is None:
            raise InvalidOutcome("Pick why you are walking away.")
        return transition_from(
            prospect,
            status=ProspectStatus.WALKED_AWAY,
            next_touch_on=None,
            clear_event=True,
            open_decision=None,
            do_not_contact=reason is WalkAwayReason.DO_NOT_CONTACT,
        )
    # Keep going: a new streak (both counters), the question closed, a different tactic, soon.
    soon = today + days(
        settings.went_quiet_spacing_days
        if prospect.situation is Situation.WENT_QUIET
        else settings.no_reply_retry_days
    )
    planned = prospect.next_touch_on
    if planned is not None and today < planned < soon:
        soon = planned
    return transition_from(
        prospect,
        next_touch_on=schedule(soon, today, workdays),
        nothing_new_streak=0,
        unanswered_streak=0,
        open_decision=None,
    )
