"""Uninstalls and revoked tokens, end to end: signed events to the real HTTP endpoint stop
every digest to the workspace, and the first verified request after them resumes it."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.reminders.report import SweepReport
from bot.reminders.sweep import sweep
from bot.services import Services
from bot.usecases.digest import digest_metadata
from bot.usecases.lifecycle import Revocations, record_revoked
from store.models import Workspace
from tests.conftest import LiveApp
from tests.slack_driver import API_APP_ID, Response
from tests.sweeping import FAST, FakeSleep, TinyComposer, add_rep, outbox_rows

# 09:01 in New York on the live app's Tuesday: U1's digest is due.
MORNING = datetime(2026, 11, 24, 14, 1, tzinfo=UTC)


def event_at(live: LiveApp, event: dict[str, Any], happened: float) -> Response:
    """An Events API delivery, signed now, of an event that happened at `happened`."""
    envelope = {
        "token": "deprecated-verification-token", "team_id": "T1", "api_app_id": API_APP_ID,
        "event": {"event_ts": f"{happened:.6f}", **event}, "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}", "event_time": int(happened),
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
    }  # fmt: skip
    return live.driver.post(json.dumps(envelope).encode(), "application/json")


def revoked_at(live: LiveApp) -> datetime | None:
    with live.session() as session:
        return session.scalar(select(Workspace.token_revoked_at).where(Workspace.team_id == "T1"))


def services_of(live: LiveApp) -> Services:
    return Services(settings=live.settings, sessions=live.sessions, clock=live.clock)


def sweep_now(live: LiveApp) -> SweepReport:
    return sweep(services_of(live), live.clock(), composer=TinyComposer(), metadata=digest_metadata,
                 options=FAST, sleep=FakeSleep())  # fmt: skip


@pytest.fixture
def installed(live_any_db: LiveApp) -> LiveApp:
    live = live_any_db
    live.clock.set(MORNING)
    add_rep(services_of(live), "U1", "America/New_York", now=MORNING)
    return live


def test_an_uninstall_stops_every_send_until_the_workspace_is_back(installed: LiveApp) -> None:
    live = installed
    uninstalled = time.time() - 60
    assert event_at(live, {"type": "app_uninstalled"}, uninstalled).status == 200
    live.wait_until(lambda: revoked_at(live) is not None)
    assert revoked_at(live) == datetime.fromtimestamp(int(uninstalled), UTC)

    report = sweep_now(live)
    assert report.problems == [] and report.undelivered == [] and report.all_delivered
    [skipped] = report.skipped_workspaces
    assert skipped.startswith("T1: uninstalled")
    assert outbox_rows(services_of(live)) == []
    assert live.fake.calls_to("chat.postMessage", ok_only=False) == []

    # A retry of an event from before the uninstall proves nothing.
    opened = {"type": "app_home_opened", "user": "U1", "tab": "messages", "channel": "DU1"}
    assert event_at(live, opened, uninstalled - 30).status == 200
    live.wait_until_idle()
    assert revoked_at(live) is not None
    assert sweep_now(live).skipped_workspaces == report.skipped_workspaces

    # Reinstalled: the first event that happened after the uninstall resumes it.
    assert event_at(live, opened, time.time()).status == 200
    live.wait_until(lambda: revoked_at(live) is None)
    back = sweep_now(live)
    assert (back.sent, back.skipped_workspaces, back.problems) == (1, [], [])
    assert [m.metadata for m in live.fake.messages("U1")] == [
        digest_metadata("T1", "U1", MORNING.date())
    ]


def test_a_slash_command_after_the_revoke_resumes_the_workspace(installed: LiveApp) -> None:
    live = installed
    revoke = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    assert event_at(live, revoke, time.time() - 60).status == 200
    live.wait_until(lambda: revoked_at(live) is not None)
    assert sweep_now(live).skipped_workspaces

    # Signed now: the request's own timestamp is after the revoke.
    assert live.driver.command("U1", "help").status == 200
    live.wait_until(lambda: revoked_at(live) is None)
    assert sweep_now(live).sent == 1


def test_revoked_user_tokens_leave_the_bot_sending(installed: LiveApp) -> None:
    live = installed
    users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U1"], "bot": []}}
    assert event_at(live, users_only, time.time()).status == 200
    live.wait_until_idle()
    assert revoked_at(live) is None
    assert sweep_now(live).sent == 1


def test_an_unsigned_uninstall_changes_nothing(installed: LiveApp) -> None:
    live = installed
    envelope = {"type": "event_callback", "team_id": "T1", "event": {"type": "app_uninstalled"},
                "event_id": "Ev1", "event_time": int(time.time())}  # fmt: skip
    body = json.dumps(envelope).encode()
    assert live.driver.post(body, "application/json", sign_it=False).status == 401
    live.wait_until_idle()
    assert revoked_at(live) is None
    assert sweep_now(live).sent == 1


def test_a_revoke_recorded_by_another_process_is_seen_within_the_refresh(
    installed: LiveApp,
) -> None:
    """The request path reads the revoked set at most every refresh_seconds."""
    live = installed
    services = services_of(live)
    ticks = [0.0]
    revocations = Revocations(refresh_seconds=10, monotonic=lambda: ticks[0])
    revoked = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    after = revoked + timedelta(minutes=5)
    assert not revocations.seen(services, team_id="T1", seen_at=after), "nothing revoked"
    assert record_revoked(live.sessions, team_id="T1", at=revoked), "by another process"
    ticks[0] = 9.9
    assert not revocations.seen(services, team_id="T1", seen_at=after), "not read yet"
    assert revoked_at(live) == revoked
    ticks[0] = 10.0
    assert not revocations.seen(services, team_id="T1", seen_at=revoked), "not after it"
    assert revocations.seen(services, team_id="T1", seen_at=after)
    assert revoked_at(live) is None
    assert not revocations.seen(services, team_id="T1", seen_at=after), "already back"


def test_slack_time_reads_the_event_time_or_the_signed_timestamp() -> None:
    from slack_bolt.request import BoltRequest

    from handlers.lifecycle import slack_time

    stamp = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    seconds = int(stamp.timestamp())
    event = {"type": "event_callback", "event_time": seconds, "event": {"type": "x"}}
    assert slack_time(event, None) == stamp
    assert slack_time({**event, "event_time": "soon"}, None) is None
    assert slack_time({**event, "event_time": True}, None) is None
    signed = BoltRequest(body="command=%2Frevive", headers={"x-slack-request-timestamp": [
        str(seconds)]})  # fmt: skip
    assert slack_time({"command": "/revive"}, signed) == stamp
    assert slack_time({"command": "/revive"}, BoltRequest(body="command=%2Frevive")) is None


def test_only_a_revoked_bot_token_stops_the_workspace() -> None:
    from handlers.lifecycle import bot_tokens_revoked, event_type

    assert bot_tokens_revoked({"tokens": {"oauth": [], "bot": ["UBOT"]}})
    assert not bot_tokens_revoked({"tokens": {"oauth": ["U1"], "bot": []}})
    assert not bot_tokens_revoked({"tokens": {"oauth": ["U1"]}})
    assert not bot_tokens_revoked({"tokens": "everything"})
    assert event_type({"type": "event_callback", "event": {"type": "app_uninstalled"}}) == (
        "app_uninstalled"
    )
    assert event_type({"type": "block_actions", "event": {"type": "app_uninstalled"}}) is None
