"""`revive sweep`, `revive users refresh` and the ticker inside `revive serve`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import build_parser
from bot.domain import Situation
from bot.reminders.ticker import REFRESH_JOB_ID, SWEEP_JOB_ID, start_ticker
from bot.reps import context_for
from bot.services import Services, system_clock
from bot.usecases.adding import NewProspect, add_prospect
from store.db import unit_of_work
from store.models import Rep, Workspace
from store.repo import ensure_rep, ensure_workspace
from tests.conftest import Clock, wait_for_job_runs
from tests.fakeslack import FakeSlack
from tests.sweeping import TinyComposer, add_rep, make_services, outbox_rows, posts_by_rep_date
from tests.test_cli import run_revive

AT = "2026-11-27T09:30:00Z"  # a Friday; 09:30 in UTC


def seed_due_prospect(services: Services, user_id: str, now: datetime) -> None:
    with unit_of_work(services.sessions) as session:
        workspace = ensure_workspace(session, team_id="T1", now=now)
        rep = ensure_rep(session, workspace=workspace, user_id=user_id, now=now)
        rep.tz = "UTC"
        ctx = context_for(rep, workspace, now)
        new = NewProspect(name="Dana <Reyes>", company="Acme & Co", situation=Situation.WENT_QUIET)
        prospect = add_prospect(session, ctx, new, now=now).prospect
        prospect.next_touch_on = ctx.today


@pytest.fixture
def seeded(tmp_path: Path, fake_slack: FakeSlack) -> tuple[str, Services]:
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    now = datetime.fromisoformat(AT)
    services = make_services(url, fake_slack, Clock(now))
    seed_due_prospect(services, "U1", now)
    add_rep(services, "U2", "Asia/Kolkata", now=now)  # 15:00 there: past the cutoff
    return url, services


def env_for(url: str, fake: FakeSlack) -> dict[str, str]:
    return {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-test-T1", "SLACK_API_URL": fake.api_url}


def test_dry_run_prints_who_would_get_what_and_sends_nothing(
    seeded: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = seeded
    result = run_revive(
        "sweep", "--at", AT, "--dry-run", cwd=tmp_path, env=env_for(url, fake_slack)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TEAM", "USER", "LOCAL", "DATE", "OUTCOME", "DETAIL"]
    assert lines[1].split() == ["T1", "U1", "2026-11-27", "would", "send", "1", "due"]
    assert "U2" not in result.stdout
    assert "nothing sent" in lines[-1]
    assert fake_slack.calls == []
    assert outbox_rows(services) == []


def test_sweep_sends_then_a_second_sweep_sends_nothing(
    seeded: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = seeded
    env = env_for(url, fake_slack)
    first = run_revive("sweep", "--at", AT, cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert "enqueued 1, sent 1" in first.stdout
    assert posts_by_rep_date(fake_slack) == {("U1", "2026-11-27"): 1}
    [message] = fake_slack.messages("U1")
    assert "Dana &lt;Reyes&gt;" in str(message.blocks), "prospect names are escaped"
    second = run_revive("sweep", "--at", "2026-11-27T09:31:00Z", cwd=tmp_path, env=env)
    assert "enqueued 0, sent 0" in second.stdout
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert fake_slack.validation_errors == []
    [row] = outbox_rows(services)
    assert (row.status, row.channel) == ("sent", "DU1")


def test_a_digest_that_was_not_delivered_exits_3_with_a_line_for_it(
    seeded: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = seeded
    fake_slack.fail("chat.postMessage", error="restricted_action")
    result = run_revive("sweep", "--at", AT, cwd=tmp_path, env=env_for(url, fake_slack))
    assert result.returncode == 3, result.stderr
    assert "failed 1" in result.stdout
    assert result.stderr.splitlines() == [
        "not delivered: T1 U1 2026-11-27: restricted_action; attempt 1 of 5, retried next tick"
    ]
    again = run_revive("sweep", "--at", "2026-11-27T09:32:00Z", cwd=tmp_path,
                       env=env_for(url, fake_slack))  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert len(fake_slack.messages("U1")) == 1, "retried on the next tick, and delivered"
    assert [row.status for row in outbox_rows(services)] == ["sent"]


@pytest.mark.parametrize(
    ("token", "said"),
    [(None, "T1: no bot token"), ("xoxb-revoked", "T1: invalid_auth")],
)
def test_a_workspace_with_due_reps_and_no_usable_token_exits_3(
    seeded: tuple[str, Services],
    fake_slack: FakeSlack,
    tmp_path: Path,
    token: str | None,
    said: str,
) -> None:
    url, _ = seeded
    env = {k: v for k, v in env_for(url, fake_slack).items() if k != "SLACK_BOT_TOKEN"}
    if token is not None:
        env["SLACK_BOT_TOKEN"] = token
    result = run_revive("sweep", "--at", AT, cwd=tmp_path, env=env)
    assert result.returncode == 3, result.stderr
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert fake_slack.messages("U1") == []


def test_an_uninstalled_workspace_is_skipped_and_exits_0(
    seeded: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = seeded
    with unit_of_work(services.sessions) as session:
        workspace = session.scalars(select(Workspace)).one()
        workspace.token_revoked_at = datetime.fromisoformat("2026-11-26T18:00:00Z")
    result = run_revive("sweep", "--at", AT, cwd=tmp_path, env=env_for(url, fake_slack))
    assert result.returncode == 0, result.stderr
    assert "T1: uninstalled or its token revoked at 2026-11-26T18:00:00+00:00" in result.stdout
    assert "1 workspace(s) skipped" in result.stdout
    assert result.stderr == "" and fake_slack.calls == []
    assert outbox_rows(services) == []


def test_sweep_explains_bad_input_and_an_unmigrated_database(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    env = env_for(url, fake_slack)
    naive = run_revive("sweep", "--at", "2026-11-27T09:30", cwd=tmp_path, env=env)
    assert naive.returncode == 2 and "add Z or an offset" in naive.stderr
    garbage = run_revive("sweep", "--at", "tomorrow", cwd=tmp_path, env=env)
    assert garbage.returncode == 2 and "not an ISO 8601 instant" in garbage.stderr
    empty = run_revive("sweep", cwd=tmp_path, env=env)
    assert empty.returncode == 2 and "run `revive db upgrade` first" in empty.stderr
    assert "Traceback" not in naive.stderr + garbage.stderr + empty.stderr


def test_users_refresh_reads_zones_page_by_page(
    seeded: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, _ = seeded
    fake_slack.add_user("U1", tz="Pacific/Chatham")
    fake_slack.add_user("U2", tz=None)
    result = run_revive("users", "refresh", cwd=tmp_path, env=env_for(url, fake_slack))
    assert result.returncode == 0, result.stderr
    assert "1 workspace(s), 2 rep(s) checked, 2 changed" in result.stdout


def test_serve_flags_for_the_ticker() -> None:
    parser = build_parser()
    assert parser.parse_args(["serve"]).no_scheduler is False
    assert parser.parse_args(["serve", "--no-scheduler"]).no_scheduler is True
    args = parser.parse_args(["sweep", "--at", AT, "--dry-run", "--no-pacing"])
    assert (args.at, args.dry_run, args.no_pacing) == (
        datetime(2026, 11, 27, 9, 30, tzinfo=UTC), True, True)  # fmt: skip


def test_the_ticker_sweeps_at_once_then_on_its_interval(
    sqlite_database_url: str, fake_slack: FakeSlack
) -> None:
    # The wall clock drives APScheduler, so the rep's morning is set around real time.
    now = system_clock()
    clock = Clock(now)
    services = make_services(sqlite_database_url, fake_slack, clock)
    add_rep(services, "U1", "UTC", workdays="0,1,2,3,4,5,6",
            reminder=time(now.hour, now.minute), now=now)  # fmt: skip
    scheduler = start_ticker(services, interval_seconds=0.3, owner="ticker",
                             composer=TinyComposer())  # fmt: skip
    try:
        job = scheduler.get_job(SWEEP_JOB_ID)
        assert job is not None and job.max_instances == 1 and job.coalesce is True
        assert job.trigger.interval == timedelta(seconds=0.3)
        assert scheduler.get_job(REFRESH_JOB_ID) is not None
        fake_slack.wait_for("chat.postMessage", 1, timeout=10)
        wait_for_job_runs(scheduler, SWEEP_JOB_ID, 3)  # more ticks: still one digest
    finally:
        scheduler.shutdown(wait=True)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert [r.status for r in outbox_rows(services)] == ["sent"]


def test_revive_serve_runs_the_ticker(tmp_path: Path, fake_slack: FakeSlack) -> None:
    from tests.test_serve_process import free_port, wait_healthy

    url = f"sqlite:///{tmp_path / 'revive.db'}"
    now = system_clock()
    services = make_services(url, fake_slack, Clock(now))
    seed_due_prospect(services, "U1", now)
    with unit_of_work(services.sessions) as session:
        rep = session.scalars(select(Rep)).one()
        rep.workdays, rep.reminder_time = "0,1,2,3,4,5,6", time(now.hour, now.minute)
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env={
            **clean,
            **env_for(url, fake_slack),
            "PYTHONPATH": str(Path(__file__).parents[1]),
            "SLACK_SIGNING_SECRET": "test-secret",
            "PORT": str(port),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
        fake_slack.wait_for("chat.postMessage", 1, timeout=20)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "reminder ticker started" in stderr
    assert posts_by_rep_date(fake_slack) == {("U1", now.date().isoformat()): 1}
