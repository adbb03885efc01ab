"""A team's report channel that Revive cannot post in does not lose the report: the sweep
DMs it to each of the team's managers with a line on how to invite the bot; once the bot is
in the channel the next report goes there. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from bot.domain import Outcome
from store import outbox
from tests.fakeslack import FakeSlack, blocks_text
from tests.sweeping import Env, open_env, outbox_rows
from tests.weekly_reports import MONDAY, REPORTED, at_nine, log_touches, make_team, png_size

MONDAY_MORNING = at_nine(MONDAY.date())
NOTICE = "This report was meant for <#C0NORTH>"


@dataclass
class North:
    env: Env
    ids: dict[str, int]


@pytest.fixture
def north(database_url: str, fake_slack: FakeSlack) -> Iterator[North]:
    """North: managers UMA and UMC, rep UR1, report channel C0NORTH; UMB manages West."""
    for env in open_env(database_url, fake_slack):
        ids = {user: env.rep(user, "UTC") for user in ("UMA", "UMB", "UMC", "UR1", "UR2")}
        make_team(env.services, "North", managers=[ids["UMA"], ids["UMC"]], reps=[ids["UR1"]],
                  channel="C0NORTH")  # fmt: skip
        make_team(env.services, "West", managers=[ids["UMB"]], reps=[ids["UR2"]])
        log_touches(env.services, ids["UR1"], REPORTED + timedelta(days=1),
                    [Outcome.LEARNED, Outcome.RE_ENGAGED], learned="budget moved")  # fmt: skip
        env.composer.idle.update(ids)  # no digests: every message below is a report's
        yield North(env, ids)


def report_messages(fake: FakeSlack, conversation: str) -> list[Any]:
    """The report summaries that landed in a conversation (a user id: their DM)."""
    return [m for m in fake.messages(conversation)
            if (m.metadata or {}).get("event_type") == "revive_weekly_report"]  # fmt: skip


def charts_in(fake: FakeSlack, dm: str) -> list[str]:
    return sorted(f.filename for f in fake.files.values() if f.channels == [dm])


@pytest.mark.parametrize(
    ("private", "code"), [(False, "not_in_channel"), (True, "channel_not_found")]
)
def test_a_channel_revive_is_not_in_sends_the_report_to_each_managers_dm_once(
    north: North, private: bool, code: str
) -> None:
    env = north.env
    env.fake.add_channel("C0NORTH", name="north", member=False, private=private)

    report = env.sweep(MONDAY_MORNING)

    assert env.fake.messages("C0NORTH") == [], "nothing landed in the channel"
    refused = [c for c in env.fake.calls if c.params.get("channel") == "C0NORTH"]
    assert refused, "it tried the channel first"
    for manager in ("UMA", "UMC"):
        [summary] = [m for m in report_messages(env.fake, manager)
                     if NOTICE in blocks_text(m.blocks)]  # fmt: skip
        text = blocks_text(summary.blocks)
        assert "/invite @Revive" in text and "North" in text and "West" not in text
        assert summary.metadata["event_payload"]["part"] == f"C0NORTH>{manager}"
        [chart] = [f for f in env.fake.files.values()
                   if f.channels == [f"D{manager}"] and "north" in f.filename]  # fmt: skip
        assert png_size(chart) == (1200, 600)
    west = report_messages(env.fake, "UMB")
    assert len(west) == 1 and NOTICE not in blocks_text(west[0].blocks)
    assert report.failed == 0 and report.all_delivered
    rows = [r for r in outbox_rows(env.services) if r.kind == outbox.WEEKLY_REPORT]
    assert sorted(r.status for r in rows) == ["sent", "sent", "skipped"], "UMC sends none"

    calls = len(env.fake.calls)
    again = env.sweep(MONDAY_MORNING + timedelta(minutes=30))
    assert (again.enqueued, again.sent) == (0, 0) and len(env.fake.calls) == calls


def test_a_retried_row_finds_the_dms_it_sent_and_posts_them_no_second_time(
    north: North, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = north.env
    env.fake.add_channel("C0NORTH", name="north", member=False)
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

    assert retry.failed == 0 and retry.in_doubt_found == 1
    looked = {c.params.get("channel") for c in env.fake.calls_to("conversations.history")}
    assert {"C0NORTH", "DUMC"} <= looked, "the crashed row was North's: it looked first"
    for manager in ("UMA", "UMC"):
        fallbacks = [m for m in report_messages(env.fake, manager)
                     if NOTICE in blocks_text(m.blocks)]  # fmt: skip
        assert len(fallbacks) == 1, manager
    north_charts = [f for f in env.fake.files.values() if "north" in f.filename]
    assert sorted(f.channels[0] for f in north_charts) == ["DUMA", "DUMC"]


def test_once_invited_the_next_report_goes_to_the_channel(north: North) -> None:
    env = north.env
    env.fake.add_channel("C0NORTH", name="north", member=False)
    env.sweep(MONDAY_MORNING)
    env.fake.add_channel("C0NORTH", name="north", member=True)  # /invite @Revive

    env.sweep(MONDAY_MORNING + timedelta(weeks=1))

    [summary] = report_messages(env.fake, "C0NORTH")
    assert summary.metadata["event_payload"]["date"] == "2026-12-14"
    assert NOTICE not in blocks_text(summary.blocks)
    later = [m for m in report_messages(env.fake, "UMC")
             if m.metadata["event_payload"]["date"] == "2026-12-14"]  # fmt: skip
    assert later == [], "UMC's only team reports in the channel now"
