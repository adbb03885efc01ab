"""Fixed texts the bot shows; written in our own words."""

from __future__ import annotations

from typing import Any

HELP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("/revive add", "add a dormant prospect (opens a form)"),
    ("/revive add <name>, <company>, <situation>, <key: value>…", "add one in a single line"),
    ("/revive list", "your dormant prospects, their situations and next dates"),
    ("/revive stats", "your numbers this month: contacts, what you learned, revivals"),
    (
        "/revive team [team] [this week | this month | last 30 days | <date> to <date>]",
        "managers: each rep's numbers and which tactics revive which situations",
    ),
    ("/revive snooze <prospect> <date | N days>", "move a prospect to a later day"),
    ("/revive shipped <feature>", "a feature shipped: bring back everyone who needed it"),
    ("/revive news <competitor>", "news about a competitor: bring back their customers"),
    ("/revive import", "import prospects from a CSV file (HubSpot, Salesforce, Pipedrive…)"),
    ("/revive export", "your prospects as a CSV file, sent to you in a DM"),
    ("/revive help", "this help"),
)

QUICK_ADD_EXAMPLE = (
    "/revive add Dana Reyes, Acme Corp, went quiet, proposal: 2026-11-02, referrer: Sam Lee"
)
QUICK_ADD_KEYS = (
    "competitor (or vendor), feature, contract end (or renewal), decided on, proposal "
    "(when it was sent), proposal expires, referrer (or referred by), email, phone, "
    "reason (what they said), note"
)
QUICK_ADD_SITUATIONS = (
    "went quiet / ghosted, said no (price, budget, timing…), missing feature, "
    "competitor contract, unhappy with their provider, big company, chose a competitor"
)
QUICK_ADD_DATES = "2027-03-03, Mar 3, 3 March 2027, 3/3/2027, tomorrow, next week, in 90 days"

HELP_TEXT = "Revive helps you bring dormant prospects back to life. Commands: " + "; ".join(
    f"{command} — {what}" for command, what in HELP_COMMANDS
)


def help_blocks(intro: str | None = None) -> list[dict[str, Any]]:
    """The help; `intro` (mrkdwn, already escaped) goes first, e.g. what was not understood."""
    lines = "\n".join(f"`{command}` — {what}" for command, what in HELP_COMMANDS)
    quick = (
        "*Adding in one line.* Name and company first, then why they went dormant in your "
        f"own words, then any `key: value` fields, all separated by commas:\n`{QUICK_ADD_EXAMPLE}`"
        f"\n• Situations: {QUICK_ADD_SITUATIONS}\n• Keys: {QUICK_ADD_KEYS}\n"
        f"• Dates: {QUICK_ADD_DATES}\n"
        "Anything I can't read opens the form with what I understood filled in."
    )
    blocks: list[dict[str, Any]] = []
    if intro:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": intro}})
    blocks += [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Revive* coaches you to bring dormant prospects back to life: "
                "each morning it tells you who is due and which tactic fits.",
            },
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": lines}},
        {"type": "section", "text": {"type": "mrkdwn", "text": quick}},
    ]
    return blocks
