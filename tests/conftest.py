"""Shared fixtures: databases on SQLite and PostgreSQL, the fake Slack, the app over HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_app
from bot.server import make_http_server
from bot.services import Services
from bot.settings import Settings, load_settings
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from tests.databases import postgres_schema_url, sqlite_url
from tests.fakeslack import FakeSlack
from tests.slack_driver import SlackDriver

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend; PostgreSQL fails rather than skips in CI."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        with postgres_schema_url() as url:
            yield url


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path)


# --- the app over HTTP, talking to the fake Slack -------------------------------------


@dataclass
class Clock:
    """A settable clock for the app under test (aware UTC)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: str | datetime) -> None:
        self.now = datetime.fromisoformat(when) if isinstance(when, str) else when
        assert self.now.tzinfo is not None, "give the clock an aware time"


@dataclass
class LiveApp:
    """The real app served over HTTP on 127.0.0.1, with its fake Slack and database."""

    fake: FakeSlack
    driver: SlackDriver
    sessions: sessionmaker[Session]
    clock: Clock
    settings: Settings
    url: str

    def session(self) -> Session:
        return self.sessions()

    def wait_until(self, check: Callable[[], object], timeout: float = 5.0) -> object:
        """Poll until check() is truthy: listeners finish after the ack, in Bolt's threads."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout} s: {check}")
            time.sleep(0.02)


SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-T1"


def serve_app(database_url: str, fake: FakeSlack, clock: Clock) -> Iterator[LiveApp]:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
            "REVIVE_SCHEDULER": "off",
        }
    )
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    app = build_app(Services(settings=settings, sessions=sessions, clock=clock))
    server = make_http_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"
    try:
        yield LiveApp(
            fake=fake,
            driver=SlackDriver(url, SIGNING_SECRET, team_id="T1", fake=fake),
            sessions=sessions,
            clock=clock,
            settings=settings,
            url=url,
        )
    finally:
        server.close()
        thread.join(timeout=5)
        engine.dispose()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    # A Tuesday morning in New York.
    return Clock(datetime(2026, 11, 24, 14, 0, tzinfo=UTC))


@pytest.fixture
def live(sqlite_database_url: str, fake_slack: FakeSlack, clock: Clock) -> Iterator[LiveApp]:
    """The app over HTTP on SQLite: the default for end-to-end tests."""
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York", real_name="Riley Rep")
    fake_slack.add_user("U2", team_id="T1", tz="Europe/Paris", real_name="Sam Other")
    yield from serve_app(sqlite_database_url, fake_slack, clock)


@pytest.fixture
def live_any_db(database_url: str, fake_slack: FakeSlack, clock: Clock) -> Iterator[LiveApp]:
    """The app over HTTP, once on SQLite and once on PostgreSQL."""
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York", real_name="Riley Rep")
    yield from serve_app(database_url, fake_slack, clock)
