"""Test helpers for weekly reports: teams with managers and reps, touches in given weeks, and
reading what the fake Slack received."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PIL import Image  # matplotlib's own dependency
from sqlalchemy import select

from bot import ids
from bot.domain import Outcome, Situation
from bot.services import Services
from store.db import unit_of_work
from store.models import Prospect, Rep, Team, TeamManager, Touch, Workspace
from tests.fakeslack import FakeSlack, SlackFile

MONDAY = datetime(2026, 12, 7, tzinfo=UTC)  # 2026-W50: its report is about 2026-W49
REPORTED = date(2026, 11, 30)  # the Monday of 2026-W49
_keys = itertools.count(1)


def make_team(
    services: Services,
    name: str,
    *,
    managers: list[int],
    reps: list[int],
    channel: str | None = None,
    team_id: str = "T1",
) -> int:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with unit_of_work(services.sessions) as session:
        workspace_id = session.scalars(select(Workspace.id).where(Workspace.team_id == team_id))
        team = Team(workspace_id=workspace_id.one(), name=name, report_channel=channel,
                    created_at=now, updated_at=now)  # fmt: skip
        session.add(team)
        session.flush()
        session.add_all(TeamManager(team_id=team.id, rep_id=m) for m in managers)
        for rep_id in reps:
            rep = session.get(Rep, rep_id)
            assert rep is not None
            rep.team_id = team.id
        return team.id


def name_rep(services: Services, rep_id: int, name: str, *, admin: bool = False) -> None:
    with unit_of_work(services.sessions) as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        rep.display_name, rep.is_admin = name, admin


def log_touches(
    services: Services,
    rep_id: int,
    on: date,
    outcomes: list[Outcome],
    *,
    tactic: str = "new_ideas",
    situation: Situation = Situation.WENT_QUIET,
    learned: str | None = None,
) -> int:
    """One prospect of the rep with these touches, all on `on`; returns the prospect id."""
    now = datetime.combine(on, datetime.min.time(), tzinfo=UTC)
    with unit_of_work(services.sessions) as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        prospect = Prospect(
            workspace_id=rep.workspace_id, rep_id=rep_id, name="Dana", company="Acme",
            situation=situation.value, created_on=on, created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(prospect)
        session.flush()
        for outcome in outcomes:
            session.add(Touch(
                workspace_id=rep.workspace_id, rep_id=rep_id, prospect_id=prospect.id,
                tactic_id=tactic, outcome=outcome.value, situation=situation.value,
                learned=learned if outcome is Outcome.LEARNED else None, touched_on=on,
                idempotency_key=f"test-{next(_keys)}", created_at=now,
            ))  # fmt: skip
        return prospect.id


def report_summaries(fake: FakeSlack) -> list[dict[str, Any]]:
    """Every weekly report summary Slack accepted: channel, metadata payload, blocks."""
    found = []
    for call in fake.calls_to("chat.postMessage"):
        meta = call.params.get("metadata") or {}
        if call.team_id is not None and meta.get("event_type") == ids.WEEKLY_REPORT_EVENT_TYPE:
            found.append({"channel": call.params["channel"], **meta["event_payload"],
                          "blocks": call.params.get("blocks") or []})  # fmt: skip
    return found


def png_size(file: SlackFile) -> tuple[int, int]:
    assert file.content is not None and file.content.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(file.content)) as image:
        image.verify()
    with Image.open(io.BytesIO(file.content)) as image:
        return image.size


def at_nine(day: date, zone_offset_hours: int = 0) -> datetime:
    """09:01 local, for a rep in UTC (+ offset): just after the default reminder time."""
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=9 - zone_offset_hours, minutes=1
    )
