"""bot.coach.ranking and bot.coach.preferences: pure rules of the tactic ranking."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from bot.coach.playbook import TACTICS
from bot.coach.preferences import (
    TacticPrefs,
    prefs_from_json,
    prefs_of,
    prefs_problems,
    rankable,
)
from bot.coach.ranking import (
    Ranking,
    TacticRecord,
    posterior,
    prior,
    rank,
    ranked_tactics,
)
from bot.coach.reevaluation import keep_going_tactic
from bot.coach.revival import PairCount
from bot.coach.select import candidates
from bot.domain import Event, EventKind, Outcome, ProspectFacts, Situation, TouchFacts
from bot.workspace_settings import settings_from_json

DAY = date(2026, 12, 3)
SAID_NO = Situation.SAID_NO
BIG = Situation.BIG_COMPANY


def prospect(situation: Situation, **facts: object) -> ProspectFacts:
    return ProspectFacts(
        name="Dana", company="Acme", situation=situation, created_on=date(2026, 1, 1), id=7,
        competitor="Rival", **facts,  # type: ignore[arg-type]
    )  # fmt: skip


def record(situation: Situation, **counts: tuple[int, int]) -> TacticRecord:
    """tactic=(revived, tries), plus enough other outcomes to pass the minimum."""
    pairs = {(situation.value, t): PairCount(tries, won) for t, (won, tries) in counts.items()}
    return TacticRecord(pairs)


def ranking(rec: TacticRecord, *, prefs: TacticPrefs | None = None, minimum: int = 0,
            rep_id: int = 1) -> Ranking:  # fmt: skip
    return Ranking(rec, prefs or TacticPrefs(), minimum, rep_id)


def order(situation: Situation, rk: Ranking, on: date = DAY, **facts: object) -> list[str]:
    choices = ranked_tactics(prospect(situation, **facts), [], on, settings().coach, rk)
    return [c.tactic.id for c in choices]


def settings(stored: dict | None = None):  # type: ignore[no-untyped-def]
    return settings_from_json(stored)


def days(n: int) -> list[date]:
    return [DAY + timedelta(days=i) for i in range(n)]


# --- the prior ------------------------------------------------------------------------------


@pytest.mark.parametrize("situation", list(Situation))
def test_the_prior_means_fall_with_the_playbook_order(situation: Situation) -> None:
    params = prior(situation, TacticRecord())
    means = [a / (a + b) for a, b in params.values()]
    assert list(params) == list(rankable(situation))
    assert means == sorted(means, reverse=True)
    assert len(set(means)) == len(means)  # strictly falling
    assert all(a + b == pytest.approx(4.0) for a, b in params.values())  # the pseudo-count


def test_with_no_data_the_playbook_order_stands() -> None:
    """Below the minimum (and with none at all) the digest keeps the playbook's order."""
    playbook = [c.tactic.id for c in candidates(prospect(BIG), [], DAY)][:3]
    for minimum in (1, 30):
        for day in days(20):
            assert order(BIG, ranking(TacticRecord(), minimum=minimum), day) == playbook


def test_below_the_minimum_even_strong_data_does_not_reorder() -> None:
    strong = record(SAID_NO, measurable_results=(9, 10), new_ideas=(0, 10))
    assert strong.outcomes == 20
    below = order(SAID_NO, ranking(strong, minimum=21))
    assert below == ["real_reason", "new_ideas", "be_a_resource"]
    assert order(SAID_NO, ranking(strong, minimum=20))[0] == "measurable_results"


def test_ranked_with_no_data_the_playbook_first_leads_most_often() -> None:
    firsts = Counter(order(BIG, ranking(TacticRecord()), day)[0] for day in days(400))
    assert firsts.most_common(1)[0][0] == "land_a_slice"
    assert len(firsts) == 4  # and every tactic gets its turn


# --- Thompson sampling ----------------------------------------------------------------------


def test_the_order_is_the_same_all_day_for_a_rep() -> None:
    rec = record(BIG, land_a_slice=(2, 6), new_ideas=(3, 6), measurable_results=(2, 5))
    first = order(BIG, ranking(rec), DAY)
    assert all(order(BIG, ranking(rec), DAY) == first for _ in range(5))


def test_it_explores_across_days_and_reps() -> None:
    rec = record(BIG, land_a_slice=(3, 10), new_ideas=(3, 10), measurable_results=(3, 10),
                 be_a_resource=(3, 10))  # fmt: skip
    by_day = {tuple(order(BIG, ranking(rec), day)) for day in days(30)}
    by_rep = {tuple(order(BIG, ranking(rec, rep_id=rep), DAY)) for rep in range(30)}
    assert len(by_day) > 3 and len(by_rep) > 3


def test_a_tactic_that_revives_more_is_offered_first() -> None:
    """B (Be a resource) revived 8 of 10, A (Beat the renewal, the playbook's first) 1 of 10."""
    contract = Situation.COMPETITOR_CONTRACT
    rec = record(contract, before_renewal=(1, 10), be_a_resource=(8, 10))
    firsts = Counter(order(contract, ranking(rec), day)[0] for day in days(60))
    assert firsts["be_a_resource"] == 60
    choices = ranked_tactics(prospect(contract), [], DAY, settings().coach, ranking(rec))
    assert choices[0].evidence == "Be a resource: revived 8 of 10 like this in your workspace."
    assert choices[1].evidence == "Beat the renewal: revived 1 of 10 like this in your workspace."


def test_untried_tactics_still_get_their_turn() -> None:
    """Sell measurable results revived 8 of 10; the two never tried still lead some days."""
    rec = record(SAID_NO, new_ideas=(1, 10), measurable_results=(8, 10))
    firsts = Counter(order(SAID_NO, ranking(rec), day)[0] for day in days(200))
    assert firsts.most_common(1)[0][0] == "measurable_results"
    assert firsts["real_reason"] and firsts["be_a_resource"]
    assert firsts["new_ideas"] < 10


def test_the_posterior_adds_the_teams_counts_to_the_prior() -> None:
    rec = record(SAID_NO, new_ideas=(1, 10))
    (a0, b0), (a1, b1) = prior(SAID_NO, rec)["new_ideas"], posterior(SAID_NO, rec)["new_ideas"]
    assert (a1 - a0, b1 - b0) == (pytest.approx(1), pytest.approx(9))


@pytest.mark.parametrize("situation", list(Situation))
def test_never_a_tactic_the_playbook_does_not_fit(situation: Situation) -> None:
    """Even with strong results recorded for every tactic in every situation."""
    rec = TacticRecord({(s.value, t): PairCount(6, 5) for s in Situation for t in TACTICS})
    for day in days(15):
        fit = {c.tactic.id for c in candidates(prospect(situation), [], day)}
        got = order(situation, ranking(rec), day)
        assert got and set(got) <= fit


def test_an_event_and_a_sequence_step_keep_their_places() -> None:
    rec = record(Situation.MISSING_FEATURE, real_reason=(9, 9), be_a_resource=(0, 9))
    news = Event(EventKind.FEATURE_SHIPPED, "SSO", DAY)
    shipped = order(Situation.MISSING_FEATURE, ranking(rec), pending_event=news)
    assert shipped[0] == "feature_now_available"
    quiet = order(Situation.WENT_QUIET, ranking(record(Situation.WENT_QUIET, be_a_resource=(9, 9))))
    assert quiet == ["no_pressure"]


# --- pins and switch-offs -------------------------------------------------------------------


def test_a_pinned_tactic_stays_first_whatever_the_data() -> None:
    rec = record(SAID_NO, be_a_resource=(0, 30), measurable_results=(20, 20))
    prefs = prefs_from_json({"said_no": {"pinned": "be_a_resource"}})
    for day in days(20):
        assert order(SAID_NO, ranking(rec, prefs=prefs), day)[0] == "be_a_resource"
    assert order(SAID_NO, ranking(rec, prefs=prefs, minimum=1000))[0] == "be_a_resource"


def test_a_switched_off_tactic_never_shows_whatever_the_data() -> None:
    rec = record(SAID_NO, measurable_results=(20, 20))
    prefs = prefs_from_json({"said_no": {"off": ["measurable_results", "real_reason"]}})
    for day in days(20):
        for minimum in (0, 1000):
            got = order(SAID_NO, ranking(rec, prefs=prefs, minimum=minimum), day)
            assert "measurable_results" not in got and "real_reason" not in got
            assert got


def test_rank_leaves_only_what_is_on() -> None:
    choices = candidates(prospect(BIG), [], DAY)
    prefs = prefs_from_json({"big_company": {"off": ["land_a_slice"], "pinned": "be_a_resource"}})
    below = ranking(TacticRecord(), prefs=prefs, minimum=1)  # ranking off: the playbook's order
    got = [c.tactic.id for c in rank(choices, BIG, DAY, below)]
    assert got == ["be_a_resource", "new_ideas", "measurable_results"]


def test_switching_off_the_last_tactic_of_a_lane_is_refused() -> None:
    every = list(rankable(SAID_NO)[1:])  # the rotation; the opener may go
    problems = prefs_problems(prefs_from_json_unchecked({"said_no": {"off": every}}))
    assert "Keep at least one of" in problems[SAID_NO]
    quiet = {"went_quiet": {"off": ["be_a_resource", "new_ideas"]}}  # the slow lane
    assert Situation.WENT_QUIET in prefs_problems(prefs_from_json_unchecked(quiet))
    assert not prefs_problems(prefs_from_json_unchecked({"said_no": {"off": ["real_reason"]}}))
    with pytest.raises(ValueError, match="said_no"):
        prefs_from_json({"said_no": {"off": every}})


def test_a_pin_that_does_not_fit_or_is_switched_off_is_refused() -> None:
    wrong = prefs_problems(prefs_from_json_unchecked({"said_no": {"pinned": "land_a_slice"}}))
    assert "land_a_slice does not fit" in wrong[SAID_NO]
    step = prefs_problems(prefs_from_json_unchecked({"went_quiet": {"pinned": "no_pressure"}}))
    assert Situation.WENT_QUIET in step  # a sequence step is not for pinning
    both = {"said_no": {"pinned": "new_ideas", "off": ["new_ideas"]}}
    assert "pinned" in prefs_problems(prefs_from_json_unchecked(both))[SAID_NO]
    with pytest.raises(ValueError, match="not a situation"):
        prefs_from_json({"gone": {}})


def test_prefs_round_trip_through_json() -> None:
    stored = {"said_no": {"pinned": "new_ideas", "off": ["be_a_resource"]},
              "big_company": {"off": ["land_a_slice", "new_ideas"]}}  # fmt: skip
    assert prefs_from_json(stored).to_json() == {
        "said_no": {"pinned": "new_ideas", "off": ["be_a_resource"]},
        "big_company": {"off": ["land_a_slice", "new_ideas"]},
    }


def prefs_from_json_unchecked(stored: dict) -> TacticPrefs:  # type: ignore[type-arg]
    """The stored form without the check, to see what the check says."""

    pinned = {Situation(k): v.get("pinned") for k, v in stored.items()}
    off = {Situation(k): frozenset(v.get("off", [])) for k, v in stored.items()}
    return prefs_of(pinned, off)


def test_keep_going_names_what_the_digest_offers_first_never_a_switched_off_one() -> None:
    history = [TouchFacts("new_ideas", Outcome.NOTHING_NEW, DAY - timedelta(days=9))]
    facts = prospect(BIG)
    plain = keep_going_tactic(facts, history, DAY)
    assert plain is not None and plain.id != "new_ideas"  # never the one just tried
    prefs = prefs_from_json({"big_company": {"off": [plain.id], "pinned": "land_a_slice"}})
    ranked = keep_going_tactic(facts, history, DAY, ranking=ranking(TacticRecord(), prefs=prefs))
    assert ranked is not None and ranked.id == "land_a_slice"
    # The pin is the one just tried: the next one the digest offers, still not switched off.
    tried = [TouchFacts("land_a_slice", Outcome.NOTHING_NEW, DAY - timedelta(days=9))]
    after = keep_going_tactic(facts, tried, DAY, ranking=ranking(TacticRecord(), prefs=prefs))
    assert after is not None and after.id not in {"land_a_slice", plain.id}


def test_when_today_s_only_fit_is_switched_off_the_others_that_are_on_are_offered() -> None:
    # Locked in, inside the renewal window: Beat the renewal was just used, so the playbook
    # offers Be a resource alone today; switched off, the digest must not show it anyway.
    contract = Situation.COMPETITOR_CONTRACT
    facts = prospect(contract, contract_end=DAY + timedelta(days=30))
    history = [TouchFacts("before_renewal", Outcome.NOTHING_NEW, DAY - timedelta(days=7))]
    today = [c.tactic.id for c in candidates(facts, history, DAY)]
    assert today == ["be_a_resource"]
    prefs = prefs_from_json({"competitor_contract": {"off": ["be_a_resource"]}})
    for minimum in (0, 1000):
        rk = ranking(TacticRecord(), prefs=prefs, minimum=minimum)
        offered = [c.tactic.id for c in ranked_tactics(facts, history, DAY, settings().coach, rk)]
        assert offered and "be_a_resource" not in offered
        assert set(offered) <= set(rankable(contract))
