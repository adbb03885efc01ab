"""`revive teams set/list/delete`: an admin scripts teams from the server.

`set` asks Slack who each person is (users.info, so it needs SLACK_BOT_TOKEN) before the one
transaction that saves the team; `list` and `delete` read and write the database only.
Input Revive cannot use (a name, an id, a user Slack does not know here) is one line on
stderr and exit 2, with nothing written; Slack refusing a call is exit 4.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import UserError
from bot.reps import profiles_from_slack
from bot.services import system_clock
from bot.settings import Settings, load_settings, redact_url
from bot.slack_client import check_bot_token, make_client
from bot.team.report_channel import KEEP, ChannelChange, channel_from_slack, checked_channel
from bot.team.teams import (
    Member,
    TeamSaved,
    checked_input,
    delete_team,
    list_teams,
    set_team,
)
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import current_revision, head_revision
from store.models import Workspace
from store.repo import ensure_workspace

EXIT_INPUT = 2  # bot/exit_codes.py's EXIT_CONFIG: fix the command line
EXIT_SLACK = 4  # bot/cli.py's EXIT_SLACK
TEAM_ID = re.compile(r"[TE][A-Z0-9]{1,31}")
NO_CHANNEL = "none (each manager's DM)"


def workspace_id(text: str) -> str:
    value = text.strip()
    if not TEAM_ID.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Slack workspace id like T0123ABCD")
    return value


def id_list(text: str) -> list[str]:
    """`U1,U2` or `U1 U2`; each id is checked with the rest of the team (bot.team.teams)."""
    return [part for part in re.split(r"[,\s]+", text) if part]


def add_teams_parser(commands: Any) -> None:
    teams = commands.add_parser("teams", help="group reps into teams with their managers")
    sub = teams.add_subparsers(dest="teams_command", required=True, metavar="TEAMS_COMMAND")
    team_set = sub.add_parser(
        "set",
        help="create a team, or replace its managers and reps (reads each person from Slack)",
    )
    team_set.add_argument("name", metavar="NAME", help="the team's name (any case finds it)")
    team_set.add_argument(
        "--team-id", type=workspace_id, help="the Slack workspace (default: SLACK_BOT_TOKEN's)"
    )
    team_set.add_argument(
        "--managers",
        required=True,
        type=id_list,
        help="Slack user ids, comma-separated, like U012AB3CD,U045EF6GH (one at least)",
    )
    team_set.add_argument(
        "--reps",
        required=True,
        type=id_list,
        help='the whole team\'s reps, comma-separated ("" for none); reps of another team '
        "move here, reps left out leave",
    )
    team_set.add_argument(
        "--report-channel",
        metavar="C…",
        help='the channel id its weekly report goes to instead of each manager\'s DM ("" '
        "clears it; left out: unchanged); invite the bot first with /invite @Revive",
    )
    team_list = sub.add_parser("list", help="print the teams with their managers and reps")
    team_list.add_argument("--team-id", type=workspace_id, help="one workspace only")
    team_delete = sub.add_parser("delete", help="delete a team; its reps stay, in no team")
    team_delete.add_argument("name", metavar="NAME")
    team_delete.add_argument(
        "--team-id", type=workspace_id, help="the Slack workspace (default: the only one)"
    )


def run_teams(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if args.teams_command == "list":
            return _list(settings, args.team_id)
        if args.teams_command == "delete":
            return _delete(settings, args.name, args.team_id)
        return _set(settings, args)
    except UserError as error:
        return _fail(error.message, EXIT_INPUT)


def _set(settings: Settings, args: argparse.Namespace) -> int:
    # The token is needed here only, not to list or delete: ask for it as `serve` does.
    if settings.oauth is not None:  # OAuth mode: the named workspace's own token
        from bot.install.oauth import installed_token

        token = installed_token(settings, args.team_id)
    else:
        token = (
            settings.slack_bot_token
            or load_settings(require_slack=("SLACK_BOT_TOKEN",)).slack_bot_token
        )
    name, managers, reps = checked_input(args.name, args.managers, args.reps)
    channel: ChannelChange = (
        KEEP if args.report_channel is None else checked_channel(args.report_channel)
    )
    sessions = _sessions_at_head(settings)
    token_team = check_bot_token(token, settings.slack_api_url)
    team_id = args.team_id or token_team
    if args.team_id and token_team and args.team_id != token_team:
        raise UserError(
            f"SLACK_BOT_TOKEN belongs to workspace {token_team}, not {args.team_id}: "
            "use that workspace's token, or leave --team-id out."
        )
    client = make_client(token, settings.slack_api_url)
    asked = "users.info"
    try:
        profiles = profiles_from_slack(client, [*managers, *reps])
        asked = "conversations.info"
        channels: dict[str, dict[str, Any] | None] = {}
        if isinstance(channel, str):  # not KEEP, not cleared: Revive must be in it
            channels[channel] = channel_from_slack(client, channel)
    except SlackApiError as error:
        code = error.response.get("error") or f"HTTP {error.response.status_code}"
        return _fail(f"Slack refused {asked} ({code}); nothing was changed.", EXIT_SLACK)
    now = system_clock()
    with unit_of_work(sessions) as session:
        workspace = ensure_workspace(session, team_id=team_id, now=now)
        saved = set_team(session, workspace, name, managers, reps, now, None, profiles=profiles,
                         report_channel=channel, channels=channels)  # fmt: skip
    _print_saved(saved, team_id, channel_given=channel is not KEEP)
    return 0


def _print_saved(saved: TeamSaved, team_id: str, *, channel_given: bool) -> None:
    team = saved.team
    print(f"{'Created' if saved.created else 'Updated'} team {team.name} in {team_id}.")
    print(f"Managers: {_people(team.managers)}")
    print(f"Reps: {_people(team.reps) or 'none'}")
    if team.report_channel or channel_given:
        print(f"Report channel: {team.report_channel or NO_CHANNEL}")
    for member, previous in saved.moved:
        print(f"Moved {member.label()} from {previous}.")


def _list(settings: Settings, team_id: str | None) -> int:
    sessions = _sessions_at_head(settings)
    rows: list[tuple[str, str, str, str, str]] = []
    with unit_of_work(sessions) as session:
        query = select(Workspace).order_by(Workspace.team_id)
        if team_id is not None:
            query = query.where(Workspace.team_id == team_id)
        workspaces = list(session.scalars(query))
        if team_id is not None and not workspaces:
            raise UserError(f"Revive knows no workspace {team_id}; `revive teams list` shows all.")
        for workspace in workspaces:
            for team in list_teams(session, workspace):
                channel = team.report_channel or "-"
                rows.append(
                    (workspace.team_id, team.name, channel, _people(team.managers),
                     _people(team.reps))
                )  # fmt: skip
    if not rows:
        print("No teams yet. Create one: revive teams set NAME --managers U… --reps U…,U…")
        return 0
    table = [("WORKSPACE", "TEAM", "REPORT_CHANNEL", "MANAGERS", "REPS"), *rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[4]]).rstrip())
    return 0


def _delete(settings: Settings, name: str, team_id: str | None) -> int:
    sessions = _sessions_at_head(settings)
    with unit_of_work(sessions) as session:
        workspace = _workspace(session, team_id)
        deleted = delete_team(session, workspace, None, name=name)
        where = workspace.team_id
    print(f"Deleted team {deleted} in {where}; its reps are in no team now.")
    return 0


def _workspace(session: Session, team_id: str | None) -> Workspace:
    """The workspace named, or the only one the database holds."""
    workspaces = list(session.scalars(select(Workspace).order_by(Workspace.team_id)))
    if team_id is not None:
        for workspace in workspaces:
            if workspace.team_id == team_id:
                return workspace
        raise UserError(f"Revive knows no workspace {team_id}.")
    if len(workspaces) == 1:
        return workspaces[0]
    if not workspaces:
        raise UserError("Revive knows no workspace yet, so no team either.")
    known = ", ".join(w.team_id for w in workspaces)
    raise UserError(f"This database holds several workspaces ({known}); add --team-id.")


def _people(members: tuple[Member, ...]) -> str:
    return ", ".join(m.label() + ("" if m.active else " [deactivated]") for m in members)


def _sessions_at_head(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings.database_url)
    if current_revision(engine) != head_revision():
        engine.dispose()
        raise UserError(
            f"The database at {redact_url(settings.database_url)} is not at the latest "
            "schema; run `revive db upgrade` first."
        )
    return make_session_factory(engine)


def _fail(message: str, code: int) -> int:
    print(" ".join(message.split()), file=sys.stderr)
    return code
