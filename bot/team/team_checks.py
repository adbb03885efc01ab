"""Team input checked before anything is written: who may change teams, the name, the user
ids and how many, the people as Slack describes them. Slack is never called here: callers
pass what users.info said (bot.reps.profiles_from_slack) as `profiles`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.parsing.clean import clean_text
from bot.reps import profile_name
from store.models import Rep, Workspace

TEAM_NAME_MAX = 80  # Team.name's column
MANAGERS_MAX = 10
REPS_MAX = 100
# Slack user ids: U… (W… on Enterprise Grid), capitals and digits.
USER_ID = re.compile(r"[UW][A-Z0-9]{1,31}")

# The fields a problem is about, named as the modal and the command line name them.
NAME, MANAGERS, REPS, CHANNEL = "name", "managers", "reps", "report_channel"


class TeamProblem(UserError):
    """Team input that cannot be saved; `field` says which input to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotAnAdmin(UserError):
    def __init__(self) -> None:
        super().__init__(
            "Only a Slack workspace owner or admin can create, change or delete teams in "
            "Revive. Nothing was changed; ask one of them."
        )


class TeamGone(UserError):
    def __init__(self) -> None:
        super().__init__(
            "That team no longer exists (someone may have deleted it). Nothing was changed; "
            "open Revive's Home tab again to see the teams."
        )



def require_admin(by: Rep | None, workspace: Workspace) -> None:
    """Admins of this workspace only; None is the operator at the command line."""
    if by is None:
        return
    if not by.is_admin or by.workspace_id != workspace.id:
        raise NotAnAdmin()


def team_name(raw: str) -> str:
    """The name as shown: control characters out, runs of spaces made one."""
    name = " ".join(clean_text(raw or "").split())
    if not name:
        raise TeamProblem(NAME, "Give the team a name.")
    if len(name) > TEAM_NAME_MAX:
        raise TeamProblem(
            NAME, f"A team name has at most {TEAM_NAME_MAX} characters; this one has {len(name)}."
        )
    return name


def user_ids(raw: Iterable[str], field: str) -> tuple[str, ...]:
    """Slack user ids, each once, in the order given; anything else is named and refused."""
    found: dict[str, None] = {}
    for item in raw:
        user_id = item.strip()
        if not user_id:
            continue
        if not USER_ID.fullmatch(user_id):
            shown = user_id if len(user_id) <= 40 else user_id[:39] + "…"
            raise TeamProblem(
                field, f"{shown!r} is not a Slack user id; they look like U012AB3CDE."
            )
        found[user_id] = None
    return tuple(found)


def checked_input(
    name: str, manager_user_ids: Iterable[str], rep_user_ids: Iterable[str]
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The checks that need neither Slack nor the database: name, ids, how many."""
    name = team_name(name)
    managers = user_ids(manager_user_ids, MANAGERS)
    reps = user_ids(rep_user_ids, REPS)
    if not managers:
        raise TeamProblem(MANAGERS, "A team needs at least one manager.")
    if len(managers) > MANAGERS_MAX:
        raise TeamProblem(MANAGERS, f"A team has at most {MANAGERS_MAX} managers.")
    if len(reps) > REPS_MAX:
        raise TeamProblem(REPS, f"A team has at most {REPS_MAX} reps; split it in two.")
    return name, managers, reps


def check_people(
    session: Session,
    workspace: Workspace,
    people: Sequence[str],
    profiles: Mapping[str, Mapping[str, Any] | None],
    field: str,
) -> None:
    for user_id in people:
        if user_id not in profiles:
            # Not looked up: only someone Revive already knows in this workspace.
            known = session.scalar(
                select(Rep.id).where(Rep.workspace_id == workspace.id, Rep.slack_user_id == user_id)
            )
            if known is None:
                raise TeamProblem(field, f"Slack knows no user {user_id} in this workspace.")
            continue
        problem = _profile_problem(user_id, profiles[user_id], workspace.team_id)
        if problem is not None:
            raise TeamProblem(field, problem)


def _profile_problem(user_id: str, user: Mapping[str, Any] | None, team_id: str) -> str | None:
    if user is None:
        return f"Slack knows no user {user_id} in this workspace."
    who = f"{profile_name(user) or user_id} ({user_id})"
    home = user.get("team_id")
    enterprise = user.get("enterprise_user")
    teams = enterprise.get("teams") if isinstance(enterprise, dict) else None
    if home is not None and home != team_id and not (isinstance(teams, list) and team_id in teams):
        return f"{who} belongs to another Slack organisation; only this workspace's people."
    if user.get("is_bot") or user.get("is_app_user") or user_id == "USLACKBOT":
        return f"{who} is a bot; pick people."
    if user.get("deleted"):
        return f"{who} is deactivated in Slack."
    return None
