"""A team's report channel as stored by set_team (checked against what conversations.info
said, kept when not given, cleared when blank), and channel_from_slack against the fake
Slack; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.team.report_channel import KEEP, channel_from_slack, checked_channel
from bot.team.teams import CHANNEL, TeamProblem, list_teams, set_team
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Rep, Team
from store.repo import ensure_workspace
from tests.fakeslack import FakeSlack

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


def info(channel: str, *, member: bool = True, archived: bool = False) -> dict[str, Any]:
    return {"id": channel, "name": "sales-east", "is_member": member, "is_archived": archived}


def stored(session: Session) -> dict[str, str | None]:
    session.flush()
    return {team.name: team.report_channel for team in session.scalars(select(Team))}


def test_a_channel_revive_is_in_is_stored_kept_and_cleared(session: Session) -> None:
    ws = ensure_workspace(session, team_id="T1", now=NOW)
    saved = set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, None,
                     report_channel="C0EAST", channels={"C0EAST": info("C0EAST")})  # fmt: skip
    assert saved.team.report_channel == "C0EAST" and stored(session) == {"East": "C0EAST"}
    set_team(session, ws, "East", ["UANN"], ["UBOB", "UCAT"], NOW, None)  # KEEP by default
    set_team(session, ws, "East", ["UANN"], [], NOW, None, report_channel=KEEP)
    assert stored(session) == {"East": "C0EAST"}
    assert [t.report_channel for t in list_teams(session, ws)] == ["C0EAST"]
    set_team(session, ws, "East", ["UANN"], [], NOW, None, report_channel="  ")
    assert stored(session) == {"East": None}
    set_team(session, ws, "East", ["UANN"], [], NOW, None, report_channel="G0PRIV",
             channels={"G0PRIV": info("G0PRIV")})  # fmt: skip
    set_team(session, ws, "East", ["UANN"], [], NOW, None, report_channel=None)
    assert stored(session) == {"East": None}


@pytest.mark.parametrize(
    ("channel", "answer", "words"),
    [
        ("#sales", None, "'#sales' is not a Slack channel id"),
        ("D0DIRECT", None, "is not a Slack channel id"),
        ("c0east", None, "is not a Slack channel id"),
        ("C0GONE", None, "Slack knows no channel C0GONE"),
        ("C0EAST", info("C0EAST", member=False), "Revive is not in #sales-east yet"),
        ("C0EAST", info("C0EAST", archived=True), "#sales-east is archived"),
    ],
)
def test_a_channel_revive_cannot_post_in_is_refused_and_nothing_is_written(
    session: Session, channel: str, answer: dict[str, Any] | None, words: str
) -> None:
    ws = ensure_workspace(session, team_id="T1", now=NOW)
    with pytest.raises(TeamProblem, match=words) as raised:
        set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, None,
                 report_channel=channel, channels={channel: answer})  # fmt: skip
    assert raised.value.field == CHANNEL
    assert stored(session) == {}
    assert session.scalar(select(func.count()).select_from(Rep)) == 0
    if (answer is not None and not answer["is_archived"]) or channel == "C0GONE":
        assert "/invite @Revive" in raised.value.message, "says how to let Revive in"


def test_an_existing_teams_channel_is_not_changed_by_a_refused_one(session: Session) -> None:
    ws = ensure_workspace(session, team_id="T1", now=NOW)
    set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, None, report_channel="C0EAST",
             channels={"C0EAST": info("C0EAST")})  # fmt: skip
    with pytest.raises(TeamProblem):
        set_team(session, ws, "East", ["UANN"], [], NOW, None, report_channel="C0GONE",
                 channels={"C0GONE": None})  # fmt: skip
    assert stored(session) == {"East": "C0EAST"}


def test_checked_channel_reads_blank_as_none() -> None:
    assert checked_channel(None) is None and checked_channel(" ") is None
    assert checked_channel(" C0EAST ") == "C0EAST"


def test_channel_from_slack_asks_conversations_info(fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C0IN", name="sales")
    fake_slack.add_channel("C0OUT", name="general", member=False)
    fake_slack.add_channel("G0SECRET", private=True, member=False)
    fake_slack.add_channel("C0OTHER", team_id="T2")
    client = WebClient(token="xoxb-test-T1", base_url=fake_slack.api_url)
    found = channel_from_slack(client, "C0IN")
    assert found is not None and (found["name"], found["is_member"]) == ("sales", True)
    outside = channel_from_slack(client, "C0OUT")
    assert outside is not None and outside["is_member"] is False
    assert channel_from_slack(client, "G0SECRET") is None
    assert channel_from_slack(client, "C0OTHER") is None
    assert channel_from_slack(client, "C0NEVER") is None
    fake_slack.fail("conversations.info", error="missing_scope")
    with pytest.raises(TeamProblem, match="channels:read"):
        channel_from_slack(client, "C0IN")
    fake_slack.fail("conversations.info", error="ratelimited_forever")
    with pytest.raises(SlackApiError):
        channel_from_slack(client, "C0IN")
