"""`revive sweep --at <Monday morning>` delivers the weekly reports once, and `revive report`
renders one locally: as processes, against a database file and the fake Slack."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.domain import Outcome
from bot.services import Services
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.sweeping import add_rep, make_services, outbox_rows
from tests.test_cli import run_revive
from tests.weekly_reports import REPORTED, log_touches, make_team, name_rep, report_summaries

MONDAY_AT = "2026-12-07T09:01:00Z"


@pytest.fixture
def seeded(tmp_path: Path, fake_slack: FakeSlack) -> tuple[str, Services]:
    """Team North: manager UM, reps U1 (Ana) and U2; U1 logged three contacts in 2026-W49."""
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    now = datetime(2026, 11, 20, tzinfo=UTC)
    services = make_services(url, fake_slack, Clock(now))
    manager, ana, bo = (add_rep(services, user, "UTC", now=now) for user in ("UM", "U1", "U2"))
    name_rep(services, ana, "Ana Souza")
    make_team(services, "North", managers=[manager], reps=[ana, bo])
    log_touches(services, ana, REPORTED + timedelta(days=2),
                [Outcome.LEARNED, Outcome.NOTHING_NEW, Outcome.WON],
                tactic="be_a_resource", learned="new budget owner")  # fmt: skip
    return url, services


def env_for(url: str, fake: FakeSlack) -> dict[str, str]:
    return {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-test-T1", "SLACK_API_URL": fake.api_url}


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        image.load()
        return image.size


def test_revive_sweep_on_monday_morning_sends_the_manager_one_report_once(
    seeded: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = seeded
    env = env_for(url, fake_slack)
    first = run_revive("sweep", "--at", MONDAY_AT, cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert [line.split()[:4] for line in first.stdout.splitlines() if "weekly report" in line] == [
        ["T1", "UM", "2026-12-07", "sent"]
    ]
    [summary] = report_summaries(fake_slack)
    assert (summary["channel"], summary["date"]) == ("UM", "2026-12-07")
    [chart] = fake_slack.files.values()
    assert chart.channels == ["DUM"] and png_size(chart.content or b"") == (1200, 600)

    again = run_revive("sweep", "--at", MONDAY_AT, cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert "enqueued 0, sent 0" in again.stdout
    assert len(report_summaries(fake_slack)) == 1 and len(fake_slack.files) == 1
    reports = [row for row in outbox_rows(services) if row.kind == "weekly_report"]
    assert [(row.status, row.channel) for row in reports] == [("sent", "DUM")]


def test_revive_report_renders_the_same_report_locally(
    seeded: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, _ = seeded
    out = tmp_path / "report.png"
    result = run_revive("report", "--team", "north", "--team-id", "T1", "--week", "2026-W49",
                        "--out", str(out), cwd=tmp_path, env={"DATABASE_URL": url})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert png_size(out.read_bytes()) == (1200, 600)
    assert "Weekly team report · week of November 30, 2026" in result.stdout
    assert "• *Ana Souza*: 3 contacts · 33% learned something · 1 revived" in result.stdout
    assert fake_slack.calls == [], "nothing is sent"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--team", "North", "--team-id", "T1", "--week", "2026-49"], "not an ISO week"),
        (["--team", "North", "--team-id", "T1", "--week", "2026-W54"], "2026 has no week 54"),
        (["--team", "South", "--team-id", "T1", "--week", "2026-W49"], "no team named 'South'"),
        (["--team", "North", "--team-id", "T9", "--week", "2026-W49"], "No workspace T9"),
    ],
)
def test_revive_report_explains_what_it_cannot_find(
    seeded: tuple[str, Services], tmp_path: Path, args: list[str], said: str
) -> None:
    url, _ = seeded
    out = tmp_path / "x.png"
    result = run_revive("report", *args, "--out", str(out), cwd=tmp_path,
                        env={"DATABASE_URL": url})  # fmt: skip
    assert result.returncode == 2
    assert said in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
