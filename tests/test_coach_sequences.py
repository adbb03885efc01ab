"""Every situation's sequence, from the first touch to its end (PLAYBOOK.md sections 1 and 2)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
    Situation,
    TouchFacts,
)

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 3, 2)  # a Monday
QUIET_ONLY = CoachSettings(nothing_new_limit=10)  # isolates the sequence from rule 1


def prospect(situation: Situation, **fields: object) -> ProspectFacts:
    values: dict[str, object] = {"name": "Jane Doe", "company": "Initech", "created_on": TODAY}
    values.update(fields)
    return ProspectFacts(situation=situation, **values)  # type: ignore[arg-type]


@dataclass
class Walk:
    """A prospect driven through the coach as the store would: each transition applied."""

    facts: ProspectFacts
    settings: CoachSettings = field(default_factory=CoachSettings)
    workdays: frozenset[int] = WEEKDAYS
    history: list[TouchFacts] = field(default_factory=list)
    today: date = TODAY
    used: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    last: coach.Transition | None = None

    def offered(self) -> list[str]:
        return [
            c.tactic.id
            for c in coach.tactics_for(self.facts, self.history, self.today, self.settings)
        ]

    def touch(self, outcome: Outcome, tactic_id: str | None = None, **extra: object) -> None:
        tactic_id = tactic_id or self.offered()[0]
        t = coach.apply_outcome(
            self.facts,
            self.history,
            outcome=outcome,
            tactic_id=tactic_id,
            today=self.today,
            settings=self.settings,
            workdays=self.workdays,
            **extra,  # type: ignore[arg-type]
        )
        self.used.append(tactic_id)
        self.dates.append(self.today)
        self.history.append(TouchFacts(tactic_id, outcome, self.today, extra.get("learned")))  # type: ignore[arg-type]
        self._apply(t)

    def decide(self, decision: DecisionKind) -> None:
        self._apply(
            coach.decide(
                self.facts,
                self.history,
                decision=decision,
                reason=None,
                today=self.today,
                settings=self.settings,
                workdays=self.workdays,
            )
        )

    def _apply(self, t: coach.Transition) -> None:
        self.last = t
        self.facts = t.applied_to(self.facts)
        if t.next_touch_on:
            self.today = t.next_touch_on


def gaps(dates: Sequence[date]) -> list[int]:
    return [(b - a).days for a, b in itertools.pairwise(dates)]


def test_rule_coach_imports_no_slack_or_sqlalchemy() -> None:
    code = (
        "import sys, bot.coach; print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'slack_sdk', 'slack_bolt', 'sqlalchemy'}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


# ---- went_quiet -------------------------------------------------------------------------


def test_situation_went_quiet_walks_the_five_steps_then_prompts_walk_away() -> None:
    # Default settings: unanswered steps never count toward the learn rule (PLAYBOOK.md 3.1),
    # so nothing asks before the final notice.
    walk = Walk(prospect(Situation.WENT_QUIET, referrer="Bob Smith"))
    for step in range(5):
        assert len(walk.offered()) == 1  # a strict sequence: one step at a time
        walk.touch(Outcome.NO_REPLY)
        assert walk.last is not None and (walk.last.reevaluate is None) is (step < 4)
    assert walk.used == [
        "no_pressure", "voicemail_email", "did_i_offend", "copy_referrer", "final_notice",
    ]  # fmt: skip
    assert gaps(walk.dates) == [4, 4, 6, 4]  # 4 days apart; a Saturday moves to Monday
    assert all(d.weekday() < 5 for d in walk.dates)
    assert walk.last is not None and walk.last.reevaluate is not None
    assert walk.last.reevaluate.reason.value == "unreachable"  # no proposal was sent
    assert walk.facts.nothing_new_streak == 0 and walk.facts.unanswered_streak == 5
    assert walk.last.reevaluate.tried == tuple(walk.used)
    assert walk.last.reevaluate.next_tactic is not None


def test_situation_went_quiet_offers_copy_referrer_only_when_a_referrer_is_known() -> None:
    walk = Walk(prospect(Situation.WENT_QUIET), settings=QUIET_ONLY)
    for _ in range(4):
        walk.touch(Outcome.NO_REPLY)
    assert walk.used == ["no_pressure", "voicemail_email", "did_i_offend", "final_notice"]
    assert walk.last is not None and walk.last.reevaluate is not None


def test_situation_went_quiet_due_reason_counts_silent_steps() -> None:
    walk = Walk(prospect(Situation.WENT_QUIET, referrer="Bob"), settings=QUIET_ONLY)
    walk.touch(Outcome.NO_REPLY)
    walk.touch(Outcome.NO_REPLY)
    assert coach.due_reason(walk.facts, walk.history, walk.today, walk.settings) == (
        "3rd silent contact — step 3 of 5"
    )


def test_situation_went_quiet_first_due_a_step_after_the_last_real_contact() -> None:
    p = prospect(Situation.WENT_QUIET, last_touch_on=TODAY - timedelta(days=1))
    assert coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS) == date(2026, 3, 5)
    assert coach.first_due(prospect(Situation.WENT_QUIET), TODAY, CoachSettings(), WEEKDAYS) == (
        TODAY
    )


def test_situation_went_quiet_an_answer_pauses_the_sequence_for_the_conversation() -> None:
    walk = Walk(prospect(Situation.WENT_QUIET))
    walk.touch(Outcome.LEARNED, learned="Swamped by an audit until April")
    assert walk.today == TODAY + timedelta(days=14)  # conversation_followup_days
    assert walk.offered()[0] == "permission_to_say_no"  # re-engaged: re-set the guidelines
    assert "real_reason" in walk.offered()
    walk.touch(Outcome.NO_REPLY)  # silent again: the sequence resumes where it was
    assert walk.offered() == ["voicemail_email"]


def test_situation_went_quiet_after_keep_going_the_slow_lane_follows_the_sequence() -> None:
    walk = Walk(prospect(Situation.WENT_QUIET), settings=QUIET_ONLY)
    for _ in range(4):
        walk.touch(Outcome.NO_REPLY)
    walk.decide(DecisionKind.KEEP_GOING)
    assert walk.offered() == ["be_a_resource", "new_ideas"]
    walk.touch(Outcome.NO_REPLY)
    assert walk.dates[-1] + timedelta(days=30) <= walk.today  # slow: said_no_cadence_days
    assert walk.offered() == ["new_ideas"]


def test_situation_went_quiet_successor_starts_afresh_with_permission_to_say_no() -> None:
    walk = Walk(prospect(Situation.WENT_QUIET))
    walk.touch(Outcome.CONTACT_LEFT, successor="Sam Lee")
    assert walk.facts.name == "Sam Lee" and walk.facts.sequence_step == 0
    choices = coach.tactics_for(walk.facts, walk.history, walk.today)
    assert choices[0].tactic.id == "permission_to_say_no" and "Sam Lee" in choices[0].reason
    walk.touch(Outcome.NO_REPLY)
    assert walk.offered() == ["no_pressure"]


# ---- said_no ----------------------------------------------------------------------------


def test_situation_said_no_starts_with_real_reason_then_rotates_without_repeats() -> None:
    p = prospect(Situation.SAID_NO, stated_reason="budget", decision_date=TODAY)
    walk = Walk(
        replace(p, next_touch_on=None), today=coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS)
    )
    assert walk.today == date(2026, 4, 1)  # ~30 days after the no
    first = coach.tactics_for(walk.facts, [], walk.today)[0]
    assert first.tactic.id == "real_reason" and "budget" in first.reason
    for _ in range(7):
        walk.touch(Outcome.LEARNED, learned="something")
    assert walk.used == [
        "real_reason", "new_ideas", "be_a_resource", "measurable_results",
        "new_ideas", "be_a_resource", "measurable_results",
    ]  # fmt: skip
    assert set(gaps(walk.dates)) <= {29, 30, 31, 32}  # every ~30 days, on a workday


def test_situation_said_no_never_offers_the_last_rotation_tactic_again() -> None:
    walk = Walk(prospect(Situation.SAID_NO))
    walk.touch(Outcome.LEARNED, "real_reason", learned="x")
    walk.touch(Outcome.LEARNED, "be_a_resource", learned="y")
    assert walk.offered() == ["measurable_results", "new_ideas"]


# ---- missing_feature --------------------------------------------------------------------


def test_situation_missing_feature_slow_checkin_until_the_feature_ships() -> None:
    p = prospect(Situation.MISSING_FEATURE, missing_feature="Reporting API")
    due = coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS)
    assert due == date(2026, 6, 30)  # 120 days: a slow check-in
    walk = Walk(p, today=due)
    assert walk.offered() == ["be_a_resource", "real_reason"]
    walk.touch(Outcome.NOTHING_NEW)
    assert walk.today == date(2026, 10, 28)
    assert walk.offered() == ["real_reason"]


def test_situation_missing_feature_shipped_feature_is_called_about_first() -> None:
    p = prospect(Situation.MISSING_FEATURE, missing_feature="Reporting API")
    shipped = Event(EventKind.FEATURE_SHIPPED, "reporting-api", TODAY)
    t = coach.resurface(p, shipped, TODAY, WEEKDAYS)
    walk = Walk(replace(p, pending_event=t.pending_event), today=t.next_touch_on or TODAY)
    assert walk.today == TODAY
    assert walk.offered()[0] == "feature_now_available"
    walk.touch(Outcome.LEARNED, learned="Will trial it in May")
    assert walk.facts.pending_event is None
    assert walk.today == TODAY + timedelta(days=14)  # news follow-up, then the slow cadence
    assert "feature_now_available" not in walk.offered()


# ---- competitor_contract ----------------------------------------------------------------


def test_situation_competitor_contract_due_lead_time_before_end() -> None:
    p = prospect(Situation.COMPETITOR_CONTRACT, competitor="Globex", contract_end=date(2026, 12, 1))
    assert coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS) == date(2026, 9, 2)
    settings = CoachSettings(contract_lead_days=60)
    assert coach.first_due(p, TODAY, settings, WEEKDAYS) == date(2026, 10, 2)


def test_situation_competitor_contract_due_today_when_already_inside_the_lead_time() -> None:
    p = prospect(Situation.COMPETITOR_CONTRACT, contract_end=TODAY + timedelta(days=30))
    assert coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS) == TODAY


def test_situation_competitor_contract_renewal_window_then_the_next_renewal() -> None:
    end = date(2026, 6, 1)
    walk = Walk(
        prospect(Situation.COMPETITOR_CONTRACT, competitor="Globex", contract_end=end),
        today=date(2026, 3, 3),
    )
    assert coach.due_reason(walk.facts, [], walk.today) == "contract with Globex ends in 90 days"
    for _ in range(3):
        walk.touch(Outcome.LEARNED, learned="x")
    assert walk.used == ["before_renewal", "be_a_resource", "before_renewal"]
    assert walk.dates == [date(2026, 3, 3), date(2026, 4, 2), date(2026, 5, 4)]
    # The end passed without a switch: it renewed; the coach aims for the next window.
    assert walk.today == date(2027, 3, 3)


def test_situation_competitor_contract_unknown_end_asks_for_it_now() -> None:
    p = prospect(Situation.COMPETITOR_CONTRACT)
    assert coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS) == TODAY
    assert coach.due_reason(p, [], TODAY) == "contract end date unknown: find it out"


# ---- unhappy_with_provider, big_company, chose_competitor ----------------------------------


def test_situation_unhappy_with_provider_every_five_months_checkin_with_a_resource() -> None:
    p = prospect(Situation.UNHAPPY_WITH_PROVIDER, competitor="Globex")
    walk = Walk(p, today=coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS))
    assert walk.today == date(2026, 7, 30)  # 150 days
    choices = coach.tactics_for(walk.facts, [], walk.today)
    assert [c.tactic.id for c in choices][:2] == ["periodic_checkin", "be_a_resource"]
    assert "Globex" in choices[0].reason
    for _ in range(3):
        walk.touch(Outcome.LEARNED, learned="x")
    assert walk.used == ["periodic_checkin", "be_a_resource", "measurable_results"]
    assert all(148 <= g <= 152 for g in gaps(walk.dates))


def test_situation_big_company_quarterly_aiming_for_a_slice() -> None:
    p = prospect(Situation.BIG_COMPANY)
    walk = Walk(p, today=coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS))
    assert walk.today == date(2026, 6, 1)  # 91 days: quarterly
    for _ in range(4):
        walk.touch(Outcome.LEARNED, learned="x")
    assert walk.used == ["land_a_slice", "new_ideas", "measurable_results", "be_a_resource"]
    assert all(89 <= g <= 93 for g in gaps(walk.dates))


def test_situation_chose_competitor_six_weeks_after_delivery_asks_how_it_went() -> None:
    p = prospect(Situation.CHOSE_COMPETITOR, competitor="Globex", decision_date=TODAY)
    due = coach.first_due(p, TODAY, CoachSettings(), WEEKDAYS)
    assert due == date(2026, 4, 13)  # 42 days
    assert coach.due_reason(p, [], due) == "6 weeks since Globex delivered"
    walk = Walk(p, today=due)
    walk.touch(Outcome.NOTHING_NEW)
    walk.touch(Outcome.LEARNED, learned="x")
    assert walk.used == ["how_did_it_go", "real_reason"]
    assert gaps(walk.dates)[0] >= 150  # then every few months


def test_situation_chose_competitor_settings_change_the_wait() -> None:
    p = prospect(Situation.CHOSE_COMPETITOR, decision_date=TODAY)
    due = coach.first_due(p, TODAY, CoachSettings(chose_competitor_wait_days=21), WEEKDAYS)
    assert due == date(2026, 3, 23)


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        (Situation.WENT_QUIET, date(2026, 3, 2)),
        (Situation.SAID_NO, date(2026, 4, 1)),
        (Situation.MISSING_FEATURE, date(2026, 6, 30)),
        (Situation.COMPETITOR_CONTRACT, date(2026, 3, 2)),  # end unknown: find it out now
        (Situation.UNHAPPY_WITH_PROVIDER, date(2026, 7, 30)),
        (Situation.BIG_COMPANY, date(2026, 6, 1)),
        (Situation.CHOSE_COMPETITOR, date(2026, 4, 13)),
    ],
)
def test_situation_first_due_per_situation_with_default_settings(
    situation: Situation, expected: date
) -> None:
    assert coach.first_due(prospect(situation), TODAY, CoachSettings(), WEEKDAYS) == expected
