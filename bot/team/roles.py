"""Who may see whom: reps see their own data, managers their teams', admins everyone's.

Workspace owners and admins (Slack's `is_owner` / `is_admin`, kept on `Rep.is_admin`) manage
every team; anyone else manages the teams that list them in team_managers. Every team query
is scoped by the viewer's workspace, so an id from another workspace finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from bot.errors import UserError
from store.models import Rep, Team, TeamManager

EVERYONE = "Everyone"  # what an admin sees when the workspace has no teams yet


class NotAManager(UserError):
    def __init__(self) -> None:
        super().__init__(
            "Only a team's managers (or a workspace admin) can do that. "
            "Ask your Slack admin to make you a manager in Revive's Home tab."
        )


@dataclass(frozen=True, slots=True)
class TeamView:
    """A group of reps a manager may look at: a team, or everyone for an admin."""

    team_id: int | None  # None: the whole workspace
    name: str
    rep_ids: tuple[int, ...]


def is_manager(session: Session, rep: Rep) -> bool:
    if rep.is_admin:
        return True
    return bool(session.scalar(select(exists().where(TeamManager.rep_id == rep.id))))


def require_manager(session: Session, rep: Rep) -> None:
    if not is_manager(session, rep):
        raise NotAManager()


def managed_teams(session: Session, rep: Rep) -> list[Team]:
    """The teams this rep manages, by name; every team of the workspace for an admin."""
    query = select(Team).where(Team.workspace_id == rep.workspace_id)
    if not rep.is_admin:
        query = query.join(TeamManager, TeamManager.team_id == Team.id).where(
            TeamManager.rep_id == rep.id
        )
    return list(session.scalars(query.order_by(func.lower(Team.name))))


def team_by_name(session: Session, workspace_id: int, name: str) -> Team | None:
    """A team of this workspace, whatever the case of the name typed."""
    return session.scalar(
        select(Team).where(
            Team.workspace_id == workspace_id, func.lower(Team.name) == name.strip().lower()
        )
    )


def team_rep_ids(session: Session, team: Team) -> tuple[int, ...]:
    """The team's reps (not its managers), active ones only."""
    return tuple(
        session.scalars(
            select(Rep.id)
            .where(
                Rep.workspace_id == team.workspace_id,
                Rep.team_id == team.id,
                Rep.deactivated_at.is_(None),
            )
            .order_by(Rep.id)
        )
    )


def visible_views(session: Session, rep: Rep) -> list[TeamView]:
    """What a manager may look at, in order; empty for a rep who manages nothing."""
    views = [
        TeamView(team.id, team.name, team_rep_ids(session, team))
        for team in managed_teams(session, rep)
    ]
    if rep.is_admin and not views:
        everyone = session.scalars(
            select(Rep.id)
            .where(Rep.workspace_id == rep.workspace_id, Rep.deactivated_at.is_(None))
            .order_by(Rep.id)
        )
        views.append(TeamView(None, EVERYONE, tuple(everyone)))
    return views


def view_for(session: Session, rep: Rep, name: str | None) -> TeamView:
    """The team a manager asked for by name (their first one when no name is given).

    A rep who manages nothing, or a team they don't manage, gets the same refusal: team
    names of other managers are not revealed."""
    views = visible_views(session, rep)
    if not views:
        raise NotAManager()
    if not name:
        return views[0]
    wanted = name.strip().lower()
    for view in views:
        if view.name.lower() == wanted:
            return view
    names = ", ".join(view.name for view in views)
    raise UserError(f"You can see these teams: {names}. Type `/revive team <name>`.")


def may_see_rep(session: Session, viewer: Rep, rep: Rep) -> bool:
    """A rep sees themselves; a manager sees the reps of the teams they manage."""
    if viewer.id == rep.id:
        return True
    if viewer.workspace_id != rep.workspace_id:
        return False
    if viewer.is_admin:
        return True
    if rep.team_id is None:
        return False
    return bool(
        session.scalar(
            select(
                exists().where(TeamManager.rep_id == viewer.id, TeamManager.team_id == rep.team_id)
            )
        )
    )
