"""The question backlog as pure rules: the data, the next question, facts and their dates."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import coach
from bot.blocks.digest import digest_blocks
from bot.blocks.questions import (
    IN_FACT_CONTACT,
    IN_FACT_DATE,
    IN_QUESTION,
    answer_inputs,
    backlog_lines,
    backlog_section,
    backlog_summary,
    find_out_line,
    read_answer_form,
)
from bot.blocks.tactic_card import outcome_modal
from bot.coach import questions as qs
from bot.coach.playbook import AYLING, ROSEN_CLOSED_DOORS, ROSEN_SIX_WAYS, SLIFE, USZYNSKI
from bot.domain import (
    CoachSettings,
    Outcome,
    ProspectFacts,
    Situation,
    TouchFacts,
    WalkAwayReason,
)
from bot.errors import UserError
from bot.usecases.reading import DueItem

TODAY = date(2026, 11, 24)  # a Tuesday
SOURCES = {ROSEN_SIX_WAYS, ROSEN_CLOSED_DOORS, SLIFE, USZYNSKI, AYLING}


def facts(situation: Situation, **more: object) -> ProspectFacts:
    return replace(
        ProspectFacts("Dana Reyes", "Acme", situation, created_on=TODAY - timedelta(days=60)),
        **more,
    )


def test_every_situation_has_a_backlog_of_known_questions() -> None:
    assert set(qs.BACKLOGS) == set(Situation)
    used = set()
    for situation, ids in qs.BACKLOGS.items():
        assert ids, situation
        assert len(set(ids)) == len(ids), f"{situation}: a question twice"
        assert len(ids) <= 9, "the form's radio takes 10 options, one is 'something else'"
        assert all(i in qs.QUESTIONS for i in ids)
        used |= set(ids)
    assert used == set(qs.QUESTIONS), "a question no situation asks"
    assert qs.SOMETHING_ELSE not in qs.QUESTIONS


def test_questions_are_short_plain_and_credited() -> None:
    for question in qs.QUESTIONS.values():
        assert 0 < len(question.label) <= 75 and question.label.endswith("?")
        assert 0 < len(question.why) <= 75
        assert question.source in SOURCES
        assert "{" not in question.label and "<" not in question.label


def test_the_issue_s_examples_are_there_with_their_facts() -> None:
    q = qs.QUESTIONS
    assert q["decision_maker"].fact is qs.Fact.DECISION_MAKER
    assert q["contract_end"].fact is qs.Fact.CONTRACT_END
    assert "contract_end" in qs.BACKLOGS[Situation.COMPETITOR_CONTRACT][:1]
    assert qs.BACKLOGS[Situation.SAID_NO][0] == "real_reason"
    assert qs.BACKLOGS[Situation.CHOSE_COMPETITOR][0] == "competitor_fit"
    assert {"budget_timing", "switch_trigger", "provider_pain"} <= set(q)


def test_next_question_is_the_first_open_one_in_usefulness_order() -> None:
    order = qs.BACKLOGS[Situation.SAID_NO]
    assert qs.next_question(Situation.SAID_NO, set()) is qs.QUESTIONS[order[0]]
    assert qs.next_question(Situation.SAID_NO, {order[0]}) is qs.QUESTIONS[order[1]]
    assert qs.next_question(Situation.SAID_NO, {order[1]}) is qs.QUESTIONS[order[0]]
    assert qs.next_question(Situation.SAID_NO, set(order)) is None
    # An answer to another situation's question changes nothing here.
    assert qs.next_question(Situation.SAID_NO, {"cost_review"}) is qs.QUESTIONS[order[0]]
    assert [q.id for q in qs.open_questions(Situation.SAID_NO, {order[2]})] == [
        i for i in order if i != order[2]
    ]


def test_backlog_keeps_answers_across_a_change_of_situation() -> None:
    answers = [
        qs.Answer("decision_maker", TODAY, "Pat Kim signs"),
        qs.Answer("real_reason", TODAY - timedelta(days=3), "Price"),
        qs.Answer("no_such_question", TODAY, "ignored"),
    ]
    backlog = qs.backlog_of(Situation.BIG_COMPANY, answers)
    assert [q.id for q, _ in backlog.answered] == ["real_reason", "decision_maker"]  # oldest first
    assert [q.id for q in backlog.open] == ["cost_review", "first_slice", "goals_this_year"]
    assert backlog.next is qs.QUESTIONS["cost_review"]
    done = qs.backlog_of(Situation.WENT_QUIET, [qs.Answer(i, TODAY) for i in qs.QUESTIONS])
    assert done.next is None and done.open == ()


def test_question_to_answer_refuses_foreign_and_answered_questions() -> None:
    assert qs.question_to_answer(Situation.SAID_NO, "real_reason", set()).id == "real_reason"
    with pytest.raises(UserError, match="not one of this prospect"):
        qs.question_to_answer(Situation.SAID_NO, "cost_review", set())  # big companies only
    with pytest.raises(UserError, match="not one of this prospect"):
        qs.question_to_answer(Situation.SAID_NO, "<script>", set())
    with pytest.raises(UserError, match="answered already"):
        qs.question_to_answer(Situation.SAID_NO, "real_reason", {"real_reason"})


def test_a_contract_end_answer_needs_a_plausible_date() -> None:
    contract = qs.QUESTIONS["contract_end"]
    assert qs.fact_problem(contract, None, TODAY) == "Pick the day their contract ends."
    assert qs.fact_problem(contract, TODAY + timedelta(days=300), TODAY) is None
    assert qs.fact_problem(contract, TODAY - timedelta(days=100), TODAY) is None  # renewed since
    assert "ten years" in str(qs.fact_problem(contract, date(2040, 1, 1), TODAY))
    assert "five years" in str(qs.fact_problem(contract, date(2019, 1, 1), TODAY))
    assert qs.fact_problem(qs.QUESTIONS["real_reason"], None, TODAY) is None


def test_answer_text_is_the_rep_s_words_or_the_fact() -> None:
    contract = qs.QUESTIONS["contract_end"]
    end = date(2027, 9, 30)
    assert qs.answer_text(contract, "  Ends in September ", end) == "Ends in September"
    assert qs.answer_text(contract, None, end) == "Contract ends September 30, 2027"
    assert qs.answer_text(qs.QUESTIONS["decision_maker"], "Pat Kim", None) == "Pat Kim"
    assert qs.answer_text(qs.QUESTIONS["decision_maker"], " ", None) is None
    assert qs.answer_text(qs.QUESTIONS["decision_maker"], None, None, "Kim") == "Kim decides"


def test_a_new_contact_goes_with_the_who_decides_question_only() -> None:
    decides, timing = qs.QUESTIONS["decision_maker"], qs.QUESTIONS["budget_timing"]
    assert qs.contact_problem(decides, "Kim Park") is None
    assert qs.contact_problem(timing, None) is None  # nothing given, nothing to check
    assert "who-decides" in (qs.contact_problem(timing, "Kim Park") or "")
    assert "who-decides" in (qs.contact_problem(None, "Kim Park") or "")
    assert "200 characters" in (qs.contact_problem(decides, "K" * 201) or "")


def test_a_contract_end_moves_a_locked_in_prospect_to_its_renewal_window() -> None:
    settings = CoachSettings()
    before = facts(Situation.COMPETITOR_CONTRACT)
    unknown = coach.apply_outcome(
        before, [], outcome=Outcome.LEARNED, tactic_id="before_renewal", today=TODAY,
        learned="Renewal is next autumn",
    )  # fmt: skip
    assert unknown.next_touch_on == TODAY + timedelta(days=settings.renewal_followup_days)
    end = date(2027, 11, 30)
    known = qs.with_fact(before, qs.QUESTIONS["contract_end"], end)
    assert known.contract_end == end
    moved = coach.apply_outcome(
        known, [], outcome=Outcome.LEARNED, tactic_id="before_renewal", today=TODAY,
        learned="Contract ends November 30, 2027",
    )  # fmt: skip
    assert moved.next_touch_on == date(2027, 9, 1)  # 90 days before, a Wednesday
    assert qs.with_fact(before, qs.QUESTIONS["real_reason"], end) == before


def test_renewal_date_brings_other_situations_forward_to_the_window() -> None:
    unhappy = facts(Situation.UNHAPPY_WITH_PROVIDER, contract_end=date(2027, 6, 10))
    planned = TODAY + timedelta(days=150)  # the 5-month check-in: April 23, 2027
    assert qs.renewal_date(unhappy, planned, TODAY) == date(2027, 3, 12)  # 90 days before
    assert qs.renewal_date(unhappy, TODAY + timedelta(days=30), TODAY) == TODAY + timedelta(30)
    late = facts(Situation.UNHAPPY_WITH_PROVIDER, contract_end=TODAY + timedelta(days=40))
    assert qs.renewal_date(late, planned, TODAY) == planned  # inside the window: no pull back
    assert qs.renewal_date(facts(Situation.UNHAPPY_WITH_PROVIDER), planned, TODAY) == planned
    assert qs.renewal_date(unhappy, None, TODAY) is None
    saturday = facts(Situation.UNHAPPY_WITH_PROVIDER, contract_end=date(2027, 6, 4))
    assert qs.renewal_date(saturday, planned, TODAY) == date(2027, 3, 8)  # Sat 6th → Monday


def test_an_answered_question_counts_as_learned_in_the_one_definition() -> None:
    talked = TouchFacts("real_reason", Outcome.NOT_NOW, TODAY)
    assert not coach.learned_something(talked)
    answered = replace(talked, answered_question="budget_timing")
    assert coach.learned_something(answered)
    assert not coach.taught_nothing(answered)
    assert coach.tally([talked, answered]).learned == 1
    snoozed = TouchFacts("real_reason", Outcome.SNOOZED, TODAY, answered_question="x")
    assert not coach.learned_something(snoozed)  # not a contact at all


def test_find_out_line_and_lists_escape_and_show_answers() -> None:
    backlog = qs.backlog_of(
        Situation.SAID_NO, [qs.Answer("real_reason", TODAY, "<!channel> & <@U1> price")]
    )
    assert find_out_line(backlog) == (
        ":mag: *Find out this time:* When is their budget set, and when could they buy?"
    )
    assert find_out_line(None) is None
    assert find_out_line(qs.Backlog(answered=(), open=())) is None
    lines = "\n".join(backlog_lines(backlog, TODAY))
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt; price" in lines and "<!channel>" not in lines
    assert "What really stopped them last time?" in lines
    section = json.dumps(backlog_section(backlog, TODAY))
    assert "1 of 5 answered" in section and "<@U1>" not in section
    summary = str(backlog_summary(backlog))
    assert "_Answered:_" in summary and "<!channel>" not in summary
    assert summary.endswith(
        "_then:_ Who decides, and who else has a say?; What would make them switch?; "
        "What are their goals and biggest problems this year?"
    )
    assert backlog_section(None, TODAY) == [] and backlog_summary(None) is None


def test_the_form_offers_open_questions_something_else_and_the_contract_date() -> None:
    backlog = qs.backlog_of(Situation.COMPETITOR_CONTRACT, [])
    choice, when, contact = answer_inputs(backlog)
    values = [o["value"] for o in choice["element"]["options"]]
    assert values == [*qs.BACKLOGS[Situation.COMPETITOR_CONTRACT], qs.SOMETHING_ELSE]
    assert choice["optional"] and when["element"]["type"] == "datepicker"
    assert contact["optional"] and contact["element"]["type"] == "plain_text_input"
    done = [qs.Answer("contract_end", TODAY), qs.Answer("decision_maker", TODAY)]
    answered = qs.backlog_of(Situation.COMPETITOR_CONTRACT, done)
    # Neither the date nor the new contact once their questions are answered.
    assert [b["block_id"] for b in answer_inputs(answered)] == [IN_QUESTION]
    assert answer_inputs(None) == []
    form = read_answer_form(
        {
            IN_QUESTION: {IN_QUESTION: {"selected_option": {"value": "contract_end"}}},
            IN_FACT_DATE: {IN_FACT_DATE: {"selected_date": "2027-03-01"}},
        }
    )
    assert (form.question_id, form.fact_date) == ("contract_end", date(2027, 3, 1))
    named = read_answer_form({IN_FACT_CONTACT: {IN_FACT_CONTACT: {"value": "  Kim Park "}}})
    assert named.fact_contact == "Kim Park"
    forged = read_answer_form({IN_FACT_DATE: {IN_FACT_DATE: {"selected_date": "soon"}}})
    assert (forged.question_id, forged.fact_date) == (None, None)


def test_the_docs_list_every_question_per_situation_with_its_source() -> None:
    root = Path(__file__).resolve().parent.parent / "docs"
    playbook = (root / "playbook.md").read_text(encoding="utf-8")
    for question in qs.QUESTIONS.values():
        start = f"| {question.label} | `{question.id}` |"
        row = next(line for line in playbook.splitlines() if line.startswith(start))
        assert question.source.author in row and question.source.title in row
    for situation, ids in qs.BACKLOGS.items():
        start = f"| `{situation}` | 1. "  # the questions table, not the situations one
        row = next(line for line in playbook.splitlines() if line.startswith(start))
        labels = [qs.QUESTIONS[i].label for i in ids]
        assert [row.index(label) for label in labels] == sorted(row.index(x) for x in labels)
    assert "Find out this time" in (root / "usage.md").read_text(encoding="utf-8")


@given(st.text(max_size=300))
def test_any_answer_text_is_escaped_on_every_surface(text: str) -> None:
    hostile = f"<!channel> {text} <@U0BOSS>"
    backlog = qs.backlog_of(Situation.SAID_NO, [qs.Answer("real_reason", TODAY, hostile)])
    shown = [
        *backlog_lines(backlog, TODAY),
        json.dumps(backlog_section(backlog, TODAY)),
        str(backlog_summary(backlog)),
    ]
    for out in shown:
        assert "<!channel>" not in out and "<@U0BOSS>" not in out
        assert "<" not in out  # none of the rep's angle brackets survive unescaped


def _item(backlog: qs.Backlog | None, **more: object) -> DueItem:
    prospect = facts(Situation.SAID_NO, id=7, next_touch_on=TODAY)
    choice = coach.TacticChoice(coach.TACTICS["real_reason"], "they said no a month ago")
    base = DueItem(prospect, 1, (choice,), "30 days since they said no", 30, backlog=backlog)
    return replace(base, **more)


def test_the_digest_entry_says_what_to_find_out_unless_a_decision_is_open() -> None:
    backlog = qs.backlog_of(Situation.SAID_NO, [qs.Answer("real_reason", TODAY, "price")])
    text = json.dumps(digest_blocks([_item(backlog)], TODAY, more_in_home=0))
    assert f"*Find out this time:* {qs.QUESTIONS['budget_timing'].label}" in text
    assert "Find out this time" not in json.dumps(
        digest_blocks([_item(None)], TODAY, more_in_home=0)
    )
    review = coach.Reevaluation(WalkAwayReason.NOTHING_LEARNED, ("real_reason",), 2, None)
    asked = digest_blocks([_item(backlog, decision=review)], TODAY, more_in_home=0)
    assert "Find out this time" not in json.dumps(asked)  # the question to decide comes first


def test_the_tactic_card_asks_and_offers_the_open_questions() -> None:
    prospect = facts(Situation.COMPETITOR_CONTRACT, id=7)
    backlog = qs.backlog_of(Situation.COMPETITOR_CONTRACT, [])
    card = coach.tactic_card(coach.TACTICS["before_renewal"], prospect, TODAY)
    view = outcome_modal(prospect, card, today=TODAY, meta="{}", backlog=backlog)
    text = json.dumps(view["blocks"])
    assert f"*Find out this time:* {qs.QUESTIONS['contract_end'].label}" in text
    block_ids = [b.get("block_id") for b in view["blocks"]]
    assert IN_QUESTION in block_ids and IN_FACT_DATE in block_ids
    later = outcome_modal(
        prospect, card, today=TODAY, meta="{}", outcome=Outcome.NO_REPLY, backlog=backlog
    )
    assert IN_QUESTION not in [b.get("block_id") for b in later["blocks"]]  # learned only
