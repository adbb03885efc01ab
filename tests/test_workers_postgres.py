"""Production's shape on one PostgreSQL: `revive serve --workers 2 --no-scheduler` answering
Slack through gunicorn, and two `revive scheduler` processes racing for the same morning.
Every due rep gets exactly one digest, and the workers answer signed requests meanwhile."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from bot.services import Services
from tests.conftest import Clock, poll_until
from tests.databases import postgres_schema_url
from tests.fakeslack import FakeSlack
from tests.slack_driver import SlackDriver
from tests.sweeping import add_rep, make_services, outbox_rows, posts_by_rep_date
from tests.test_cli_sweep import seed_due_prospect
from tests.test_scheduler_process import (
    AT,
    scheduler_env,
    start_scheduler,
    stop_and_check,
    wait_for_log,
)
from tests.test_serve_process import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SECRET = "test-secret"
# UTC reps with a prospect due (09:30 is their morning): more than one claimed batch (50),
# so both schedulers get a share.
DUE = [f"U{n:03d}" for n in range(60)]
LATE = ["U900", "U901"]  # Kolkata: 15:00 there, past the cutoff, so no digest


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema_url() as url:
        yield url


@pytest.fixture
def seeded(postgres_url: str, fake_slack: FakeSlack) -> Iterator[Services]:
    now = datetime.fromisoformat(AT)
    services = make_services(postgres_url, fake_slack, Clock(now))
    for user in DUE:
        fake_slack.add_user(user)
        seed_due_prospect(services, user, now)
    for user in LATE:
        fake_slack.add_user(user, tz="Asia/Kolkata")
        add_rep(services, user, "Asia/Kolkata", now=now)
    yield services
    services.sessions.kw["bind"].dispose()


def start_workers(url: str, fake: FakeSlack, log: Path, port: int) -> subprocess.Popen[str]:
    env = scheduler_env(url, fake, SLACK_SIGNING_SECRET=SECRET, PORT=str(port))
    with log.open("w") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--workers", "2", "--no-scheduler"],
            cwd=log.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
            text=True,
        )


def wait_answering(url: str, process: subprocess.Popen[str], log: Path) -> None:
    """Until a worker answers: gunicorn's master accepts connections before any worker is up,
    so a first look may time out rather than be refused."""

    def answered() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"revive serve exited ({process.returncode}): {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                return reply.status == 200
        except OSError:  # refused, reset or timed out while the workers boot
            return False

    try:
        poll_until(answered, 60, interval=0.1)
    except AssertionError as gone:
        raise AssertionError(f"no worker answered: {gone}\n{log.read_text()}") from None


def test_two_schedulers_and_two_workers_deliver_each_digest_exactly_once(
    seeded: Services, postgres_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    # Posts take a while, so both schedulers are still sweeping when the other starts.
    fake_slack.delay("chat.postMessage", 0.05)
    port = free_port()
    web_log = tmp_path / "web.log"
    web = start_workers(postgres_url, fake_slack, web_log, port)
    schedulers: list[tuple[subprocess.Popen[str], Path]] = []
    try:
        wait_answering(f"http://127.0.0.1:{port}/healthz", web, web_log)
        for n in range(2):
            log = tmp_path / f"scheduler-{n}.log"
            schedulers.append((start_scheduler(postgres_url, fake_slack, log), log))
        driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SECRET, fake=fake_slack)
        # Slash commands through the gunicorn workers while the schedulers sweep.
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(lambda user: driver.command(user, "list"), DUE[:8]))
        assert [a.status for a in answers] == [200] * 8
        assert all("Acme" in a.text for a in answers), answers[0].text
        assert driver.command(DUE[0], "list", sign=False).status == 401
        fake_slack.wait_for("chat.postMessage", len(DUE), timeout=90)
        for process, log in schedulers:
            wait_for_log(log, "reminder ticker started", process, timeout=30)
    finally:
        logs = [stop_and_check(process, log, signal.SIGTERM) for process, log in schedulers]
        web_text = stop_and_check(web, web_log, signal.SIGTERM)
    counts = posts_by_rep_date(fake_slack)
    assert counts == {(user, "2026-11-27"): 1 for user in DUE}, "each due rep exactly once"
    assert {row.status for row in outbox_rows(seeded)} == {"sent"}
    # Both schedulers swept and shared the digests; the workers never ticked.
    sent = [sum(int(n) for n in re.findall(r"sent (\d+)", text)) for text in logs]
    assert min(sent) > 0 and sum(sent) == len(DUE), sent
    assert all("reminder ticker stopped" in text for text in logs)
    assert "reminder ticker started" not in web_text
    assert web_text.count("Booting worker with pid") == 2
    assert fake_slack.validation_errors == []

