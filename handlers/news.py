"""The "Did you mean …?" buttons under `/revive shipped|news` text that named nothing on file.

A click announces the news again under the name the button stands for, then replaces the
question with what came back (the reply describes what is stored: written before the ack).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.parsing import payloads
from bot.usecases import commands
from handlers._context import caller


def register(app: App) -> None:
    app.action(ids.DID_YOU_MEAN_PATTERN)(on_did_you_mean)


def on_did_you_mean(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    # Written before the ack: a UserError (a stale or forged button) raised after ack()
    # races Bolt's thread runner, and the click would hang.
    reply = commands.did_you_mean(caller(context, client), payloads.clicked_value(body))
    ack()
    respond(replace_original=True, text=reply.text, blocks=reply.blocks)
