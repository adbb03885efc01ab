"""The New team / Edit team modal (admins): name, managers, reps; its parser and the map
from a TeamProblem to the input that shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.blocks.state import Values, element_state
from bot.mrkdwn import escape, md, plain
from bot.team.teams import MANAGERS, MANAGERS_MAX, NAME, REPS, REPS_MAX, TEAM_NAME_MAX, TeamListing

# TeamProblem.field → the block that shows it inline.
FIELD_BLOCKS = {NAME: ids.IN_TEAM_NAME, MANAGERS: ids.IN_TEAM_MANAGERS, REPS: ids.IN_TEAM_REPS}
DELETE = "delete"


def team_modal(team: TeamListing | None) -> dict[str, Any]:
    """A blank form for a new team, or one prefilled with the team's active people."""
    name: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.IN_TEAM_NAME,
        "max_length": TEAM_NAME_MAX,
        "placeholder": plain("East Coast"),
    }
    managers: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": ids.IN_TEAM_MANAGERS,
        "max_selected_items": MANAGERS_MAX,
        "placeholder": plain("Pick one or more people"),
    }
    reps: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": ids.IN_TEAM_REPS,
        "max_selected_items": REPS_MAX,
        "placeholder": plain("Pick the team's reps"),
    }
    if team is not None:
        name["initial_value"] = team.name
        active_managers = [m.user_id for m in team.managers if m.active]
        active_reps = [m.user_id for m in team.reps if m.active]
        if active_managers:
            managers["initial_users"] = active_managers
        if active_reps:
            reps["initial_users"] = active_reps
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": ids.IN_TEAM_NAME,
            "label": plain("Team name"),
            "element": name,
        },
        {
            "type": "input",
            "block_id": ids.IN_TEAM_MANAGERS,
            "label": plain("Managers"),
            "element": managers,
            "hint": plain("They see this team's reps and numbers in their Home tab.", 150),
        },
        {
            "type": "input",
            "block_id": ids.IN_TEAM_REPS,
            "optional": True,
            "label": plain("Reps"),
            "element": reps,
            "hint": plain(
                "A rep is in one team at most: picking someone from another team moves them here.",
                150,
            ),
        },
    ]
    if team is not None:
        blocks.append(
            {
                "type": "input",
                "block_id": ids.IN_TEAM_DELETE,
                "optional": True,
                "label": plain("Delete"),
                "element": {
                    "type": "checkboxes",
                    "action_id": ids.IN_TEAM_DELETE,
                    "options": [
                        {
                            "text": plain("Delete this team"),
                            "description": plain("Its reps stay in Revive, in no team."),
                            "value": DELETE,
                        }
                    ],
                },
            }
        )
    blocks.append(
        {
            "type": "context",
            "elements": [
                md(
                    "Only Slack workspace owners and admins change teams. "
                    + (f"Editing *{escape(team.name)}*." if team is not None else "")
                )
            ],
        }
    )
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


@dataclass(frozen=True, slots=True)
class TeamForm:
    """What the admin submitted, read but not checked (bot.team.teams checks it)."""

    name: str
    managers: tuple[str, ...]
    reps: tuple[str, ...]
    delete: bool = False

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
    )


def _users(values: Values, block_id: str) -> tuple[str, ...]:
    chosen = element_state(values, block_id).get("selected_users") or []
    if not isinstance(chosen, list):
        return ()
    return tuple(u for u in chosen if isinstance(u, str))
