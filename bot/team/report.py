"""A weekly report, composed: per conversation it goes to, the summary and one chart per team.

Read-only. Charts are drawn with matplotlib, imported only when the first one is drawn, so
a sweep with no report due never loads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks.weekly_report import report_blocks, report_text
from bot.errors import UserError
from bot.mrkdwn import md, unescape
from bot.team.recipients import Destination, destinations, fallback_user_ids
from bot.team.roles import EVERYONE, TeamView, team_by_name, team_rep_ids
from bot.team.weekly import ReportWeek, TeamReport, team_reports
from bot.workspace_settings import settings_from_json
from store.models import Rep, Workspace


@dataclass(frozen=True, slots=True)
class Chart:
    png: bytes
    filename: str  # unique per team and week: the in-doubt look finds a chart by it
    title: str


@dataclass(frozen=True)
class ReportPart:
    """What goes into one conversation: the summary message, then its charts."""

    key: str  # recipients.DM or the channel id
    channel: str  # the manager's user id (their DM) or a channel id
    text: str
    blocks: list[dict[str, Any]]
    charts: tuple[Chart, ...]
    # A channel's part: the user ids whose DMs get it if Revive cannot post in the channel.
    fallback: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComposedReport:
    """A manager's weekly report. Also answers the sweep's Digest protocol (text, blocks,
    prospect_ids, due_count), so an outbox row is marked the same way for both kinds."""

    week: ReportWeek
    parts: tuple[ReportPart, ...]
    teams: int
    prospect_ids: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.parts[0].text if self.parts else ""

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return self.parts[0].blocks if self.parts else []

    @property
    def due_count(self) -> int:
        return self.teams


def compose_report(
    session: Session, manager: Rep, workspace: Workspace, *, monday: date, now: datetime
) -> ComposedReport:
    """The report sent in the week starting `monday`: about the week before."""
    week = ReportWeek.before(monday)
    parts = tuple(
        compose_part(session, workspace, destination, week, now, sender=manager)
        for destination in destinations(session, manager)
    )
    return ComposedReport(week, parts, teams=sum(len(part.charts) for part in parts))


def compose_part(
    session: Session,
    workspace: Workspace,
    to: Destination,
    week: ReportWeek,
    now: datetime,
    *,
    sender: Rep | None = None,
) -> ReportPart:
    teams = team_reports(
        session,
        workspace_id=workspace.id,
        settings=settings_from_json(workspace.settings),
        views=to.views,
        week=week,
        now=now,
    )
    charts = tuple(chart_of(team) for team in teams)
    fallback = fallback_user_ids(session, to, sender) if sender and not to.is_dm else ()
    return ReportPart(to.key, to.channel, report_text(week, teams), report_blocks(week, teams),
                      charts, fallback)  # fmt: skip


# Why Revive could not post in a report channel, as the managers are told.
CHANNEL_TROUBLE = {
    "not_in_channel": "Revive is not in that channel",
    "channel_not_found": "Slack finds no such channel that Revive can see (a private channel "
    "Revive was never invited to looks like that)",
    "is_archived": "that channel is archived",
}


def channel_fallback(part: ReportPart, user_id: str, code: str) -> ReportPart:
    """A channel's part for one manager's DM, opened by one line on why it is there and how
    to let Revive into the channel. Its key names both, for the in-doubt look."""
    channel = f"<#{part.channel}>"
    fix = (
        "pick another report channel with *Edit* under *Teams* in Revive's Home"
        if code == "is_archived"
        else f"type `/invite @Revive` in {channel} (or pick another channel with *Edit* "
        "under *Teams* in Revive's Home)"
    )
    why = CHANNEL_TROUBLE.get(code, f"Slack answered {code}")
    notice = {"type": "section", "text": md(
        f":warning: This report was meant for {channel}, but {why}. To get it there, {fix}; "
        "until then it comes to each of the team's managers here."
    )}  # fmt: skip
    blocks = [*part.blocks[:1], notice, *part.blocks[1:]]
    return ReportPart(f"{part.key}>{user_id}", user_id, part.text, blocks, part.charts)


def chart_of(team: TeamReport) -> Chart:
    from bot.team.chart import weekly_chart_png  # matplotlib loads when a chart is drawn

    return Chart(weekly_chart_png(team.figures), chart_filename(team), team.figures.title)


def chart_filename(team: TeamReport) -> str:
    """revive-north-team-2026-W49-t7.png: readable, and unique by the team's id."""
    slug = re.sub(r"[^a-z0-9]+", "-", team.name.lower()).strip("-")[:40] or "team"
    suffix = f"t{team.team_id}" if team.team_id is not None else "all"
    return f"revive-{slug}-{team.week.iso}-{suffix}.png"


def report_metadata(team_id: str, user_id: str, monday: date, part: str) -> dict[str, Any]:
    """Message metadata on a report's summary, so a sweep in doubt can find what it sent."""
    return {
        "event_type": ids.WEEKLY_REPORT_EVENT_TYPE,
        "event_payload": {
            "team": team_id, "user": user_id, "date": monday.isoformat(), "part": part,
        },
    }  # fmt: skip


def team_view(session: Session, workspace: Workspace, name: str) -> TeamView | None:
    """A team of the workspace by name; "Everyone" is every active rep."""
    team = team_by_name(session, workspace.id, name)
    if team is not None:
        return TeamView(team.id, team.name, team_rep_ids(session, team))
    if name.strip().lower() != EVERYONE.lower():
        return None
    everyone = session.scalars(
        select(Rep.id)
        .where(Rep.workspace_id == workspace.id, Rep.deactivated_at.is_(None))
        .order_by(Rep.id)
    )
    return TeamView(None, EVERYONE, tuple(everyone))


def local_report(
    session: Session, *, team_id: str, name: str, week: ReportWeek, now: datetime
) -> ReportPart:
    """One team's report as the sweep composes it, for `revive report`; a UserError names
    what is not there."""
    workspace = session.scalar(select(Workspace).where(Workspace.team_id == team_id))
    if workspace is None:
        raise UserError(f"No workspace {team_id} in this database (is the team id right?).")
    view = team_view(session, workspace, name)
    if view is None:
        raise UserError(
            f"Workspace {team_id} has no team named {name!r}; `revive teams list` lists them "
            f"({EVERYONE!r} is every rep)."
        )
    return render_team(session, workspace, view, week, now)


def render_team(
    session: Session, workspace: Workspace, view: TeamView, week: ReportWeek, now: datetime
) -> ReportPart:
    """One team's report: its summary and its one chart."""
    [team] = team_reports(
        session,
        workspace_id=workspace.id,
        settings=settings_from_json(workspace.settings),
        views=[view],
        week=week,
        now=now,
    )
    return ReportPart("local", "", report_text(week, [team]), report_blocks(week, [team]),
                      (chart_of(team),))  # fmt: skip


def plain_lines(blocks: list[dict[str, Any]]) -> list[str]:
    """The summary's text as a terminal shows it: one line per line of each block."""
    texts: list[str] = []
    for block in blocks:
        if block["type"] == "divider":
            texts.append("")
            continue
        parts = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
        texts += [unescape(str(part["text"])) for part in parts if part]
    return [line for text in texts for line in text.split("\n")]
