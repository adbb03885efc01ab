"""SQLite units of work queue inside the process, and Bolt gets the configured thread pool."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import event, text

from bot.app import build_app
from bot.services import Services
from bot.settings import load_settings
from store.db import PG_CONNECT_TIMEOUT_S, make_engine, make_session_factory, unit_of_work
from tests.databases import postgres_base_url, sqlite_url


def test_sqlite_file_engine_holds_one_connection_and_memory_keeps_its_pool(
    tmp_path: Path,
) -> None:
    file_engine = make_engine(sqlite_url(tmp_path))
    assert file_engine.pool.size() == 1  # type: ignore[attr-defined]
    memory_engine = make_engine("sqlite://")
    assert memory_engine.pool.__class__.__name__ != "QueuePool"


def test_a_second_thread_waits_for_the_first_unit_of_work_then_writes(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    sessions = make_session_factory(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    first_holds = threading.Event()
    let_first_go = threading.Event()
    order: list[str] = []

    def first() -> None:
        with unit_of_work(sessions) as session:
            session.execute(text("UPDATE counter SET n = n + 1"))
            first_holds.set()
            let_first_go.wait(10)
            order.append("first commits")

    def second() -> None:
        first_holds.wait(10)
        with unit_of_work(sessions) as session:
            session.execute(text("UPDATE counter SET n = n * 10"))
            order.append("second wrote")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds.wait(10)
    let_first_go.set()
    for thread in threads:
        thread.join(20)
    assert order == ["first commits", "second wrote"]
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT n FROM counter")) == 10


def test_bolt_runs_listeners_on_the_configured_pool(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "s",
            "DATABASE_URL": sqlite_url(tmp_path),
            "LISTENER_THREADS": "7",
        }
    )
    sessions = make_session_factory(make_engine(settings.database_url))
    app = build_app(Services(settings=settings, sessions=sessions))
    assert app.listener_runner.listener_executor._max_workers == 7  # type: ignore[attr-defined]


@pytest.mark.postgres
def test_postgres_connections_give_up_after_a_few_seconds() -> None:
    base = postgres_base_url()
    if base is None:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI sets REQUIRE_POSTGRES=1)")
    engine = make_engine(base)
    seen: dict[str, object] = {}
    event.listen(engine, "do_connect", lambda _d, _r, _a, params: seen.update(params))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
    # An unreachable server must not hold a request for the kernel's TCP timeout.
    assert seen["connect_timeout"] == PG_CONNECT_TIMEOUT_S
