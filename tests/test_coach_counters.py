"""The learn rule's two counters and the one-question-at-a-time rule, on the pure coach.

Examples first (what each outcome counts as), then hypothesis properties over random
outcome sequences: an unanswered attempt never moves the learn streak; a card only when a
limit is reached, and always then; at most one open decision; both counters as the
playbook defines them, whatever the order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import coach
from bot.coach.counters import Streaks
from bot.domain import (
    WEEKDAYS,
    CoachSettings,
    DecisionKind,
    Outcome,
    ProspectFacts,
    ProspectStatus,
    Situation,
    TouchFacts,
    WalkAwayReason,
)

TODAY = date(2026, 3, 2)  # a Monday


def touch(outcome: Outcome, learned: str | None = None) -> TouchFacts:
    return TouchFacts("new_ideas", outcome, TODAY, learned)


# ---- what one touch counts as --------------------------------------------------------------

LEARNED_TABLE = [
    # outcome, learned text, learned something, taught nothing (a blank conversation), answered
    (Outcome.LEARNED, "CFO left", True, False, True),
    (Outcome.CONTACT_LEFT, None, True, False, True),
    (Outcome.NOT_NOW, "Budget frozen until Q3", True, False, True),
    (Outcome.NOT_NOW, "   ", False, True, True),
    (Outcome.NOT_NOW, None, False, True, True),
    (Outcome.RE_ENGAGED, "Demo on Friday", True, False, True),
    (Outcome.RE_ENGAGED, None, False, False, True),
    (Outcome.WON, "Signed for 3 years", True, False, True),
    (Outcome.WON, None, False, False, True),
    (Outcome.NOTHING_NEW, "they liked the demo", False, True, True),  # the outcome says so
    (Outcome.NO_REPLY, "left a voicemail", False, False, False),
    (Outcome.SNOOZED, "back in May", False, False, False),  # not a contact
    (Outcome.WALKED_AWAY, "not a fit", False, False, False),  # a decision, not a contact
]


@pytest.mark.parametrize(("outcome", "text", "learned", "blank", "answered"), LEARNED_TABLE)
def test_one_definition_of_learned_something(
    outcome: Outcome, text: str | None, learned: bool, blank: bool, answered: bool
) -> None:
    t = touch(outcome, text)
    assert coach.learned_something(t) is learned
    assert coach.taught_nothing(t) is blank
    assert coach.answered(t) is answered


def test_the_text_a_touch_keeps_is_none_when_the_outcome_says_nothing_was_learned() -> None:
    assert coach.kept_text(Outcome.NOTHING_NEW, "they liked the demo") is None
    assert coach.kept_text(Outcome.NO_REPLY, "voicemail") is None
    assert coach.kept_text(Outcome.NOT_NOW, "  Frozen  ") == "Frozen"
    assert coach.kept_text(Outcome.LEARNED, "   ") is None


def test_streaks_count_conversations_and_unanswered_attempts_apart() -> None:
    s = coach.streaks_of(
        [touch(Outcome.NOTHING_NEW), touch(Outcome.NO_REPLY), touch(Outcome.NOT_NOW)]
    )
    assert s == Streaks(nothing_new=2, unanswered=0)
    s = coach.streaks_of([touch(Outcome.NO_REPLY), touch(Outcome.SNOOZED)], s)
    assert s == Streaks(nothing_new=2, unanswered=1)
    assert coach.streaks_of([touch(Outcome.LEARNED, "x")], s) == Streaks(0, 0)


# ---- random outcome sequences --------------------------------------------------------------

IN_ROTATION = [
    Outcome.LEARNED, Outcome.NOTHING_NEW, Outcome.NO_REPLY, Outcome.NOT_NOW,
    Outcome.CONTACT_LEFT, Outcome.SNOOZED,
]  # fmt: skip
KEEP_GOING = "keep_going"
LIMITS = dict(nothing_new_limit=st.integers(1, 4), unanswered_limit=st.integers(1, 4))

steps = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(IN_ROTATION),
            st.sampled_from([None, "", "Their CFO moved to Hooli"]),
            st.integers(0, 2),
        ),
        st.just((KEEP_GOING, None, 0)),
    ),
    min_size=1,
    max_size=25,
)


@dataclass
class Model:
    """The playbook's counters, counted independently of the coach's code."""

    nothing_new: int = 0
    unanswered: int = 0

    def count(self, outcome: Outcome, text: str | None) -> None:
        if outcome is Outcome.SNOOZED:
            return
        if outcome is Outcome.NO_REPLY:
            self.unanswered += 1
            return
        self.unanswered = 0
        said_why = outcome is Outcome.NOT_NOW and bool((text or "").strip())
        if outcome is Outcome.NOTHING_NEW or (outcome is Outcome.NOT_NOW and not said_why):
            self.nothing_new += 1
        else:
            self.nothing_new = 0


@dataclass
class Run:
    """A prospect driven through the coach as the store does it."""

    p: ProspectFacts
    s: CoachSettings
    history: list[TouchFacts]
    today: date = TODAY

    def log(self, outcome: Outcome, text: str | None, pick: int) -> coach.Transition:
        choices = coach.tactics_for(self.p, self.history, self.today, self.s)
        tactic = choices[min(pick, len(choices) - 1)].tactic
        t = coach.apply_outcome(
            self.p,
            self.history,
            outcome=outcome,
            tactic_id=tactic.id,
            today=self.today,
            settings=self.s,
            workdays=WEEKDAYS,
            learned=text or ("Sam Lee" if outcome is Outcome.LEARNED else None),
            successor="Sam Lee",
            next_on=self.today.replace(year=self.today.year + 1)
            if outcome is Outcome.SNOOZED
            else None,
        )
        kept = coach.kept_text(outcome, text or ("Sam Lee" if outcome is Outcome.LEARNED else None))
        self.history.append(TouchFacts(tactic.id, outcome, self.today, kept))
        self.p = t.applied_to(self.p)
        self.today = t.next_touch_on or self.today
        return t

    def keep_going(self) -> coach.Transition:
        t = coach.decide(
            self.p,
            self.history,
            decision=DecisionKind.KEEP_GOING,
            reason=None,
            today=self.today,
            settings=self.s,
            workdays=WEEKDAYS,
        )
        self.p = t.applied_to(self.p)
        return t


def start(situation: Situation, referrer: str | None, s: CoachSettings) -> Run:
    p = ProspectFacts(
        name="Jane Doe",
        company="Initech",
        situation=situation,
        created_on=TODAY,
        referrer=referrer,
    )
    return Run(p, s, [])


def owed(before: ProspectFacts, after: ProspectFacts, last: TouchFacts, s: CoachSettings) -> bool:
    """Did this touch reach a limit (the playbook's words, not the coach's code)?"""
    if before.open_decision is not None:
        return False
    if last.outcome is Outcome.NO_REPLY:
        if after.situation is Situation.WENT_QUIET:
            if last.tactic_id == "final_notice":
                return True
            if after.sequence_step < 5:  # the sequence is the silent path until its end
                return False
        return after.unanswered_streak >= s.unanswered_limit
    return coach.taught_nothing(last) and after.nothing_new_streak >= s.nothing_new_limit


@settings(max_examples=300, deadline=None)
@given(
    situation=st.sampled_from(list(Situation)),
    referrer=st.sampled_from([None, "Bob"]),
    s=st.builds(CoachSettings, **LIMITS),
    plan=steps,
)
def test_property_counters_cards_and_one_open_decision_over_random_sequences(
    situation: Situation,
    referrer: str | None,
    s: CoachSettings,
    plan: list[tuple[str, str | None, int]],
) -> None:
    run, model = start(situation, referrer, s), Model()
    for action, text, pick in plan:
        before = run.p
        if action == KEEP_GOING:
            t = run.keep_going()
            model = Model()  # a new streak: both counters
            assert t.reevaluate is None and run.p.open_decision is None
            continue
        outcome = Outcome(action)
        t = run.log(outcome, text, pick)
        model.count(outcome, run.history[-1].learned)
        last = run.history[-1]
        # Both counters, exactly as the playbook counts them.
        assert (run.p.nothing_new_streak, run.p.unanswered_streak) == (
            model.nothing_new,
            model.unanswered,
        )
        # An unanswered attempt never moves the learn streak.
        if outcome is Outcome.NO_REPLY:
            assert run.p.nothing_new_streak == before.nothing_new_streak
        # A card exactly when a limit is reached and no question is open.
        assert (t.reevaluate is not None) is owed(before, run.p, last, s), (last, before)
        if t.reevaluate is not None:
            # At most one open decision: this one, asked now, and it is the open one.
            assert before.open_decision is None
            assert run.p.open_decision is t.reevaluate.reason
            if t.reevaluate.reason is WalkAwayReason.NOTHING_LEARNED:
                assert run.p.nothing_new_streak >= s.nothing_new_limit
            else:
                assert outcome is Outcome.NO_REPLY
        else:
            # No new question: an open one stays open, none appears out of nowhere.
            assert run.p.open_decision is before.open_decision
        # The digest's question is the open decision, whenever there is one.
        review = coach.open_reevaluation(run.p, run.history, run.today, s)
        assert (review is not None) is (run.p.open_decision is not None)
        assert run.p.status is ProspectStatus.DORMANT


@settings(max_examples=200, deadline=None)
@given(
    s=st.builds(CoachSettings, **LIMITS),
    plan=steps,
)
def test_property_stats_equal_what_the_coach_counts(
    s: CoachSettings, plan: list[tuple[str, str | None, int]]
) -> None:
    """The rep's numbers and the streak logic share one definition of learned: every
    contact is exactly one of learned (ends the learn streak), taught nothing (adds one to
    it) or unanswered (adds one to the other)."""
    run = start(Situation.SAID_NO, None, s)
    increments = resets_by_learning = 0
    for action, text, pick in plan:
        if action == KEEP_GOING:
            run.keep_going()
            continue
        before = run.p
        run.log(Outcome(action), text, pick)
        last = run.history[-1]
        if run.p.nothing_new_streak == before.nothing_new_streak + 1:
            increments += 1
            assert coach.taught_nothing(last)
        if coach.learned_something(last):
            resets_by_learning += 1
            assert run.p.nothing_new_streak == 0 and run.p.unanswered_streak == 0
    numbers = coach.tally(run.history)
    assert numbers.learned == resets_by_learning
    assert numbers.contacts == numbers.learned + increments + numbers.unanswered
    assert numbers.unanswered == sum(1 for t in run.history if t.outcome is Outcome.NO_REPLY)
    assert 0.0 <= numbers.learned_share <= 1.0


# ---- examples of the question itself -------------------------------------------------------


def test_keep_going_starts_a_new_streak_the_next_card_needs_the_limit_again() -> None:
    run = start(Situation.BIG_COMPANY, None, CoachSettings())
    cards = [run.log(Outcome.NO_REPLY, None, 0).reevaluate for _ in range(3)]
    assert [c is not None for c in cards] == [False, False, True]
    assert run.p.open_decision is WalkAwayReason.UNREACHABLE
    # While it is open, more silence asks nothing more.
    assert run.log(Outcome.NO_REPLY, None, 0).reevaluate is None
    run.keep_going()
    assert (run.p.nothing_new_streak, run.p.unanswered_streak, run.p.open_decision) == (0, 0, None)
    cards = [run.log(Outcome.NO_REPLY, None, 0).reevaluate for _ in range(3)]
    assert [c is not None for c in cards] == [False, False, True]


def test_went_quiet_after_keep_going_the_slow_lane_asks_after_the_unanswered_limit() -> None:
    run = start(Situation.WENT_QUIET, None, CoachSettings())
    asked = [run.log(Outcome.NO_REPLY, None, 0).reevaluate for _ in range(4)]
    assert [a is not None for a in asked] == [False, False, False, True]
    assert asked[-1] is not None and asked[-1].final_notice
    run.keep_going()
    asked = [run.log(Outcome.NO_REPLY, None, 0).reevaluate for _ in range(3)]
    assert [a is not None for a in asked] == [False, False, True]
    assert asked[-1] is not None and not asked[-1].final_notice
    assert asked[-1].reason is WalkAwayReason.UNREACHABLE and asked[-1].unanswered_count == 3


def test_an_event_closes_the_open_question_and_starts_afresh() -> None:
    from bot.domain import Event, EventKind

    run = start(Situation.CHOSE_COMPETITOR, None, CoachSettings())
    run.p = replace(run.p, competitor="Globex")
    for _ in range(3):
        run.log(Outcome.NO_REPLY, None, 0)
    assert run.p.open_decision is WalkAwayReason.UNREACHABLE
    news = Event(EventKind.COMPETITOR_NEWS, "Globex", run.today)
    back = coach.resurface(run.p, news, run.today, WEEKDAYS).applied_to(run.p)
    assert (back.open_decision, back.unanswered_streak, back.nothing_new_streak) == (None, 0, 0)
