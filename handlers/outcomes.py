"""Tactic cards, logging an outcome, and the re-evaluate card's decisions.

Each listener reads the payload (bot.parsing.payloads), calls one use case and sends
what it returns; every write commits inside the use case before anything is sent.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.tactic_card import read_outcome_form
from bot.domain import DecisionKind, Outcome, WalkAwayReason
from bot.parsing import payloads
from bot.usecases import decisions, tactic_cards
from handlers._context import answer_submission, caller, send


def register(app: App) -> None:
    app.action(ids.TACTIC_PATTERN)(on_tactic)
    app.action(ids.OUTCOME_SELECT)(on_outcome_picked)
    app.view(ids.OUTCOME_MODAL)(on_outcome_submitted)
    app.action(ids.DECIDE_WALK_AWAY)(on_decide_walk_away)
    app.action(ids.DECIDE_KEEP_GOING)(on_decide_keep_going)


def on_tactic(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    value = payloads.clicked_value(body)
    ref = payloads.digest_ref_from_click(body, value)
    followups = tactic_cards.open_tactic_card(caller(context, client), value, ref)
    send(context, client, followups, body["trigger_id"])


def on_outcome_picked(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """The radio changed: redraw the form for that outcome and re-propose the date."""
    ack()
    view = body["view"]
    meta = payloads.modal_meta(view)
    try:
        outcome = Outcome(payloads.selected_option(body))
    except ValueError:
        raise ids.STALE from None
    new_view = tactic_cards.redraw_tactic_card(caller(context, client), meta, outcome)
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_view)
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise
        # A later pick already redrew the modal; that one wins.


def on_outcome_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = payloads.modal_meta(view)
    form = read_outcome_form(payloads.view_values(view))
    ref = payloads.digest_ref_from_meta(meta)
    answer = tactic_cards.submit_outcome(caller(context, client), meta, form, ref)
    answer_submission(ack, context, client, answer)


def on_decide_walk_away(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    value = payloads.clicked_value(body)
    try:
        reason = WalkAwayReason(value.option)
    except ValueError:
        raise ids.STALE from None
    _decide(body, context, client, value, DecisionKind.WALK_AWAY, reason)


def on_decide_keep_going(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    ack()
    value = payloads.clicked_value(body)
    _decide(body, context, client, value, DecisionKind.KEEP_GOING, None)


def _decide(
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    value: ids.ActionValue,
    kind: DecisionKind,
    reason: WalkAwayReason | None,
) -> None:
    card = payloads.message_location(body)
    ref = payloads.digest_ref_from_click(body, value)  # the digest shows the question too
    who = caller(context, client)
    send(context, client, decisions.answer_reevaluation(who, value, kind, reason, card, ref))
