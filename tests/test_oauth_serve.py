"""`revive serve` in OAuth mode as an admin runs it: a real process that serves the Add to
Slack page, installs a workspace, answers it with its own token, and logs no secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SIGNING_SECRET
from tests.fakeslack import FakeSlack
from tests.fakeslack_oauth import CLIENT_SECRET
from tests.oauth_app import KEY, OAuthLive, oauth_env
from tests.slack_driver import SlackDriver
from tests.test_serve_process import free_port, wait_healthy


class Browser(OAuthLive):
    """OAuthLive's install steps against a process we did not build in this one."""

    def __init__(self, base: str, fake: FakeSlack) -> None:
        self.base, self.fake = base, fake

    def code(self, team_id: str) -> str:
        return self.fake.oauth.code(team_id)


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_serve_in_oauth_mode_installs_a_workspace_and_answers_it(
    tmp_path: Path, fake_slack: FakeSlack, level: str
) -> None:
    fake_slack.oauth.rotation_seconds = 43200  # a refresh token too, as secret as the token
    fake_slack.tokens.clear()
    fake_slack.add_user("UA", team_id="TA", tz="America/New_York")
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env = {**clean, "PYTHONPATH": str(Path(__file__).parents[1]), "PORT": str(port),
           **oauth_env(fake_slack.api_url, f"sqlite:///{tmp_path / 'revive.db'}"),
           "LOG_LEVEL": level}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--no-scheduler"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        browser = Browser(base, fake_slack)
        page = browser.get("/slack/install")
        assert page.status == 200 and "slack.com/oauth/v2/authorize" in page.text
        cookie = page.headers["Set-Cookie"].split(";")[0]
        state = cookie.partition("=")[2]
        done = browser.get(f"/slack/oauth_redirect?code={browser.code('TA')}&state={state}",
                           headers={"Cookie": cookie})
        assert done.status == 200 and "Thank you!" in done.text
        [token] = list(fake_slack.tokens)

        driver = SlackDriver(f"{base}/slack/events", SIGNING_SECRET, team_id="TA", fake=fake_slack)
        answer = driver.command("UA", "list")
        assert answer.status == 200 and "no dormant prospects" in answer.text
        assert {c.token for c in fake_slack.calls_to("users.info")} == {token}
        # A workspace that never installed is told so, privately, and nothing else happens.
        other = driver.command("UZ", "list", team_id="TZ")
        assert other.status == 200
        [told] = fake_slack.wait_for_response(1)
        assert "not installed in this workspace" in told.body["text"]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "installed in workspace TA" in stderr
    # At DEBUG slack_sdk narrates oauth.v2.access, whose answer holds both tokens: masked.
    assert ("oauth.v2.access" in stderr) == (level == "DEBUG")
    for secret in (token, fake_slack.oauth.refresh_tokens()[0], KEY, CLIENT_SECRET):
        assert secret not in stderr
    assert "Traceback" not in stderr
