"""Properties of the coach that must hold for any prospect, history and settings (hypothesis)."""

from __future__ import annotations

import dataclasses
import itertools
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import coach
from bot.coach.rendering import render
from bot.domain import (
    COACH_SETTING_LIMITS,
    WEEKDAYS,
    CoachSettings,
    DecisionKind,
    Event,
    EventKind,
    Outcome,
    ProspectFacts,
    ProspectStatus,
    Situation,
    TouchFacts,
    WalkAwayReason,
)

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 3, 2)
FAST = settings(max_examples=150, deadline=None)

IN_ROTATION = [
    Outcome.LEARNED, Outcome.NOTHING_NEW, Outcome.NO_REPLY, Outcome.NOT_NOW,
    Outcome.CONTACT_LEFT, Outcome.SNOOZED,
]  # fmt: skip
CONTACTS = [o for o in IN_ROTATION if o is not Outcome.SNOOZED]

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
workdays = st.frozensets(st.integers(0, 6), min_size=1)
# Prospect-typed text: words, spaces, a few harmless marks; sometimes blank.
text = st.one_of(
    st.none(),
    st.just("   "),
    st.text(
        st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMOPQRSTUVWXYZ-'&"), max_size=30
    ),
)
coach_settings = st.builds(
    CoachSettings,
    **{
        name: st.integers(low, high)
        for name, (low, high) in COACH_SETTING_LIMITS.items()
        if name not in ("contract_lead_days", "contract_term_days")
    },
    contract_lead_days=st.integers(0, 120),
    contract_term_days=st.integers(180, 730),
)


@st.composite
def prospects(draw: st.DrawFn, situation: Situation | None = None) -> ProspectFacts:
    created = draw(days)
    return ProspectFacts(
        name=draw(st.sampled_from(["Jane Doe", "Li", "", "  ", "Dr Ada Lovelace"])),
        company=draw(st.sampled_from(["Initech", "", "O'Brien & Sons"])),
        situation=situation or draw(st.sampled_from(list(Situation))),
        created_on=created,
        stated_reason=draw(text),
        competitor=draw(text),
        missing_feature=draw(text),
        contract_end=draw(st.none() | days),
        decision_date=draw(st.none() | days),
        proposal_sent_on=draw(st.none() | days),
        proposal_expires_on=draw(st.none() | days),
        referrer=draw(text),
        last_touch_on=draw(st.none() | days),
        sequence_step=draw(st.integers(0, 5)),
        nothing_new_streak=draw(st.integers(0, 3)),
        last_learned=draw(text),
        pending_event=draw(
            st.none()
            | st.builds(
                Event, st.sampled_from(list(EventKind)), st.sampled_from(["SSO", "X"]), days
            )
        ),
    )


def follow(p: ProspectFacts, t: coach.Transition) -> ProspectFacts:
    """The prospect as the store keeps it after a transition."""
    return t.applied_to(p)


def test_rule_coach_imports_no_slack_or_sqlalchemy() -> None:
    code = (
        "import sys, bot.coach; print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'slack_sdk', 'slack_bolt', 'sqlalchemy'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


@FAST
@given(
    p=prospects(),
    outcome=st.sampled_from(IN_ROTATION),
    today=days,
    work=workdays,
    s=coach_settings,
    pick=st.integers(0, 2),
    ahead=st.integers(1, 400),
)
def test_property_next_due_date_is_after_today_on_a_workday_for_every_outcome(
    p: ProspectFacts,
    outcome: Outcome,
    today: date,
    work: frozenset[int],
    s: CoachSettings,
    pick: int,
    ahead: int,
) -> None:
    choices = coach.tactics_for(p, [], today, s)
    tactic = choices[min(pick, len(choices) - 1)].tactic
    t = coach.apply_outcome(
        p,
        [],
        outcome=outcome,
        tactic_id=tactic.id,
        today=today,
        settings=s,
        workdays=work,
        learned="They hired a CFO",
        successor="Sam Lee",
        next_on=today + timedelta(days=ahead) if outcome is Outcome.SNOOZED else None,
    )
    assert t.status is ProspectStatus.DORMANT
    assert t.next_touch_on is not None and t.next_touch_on > today
    assert t.next_touch_on.weekday() in work


@FAST
@given(p=prospects(), today=days, work=workdays, s=coach_settings)
def test_property_first_due_is_never_before_today_and_on_a_workday(
    p: ProspectFacts, today: date, work: frozenset[int], s: CoachSettings
) -> None:
    due = coach.first_due(p, today, s, work)
    assert due >= today and due.weekday() in work


@FAST
@given(
    p=prospects(Situation.WENT_QUIET),
    s=coach_settings,
    keep_going=st.booleans(),
)
def test_property_went_quiet_never_answering_asks_at_the_final_notice_then_after_the_limit(
    p: ProspectFacts,
    s: CoachSettings,
    keep_going: bool,
) -> None:
    """Silence all the way (PLAYBOOK.md 3.1 and 3.3): the sequence runs to the final notice
    and only then asks, whatever the learn limit; kept going, the slow lane asks again after
    `unanswered_limit` more unanswered attempts, and never before."""
    p = dataclasses.replace(
        p, sequence_step=0, nothing_new_streak=0, unanswered_streak=0, pending_event=None
    )
    history: list[TouchFacts] = []
    today, prompts = TODAY, []
    for touch in range(1, 6 + s.unanswered_limit):
        tactic = coach.tactics_for(p, history, today, s)[0].tactic
        t = coach.apply_outcome(
            p,
            history,
            outcome=Outcome.NO_REPLY,
            tactic_id=tactic.id,
            today=today,
            settings=s,
            workdays=WEEKDAYS,
        )
        history.append(TouchFacts(tactic.id, Outcome.NO_REPLY, today))
        p = follow(p, t)
        assert p.nothing_new_streak == 0  # nobody answered: nothing to learn from
        today = t.next_touch_on or today
        if t.reevaluate is None:
            continue
        prompts.append((touch, tactic.id, t.reevaluate.reason))
        if not keep_going:
            break
        p = follow(
            p,
            coach.decide(
                p,
                history,
                decision=DecisionKind.KEEP_GOING,
                reason=None,
                today=today,
                settings=s,
                workdays=WEEKDAYS,
            ),
        )
    first_at, first_tactic, first_reason = prompts[0]
    assert first_tactic == "final_notice" and first_at <= 5
    assert first_reason in (WalkAwayReason.UNREACHABLE, WalkAwayReason.PROPOSAL_EXPIRED)
    if keep_going:  # each new streak asks once its limit is reached, not before
        gaps = [(b[0] - a[0], b[2]) for a, b in itertools.pairwise(prompts)]
        assert gaps and set(gaps) == {(s.unanswered_limit, WalkAwayReason.UNREACHABLE)}
    else:
        assert len(prompts) == 1


@settings(max_examples=60, deadline=None)
@given(
    p=prospects(),
    steps=st.lists(st.tuples(st.sampled_from(CONTACTS), st.integers(0, 2)), min_size=1, max_size=8),
)
def test_property_no_tactic_offered_twice_in_a_row_when_another_fits(
    p: ProspectFacts, steps: list[tuple[Outcome, int]]
) -> None:
    p = dataclasses.replace(p, status=ProspectStatus.DORMANT)
    history: list[TouchFacts] = []
    today = TODAY
    for outcome, pick in steps:
        choices = coach.tactics_for(p, history, today)
        assert 1 <= len(choices) <= 3
        ids = [c.tactic.id for c in choices]
        assert len(set(ids)) == len(ids)
        if history:
            assert history[-1].tactic_id not in ids, (history[-1], ids)
        tactic_id = ids[min(pick, len(ids) - 1)]
        t = coach.apply_outcome(
            p,
            history,
            outcome=outcome,
            tactic_id=tactic_id,
            today=today,
            learned="x",
            successor="Sam Lee",
        )
        history.append(TouchFacts(tactic_id, outcome, today, "x"))
        p = follow(p, t)
        assert t.next_touch_on is not None
        today = t.next_touch_on


def test_property_every_tactic_except_homework_is_reachable_from_some_situation() -> None:
    """Explore: each situation, with and without a referrer, expired proposal, contract date
    and event, through every outcome for a few touches; collect what the coach offers."""
    offered: set[str] = set()
    starts = []
    for situation in Situation:
        for event in (None, *(Event(k, "SSO", TODAY) for k in EventKind)):
            starts.append(
                ProspectFacts(
                    name="Jane",
                    company="Initech",
                    situation=situation,
                    created_on=TODAY,
                    referrer="Bob",
                    competitor="SSO",
                    missing_feature="SSO",
                    pending_event=event,
                    contract_end=TODAY + timedelta(days=400),
                )
            )
        starts.append(
            ProspectFacts(
                name="Jane",
                company="Initech",
                situation=situation,
                created_on=TODAY,
                proposal_sent_on=TODAY - timedelta(60),
            )
        )
    frontier = [(p, [], TODAY) for p in starts]
    for _depth in range(6):
        following = []
        for p, history, today in frontier:
            choices = coach.tactics_for(p, history, today)
            offered |= {c.tactic.id for c in choices}
            for outcome in (Outcome.NO_REPLY, Outcome.LEARNED, Outcome.CONTACT_LEFT):
                tactic_id = choices[0].tactic.id
                t = coach.apply_outcome(
                    p,
                    history,
                    outcome=outcome,
                    tactic_id=tactic_id,
                    today=today,
                    learned="x",
                    successor="Sam",
                )
                following.append(
                    (
                        follow(p, t),
                        [*history, TouchFacts(tactic_id, outcome, today)],
                        t.next_touch_on or today,
                    )
                )
        frontier = following[:400]
    assert offered == set(coach.TACTICS) - {"homework"}


BROKEN = ("{", "}", "[", "]", "None", "  ", " .", " ,", " :", "..", ",,")


@settings(max_examples=200, deadline=None)
@given(p=prospects(), today=days, s=coach_settings)
def test_property_every_talk_track_renders_with_any_combination_of_missing_fields(
    p: ProspectFacts, today: date, s: CoachSettings
) -> None:
    for tactic in coach.TACTICS.values():
        for template in (tactic.talk_track, tactic.what_to_do):
            out = render(template, p, today=today, settings=s)
            assert out.strip() and out == out.strip()
            for bad in BROKEN:
                assert bad not in out, (tactic.id, bad, out)
            assert "\n\n\n" not in out


@FAST
@given(
    p=prospects(),
    history=st.lists(
        st.builds(
            TouchFacts,
            st.sampled_from(sorted(set(coach.TACTICS) - {"homework"})),
            st.sampled_from(list(Outcome)),
            days,
            text,
        ),
        max_size=6,
    ),
    today=days,
    s=coach_settings,
)
def test_property_every_prospect_gets_one_to_three_tactics_and_a_reason(
    p: ProspectFacts, history: list[TouchFacts], today: date, s: CoachSettings
) -> None:
    history.sort(key=lambda t: t.on)
    choices = coach.tactics_for(p, history, today, s)
    assert 1 <= len(choices) <= 3
    for choice in choices:
        assert choice.reason.strip() and "None" not in choice.reason
        assert choice.tactic.id != "homework"
    why = coach.due_reason(p, history, today, s)
    assert why.strip() and "None" not in why
