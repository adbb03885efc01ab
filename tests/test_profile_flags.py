"""Profile flags: the owner/admin flag and the display name follow Slack, through the one
profile rule (bot.reps.apply_profile) on first sight, the nightly users.list and
user_change events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.reminders.profiles import refresh_zones
from bot.reps import DISPLAY_NAME_MAX, apply_profile, profile_is_admin, profile_name
from store.db import unit_of_work
from store.models import Rep
from tests.conftest import Clock, LiveApp
from tests.fakeslack import FakeSlack
from tests.sweeping import add_rep, make_services

NOW = datetime(2026, 11, 24, 3, 17, tzinfo=UTC)


def fresh_rep() -> Rep:
    return Rep(slack_user_id="U1", created_at=NOW, updated_at=NOW, is_admin=False)


@pytest.mark.parametrize(
    ("flags", "admin"),
    [
        ({}, False),
        ({"is_admin": True}, True),
        ({"is_owner": True}, True),
        ({"is_primary_owner": True}, True),
        ({"is_admin": False, "is_owner": False, "is_restricted": True}, False),
    ],
)
def test_owners_and_admins_are_admins(flags: dict[str, Any], admin: bool) -> None:
    assert profile_is_admin({"id": "U1", **flags}) is admin
    rep = fresh_rep()
    apply_profile(rep, {"id": "U1", **flags}, NOW)
    assert rep.is_admin is admin


@pytest.mark.parametrize(
    ("user", "name"),
    [
        ({"profile": {"display_name": "Dee", "real_name": "Dana Reyes"}, "name": "dana"}, "Dee"),
        (
            {"profile": {"display_name": "", "real_name": "Dana Reyes"}, "name": "dana"},
            "Dana Reyes",
        ),
        ({"profile": {"display_name": "  "}, "real_name": "Dana R", "name": "dana"}, "Dana R"),
        ({"profile": {}, "name": "dana"}, "dana"),
        ({"profile": {"display_name": "Dee\x00\x1b  Rey\n"}}, "Dee Rey"),
        ({"profile": "garbage", "name": "dana"}, "dana"),
        ({}, None),
    ],
)
def test_the_name_is_display_name_else_real_name_else_handle(
    user: dict[str, Any], name: str | None
) -> None:
    assert profile_name({"id": "U1", **user}) == name


def test_a_long_name_is_kept_inside_its_column() -> None:
    assert len(profile_name({"profile": {"display_name": "x" * 500}}) or "") == DISPLAY_NAME_MAX


def test_apply_profile_reports_a_change_of_flag_or_name_only() -> None:
    rep = fresh_rep()
    profile = {"id": "U1", "tz": "UTC", "is_admin": True, "profile": {"display_name": "Ada"}}
    assert apply_profile(rep, profile, NOW)
    assert (rep.is_admin, rep.display_name) == (True, "Ada")
    assert not apply_profile(rep, profile, NOW)
    assert apply_profile(rep, {**profile, "is_admin": False}, NOW) and rep.is_admin is False
    assert apply_profile(rep, {**profile, "profile": {"display_name": "Ada L"}}, NOW)
    assert rep.display_name == "Ada L"


def test_the_nightly_refresh_stores_flags_and_names(
    sqlite_database_url: str, fake_slack: FakeSlack
) -> None:
    services = make_services(sqlite_database_url, fake_slack, Clock(NOW))
    fake_slack.add_user("U1", tz="UTC", real_name="Ann Owner", is_owner=True)
    fake_slack.add_user("U2", tz="UTC", real_name="Bob Rep")
    add_rep(services, "U1", "UTC", now=NOW)
    add_rep(services, "U2", "UTC", now=NOW)
    with unit_of_work(services.sessions) as session:  # an admin flag Slack has since taken away
        session.scalars(select(Rep).where(Rep.slack_user_id == "U2")).one().is_admin = True

    report = refresh_zones(services, now=NOW)

    assert report.changed == 2
    with unit_of_work(services.sessions) as session:
        got = {r.slack_user_id: (r.is_admin, r.display_name) for r in session.scalars(select(Rep))}
    assert got == {"U1": (True, "Ann Owner"), "U2": (False, "Bob Rep")}


# --- through Slack ---------------------------------------------------------------------


def stored(live: LiveApp, user_id: str) -> Rep | None:
    with live.session() as session:
        return session.scalar(select(Rep).where(Rep.slack_user_id == user_id))


def test_first_sight_reads_the_flags_from_users_info(live: LiveApp) -> None:
    live.fake.add_user("UADA", tz="Asia/Tokyo", real_name="Ada Admin", is_admin=True)
    live.driver.command("UADA", "list")
    live.driver.command("U2", "list")
    live.wait_until(lambda: stored(live, "UADA") is not None and stored(live, "U2") is not None)
    ada, sam = stored(live, "UADA"), stored(live, "U2")
    assert ada is not None and sam is not None
    assert (ada.is_admin, ada.display_name, ada.tz) == (True, "Ada Admin", "Asia/Tokyo")
    assert (sam.is_admin, sam.display_name) == (False, "Sam Other")
    users_info = [c.params.get("user") for c in live.fake.calls_to("users.info")]
    assert sorted(users_info) == ["U2", "UADA"], "one lookup each, on first sight only"
    live.driver.command("UADA", "list")
    live.wait_until_idle()
    assert len(live.fake.calls_to("users.info")) == 2


def test_user_change_takes_the_admin_flag_away(live: LiveApp) -> None:
    live.fake.add_user("UADA", tz="UTC", real_name="Ada Admin", is_admin=True)
    live.driver.command("UADA", "list")
    live.wait_until(lambda: (r := stored(live, "UADA")) is not None and r.is_admin)
    demoted = {**live.fake.users["UADA"], "is_admin": False}
    live.driver.event({"type": "user_change", "user": demoted})
    live.wait_until(lambda: (r := stored(live, "UADA")) is not None and not r.is_admin)
