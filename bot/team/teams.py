"""Teams: create or replace one by name, rename, delete — the writes behind the Home's
Teams section and `revive teams`.

Workspace owners and admins (Rep.is_admin) do all of it; `by=None` is the operator at the
command line, who holds the database already. Managers who are not admins manage the reps
of their teams (bot.team.roles) but do not change who is in them. A rep is in at most one
team: naming them in another team moves them there.

Slack is never called here. Callers look up the people Revive does not know yet
(bot.reps.profiles_from_slack) and a report channel that changed
(bot.team.report_channel.channel_from_slack) before the transaction and pass what Slack
said: an id Slack does not know, from another organisation, deactivated or a bot is
refused, and the others' profiles are stored as on first sight. The checks live in
bot.team.team_checks, the reads in bot.team.team_listing; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.reps import apply_profile
from bot.team import roles
from bot.team.report_channel import KEEP, ChannelChange, check_channel, checked_channel
from bot.team.team_checks import (
    CHANNEL,
    MANAGERS,
    MANAGERS_MAX,
    NAME,
    REPS,
    REPS_MAX,
    TEAM_NAME_MAX,
    USER_ID,
    NotAnAdmin,
    TeamGone,
    TeamProblem,
    check_people,
    checked_input,
    require_admin,
    team_name,
    user_ids,
)
from bot.team.team_listing import (
    Member,
    TeamListing,
    list_teams,
    listing,
    listings,
    member,
    needs_lookup,
    team_in,
)
from store.models import Rep, Team, TeamManager, Workspace
from store.repo import ensure_rep

__all__ = [
    "CHANNEL",
    "KEEP",
    "MANAGERS",
    "MANAGERS_MAX",
    "NAME",
    "REPS",
    "REPS_MAX",
    "TEAM_NAME_MAX",
    "USER_ID",
    "Member",
    "NotAnAdmin",
    "TeamGone",
    "TeamListing",
    "TeamProblem",
    "TeamSaved",
    "checked_input",
    "delete_team",
    "list_teams",
    "listing",
    "listings",
    "needs_lookup",
    "require_admin",
    "set_team",
    "team_in",
    "team_name",
    "user_ids",
]


@dataclass(frozen=True, slots=True)
class TeamSaved:
    team: TeamListing
    created: bool
    moved: tuple[tuple[Member, str], ...]  # reps who left another team for this one


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
    report_channel: ChannelChange = KEEP,
    channels: Mapping[str, Mapping[str, Any] | None] | None = None,
) -> TeamSaved:
    """Create the team called `name` (any case), or replace its managers and reps.

    With `team_id`, that team is edited and may be renamed. The reps given are the team's
    reps afterwards: others leave it (into no team), and reps of another team move here.
    People Revive has not met are created as reps of the workspace. With `profiles`
    (users.info answers by id) every person must be in it or already known here.
    `report_channel` sets the channel its weekly report goes to (None or blank: each
    manager's DM; KEEP: as stored); with `channels` (conversations.info answers by id) the
    channel must be one Revive is in.
    """
    require_admin(by, workspace)
    name, managers, reps = checked_input(name, manager_user_ids, rep_user_ids)
    channel = report_channel if report_channel is KEEP else checked_channel(report_channel)
    if profiles is not None:
        check_people(session, workspace, managers, profiles, MANAGERS)
        check_people(session, workspace, reps, profiles, REPS)
    if isinstance(channel, str) and channels is not None:
        check_channel(channel, channels.get(channel))

    team = _target(session, workspace, name, team_id)
    created = team is None
    if team is None:
        team = _create(session, workspace, name, now)
    team.name, team.updated_at = name, now
    if channel is not KEEP:
        team.report_channel = channel

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
            moved.append((member(rep), previous.get(rep.team_id, "another team")))
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
