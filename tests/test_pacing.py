"""The posting pace is per workspace and shared by every process through the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.reminders.pacing import Pacer
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.repo import ensure_workspace
from tests.conftest import Clock
from tests.sweeping import FakeSleep

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.fixture
def engines(database_url: str) -> Iterator[tuple[Engine, Engine]]:
    # Two engines stand for two processes: they share nothing but the database.
    first, second = make_engine(database_url), make_engine(database_url)
    upgrade(first)
    with unit_of_work(make_session_factory(first)) as session:
        ensure_workspace(session, team_id="T1", now=NOW)
        ensure_workspace(session, team_id="T2", now=NOW)
    yield first, second
    first.dispose()
    second.dispose()


def test_two_processes_share_one_pace_per_workspace(engines: tuple[Engine, Engine]) -> None:
    clock = Clock(NOW)
    sleep_a, sleep_b = FakeSleep(), FakeSleep()
    a = Pacer(make_session_factory(engines[0]), clock, sleep=sleep_a)
    b = Pacer(make_session_factory(engines[1]), clock, sleep=sleep_b)
    waits = [a.wait(1, 5), b.wait(1, 5), a.wait(1, 5), b.wait(1, 5)]
    assert waits == pytest.approx([0, 0.2, 0.4, 0.6])
    assert sleep_a.waits + sleep_b.waits == pytest.approx([0.4, 0.2, 0.6])
    assert b.wait(2, 5) == 0, "another workspace has its own pace"
    clock.set(NOW + timedelta(seconds=10))
    assert a.wait(1, 2) == 0, "a slot in the past is not owed"
    assert a.wait(1, 2) == pytest.approx(0.5)


def test_retry_after_holds_every_process(engines: tuple[Engine, Engine]) -> None:
    clock = Clock(NOW)
    a = Pacer(make_session_factory(engines[0]), clock, sleep=FakeSleep())
    b = Pacer(make_session_factory(engines[1]), clock, sleep=FakeSleep())
    a.hold(1, 30)
    assert b.wait(1, 5) == pytest.approx(30)
    a.hold(1, 1)  # a shorter hold never shortens a longer one
    assert a.wait(1, 5) == pytest.approx(30.2)


def test_disabled_pacing_never_waits_or_writes(engines: tuple[Engine, Engine]) -> None:
    sleep = FakeSleep()
    pacer = Pacer(make_session_factory(engines[0]), Clock(NOW), sleep=sleep, enabled=False)
    pacer.hold(1, 30)
    assert [pacer.wait(1, 0.1) for _ in range(3)] == [0, 0, 0]
    assert sleep.waits == []
    enabled = Pacer(make_session_factory(engines[0]), Clock(NOW), sleep=sleep)
    assert enabled.wait(1, 5) == 0, "nothing was stored by the disabled pacer"
