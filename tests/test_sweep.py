"""Reminder sweeps against the fake Slack, on SQLite and PostgreSQL, with an injected clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.reminders.sweep import SweepOptions, SweepReport, sweep
from bot.reps import RepContext
from bot.services import Services
from bot.slack_client import make_client
from bot.usecases.digest import digest_metadata
from store import outbox
from store.db import unit_of_work
from store.models import DigestOutbox, Workspace
from tests.fakeslack import FakeSlack
from tests.sweeping import FAST, FRIDAY, Env, open_env, outbox_rows, posts_by_rep_date


@pytest.fixture
def env(database_url: str, fake_slack: FakeSlack) -> Iterator[Env]:
    yield from open_env(database_url, fake_slack)


def test_four_days_of_hourly_ticks_reach_every_zone_once_per_local_workday(env: Env) -> None:
    env.rep("U_IN", "Asia/Kolkata")
    env.rep("U_CHAT", "Pacific/Chatham")
    env.rep("U_NL", "America/St_Johns")
    env.rep("U_AU", "Australia/Sydney")
    env.rep("U_NY", "America/New_York")
    env.rep("U_FR", "Europe/Paris")
    env.rep("U_WE", "UTC", workdays="5,6")
    env.rep("U_PA", "Europe/London", paused_until=date(2026, 11, 29))
    env.rep("U_IDLE", "UTC")
    env.composer.idle.add("U_IDLE")

    totals = SweepReport(at=FRIDAY)
    for hour in range(96):  # Friday 00:00 UTC to Monday 23:00 UTC
        report = env.sweep(FRIDAY + timedelta(hours=hour))
        totals.sent += report.sent
        totals.skipped += report.skipped
        totals.failed += report.failed

    fri, sat, sun, mon = (date(2026, 11, d) for d in (27, 28, 29, 30))
    tue = date(2026, 12, 1)
    expected = {
        ("U_IN", fri), ("U_IN", mon),
        # Chatham's Friday 09:00 was Thursday 19:15 UTC, before the first tick: missed for good;
        # its Tuesday started on Monday 19:15 UTC.
        ("U_CHAT", mon), ("U_CHAT", tue),
        ("U_NL", fri), ("U_NL", mon),
        # Sydney's Friday 09:00 was Thursday 22:00 UTC: the 00:00 tick still caught it up.
        ("U_AU", fri), ("U_AU", mon), ("U_AU", tue),
        ("U_NY", fri), ("U_NY", mon),
        ("U_FR", fri), ("U_FR", mon),
        ("U_WE", sat), ("U_WE", sun),
        ("U_PA", mon),
    }  # fmt: skip
    counts = posts_by_rep_date(env.fake)
    assert {(u, date.fromisoformat(d)) for u, d in counts} == expected
    assert set(counts.values()) == {1}, "every digest exactly once"
    assert (totals.sent, totals.skipped, totals.failed) == (len(expected), 2, 0)
    for call in env.fake.calls_to("chat.postMessage"):
        assert call.params["channel"].startswith("U"), "posted to the user id"
    assert env.fake.calls_to("conversations.open") == []
    rows = outbox_rows(env.services)
    sent = [r for r in rows if r.status == "sent"]
    assert len(sent) == len(expected)
    assert all(r.channel and r.channel.startswith("D") and r.ts and r.sent_at for r in sent)
    assert all(r.lease_owner is None and r.attempts == 1 for r in rows)
    idle = [r for r in rows if r.status == "skipped"]
    assert {r.local_date for r in idle} == {fri, mon}
    assert env.fake.messages("U_IDLE") == []


def test_a_second_owner_at_the_same_instant_sends_nothing_more(env: Env) -> None:
    for n in range(5):
        env.rep(f"U{n}", "Europe/Paris")
    at = FRIDAY + timedelta(hours=8, minutes=5)
    first = env.sweep(at, owner="one")
    second = env.sweep(at, owner="two")
    assert (first.enqueued, first.sent) == (5, 5)
    assert (second.enqueued, second.sent, second.skipped, second.failed) == (0, 0, 0, 0)
    assert len(env.fake.calls_to("chat.postMessage")) == 5


def test_dry_run_lists_who_would_get_what_and_writes_nothing(env: Env) -> None:
    env.rep("U1", "UTC")
    env.rep("U2", "UTC")
    env.rep("U3", "Asia/Kolkata")  # 14:30 there: past the cutoff
    env.composer.idle.add("U2")
    report = env.sweep(FRIDAY + timedelta(hours=9, minutes=1), dry_run=True)
    assert [(line.user_id, line.outcome) for line in report.lines] == [
        ("U1", "would send"),
        ("U2", "would skip"),
    ]
    assert report.lines[0].local_date == date(2026, 11, 27)
    assert (report.enqueued, report.sent) == (0, 0)
    assert outbox_rows(env.services) == []
    assert env.fake.calls == []
    env.sweep()
    again = env.sweep(dry_run=True)
    assert [(line.user_id, line.outcome) for line in again.lines] == [
        ("U1", "already sent"),
        ("U2", "already skipped"),
    ]


@pytest.mark.parametrize("status", [429, 500])
def test_faults_on_30_percent_of_posts_still_deliver_every_digest_once(
    env: Env, status: int
) -> None:
    users = [f"U{n:03d}" for n in range(60)]
    zones = ["Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "Australia/Sydney"]
    for n, user in enumerate(users):
        env.rep(user, zones[n % 4], reminder=time(9, 0))
    env.fake.fail_ratio("chat.postMessage", 0.3, status=status, retry_after=2)
    # One tick a minute through everyone's morning (the earliest is Chatham's).
    start = datetime(2026, 11, 26, 19, 15, tzinfo=UTC)
    ticks = 0
    at = start
    while at < start + timedelta(hours=22):  # through St John's cutoff
        env.sweep(at)
        ticks += 1
        at += timedelta(minutes=1) if ticks < 10 else timedelta(minutes=30)
    assert [
        (r.rep_id, r.status, r.attempts, r.last_error)
        for r in outbox_rows(env.services)
        if r.status != "sent"
    ] == []
    counts = posts_by_rep_date(env.fake)
    assert sorted(u for u, _ in counts) == users
    assert set(counts.values()) == {1}
    failed = env.fake.calls_to("chat.postMessage", ok_only=False)
    assert len(failed) > len(counts), "faults were injected"
    if status == 429:
        assert env.sleep.waits.count(2.0) >= 10, "Retry-After was honoured"
    else:
        # A 5xx may hide a delivered post: the DM was checked before every retry.
        assert env.fake.calls_to("conversations.history")
    assert [
        (r.rep_id, r.status, r.attempts, r.last_error)
        for r in outbox_rows(env.services)
        if r.status != "sent"
    ] == []


def test_an_in_doubt_row_found_in_the_dm_is_not_posted_again(env: Env) -> None:
    rep_id = env.rep("U1", "UTC")
    env.rep("U2", "UTC")
    at = FRIDAY + timedelta(hours=9, minutes=1)
    env.clock.set(at)
    with unit_of_work(env.services.sessions) as session:
        workspace_id = session.scalar(select(Workspace.id))
        assert workspace_id is not None
        outbox.enqueue(
            session,
            [
                outbox.DueDigest(rep_id, at.date(), workspace_id),
                outbox.DueDigest(rep_id + 1, at.date(), workspace_id),
            ],
            now=at,
        )
        claimed = outbox.claim(
            session, workspace_id=workspace_id, dates=[at.date()], owner="crashed",
            now=at, lease=timedelta(minutes=2), limit=10, max_attempts=5,
        )  # fmt: skip
    assert len(claimed) == 2
    # The crashed process had posted U1's digest, but died before marking it sent.
    client = make_client("xoxb-test-T1", env.fake.api_url)
    posted = client.chat_postMessage(
        channel="U1", text="digest", metadata=digest_metadata("T1", "U1", at.date())
    )
    client.chat_postMessage(channel="U1", text="an unrelated later message")

    early = env.sweep(at + timedelta(minutes=1), owner="alive")
    assert (early.sent, early.in_doubt_found) == (0, 0), "the lease still holds"

    report = env.sweep(at + timedelta(minutes=2, seconds=1), owner="alive")
    assert (report.sent, report.in_doubt_found) == (1, 1)
    counts = posts_by_rep_date(env.fake)
    assert counts == {("U1", "2026-11-27"): 1, ("U2", "2026-11-27"): 1}
    rows = {r.rep_id: r for r in outbox_rows(env.services)}
    assert (rows[rep_id].status, rows[rep_id].ts) == ("sent", posted["ts"])
    assert rows[rep_id].attempts == 2
    assert rows[rep_id + 1].status == "sent"
    assert env.fake.calls_to("conversations.open"), "no earlier digest told us the DM id"


def test_a_timed_out_post_that_landed_is_found_not_repeated(env: Env) -> None:
    env.rep("U1", "UTC")
    env.fake.delay("chat.postMessage", 1.5)

    def wait_for_the_slow_post(seconds: float) -> None:
        # Instead of the backoff: until the fake has stored the post the client gave up on.
        env.fake.wait_for("chat.postMessage", 1, timeout=5)
        env.fake.clear_faults()

    env.sleep = wait_for_the_slow_post  # type: ignore[assignment]
    options = SweepOptions(pacing=False, timeout_seconds=1)
    report = env.sweep(FRIDAY + timedelta(hours=9, minutes=1), options=options)
    assert (report.sent, report.in_doubt_found, report.failed) == (0, 1, 0)
    assert len(env.fake.messages("U1")) == 1


def test_one_workspace_without_a_working_token_never_stops_another(env: Env) -> None:
    for team in ("T1", "T2", "T3"):
        for n in range(3):
            env.rep(f"U{team}{n}", "UTC", team_id=team)
    # T2 is installed but its token was revoked in Slack; T3 has no token at all.
    env.fake.tokens = {"xoxb-test-T1": "T1"}
    env.services = Services(
        settings=env.services.settings,
        sessions=env.services.sessions,
        clock=env.clock,
        tokens=lambda team: None if team == "T3" else f"xoxb-test-{team}",
    )
    report = env.sweep(FRIDAY + timedelta(hours=9, minutes=30))
    assert report.sent == 3
    assert sorted(u for u, _ in posts_by_rep_date(env.fake)) == ["UT10", "UT11", "UT12"]
    assert any(p.startswith("T2: invalid_auth") for p in report.problems), report.problems
    assert any(p.startswith("T3: no bot token") for p in report.problems), report.problems
    t2 = [r for r in outbox_rows(env.services) if r.workspace_id == 2]
    # One post was refused; the other claimed rows were released without an attempt.
    assert len(t2) == 3 and all(r.status == "failed" and r.attempts == 0 for r in t2)
    assert len(env.fake.calls_to("chat.postMessage")) == 4


def test_one_reps_failure_never_stops_the_others_and_retries_stop_at_max(env: Env) -> None:
    for n in range(4):
        env.rep(f"U{n}", "UTC")
    broken = env.composer

    def composer(session, ctx, on):  # type: ignore[no-untyped-def]
        if ctx.rep.slack_user_id == "U1":
            raise RuntimeError("bad data")
        return broken(session, ctx, on)

    options = SweepOptions(pacing=False, max_attempts=3, retry_after_seconds=60)
    at = FRIDAY + timedelta(hours=9)
    env.clock.set(at)
    first = sweep(env.services, at, composer=composer, metadata=digest_metadata,
                  options=options, sleep=env.sleep)  # fmt: skip
    assert (first.sent, first.failed) == (3, 1)
    env.clock.set(at + timedelta(seconds=30))
    too_soon = sweep(env.services, env.clock(), composer=composer, metadata=digest_metadata,
                     options=options, sleep=env.sleep)  # fmt: skip
    assert too_soon.failed == 0, "a failed row waits for the next tick"
    for minute in range(1, 6):
        env.clock.set(at + timedelta(minutes=minute))
        sweep(env.services, env.clock(), composer=composer, metadata=digest_metadata,
              options=options, sleep=env.sleep)  # fmt: skip
    row = next(r for r in outbox_rows(env.services) if r.status == "failed")
    assert row.attempts == 3 and row.last_error is not None and "bad data" in row.last_error
    assert len(env.fake.calls_to("chat.postMessage")) == 3


def test_a_rep_paused_after_enqueueing_gets_no_digest(env: Env) -> None:
    rep_id = env.rep("U1", "UTC")
    env.rep("U2", "UTC")
    at = FRIDAY + timedelta(hours=9, minutes=1)
    env.clock.set(at)
    with unit_of_work(env.services.sessions) as session:
        outbox.enqueue(session, [outbox.DueDigest(rep_id, at.date(), 1)], now=at)
    env.rep("U1", "UTC", paused_until=at.date())
    report = env.sweep(at)
    assert (report.sent, report.skipped) == (1, 1)
    assert outbox_rows(env.services)[0].last_error == "no longer due"
    assert env.fake.messages("U1") == []


def test_pacing_spaces_posts_per_workspace(env: Env) -> None:
    for n in range(6):
        env.rep(f"U{n}", "UTC")
    options = SweepOptions(pacing=True, backoff_seconds=0.001)
    report = env.sweep(FRIDAY + timedelta(hours=9, minutes=1), options=options)
    assert report.sent == 6
    # The clock stands still in the test, so each slot is 0.2 s after the one before.
    assert env.sleep.waits == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])


def test_the_real_composer_sends_a_valid_digest_with_its_prospects(env: Env) -> None:
    from dataclasses import replace

    from bot.domain import Situation
    from bot.reps import rep_context
    from bot.usecases.adding import NewProspect, add_prospect

    env.fake.add_user("U1", team_id="T1", tz="Europe/Paris")
    at = FRIDAY + timedelta(hours=8, minutes=30)
    env.clock.set(at)
    with unit_of_work(env.services.sessions) as session:
        ctx = rep_context(session, team_id="T1", user_id="U1", now=at,
                          client=make_client("xoxb-test-T1", env.fake.api_url))  # fmt: skip
        new = replace(NewProspect(name="Dana Reyes", company="Acme Corp",
                                  situation=Situation.WENT_QUIET))  # fmt: skip
        prospect = add_prospect(session, ctx, new, now=at).prospect
        prospect.next_touch_on = ctx.today
        prospect_id = prospect.id
    report = sweep(env.services, at, options=FAST, sleep=env.sleep)
    assert report.sent == 1
    [message] = env.fake.messages("U1")
    assert message.metadata == digest_metadata("T1", "U1", date(2026, 11, 27))
    assert message.blocks
    [row] = outbox_rows(env.services)
    assert row.prospect_ids == [prospect_id] and row.due_count == 1


def test_no_rows_and_no_calls_when_nobody_is_due(env: Env) -> None:
    env.rep("U1", "UTC")
    report = env.sweep(FRIDAY + timedelta(hours=3))
    assert (report.enqueued, report.sent) == (0, 0)
    with unit_of_work(env.services.sessions) as session:
        assert session.scalar(select(func.count()).select_from(DigestOutbox)) == 0
    assert env.fake.calls == []


def test_a_sender_that_lost_its_lease_does_not_post(env: Env) -> None:
    env.rep("U1", "UTC")
    env.rep("U2", "UTC")

    at = FRIDAY + timedelta(hours=9, minutes=1)

    def slow_pace(seconds: float) -> None:
        # While this process waits for U2's posting slot, its lease runs out and another
        # process claims the row.
        env.clock.set(env.clock() + timedelta(seconds=121))
        with unit_of_work(env.services.sessions) as other:
            taken = outbox.claim(
                other, workspace_id=1, dates=[at.date()], owner="thief", now=env.clock(),
                lease=timedelta(minutes=2), limit=5, max_attempts=5,
            )  # fmt: skip
            assert [row.rep_id for row in taken] == [2]

    env.sleep = slow_pace  # type: ignore[assignment]
    options = SweepOptions(pacing=True, lease_seconds=120)
    report = env.sweep(at, owner="slow", options=options)
    assert (report.sent, report.failed) == (1, 1)
    assert "lease lost" in report.lines[1].detail
    assert list(posts_by_rep_date(env.fake)) == [("U1", "2026-11-27")]
    stolen = outbox_rows(env.services)[1]
    assert (stolen.status, stolen.lease_owner) == ("sending", "thief")


def test_a_long_retry_after_renews_the_lease_while_it_waits(env: Env) -> None:
    env.rep("U1", "UTC")
    env.fake.fail("chat.postMessage", status=429, retry_after=90, times=2)
    at = FRIDAY + timedelta(hours=9, minutes=1)
    stolen: list[list[outbox.Claimed]] = []

    def sleep(seconds: float) -> None:
        # The clock moves on while we "sleep"; another process tries to claim meanwhile.
        env.clock.set(env.clock() + timedelta(seconds=seconds))
        with unit_of_work(env.services.sessions) as session:
            stolen.append(
                outbox.claim(
                    session, workspace_id=1, dates=[at.date()], owner="other", now=env.clock(),
                    lease=timedelta(minutes=2), limit=5, max_attempts=5,
                )
            )  # fmt: skip

    env.sleep = sleep  # type: ignore[assignment]
    report = env.sweep(at, options=SweepOptions(pacing=True, lease_seconds=120))
    assert report.sent == 1
    assert env.clock() >= at + timedelta(seconds=180), "both Retry-After waits were honoured"
    # 180 s after the claim the first 120 s lease would be over; it was renewed each wait.
    assert stolen == [[], []]
    assert len(posts_by_rep_date(env.fake)) == 1


def _seed_due(env: Env, user_id: str, tz: str, names: list[str], at: datetime) -> list[int]:
    """A rep in `tz` with prospects due on their local day; the first has a touch logged."""
    from bot.domain import Outcome, Situation
    from bot.reps import rep_context
    from bot.usecases.adding import NewProspect, add_prospect
    from bot.usecases.outcomes import OutcomeInput, log_outcome

    env.fake.add_user(user_id, team_id="T1", tz=tz)
    client = make_client("xoxb-test-T1", env.fake.api_url)
    ids: list[int] = []
    with unit_of_work(env.services.sessions) as session:
        ctx = rep_context(session, team_id="T1", user_id=user_id, now=at, client=client)
        for index, name in enumerate(names):
            situation = Situation.WENT_QUIET if index % 2 else Situation.MISSING_FEATURE
            new = NewProspect(name=name, company=f"{name} Co", situation=situation)
            prospect = add_prospect(session, ctx, new, now=at).prospect
            if index == 0:
                given = OutcomeInput(prospect.id, prospect.version, Outcome.NO_REPLY, "real_reason")
                log_outcome(session, ctx, given, now=at - timedelta(days=9))
            prospect.next_touch_on = ctx.today - timedelta(days=index)
            ids.append(prospect.id)
    return ids


def test_digests_composed_as_a_batch_equal_digests_composed_one_by_one(env: Env) -> None:
    from bot.reps import rep_context
    from bot.usecases.digest import compose_digests, digest_of
    from bot.usecases.reading import items_by_id

    at = FRIDAY + timedelta(hours=22)  # Saturday already in Sydney, Friday in Paris
    _seed_due(env, "U1", "Europe/Paris", ["Dana", "Eli", "Fay"], at)
    _seed_due(env, "U2", "Australia/Sydney", ["Gus", "Hal"], at)
    _seed_due(env, "U3", "Europe/Paris", ["Ida"], at)
    with unit_of_work(env.services.sessions) as session:
        jobs = []
        for user_id in ("U1", "U2", "U3"):
            ctx = rep_context(session, team_id="T1", user_id=user_id, now=at)
            jobs.append((ctx, ctx.today))
        assert {on for _, on in jobs} == {date(2026, 11, 27), date(2026, 11, 28)}
        batched = compose_digests(session, jobs)
        # The batch reads plain rows; the same digests from ORM objects, one rep at a time:
        alone = [
            digest_of(items_by_id(session, ctx, d.prospect_ids if d else [], on), on)
            for (ctx, on), d in zip(jobs, batched, strict=True)
        ]
    assert batched == alone
    assert [d.due_count for d in batched if d is not None] == [3, 2, 1]
    # Each rep sees only their own prospects.
    names = [{p for p in ("Dana", "Eli", "Fay", "Gus", "Hal", "Ida") if p in d.text + str(d.blocks)}
             for d in batched if d is not None]  # fmt: skip
    assert names == [{"Dana", "Eli", "Fay"}, {"Gus", "Hal"}, {"Ida"}]


def test_the_real_composer_gives_each_rep_of_a_batch_their_own_digest(env: Env) -> None:
    at = FRIDAY + timedelta(hours=8, minutes=30)
    mine = {
        user_id: _seed_due(env, user_id, "Europe/Paris", [f"{user_id}-a", f"{user_id}-b"], at)
        for user_id in ("U1", "U2", "U3")
    }
    env.clock.set(at)
    report = sweep(env.services, at, options=FAST, sleep=env.sleep)
    assert report.sent == 3
    for user_id in mine:
        [message] = env.fake.messages(user_id)
        shown = str(message.blocks)
        assert all(f"{other}-a" not in shown for other in mine if other != user_id)
        assert f"{user_id}-a" in shown and f"{user_id}-b" in shown
    rows = {row.rep_id: row for row in outbox_rows(env.services)}
    assert sorted(sorted(row.prospect_ids or []) for row in rows.values()) == sorted(
        sorted(ids) for ids in mine.values()
    )


def test_a_batch_that_cannot_be_composed_is_composed_one_by_one(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.usecases.digest

    real = bot.usecases.digest.compose_digests

    def batch_read_fails(session: Session, jobs: list[tuple[RepContext, date]]) -> list[object]:
        if len(jobs) > 1:
            raise RuntimeError("batch read failed")
        return list(real(session, jobs))

    monkeypatch.setattr(bot.usecases.digest, "compose_digests", batch_read_fails)
    at = FRIDAY + timedelta(hours=8, minutes=30)
    for user_id in ("U1", "U2"):
        _seed_due(env, user_id, "Europe/Paris", [f"{user_id}-a"], at)
    env.clock.set(at)
    report = sweep(env.services, at, options=FAST, sleep=env.sleep)
    assert (report.sent, report.failed) == (2, 0)
    assert "U1-a" in str(env.fake.messages("U1")[0].blocks)


def test_one_rep_whose_digest_cannot_be_composed_fails_alone(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.usecases.digest

    real = bot.usecases.digest.compose_digests

    def fails_for_u1(session: Session, jobs: list[tuple[RepContext, date]]) -> list[object]:
        if any(ctx.rep.slack_user_id == "U1" for ctx, _ in jobs):
            raise RuntimeError("U1's digest cannot be drawn")
        return list(real(session, jobs))

    monkeypatch.setattr(bot.usecases.digest, "compose_digests", fails_for_u1)
    at = FRIDAY + timedelta(hours=8, minutes=30)
    for user_id in ("U1", "U2"):
        _seed_due(env, user_id, "Europe/Paris", [f"{user_id}-a"], at)
    env.clock.set(at)
    report = sweep(env.services, at, options=FAST, sleep=env.sleep)
    assert (report.sent, report.failed) == (1, 1)
    assert env.fake.messages("U1") == [] and len(env.fake.messages("U2")) == 1
    failed = [line for line in report.lines if line.outcome == "failed"]
    assert [(line.user_id, "cannot be drawn" in line.detail) for line in failed] == [("U1", True)]
