"""Uninstalling removes the installation: app_uninstalled, or tokens_revoked naming the bot
token, deletes the workspace's rows from the installation store; the sweep skips it; a
reinstall stores a new one, and a late retry of the old event leaves that alone."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bot.reminders.sweep import sweep
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.oauth_app import OAuthLive, serve_oauth
from tests.sweeping import FAST
from tests.test_oauth_e2e import add_due_prospect, token_of


@pytest.fixture
def two(database_url: str, clock: Clock) -> Iterator[OAuthLive]:
    with FakeSlack(tokens={}) as fake:
        fake.add_user("UA", team_id="TA", tz="America/New_York")
        fake.add_user("UB", team_id="TB", tz="America/New_York")
        with serve_oauth(database_url, fake, clock) as app:
            assert app.install("TA").status == 200 and app.install("TB").status == 200
            yield app


def stored_rows(app: OAuthLive, team_id: str) -> int:
    with app.live.sessions() as session:
        return sum(
            session.execute(
                text(f"SELECT count(*) FROM {table} WHERE team_id = :team"), {"team": team_id}
            ).scalar_one()
            for table in ("slack_installations", "slack_bots")
        )


def test_app_uninstalled_deletes_the_installation_and_the_sweep_skips_it(two: OAuthLive) -> None:
    add_due_prospect(two, "TA", "UA", "Alma")
    add_due_prospect(two, "TB", "UB", "Boris")
    assert stored_rows(two, "TA") == 2
    response = two.driver("TA").event({"type": "app_uninstalled"})
    assert response.status == 200
    two.live.wait_until(lambda: stored_rows(two, "TA") == 0)
    assert stored_rows(two, "TB") == 2  # the other workspace keeps its installation
    assert two.services.bot_token("TA") is None

    fake = two.live.fake
    fake.reset()
    report = sweep(two.services, two.live.clock(), options=FAST)
    assert report.problems == [] and report.all_delivered
    assert any(line.startswith("TA: uninstalled") for line in report.skipped_workspaces)
    [post] = fake.calls_to("chat.postMessage")
    assert post.params["channel"] == "UB" and post.token == token_of(two, "TB")


def test_a_revoked_bot_token_deletes_the_installation(two: OAuthLive) -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOTTB"]}}
    assert two.driver("TB").event(event).status == 200
    two.live.wait_until(lambda: stored_rows(two, "TB") == 0)
    assert stored_rows(two, "TA") == 2


def test_user_tokens_revoked_only_keeps_the_installation(two: OAuthLive) -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["UA"], "bot": []}}
    assert two.driver("TA").event(event).status == 200
    two.live.wait_until_idle()
    assert stored_rows(two, "TA") == 2


def test_a_reinstall_is_used_and_a_late_retry_of_the_old_uninstall_keeps_it(
    two: OAuthLive,
) -> None:
    uninstalled_at = int(time.time()) - 60  # Slack's event_time of the (retried) event
    event = {"type": "app_uninstalled"}
    two.driver("TA").event(event, event_id="EvOLD")
    two.live.wait_until(lambda: stored_rows(two, "TA") == 0)
    assert two.install("TA").status == 200
    fresh = token_of(two, "TA")
    assert two.services.bot_token("TA") == fresh
    # Slack retries an event it thinks was missed; its event_time is still the old one.
    retried = two.driver("TA").post(
        f'{{"type": "event_callback", "team_id": "TA", "api_app_id": "AREVIVE", '
        f'"event": {{"type": "app_uninstalled"}}, "event_id": "EvRETRY", '
        f'"event_time": {uninstalled_at}, '
        f'"authorizations": [{{"team_id": "TA", "user_id": "UBOT", "is_bot": true}}]}}'.encode(),
        "application/json",
    )
    assert retried.status == 200
    two.live.wait_until_idle()
    assert stored_rows(two, "TA") == 2 and two.services.bot_token("TA") == fresh


def test_after_a_reinstall_the_digests_resume_without_waiting_for_a_request(
    two: OAuthLive,
) -> None:
    add_due_prospect(two, "TA", "UA", "Alma")
    two.driver("TA").event({"type": "app_uninstalled"})
    two.live.wait_until(lambda: stored_rows(two, "TA") == 0)
    two.live.wait_until_idle()
    assert two.install("TA").status == 200  # and nobody in TA has used Revive since
    fake = two.live.fake
    fake.reset()
    report = sweep(two.services, two.live.clock(), options=FAST)
    assert report.skipped_workspaces == [] and report.all_delivered
    assert [c.token for c in fake.calls_to("chat.postMessage")] == [token_of(two, "TA")]
