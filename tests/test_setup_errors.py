"""Every set-up or environment problem, met through the real `revive` process: one line on
stderr naming what to fix, a documented exit code (README "Exit codes"), no traceback."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, EXIT_DATABASE, EXIT_SLACK
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, Clock
from tests.fakeslack import FakeSlack
from tests.test_cli import run_revive

REPO = Path(__file__).parents[1]


def one_line_error(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    """The single stderr line of a failed command, checked for its code and its words."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {result.stderr}"
    assert result.returncode == code, (result.returncode, result.stderr)
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another process (here: a socket) is listening on, on every interface."""
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def serve_env(tmp_path: Path, fake: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'revive.db'}",
        "REVIVE_SCHEDULER": "off",
        **extra,
    }


def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    result = run_revive("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    return url


# --- DATABASE_URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql+psycopg://u@h:notaport/db", "port that is not a number"),
        ("sqlite:", "is not a URL like"),
        ("foo://x", "must be sqlite:///path.db or postgresql+psycopg://"),
        ("sqlite+foo:///x.db", "driver SQLAlchemy does not know, 'sqlite+foo'"),
    ],
)
def test_a_malformed_database_url_is_one_line(tmp_path: Path, url: str, words: str) -> None:
    result = run_revive("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url})
    one_line_error(result, EXIT_CONFIG, "DATABASE_URL", words)
    assert list(tmp_path.iterdir()) == [], "nothing is written before the config is valid"


@pytest.mark.skipif(
    importlib.util.find_spec("psycopg2") is not None, reason="psycopg2 is installed here"
)
def test_a_database_driver_that_is_not_installed_is_named(tmp_path: Path) -> None:
    result = run_revive(
        "db", "current", cwd=tmp_path, env={"DATABASE_URL": "postgresql+psycopg2://u:pw@h/db"}
    )
    line = one_line_error(result, EXIT_CONFIG, "DATABASE_URL", "'psycopg2'", "not installed")
    assert "postgresql+psycopg://" in line and "pip install" in line
    assert "pw" not in line


def test_a_missing_sqlite_folder_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}"
    result = run_revive("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url})
    one_line_error(result, EXIT_DATABASE, "cannot reach its database", "folder exists")


# --- the port ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--port", "99999"], {}, "argument --port: '99999' is not a port"),
        (["--port", "0"], {}, "argument --port: '0' is not a port"),
        (["--port", "-1"], {}, "argument --port"),
        (["--port", "http"], {}, "argument --port: 'http' is not a port"),
        ([], {"PORT": "99999"}, "PORT must be a number from 1 to 65535 (got '99999')"),
        ([], {"PORT": "0"}, "PORT must be a number from 1 to 65535 (got '0')"),
    ],
)
def test_a_port_out_of_range_is_refused_before_anything_starts(
    tmp_path: Path, fake_slack: FakeSlack, args: list[str], env: dict[str, str], words: str
) -> None:
    result = run_revive("serve", *args, cwd=tmp_path, env=serve_env(tmp_path, fake_slack, **env))
    one_line_error(result, EXIT_CONFIG, words)
    assert fake_slack.calls == [], "refused before Slack is asked anything"
    assert not (tmp_path / "revive.db").exists()


def test_a_port_in_use_is_one_line(
    tmp_path: Path, fake_slack: FakeSlack, taken_port: int
) -> None:
    result = run_revive(
        "serve", "--port", str(taken_port), cwd=tmp_path, env=serve_env(tmp_path, fake_slack)
    )
    one_line_error(
        result, EXIT_CONFIG, f"cannot listen on port {taken_port}", "another process", "--port"
    )
    assert not (tmp_path / "revive.db").exists(), "the port is taken before migrating"


# --- Slack credentials -------------------------------------------------------------------


def test_an_unedited_copy_of_env_example_is_not_configuration(tmp_path: Path) -> None:
    shutil.copy(REPO / ".env.example", tmp_path / ".env")
    result = run_revive("serve", cwd=tmp_path, env={})
    line = one_line_error(
        result,
        EXIT_CONFIG,
        "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN still hold the example "
        "value from .env.example",
        "https://api.slack.com/apps",
    )
    assert "xoxb-your" not in line


def test_an_example_app_token_left_in_env_is_named(tmp_path: Path, fake_slack: FakeSlack) -> None:
    example = (REPO / ".env.example").read_text()
    (tmp_path / ".env").write_text(example)
    env = serve_env(tmp_path, fake_slack)  # real bot token and secret win over the file
    result = run_revive("serve", cwd=tmp_path, env=env)
    one_line_error(
        result,
        EXIT_CONFIG,
        "SLACK_APP_TOKEN still holds the example value from .env.example",
        "leave SLACK_APP_TOKEN empty for HTTP mode",
    )
    assert fake_slack.calls == []


def test_a_rejected_bot_token_is_named(tmp_path: Path, fake_slack: FakeSlack) -> None:
    wrong = "xoxb-revoked-or-mistyped"
    env = serve_env(tmp_path, fake_slack, SLACK_BOT_TOKEN=wrong)
    result = run_revive("serve", cwd=tmp_path, env=env)
    line = one_line_error(
        result, EXIT_SLACK, "Slack rejected SLACK_BOT_TOKEN (invalid_auth)", "OAuth & Permissions"
    )
    assert wrong not in line
    assert [c.method for c in fake_slack.calls] == ["auth.test"]
    assert not (tmp_path / "revive.db").exists(), "nothing is written with a wrong token"


def test_a_rejected_app_token_is_named(tmp_path: Path, fake_slack: FakeSlack) -> None:
    wrong = "xapp-1-A0-mistyped"
    env = serve_env(tmp_path, fake_slack, SLACK_APP_TOKEN=wrong)
    result = run_revive("serve", cwd=tmp_path, env=env)
    line = one_line_error(
        result, EXIT_SLACK, "Slack rejected SLACK_APP_TOKEN (invalid_auth)", "connections:write"
    )
    assert wrong not in line
    [opened] = fake_slack.calls_to("apps.connections.open")
    assert opened.token == wrong, "the app token is checked the way Socket Mode uses it"


def test_users_refresh_names_a_rejected_bot_token(tmp_path: Path, fake_slack: FakeSlack) -> None:
    url = migrated(tmp_path)
    env = {"DATABASE_URL": url, "SLACK_API_URL": fake_slack.api_url, "SLACK_BOT_TOKEN": "xoxb-x"}
    result = run_revive("users", "refresh", cwd=tmp_path, env=env)
    one_line_error(result, EXIT_SLACK, "Slack rejected SLACK_BOT_TOKEN (invalid_auth)")


def test_users_refresh_needs_a_bot_token(tmp_path: Path) -> None:
    url = migrated(tmp_path)
    result = run_revive("users", "refresh", cwd=tmp_path, env={"DATABASE_URL": url})
    one_line_error(result, EXIT_CONFIG, "SLACK_BOT_TOKEN is not set")


# --- Slack unreachable -------------------------------------------------------------------


def test_serve_with_slack_unreachable_is_one_line(tmp_path: Path) -> None:
    api_url = f"http://127.0.0.1:{closed_port()}/api/"
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'revive.db'}",
    }
    result = run_revive("serve", cwd=tmp_path, env=env)
    one_line_error(result, EXIT_SLACK, f"cannot reach Slack at {api_url}", "Connection refused")
    assert not (tmp_path / "revive.db").exists()


def test_users_refresh_with_slack_unreachable_is_one_line(tmp_path: Path) -> None:
    api_url = f"http://127.0.0.1:{closed_port()}/api/"
    url = migrated(tmp_path)
    env = {"DATABASE_URL": url, "SLACK_API_URL": api_url, "SLACK_BOT_TOKEN": BOT_TOKEN}
    result = run_revive("users", "refresh", cwd=tmp_path, env=env)
    one_line_error(result, EXIT_SLACK, f"cannot reach Slack at {api_url}")


def test_sweep_with_slack_unreachable_says_so_without_a_traceback(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    from tests.sweeping import make_services
    from tests.test_cli_sweep import seed_due_prospect

    url = f"sqlite:///{tmp_path / 'revive.db'}"
    at = "2026-11-27T09:30:00Z"
    now = datetime.fromisoformat(at)
    seed_due_prospect(make_services(url, fake_slack, Clock(now)), "U1", now)
    api_url = f"http://127.0.0.1:{closed_port()}/api/"
    env = {"DATABASE_URL": url, "SLACK_API_URL": api_url, "SLACK_BOT_TOKEN": BOT_TOKEN}
    result = run_revive("sweep", "--at", at, "--no-pacing", cwd=tmp_path, env=env)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    # The failed row is reported by the sweep itself; the client's retries stay quiet.
    assert len(result.stderr.strip().splitlines()) <= 1, result.stderr
    assert "Connection refused" in result.stdout + result.stderr
    # 3 ("a due digest could not be delivered") is the sweep's own code; never a crash.
    assert result.returncode == 3, result.returncode


# --- usage mistakes and quiet output --------------------------------------------------------


def test_a_usage_mistake_is_one_line(tmp_path: Path) -> None:
    one_line_error(run_revive(cwd=tmp_path, env={}), EXIT_CONFIG, "revive: ", "COMMAND")
    one_line_error(
        run_revive("sweep", "--at", "tomorrow", cwd=tmp_path, env={}),
        EXIT_CONFIG,
        "revive sweep: argument --at",
        "see `revive sweep --help`",
    )


def test_commands_are_quiet_when_all_is_well(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    first = run_revive("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": url})
    again = run_revive("db", "current", cwd=tmp_path, env={"DATABASE_URL": url})
    assert (first.returncode, again.returncode) == (0, 0), first.stderr + again.stderr
    # One INFO line says the schema changed; Alembic's own narration stays out.
    assert "database schema upgraded from empty to" in first.stderr
    assert "alembic" not in first.stderr + again.stderr
    assert again.stderr == ""
    debug_env = {"DATABASE_URL": url, "LOG_LEVEL": "DEBUG"}
    debug = run_revive("db", "current", cwd=tmp_path, env=debug_env)
    assert "alembic" in debug.stderr, "LOG_LEVEL=DEBUG brings the libraries' lines back"
