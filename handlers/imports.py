"""`/revive import`: the upload modal, the preview DM's Import and Cancel buttons; and
`/revive export`, the rep's prospects as a CSV file in their DM.

Reading a file, or a big pipeline, can take longer than Slack's 3 seconds, so each listener
acks first and works after; whatever goes wrong then reaches the app's error handler, which
tells the user (a DM, or an ephemeral). The use cases are in bot.imports.flow and
bot.usecases.exports.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.app import tell_user
from bot.blocks.import_preview import CANCELLED, read_import_form
from bot.imports import flow
from bot.parsing import payloads
from bot.usecases import exports
from handlers._context import caller

NO_FILE = "Choose a CSV file to import."


def register(app: App) -> None:
    app.view(ids.IMPORT_MODAL)(on_import_submitted)
    app.action(ids.IMPORT_CONFIRM)(on_import_confirm)
    app.action(ids.IMPORT_CANCEL)(on_import_cancel)


def import_command(ack: Ack, command: dict[str, str], client: WebClient) -> None:
    """Called by handlers.commands for `/revive import`: the upload modal."""
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=flow.import_form())


def on_import_submitted(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    value = read_import_form(payloads.view_values(view))
    if value is None:
        ack(response_action="errors", errors={ids.IN_IMPORT_FILE: NO_FILE})
        return
    ack()  # the modal closes; the preview arrives as a DM
    client.chat_postMessage(**flow.preview_import(caller(context, client), value))


def on_import_confirm(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    value = ids.decode_import_value(payloads.raw_value(body))
    done = flow.import_file(caller(context, client), value)
    if done.already:
        respond(response_type="ephemeral", replace_original=False, text=done.text)
        return
    respond(replace_original=True, text=done.text, blocks=done.blocks)
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    flow.send_report(client, channel=str(channel), done=done)


def on_import_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(replace_original=True, text=CANCELLED)


def export_command(ack: Ack, context: BoltContext, client: WebClient, rest: str) -> None:
    """Called by handlers.commands for `/revive export`: ack, then build and upload the file
    (files upload v2) in this listener's thread, and say what was sent."""
    if rest:
        ack(response_type="ephemeral", text=exports.USAGE)
        return
    ack(response_type="ephemeral", text=exports.PREPARING)
    reply = exports.export_own(caller(context, client))
    tell_user(context, client, reply.text)
