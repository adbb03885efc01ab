"""The digest's one-click buttons and its overflow menu: no reply, snooze, walk away, details."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.prospect_modals import read_do_not_contact, read_walk_reason
from bot.blocks.state import read_date, read_text
from bot.parsing import payloads
from bot.usecases import decisions, digest_clicks
from handlers._context import answer_submission, caller, send


def register(app: App) -> None:
    app.action(ids.NO_REPLY)(on_no_reply)
    app.action(ids.PROSPECT_MENU)(on_menu)
    app.view(ids.SNOOZE_MODAL)(on_snooze_submitted)
    app.view(ids.WALK_AWAY_MODAL)(on_walk_away_submitted)
    app.view(ids.DETAILS_MODAL)(on_details_submitted)


def on_no_reply(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    value = payloads.clicked_value(body)
    ref = payloads.digest_ref_from_click(body, value)
    send(context, client, digest_clicks.no_reply(caller(context, client), value, ref))


def on_menu(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    value = payloads.clicked_value(body)
    ref = payloads.digest_ref_from_click(body, value)
    who = caller(context, client)
    if value.option == ids.MENU_SNOOZE_WEEK:
        followups = digest_clicks.snooze_week(who, value, ref)
    else:
        followups = digest_clicks.open_menu_item(who, value, ref)
    send(context, client, followups, body["trigger_id"])


def on_snooze_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = payloads.modal_meta(view)
    picked = read_date(payloads.view_values(view), ids.IN_SNOOZE_DATE)
    ref = payloads.digest_ref_from_meta(meta)
    answer = digest_clicks.snooze_to(caller(context, client), meta, picked, ref)
    answer_submission(ack, context, client, answer)


def on_walk_away_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = payloads.modal_meta(view)
    values = payloads.view_values(view)
    reason, note = read_walk_reason(values), read_text(values, ids.IN_NOTE)
    ref = payloads.digest_ref_from_meta(meta)
    answer = decisions.walk_away(caller(context, client), meta, reason, note, ref)
    answer_submission(ack, context, client, answer)



def on_details_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = payloads.modal_meta(view)
    checked = read_do_not_contact(payloads.view_values(view))
    ref = payloads.digest_ref_from_meta(meta)
    answer = digest_clicks.do_not_contact(caller(context, client), meta, checked, ref)
    answer_submission(ack, context, client, answer)
