"""Teams as read: a team with its managers and reps (TeamListing), for the Home, the modal
and `revive teams list`; two queries for any number of teams.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.team.team_checks import USER_ID
from store.models import Rep, Team, TeamManager, Workspace


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
    report_channel: str | None = None  # a channel id: the weekly report goes there


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
            managers=members_of(managers[team.id]),
            reps=members_of(reps[team.id]),
            report_channel=team.report_channel,
        )
        for team in teams
    ]


def members_of(reps: Iterable[Rep]) -> tuple[Member, ...]:
    people = [member(rep) for rep in reps]
    return tuple(sorted(people, key=lambda m: ((m.name or m.user_id).casefold(), m.user_id)))


def member(rep: Rep) -> Member:
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
