"""Enterprise Grid: an org-wide request (no workspace) gets a quiet, proper answer in either
mode, never a traceback; an org-wide install is refused at install time, saying why."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.install.grid import ORG_WIDE_TEXT, org_wide_guard
from store.models import Workspace
from tests.conftest import Clock, LiveApp
from tests.fakeslack import FakeSlack
from tests.oauth_app import OAuthLive, serve_oauth
from tests.slack_driver import SlackDriver


def org_wide_home_opened() -> dict[str, Any]:
    """app_home_opened from an org-wide install, shaped like Bolt's own org-app test payload:
    the authorization names the enterprise, its team id is null."""
    now = int(time.time())
    return {
        "token": "deprecated-verification-token",
        "enterprise_id": "E111",
        "api_app_id": "AREVIVE",
        "event": {"type": "app_home_opened", "user": "W111", "channel": "D111", "tab": "home",
                  "event_ts": f"{now}.000100"},
        "type": "event_callback",
        "event_id": "EvGRID1",
        "event_time": now,
        "authorizations": [{"enterprise_id": "E111", "team_id": None, "user_id": "W111",
                            "is_bot": True, "is_enterprise_install": True}],
        "is_ext_shared_channel": False,
    }


def post_json(driver: SlackDriver, payload: dict[str, Any]) -> Any:
    return driver.post(json.dumps(payload).encode(), "application/json")


def assert_no_trace(caplog: pytest.LogCaptureFixture) -> None:
    assert "Traceback" not in caplog.text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_org_wide_event_in_single_token_mode_is_answered_quietly(
    live: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = post_json(live.driver, org_wide_home_opened())
    assert response.status == 200 and response.body == b""
    live.wait_until_idle()
    assert live.fake.calls == []  # no Home published to nobody, no lookup
    with live.session() as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 0
    assert_no_trace(caplog)
    assert "org-wide request (app_home_opened, enterprise E111)" in caplog.text


@pytest.fixture
def oauth(sqlite_database_url: str, clock: Clock) -> Iterator[OAuthLive]:
    with FakeSlack(tokens={}) as fake, serve_oauth(sqlite_database_url, fake, clock) as app:
        yield app


def test_org_wide_event_in_oauth_mode_is_answered_quietly(
    oauth: OAuthLive, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = post_json(oauth.live.driver, org_wide_home_opened())
    assert response.status == 200 and response.body == b""
    oauth.live.wait_until_idle()
    assert oauth.live.fake.calls == []
    assert_no_trace(caplog)


def test_an_org_wide_install_is_refused_with_a_page_and_its_token_revoked(
    oauth: OAuthLive, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    page = oauth.install(None, enterprise_id="E111", org_wide=True)
    assert page.status == 400
    assert "one workspace at a time" in page.text and "Add to Slack" in page.text
    fake = oauth.live.fake
    assert len(fake.oauth.revoked) == 1 and fake.tokens == {}  # nothing half-installed
    with oauth.live.sessions() as session:
        for table in ("slack_installations", "slack_bots"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
    assert_no_trace(caplog)
    # A workspace of the same Grid installing Revive itself is welcome.
    page = oauth.install("T222", enterprise_id="E111")
    assert page.status == 200 and "Thank you!" in page.text
    assert oauth.services.bot_token("T222") is not None


def test_the_guard_answers_a_team_less_command_privately_and_lets_the_rest_through() -> None:
    class Context(dict[str, Any]):
        team_id: str | None = None
        enterprise_id = "E111"

    def nxt() -> Any:
        raise AssertionError("a team-less request must not go further")

    answer = org_wide_guard({"command": "/revive", "text": "list"}, Context(), nxt)  # type: ignore[arg-type]
    assert answer.status == 200 and json.loads(answer.body)["text"] == ORG_WIDE_TEXT
    handshake = org_wide_guard({"type": "url_verification"}, Context(), lambda: "next")  # type: ignore[arg-type]
    assert handshake == "next"
    with_team = Context()
    with_team.team_id = "T222"
    assert org_wide_guard({"type": "event_callback"}, with_team, lambda: "next") == "next"  # type: ignore[arg-type]
