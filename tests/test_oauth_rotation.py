"""Token rotation: a bot token about to expire is refreshed with its refresh token before it
is used, by a request (Bolt's authorize) and by the sweep (InstallationTokens)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.install.tokens import InstallationTokens
from bot.reminders.sweep import sweep
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.oauth_app import OAuthLive, serve_oauth
from tests.sweeping import FAST
from tests.test_oauth_e2e import add_due_prospect, token_of

HOUR = 3600


@pytest.fixture
def rotating(sqlite_database_url: str, clock: Clock) -> Iterator[OAuthLive]:
    with FakeSlack(tokens={}) as fake:
        fake.add_user("UA", team_id="TA", tz="America/New_York")
        # The first token lives an hour: inside the two hours before expiry when we refresh.
        fake.oauth.rotation_seconds = HOUR
        with serve_oauth(sqlite_database_url, fake, clock) as app:
            assert app.install("TA").status == 200
            fake.oauth.rotation_seconds = 12 * HOUR  # what Slack issues on a refresh
            fake.reset()
            yield app


def refreshes(fake: FakeSlack) -> list[str]:
    return [c.params["refresh_token"] for c in fake.calls_to("oauth.v2.access")
            if c.params.get("grant_type") == "refresh_token"]


def test_a_request_refreshes_an_expiring_token_before_using_it(rotating: OAuthLive) -> None:
    fake = rotating.live.fake
    first = token_of(rotating, "TA")
    assert first.startswith("xoxe.xoxb-")
    fake.oauth.expire(first)  # Slack would now answer token_expired

    response = rotating.driver("TA").command("UA", "list")
    assert response.status == 200 and "no dormant prospects" in response.text
    rotating.live.wait_until_idle()
    assert len(refreshes(fake)) == 1
    fresh = token_of(rotating, "TA")
    assert fresh != first
    used = {c.token for c in fake.calls if c.method != "oauth.v2.access"}
    assert used == {fresh}
    # Stored, encrypted, for everyone else: the sweep's lookup needs no second refresh.
    assert rotating.services.bot_token("TA") == fresh
    assert len(refreshes(fake)) == 1


def test_the_sweep_refreshes_an_expiring_token_before_posting(rotating: OAuthLive) -> None:
    fake = rotating.live.fake
    add_due_prospect(rotating, "TA", "UA", "Alma")
    current = token_of(rotating, "TA")
    tokens = rotating.services.tokens
    assert isinstance(tokens, InstallationTokens)
    # Ten minutes left on the stored token, and Slack has already stopped taking it.
    stored = tokens.store.find_bot(enterprise_id=None, team_id="TA")
    assert stored is not None and stored.bot_token == current
    stored.bot_token_expires_at = int(time.time()) + 600
    tokens.store.save_bot(stored)
    fake.oauth.expire(current)
    fake.reset()

    report = sweep(rotating.services, rotating.live.clock(), options=FAST)
    assert report.all_delivered and report.problems == []
    fresh = token_of(rotating, "TA")
    assert fresh != current and len(refreshes(fake)) == 1
    [post] = fake.calls_to("chat.postMessage")
    assert post.token == fresh and post.params["channel"] == "UA"


def test_a_refused_refresh_means_no_token_not_a_crash(rotating: OAuthLive) -> None:
    fake = rotating.live.fake
    first = token_of(rotating, "TA")
    fake.oauth.client = ("1111.2222", "a-new-secret")  # the app's secret was regenerated
    assert rotating.services.bot_token("TA") is None  # logged, and the workspace waits
    assert len(refreshes(fake)) == 1  # asked once, refused: no new token
    assert token_of(rotating, "TA") == first
