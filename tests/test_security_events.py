"""Events once: Slack's retries of an event are acknowledged and not processed again, in one
process or another sharing the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import Mock

from slack_bolt import BoltResponse
from slack_bolt.request import BoltRequest
from sqlalchemy import func, select

from bot.events_once import once_per_event
from bot.services import Services
from bot.settings import load_settings
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from store.models import SeenEvent
from store.seen_events import prune_seen_events, take_event
from tests.fakeslack import FakeSlack
from tests.securing import DatabaseTouches, SecuredApp, serve_secured

HOME_OPENED = {"type": "app_home_opened", "user": "U1", "tab": "home"}
T0 = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def publishes(app: SecuredApp) -> int:
    return len(app.fake.calls_to("views.publish"))


def seen_rows(app: SecuredApp) -> int:
    with app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(SeenEvent)) or 0)


def test_a_retried_event_is_acknowledged_and_processed_once(
    database_url: str, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York")
    with serve_secured(database_url, fake_slack) as app:
        assert app.driver.event(HOME_OPENED, event_id="Ev1").status == 200
        app.fake.wait_for("views.publish", 1)
        app.settle()
        for retry in (1, 2, 3):
            assert app.driver.event(HOME_OPENED, event_id="Ev1", retry_num=retry).status == 200
        app.settle()
        assert publishes(app) == 1
        assert seen_rows(app) == 1
        # The control: another event id is processed.
        assert app.driver.event(HOME_OPENED, event_id="Ev2").status == 200
        app.fake.wait_for("views.publish", 2)


def test_a_retry_of_an_event_never_seen_is_processed(
    database_url: str, fake_slack: FakeSlack
) -> None:
    """The first delivery may never have arrived: then the retry is the one to handle."""
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York")
    with serve_secured(database_url, fake_slack) as app:
        assert app.driver.event(HOME_OPENED, event_id="Ev9", retry_num=1).status == 200
        app.fake.wait_for("views.publish", 1)


def test_a_retry_reaching_another_process_is_not_processed_again(
    database_url: str, fake_slack: FakeSlack
) -> None:
    """Two app instances, each with its own engine and pool, share only the database."""
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York")
    with serve_secured(database_url, fake_slack) as first, \
            serve_secured(database_url, fake_slack) as second:
        assert first.driver.event(HOME_OPENED, event_id="EvA").status == 200
        fake_slack.wait_for("views.publish", 1)
        first.settle()
        assert second.driver.event(HOME_OPENED, event_id="EvA", retry_num=1).status == 200
        second.settle()
        first.settle()
        assert publishes(first) == 1
        assert second.executor.submitted == 0  # no listener even started there
        # The control: the second instance does process an event of its own.
        assert second.driver.event(HOME_OPENED, event_id="EvB").status == 200
        fake_slack.wait_for("views.publish", 2)


def test_concurrent_deliveries_of_one_event_are_taken_once(database_url: str) -> None:
    engines = [make_engine(database_url) for _ in range(2)]
    upgrade(engines[0])
    factories = [make_session_factory(engine) for engine in engines]
    start = threading.Barrier(8)
    results: list[bool] = []
    lock = threading.Lock()

    def deliver(n: int) -> None:
        start.wait(10)
        taken = take_event(factories[n % 2], event_id="EvRace", team_id="T1", now=T0)
        with lock:
            results.append(taken)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for engine in engines:
        engine.dispose()
    assert sorted(results) == [False] * 7 + [True]


def test_pruning_forgets_ids_older_than_the_cutoff(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    assert take_event(sessions, event_id="EvOld", team_id="T1", now=T0)
    assert take_event(sessions, event_id="EvNew", team_id=None, now=T0 + timedelta(hours=2))
    assert prune_seen_events(sessions, before=T0) == 0
    assert prune_seen_events(sessions, before=T0 + timedelta(hours=1)) == 1
    assert take_event(sessions, event_id="EvOld", team_id="T1", now=T0 + timedelta(days=2))
    assert not take_event(sessions, event_id="EvNew", team_id=None, now=T0 + timedelta(days=2))
    engine.dispose()


# --- the middleware on its own: which bodies it looks at, and when it prunes -------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def middleware_on(url: str, clock: Clock) -> tuple[Callable[..., Any], DatabaseTouches]:
    engine = make_engine(url)
    upgrade(engine)
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                              "DATABASE_URL": url})
    services = Services(settings=settings, sessions=make_session_factory(engine), clock=clock)
    touches = DatabaseTouches(engine)
    return once_per_event(services), touches


def run(middleware: Callable[..., Any], body: dict[str, Any]) -> tuple[bool, Any]:
    nexted = Mock()
    answer = middleware(body=body, request=BoltRequest(body="", headers={}), next=nexted)
    return nexted.called, answer


def event_body(event_id: str) -> dict[str, Any]:
    return {"type": "event_callback", "event_id": event_id, "team_id": "T1",
            "event": {"type": "app_home_opened"}}


def test_commands_and_clicks_pass_without_a_database_touch(sqlite_database_url: str) -> None:
    middleware, touches = middleware_on(sqlite_database_url, Clock(T0))
    touches.reset()
    for body in (
        {"command": "/revive", "text": "list", "team_id": "T1"},
        {"type": "block_actions", "event_id": "Ev1", "actions": []},
        {"type": "view_submission", "view": {}},
        {"type": "event_callback"},  # no event id: nothing to key on
    ):
        for _ in range(2):
            assert run(middleware, body) == (True, None)
    assert not touches.touched


def test_a_duplicate_gets_200_and_no_next(sqlite_database_url: str) -> None:
    middleware, _ = middleware_on(sqlite_database_url, Clock(T0))
    assert run(middleware, event_body("Ev1")) == (True, None)
    nexted, answer = run(middleware, event_body("Ev1"))
    assert not nexted
    assert isinstance(answer, BoltResponse) and answer.status == 200


def test_the_middleware_prunes_expired_ids_at_most_once_an_hour(
    sqlite_database_url: str,
) -> None:
    clock = Clock(T0)
    middleware, touches = middleware_on(sqlite_database_url, clock)
    assert run(middleware, event_body("Ev1"))[0]
    clock.now = T0 + timedelta(days=1, minutes=1)
    assert run(middleware, event_body("Ev2"))[0]  # prunes Ev1, taken over a day ago
    assert run(middleware, event_body("Ev1"))[0]  # so Ev1 is new again
    touches.reset()
    clock.now += timedelta(minutes=30)
    assert run(middleware, event_body("Ev3"))[0]
    assert not [s for s in touches.statements if s.lstrip().upper().startswith("DELETE")]
    clock.now += timedelta(minutes=31)
    assert run(middleware, event_body("Ev4"))[0]
    assert [s for s in touches.statements if s.lstrip().upper().startswith("DELETE")]
