"""A team's report channel: the channel its weekly report goes to instead of each manager's DM.

Set from the Teams modal or `revive teams set --report-channel C…`. Before the save the
caller asks Slack about a channel that changed (`channel_from_slack`, conversations.info,
outside any transaction) and passes the answer to bot.team.teams.set_team, which refuses a
channel Slack does not know in this workspace, an archived one, or one Revive is not in:
the report would only bounce (bot.reminders.weekly then DMs the managers instead).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.team.team_checks import CHANNEL, TeamProblem

# Public channels are C…, private ones C… or (older) G…; DMs (D…) are not report channels.
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,31}")
INVITE = "/invite @Revive"
# conversations.info's answers for a channel this token cannot see at all.
NO_SUCH_CHANNEL = frozenset({"channel_not_found", "invalid_channel"})


class Keep(Enum):
    """`revive teams set` without --report-channel: the stored channel stays as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP
ChannelChange = str | None | Keep  # a channel id, None to clear, or KEEP


def checked_channel(raw: str | None) -> str | None:
    """A channel id as typed or picked; blank means none. Anything else is refused."""
    channel = (raw or "").strip()
    if not channel:
        return None
    if not CHANNEL_ID.fullmatch(channel):
        shown = channel if len(channel) <= 40 else channel[:39] + "…"
        raise TeamProblem(
            CHANNEL,
            f"{shown!r} is not a Slack channel id; they look like C012AB3CDE (in Slack: the "
            "channel's name → About, at the bottom).",
        )
    return channel


def channel_from_slack(client: WebClient, channel: str) -> dict[str, Any] | None:
    """conversations.info: the channel, or None when Slack knows no such channel for this
    token (another workspace's, or private without Revive in it). Other refusals raise."""
    try:
        found = client.conversations_info(channel=channel).get("channel")
    except SlackApiError as error:
        code = error.response.get("error")
        if code in NO_SUCH_CHANNEL:
            return None
        if code == "missing_scope":
            raise TeamProblem(
                CHANNEL,
                "Revive may not read channels yet: reinstall it with the scopes of its "
                "manifest (channels:read, groups:read). Nothing was changed.",
            ) from None
        raise
    return found if isinstance(found, dict) else None


def check_channel(channel: str, info: Mapping[str, Any] | None) -> None:
    """Refuse a channel the report could not be posted in, saying how to fix it."""
    if info is None:
        raise TeamProblem(
            CHANNEL,
            f"Slack knows no channel {channel} in this workspace that Revive can see. For a "
            f"private channel, type {INVITE} in it first, then save again.",
        )
    name = f"#{info['name']}" if info.get("name") else channel
    if info.get("is_archived"):
        raise TeamProblem(CHANNEL, f"{name} is archived; pick another channel.")
    if not info.get("is_member"):
        raise TeamProblem(
            CHANNEL, f"Revive is not in {name} yet: type {INVITE} in the channel, then save again."
        )
