"""Several OS processes sweeping one database: no duplicate, no missed digest, and a
process SIGKILLed mid-sweep is covered by the other once its leases expire."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.sweep import SweepOptions, sweep
from bot.services import Services
from bot.settings import load_settings
from bot.usecases.digest import digest_metadata
from store.db import make_engine, make_session_factory
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.sweeping import (
    FakeSleep,
    TinyComposer,
    add_rep,
    make_services,
    outbox_rows,
    posts_by_rep_date,
)

pytestmark = pytest.mark.slow

START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday
STEP = timedelta(hours=3)  # shorter than the 4-hour cutoff: every window holds a tick
ZONES = [
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/St_Johns",
    "Australia/Sydney",
    "America/New_York",
    "Europe/Paris",
    "America/Los_Angeles",
    "UTC",
]
LEASE_SECONDS = 60


def worker() -> int:
    """A sweeping process: one tick per STEP from REVIVE_T_START, REVIVE_T_TICKS times.

    Processes share real time in production; here a file barrier keeps the workers on
    the same simulated tick, and each tick's clock runs on from the tick's instant.
    """
    env = os.environ
    settings = load_settings(require_slack=False)
    engine = make_engine(settings.database_url)
    tick = {"at": START, "wall": time.time()}
    services = Services(
        settings=settings,
        sessions=make_session_factory(engine),
        clock=lambda: tick["at"] + timedelta(seconds=time.time() - tick["wall"]),
    )
    start = datetime.fromisoformat(env["REVIVE_T_START"])
    barrier = Path(env["REVIVE_T_BARRIER"]) if env.get("REVIVE_T_BARRIER") else None
    peers = int(env.get("REVIVE_T_PEERS", "1"))
    options = SweepOptions(pacing=False, lease_seconds=LEASE_SECONDS, backoff_seconds=0.01)
    for n in range(int(env["REVIVE_T_TICKS"])):
        if barrier is not None:
            (barrier / f"{n}-{env['REVIVE_T_OWNER']}").touch()
            while len(list(barrier.glob(f"{n}-*"))) < peers:
                time.sleep(0.002)
        tick["at"], tick["wall"] = start + n * STEP, time.time()
        report = sweep(
            services,
            tick["at"],
            owner=env["REVIVE_T_OWNER"],
            composer=TinyComposer(),
            metadata=digest_metadata,
            options=options,
        )
        print(report.summary(), flush=True)
    engine.dispose()
    return 0


def spawn(
    database_url: str,
    fake: FakeSlack,
    owner: str,
    *,
    ticks: int,
    start: datetime = START,
    barrier: Path | None = None,
    peers: int = 1,
) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env = {
        **clean,
        "PYTHONPATH": str(Path(__file__).parents[1]),
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test-T1",
        "SLACK_API_URL": fake.api_url,
        "REVIVE_T_BARRIER": str(barrier or ""),
        "REVIVE_T_PEERS": str(peers),
        "REVIVE_T_START": start.isoformat(),
        "REVIVE_T_TICKS": str(ticks),
        "REVIVE_T_OWNER": owner,
    }
    code = "import sys; from tests.test_sweep_multiprocess import worker; sys.exit(worker())"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def expected_digests(
    users: dict[str, tuple[str, frozenset[int]]], ticks: int
) -> set[tuple[str, str]]:
    """Worked out from the tick instants alone: a local workday's 09:00 + 4 h holds a tick."""
    found: set[tuple[str, str]] = set()
    for n in range(ticks):
        found |= expected_at(users, START + n * STEP)
    return found


@pytest.fixture
def seeded(database_url: str, fake_slack: FakeSlack) -> Iterator[tuple[Services, dict]]:
    services = make_services(database_url, fake_slack, Clock(START))
    yield services, {}
    services.sessions.kw["bind"].dispose()


def seed(services: Services, reps: int) -> dict[str, tuple[str, frozenset[int]]]:
    users = {}
    for n in range(reps):
        zone = ZONES[n % len(ZONES)]
        days = "1,2,3,4,5" if n % 7 == 0 else "0,1,2,3,4"
        add_rep(services, f"U{n:04d}", zone, workdays=days, now=START)
        users[f"U{n:04d}"] = (zone, frozenset(int(d) for d in days.split(",")))
    return users


def test_two_processes_over_ten_days_deliver_each_digest_exactly_once(
    seeded: tuple[Services, dict], fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    services, _ = seeded
    on_postgres = database_url.startswith("postgresql")
    # The full load on PostgreSQL; SQLite (one writer at a time) gets a lighter one.
    reps, days = (200, 10) if on_postgres else (40, 3)
    users = seed(services, reps)
    ticks = days * 8
    workers = [
        spawn(database_url, fake_slack, f"proc-{n}", ticks=ticks, barrier=tmp_path, peers=2)
        for n in range(2)
    ]
    summaries = []
    for process in workers:
        out, err = process.communicate(timeout=240)
        summaries.append(out)
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
    counts = posts_by_rep_date(fake_slack)
    expected = expected_digests(users, ticks)
    assert len(expected) > reps * days // 2
    duplicates = {key: n for key, n in counts.items() if n > 1}
    assert duplicates == {}
    sent_by = [sum(int(n) for n in re.findall(r"sent (\d+)", out)) for out in summaries]
    assert min(sent_by) > 0 and sum(sent_by) == len(counts), "both processes shared the work"
    assert [r for r in outbox_rows(services) if r.status != "sent"] == []
    assert set(counts) == expected, (
        f"missed {len(expected - set(counts))}, unexpected {len(set(counts) - expected)}"
    )
    assert fake_slack.validation_errors == []


def test_a_process_killed_mid_sweep_is_covered_after_its_leases_expire(
    seeded: tuple[Services, dict], fake_slack: FakeSlack, database_url: str
) -> None:
    services, _ = seeded
    users = seed(services, 200)
    # Monday 15:00 UTC: New York, St John's and UTC are inside their windows.
    at = START + timedelta(hours=15)
    due = {user for user, _ in expected_at(users, at)}
    fake_slack.delay("chat.postMessage", 0.01)
    victim = spawn(database_url, fake_slack, "victim", ticks=1, start=at)
    fake_slack.wait_for("chat.postMessage", 30, timeout=60)  # inside its second batch of 20
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=10)
    assert victim.returncode == -signal.SIGKILL
    fake_slack.clear_faults()
    assert len(posts_by_rep_date(fake_slack)) < len(due), "killed mid-sweep"

    # A second after the victim's tick began: its leases (60 s) still hold.
    clock = Clock(at + timedelta(seconds=1))
    survivor = Services(settings=services.settings, sessions=services.sessions, clock=clock)

    def run() -> None:
        sweep(survivor, clock(), owner="survivor", composer=TinyComposer(),
              metadata=digest_metadata, options=SweepOptions(pacing=False),
              sleep=FakeSleep())  # fmt: skip

    run()
    held = due - {user for user, _ in posts_by_rep_date(fake_slack)}
    assert held, "rows the victim had claimed wait for its leases to expire"
    clock.set(at + timedelta(minutes=3))
    run()
    counts = posts_by_rep_date(fake_slack)
    assert {user for user, _ in counts} == due
    assert set(counts.values()) == {1}, "no digest twice, even the one in flight at the kill"
    assert fake_slack.validation_errors == []


def expected_at(users: dict[str, tuple[str, frozenset[int]]], at: datetime) -> set[tuple[str, str]]:
    found = set()
    for user, (zone, days) in users.items():
        local = at.astimezone(ZoneInfo(zone))
        nine = local.replace(hour=9, minute=0, second=0, microsecond=0)
        if local.weekday() in days and nine <= local < nine + timedelta(hours=4):
            found.add((user, local.date().isoformat()))
    return found
