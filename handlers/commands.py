"""`/revive …` slash commands."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot import texts

COMMAND = "/revive"


def register(app: App) -> None:
    app.command(COMMAND)(on_revive)


def on_revive(ack: Ack, command: dict[str, str]) -> None:
    ack(response_type="ephemeral", text=texts.HELP_TEXT, blocks=texts.help_blocks())
