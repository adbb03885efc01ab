"""The per-process reminder ticker: APScheduler 3 runs one sweep a minute.

APScheduler 3 cannot share a job store between processes, so it only ticks; which digest
goes out, and who sends it, is decided by the outbox in the database (bot/reminders/sweep.py). Any
number of processes may tick at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.reminders.profiles import refresh_zones
from bot.reminders.report import SweepReport
from bot.reminders.run import Composer, MetadataFor, default_owner
from bot.reminders.sweep import sweep
from bot.services import Services, system_clock

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "revive-reminder-sweep"
REFRESH_JOB_ID = "revive-zone-refresh"
TICK_SECONDS = 60


def tick(
    services: Services,
    *,
    owner: str,
    composer: Composer | None = None,
    metadata: MetadataFor | None = None,
) -> SweepReport:
    report = sweep(services, services.clock(), owner=owner, composer=composer, metadata=metadata)
    if report.sent or report.failed or report.closed or report.in_doubt_found or report.problems:
        log.info("%s%s", report.summary(), "".join(f"; {p}" for p in report.problems))
    return report


def nightly_refresh(services: Services) -> None:
    report = refresh_zones(services, now=services.clock())
    log.info("time zones refreshed: %s", report.summary())


def start_ticker(
    services: Services,
    *,
    interval_seconds: float = TICK_SECONDS,
    owner: str | None = None,
    composer: Composer | None = None,
    metadata: MetadataFor | None = None,
) -> BackgroundScheduler:
    """Start ticking now (a late start catches up at once), then every interval."""
    scheduler = BackgroundScheduler(
        timezone="UTC",
        # In-memory store; never two sweeps of this process at once; a tick missed
        # while the machine slept runs once, not once per missed minute.
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 30},
    )
    scheduler.add_job(
        tick,
        IntervalTrigger(seconds=interval_seconds, timezone="UTC"),
        id=SWEEP_JOB_ID,
        name="reminder sweep",
        kwargs={
            "services": services,
            "owner": owner or default_owner(),
            "composer": composer,
            "metadata": metadata,
        },
        next_run_time=system_clock(),  # APScheduler runs on the wall clock
        replace_existing=True,
    )
    # Nightly, off the hour; every process may run it, it only rewrites the same values.
    scheduler.add_job(
        nightly_refresh,
        CronTrigger(hour=3, minute=17, timezone="UTC"),
        id=REFRESH_JOB_ID,
        name="time zone refresh",
        kwargs={"services": services},
        replace_existing=True,
    )
    scheduler.start()
    log.info("reminder ticker started: a sweep every %s s", interval_seconds)
    return scheduler


def run_until_stopped(services: Services, *, owner: str | None = None) -> None:
    """`revive scheduler`: tick until SIGTERM or SIGINT, then let a sweep under way finish
    (its rows are leased: were it killed instead, another process would resume them after
    the lease)."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: stopping the reminder ticker", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler = start_ticker(services, owner=owner)
    try:
        while not stop.wait(1.0):
            continue
    finally:
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("reminder ticker stopped")
