"""The rules of PLAYBOOK.md section 3, the settings that tune them, and the coach's purity."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import coach
from bot.coach.dates import renewal_window_start
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
COACH_MODULES = sorted((ROOT / "bot" / "coach").glob("*.py"))
TODAY = date(2026, 3, 2)  # a Monday
S = CoachSettings()


def prospect(situation: Situation = Situation.SAID_NO, **fields: object) -> ProspectFacts:
    values: dict[str, object] = {"name": "Jane Doe", "company": "Initech", "created_on": TODAY}
    values.update(fields)
    return ProspectFacts(situation=situation, **values)  # type: ignore[arg-type]


def log(
    p: ProspectFacts,
    history: list[TouchFacts],
    outcome: Outcome,
    tactic_id: str,
    today: date = TODAY,
    settings: CoachSettings = S,
    **extra: object,
) -> tuple[ProspectFacts, list[TouchFacts], coach.Transition]:
    t = coach.apply_outcome(
        p,
        history,
        outcome=outcome,
        tactic_id=tactic_id,
        today=today,
        settings=settings,
        workdays=WEEKDAYS,
        **extra,
    )  # type: ignore[arg-type]
    after = t.applied_to(p)
    touch = TouchFacts(tactic_id, outcome, today, extra.get("learned"))  # type: ignore[arg-type]
    return after, [*history, touch], t


# ---- purity -------------------------------------------------------------------------------


def test_rule_coach_imports_no_slack_or_sqlalchemy() -> None:
    code = (
        "import sys, bot.coach; print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'slack_sdk', 'slack_bolt', 'sqlalchemy'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


def test_rule_coach_modules_import_only_the_standard_library_and_pure_bot_modules() -> None:
    allowed_bot = {"bot.domain", "bot.errors"} | {
        f"bot.coach.{path.stem}" for path in COACH_MODULES
    }
    for path in COACH_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names or name in allowed_bot, (
                    f"{path.name} imports {name}"
                )


def test_rule_time_is_a_parameter_no_clock_inside_the_coach() -> None:
    for path in COACH_MODULES:
        source = path.read_text(encoding="utf-8")
        for forbidden in ("date.today(", "datetime.now(", "utcnow(", "time.time("):
            assert forbidden not in source, f"{path.name} reads the clock: {forbidden}"


# ---- rule 1: learn something new every contact ----------------------------------------------


def test_rule_learn_something_new_prompts_reevaluation_after_two_blank_contacts() -> None:
    p, h, first = log(prospect(), [], Outcome.NOTHING_NEW, "new_ideas")
    assert first.reevaluate is None and first.nothing_new_streak == 1
    p, h, second = log(p, h, Outcome.NOTHING_NEW, "be_a_resource", TODAY + timedelta(30))
    review = second.reevaluate
    assert review is not None and review.reason is WalkAwayReason.NOTHING_LEARNED
    assert review.tried == ("new_ideas", "be_a_resource") and review.nothing_new_count == 2
    # "Keep going" means a different tactic: one not tried in the blank run.
    assert review.next_tactic is not None and review.next_tactic.id not in review.tried


def test_rule_learn_something_new_a_no_reply_never_counts_toward_the_learn_streak() -> None:
    # Playbook rule 1: the learn streak counts conversations; nobody answered, nothing to learn.
    p, h, _ = log(prospect(), [], Outcome.NO_REPLY, "new_ideas")
    p, h, t = log(p, h, Outcome.NOTHING_NEW, "be_a_resource", TODAY + timedelta(7))
    assert t.reevaluate is None and (t.nothing_new_streak, t.unanswered_streak) == (1, 0)
    # A no-reply between two blank conversations neither counts nor breaks the streak.
    p, h, t = log(p, h, Outcome.NO_REPLY, "measurable_results", TODAY + timedelta(40))
    assert t.reevaluate is None and (t.nothing_new_streak, t.unanswered_streak) == (1, 1)
    _, _, t = log(p, h, Outcome.NOTHING_NEW, "new_ideas", TODAY + timedelta(50))
    assert t.reevaluate is not None and t.reevaluate.reason is WalkAwayReason.NOTHING_LEARNED
    assert t.nothing_new_streak == 2 and t.reevaluate.tried == ("be_a_resource", "new_ideas")


def test_rule_learn_something_new_learning_resets_the_streak() -> None:
    p, h, _ = log(prospect(), [], Outcome.NO_REPLY, "new_ideas")
    p, h, t = log(p, h, Outcome.LEARNED, "be_a_resource", TODAY + timedelta(7), learned="x")
    assert t.nothing_new_streak == 0
    _, _, t = log(p, h, Outcome.NOTHING_NEW, "measurable_results", TODAY + timedelta(40))
    assert t.reevaluate is None and t.nothing_new_streak == 1


def test_rule_learn_something_new_limit_is_a_workspace_setting() -> None:
    three = CoachSettings(nothing_new_limit=3)
    p, h = prospect(), []
    for day, tactic in enumerate(("new_ideas", "be_a_resource", "measurable_results")):
        p, h, t = log(p, h, Outcome.NOTHING_NEW, tactic, TODAY + timedelta(day), three)
        assert (t.reevaluate is not None) is (day == 2)


def test_rule_learn_something_new_the_answer_is_a_recorded_decision() -> None:
    p = prospect(nothing_new_streak=2, open_decision=WalkAwayReason.NOTHING_LEARNED)
    history = [
        TouchFacts("new_ideas", Outcome.NOTHING_NEW, TODAY - timedelta(30)),
        TouchFacts("be_a_resource", Outcome.NOTHING_NEW, TODAY),
    ]
    review = coach.open_reevaluation(p, history, TODAY)
    assert review is not None and "walk away or keep going" in coach.due_reason(p, history, TODAY)
    kept = coach.decide(
        p,
        history,
        decision=DecisionKind.KEEP_GOING,
        reason=None,
        today=TODAY,
        settings=S,
        workdays=WEEKDAYS,
    )
    fresh = kept.applied_to(p)
    assert fresh.open_decision is None and fresh.nothing_new_streak == 0
    assert coach.open_reevaluation(fresh, history, TODAY) is None
    assert coach.tactics_for(fresh, history, TODAY)[0].tactic.id == review.next_tactic.id  # type: ignore[union-attr]


# ---- rule 2: walk away on purpose -------------------------------------------------------------


@pytest.mark.parametrize("reason", list(WalkAwayReason))
def test_rule_walk_away_on_purpose_with_any_of_the_seven_reasons(reason: WalkAwayReason) -> None:
    t = coach.decide(
        prospect(),
        [],
        decision=DecisionKind.WALK_AWAY,
        reason=reason,
        today=TODAY,
        settings=S,
        workdays=WEEKDAYS,
    )
    assert t.status is ProspectStatus.WALKED_AWAY and t.next_touch_on is None


def test_rule_walk_away_reasons_are_the_seven_of_the_playbook() -> None:
    # What a rep can pick when walking away, and how each reads afterwards.
    from bot.blocks.prospect_modals import walk_reason_input
    from bot.blocks.walk_reasons import SHORT

    offered = {o["value"] for o in walk_reason_input()["element"]["options"]}
    assert offered == {
        "nothing_learned", "proposal_expired", "said_no_final", "unreachable", "not_a_fit",
        "do_not_contact", "other",
    }  # fmt: skip
    assert {reason.value for reason in SHORT} == offered


def test_rule_walk_away_dormant_not_dead_only_a_matching_event_brings_it_back() -> None:
    p = prospect(
        Situation.MISSING_FEATURE, missing_feature="SSO", status=ProspectStatus.WALKED_AWAY
    )
    assert coach.open_reevaluation(p, [], TODAY) is None
    assert not coach.matches_event(p, Event(EventKind.FEATURE_SHIPPED, "SAML", TODAY))
    event = Event(EventKind.FEATURE_SHIPPED, "s.s.o", TODAY)
    t = coach.resurface(p, event, TODAY, WEEKDAYS)
    back = dataclasses.replace(p, status=t.status, pending_event=t.pending_event)
    assert t.next_touch_on == TODAY
    assert coach.tactics_for(back, [], TODAY)[0].tactic.id == "feature_now_available"
    assert coach.due_reason(back, [], TODAY) == "s.s.o shipped"


# ---- rule 3: proposals expire -------------------------------------------------------------------


def test_rule_proposals_expire_30_days_after_sending_unless_a_date_is_given() -> None:
    sent = prospect(proposal_sent_on=date(2026, 1, 1))
    assert coach.proposal_expiry(sent, S) == date(2026, 1, 31)
    assert coach.proposal_expiry(sent, CoachSettings(proposal_valid_days=45)) == date(2026, 2, 15)
    dated = prospect(proposal_sent_on=date(2026, 1, 1), proposal_expires_on=date(2026, 5, 1))
    assert coach.proposal_expiry(dated, S) == date(2026, 5, 1)
    assert coach.proposal_expiry(prospect(), S) is None


def test_rule_proposal_expired_and_still_silent_next_step_is_final_notice() -> None:
    p = prospect(Situation.WENT_QUIET, proposal_expires_on=date(2026, 2, 27), sequence_step=1)
    history = [TouchFacts("no_pressure", Outcome.NO_REPLY, date(2026, 2, 26))]
    choices = coach.tactics_for(p, history, TODAY)
    assert [c.tactic.id for c in choices] == ["final_notice"]
    assert "February 27" in choices[0].reason
    assert coach.due_reason(p, history, TODAY) == "proposal expired on February 27"


def test_rule_proposal_still_valid_the_sequence_goes_on() -> None:
    p = prospect(Situation.WENT_QUIET, proposal_expires_on=TODAY, sequence_step=1)
    history = [TouchFacts("no_pressure", Outcome.NO_REPLY, date(2026, 2, 26))]
    assert coach.tactics_for(p, history, TODAY)[0].tactic.id == "voicemail_email"


def test_rule_proposal_expired_after_final_notice_prompts_walk_away() -> None:
    p = prospect(Situation.WENT_QUIET, proposal_sent_on=date(2026, 1, 1))
    _, _, t = log(p, [], Outcome.NO_REPLY, "final_notice")
    assert t.reevaluate is not None
    assert t.reevaluate.reason is WalkAwayReason.PROPOSAL_EXPIRED
    assert t.reevaluate.tried == ("final_notice",)


def test_rule_proposal_answered_after_final_notice_no_walk_away_prompt() -> None:
    p = prospect(Situation.WENT_QUIET, proposal_sent_on=date(2026, 1, 1))
    _, _, t = log(p, [], Outcome.LEARNED, "final_notice", learned="Signed elsewhere? No: delayed")
    assert t.reevaluate is None


# ---- rule 4: purpose over touching base ---------------------------------------------------------


@pytest.mark.parametrize("situation", list(Situation))
def test_rule_purpose_over_touching_base_every_reminder_names_tactic_and_reason(
    situation: Situation,
) -> None:
    p = prospect(situation)
    choices = coach.tactics_for(p, [], TODAY)
    assert 1 <= len(choices) <= 3
    for choice in choices:
        assert choice.tactic.id in coach.TACTICS and choice.tactic is not coach.HOMEWORK
        assert choice.reason.strip() and "None" not in choice.reason
    why = coach.due_reason(p, [], TODAY)
    assert why and "follow up" not in why.lower() and "None" not in why
    assert "follow_up" not in coach.TACTICS


@pytest.mark.parametrize(
    ("p", "history", "today", "expected"),
    [
        (
            prospect(
                Situation.COMPETITOR_CONTRACT, competitor="Initech", contract_end=date(2026, 5, 29)
            ),
            [],
            TODAY,
            "contract with Initech ends in 88 days",
        ),
        (
            prospect(Situation.WENT_QUIET, proposal_expires_on=date(2026, 3, 3)),
            [],
            date(2026, 3, 9),
            "proposal expired on March 3",
        ),
        (
            prospect(
                Situation.MISSING_FEATURE,
                pending_event=Event(EventKind.FEATURE_SHIPPED, "Reporting API", TODAY),
            ),
            [],
            TODAY,
            "Reporting API shipped",
        ),
        (
            prospect(
                Situation.CHOSE_COMPETITOR,
                competitor="Globex",
                pending_event=Event(EventKind.COMPETITOR_NEWS, "Globex", TODAY),
            ),
            [],
            TODAY,
            "news about Globex",
        ),
        (
            prospect(Situation.SAID_NO, stated_reason="budget", decision_date=date(2026, 1, 31)),
            [],
            TODAY,
            "4 weeks since they said no (they said: budget)",
        ),
        (
            prospect(Situation.BIG_COMPANY, last_touch_on=date(2025, 12, 1)),
            [],
            TODAY,
            "quarterly check-in: 3 months since the last contact",
        ),
        (
            prospect(Situation.UNHAPPY_WITH_PROVIDER),
            [TouchFacts("periodic_checkin", Outcome.NO_REPLY, date(2026, 2, 23))],
            TODAY,
            "no answer since February 23: try again",
        ),
    ],
)
def test_rule_purpose_over_touching_base_due_reason_says_why_today(
    p: ProspectFacts, history: list[TouchFacts], today: date, expected: str
) -> None:
    assert coach.due_reason(p, history, today) == expected


# ---- rule 5 and events: the outcome decides, events come first ---------------------------


def test_rule_event_puts_its_tactic_first() -> None:
    news = Event(EventKind.COMPETITOR_NEWS, "Globex", TODAY)
    for situation in Situation:
        p = prospect(situation, competitor="Globex", pending_event=news)
        choices = coach.tactics_for(p, [], TODAY)
        assert choices[0].tactic.id == "competitor_trouble" and len(choices) <= 3
        assert "never gossip" in choices[0].reason
    assert (
        coach.first_due(
            prospect(Situation.UNHAPPY_WITH_PROVIDER, pending_event=news), TODAY, S, WEEKDAYS
        )
        == TODAY
    )


def test_rule_due_dates_fall_on_the_reps_workdays() -> None:
    sunday_to_thursday = frozenset({6, 0, 1, 2, 3})
    p = prospect(Situation.WENT_QUIET)
    thursday = date(2026, 3, 5)
    t = coach.apply_outcome(
        p,
        [],
        outcome=Outcome.NO_REPLY,
        tactic_id="no_pressure",
        today=thursday,
        settings=S,
        workdays=sunday_to_thursday,
    )
    assert t.next_touch_on == date(2026, 3, 9)  # Monday, 4 days later, is a workday
    friday = date(2026, 3, 6)
    assert coach.first_due(p, friday, S, sunday_to_thursday) == date(2026, 3, 8)  # Sunday


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 2)),  # Monday: itself
        (date(2026, 3, 6), date(2026, 3, 6)),  # Friday
        (date(2026, 3, 7), date(2026, 3, 9)),  # Saturday → Monday
        (date(2026, 3, 8), date(2026, 3, 9)),  # Sunday → Monday
    ],
)
def test_rule_next_workday_is_the_day_itself_or_the_next_working_one(
    day: date, expected: date
) -> None:
    assert coach.next_workday(day, WEEKDAYS) == expected


def test_rule_next_workday_needs_at_least_one_workday() -> None:
    with pytest.raises(ValueError, match="workdays"):
        coach.next_workday(TODAY, frozenset())
    with pytest.raises(ValueError, match="workdays"):
        coach.next_workday(TODAY, frozenset({7}))


# ---- workspace settings -------------------------------------------------------------------------


def test_settings_defaults_are_the_playbooks() -> None:
    s = CoachSettings()
    assert (s.nothing_new_limit, s.proposal_valid_days, s.contract_lead_days) == (2, 30, 90)
    assert (s.chose_competitor_wait_days, s.unhappy_cadence_days) == (42, 150)  # 6 wk, 5 mo
    assert (s.big_company_cadence_days, s.said_no_cadence_days) == (91, 30)
    assert set(COACH_SETTING_LIMITS) == {f.name for f in dataclasses.fields(CoachSettings)}


@pytest.mark.parametrize("name", sorted(COACH_SETTING_LIMITS))
def test_settings_out_of_range_values_are_refused_naming_the_knob(name: str) -> None:
    low, high = COACH_SETTING_LIMITS[name]
    for bad in (low - 1, high + 1):
        with pytest.raises(ValueError, match=name):
            CoachSettings(**{name: bad})
    with pytest.raises(ValueError, match=name):
        CoachSettings(**{name: True})
    with pytest.raises(ValueError, match=name):
        CoachSettings(**{name: "30"})  # type: ignore[arg-type]


def test_settings_no_negative_lead_time_and_lead_shorter_than_the_term() -> None:
    with pytest.raises(ValueError, match="contract_lead_days must be between 0 and 365"):
        CoachSettings(contract_lead_days=-5)
    # Zero is allowed and means "call on the day the contract ends".
    end = date(2027, 3, 1)
    assert renewal_window_start(end, CoachSettings(contract_lead_days=0)) == end
    with pytest.raises(ValueError, match="shorter than contract_term_days"):
        CoachSettings(contract_lead_days=200, contract_term_days=180)


def test_rule_importing_the_coach_loads_no_slack_and_no_database() -> None:
    # A fresh interpreter: this test process has long since imported everything.
    probe = (
        "import sys, bot.coach\n"
        "heavy = sorted(m for m in sys.modules\n"
        "               if m.split('.')[0] in {'slack_bolt', 'slack_sdk', 'sqlalchemy', 'store'})\n"
        "print(','.join(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
