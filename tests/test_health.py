"""GET /healthz: 200 `ok` while the database answers `SELECT 1`; 503 naming the database
otherwise, quickly, whether PostgreSQL refuses the connection or never answers it."""

from __future__ import annotations

import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.app import build_app
from bot.observability.health import PROBE_TIMEOUT_SECONDS, check_database, probe_engine
from bot.server import make_http_server
from bot.services import Services
from store.db import make_engine, make_session_factory
from tests.conftest import LiveApp, app_settings
from tests.fakeslack import FakeSlack


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def health_url(live: LiveApp) -> str:
    return live.url.replace("/slack/events", "/healthz")


@contextmanager
def served(database_url: str, fake: FakeSlack) -> Iterator[str]:
    """The app over HTTP on a database that may not be there (nothing is migrated)."""
    settings = app_settings(fake.api_url, database_url)
    engine = make_engine(database_url)
    app = build_app(Services(settings=settings, sessions=make_session_factory(engine)))
    server = make_http_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/healthz"  # type: ignore[union-attr]
    finally:
        server.close()
        thread.join(timeout=5)
        engine.dispose()


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel's backlog) and never says a word:
    a PostgreSQL that hangs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_healthz_is_ok_while_the_database_answers(live_any_db: LiveApp) -> None:
    assert get(health_url(live_any_db)) == (200, "ok")


def test_healthz_names_the_database_when_postgres_refuses_connections(
    fake_slack: FakeSlack,
) -> None:
    url = f"postgresql+psycopg://revive:secret-pw@127.0.0.1:{closed_port()}/revive"
    with served(url, fake_slack) as health:
        status, body = get(health)
    assert (status, body) == (503, "database: cannot connect")


def test_healthz_answers_503_rather_than_hang_when_postgres_never_answers(
    fake_slack: FakeSlack,
) -> None:
    with silent_server() as port:
        url = f"postgresql+psycopg://revive@127.0.0.1:{port}/revive"
        with served(url, fake_slack) as health:
            status, body = get(health)
    assert status == 503
    assert body == f"database: no answer within {PROBE_TIMEOUT_SECONDS} s"


def test_healthz_does_not_create_a_missing_sqlite_file(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    path = tmp_path / "gone.db"
    with served(f"sqlite:///{path}", fake_slack) as health:
        assert get(health) == (503, "database: the SQLite file does not exist")
    assert not path.exists()


def test_the_probe_logs_why_without_the_password(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.observability.health")
    url = f"postgresql+psycopg://revive:secret-pw@127.0.0.1:{closed_port()}/revive"
    assert check_database(probe_engine(url)) == "cannot connect"
    (record,) = caplog.records
    assert "revive:***@127.0.0.1" in record.getMessage()
    assert "secret-pw" not in caplog.text
    assert check_database(probe_engine(f"sqlite:///{tmp_path / 'x.db'}")) == (
        "the SQLite file does not exist"
    )
