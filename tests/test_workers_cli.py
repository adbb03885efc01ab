"""`revive serve --workers N`: what it refuses at start, in one line, before touching anything."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.server_workers import ticker_problem, workers_problem
from bot.settings import ConfigError, Settings, load_settings
from tests.fakeslack import FakeSlack
from tests.test_cli import run_revive

SLACK = {"SLACK_BOT_TOKEN": "xoxb-test-T1", "SLACK_SIGNING_SECRET": "test-secret"}
# Nothing listens here: a refusal must come before any connection is tried.
POSTGRES = "postgresql+psycopg://revive@127.0.0.1:1/revive"


def settings_with(**env: str) -> Settings:
    return load_settings({**SLACK, **env})


def test_one_worker_is_always_fine_and_several_need_http_and_postgres() -> None:
    sqlite = settings_with(DATABASE_URL="sqlite:///x.db")
    socket = settings_with(DATABASE_URL=POSTGRES, SLACK_APP_TOKEN="xapp-1-A1-x")
    postgres = settings_with(DATABASE_URL=POSTGRES)
    assert workers_problem(sqlite, 1) is None and workers_problem(socket, 1) is None
    assert "needs PostgreSQL" in (workers_problem(sqlite, 2) or "")
    assert "needs HTTP mode" in (workers_problem(socket, 2) or "")
    assert workers_problem(postgres, 4) is None


def test_several_workers_want_the_ticker_turned_off_explicitly() -> None:
    on = settings_with(DATABASE_URL=POSTGRES)
    off = settings_with(DATABASE_URL=POSTGRES, REVIVE_SCHEDULER="off")
    assert "revive scheduler" in (ticker_problem(on, 2, no_scheduler=False) or "")
    assert ticker_problem(on, 2, no_scheduler=True) is None
    assert ticker_problem(off, 2, no_scheduler=False) is None
    assert ticker_problem(on, 1, no_scheduler=False) is None


def test_WORKERS_is_read_and_bounded() -> None:
    assert settings_with().workers == 1
    assert settings_with(WORKERS="4").workers == 4
    for bad in ("0", "65", "two"):
        with pytest.raises(ConfigError, match="WORKERS must be a number from 1 to 64"):
            settings_with(WORKERS=bad)


def refused(tmp_path: Path, *args: str, **env: str) -> str:
    """Run `revive serve …`, expect exit 2 with one line and nothing written; the line."""
    result = run_revive("serve", *args, cwd=tmp_path, env={**SLACK, **env})
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "revive.db").exists(), "nothing is written after a refusal"
    return lines[0]


def test_sqlite_refuses_several_workers_from_the_flag_and_from_WORKERS(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    line = refused(tmp_path, "--workers", "2", "--no-scheduler", DATABASE_URL=url)
    assert line == (
        "--workers 2 needs PostgreSQL: SQLite lets one process write at a time; "
        "set DATABASE_URL=postgresql+psycopg://… or use --workers 1."
    )
    assert "--workers 3 needs PostgreSQL" in refused(
        tmp_path, "--no-scheduler", DATABASE_URL=url, WORKERS="3"
    )


def test_socket_mode_refuses_several_workers(tmp_path: Path) -> None:
    line = refused(
        tmp_path, "--workers", "2", "--no-scheduler", DATABASE_URL=POSTGRES,
        SLACK_APP_TOKEN="xapp-1-A1-secret",
    )  # fmt: skip
    assert line.startswith("--workers 2 needs HTTP mode: Socket Mode is one connection")


def test_several_workers_without_no_scheduler_say_where_the_reminders_go(
    tmp_path: Path,
) -> None:
    line = refused(tmp_path, "--workers", "2", DATABASE_URL=POSTGRES)
    assert "runs no reminder ticker: start `revive scheduler`" in line
    assert "--no-scheduler" in line


@pytest.mark.parametrize("count", ["0", "65", "many"])
def test_a_bad_worker_count_is_a_usage_line(tmp_path: Path, count: str) -> None:
    line = refused(tmp_path, "--workers", count)
    assert "is not a number of workers; give 1 to 64" in line


def test_a_taken_port_is_one_line_before_any_worker_starts(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = refused(
            tmp_path, "--workers", "2", "--no-scheduler", "--port", str(port),
            DATABASE_URL=POSTGRES, SLACK_API_URL=fake_slack.api_url,
        )  # fmt: skip
    assert line.startswith(f"Revive cannot listen on port {port}: another process is using it")
    assert [c.method for c in fake_slack.calls] == ["auth.test"]


def test_an_unreachable_database_is_exit_5_before_any_worker_starts(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = {**SLACK, "DATABASE_URL": POSTGRES, "SLACK_API_URL": fake_slack.api_url}
    with socket.socket() as probe:  # a port free now; nothing will have bound it
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    result = run_revive(
        "serve", "--workers", "2", "--no-scheduler", "--port", port, cwd=tmp_path, env=env
    )
    assert result.returncode == 5, result
    assert result.stderr.startswith("Revive cannot reach its database at")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "gunicorn" not in result.stderr
