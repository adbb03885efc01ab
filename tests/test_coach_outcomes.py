"""Every outcome, decision and event transition (PLAYBOOK.md section 3, rules 2 and 5)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import coach
from bot.domain import (
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
TODAY = date(2026, 3, 2)  # a Monday
S = CoachSettings()


def prospect(situation: Situation = Situation.SAID_NO, **fields: object) -> ProspectFacts:
    values: dict[str, object] = {"name": "Jane Doe", "company": "Initech", "created_on": TODAY}
    values.update(fields)
    return ProspectFacts(situation=situation, **values)  # type: ignore[arg-type]


def apply(
    p: ProspectFacts,
    outcome: Outcome,
    tactic_id: str = "new_ideas",
    history: list[TouchFacts] | None = None,
    **extra: object,
) -> coach.Transition:
    return coach.apply_outcome(
        p,
        history or [],
        outcome=outcome,
        tactic_id=tactic_id,
        today=TODAY,
        settings=S,
        workdays=WEEKDAYS,
        **extra,  # type: ignore[arg-type]
    )


def test_rule_coach_imports_no_slack_or_sqlalchemy() -> None:
    code = (
        "import sys, bot.coach; print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'slack_sdk', 'slack_bolt', 'sqlalchemy'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


# ---- the table: one row per outcome -------------------------------------------------------

# outcome, extra arguments, status, days to the next touch (None: out of rotation), and the
# learn streak after a streak of 1 — a said_no prospect (30-day cadence) used as the example.
# A no-reply leaves the learn streak alone: nobody answered (it counts toward the other one).
OUTCOME_TABLE = [
    (Outcome.LEARNED, {"learned": "New CFO"}, ProspectStatus.DORMANT, 30, 0),
    (Outcome.NOTHING_NEW, {}, ProspectStatus.DORMANT, 30, 2),
    (Outcome.NO_REPLY, {}, ProspectStatus.DORMANT, 7, 1),
    (Outcome.NOT_NOW, {}, ProspectStatus.DORMANT, 91, 2),  # 90 days is a Sunday
    (Outcome.NOT_NOW, {"learned": "Budget frozen until Q3"}, ProspectStatus.DORMANT, 91, 0),
    (Outcome.RE_ENGAGED, {}, ProspectStatus.REVIVED, None, 0),
    (Outcome.WON, {}, ProspectStatus.WON, None, 0),
    (Outcome.CONTACT_LEFT, {"successor": "Sam Lee"}, ProspectStatus.DORMANT, 4, 0),
    (Outcome.WALKED_AWAY, {}, ProspectStatus.WALKED_AWAY, None, 1),
    (Outcome.SNOOZED, {"next_on": date(2026, 3, 20)}, ProspectStatus.DORMANT, 18, 1),
]


@pytest.mark.parametrize(
    ("outcome", "extra", "status", "in_days", "streak"),
    OUTCOME_TABLE,
    ids=[f"{row[0].value}{'+text' if 'learned' in row[1] else ''}" for row in OUTCOME_TABLE],
)
def test_rule_outcomes_close_the_loop_each_outcome_sets_status_date_and_streak(
    outcome: Outcome,
    extra: dict[str, object],
    status: ProspectStatus,
    in_days: int | None,
    streak: int,
) -> None:
    t = apply(prospect(nothing_new_streak=1), outcome, **extra)
    assert t.status is status
    assert t.next_touch_on == (None if in_days is None else TODAY + timedelta(days=in_days))
    assert t.nothing_new_streak == streak


def test_outcome_learned_records_the_fact_and_resets_the_streak() -> None:
    t = apply(
        prospect(nothing_new_streak=1, last_learned="old"),
        Outcome.LEARNED,
        learned="  They merged with Hooli  ",
    )
    assert t.last_learned == "They merged with Hooli" and t.nothing_new_streak == 0
    assert t.reevaluate is None and t.last_touch_on == TODAY


def test_outcome_learned_needs_the_text() -> None:
    with pytest.raises(ValueError, match="What did you learn"):
        apply(prospect(), Outcome.LEARNED, learned="   ")


def test_outcome_nothing_new_keeps_the_cadence_and_counts_the_blank() -> None:
    t = apply(
        prospect(Situation.BIG_COMPANY),
        Outcome.NOTHING_NEW,
        "land_a_slice",
        learned="ignored: the outcome says nothing was learned",
    )
    assert t.next_touch_on == TODAY + timedelta(days=91)
    assert t.nothing_new_streak == 1 and t.last_learned is None


def test_outcome_no_reply_moves_went_quiet_to_the_next_step_soon() -> None:
    t = apply(prospect(Situation.WENT_QUIET), Outcome.NO_REPLY, "no_pressure")
    assert t.sequence_step == 1 and t.next_touch_on == TODAY + timedelta(days=4)


def test_outcome_not_now_pushes_the_prospect_out() -> None:
    t = apply(prospect(Situation.UNHAPPY_WITH_PROVIDER), Outcome.NOT_NOW, "periodic_checkin")
    assert t.next_touch_on == TODAY + timedelta(days=150)  # the later of push and cadence
    t = apply(prospect(Situation.WENT_QUIET), Outcome.NOT_NOW, "real_reason")
    assert t.next_touch_on == date(2026, 6, 1)  # 90 days (a Sunday) → Monday


def test_outcome_not_now_inside_a_renewal_window_aims_for_the_next_renewal() -> None:
    p = prospect(Situation.COMPETITOR_CONTRACT, contract_end=TODAY + timedelta(days=60))
    t = apply(p, Outcome.NOT_NOW, "before_renewal")
    assert t.next_touch_on == coach.next_workday(TODAY + timedelta(days=60 + 365 - 90), WEEKDAYS)


@pytest.mark.parametrize("outcome", [Outcome.RE_ENGAGED, Outcome.WON])
def test_outcome_re_engaged_or_won_leaves_the_dormant_list(outcome: Outcome) -> None:
    event = Event(EventKind.COMPETITOR_NEWS, "Globex", TODAY)
    t = apply(prospect(pending_event=event, nothing_new_streak=1), outcome, learned="Demo booked")
    assert t.next_touch_on is None and t.status is not ProspectStatus.DORMANT
    assert t.clear_event and t.nothing_new_streak == 0 and t.last_learned == "Demo booked"


def test_outcome_contact_left_records_the_successor_and_counts_as_learned() -> None:
    p = prospect(Situation.WENT_QUIET, sequence_step=2, nothing_new_streak=1)
    t = apply(p, Outcome.CONTACT_LEFT, "voicemail_email", successor="Sam Lee")
    assert t.new_contact_name == "Sam Lee" and t.nothing_new_streak == 0
    assert t.sequence_step == 0  # the successor never went quiet on us
    assert t.last_learned == "Jane Doe left; Sam Lee took over"


def test_outcome_contact_left_takes_the_successor_from_the_text_when_that_is_all() -> None:
    t = apply(prospect(), Outcome.CONTACT_LEFT, learned="Sam Lee")
    assert t.new_contact_name == "Sam Lee"
    with pytest.raises(ValueError, match="successor"):
        apply(prospect(), Outcome.CONTACT_LEFT)


def test_outcome_snoozed_moves_only_the_date_to_the_chosen_workday() -> None:
    p = prospect(sequence_step=3, nothing_new_streak=1, last_touch_on=date(2026, 2, 1))
    t = apply(p, Outcome.SNOOZED, next_on=date(2026, 3, 21))  # a Saturday
    assert t.next_touch_on == date(2026, 3, 23)
    assert (t.sequence_step, t.nothing_new_streak, t.last_touch_on) == (3, 1, date(2026, 2, 1))
    with pytest.raises(ValueError, match="bring it back"):
        apply(p, Outcome.SNOOZED)


def test_outcome_walked_away_takes_it_out_of_rotation() -> None:
    t = apply(prospect(), Outcome.WALKED_AWAY)
    assert t.status is ProspectStatus.WALKED_AWAY and t.next_touch_on is None


def test_outcome_next_date_given_by_the_rep_overrides_the_coach() -> None:
    t = apply(prospect(), Outcome.LEARNED, learned="x", next_on=date(2026, 3, 14))  # Saturday
    assert t.next_touch_on == date(2026, 3, 16)
    for bad in (TODAY, TODAY - timedelta(days=1)):
        with pytest.raises(ValueError, match="after today"):
            apply(prospect(), Outcome.LEARNED, learned="x", next_on=bad)


def test_outcome_any_logged_touch_resets_the_clock() -> None:
    overdue = prospect(
        next_touch_on=TODAY - timedelta(days=40), last_touch_on=TODAY - timedelta(days=70)
    )
    t = apply(overdue, Outcome.NOTHING_NEW)
    assert t.next_touch_on == TODAY + timedelta(days=30) and t.last_touch_on == TODAY


def test_outcome_refuses_an_unknown_tactic_and_homework() -> None:
    with pytest.raises(ValueError, match="Unknown tactic"):
        apply(prospect(), Outcome.LEARNED, "follow_up", learned="x")
    with pytest.raises(ValueError, match="Homework"):
        apply(prospect(), Outcome.LEARNED, "homework", learned="x")


def test_outcome_errors_are_user_errors_for_the_slack_layer() -> None:
    from bot.errors import UserError

    with pytest.raises(UserError):
        apply(prospect(), Outcome.SNOOZED)


def test_outcome_with_the_event_tactic_clears_the_event_and_follows_up_soon() -> None:
    event = Event(EventKind.FEATURE_SHIPPED, "SSO", TODAY)
    p = prospect(Situation.MISSING_FEATURE, missing_feature="SSO", pending_event=event)
    t = apply(p, Outcome.LEARNED, "feature_now_available", learned="Trial next month")
    assert t.clear_event and t.next_touch_on == TODAY + timedelta(days=14)
    other = apply(p, Outcome.LEARNED, "be_a_resource", learned="x")
    assert not other.clear_event  # the news call is still owed


# ---- decisions ----------------------------------------------------------------------------


def test_decision_walk_away_needs_a_reason_and_archives() -> None:
    p = prospect(nothing_new_streak=2, next_touch_on=TODAY + timedelta(days=30))
    with pytest.raises(ValueError, match="why"):
        coach.decide(
            p,
            [],
            decision=DecisionKind.WALK_AWAY,
            reason=None,
            today=TODAY,
            settings=S,
            workdays=WEEKDAYS,
        )
    t = coach.decide(
        p,
        [],
        decision=DecisionKind.WALK_AWAY,
        reason=WalkAwayReason.NOT_A_FIT,
        today=TODAY,
        settings=S,
        workdays=WEEKDAYS,
    )
    assert t.status is ProspectStatus.WALKED_AWAY and t.next_touch_on is None
    assert t.clear_event and t.reevaluate is None


def test_decision_keep_going_resets_the_streak_soon_with_a_different_tactic() -> None:
    history = [
        TouchFacts("new_ideas", Outcome.NOTHING_NEW, TODAY - timedelta(days=30)),
        TouchFacts("be_a_resource", Outcome.NO_REPLY, TODAY),
    ]
    p = prospect(nothing_new_streak=2, next_touch_on=TODAY + timedelta(days=7), sequence_step=0)
    t = coach.decide(
        p,
        history,
        decision=DecisionKind.KEEP_GOING,
        reason=None,
        today=TODAY,
        settings=S,
        workdays=WEEKDAYS,
    )
    assert t.status is ProspectStatus.DORMANT and t.nothing_new_streak == 0
    assert t.next_touch_on == TODAY + timedelta(days=7)
    after = replace(p, nothing_new_streak=t.nothing_new_streak, next_touch_on=t.next_touch_on)
    offered = [c.tactic.id for c in coach.tactics_for(after, history, TODAY)]
    assert "be_a_resource" not in offered


def test_decision_keep_going_never_later_than_the_planned_date() -> None:
    p = prospect(Situation.WENT_QUIET, nothing_new_streak=2, next_touch_on=TODAY + timedelta(1))
    t = coach.decide(
        p,
        [],
        decision=DecisionKind.KEEP_GOING,
        reason=None,
        today=TODAY,
        settings=S,
        workdays=WEEKDAYS,
    )
    assert t.next_touch_on == TODAY + timedelta(days=1)


# ---- events -------------------------------------------------------------------------------

SHIPPED = Event(EventKind.FEATURE_SHIPPED, "Reporting-API", TODAY)
NEWS = Event(EventKind.COMPETITOR_NEWS, "Globex Corp.", TODAY)


@pytest.mark.parametrize(
    ("fields", "event", "matches"),
    [
        ({"missing_feature": "reporting api"}, SHIPPED, True),
        ({"missing_feature": "ReportingAPI"}, SHIPPED, True),
        ({"missing_feature": "Reporting API v2"}, SHIPPED, False),
        ({"missing_feature": None}, SHIPPED, False),
        ({"competitor": "globex corp"}, NEWS, True),
        ({"competitor": "GLOBEX-CORP"}, NEWS, True),
        ({"competitor": "Initrode"}, NEWS, False),
        ({"missing_feature": "Globex Corp"}, NEWS, False),  # news is about competitors
        ({"competitor": "globex corp", "status": ProspectStatus.WALKED_AWAY}, NEWS, True),
        ({"competitor": "globex corp", "status": ProspectStatus.WON}, NEWS, False),
        ({"competitor": "globex corp", "status": ProspectStatus.REVIVED}, NEWS, False),
        ({"competitor": "--"}, Event(EventKind.COMPETITOR_NEWS, "!!", TODAY), False),
    ],
)
def test_rule_events_match_case_and_punctuation_insensitively(
    fields: dict[str, object], event: Event, matches: bool
) -> None:
    assert coach.matches_event(prospect(**fields), event) is matches


def test_rule_walked_away_prospect_resurfaces_on_a_matching_event() -> None:
    p = prospect(
        Situation.CHOSE_COMPETITOR,
        competitor="Globex Corp",
        status=ProspectStatus.WALKED_AWAY,
        nothing_new_streak=2,
    )
    saturday = date(2026, 3, 7)
    t = coach.resurface(p, NEWS, saturday, WEEKDAYS)
    assert t.status is ProspectStatus.DORMANT and t.next_touch_on == date(2026, 3, 9)
    assert t.pending_event == NEWS and t.nothing_new_streak == 0 and not t.clear_event
    with pytest.raises(ValueError):
        coach.resurface(prospect(competitor="Initrode"), NEWS, TODAY, WEEKDAYS)
