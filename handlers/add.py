"""Adding prospects: `/revive add`, the add modal, the duplicate prompt, Home's Add button.

The quick text is read here, at the boundary, before any database work: text over
the limits is refused with nothing written. The use cases in bot.usecases.add_flow
commit before the ack, so the reply a rep sees describes what is stored.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.add_modal import add_anyway_ticked, submitted_prospect
from bot.parsing import payloads
from bot.parsing.quick_add import decode_pending, read_quick_add
from bot.usecases import add_flow
from handlers._context import answer_submission, caller


def register(app: App) -> None:
    app.view(ids.ADD_MODAL)(on_add_submitted)
    app.action(ids.ADD_ANYWAY)(on_add_anyway)
    app.action(ids.ADD_CANCEL)(on_add_cancel)
    app.action(ids.HOME_ADD)(on_home_add)


def add_command(
    ack: Ack, command: dict[str, str], context: BoltContext, client: WebClient, text: str
) -> None:
    """Called by handlers.commands for `/revive add …` with the cleaned text after `add`."""
    quick = read_quick_add(text) if text else None
    answer = add_flow.quick_add(caller(context, client), quick)
    if answer.view is None:
        assert answer.reply is not None
        ack(response_type="ephemeral", text=answer.reply.text, blocks=answer.reply.blocks)
        return
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=answer.view)


def on_add_anyway(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    # Checked and written before the ack: a UserError raised after ack() races Bolt's
    # thread runner (the ack is lost and the click hangs for 3 seconds).
    new, existing = decode_pending(payloads.raw_value(body))
    reply = add_flow.add_anyway(caller(context, client), new, existing)
    ack()
    respond(replace_original=True, text=reply.text, blocks=reply.blocks)


def on_add_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(replace_original=True, text="OK, I didn't add it.")


def on_home_add(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    view = add_flow.add_form(caller(context, client))
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_add_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    meta = payloads.modal_meta(view)
    values = payloads.view_values(view)
    new, ticked = submitted_prospect(values), add_anyway_ticked(values)
    answer = add_flow.submit_add_form(caller(context, client), new, meta, ticked)
    answer_submission(ack, context, client, answer)
