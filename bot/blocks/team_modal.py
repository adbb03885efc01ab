"""The New team / Edit team modal (admins): name, managers, reps, report channel; its parser
and the map from a TeamProblem to the input that shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.blocks.state import Values, element_state
from bot.mrkdwn import escape, md, plain
from bot.team.teams import (
    CHANNEL,
    MANAGERS,
    MANAGERS_MAX,
    NAME,
    REPS,
    REPS_MAX,
    TEAM_NAME_MAX,
    TeamListing,
)

Block = dict[str, Any]
# TeamProblem.field → the block that shows it inline.
FIELD_BLOCKS = {
    NAME: ids.IN_TEAM_NAME,
    MANAGERS: ids.IN_TEAM_MANAGERS,
    REPS: ids.IN_TEAM_REPS,
    CHANNEL: ids.IN_TEAM_CHANNEL,
}
DELETE = "delete"
CHANNEL_HINT = (
    "Optional: the team's weekly report goes to this channel instead of each manager's DM. "
    "Invite the bot first: type /invite @Revive in the channel."
)


def team_modal(team: TeamListing | None) -> dict[str, Any]:
    """A blank form for a new team, or one prefilled with the team's active people."""
    blocks = [name_input(team), managers_input(team), reps_input(team), channel_input(team)]
    if team is not None:
        blocks.append(delete_input())
    blocks.append(footer(team))
    return {
        "type": "modal",
        "callback_id": ids.TEAM_MODAL,
        "private_metadata": ids.encode_meta(
            ids.ModalMeta(team_id=team.id if team is not None else None)
        ),
        "title": plain("Edit team" if team is not None else "New team", 24),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def input_block(block_id: str, label: str, element: Block, *, optional: bool = False,
                hint: str | None = None) -> Block:
    """An input whose block and element share an id (bot.blocks.state reads them so)."""
    block: Block = {"type": "input", "block_id": block_id, "label": plain(label),
                    "element": {**element, "action_id": block_id}}  # fmt: skip
    if optional:
        block["optional"] = True
    if hint is not None:
        block["hint"] = plain(hint, 150)
    return block


def name_input(team: TeamListing | None) -> Block:
    element: Block = {"type": "plain_text_input", "max_length": TEAM_NAME_MAX,
                      "placeholder": plain("East Coast")}  # fmt: skip
    if team is not None:
        element["initial_value"] = team.name
    return input_block(ids.IN_TEAM_NAME, "Team name", element)


def users_element(placeholder: str, most: int, chosen: list[str]) -> Block:
    element: Block = {"type": "multi_users_select", "max_selected_items": most,
                      "placeholder": plain(placeholder)}  # fmt: skip
    if chosen:
        element["initial_users"] = chosen
    return element


def managers_input(team: TeamListing | None) -> Block:
    active = [m.user_id for m in team.managers if m.active] if team is not None else []
    element = users_element("Pick one or more people", MANAGERS_MAX, active)
    return input_block(ids.IN_TEAM_MANAGERS, "Managers", element,
                       hint="They see this team's reps and numbers in their Home tab.")  # fmt: skip


def reps_input(team: TeamListing | None) -> Block:
    active = [m.user_id for m in team.reps if m.active] if team is not None else []
    element = users_element("Pick the team's reps", REPS_MAX, active)
    return input_block(
        ids.IN_TEAM_REPS, "Reps", element, optional=True,
        hint="A rep is in one team at most: picking someone from another team moves them here.",
    )  # fmt: skip


def channel_input(team: TeamListing | None) -> Block:
    """Public and private channels (no DMs); the stored one preselected."""
    element: Block = {"type": "conversations_select",
                      "placeholder": plain("Each manager's DM"),
                      "filter": {"include": ["public", "private"]}}  # fmt: skip
    if team is not None and team.report_channel:
        element["initial_conversation"] = team.report_channel
    return input_block(ids.IN_TEAM_CHANNEL, "Report channel", element, optional=True,
                       hint=CHANNEL_HINT)  # fmt: skip


def delete_input() -> Block:
    option = {"text": plain("Delete this team"),
              "description": plain("Its reps stay in Revive, in no team."), "value": DELETE}
    return input_block(ids.IN_TEAM_DELETE, "Delete", {"type": "checkboxes", "options": [option]},
                       optional=True)  # fmt: skip


def footer(team: TeamListing | None) -> Block:
    editing = f"Editing *{escape(team.name)}*." if team is not None else ""
    return {"type": "context",
            "elements": [md("Only Slack workspace owners and admins change teams. " + editing)]}


@dataclass(frozen=True, slots=True)
class TeamForm:
    """What the admin submitted, read but not checked (bot.team.teams checks it)."""

    name: str
    managers: tuple[str, ...]
    reps: tuple[str, ...]
    delete: bool = False
    report_channel: str | None = None  # as picked; bot.team.report_channel checks it

    @property
    def people(self) -> tuple[str, ...]:
        return self.managers + self.reps


def team_form_from_state(values: Values) -> TeamForm:
    """view.state.values → TeamForm; missing or malformed entries read as empty."""
    name = element_state(values, ids.IN_TEAM_NAME).get("value")
    ticked = element_state(values, ids.IN_TEAM_DELETE).get("selected_options") or []
    return TeamForm(
        name=name if isinstance(name, str) else "",
        managers=_users(values, ids.IN_TEAM_MANAGERS),
        reps=_users(values, ids.IN_TEAM_REPS),
        delete=any(isinstance(o, dict) and o.get("value") == DELETE for o in ticked),
        report_channel=_channel(values),
    )


def _users(values: Values, block_id: str) -> tuple[str, ...]:
    chosen = element_state(values, block_id).get("selected_users") or []
    if not isinstance(chosen, list):
        return ()
    return tuple(u for u in chosen if isinstance(u, str))


def _channel(values: Values) -> str | None:
    chosen = element_state(values, ids.IN_TEAM_CHANNEL).get("selected_conversation")
    return chosen if isinstance(chosen, str) and chosen else None
