"""Shared fixtures: databases on SQLite and PostgreSQL, the fake Slack, the app over HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
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


class ListenerWork:
    """Counts the work Bolt hands its listener executor (listeners run there after the ack,
    lazy listeners too), so a test can tell when none is queued or running."""

    def __init__(self, executor: Executor) -> None:
        self._count = 0
        self._changed = threading.Condition()
        submit = executor.submit

        def counted(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            with self._changed:
                self._count += 1

            def run() -> Any:
                try:
                    return fn(*args, **kwargs)
                finally:
                    self._done()

            try:
                return submit(run)
            except BaseException:
                self._done()  # refused (executor shut down): nothing will run
                raise

        executor.submit = counted  # type: ignore[method-assign]

    def _done(self) -> None:
        with self._changed:
            self._count -= 1
            self._changed.notify_all()

    @property
    def count(self) -> int:
        with self._changed:
            return self._count

    @classmethod
    def of(cls, app: App) -> ListenerWork:
        return cls(app.listener_runner.listener_executor)


def http_requests_in_flight(server: Any) -> int:
    """Requests waitress is serving or has queued (its task dispatcher's own counters)."""
    dispatcher = server.task_dispatcher
    with dispatcher.lock:
        return dispatcher.active_count + len(dispatcher.queue)


@dataclass
class LiveApp:
    """The real app served over HTTP on 127.0.0.1, with its fake Slack and database."""

    fake: FakeSlack
    driver: SlackDriver
    sessions: sessionmaker[Session]
    clock: Clock
    settings: Settings
    url: str
    server: Any = None
    listener_work: ListenerWork | None = field(default=None, repr=False)

    def session(self) -> Session:
        return self.sessions()

    def in_flight(self) -> int:
        """HTTP requests being served plus listener work queued or running after an ack."""
        requests = http_requests_in_flight(self.server) if self.server is not None else 0
        return requests + (self.listener_work.count if self.listener_work else 0)

    def wait_until_idle(self, timeout: float = 5.0, quiet: float = 0.05) -> None:
        """Return once nothing is left to happen, then assert what did *not* happen.

        Idle: no request in flight in the app (HTTP or listener work after the ack) and the
        fake Slack got no new call or response_url post, both holding for `quiet` seconds
        (a listener may finish just as another request is submitted). Never a fixed sleep:
        an idle app returns after `quiet`, a busy one is waited for, a stuck one fails.
        """
        wait_until_idle(self, timeout=timeout, quiet=quiet)

    def wait_until(self, check: Callable[[], object], timeout: float = 5.0) -> object:
        """Poll until check() is truthy: listeners finish after the ack, in Bolt's threads."""
        return poll_until(check, timeout)


def poll_until(check: Callable[[], object], timeout: float, interval: float = 0.02) -> object:
    """check()'s first truthy result; an AssertionError after `timeout` seconds. check() may
    raise to give up early (a process that exited)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {check}")
        time.sleep(interval)


def wait_until_idle(live: LiveApp, *, timeout: float = 5.0, quiet: float = 0.05) -> None:
    """See LiveApp.wait_until_idle; a function for helpers that take the app and its fake."""
    fake = live.fake
    deadline = time.monotonic() + timeout
    seen: tuple[int, int] | None = None
    idle_since = 0.0
    while True:
        now = time.monotonic()
        busy = live.in_flight()
        heard = (len(fake.calls), len(fake.responses))
        if busy or heard != seen:
            seen, idle_since = heard, now  # activity: the quiet period starts again
        elif now - idle_since >= quiet:
            return
        if now > deadline:
            raise AssertionError(
                f"the app did not go idle within {timeout} s: {busy} in flight, "
                f"last Slack calls {[c.method for c in fake.calls[-5:]]}"
            )
        time.sleep(0.005)


def wait_for_job_runs(scheduler: Any, job_id: str, count: int, timeout: float = 10.0) -> None:
    """Block until APScheduler has finished `count` more runs of `job_id` (ticks that
    happened, not time that passed): assert what repeated ticks did not do after this."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

    finished = threading.Semaphore(0)

    def on_event(event: Any) -> None:
        if event.job_id == job_id:
            finished.release()

    scheduler.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    try:
        deadline = time.monotonic() + timeout
        for run in range(count):
            if not finished.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise AssertionError(f"{job_id}: {run} of {count} runs within {timeout} s")
    finally:
        scheduler.remove_listener(on_event)


SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-T1"


def app_settings(api_url: str, database_url: str, **more: str) -> Settings:
    """The settings every in-process test app runs with: the fake Slack, a test database."""
    return load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": database_url,
            "REVIVE_SCHEDULER": "off",
            **more,
        }
    )


def serve_app(
    database_url: str, fake: FakeSlack, clock: Clock, **more: str
) -> Iterator[LiveApp]:
    """The app over HTTP; `more`: extra settings (METRICS="on", …)."""
    settings = app_settings(fake.api_url, database_url, **more)
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    app = build_app(Services(settings=settings, sessions=sessions, clock=clock))
    listener_work = ListenerWork.of(app)
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
            server=server,
            listener_work=listener_work,
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
