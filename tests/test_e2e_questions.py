"""End to end: "Find out this time" on the digest and the card, answering a question in the
outcome form, and what an answer changes (Details, Home, the schedule), over signed HTTP."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import ids
from bot.blocks.questions import IN_FACT_CONTACT, IN_FACT_DATE, IN_QUESTION
from bot.coach import questions as qs
from bot.domain import Outcome, Situation
from bot.usecases import reading
from store.db import unit_of_work
from store.models import ProspectAnswer, Touch
from tests.conftest import LiveApp
from tests.digests import post_digest, rep_ctx, seed
from tests.fakeslack import Message, blocks_text
from tests.slack_driver import datepicker, plain_text, radio
from tests.test_e2e_outcomes import (
    TODAY,
    click,
    digest_now,
    open_card,
    opened_view,
    outcome_values,
    pick,
    prospect,
    submit_card,
    touches,
)

NEW_YORK = ZoneInfo("America/New_York")
REAL_REASON = qs.QUESTIONS["real_reason"].label
BUDGET = qs.QUESTIONS["budget_timing"].label


def answered(question_id: str) -> dict[str, Any]:
    return {IN_QUESTION: {IN_QUESTION: radio(question_id)}}


def answers(live: LiveApp, pid: int) -> list[ProspectAnswer]:
    with live.session() as session:
        query = select(ProspectAnswer).where(ProspectAnswer.prospect_id == pid)
        return list(session.scalars(query.order_by(ProspectAnswer.id)))


def entry_text(message: Message, pid: int) -> str:
    mine = [b for b in message.blocks if str(b.get("block_id", "")).startswith(f"p{pid}:")]
    return blocks_text(mine)


def options_of(view: dict[str, Any]) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == IN_QUESTION)
    return [o["value"] for o in block["element"]["options"]]


def details(live: LiveApp, message: Message, pid: int, count: int) -> str:
    pick(live, message, pid, ids.MENU_DETAILS)
    return blocks_text(opened_view(live, count)["blocks"])


def move_clock_to(live: LiveApp, day: date) -> None:
    live.clock.set(datetime.combine(day, time(10), NEW_YORK).astimezone(ZoneInfo("UTC")))


def test_an_answered_question_shows_as_answered_and_the_next_one_moves_on(
    live: LiveApp,
) -> None:
    pid = seed(live, "Dana Reyes", situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    stale = copy.deepcopy(message)
    assert f"Find out this time:* {REAL_REASON}" in entry_text(message, pid)
    card = open_card(live, message, pid)
    assert f"Find out this time:* {REAL_REASON}" in blocks_text(card["blocks"])
    assert options_of(card) == [*qs.BACKLOGS[Situation.SAID_NO], qs.SOMETHING_ELSE]

    values = outcome_values(Outcome.LEARNED, "Their CFO froze new tools", **answered("real_reason"))
    assert submit_card(live, card, values).text == ""
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    [answer] = answers(live, pid)
    assert (answer.question_id, answer.touch_id) == ("real_reason", touch.id)
    assert (answer.answer, answer.answered_on) == ("Their CFO froze new tools", TODAY)
    assert "Learned something new" in entry_text(digest_now(live, message), pid)

    shown = details(live, stale, pid, 2)
    assert "Questions* (1 of 5 answered)" in shown
    assert f"{REAL_REASON} \u201cTheir CFO froze new tools\u201d" in shown
    assert f":mag: {BUDGET}" in shown  # the next one, first of the open ones

    due = prospect(live, pid).next_touch_on
    assert due is not None
    move_clock_to(live, due)
    later = post_digest(live, "U1")
    assert f"Find out this time:* {BUDGET}" in entry_text(later, pid)
    click(live, later, pid, f"{ids.TACTIC}:0")
    again = opened_view(live, 3)
    assert f"Find out this time:* {BUDGET}" in blocks_text(again["blocks"])
    assert "real_reason" not in options_of(again)
    assert live.fake.validation_errors == []


def test_a_contract_end_answer_updates_the_prospect_and_its_schedule(live: LiveApp) -> None:
    pid = seed(live, "Lee Chan", "Initech", situation=Situation.COMPETITOR_CONTRACT)
    message = post_digest(live, "U1")
    assert "contract end date unknown" in entry_text(message, pid)
    card = open_card(live, message, pid)
    assert any(b.get("block_id") == IN_FACT_DATE for b in card["blocks"])

    missing = outcome_values(Outcome.LEARNED, "It ends next year", **answered("contract_end"))
    errors = submit_card(live, card, missing).json()["errors"]
    assert errors == {IN_FACT_DATE: "Pick the day their contract ends."}
    assert touches(live, pid) == [] and answers(live, pid) == []

    # The date alone is enough: it becomes the learned text.
    values = {
        **outcome_values(Outcome.LEARNED),
        **answered("contract_end"),
        IN_FACT_DATE: {IN_FACT_DATE: datepicker("2027-11-30")},
    }
    submit_card(live, card, values)
    live.fake.wait_for("chat.update")
    stored = prospect(live, pid)
    assert stored.contract_end == date(2027, 11, 30)
    assert stored.next_touch_on == date(2027, 9, 1)  # 90 days before it ends (a workday)
    assert stored.last_learned == "Contract ends November 30, 2027"
    [answer] = answers(live, pid)
    assert (answer.question_id, answer.answer) == ("contract_end", stored.last_learned)
    assert "Next: September 1, 2027" in entry_text(digest_now(live, message), pid)
    assert live.fake.validation_errors == []


def test_the_decision_maker_named_to_talk_to_becomes_the_contact(live: LiveApp) -> None:
    pid = seed(live, "Sam Ortiz", "Globex", situation=Situation.BIG_COMPANY)
    message = post_digest(live, "U1")
    card = open_card(live, message, pid)
    assert any(b.get("block_id") == IN_FACT_CONTACT for b in card["blocks"])

    # A new contact goes with the who-decides question only: refused inline, nothing written.
    wrong = {
        **outcome_values(Outcome.LEARNED, "They review costs in March"),
        **answered("cost_review"),
        IN_FACT_CONTACT: {IN_FACT_CONTACT: plain_text("Kim <!channel> Park")},
    }
    errors = submit_card(live, card, wrong).json()["errors"]
    assert list(errors) == [IN_FACT_CONTACT]
    assert touches(live, pid) == [] and answers(live, pid) == []

    # The name alone is enough: the contact changes, the history and the company stay.
    values = {
        **outcome_values(Outcome.LEARNED),
        **answered("decision_maker"),
        IN_FACT_CONTACT: {IN_FACT_CONTACT: plain_text("Kim <!channel> Park")},
    }
    assert submit_card(live, card, values).text == ""
    live.fake.wait_for("chat.update")
    stored = prospect(live, pid)
    assert (stored.name, stored.company) == ("Kim <!channel> Park", "Globex")
    assert stored.last_learned == "Kim <!channel> Park decides"
    [touch] = touches(live, pid)
    assert touch.successor == "Kim <!channel> Park"
    [answer] = answers(live, pid)
    assert (answer.question_id, answer.touch_id) == ("decision_maker", touch.id)
    redrawn = entry_text(digest_now(live, message), pid)
    assert "Kim &lt;!channel&gt; Park" in redrawn and "<!channel>" not in redrawn
    assert live.fake.validation_errors == []


def test_a_contract_end_brings_an_unhappy_customer_forward_to_the_renewal(
    live: LiveApp,
) -> None:
    pid = seed(live, "Ana Ruiz", "Globex", situation=Situation.UNHAPPY_WITH_PROVIDER)
    card = open_card(live, post_digest(live, "U1"), pid)
    values = {
        **outcome_values(Outcome.LEARNED, "Renewal talks start in spring"),
        **answered("contract_end"),
        IN_FACT_DATE: {IN_FACT_DATE: datepicker("2027-06-10")},
    }
    submit_card(live, card, values)
    live.fake.wait_for("chat.update")
    stored = prospect(live, pid)
    assert stored.contract_end == date(2027, 6, 10)
    assert stored.next_touch_on == date(2027, 3, 12)  # not the 5-month check-in (April 23)
    assert live.fake.validation_errors == []


def test_something_else_counts_as_learned_but_answers_nothing(live: LiveApp) -> None:
    pid = seed(live, situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    card = open_card(live, message, pid)
    told = "They opened a Berlin office"
    values = outcome_values(Outcome.LEARNED, told, **answered(qs.SOMETHING_ELSE))
    submit_card(live, card, values)
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    assert (touch.outcome, touch.learned) == ("learned", "They opened a Berlin office")
    assert answers(live, pid) == []
    with unit_of_work(live.sessions) as session:
        stats = reading.rep_stats(session, rep_ctx(live, session), since=TODAY)
    assert (stats.contacts, stats.learned) == (1, 1)
    assert f"Find out this time:* {REAL_REASON}" not in entry_text(digest_now(live, message), pid)
    assert live.fake.validation_errors == []


def test_bad_answers_are_refused_and_write_nothing(live: LiveApp) -> None:
    pid = seed(live, situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    card = open_card(live, message, pid)
    # A question of another situation (forged): refused after the ack, nothing written.
    foreign = outcome_values(Outcome.LEARNED, "They review costs in May", **answered("cost_review"))
    submit_card(live, card, foreign)
    live.fake.wait_for("chat.postMessage", 2)  # the digest, then the refusal
    assert "not one of this prospect" in live.fake.calls_to("chat.postMessage")[-1].params["text"]
    # A date with a question that takes none: an inline error.
    dated = {
        **outcome_values(Outcome.LEARNED, "Price", **answered("real_reason")),
        IN_FACT_DATE: {IN_FACT_DATE: datepicker("2027-03-01")},
    }
    assert IN_FACT_DATE in submit_card(live, card, dated).json()["errors"]
    assert touches(live, pid) == [] and answers(live, pid) == []

    # Another rep's prospect: the card's metadata replayed by U2 finds nothing.
    good = outcome_values(Outcome.LEARNED, "Price was not it", **answered("real_reason"))
    submit_card(live, card, good, user="U2")
    live.fake.wait_for("chat.postMessage", 3)
    assert "can't find" in live.fake.calls_to("chat.postMessage")[-1].params["text"]
    assert touches(live, pid) == [] and answers(live, pid) == []

    # A double submit logs one touch and one answer; the stale card answers nothing more.
    submit_card(live, card, good)
    submit_card(live, card, good)
    live.fake.wait_for("chat.update", 2)
    assert len(touches(live, pid)) == 1 and len(answers(live, pid)) == 1
    budget = outcome_values(Outcome.LEARNED, "Budget in May", **answered("budget_timing"))
    submit_card(live, card, budget)
    live.wait_until_idle()
    assert len(touches(live, pid)) == 1
    assert [a.question_id for a in answers(live, pid)] == ["real_reason"]
    assert live.fake.validation_errors == []


def test_answers_are_escaped_on_details_and_home(live: LiveApp) -> None:
    pid = seed(live, situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    stale = copy.deepcopy(message)
    card = open_card(live, message, pid)
    hostile = "<!channel> & <@U999> decide"
    submit_card(live, card, outcome_values(Outcome.LEARNED, hostile, **answered("real_reason")))
    live.fake.wait_for("chat.update")
    pick(live, stale, pid, ids.MENU_DETAILS)
    view = opened_view(live, 2)
    raw = json.dumps([b for b in view["blocks"] if b["type"] != "header"])
    assert "&lt;!channel&gt; &amp; &lt;@U999&gt; decide" in raw
    assert "<!channel>" not in raw and "<@U999>" not in raw

    with unit_of_work(live.sessions) as session:  # due again today: Home lists it
        found = session.get(Touch, touches(live, pid)[0].id)
        assert found is not None
        found.prospect.next_touch_on = TODAY
    live.driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    live.fake.wait_for("views.publish")
    home = json.dumps(live.fake.home_views["U1"]["blocks"])
    assert "_Answered:_" in home and f"_Find out this time:_ {BUDGET}" in home
    assert "&lt;!channel&gt;" in home and "<!channel>" not in home
    assert live.fake.validation_errors == []


def test_question_flow_on_any_database(live_any_db: LiveApp) -> None:
    live = live_any_db
    pid = seed(live, situation=Situation.COMPETITOR_CONTRACT)
    card = open_card(live, post_digest(live, "U1"), pid)
    values = {
        **outcome_values(Outcome.LEARNED, "Ends with the fiscal year"),
        **answered("contract_end"),
        IN_FACT_DATE: {IN_FACT_DATE: datepicker("2027-11-30")},
    }
    submit_card(live, card, values)
    submit_card(live, card, values)
    live.fake.wait_for("chat.update", 2)
    assert len(touches(live, pid)) == 1 and len(answers(live, pid)) == 1
    assert prospect(live, pid).next_touch_on == date(2027, 9, 1)
    assert live.fake.validation_errors == []
