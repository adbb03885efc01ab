"""bot.team.numbers: per rep, totals and the tactic × situation table, pure (incl. hypothesis)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import coach
from bot.domain import Outcome, Situation, TouchFacts
from bot.team.numbers import (
    FEW_TRIES,
    REVIVAL_WINDOW_DAYS,
    DueRow,
    PairRate,
    Period,
    RepNumbers,
    TouchRow,
    WalkAwayRow,
    sum_numbers,
    team_numbers,
)

NOV = Period(date(2026, 11, 1), date(2026, 11, 30))
QUIET, SAID_NO = Situation.WENT_QUIET.value, Situation.SAID_NO.value
FAST = settings(max_examples=200, deadline=None)


class Touches:
    """Touch rows with ids in logging order, as the store hands them out."""

    def __init__(self) -> None:
        self.rows: list[TouchRow] = []

    def log(
        self,
        outcome: Outcome,
        on: date,
        *,
        rep: int = 1,
        prospect: int = 10,
        tactic: str = "real_reason",
        situation: str = QUIET,
        learned: str | None = None,
    ) -> TouchRow:
        row = TouchRow(
            len(self.rows) + 1, rep, prospect, situation, tactic, outcome.value, on, learned
        )
        self.rows.append(row)
        return row


def pair(numbers_pairs: tuple[PairRate, ...], tactic: str, situation: str = QUIET) -> PairRate:
    return next(p for p in numbers_pairs if (p.tactic_id, p.situation) == (tactic, situation))


def test_a_reps_numbers_count_contacts_learning_revivals_walk_aways_and_their_pipeline() -> None:
    t = Touches()
    day = date(2026, 11, 10)
    t.log(Outcome.NO_REPLY, day)
    t.log(Outcome.LEARNED, day, learned="budget moved to Q2")
    t.log(Outcome.NOT_NOW, day, learned="new CFO in January")  # a "not now" that taught
    t.log(Outcome.NOT_NOW, day)  # one that did not
    t.log(Outcome.SNOOZED, day)  # not a contact
    t.log(Outcome.RE_ENGAGED, day, prospect=11)
    t.log(Outcome.WON, day + timedelta(days=2), prospect=11)  # the same prospect: once
    t.log(Outcome.LEARNED, date(2026, 10, 31), learned="before the period")
    walk = [WalkAwayRow(1, "unreachable", 2), WalkAwayRow(1, "not_a_fit"), WalkAwayRow(9, "x")]
    due = [DueRow(1, date(2026, 11, 29)), DueRow(1, date(2026, 11, 30), 3), DueRow(1, None)]

    numbers = team_numbers(NOV, [1], t.rows, walk, due, {1: date(2026, 11, 30)})

    (rep,) = numbers.reps
    assert rep == RepNumbers(
        rep_id=1,
        contacts=6,
        learned=2,
        revived=1,
        walked_away=3,
        walk_reasons=(("unreachable", 2), ("not_a_fit", 1)),
        overdue=1,  # due the day before the rep's today; due today is not overdue
        in_rotation=5,
    )
    assert rep.learned_share == pytest.approx(2 / 6)


def test_revived_within_60_days_of_the_touch_counts_on_the_day_and_after_it_only() -> None:
    t = Touches()
    on = date(2026, 11, 2)
    # Prospect 10: revived 60 days after the try (counts); prospect 11: 61 days (does not).
    t.log(Outcome.NO_REPLY, on, prospect=10, tactic="a")
    t.log(Outcome.RE_ENGAGED, on + timedelta(days=REVIVAL_WINDOW_DAYS), prospect=10, tactic="b")
    t.log(Outcome.NO_REPLY, on, prospect=11, tactic="a")
    t.log(Outcome.WON, on + timedelta(days=REVIVAL_WINDOW_DAYS + 1), prospect=11, tactic="b")
    # Prospect 12: re-engaged earlier the same day, then a try: the try came after.
    t.log(Outcome.RE_ENGAGED, on, prospect=12, tactic="c")
    t.log(Outcome.NOTHING_NEW, on, prospect=12, tactic="d")
    # Prospect 13: the try itself re-engaged them.
    t.log(Outcome.RE_ENGAGED, on, prospect=13, tactic="e")

    pairs = team_numbers(NOV, [1], t.rows).pairs

    assert pair(pairs, "a") == PairRate("a", QUIET, tried=2, revived=1)
    assert pair(pairs, "c").revived == 1  # itself
    assert pair(pairs, "d") == PairRate("d", QUIET, tried=1, revived=0)
    assert pair(pairs, "e").revived == 1
    # The revivals after the period's end are read for the window but are not tries.
    assert {(p.tactic_id, p.tried) for p in pairs} == {("a", 2), ("c", 1), ("d", 1), ("e", 1)}


def test_pairs_are_per_situation_at_the_time_and_marked_below_five_tries() -> None:
    t = Touches()
    for n in range(FEW_TRIES):
        t.log(Outcome.NO_REPLY, date(2026, 11, 3), prospect=100 + n, tactic="homework")
    t.log(Outcome.RE_ENGAGED, date(2026, 11, 4), prospect=100, tactic="homework")
    t.log(Outcome.NO_REPLY, date(2026, 11, 3), prospect=200, tactic="homework", situation=SAID_NO)

    numbers = team_numbers(NOV, [1], t.rows)

    quiet, said_no = pair(numbers.pairs, "homework"), pair(numbers.pairs, "homework", SAID_NO)
    assert (quiet.tried, quiet.revived, quiet.few) == (FEW_TRIES + 1, 2, False)
    assert (said_no.tried, said_no.revived, said_no.few) == (1, 0, True)
    assert numbers.pairs[0] == quiet  # best rate first
    assert numbers.top_pairs(3) == (quiet,)  # few tries and no revival: not a "best"


def test_rows_of_reps_not_asked_for_are_left_out_and_every_rep_asked_for_is_there() -> None:
    t = Touches()
    t.log(Outcome.LEARNED, date(2026, 11, 5), rep=2, learned="x")
    t.log(Outcome.LEARNED, date(2026, 11, 5), rep=3, learned="y")

    numbers = team_numbers(NOV, [3, 4], t.rows, [WalkAwayRow(2, "other")], [DueRow(2, None)])

    assert [r.rep_id for r in numbers.reps] == [3, 4]
    assert numbers.totals.contacts == 1
    assert numbers.totals.walked_away == numbers.totals.in_rotation == 0
    assert numbers.reps[1] == RepNumbers(rep_id=4)


def test_no_touches_no_division_by_zero() -> None:
    numbers = team_numbers(NOV, [1], [])
    assert numbers.totals.learned_share == 0.0
    assert numbers.pairs == ()


# --- properties ----------------------------------------------------------------------------

TACTICS = ("real_reason", "homework", "new_angle")
SITUATIONS = (QUIET, SAID_NO)
texts = st.one_of(st.none(), st.just(""), st.just("   "), st.just("budget moved"))


@st.composite
def touch_lists(draw: st.DrawFn) -> list[TouchRow]:
    """Touches of reps 1-4 on prospects 1-6, from a little before the period to well after."""
    specs = draw(
        st.lists(
            st.tuples(
                st.integers(1, 4),
                st.integers(1, 6),
                st.sampled_from(SITUATIONS),
                st.sampled_from(TACTICS),
                st.sampled_from(list(Outcome)),
                st.integers(-10, 100),
                texts,
            ),
            max_size=60,
        )
    )
    return [
        TouchRow(n, rep, prospect, sit, tactic, outcome.value, NOV.start + timedelta(days), text)
        for n, (rep, prospect, sit, tactic, outcome, days, text) in enumerate(specs, start=1)
    ]


def facts(row: TouchRow) -> TouchFacts:
    return TouchFacts(row.tactic_id, Outcome(row.outcome), row.touched_on, row.learned)


@FAST
@given(touch_lists(), st.lists(st.integers(1, 5), unique=True, min_size=1))
def test_totals_are_the_sums_of_the_reps_numbers(rows: list[TouchRow], reps: list[int]) -> None:
    numbers = team_numbers(NOV, reps, rows, [WalkAwayRow(r, "other", r) for r in reps])
    assert numbers.totals == sum_numbers(numbers.reps)
    for name in ("contacts", "learned", "revived", "walked_away", "overdue", "in_rotation"):
        assert getattr(numbers.totals, name) == sum(getattr(r, name) for r in numbers.reps)
    assert numbers.totals.contacts == sum(p.tried for p in numbers.pairs)


@FAST
@given(touch_lists())
def test_learned_share_is_the_coachs_definition_over_the_same_touches(rows: list[TouchRow]) -> None:
    numbers = team_numbers(NOV, [1, 2, 3, 4], rows)
    in_period = [facts(r) for r in rows if r.touched_on in NOV]
    contacts = [f for f in in_period if coach.is_contact(f)]
    assert numbers.totals.contacts == len(contacts)
    assert numbers.totals.learned == sum(coach.learned_something(f) for f in contacts)
    expected = coach.tally(in_period)
    assert numbers.totals.learned_share == pytest.approx(expected.learned_share)
    for rep in numbers.reps:
        mine = [facts(r) for r in rows if r.touched_on in NOV and r.rep_id == rep.rep_id]
        tally = coach.tally(mine)
        assert (rep.contacts, rep.learned) == (tally.contacts, tally.learned)


def revived_by_the_definition(try_: TouchRow, rows: list[TouchRow]) -> bool:
    """The docstring's definition, read literally (quadratic, for the test only)."""
    return any(
        later.prospect_id == try_.prospect_id
        and Outcome(later.outcome) in (Outcome.RE_ENGAGED, Outcome.WON)
        and (later.touched_on, later.id) >= (try_.touched_on, try_.id)
        and (later.touched_on - try_.touched_on).days <= REVIVAL_WINDOW_DAYS
        for later in rows
    )


@FAST
@given(touch_lists(), st.randoms(use_true_random=False))
def test_pairs_follow_the_definition_whatever_the_order_of_the_rows(
    rows: list[TouchRow], shuffler: random.Random
) -> None:
    expected: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        if row.touched_on in NOV and coach.is_contact(facts(row)):
            counts = expected.setdefault((row.tactic_id, row.situation), [0, 0])
            counts[0] += 1
            counts[1] += revived_by_the_definition(row, rows)
    shuffled = list(rows)
    shuffler.shuffle(shuffled)

    numbers = team_numbers(NOV, [1, 2, 3, 4], shuffled)

    assert {(p.tactic_id, p.situation): [p.tried, p.revived] for p in numbers.pairs} == expected
    assert numbers == team_numbers(NOV, [1, 2, 3, 4], rows)
