"""`/revive …` slash commands.

Every answer rides on the ack body as an ephemeral message (writes commit first);
`/revive add` and `/revive import` may open a modal instead, and `/revive export` acks
first and answers once its file is up. Errors are UserErrors, which the app's
error handler turns into an ephemeral ack saying what to type instead.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import texts
from bot.blocks.command_replies import not_understood
from bot.parsing import payloads
from bot.usecases import commands
from handlers._context import caller
from handlers.add import add_command
from handlers.imports import export_command, import_command

COMMAND = "/revive"


def register(app: App) -> None:
    app.command(COMMAND)(on_revive)


def on_revive(ack: Ack, command: dict[str, str], context: BoltContext, client: WebClient) -> None:
    text = payloads.command_text(command)
    word, _, rest = text.partition(" ")
    word, rest = word.lower(), rest.strip()
    if word in ("", "help"):
        ack(response_type="ephemeral", text=texts.HELP_TEXT, blocks=texts.help_blocks())
        return
    if word == "add":
        add_command(ack, command, context, client, rest)
        return
    if word == "import":
        import_command(ack, command, client)
        return
    if word == "export":
        export_command(ack, context, client, rest)
        return
    if not commands.is_command(word):
        reply = not_understood(text)
        ack(response_type="ephemeral", text=reply.text, blocks=reply.blocks)
        return
    reply = commands.run_command(caller(context, client), word, rest)
    # The unit of work has committed: the reply describes what is stored.
    ack(response_type="ephemeral", text=reply.text, blocks=reply.blocks)
