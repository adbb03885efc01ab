"""Who gets a weekly report, and where it goes.

Every manager gets one report a week covering the teams they may see (bot.team.roles): a
team manager their teams, a workspace admin every team (or "Everyone" while there are no
teams). It goes to the manager's DM, except the teams that chose a report channel
(`Team.report_channel`): their part goes to that channel, and only once, in the report of
one of their managers (the "channel sender", see `channel_senders`), not once per manager.

No matplotlib here: the plan step imports this on every tick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.team.roles import TeamView, visible_views
from store.models import Rep, Team, TeamManager

DM = "dm"  # the key of a report's part that goes to the manager's own DM


@dataclass(frozen=True, slots=True)
class Destination:
    """One conversation a manager's report posts in, with the teams shown there."""

    key: str  # DM, or the channel id: names the part in the message metadata
    channel: str  # where to post: the manager's user id (their DM) or a channel id
    views: tuple[TeamView, ...]

    @property
    def is_dm(self) -> bool:
        return self.key == DM


def manager_rep_ids(session: Session, workspace_id: int) -> set[int]:
    """The workspace's active reps who get a weekly report: its admins and every rep listed
    as a manager of one of its teams. One query."""
    listed = (
        select(TeamManager.rep_id)
        .join(Team, Team.id == TeamManager.team_id)
        .where(Team.workspace_id == workspace_id)
    )
    return set(
        session.scalars(
            select(Rep.id).where(
                Rep.workspace_id == workspace_id,
                Rep.deactivated_at.is_(None),
                or_(Rep.is_admin.is_(True), Rep.id.in_(listed)),
            )
        )
    )


def channel_senders(session: Session, workspace_id: int, team_ids: Sequence[int]) -> dict[int, int]:
    """Per team, the manager whose weekly report carries the team's channel post: its
    active manager with the lowest rep id, else (a team nobody manages) the workspace's
    active admin with the lowest rep id. Deterministic, so two managers never both post."""
    if not team_ids:
        return {}
    rows = session.execute(
        select(TeamManager.team_id, func.min(TeamManager.rep_id))
        .join(Rep, Rep.id == TeamManager.rep_id)
        .where(TeamManager.team_id.in_(set(team_ids)), Rep.deactivated_at.is_(None))
        .group_by(TeamManager.team_id)
    )
    senders: dict[int, int] = {team_id: rep_id for team_id, rep_id in rows}
    if len(senders) < len(set(team_ids)):
        admin = session.scalar(
            select(func.min(Rep.id)).where(
                Rep.workspace_id == workspace_id,
                Rep.is_admin.is_(True),
                Rep.deactivated_at.is_(None),
            )
        )
        if admin is not None:
            senders.update({team_id: admin for team_id in team_ids if team_id not in senders})
    return senders


def destinations(session: Session, manager: Rep) -> list[Destination]:
    """Where this manager's report goes: their DM for their teams without a report channel,
    then each report channel this manager is the sender for; [] for a rep who manages
    nothing (or whose every team posts in a channel another manager sends to)."""
    views = visible_views(session, manager)
    team_ids = [view.team_id for view in views if view.team_id is not None]
    channels: dict[int, str] = {}
    if team_ids:
        channels = {
            team_id: channel
            for team_id, channel in session.execute(
                select(Team.id, Team.report_channel).where(
                    Team.id.in_(team_ids), Team.report_channel.is_not(None)
                )
            )
            if channel
        }
    senders = channel_senders(session, manager.workspace_id, list(channels))
    in_dm: list[TeamView] = []
    in_channels: dict[str, list[TeamView]] = {}
    for view in views:
        team_id = view.team_id if view.team_id is not None else 0  # 0: no team, no channel
        channel = channels.get(team_id)
        if channel is None:
            in_dm.append(view)
        elif senders.get(team_id) == manager.id:
            in_channels.setdefault(channel, []).append(view)
    found = [Destination(DM, manager.slack_user_id, tuple(in_dm))] if in_dm else []
    found += [Destination(c, c, tuple(v)) for c, v in sorted(in_channels.items())]
    return found


def fallback_user_ids(session: Session, destination: Destination, sender: Rep) -> tuple[str, ...]:
    """Who gets a channel's part in their DM when Revive cannot post in the channel: the
    active managers of its teams, the sender first (an admin, for a team nobody manages)."""
    team_ids = [view.team_id for view in destination.views if view.team_id is not None]
    managers = session.scalars(
        select(Rep.slack_user_id)
        .join(TeamManager, TeamManager.rep_id == Rep.id)
        .where(
            TeamManager.team_id.in_(team_ids),
            Rep.workspace_id == sender.workspace_id,
            Rep.deactivated_at.is_(None),
        )
        .order_by(Rep.id)
    )
    return tuple(dict.fromkeys([sender.slack_user_id, *managers]))
