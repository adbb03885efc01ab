"""The weekly report through the sweep: a second kind of outbox row, delivered once per
manager and week, with its chart uploaded beside it, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from bot.domain import Outcome
from store import outbox
from tests.fakeslack import UPLOAD, FakeSlack, blocks_text
from tests.sweeping import FAST, Env, open_env, outbox_rows, posts_by_rep_date
from tests.weekly_reports import (
    MONDAY,
    REPORTED,
    at_nine,
    log_touches,
    make_team,
    name_rep,
    png_size,
    report_summaries,
)

MONDAY_MORNING = at_nine(MONDAY.date())
TUESDAY_MORNING = MONDAY_MORNING + timedelta(days=1)


@dataclass
class Office:
    env: Env
    ids: dict[str, int]
    east: int
    west: int


@pytest.fixture
def office(database_url: str, fake_slack: FakeSlack) -> Iterator[Office]:
    """East: manager UMA, reps UR1 and UR2; West: manager UMB, rep UR3; all in UTC."""
    for env in open_env(database_url, fake_slack):
        ids = {user: env.rep(user, "UTC") for user in ("UMA", "UMB", "UR1", "UR2", "UR3")}
        name_rep(env.services, ids["UR1"], "Ana <!channel> Souza")
        name_rep(env.services, ids["UR2"], "Bo")
        east = make_team(env.services, "East & Co", managers=[ids["UMA"]],
                         reps=[ids["UR1"], ids["UR2"]])  # fmt: skip
        west = make_team(env.services, "West", managers=[ids["UMB"]], reps=[ids["UR3"]])
        log_touches(env.services, ids["UR1"], REPORTED + timedelta(days=1),
                    [Outcome.LEARNED, Outcome.NOTHING_NEW, Outcome.RE_ENGAGED],
                    learned="budget moved to Q2")  # fmt: skip
        log_touches(env.services, ids["UR2"], REPORTED - timedelta(days=5),
                    [Outcome.NO_REPLY, Outcome.NO_REPLY])  # fmt: skip
        yield Office(env, ids, east, west)


def report_rows(env: Env) -> list[Any]:
    return [row for row in outbox_rows(env.services) if row.kind == outbox.WEEKLY_REPORT]


def test_a_monday_sweep_sends_each_manager_one_report_with_its_chart_and_a_second_nothing(
    office: Office,
) -> None:
    env = office.env
    first = env.sweep(MONDAY_MORNING)

    summaries = report_summaries(env.fake)
    assert sorted((s["channel"], s["user"], s["date"], s["part"]) for s in summaries) == [
        ("UMA", "UMA", "2026-12-07", "dm"),
        ("UMB", "UMB", "2026-12-07", "dm"),
    ], "one report per manager, in their DM; none to reps"
    files = sorted(env.fake.files.values(), key=lambda f: f.channels)
    assert [f.channels for f in files] == [["DUMA"], ["DUMB"]]
    assert all(png_size(f) == (1200, 600) for f in files)
    assert files[0].filename == f"revive-east-co-2026-W49-t{office.east}.png"
    east = blocks_text(next(s for s in summaries if s["user"] == "UMA")["blocks"])
    assert "Ana &lt;!channel&gt; Souza" in east and "<!channel>" not in east
    assert "East &amp; Co" in east and "*Contacts*\n3" in east
    assert "33% learned something" in east and "1 revived" in east
    [summary, chart] = env.fake.messages("UMA")[-2:]
    assert summary.metadata is not None and chart.files[0]["name"] == files[0].filename
    assert first.failed == 0 and first.problems == []
    sent = {(line.user_id, line.detail) for line in first.lines if line.outcome == "sent"}
    assert ("UMA", "weekly report: 1 team") in sent and ("UMB", "weekly report: 1 team") in sent
    digests = posts_by_rep_date(env.fake)
    assert len(digests) == 5 and set(digests.values()) == {1}, "digests as before"

    calls = len(env.fake.calls)
    again = env.sweep(MONDAY_MORNING, owner="another-process")
    later = env.sweep(MONDAY_MORNING + timedelta(minutes=30))
    assert (again.enqueued, again.sent, again.lines) == (0, 0, [])
    assert (later.enqueued, later.sent, later.lines) == (0, 0, [])
    assert len(env.fake.calls) == calls, "nothing more was posted or uploaded"
    rows = report_rows(env)
    assert [(r.status, r.local_date, r.attempts) for r in rows] == [
        ("sent", date(2026, 12, 7), 1),
        ("sent", date(2026, 12, 7), 1),
    ]
    assert {r.channel for r in rows} == {"DUMA", "DUMB"}
    assert env.fake.validation_errors == [] and env.fake.warnings == []


def test_no_report_on_tuesday_and_a_tuesday_first_manager_gets_theirs_then(
    office: Office,
) -> None:
    env = office.env
    env.sweep(TUESDAY_MORNING)  # Monday's window was missed: gone, like a digest's
    assert report_summaries(env.fake) == [] and report_rows(env) == []

    late = env.rep("UML", "UTC", workdays="1,2,3,4,5")  # Tuesday to Saturday
    make_team(env.services, "Late", managers=[late], reps=[office.ids["UR3"]])
    env.sweep(MONDAY_MORNING + timedelta(weeks=1))
    assert {s["user"] for s in report_summaries(env.fake)} == {"UMA", "UMB"}
    env.sweep(TUESDAY_MORNING + timedelta(weeks=1))
    env.sweep(TUESDAY_MORNING + timedelta(weeks=1, hours=1))
    by_user = [s["user"] for s in report_summaries(env.fake)]
    assert sorted(by_user) == ["UMA", "UMB", "UML"], "once each, the late one on Tuesday"
    assert {row.local_date for row in report_rows(env)} == {date(2026, 12, 14)}


def test_a_team_with_a_report_channel_gets_it_there_once_not_in_each_managers_dm(
    office: Office,
) -> None:
    env = office.env
    second = env.rep("UMC", "UTC")  # a second manager of the channel's team
    make_team(env.services, "North", managers=[office.ids["UMA"], second],
              reps=[office.ids["UR2"]], channel="C0NORTH")  # fmt: skip

    report = env.sweep(MONDAY_MORNING)

    parts = sorted((s["channel"], s["user"], s["part"]) for s in report_summaries(env.fake))
    assert parts == [("C0NORTH", "UMA", "C0NORTH"), ("UMA", "UMA", "dm"), ("UMB", "UMB", "dm")]
    [summary, chart] = env.fake.messages("C0NORTH")
    assert "North" in blocks_text(summary.blocks) and "East" not in blocks_text(summary.blocks)
    [north] = [f for f in env.fake.files.values() if f.channels == ["C0NORTH"]]
    assert chart.files[0]["id"] == north.id and png_size(north) == (1200, 600)
    assert "North" not in blocks_text(env.fake.messages("UMA")[-2].blocks)
    assert env.fake.messages("UMC")[-1].metadata["event_type"] == "revive_digest"
    skipped = [line for line in report.lines if line.user_id == "UMC" and "weekly" in line.detail]
    assert [line.outcome for line in skipped] == ["skipped"]
    assert report.all_delivered


def test_a_crash_after_the_upload_and_before_marking_finds_both_and_sends_nothing_again(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = office.env
    env.composer.idle.update(office.ids)  # no digests: every mark_sent below is a report's
    real = outbox.mark_sent
    crashed: list[int] = []

    def crash_once(*args: Any, **kwargs: Any) -> bool:
        if not crashed:
            crashed.append(kwargs["row_id"])
            raise RuntimeError("the process died here")
        return real(*args, **kwargs)

    monkeypatch.setattr(outbox, "mark_sent", crash_once)
    first = env.sweep(MONDAY_MORNING)
    assert first.failed == 1 and crashed
    retry = env.sweep(MONDAY_MORNING + timedelta(minutes=2))

    assert retry.in_doubt_found == 1 and retry.failed == 0
    assert len(report_summaries(env.fake)) == 2 and len(env.fake.files) == 2
    assert env.fake.calls_to("conversations.history"), "it looked before posting again"
    assert all(row.status == "sent" for row in report_rows(env))


def test_a_chart_that_failed_is_uploaded_alone_on_the_next_tick(office: Office) -> None:
    env = office.env
    env.fake.fail(UPLOAD, status=500, times=FAST.post_tries)
    first = env.sweep(MONDAY_MORNING)
    [failed] = [line for line in first.lines if line.outcome == "failed"]
    assert failed.detail.startswith("weekly report: ") and "after 3 tries" in failed.detail
    env.sweep(MONDAY_MORNING + timedelta(minutes=2))

    summaries = report_summaries(env.fake)
    assert sorted(s["user"] for s in summaries) == ["UMA", "UMB"], "no summary posted twice"
    assert sorted(f.channels[0] for f in env.fake.files.values()) == ["DUMA", "DUMB"]
    assert all(row.status == "sent" for row in report_rows(env))


def test_a_missing_files_scope_fails_the_report_and_spares_the_digests(office: Office) -> None:
    env = office.env
    env.fake.fail("files.getUploadURLExternal", error="missing_scope")
    report = env.sweep(MONDAY_MORNING)
    failed = [line for line in report.lines if line.outcome == "failed"]
    assert len(failed) == 1 and "files:write" in failed[0].detail
    assert report.problems == [], "the workspace is not down: its digests went out"
    assert len(posts_by_rep_date(env.fake)) == 5


def test_a_token_refused_after_the_summary_fails_the_row_so_the_next_attempt_looks(
    office: Office,
) -> None:
    env = office.env
    env.fake.fail("files.getUploadURLExternal", error="token_revoked")
    first = env.sweep(MONDAY_MORNING)
    assert first.failed == 1 and first.problems == [], "not handed back: it was attempted"
    env.sweep(MONDAY_MORNING + timedelta(minutes=2))
    assert sorted(s["user"] for s in report_summaries(env.fake)) == ["UMA", "UMB"]
    assert len(env.fake.files) == 2 and all(r.status == "sent" for r in report_rows(env))


def test_a_dry_run_says_where_reports_would_go_and_sends_nothing(office: Office) -> None:
    env = office.env
    report = env.sweep(MONDAY_MORNING, dry_run=True)
    lines = {(line.user_id, line.outcome, line.detail) for line in report.lines}
    assert ("UMA", "would send", "weekly report: 1 team(s) to their DM") in lines
    assert env.fake.calls == [] and outbox_rows(env.services) == []
