"""The Teams section of a manager's Home: each team with its managers and reps, and for
workspace admins the New team and Edit buttons. Pure: listings in, blocks out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import ids
from bot.mrkdwn import escape, md, plain
from bot.team.teams import USER_ID, Member, TeamListing

Block = dict[str, Any]
TEAMS_SHOWN_MAX = 10  # one section each: the Teams section stays under 15 blocks


def mention(user_id: str) -> str:
    """`<@U…>`, which Slack shows as the person's current name; a malformed id, escaped."""
    return f"<@{user_id}>" if USER_ID.fullmatch(user_id) else escape(user_id)


def people(members: Sequence[Member], none: str) -> str:
    shown = [mention(m.user_id) + ("" if m.active else " (deactivated)") for m in members]
    return ", ".join(shown) if shown else none


def team_text(team: TeamListing) -> str:
    return (
        f"*{escape(team.name)}*\n"
        f"Managers: {people(team.managers, 'none')}\n"
        f"Reps ({len(team.reps)}): {people(team.reps, 'none yet')}"
    )


def teams_blocks(teams: Sequence[TeamListing], *, admin: bool) -> list[Block]:
    """The section: the teams (at most TEAMS_SHOWN_MAX), and buttons for admins."""
    intro = "*Teams*"
    if admin:
        intro += (
            "\nAs a workspace owner or admin you manage every team. Group reps into teams "
            "and give each one or more managers; a rep is in one team at most."
        )
    elif not teams:
        intro += "\nYou manage no team yet."
    blocks: list[Block] = [{"type": "section", "text": md(intro)}]
    for team in teams[:TEAMS_SHOWN_MAX]:
        block: Block = {"type": "section", "text": md(team_text(team))}
        if admin:
            block["accessory"] = {
                "type": "button",
                "action_id": ids.HOME_TEAM_EDIT,
                "text": plain("Edit"),
                "value": ids.encode_team_value(team.id),
            }
        blocks.append(block)
    if len(teams) > TEAMS_SHOWN_MAX:
        more = len(teams) - TEAMS_SHOWN_MAX
        blocks.append(
            {
                "type": "context",
                "elements": [
                    md(f"…and {more} more. `revive teams list` on the server lists them all.")
                ],
            }
        )
    if admin:
        if not teams:
            blocks.append(
                {"type": "context", "elements": [md("No teams yet: create the first one.")]}
            )
        blocks.append(
            {
                "type": "actions",
                "block_id": "home_teams",
                "elements": [
                    {
                        "type": "button",
                        "action_id": ids.HOME_TEAM_NEW,
                        "text": plain("New team"),
                        "style": "primary",
                    }
                ],
            }
        )
    return blocks
