"""End to end: the re-evaluate card after blank contacts, and its two answers, over HTTP."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot import coach, ids
from bot.domain import DecisionKind, Outcome, ProspectStatus, Situation
from bot.usecases.outcomes import OutcomeInput, log_outcome
from store.db import unit_of_work
from store.models import Decision, Prospect
from tests.conftest import LiveApp
from tests.digests import rep_ctx, seed
from tests.fakeslack import Message, blocks_text
from tests.slack_driver import radio


def blank_contacts(live: LiveApp) -> tuple[int, Message]:
    """A prospect at the nothing-new limit (2): one blank contact stored, the second over HTTP."""
    pid = seed(live, "Dana Reyes", "Acme Corp", situation=Situation.SAID_NO)
    with unit_of_work(live.sessions) as session:
        ctx = rep_ctx(live, session)
        prospect = session.get(Prospect, pid)
        assert prospect is not None
        given = OutcomeInput(pid, prospect.version, Outcome.NOTHING_NEW, "real_reason")
        version = log_outcome(session, ctx, given, now=live.clock()).prospect.version
    meta = ids.encode_meta(ids.ModalMeta(prospect_id=pid, version=version, tactic_id="new_ideas"))
    values = {ids.IN_OUTCOME: {ids.OUTCOME_SELECT: radio(Outcome.NOTHING_NEW.value)}}
    answer = live.driver.view_submission("U1", ids.OUTCOME_MODAL, values, private_metadata=meta)
    assert answer.status == 200
    live.fake.wait_for("chat.postMessage")
    [card] = live.fake.messages("U1")
    return pid, card


def card_element(card: Message, action_id: str) -> dict[str, Any]:
    return next(
        e
        for b in card.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )


def decisions(live: LiveApp, pid: int) -> list[Decision]:
    with live.session() as session:
        return list(session.scalars(select(Decision).where(Decision.prospect_id == pid)))


def status(live: LiveApp, pid: int) -> Prospect:
    with live.session() as session:
        found = session.get(Prospect, pid)
        assert found is not None
        session.expunge(found)
        return found


def test_card_after_the_blank_limit_then_walk_away_once(live: LiveApp) -> None:
    pid, card = blank_contacts(live)
    text = blocks_text(card.blocks)
    assert "Dana Reyes" in text and "2 conversations in a row taught you nothing new" in text
    tried = [coach.TACTICS[t].title for t in ("real_reason", "new_ideas")]
    assert f"Tried:* {tried[0]}, {tried[1]}" in text
    select_ = card_element(card, ids.DECIDE_WALK_AWAY)
    keep = card_element(card, ids.DECIDE_KEEP_GOING)
    assert keep["text"]["text"].startswith("Keep going with ")
    option = next(o for o in select_["options"] if "not_a_fit" in o["value"])
    clicked = {"type": "message", "ts": card.ts, "text": card.text, "blocks": card.blocks}
    for _ in range(2):  # a double answer records one decision
        live.driver.block_action(
            "U1",
            ids.DECIDE_WALK_AWAY,
            action_type="static_select",
            block_id=f"{ids.REEVALUATE_BLOCK}:{pid}",
            selected_option=option["value"],
            message=clicked,
            channel_id="DU1",
        )
    live.fake.wait_for("chat.update", 2)
    [response] = live.fake.wait_for_response(1)
    assert "Already decided" in response.body["text"]
    assert [(d.kind, d.reason) for d in decisions(live, pid)] == [("walk_away", "not_a_fit")]
    assert status(live, pid).status == ProspectStatus.WALKED_AWAY.value
    [updated] = live.fake.messages("U1")
    assert "You walked away" in blocks_text(updated.blocks)
    assert not any(b["type"] == "actions" for b in updated.blocks)
    assert live.fake.validation_errors == []


def test_keep_going_is_recorded_once_and_shown_in_history(live: LiveApp) -> None:
    pid, card = blank_contacts(live)
    keep = card_element(card, ids.DECIDE_KEEP_GOING)
    clicked = {"type": "message", "ts": card.ts, "text": card.text, "blocks": card.blocks}
    for _ in range(2):
        live.driver.block_action(
            "U1",
            ids.DECIDE_KEEP_GOING,
            keep["value"],
            block_id=f"{ids.REEVALUATE_BLOCK}:{pid}",
            message=clicked,
            channel_id="DU1",
        )
    live.fake.wait_for("chat.update", 2)
    live.fake.wait_for_response(1)
    assert [d.kind for d in decisions(live, pid)] == [DecisionKind.KEEP_GOING.value]
    after = status(live, pid)
    assert after.status == ProspectStatus.DORMANT.value and after.nothing_new_streak == 0
    assert after.next_touch_on is not None
    assert "Keeping going" in blocks_text(live.fake.messages("U1")[0].blocks)
    # The details modal lists the decision.
    value = ids.encode_value(ids.ActionValue(pid, after.version, None, ids.MENU_DETAILS))
    live.driver.block_action("U1", ids.PROSPECT_MENU, value, channel_id="DU1")
    live.fake.wait_for("views.open")
    [details] = live.fake.views.values()
    assert "Decided to keep going" in blocks_text(details["blocks"])
    assert live.fake.validation_errors == []


def test_a_foreign_rep_cannot_answer_the_card(live: LiveApp) -> None:
    pid, card = blank_contacts(live)
    keep = card_element(card, ids.DECIDE_KEEP_GOING)
    live.driver.block_action("U2", ids.DECIDE_KEEP_GOING, keep["value"], channel_id="DU2")
    [response] = live.fake.wait_for_response(1)
    assert "can't find that prospect" in response.body["text"]
    assert decisions(live, pid) == []
    assert live.fake.calls_to("chat.update") == []
    assert live.fake.validation_errors == []
