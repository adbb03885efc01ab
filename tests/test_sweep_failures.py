"""A morning no rep can stall: failed, deactivated and unknown reps, expired leases, and
surprises while delivering one row, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.reminders.report import SweepOptions
from bot.reps import apply_profile
from store import outbox
from store.db import unit_of_work
from store.models import Rep, Workspace
from tests.fakeslack import FakeSlack
from tests.sweeping import FAST, FRIDAY, Env, open_env, outbox_rows, posts_by_rep_date

MORNING = FRIDAY + timedelta(hours=9, minutes=1)  # 09:01 UTC: UTC reps are due
DAY = "2026-11-27"


@pytest.fixture
def env(database_url: str, fake_slack: FakeSlack) -> Iterator[Env]:
    yield from open_env(database_url, fake_slack)


def deactivate(env: Env, rep_id: int) -> None:
    """What the user_change event and the nightly refresh do with a deleted account."""
    with unit_of_work(env.services.sessions) as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        apply_profile(rep, {"id": rep.slack_user_id, "deleted": True}, env.clock())


def test_a_rep_deactivated_after_a_failed_post_never_stalls_the_next_rep(env: Env) -> None:
    """Issue 11, item 3: A's post fails, A is deactivated, B joins: B's digest goes out
    on the next tick, and A's row is closed with its reason instead of failing the tick."""
    a = env.rep("UA", "UTC")
    env.fake.fail("chat.postMessage", status=500, times=FAST.post_tries)
    first = env.sweep(MORNING)
    assert (first.sent, first.failed) == (0, 1)

    deactivate(env, a)
    env.rep("UB", "UTC")
    second = env.sweep(MORNING + timedelta(minutes=2))

    assert posts_by_rep_date(env.fake) == {("UB", DAY): 1}
    assert second.problems == []
    assert (second.sent, second.closed, second.failed) == (1, 1, 0)
    assert [(line.user_id, line.outcome) for line in second.lines] == [
        ("UA", "closed"),
        ("UB", "sent"),
    ]
    rows = {row.rep_id: row for row in outbox_rows(env.services)}
    assert rows[a].status == "skipped"
    assert rows[a].last_error == "closed: the rep was deactivated in Slack"
    assert rows[a].lease_owner is None
    later = env.sweep(MORNING + timedelta(minutes=4))
    assert (later.sent, later.closed, later.failed, later.lines) == (0, 0, 0, [])
    assert second.all_delivered and not first.all_delivered


def test_an_expired_lease_is_an_attempt_and_the_limit_holds(env: Env) -> None:
    """A row whose sender dies every time is attempted max_attempts times, then failed."""
    rep_id = env.rep("U1", "UTC")
    options = SweepOptions(pacing=False, max_attempts=3, lease_seconds=120)
    lease = timedelta(seconds=options.lease_seconds)
    env.clock.set(MORNING)
    with unit_of_work(env.services.sessions) as session:
        workspace_id = session.scalar(select(Workspace.id))
        assert workspace_id is not None
        outbox.enqueue(session, [outbox.DueDigest(rep_id, MORNING.date(), workspace_id)],
                       now=MORNING)  # fmt: skip
    now = MORNING
    for attempt in range(1, options.max_attempts + 1):
        with unit_of_work(env.services.sessions) as session:
            [claimed] = outbox.claim(
                session, workspace_id=workspace_id, dates=[MORNING.date()],
                owner=f"died-{attempt}", now=now, lease=lease, limit=5,
                max_attempts=options.max_attempts,
            )  # fmt: skip
        assert claimed.attempts == attempt
        now += lease + timedelta(seconds=1)  # …and its process died: the lease runs out

    report = env.sweep(now, options=options, owner="alive")

    assert env.fake.calls_to("chat.postMessage") == [], "not attempted a fourth time"
    [row] = outbox_rows(env.services)
    assert (row.status, row.attempts, row.lease_owner) == ("failed", 3, None)
    assert row.last_error is not None and "gave up after 3 attempts" in row.last_error
    [line] = report.lines
    assert (line.user_id, line.outcome, line.local_date) == ("U1", "failed", date(2026, 11, 27))
    assert "lease expired" in line.detail
    assert report.failed == 1 and not report.all_delivered
    again = env.sweep(now + timedelta(minutes=1), options=options)
    assert (again.failed, again.lines) == (0, []), "reported once, then left alone"


def test_a_rep_slack_does_not_know_is_closed_and_not_retried(env: Env) -> None:
    env.rep("U1", "UTC")
    env.fake.fail("chat.postMessage", error="user_not_found")
    report = env.sweep(MORNING)
    assert (report.sent, report.closed, report.failed) == (0, 1, 0)
    [line] = report.lines
    assert (line.user_id, line.outcome) == ("U1", "closed")
    assert "user_not_found" in line.detail
    [row] = outbox_rows(env.services)
    assert row.status == "skipped" and (row.last_error or "").startswith("closed: ")
    later = env.sweep(MORNING + timedelta(minutes=5))
    assert later.lines == [] and len(env.fake.calls_to("chat.postMessage", ok_only=False)) == 1


def test_a_deleted_rep_s_rows_go_with_them_and_stall_nobody(env: Env) -> None:
    gone = env.rep("U1", "UTC")
    stays = env.rep("U2", "UTC")
    env.fake.fail("chat.postMessage", error="restricted_action")
    assert env.sweep(MORNING).failed == 1
    with unit_of_work(env.services.sessions) as session:
        rep = session.get(Rep, gone)
        assert rep is not None
        session.delete(rep)
    report = env.sweep(MORNING + timedelta(minutes=2))
    assert report.problems == [] and report.all_delivered
    assert (len(env.fake.messages("U1")), len(env.fake.messages("U2"))) == (0, 1)
    assert [row.rep_id for row in outbox_rows(env.services)] == [stays]


def test_an_exception_delivering_one_row_costs_that_row_only(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.reminders.deliver

    real = bot.reminders.deliver.post_digest

    def breaks_for_u1(*args: Any, **kwargs: Any) -> Any:
        if kwargs["user_id"] == "UT11":
            raise KeyError("a bug while posting")
        return real(*args, **kwargs)

    monkeypatch.setattr(bot.reminders.deliver, "post_digest", breaks_for_u1)
    for team in ("T1", "T2"):
        for n in range(3):
            env.rep(f"U{team}{n}", "UTC", team_id=team)
    report = env.sweep(MORNING)
    counts = posts_by_rep_date(env.fake)
    assert sorted(user for user, _ in counts) == ["UT10", "UT12", "UT20", "UT21", "UT22"]
    assert report.problems == []
    [failed] = report.undelivered
    assert (failed.team_id, failed.user_id) == ("T1", "UT11")
    assert "a bug while posting" in failed.detail and "retried next tick" in failed.detail
    rows = [row for row in outbox_rows(env.services) if row.status != "sent"]
    assert [(row.status, row.attempts, row.lease_owner) for row in rows] == [("failed", 1, None)]


def test_a_row_that_fails_on_its_last_attempt_says_so(env: Env) -> None:
    env.rep("U1", "UTC")
    env.fake.fail("chat.postMessage", error="restricted_action", times=10)
    options = SweepOptions(pacing=False, max_attempts=2, retry_after_seconds=60)
    first = env.sweep(MORNING, options=options)
    assert "attempt 1 of 2, retried next tick" in first.undelivered[0].detail
    last = env.sweep(MORNING + timedelta(minutes=2), options=options)
    assert "restricted_action; gave up after 2 attempts" in last.undelivered[0].detail
    assert env.sweep(MORNING + timedelta(minutes=4), options=options).lines == []


def revoke(env: Env, team_id: str) -> None:
    with unit_of_work(env.services.sessions) as session:
        session.execute(
            update(Workspace)
            .where(Workspace.team_id == team_id)
            .values(token_revoked_at=env.clock() - timedelta(hours=1))
        )


def test_an_uninstalled_workspace_is_skipped_not_failed(env: Env) -> None:
    for team in ("T1", "T2"):
        env.rep(f"U{team}", "UTC", team_id=team)
    env.clock.set(MORNING)
    revoke(env, "T1")
    report = env.sweep(MORNING)
    assert posts_by_rep_date(env.fake) == {("UT2", DAY): 1}
    assert [call.team_id for call in env.fake.calls] == ["T2"], "not one call to T1"
    assert report.problems == [] and report.all_delivered
    [skipped] = report.skipped_workspaces
    assert skipped.startswith("T1: uninstalled or its token revoked at 2026-11-27T08:01:00")
    assert "1 workspace(s) skipped" in report.summary()
    assert [row.workspace_id for row in outbox_rows(env.services)] == [2], "nothing enqueued"


def test_an_uninstall_in_the_middle_of_a_sweep_is_a_skip_not_a_failure(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.reminders.deliver

    real = bot.reminders.deliver.post_digest

    def uninstalled_just_before(*args: Any, **kwargs: Any) -> Any:
        revoke(env, "T1")  # the app_uninstalled event, handled by the web process
        env.fake.fail("chat.postMessage", error="token_revoked")
        return real(*args, **kwargs)

    monkeypatch.setattr(bot.reminders.deliver, "post_digest", uninstalled_just_before)
    for n in range(3):
        env.rep(f"U{n}", "UTC")
    report = env.sweep(MORNING)
    assert report.problems == [] and report.all_delivered, report.problems
    assert report.skipped_workspaces and env.fake.messages("U0") == []
    rows = outbox_rows(env.services)
    assert [(row.status, row.attempts) for row in rows] == [("failed", 0)] * 3, "handed back"
    assert env.sweep(MORNING + timedelta(minutes=2)).lines == []
    assert len(env.fake.calls_to("chat.postMessage", ok_only=False)) == 1
