"""`revive teams set/list/delete` as an admin runs them: a subprocess against the fake Slack."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.services import Services
from store.db import unit_of_work
from store.models import Rep, Team
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.sweeping import make_services
from tests.test_cli import run_revive
from tests.test_cli_sweep import AT, env_for


@pytest.fixture
def db(tmp_path: Path, fake_slack: FakeSlack) -> tuple[str, Services]:
    url = f"sqlite:///{tmp_path / 'revive.db'}"
    services = make_services(url, fake_slack, Clock(datetime.fromisoformat(AT)))
    for user_id, name in (("UANN", "Ann Lee"), ("UBOB", "Bob Ray"), ("UCAT", "Cat Day")):
        fake_slack.add_user(user_id, tz="Europe/Paris", real_name=name)
    fake_slack.add_user("UDAN", tz="UTC", real_name="Dan Boss", is_admin=True)
    fake_slack.add_user("UZED", team_id="T2", real_name="Zed Elsewhere")
    fake_slack.add_user("UGONE", real_name="Gone Girl", deleted=True)
    return url, services


def teams(services: Services) -> dict[str, list[str]]:
    with unit_of_work(services.sessions) as session:
        found = {}
        for team in session.scalars(select(Team)):
            reps = session.scalars(select(Rep.slack_user_id).where(Rep.team_id == team.id))
            found[team.name] = sorted(reps)
        return found


def one_line_error(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    [line] = result.stderr.splitlines()
    assert words in line, line
    assert "Traceback" not in result.stderr + result.stdout


def test_set_creates_then_list_prints_the_table(
    db: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = db
    env = env_for(url, fake_slack)
    made = run_revive(
        "teams", "set", "East", "--managers", "UANN", "--reps", "UBOB, UCAT", cwd=tmp_path, env=env
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        "Created team East in T1.",
        "Managers: Ann Lee (UANN)",
        "Reps: Bob Ray (UBOB), Cat Day (UCAT)",
    ]
    assert teams(services) == {"East": ["UBOB", "UCAT"]}
    with unit_of_work(services.sessions) as session:
        ann = session.scalars(select(Rep).where(Rep.slack_user_id == "UANN")).one()
        assert (ann.display_name, ann.tz, ann.is_admin) == ("Ann Lee", "Europe/Paris", False)

    moved = run_revive(
        "teams", "set", "west", "--team-id", "T1", "--managers", "UDAN", "--reps", "UCAT",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    assert "Moved Cat Day (UCAT) from East." in moved.stdout
    assert teams(services) == {"East": ["UBOB"], "west": ["UCAT"]}

    listed = run_revive("teams", "list", cwd=tmp_path, env={"DATABASE_URL": url})
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["WORKSPACE", "TEAM", "REPORT_CHANNEL", "MANAGERS", "REPS"]
    assert lines[1].split("  ")[0] == "T1"
    assert (
        "East" in lines[1] and "Ann Lee (UANN)" in lines[1] and lines[1].endswith("Bob Ray (UBOB)")
    )
    assert "west" in lines[2] and "Dan Boss (UDAN)" in lines[2]
    assert lines[1].index("Ann Lee") == lines[0].index("MANAGERS"), "columns line up"


def test_list_with_no_teams_says_how_to_make_one(db: tuple[str, Services], tmp_path: Path) -> None:
    url, _ = db
    result = run_revive("teams", "list", cwd=tmp_path, env={"DATABASE_URL": url})
    assert result.returncode == 0 and "No teams yet" in result.stdout
    unknown = run_revive(
        "teams", "list", "--team-id", "T9", cwd=tmp_path, env={"DATABASE_URL": url}
    )
    one_line_error(unknown, 2, "Revive knows no workspace T9")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--managers", "UANN", "--reps", "UGHOST"], "Slack knows no user UGHOST"),
        (["--managers", "UANN", "--reps", "UZED"], "Slack knows no user UZED"),
        (["--managers", "UANN", "--reps", "UGONE"], "Gone Girl (UGONE) is deactivated"),
        (["--managers", "", "--reps", "UBOB"], "at least one manager"),
        (["--managers", "ann", "--reps", ""], "'ann' is not a Slack user id"),
        (["--managers", "UANN", "--reps", "UBOB", "--team-id", "T2"], "belongs to workspace T1"),
    ],
)
def test_set_refuses_bad_input_in_one_line_and_writes_nothing(
    db: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path, args: list[str], words: str
) -> None:
    url, services = db
    result = run_revive("teams", "set", "East", *args, cwd=tmp_path, env=env_for(url, fake_slack))
    one_line_error(result, 2, words)
    assert teams(services) == {}
    with unit_of_work(services.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Rep)) == 0


def test_set_refuses_a_bad_name_before_asking_slack(
    db: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, _ = db
    env = env_for(url, fake_slack)
    result = run_revive(
        "teams", "set", "x" * 81, "--managers", "UANN", "--reps", "", cwd=tmp_path, env=env
    )
    one_line_error(result, 2, "at most 80 characters")
    assert fake_slack.calls == []


def test_usage_mistakes_and_a_missing_token_are_one_line(
    db: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, _ = db
    env = env_for(url, fake_slack)
    no_reps = run_revive("teams", "set", "East", "--managers", "UANN", cwd=tmp_path, env=env)
    one_line_error(no_reps, 2, "--reps")
    bad_team = run_revive(
        "teams", "list", "--team-id", "acme", cwd=tmp_path, env={"DATABASE_URL": url}
    )
    one_line_error(bad_team, 2, "not a Slack workspace id")
    no_token = run_revive(
        "teams", "set", "East", "--managers", "UANN", "--reps", "", cwd=tmp_path,
        env={"DATABASE_URL": url, "SLACK_API_URL": fake_slack.api_url},
    )  # fmt: skip
    one_line_error(no_token, 2, "SLACK_BOT_TOKEN")
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    unmigrated = run_revive("teams", "list", cwd=tmp_path, env={"DATABASE_URL": fresh})
    one_line_error(unmigrated, 2, "run `revive db upgrade` first")


def test_a_token_slack_rejects_is_exit_4(
    db: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = db
    env = {**env_for(url, fake_slack), "SLACK_BOT_TOKEN": "xoxb-wrong"}
    result = run_revive(
        "teams", "set", "East", "--managers", "UANN", "--reps", "", cwd=tmp_path, env=env
    )
    one_line_error(result, 4, "Slack rejected SLACK_BOT_TOKEN")
    assert teams(services) == {}


def test_delete_keeps_the_reps(
    db: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = db
    env = env_for(url, fake_slack)
    run_revive(
        "teams", "set", "East", "--managers", "UANN", "--reps", "UBOB", cwd=tmp_path, env=env
    )
    deleted = run_revive("teams", "delete", "EAST", cwd=tmp_path, env={"DATABASE_URL": url})
    assert deleted.returncode == 0, deleted.stderr
    assert "Deleted team East in T1" in deleted.stdout
    assert teams(services) == {}
    with unit_of_work(services.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Rep)) == 2
    again = run_revive("teams", "delete", "East", cwd=tmp_path, env={"DATABASE_URL": url})
    one_line_error(again, 2, "No team is called 'East'")


def test_set_report_channel_keeps_it_when_left_out_and_clears_it_with_empty(
    db: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, services = db
    env = env_for(url, fake_slack)
    fake_slack.add_channel("C0EAST", name="east-team")
    base = ("teams", "set", "East", "--managers", "UANN", "--reps", "UBOB")
    made = run_revive(*base, "--report-channel", "C0EAST", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    assert "Report channel: C0EAST" in made.stdout.splitlines()
    assert channels(services) == {"East": "C0EAST"}
    assert [c.params["channel"] for c in fake_slack.calls_to("conversations.info")] == ["C0EAST"]

    kept = run_revive(*base[:-1], "UBOB,UCAT", cwd=tmp_path, env=env)
    assert kept.returncode == 0, kept.stderr
    assert "Report channel: C0EAST" in kept.stdout and channels(services) == {"East": "C0EAST"}
    listed = run_revive("teams", "list", cwd=tmp_path, env={"DATABASE_URL": url})
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["WORKSPACE", "TEAM", "REPORT_CHANNEL", "MANAGERS", "REPS"]
    assert lines[1].split()[:3] == ["T1", "East", "C0EAST"]

    cleared = run_revive(*base, "--report-channel", "", cwd=tmp_path, env=env)
    assert cleared.returncode == 0, cleared.stderr
    assert "Report channel: none (each manager's DM)" in cleared.stdout
    assert channels(services) == {"East": None}
    listed = run_revive("teams", "list", cwd=tmp_path, env={"DATABASE_URL": url})
    assert listed.stdout.splitlines()[1].split()[:3] == ["T1", "East", "-"]


@pytest.mark.parametrize(
    ("channel", "words"),
    [
        ("#east", "'#east' is not a Slack channel id"),
        ("C0GHOST", "Slack knows no channel C0GHOST"),
        ("C0OUT", "Revive is not in #general yet: type /invite @Revive"),
    ],
)
def test_set_refuses_a_report_channel_revive_cannot_post_in_and_writes_nothing(
    db: tuple[str, Services], fake_slack: FakeSlack, tmp_path: Path, channel: str, words: str
) -> None:
    url, services = db
    fake_slack.add_channel("C0OUT", name="general", member=False)
    result = run_revive(
        "teams", "set", "East", "--managers", "UANN", "--reps", "UBOB", "--report-channel",
        channel, cwd=tmp_path, env=env_for(url, fake_slack),
    )  # fmt: skip
    one_line_error(result, 2, words)
    assert teams(services) == {}


def channels(services: Services) -> dict[str, str | None]:
    with unit_of_work(services.sessions) as session:
        return {team.name: team.report_channel for team in session.scalars(select(Team))}
