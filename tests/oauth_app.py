"""Revive in OAuth mode over HTTP, and a browser that installs it through Bolt's OAuth flow
against the fake Slack (tests/fakeslack_oauth.py)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet

from bot.app import build_app
from bot.server import make_http_server
from bot.services import Services
from bot.settings import load_settings
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from tests.conftest import SIGNING_SECRET, Clock, ListenerWork, LiveApp
from tests.fakeslack import FakeSlack
from tests.fakeslack_oauth import CLIENT_ID, CLIENT_SECRET
from tests.slack_driver import Response, SlackDriver

KEY = Fernet.generate_key().decode()
STATE_COOKIE = "slack-app-oauth-state"


def oauth_env(api_url: str, database_url: str, **more: str) -> dict[str, str]:
    return {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "REVIVE_ENCRYPTION_KEY": KEY,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "REVIVE_SCHEDULER": "off",
        **more,
    }


@dataclass
class OAuthLive:
    """The app in OAuth mode: `live` for signed requests, `services` as the app holds them
    (tokens from the installation store), `base` for the browser's pages."""

    live: LiveApp
    services: Services
    base: str

    def driver(self, team_id: str) -> SlackDriver:
        return SlackDriver(self.live.url, SIGNING_SECRET, team_id=team_id, fake=self.live.fake)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return Response(reply.status, dict(reply.headers.items()), reply.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers.items()), error.read())

    def install(self, team_id: str | None, **grant: Any) -> Response:
        """Add to Slack as a browser does: the install page sets the state cookie, Slack
        sends the browser back to the redirect URL with a code and that state."""
        page = self.get("/slack/install")
        assert page.status == 200, page.text
        cookie = page.headers["Set-Cookie"].split(";")[0]
        name, _, state = cookie.partition("=")
        assert name == STATE_COOKIE and f"state={state}" in page.text
        code = self.live.fake.oauth.code(team_id, **grant)
        return self.get(
            f"/slack/oauth_redirect?code={code}&state={state}", headers={"Cookie": cookie}
        )


@contextmanager
def serve_oauth(
    database_url: str, fake: FakeSlack, clock: Clock, **env: str
) -> Iterator[OAuthLive]:
    settings = load_settings(oauth_env(fake.api_url, database_url, **env))
    engine = make_engine(database_url)
    upgrade(engine)
    app = build_app(Services(settings=settings, sessions=make_session_factory(engine), clock=clock))
    server = make_http_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    live = LiveApp(
        fake=fake,
        driver=SlackDriver(f"{base}/slack/events", SIGNING_SECRET, team_id="TA", fake=fake),
        sessions=app.services.sessions,
        clock=clock,
        settings=settings,
        url=f"{base}/slack/events",
        server=server,
        listener_work=ListenerWork.of(app),
    )
    try:
        yield OAuthLive(live=live, services=app.services, base=base)
    finally:
        server.close()
        thread.join(timeout=5)
        engine.dispose()
