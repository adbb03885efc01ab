"""Fixed texts the bot shows; written in our own words."""

from __future__ import annotations

from typing import Any

HELP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/revive add", "add a dormant prospect (opens a form)"),
    ("/revive list", "your dormant prospects, their situations and next dates"),
    ("/revive stats", "your numbers: contacts, what you learned, revivals"),
    ("/revive snooze <prospect> <date | N days>", "move a prospect to a later day"),
    ("/revive help", "this help"),
)

HELP_TEXT = "Revive helps you bring dormant prospects back to life. Commands: " + "; ".join(
    f"{command} — {what}" for command, what in HELP_COMMANDS
)


def help_blocks() -> list[dict[str, Any]]:
    lines = "\n".join(f"`{command}` — {what}" for command, what in HELP_COMMANDS)
    return [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Revive* coaches you to bring dormant prospects back to life: "
                "each morning it tells you who is due and which tactic fits.",
            },
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": lines}},
    ]
