"""Do not contact means never, on the pure coach (PLAYBOOK.md section 3, rule 2): however a
prospect was marked, no event, outcome, decision, snooze or reopening brings it back; every
other walk-away stays dormant, not dead."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import coach
from bot.coach.outcomes import transition_from
from bot.domain import (
    WEEKDAYS,
    DecisionKind,
    Event,
    EventKind,
    Outcome,
    ProspectFacts,
    ProspectStatus,
    Situation,
    WalkAwayReason,
)

TODAY = date(2026, 3, 2)
SUBJECT = "Globex"


def prospect(**fields: object) -> ProspectFacts:
    values: dict[str, object] = {
        "name": "Jane Doe",
        "company": "Initech",
        "situation": Situation.CHOSE_COMPETITOR,
        "created_on": TODAY,
        "competitor": SUBJECT,
        "missing_feature": SUBJECT,
    }
    values.update(fields)
    return ProspectFacts(**values)  # type: ignore[arg-type]


def closed_by(how: str, p: ProspectFacts) -> ProspectFacts:
    """The three ways a prospect is marked: the walk-away reason (a decision or the tactic
    card's outcome) or the mark on its details."""
    if how == "decision":
        t = coach.decide(
            p, [], decision=DecisionKind.WALK_AWAY, reason=WalkAwayReason.DO_NOT_CONTACT,
            today=TODAY, workdays=WEEKDAYS,
        )  # fmt: skip
    elif how == "outcome":
        t = coach.apply_outcome(
            p, [], outcome=Outcome.WALKED_AWAY, tactic_id="how_did_it_go", today=TODAY,
            reason=WalkAwayReason.DO_NOT_CONTACT,
        )  # fmt: skip
    else:
        t = coach.mark_do_not_contact(p)
    return t.applied_to(p)


ATTEMPTS = st.lists(
    st.one_of(
        st.tuples(st.just("event"), st.sampled_from(list(EventKind))),
        st.tuples(st.just("outcome"), st.sampled_from(list(Outcome))),
        st.tuples(st.just("decide"), st.sampled_from(list(DecisionKind))),
        st.tuples(st.just("reopen"), st.none()),
        st.tuples(st.just("mark"), st.none()),
    ),
    min_size=1,
    max_size=12,
)


def attempt(p: ProspectFacts, what: str, arg: object, day: date) -> ProspectFacts:
    """One way anything could try to move the prospect; refused or not, what it leaves."""
    try:
        if what == "event":
            assert isinstance(arg, EventKind)
            event = Event(arg, SUBJECT.upper(), day)
            assert not coach.matches_event(p, event)
            t = coach.resurface(p, event, day, WEEKDAYS)
        elif what == "outcome":
            assert isinstance(arg, Outcome)
            t = coach.apply_outcome(
                p, [], outcome=arg, tactic_id="be_a_resource", today=day, learned="x",
                successor="Sam Lee", next_on=day + timedelta(days=3),
                reason=WalkAwayReason.OTHER,
            )  # fmt: skip
        elif what == "decide":
            assert isinstance(arg, DecisionKind)
            t = coach.decide(
                p, [], decision=arg, reason=WalkAwayReason.NOT_A_FIT, today=day,
                workdays=WEEKDAYS,
            )  # fmt: skip
        elif what == "reopen":  # a manager's reopening goes through the coach's transition
            t = transition_from(p, status=ProspectStatus.DORMANT, next_touch_on=day)
        else:
            t = coach.mark_do_not_contact(p)
    except coach.InvalidOutcome:
        return p
    return t.applied_to(p)


@settings(max_examples=300, deadline=None)
@given(
    how=st.sampled_from(["decision", "outcome", "mark"]),
    status=st.sampled_from([ProspectStatus.DORMANT, ProspectStatus.WALKED_AWAY]),
    open_decision=st.sampled_from([None, WalkAwayReason.UNREACHABLE]),
    tries=ATTEMPTS,
)
def test_property_a_do_not_contact_prospect_never_resurfaces(
    how: str,
    status: ProspectStatus,
    open_decision: WalkAwayReason | None,
    tries: list[tuple[str, object]],
) -> None:
    p = prospect(status=status, open_decision=open_decision, next_touch_on=TODAY)
    if how != "mark" and status is ProspectStatus.WALKED_AWAY:
        p = replace(p, status=ProspectStatus.DORMANT)  # a decision needs it in rotation
    p = closed_by(how, p)
    day = TODAY
    for what, arg in tries:
        day += timedelta(days=1)
        p = attempt(p, what, arg, day)
        assert p.do_not_contact
        assert p.status is not ProspectStatus.DORMANT and p.next_touch_on is None
        assert p.pending_event is None and p.open_decision is None
        assert coach.open_reevaluation(p, [], day) is None


OTHER_REASONS = [r for r in WalkAwayReason if r is not WalkAwayReason.DO_NOT_CONTACT]


@pytest.mark.parametrize("reason", OTHER_REASONS)
def test_every_other_walk_away_stays_dormant_not_dead(reason: WalkAwayReason) -> None:
    p = coach.decide(
        prospect(), [], decision=DecisionKind.WALK_AWAY, reason=reason, today=TODAY,
        workdays=WEEKDAYS,
    ).applied_to(prospect())  # fmt: skip
    assert p.status is ProspectStatus.WALKED_AWAY and not p.do_not_contact
    news = Event(EventKind.COMPETITOR_NEWS, SUBJECT, TODAY)
    assert coach.matches_event(p, news)
    back = coach.resurface(p, news, TODAY, WEEKDAYS).applied_to(p)
    assert back.status is ProspectStatus.DORMANT and back.next_touch_on == TODAY


def test_marking_a_customer_keeps_its_status_and_closes_it_to_events() -> None:
    won = prospect(status=ProspectStatus.WON, next_touch_on=None)
    marked = coach.mark_do_not_contact(won).applied_to(won)
    assert marked.status is ProspectStatus.WON and marked.do_not_contact
    with pytest.raises(coach.InvalidOutcome, match="asked not to be contacted"):
        coach.apply_outcome(
            marked, [], outcome=Outcome.SNOOZED, tactic_id="be_a_resource", today=TODAY,
            next_on=TODAY + timedelta(days=7),
        )  # fmt: skip
