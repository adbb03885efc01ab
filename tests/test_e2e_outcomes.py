"""End to end: the digest's buttons, the tactic card and logging outcomes, over signed HTTP."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from sqlalchemy import select

from bot import ids
from bot.blocks.tactic_card import next_date_block_id
from bot.domain import Outcome, ProspectStatus, Situation, WalkAwayReason
from store.models import Decision, Prospect, Touch
from tests.conftest import LiveApp
from tests.digests import as_clicked, post_digest, seed
from tests.fakeslack import Message, blocks_text
from tests.slack_driver import datepicker, plain_text, radio, static_select

TODAY = date(2026, 11, 24)  # the clock's Tuesday, in New York


def element(message: Message, pid: int, action_id: str) -> dict[str, Any]:
    for block in message.blocks:
        if block.get("block_id") == ids.prospect_block_id(pid, "actions"):
            for el in block.get("elements", []):
                if el.get("action_id") == action_id:
                    return el
    raise AssertionError(f"no {action_id} for prospect {pid}")


def menu_value(message: Message, pid: int, option: str) -> str:
    block = next(
        b for b in message.blocks if b.get("block_id") == ids.prospect_block_id(pid, "info")
    )
    for opt in block["accessory"]["options"]:
        if ids.decode_value(opt["value"]).option == option:
            return str(opt["value"])
    raise AssertionError(option)


def click(live: LiveApp, message: Message, pid: int, action_id: str, user: str = "U1", **kw: Any):
    el = element(message, pid, action_id)
    return live.driver.block_action(
        user,
        action_id,
        el["value"],
        block_id=ids.prospect_block_id(pid, "actions"),
        message=as_clicked(message),
        channel_id="DU1",
        **kw,
    )


def pick(live: LiveApp, message: Message, pid: int, option: str, user: str = "U1", **kw: Any):
    return live.driver.block_action(
        user,
        ids.PROSPECT_MENU,
        block_id=ids.prospect_block_id(pid, "info"),
        action_type="overflow",
        selected_option=menu_value(message, pid, option),
        message=as_clicked(message),
        channel_id="DU1",
        **kw,
    )


def touches(live: LiveApp, pid: int) -> list[Touch]:
    with live.session() as session:
        return list(session.scalars(select(Touch).where(Touch.prospect_id == pid)))


def prospect(live: LiveApp, pid: int) -> Prospect:
    with live.session() as session:
        found = session.get(Prospect, pid)
        assert found is not None
        session.expunge(found)
        return found


def digest_now(live: LiveApp, message: Message) -> Message:
    return next(m for m in live.fake.messages("U1") if m.ts == message.ts)


def opened_view(live: LiveApp, count: int = 1) -> dict[str, Any]:
    live.fake.wait_for("views.open", count)
    return list(live.fake.views.values())[count - 1]  # views.update keeps the order


def open_card(live: LiveApp, message: Message, pid: int) -> dict[str, Any]:
    click(live, message, pid, f"{ids.TACTIC}:0")
    return opened_view(live)


def submit_card(live: LiveApp, view: dict[str, Any], values: dict[str, Any], user: str = "U1"):
    return live.driver.view_submission(
        user, ids.OUTCOME_MODAL, values, private_metadata=view["private_metadata"]
    )


def outcome_values(outcome: Outcome, learned: str | None = None, **more: Any) -> dict[str, Any]:
    values: dict[str, Any] = {ids.IN_OUTCOME: {ids.OUTCOME_SELECT: radio(outcome.value)}}
    if learned is not None:
        values[ids.IN_LEARNED] = {ids.IN_LEARNED: plain_text(learned)}
    values.update(more)
    return values


def test_tactic_button_opens_the_card_rendered_for_the_prospect(live: LiveApp) -> None:
    pid = seed(live, "Dana Reyes", "Acme Corp", referrer="Sam Lee")
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    text = blocks_text(view["blocks"])
    assert view["callback_id"] == ids.OUTCOME_MODAL
    assert len(view["title"]["text"]) <= 24
    assert "Dana" in text and "Acme Corp" in text
    assert "What to say" in text and "Homework first" in text and "Tactic after " in text
    assert "{" not in text and "None" not in text
    meta = ids.decode_meta(view["private_metadata"])
    assert (meta.prospect_id, meta.message_ts, meta.channel_id) == (pid, message.ts, "DU1")
    assert meta.proposed is not None
    assert live.fake.validation_errors == []


def test_submit_learned_logs_one_touch_and_updates_the_digest_in_place(live: LiveApp) -> None:
    pid = seed(live, "Dana Reyes")
    other = seed(live, "Lee Chan", "Initech")
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    answer = submit_card(live, view, outcome_values(Outcome.LEARNED, "Budget moves to Q2"))
    assert answer.status == 200 and answer.text == ""
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    assert (touch.outcome, touch.learned) == ("learned", "Budget moves to Q2")
    assert prospect(live, pid).last_learned == "Budget moves to Q2"
    updated = digest_now(live, message)
    mine = blocks_text(
        [b for b in updated.blocks if str(b.get("block_id", "")).startswith(f"p{pid}:")]
    )
    assert ":white_check_mark:" in mine and "Learned something new" in mine
    assert element(updated, other, f"{ids.TACTIC}:0")  # the other prospect keeps its buttons
    try:
        element(updated, pid, ids.NO_REPLY)
        raise AssertionError("the logged prospect kept its buttons")
    except AssertionError as error:
        assert "no revive_no_reply" in str(error)
    assert live.fake.validation_errors == []


def test_learned_without_text_is_an_inline_error_and_writes_nothing(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    answer = submit_card(live, view, outcome_values(Outcome.LEARNED, "  "))
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "What did you learn" in body["errors"][ids.IN_LEARNED]
    answer = submit_card(live, view, {})
    assert ids.IN_OUTCOME in answer.json()["errors"]
    assert touches(live, pid) == []
    assert live.fake.calls_to("chat.update") == []
    assert live.fake.validation_errors == []


def test_next_date_in_the_past_is_refused_and_an_edited_date_is_kept(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    block = next_date_block_id(None)
    past = {block: {ids.IN_NEXT_DATE: datepicker("2026-11-20")}}
    answer = submit_card(live, view, outcome_values(Outcome.NOTHING_NEW, **past))
    assert answer.json()["errors"] == {block: "Pick a day after today."}
    chosen = {block: {ids.IN_NEXT_DATE: datepicker("2027-01-12")}}
    submit_card(live, view, outcome_values(Outcome.NOTHING_NEW, **chosen))
    live.wait_until(lambda: touches(live, pid))
    assert prospect(live, pid).next_touch_on == date(2027, 1, 12)
    assert live.fake.validation_errors == []


def test_picking_an_outcome_redraws_the_form_with_the_coach_proposal(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    live.driver.block_action(
        "U1",
        ids.OUTCOME_SELECT,
        block_id=ids.IN_OUTCOME,
        action_type="radio_buttons",
        selected_option=Outcome.WALKED_AWAY.value,
        view=view,
    )
    live.fake.wait_for("views.update")
    redrawn = live.fake.views[view["id"]]
    block_ids = {b.get("block_id") for b in redrawn["blocks"]}
    assert ids.IN_WALK_REASON in block_ids
    assert not any(str(b).startswith(ids.IN_NEXT_DATE) for b in block_ids)
    live.driver.block_action(
        "U1",
        ids.OUTCOME_SELECT,
        block_id=ids.IN_OUTCOME,
        action_type="radio_buttons",
        selected_option=Outcome.NO_REPLY.value,
        view=live.fake.views[view["id"]],
    )
    live.fake.wait_for("views.update", 2)
    redrawn = live.fake.views[view["id"]]
    meta = ids.decode_meta(redrawn["private_metadata"])
    date_block = next(
        b for b in redrawn["blocks"] if b.get("block_id") == next_date_block_id(Outcome.NO_REPLY)
    )
    assert date_block["element"]["initial_date"] == meta.proposed
    assert touches(live, pid) == []
    assert live.fake.validation_errors == []


def test_walk_away_from_the_card_needs_a_reason(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    answer = submit_card(live, view, outcome_values(Outcome.WALKED_AWAY))
    assert ids.IN_WALK_REASON in answer.json()["errors"]
    reason = {ids.IN_WALK_REASON: {ids.IN_WALK_REASON: static_select("not_a_fit")}}
    submit_card(live, view, outcome_values(Outcome.WALKED_AWAY, **reason))
    live.fake.wait_for("chat.update")
    assert prospect(live, pid).status == ProspectStatus.WALKED_AWAY.value
    with live.session() as session:
        [decision] = session.scalars(select(Decision).where(Decision.prospect_id == pid))
        assert decision.reason == WalkAwayReason.NOT_A_FIT.value
    assert live.fake.validation_errors == []


def test_no_reply_is_one_click_and_a_double_click_logs_once(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    stale = copy.deepcopy(message)  # the fake updates `message` in place
    click(live, message, pid, ids.NO_REPLY)
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    assert touch.outcome == Outcome.NO_REPLY.value
    assert "No reply yet" in blocks_text(digest_now(live, message).blocks)
    click(live, stale, pid, ids.NO_REPLY)  # the same (now stale) button again
    [response] = live.fake.wait_for_response(1)
    assert "Already logged" in response.body["text"]
    assert response.body.get("response_type") == "ephemeral"
    assert len(touches(live, pid)) == 1
    click(live, stale, pid, f"{ids.TACTIC}:0")  # a stale tactic button: no modal
    live.fake.wait_for_response(2)
    assert live.fake.calls_to("views.open") == []
    assert len(touches(live, pid)) == 1
    assert live.fake.validation_errors == []


def test_snooze_one_week_from_the_menu(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    pick(live, message, pid, ids.MENU_SNOOZE_WEEK)
    live.fake.wait_for("chat.update")
    [touch] = touches(live, pid)
    assert touch.outcome == Outcome.SNOOZED.value
    assert prospect(live, pid).next_touch_on == date(2026, 12, 1)
    assert "Snoozed. Next: December 1" in blocks_text(digest_now(live, message).blocks)
    assert live.fake.validation_errors == []


def test_snooze_to_a_picked_date(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    pick(live, message, pid, ids.MENU_SNOOZE_PICK)
    view = opened_view(live)
    assert view["callback_id"] == ids.SNOOZE_MODAL
    meta = view["private_metadata"]
    bad = {ids.IN_SNOOZE_DATE: {ids.IN_SNOOZE_DATE: datepicker("2026-11-01")}}
    answer = live.driver.view_submission("U1", ids.SNOOZE_MODAL, bad, private_metadata=meta)
    assert ids.IN_SNOOZE_DATE in answer.json()["errors"]
    good = {ids.IN_SNOOZE_DATE: {ids.IN_SNOOZE_DATE: datepicker("2027-02-01")}}
    live.driver.view_submission("U1", ids.SNOOZE_MODAL, good, private_metadata=meta)
    live.fake.wait_for("chat.update")
    assert prospect(live, pid).next_touch_on == date(2027, 2, 1)
    assert len(touches(live, pid)) == 1
    assert live.fake.validation_errors == []


def test_walk_away_from_the_menu_with_a_reason(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    pick(live, message, pid, ids.MENU_WALK_AWAY)
    view = opened_view(live)
    meta = view["private_metadata"]
    answer = live.driver.view_submission("U1", ids.WALK_AWAY_MODAL, {}, private_metadata=meta)
    assert ids.IN_WALK_REASON in answer.json()["errors"]
    values = {
        ids.IN_WALK_REASON: {ids.IN_WALK_REASON: static_select("unreachable")},
        ids.IN_NOTE: {ids.IN_NOTE: plain_text("Left three voicemails")},
    }
    live.driver.view_submission("U1", ids.WALK_AWAY_MODAL, values, private_metadata=meta)
    live.fake.wait_for("chat.update")
    live.driver.view_submission("U1", ids.WALK_AWAY_MODAL, values, private_metadata=meta)
    live.fake.wait_for("chat.postMessage", 2)  # the digest, then "already decided"
    with live.session() as session:
        decisions = list(session.scalars(select(Decision).where(Decision.prospect_id == pid)))
    assert [(d.kind, d.reason, d.note) for d in decisions] == [
        ("walk_away", "unreachable", "Left three voicemails")
    ]
    assert prospect(live, pid).status == ProspectStatus.WALKED_AWAY.value
    assert "Walked away" in blocks_text(digest_now(live, message).blocks)
    assert "Already decided" in live.fake.calls_to("chat.postMessage")[-1].params["text"]
    assert live.fake.validation_errors == []


def test_details_show_facts_and_history_escaped(live: LiveApp) -> None:
    pid = seed(live, "<!channel>", "<@U123> Corp", situation=Situation.SAID_NO)
    message = post_digest(live, "U1")
    stale = copy.deepcopy(message)
    view = open_card(live, message, pid)
    submit_card(live, view, outcome_values(Outcome.LEARNED, "<!here> wants SSO"))
    live.fake.wait_for("chat.update")
    pick(live, stale, pid, ids.MENU_DETAILS)  # details stay open to an old message
    details = opened_view(live, 2)
    assert details["callback_id"] == ids.DETAILS_MODAL
    text = blocks_text(details["blocks"])
    assert "Learned something new" in text and "&lt;!here&gt; wants SSO" in text
    mrkdwn = json.dumps([b for b in details["blocks"] if b["type"] != "header"])
    assert "<!here>" not in mrkdwn and "<@U123>" not in mrkdwn and "<!channel>" not in mrkdwn
    assert live.fake.validation_errors == []


def test_foreign_user_team_or_forged_value_is_refused_and_writes_nothing(live: LiveApp) -> None:
    pid = seed(live)
    message = post_digest(live, "U1")
    click(live, message, pid, ids.NO_REPLY, user="U2")  # a colleague's click
    click(live, message, pid, ids.NO_REPLY, team_id="T2")  # same user id, another team
    pick(live, message, pid, ids.MENU_SNOOZE_WEEK, user="U2")
    responses = live.fake.wait_for_response(3)
    assert all("can't find that prospect" in r.body["text"] for r in responses)
    forged = ids.encode_value(ids.ActionValue(pid + 1000, 1, "real_reason"))
    live.driver.block_action("U1", ids.NO_REPLY, forged, message=as_clicked(message))
    live.driver.block_action("U1", ids.NO_REPLY, "not json", message=as_clicked(message))
    responses = live.fake.wait_for_response(5)
    assert "can't find" in responses[3].body["text"] or "can't find" in responses[4].body["text"]
    assert any("old message" in r.body["text"] for r in responses[3:])
    meta = ids.encode_meta(ids.ModalMeta(prospect_id=pid, version=1, tactic_id="real_reason"))
    live.driver.view_submission(
        "U2", ids.OUTCOME_MODAL, outcome_values(Outcome.NO_REPLY), private_metadata=meta
    )
    live.fake.wait_for("chat.postMessage", 2)  # digest + the refusal DM to U2
    assert "can't find" in live.fake.calls_to("chat.postMessage")[-1].params["text"]
    assert touches(live, pid) == []
    assert live.fake.calls_to("views.open") == []
    assert live.fake.calls_to("chat.update") == []
    assert live.fake.validation_errors == []


def test_outcome_flow_on_any_database(live_any_db: LiveApp) -> None:
    live = live_any_db
    pid = seed(live)
    message = post_digest(live, "U1")
    view = open_card(live, message, pid)
    submit_card(live, view, outcome_values(Outcome.LEARNED, "They hired a new CTO"))
    submit_card(live, view, outcome_values(Outcome.LEARNED, "They hired a new CTO"))
    live.fake.wait_for("chat.update", 2)
    assert len(touches(live, pid)) == 1
    assert live.fake.validation_errors == []
