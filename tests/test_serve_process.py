"""`revive serve` as an admin runs it: a real process answering signed requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.fakeslack import FakeSlack
from tests.slack_driver import SlackDriver


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(base: str, process: subprocess.Popen[str], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"revive serve exited early: {process.communicate()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError("revive serve did not become healthy")


def start_serve(
    tmp_path: Path, fake_slack: FakeSlack, *args: str, port: int
) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env = {
        **clean,
        "PYTHONPATH": str(Path(__file__).parents[1]),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'revive.db'}",
        "PORT": str(port),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--no-scheduler", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> str:
    """Stop `revive serve`; its stderr, checked for what must never be logged."""
    process.terminate()
    _, stderr = process.communicate(timeout=10)
    assert BOT_TOKEN not in stderr, "the bot token must never reach the logs"
    return stderr


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[str]:
    port = free_port()
    process = start_serve(tmp_path, fake_slack, port=port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield base
    finally:
        stop(process)


def test_serve_answers_a_signed_help_and_refuses_an_unsigned_one(
    served: str, fake_slack: FakeSlack
) -> None:
    driver = SlackDriver(f"{served}/slack/events", SIGNING_SECRET, fake=fake_slack)
    answer = driver.command("U1", "help")
    assert answer.status == 200
    assert "/revive add" in answer.json()["text"]
    assert driver.command("U1", "help", sign=False).status == 401


def test_port_flag_wins_over_PORT_and_serve_says_where_it_listens(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    flag_port, env_port = free_port(), free_port()
    process = start_serve(tmp_path, fake_slack, "--port", str(flag_port), port=env_port)
    try:
        wait_healthy(f"http://127.0.0.1:{flag_port}", process)
    finally:
        stderr = stop(process)
    assert f"listening on http://0.0.0.0:{flag_port}/slack/events" in stderr
    assert f":{env_port}/" not in stderr
    # Quiet start: the bot token was checked once, and no library narrates its machinery.
    assert [c.method for c in fake_slack.calls] == ["auth.test"]
    for noise in ("alembic", "will be unused", "apscheduler", "Traceback"):
        assert noise not in stderr, stderr
