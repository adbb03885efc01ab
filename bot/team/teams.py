"""Teams: create or replace one by name, rename, delete, list — the writes behind the Home's
Teams section and `revive teams`.

Workspace owners and admins (Rep.is_admin) do all of it; `by=None` is the operator at the
command line, who holds the database already. Managers who are not admins manage the reps
of their teams (bot.team.roles) but do not change who is in them. A rep is in at most one
team: naming them in another team moves them there.

Slack is never called here. Callers look up the people Revive does not know yet
(bot.reps.profiles_from_slack) before the transaction and pass what Slack said as
`profiles`: an id Slack does not know, from another organisation, deactivated or a bot is
refused, and the others' profiles are stored as on first sight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.parsing.clean import clean_text
from bot.reps import apply_profile, profile_name
from bot.team import roles
from store.models import Rep, Team, TeamManager, Workspace
from store.repo import ensure_rep

TEAM_NAME_MAX = 80  # Team.name's column
MANAGERS_MAX = 10
REPS_MAX = 100
# Slack user ids: U… (W… on Enterprise Grid), capitals and digits.
USER_ID = re.compile(r"[UW][A-Z0-9]{1,31}")

# The fields a problem is about, named as the modal and the command line name them.
NAME, MANAGERS, REPS = "name", "managers", "reps"


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


@dataclass(frozen=True, slots=True)
class Member:
    user_id: str
    name: str | None  # from their Slack profile, when Revive has read it
    active: bool  # False: deactivated in Slack

    def label(self) -> str:
        """For plain text (the command line): `Dana Reyes (U123)`, or the id alone."""
        return f"{self.name} ({self.user_id})" if self.name else self.user_id


@dataclass(frozen=True, slots=True)
class TeamListing:
    id: int
    name: str
    managers: tuple[Member, ...]
    reps: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class TeamSaved:
    team: TeamListing
    created: bool
    moved: tuple[tuple[Member, str], ...]  # reps who left another team for this one


# --- checks -------------------------------------------------------------------------------


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


def _check_people(
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


# --- writes -------------------------------------------------------------------------------


def set_team(
    session: Session,
    workspace: Workspace,
    name: str,
    manager_user_ids: Iterable[str],
    rep_user_ids: Iterable[str],
    now: datetime,
    by: Rep | None,
    *,
    team_id: int | None = None,
    profiles: Mapping[str, Mapping[str, Any] | None] | None = None,
) -> TeamSaved:
    """Create the team called `name` (any case), or replace its managers and reps.

    With `team_id`, that team is edited and may be renamed. The reps given are the team's
    reps afterwards: others leave it (into no team), and reps of another team move here.
    People Revive has not met are created as reps of the workspace. With `profiles`
    (users.info answers by id) every person must be in it or already known here.
    """
    require_admin(by, workspace)
    name, managers, reps = checked_input(name, manager_user_ids, rep_user_ids)
    if profiles is not None:
        _check_people(session, workspace, managers, profiles, MANAGERS)
        _check_people(session, workspace, reps, profiles, REPS)

    team = _target(session, workspace, name, team_id)
    created = team is None
    if team is None:
        team = _create(session, workspace, name, now)
    team.name, team.updated_at = name, now

    manager_reps = [_person(session, workspace, u, profiles, now) for u in managers]
    team_reps = [_person(session, workspace, u, profiles, now) for u in reps]
    _replace_managers(session, team, {r.id for r in manager_reps})
    moved = _replace_reps(session, team, team_reps, now)
    session.flush()
    return TeamSaved(team=listing(session, team), created=created, moved=moved)


def _target(session: Session, workspace: Workspace, name: str, team_id: int | None) -> Team | None:
    same_name = roles.team_by_name(session, workspace.id, name)
    if team_id is None:
        return same_name
    team = team_in(session, workspace, team_id)
    if team is None:
        raise TeamGone()
    if same_name is not None and same_name.id != team.id:
        raise TeamProblem(NAME, f"Another team is already called {same_name.name}.")
    return team


def _create(session: Session, workspace: Workspace, name: str, now: datetime) -> Team:
    try:
        with session.begin_nested():
            team = Team(workspace_id=workspace.id, name=name, created_at=now, updated_at=now)
            session.add(team)
    except IntegrityError:  # the same name, created a moment ago by someone else
        raise TeamProblem(
            NAME, f"A team called {name} was just created; pick another name or edit that one."
        ) from None
    return team


def _person(
    session: Session,
    workspace: Workspace,
    user_id: str,
    profiles: Mapping[str, Mapping[str, Any] | None] | None,
    now: datetime,
) -> Rep:
    rep = ensure_rep(session, workspace=workspace, user_id=user_id, now=now)
    profile = (profiles or {}).get(user_id)
    if profile is not None:
        apply_profile(rep, profile, now)  # as on first sight: no second lookup later
    return rep


def _replace_managers(session: Session, team: Team, wanted: set[int]) -> None:
    current = set(session.scalars(select(TeamManager.rep_id).where(TeamManager.team_id == team.id)))
    if current - wanted:
        session.execute(
            delete(TeamManager).where(
                TeamManager.team_id == team.id, TeamManager.rep_id.in_(current - wanted)
            )
        )
    session.add_all(TeamManager(team_id=team.id, rep_id=rep_id) for rep_id in wanted - current)


def _replace_reps(
    session: Session, team: Team, reps: list[Rep], now: datetime
) -> tuple[tuple[Member, str], ...]:
    wanted = {rep.id for rep in reps}
    leaving = session.scalars(
        select(Rep).where(Rep.workspace_id == team.workspace_id, Rep.team_id == team.id)
    )
    for rep in leaving:
        if rep.id not in wanted:
            rep.team_id, rep.updated_at = None, now
    previous = {
        t.id: t.name
        for t in session.scalars(
            select(Team).where(Team.id.in_({r.team_id for r in reps if r.team_id is not None}))
        )
    }
    moved: list[tuple[Member, str]] = []
    for rep in reps:
        if rep.team_id is not None and rep.team_id != team.id:
            moved.append((_member(rep), previous.get(rep.team_id, "another team")))
        if rep.team_id != team.id:
            rep.team_id, rep.updated_at = team.id, now
    return tuple(moved)


def delete_team(
    session: Session,
    workspace: Workspace,
    by: Rep | None,
    *,
    name: str | None = None,
    team_id: int | None = None,
) -> str:
    """Delete a team (by id, or by name in any case); its reps stay, in no team. Its name."""
    require_admin(by, workspace)
    if team_id is not None:
        team = team_in(session, workspace, team_id)
        if team is None:
            raise TeamGone()
    else:
        team = roles.team_by_name(session, workspace.id, name or "")
        if team is None:
            raise TeamProblem(NAME, f"No team is called {name!r} in this workspace.")
    session.execute(
        update(Rep)
        .where(Rep.workspace_id == workspace.id, Rep.team_id == team.id)
        .values(team_id=None)
    )
    session.execute(delete(TeamManager).where(TeamManager.team_id == team.id))
    deleted = team.name
    session.delete(team)
    session.flush()
    return deleted


# --- reads --------------------------------------------------------------------------------


def team_in(session: Session, workspace: Workspace, team_id: int) -> Team | None:
    """A team of this workspace; another workspace's id finds nothing."""
    return session.scalar(select(Team).where(Team.id == team_id, Team.workspace_id == workspace.id))


def list_teams(session: Session, workspace: Workspace) -> list[TeamListing]:
    """Every team of the workspace by name, with its managers and reps."""
    teams = session.scalars(
        select(Team).where(Team.workspace_id == workspace.id).order_by(func.lower(Team.name))
    )
    return listings(session, list(teams))


def listing(session: Session, team: Team) -> TeamListing:
    return listings(session, [team])[0]


def listings(session: Session, teams: Sequence[Team]) -> list[TeamListing]:
    """The teams given, in that order, with their people (two queries for all of them)."""
    if not teams:
        return []
    ids = [team.id for team in teams]
    workspace_ids = {team.workspace_id for team in teams}
    managers: dict[int, list[Rep]] = {team_id: [] for team_id in ids}
    for team_id, rep in session.execute(
        select(TeamManager.team_id, Rep)
        .join(Rep, Rep.id == TeamManager.rep_id)
        .where(TeamManager.team_id.in_(ids), Rep.workspace_id.in_(workspace_ids))
    ):
        managers[team_id].append(rep)
    reps: dict[int, list[Rep]] = {team_id: [] for team_id in ids}
    for rep in session.scalars(
        select(Rep).where(Rep.team_id.in_(ids), Rep.workspace_id.in_(workspace_ids))
    ):
        assert rep.team_id is not None
        reps[rep.team_id].append(rep)
    return [
        TeamListing(
            id=team.id,
            name=team.name,
            managers=_members(managers[team.id]),
            reps=_members(reps[team.id]),
        )
        for team in teams
    ]


def _members(reps: Iterable[Rep]) -> tuple[Member, ...]:
    people = [_member(rep) for rep in reps]
    return tuple(sorted(people, key=lambda m: ((m.name or m.user_id).casefold(), m.user_id)))


def _member(rep: Rep) -> Member:
    return Member(
        user_id=rep.slack_user_id, name=rep.display_name, active=rep.deactivated_at is None
    )


def needs_lookup(session: Session, *, team_id: str, user_ids: Iterable[str]) -> list[str]:
    """The ids whose Slack profile Revive has never read in this workspace (read only)."""
    wanted = list(dict.fromkeys(u for u in user_ids if USER_ID.fullmatch(u)))
    if not wanted:
        return []
    read = set(
        session.scalars(
            select(Rep.slack_user_id)
            .join(Workspace, Workspace.id == Rep.workspace_id)
            .where(
                Workspace.team_id == team_id,
                Rep.slack_user_id.in_(wanted),
                Rep.tz_checked_at.is_not(None),
            )
        )
    )
    return [u for u in wanted if u not in read]
