"""`revive scheduler`: the reminder ticker as its own process, no HTTP, stopped by a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.services import Services
from store.db import make_engine
from tests.conftest import Clock, poll_until
from tests.fakeslack import FakeSlack
from tests.sweeping import make_services, outbox_rows, posts_by_rep_date
from tests.test_cli import run_revive
from tests.test_cli_sweep import seed_due_prospect

AT = "2026-11-27T09:30:00Z"  # a Friday; 09:30 in UTC, inside the reps' morning window
TOKEN = "xoxb-test-T1"


def scheduler_env(database_url: str, fake: FakeSlack, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    return {
        **clean,
        "PYTHONPATH": str(Path(__file__).parents[1]),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": fake.api_url,
        **extra,
    }


def start_scheduler(
    database_url: str, fake: FakeSlack, log: Path, *args: str, **extra: str
) -> subprocess.Popen[str]:
    """`revive scheduler --at AT`, its stderr (the log) going to `log` for the test to read."""
    with log.open("w") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "scheduler", "--at", AT, *args],
            cwd=log.parent,
            env=scheduler_env(database_url, fake, **extra),
            stdout=subprocess.DEVNULL,
            stderr=sink,
            text=True,
        )


def wait_for_log(log: Path, text: str, process: subprocess.Popen[str], timeout: float) -> None:
    def logged() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the process exited ({process.returncode}): {log.read_text()}")
        return text in log.read_text()

    try:
        poll_until(logged, timeout, interval=0.05)
    except AssertionError as late:
        raise AssertionError(f"{text!r} never logged: {late}\n{log.read_text()}") from None


def stop_and_check(process: subprocess.Popen[str], log: Path, how: int) -> str:
    """Send `how`, expect a clean exit (0) and a log with no traceback and no token."""
    process.send_signal(how)
    assert process.wait(timeout=30) == 0, log.read_text()
    text = log.read_text()
    assert "Traceback" not in text, text
    assert TOKEN not in text, "the bot token must never reach the logs"
    return text


@pytest.fixture
def seeded(database_url: str, fake_slack: FakeSlack) -> Iterator[Services]:
    now = datetime.fromisoformat(AT)
    services = make_services(database_url, fake_slack, Clock(now))
    for user in ("U1", "U2"):
        fake_slack.add_user(user)
        seed_due_prospect(services, user, now)
    yield services
    services.sessions.kw["bind"].dispose()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_scheduler_sends_the_due_digests_then_stops_cleanly_on_a_signal(
    seeded: Services, fake_slack: FakeSlack, database_url: str, tmp_path: Path, how: int
) -> None:
    log = tmp_path / "scheduler.log"
    # REVIVE_SCHEDULER is serve's switch: a shared environment turning it off for serve
    # must not silence the scheduler itself.
    process = start_scheduler(database_url, fake_slack, log, REVIVE_SCHEDULER="off")
    try:
        fake_slack.wait_for("chat.postMessage", 2, timeout=60)
        wait_for_log(log, "sent 2", process, timeout=30)
    finally:
        text = stop_and_check(process, log, how)
    assert "reminder ticker started" in text
    assert "stopping the reminder ticker" in text and "reminder ticker stopped" in text
    assert posts_by_rep_date(fake_slack) == {("U1", "2026-11-27"): 1, ("U2", "2026-11-27"): 1}
    assert {row.status for row in outbox_rows(seeded)} == {"sent"}
    assert fake_slack.validation_errors == []


def test_scheduler_refuses_a_database_not_at_the_latest_schema(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    make_engine(url).dispose()
    result = run_revive("scheduler", cwd=tmp_path, env={"DATABASE_URL": url})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"The database at {url} is not at the latest schema; run `revive db upgrade` first."
    ]
    assert fake_slack.calls == []


def test_scheduler_refuses_a_bad_at_in_one_line(tmp_path: Path) -> None:
    result = run_revive("scheduler", "--at", "tomorrow", cwd=tmp_path, env={})
    assert result.returncode == 2
    assert "is not an ISO 8601 instant" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
