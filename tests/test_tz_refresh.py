"""Reps' time zones follow Slack: paginated users.list, IANA names only, defaults otherwise."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select

from bot.reminders.profiles import PAGE_SIZE, refresh_zones
from bot.reps import apply_profile
from bot.services import Services
from store.db import unit_of_work
from store.models import Rep
from tests.conftest import Clock
from tests.fakeslack import FakeSlack
from tests.sweeping import add_rep, make_services

NOW = datetime(2026, 11, 24, 3, 17, tzinfo=UTC)


def reps(services: Services) -> dict[str, Rep]:
    with unit_of_work(services.sessions) as session:
        return {r.slack_user_id: r for r in session.scalars(select(Rep))}


def test_refresh_walks_every_page_and_stores_only_known_reps(
    database_url: str, fake_slack: FakeSlack
) -> None:
    services = make_services(database_url, fake_slack, Clock(NOW))
    for n in range(PAGE_SIZE + 50):  # more than one page of members
        fake_slack.add_user(f"U{n:04d}", tz="Asia/Kolkata")
    fake_slack.add_user("U0249", tz="Pacific/Chatham")  # on the second page
    fake_slack.add_user("U0003", tz="Not/AZone")
    fake_slack.add_user("U0004", tz="Europe/Paris", deleted=True)
    fake_slack.add_user("U9999", team_id="T2", tz="Europe/Paris")
    for user in ("U0001", "U0003", "U0004", "U0249"):
        add_rep(services, user, "UTC", now=NOW)
    add_rep(services, "U9999", "UTC", team_id="T2", now=NOW)

    report = refresh_zones(services, now=NOW)

    assert (report.workspaces, report.checked, report.changed) == (2, 5, 5)
    assert len(fake_slack.calls_to("users.list")) == 3  # two pages for T1, one for T2
    got = reps(services)
    assert got["U0001"].tz == "Asia/Kolkata"
    assert got["U0249"].tz == "Pacific/Chatham"
    assert got["U0003"].tz is None, "an unknown zone falls back to the workspace default"
    assert got["U0004"].deactivated_at == NOW
    assert got["U9999"].tz == "Europe/Paris"
    assert all(r.tz_checked_at == NOW for r in got.values())
    again = refresh_zones(services, now=NOW)
    assert again.changed == 0


def test_a_workspace_slack_refuses_does_not_stop_the_others(
    sqlite_database_url: str, fake_slack: FakeSlack
) -> None:
    services = make_services(sqlite_database_url, fake_slack, Clock(NOW))
    fake_slack.add_user("U1", team_id="T2", tz="Asia/Kolkata")
    add_rep(services, "U0", "UTC", team_id="T1", now=NOW)
    add_rep(services, "U1", "UTC", team_id="T2", now=NOW)
    # Installed here, but Slack no longer accepts the token.
    services = replace(services, tokens=lambda team: f"xoxb-test-{team}")
    fake_slack.tokens.pop("xoxb-test-T1")
    report = refresh_zones(services, now=NOW)
    assert report.problems == ["T1: invalid_auth"]
    assert reps(services)["U1"].tz == "Asia/Kolkata"


def test_apply_profile_reactivates_and_clears() -> None:
    rep = Rep(slack_user_id="U1", tz="UTC", deactivated_at=NOW, created_at=NOW, updated_at=NOW)
    assert apply_profile(rep, {"id": "U1", "tz": "America/St_Johns", "tz_offset": -1}, NOW)
    assert (rep.tz, rep.deactivated_at) == ("America/St_Johns", None)
    assert not apply_profile(rep, {"id": "U1", "tz": "America/St_Johns"}, NOW)
    assert apply_profile(rep, {"id": "U1"}, NOW) and rep.tz is None
