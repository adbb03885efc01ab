"""The manager's walk-away review on the Home: Reopen, Hand to a fresh voice, its modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.walkaway_review import read_hand_over
from bot.parsing import payloads
from bot.team import review_clicks
from bot.team.review_clicks import ReviewAnswer
from handlers._context import caller, send


def register(app: App) -> None:
    app.action(ids.REVIEW_REOPEN)(on_reopen)
    app.action(ids.REVIEW_HAND_OVER)(on_hand_over)
    app.view(ids.HAND_OVER_MODAL)(on_hand_over_submitted)


def on_reopen(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    value = payloads.clicked_value(body)
    deliver(context, client, review_clicks.reopen(caller(context, client), value))


def on_hand_over(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    value = payloads.clicked_value(body)
    followups = review_clicks.open_hand_over(caller(context, client), value)
    send(context, client, followups, body["trigger_id"])


def on_hand_over_submitted(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = payloads.modal_meta(view)
    form = read_hand_over(payloads.view_values(view))
    answer = review_clicks.hand_over(caller(context, client), meta, form)
    if answer.response is not None:
        ack(**answer.response)
        return
    ack()  # after the commit: a closed modal means the hand-over is stored
    deliver(context, client, answer)


def deliver(context: BoltContext, client: WebClient, answer: ReviewAnswer) -> None:
    send(context, client, answer.followups)
    redrawn = answer.home()
    if redrawn is not None:
        redrawn.publish(client)
