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


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[str]:
    port = free_port()
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
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--no-scheduler"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield base
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
        assert BOT_TOKEN not in stderr, "the bot token must never reach the logs"


def test_serve_answers_a_signed_help_and_refuses_an_unsigned_one(
    served: str, fake_slack: FakeSlack
) -> None:
    driver = SlackDriver(f"{served}/slack/events", SIGNING_SECRET, fake=fake_slack)
    answer = driver.command("U1", "help")
    assert answer.status == 200
    assert "/revive add" in answer.json()["text"]
    assert driver.command("U1", "help", sign=False).status == 401
