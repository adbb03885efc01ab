"""Keep reps' profiles current (time zone, name, owner/admin flag, deleted or not): a
paginated users.list per workspace (nightly or `revive users refresh`). First sight and the
user_change event apply one profile the same way (bot.reps.apply_profile).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.reps import apply_profile
from bot.services import Services
from bot.slack_client import make_client
from store.db import unit_of_work
from store.models import Rep, Workspace

log = logging.getLogger(__name__)
PAGE_SIZE = 200


@dataclass
class RefreshReport:
    workspaces: int = 0
    checked: int = 0
    changed: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.workspaces} workspace(s), {self.checked} rep(s) checked, {self.changed} changed"
        )
        return text + "".join(f"; {p}" for p in self.problems)


def refresh_zones(services: Services, *, now: datetime) -> RefreshReport:
    report = RefreshReport()
    with unit_of_work(services.sessions) as session:
        workspaces = list(
            session.execute(
                select(Workspace.id, Workspace.team_id)
                .where(Workspace.token_revoked_at.is_(None))
                .order_by(Workspace.id)
            )
        )
    for workspace_id, team_id in workspaces:
        token = services.bot_token(team_id)
        if token is None:
            report.problems.append(f"{team_id}: no bot token")
            continue
        try:
            _refresh_workspace(services, workspace_id, token, now, report)
        except SlackApiError as error:
            # One workspace's refusal leaves the others' zones to refresh.
            report.problems.append(f"{team_id}: {error.response.get('error')}")
            continue
        report.workspaces += 1
    return report


def _refresh_workspace(
    services: Services, workspace_id: int, token: str, now: datetime, report: RefreshReport
) -> None:
    client = make_client(token, services.settings.slack_api_url)
    cursor: str | None = None
    while True:
        page = client.users_list(limit=PAGE_SIZE, cursor=cursor)
        members = {m["id"]: m for m in page.get("members") or [] if "id" in m}
        # One short transaction per page: no lock is held while waiting for Slack.
        with unit_of_work(services.sessions) as session:
            reps = session.scalars(
                select(Rep).where(
                    Rep.workspace_id == workspace_id, Rep.slack_user_id.in_(list(members))
                )
            )
            for rep in reps:
                report.checked += 1
                report.changed += apply_profile(rep, members[rep.slack_user_id], now)
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return
