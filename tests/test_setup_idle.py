"""The test harness's own promises: a busy app is waited for, a stuck one fails the test,
a hung test fails the run; nothing rests on a fixed sleep."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from tests.conftest import LiveApp, wait_for_job_runs

HOME_OPENED = {"type": "app_home_opened", "user": "U1", "tab": "home"}


def test_wait_until_idle_waits_for_work_after_the_ack(live: LiveApp) -> None:
    live.fake.delay("views.publish", 0.5)
    assert live.driver.event(HOME_OPENED).status == 200
    assert live.in_flight() >= 1, "acked, the listener still runs"
    live.wait_until_idle()
    # The fake records a call once it has answered: idle means the slow publish is done.
    assert len(live.fake.calls_to("views.publish")) == 1
    assert live.in_flight() == 0


def test_wait_until_idle_fails_when_the_app_stays_busy(live: LiveApp) -> None:
    live.fake.delay("views.publish", 1.5)
    live.driver.event(HOME_OPENED)
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"did not go idle within 0\.2 s: 1 in flight"):
        live.wait_until_idle(timeout=0.2)
    assert time.monotonic() - started < 1.0
    live.wait_until_idle()  # let the publish finish before the server stops


def test_an_idle_app_is_recognised_at_once(live: LiveApp) -> None:
    started = time.monotonic()
    live.wait_until_idle(quiet=0.05)
    assert time.monotonic() - started < 0.5
    assert live.fake.calls == []


def test_wait_for_job_runs_counts_ticks_not_time() -> None:
    runs: list[float] = []
    scheduler = BackgroundScheduler()
    scheduler.add_job(lambda: runs.append(time.monotonic()), "interval", seconds=0.05, id="tick")
    scheduler.start()
    try:
        wait_for_job_runs(scheduler, "tick", 3)
        assert len(runs) >= 3
        with pytest.raises(AssertionError, match="nope: 0 of 1 runs"):
            wait_for_job_runs(scheduler, "nope", 1, timeout=0.2)
    finally:
        scheduler.shutdown(wait=True)


def test_every_test_has_a_timeout_and_the_plugin_is_a_test_dependency(
    request: pytest.FixtureRequest,
) -> None:
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    test_extra = project["project"]["optional-dependencies"]["test"]
    assert any(requirement.startswith("pytest-timeout") for requirement in test_extra)
    assert request.config.getini("timeout") not in ("", "0", None)
    assert request.config.pluginmanager.hasplugin("timeout"), "pytest-timeout is installed"
