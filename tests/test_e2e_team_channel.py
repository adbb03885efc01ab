"""End to end: a team's report channel set from the Teams modal over signed HTTP, then the
next Monday's sweep posting the weekly report there; a channel Slack does not know, or one
Revive is not in, is an inline error with nothing written; only admins may set it. On SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot import ids
from bot.reminders.sweep import sweep
from bot.services import Services
from store.models import Team
from tests.conftest import LiveApp
from tests.fakeslack import blocks_text
from tests.slack_driver import plain_text
from tests.sweeping import FAST, FakeSleep

MONDAY_MORNING = datetime(2026, 11, 30, 9, 1, tzinfo=UTC)  # the live clock is Tuesday 24th
REFUSAL = "Only a Slack workspace owner or admin"


@pytest.fixture
def office(live_any_db: LiveApp) -> LiveApp:
    live = live_any_db
    live.fake.add_user("UADA", tz="UTC", real_name="Ada Admin", is_admin=True)
    live.fake.add_user("UMAX", tz="UTC", real_name="Max Manager")
    live.fake.add_channel("C0NORTH", name="north-team")
    live.fake.add_channel("C0OUT", name="general", member=False)
    return live


def values(name: str, managers: list[str], reps: list[str], channel: str | None) -> dict:
    chosen: dict[str, Any] = {"type": "conversations_select"}
    if channel is not None:
        chosen["selected_conversation"] = channel
    return {
        ids.IN_TEAM_NAME: {ids.IN_TEAM_NAME: plain_text(name)},
        ids.IN_TEAM_MANAGERS: {ids.IN_TEAM_MANAGERS: {
            "type": "multi_users_select", "selected_users": managers}},
        ids.IN_TEAM_REPS: {ids.IN_TEAM_REPS: {
            "type": "multi_users_select", "selected_users": reps}},
        ids.IN_TEAM_CHANNEL: {ids.IN_TEAM_CHANNEL: chosen},
    }  # fmt: skip


def channels(live: LiveApp) -> dict[str, str | None]:
    with live.session() as session:
        return {t.name: t.report_channel for t in session.scalars(select(Team))}


def submit(live: LiveApp, user_id: str, form: dict, team_id: int | None = None) -> Any:
    meta = ids.encode_meta(ids.ModalMeta(team_id=team_id)) if team_id else ""
    return live.driver.view_submission(user_id, ids.TEAM_MODAL, form, private_metadata=meta)


def run_sweep(live: LiveApp, at: datetime) -> Any:
    live.clock.set(at)
    services = Services(settings=live.settings, sessions=live.sessions, clock=live.clock)
    return sweep(services, at, options=FAST, sleep=FakeSleep())


def reports_in(live: LiveApp, conversation: str) -> list[Any]:
    return [m for m in live.fake.messages(conversation)
            if (m.metadata or {}).get("event_type") == ids.WEEKLY_REPORT_EVENT_TYPE]  # fmt: skip


def test_a_channel_set_in_the_modal_gets_the_next_mondays_report(office: LiveApp) -> None:
    live = office
    response = submit(live, "UADA", values("North", ["UMAX"], ["U1"], "C0NORTH"))
    assert response.status == 200 and not response.body, response.text
    assert channels(live) == {"North": "C0NORTH"}
    asked = [c.params["channel"] for c in live.fake.calls_to("conversations.info")]
    assert asked == ["C0NORTH"]
    live.wait_until_idle()

    # Edit shows it picked; the Home's Edit button opens the modal with it.
    with live.session() as session:
        north_id = session.scalars(select(Team.id)).one()
    live.driver.block_action("UADA", ids.HOME_TEAM_EDIT, ids.encode_team_value(north_id),
                             view=live.fake.home_views["UADA"])  # fmt: skip
    (opened,) = live.fake.wait_for("views.open")
    picked = [b["element"] for b in opened.params["view"]["blocks"]
              if b.get("block_id") == ids.IN_TEAM_CHANNEL]  # fmt: skip
    assert picked[0]["initial_conversation"] == "C0NORTH"

    report = run_sweep(live, MONDAY_MORNING)

    [summary] = reports_in(live, "C0NORTH")
    assert "North" in blocks_text(summary.blocks)
    assert summary.metadata["event_payload"]["part"] == "C0NORTH"
    charts = [f for f in live.fake.files.values() if f.channels == ["C0NORTH"]]
    assert len(charts) == 1 and charts[0].filename.startswith("revive-north-2026-W48")
    assert reports_in(live, "UMAX") == [], "the team's report is in its channel, not a DM"
    assert report.failed == 0
    calls = len(live.fake.calls)
    run_sweep(live, MONDAY_MORNING.replace(minute=40))
    assert len(live.fake.calls) == calls and len(reports_in(live, "C0NORTH")) == 1

    # Cleared: back to the managers' DMs.
    response = submit(live, "UADA", values("North", ["UMAX"], ["U1"], None), north_id)
    assert response.status == 200 and not response.body
    assert channels(live) == {"North": None}
    live.wait_until_idle()


@pytest.mark.parametrize(
    ("channel", "words"),
    [
        ("C0GHOST", "Slack knows no channel C0GHOST"),
        ("C0OUT", "Revive is not in #general yet: type /invite @Revive"),
        ("D0DIRECT", "is not a Slack channel id"),
    ],
)
def test_a_channel_revive_cannot_post_in_is_an_inline_error_and_nothing_is_written(
    office: LiveApp, channel: str, words: str
) -> None:
    live = office
    body = submit(live, "UADA", values("North", ["UMAX"], ["U1"], channel)).json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [ids.IN_TEAM_CHANNEL] and words in body["errors"][
        ids.IN_TEAM_CHANNEL], body  # fmt: skip
    assert channels(live) == {}

    assert submit(live, "UADA", values("North", ["UMAX"], ["U1"], "C0NORTH")).status == 200
    live.wait_until_idle()
    with live.session() as session:
        north_id = session.scalars(select(Team.id)).one()
    body = submit(live, "UADA", values("North", ["UMAX"], [], channel), north_id).json()
    assert body["response_action"] == "errors"
    live.wait_until_idle()
    assert channels(live) == {"North": "C0NORTH"}, "the stored channel stays"
    with live.session() as session:
        north = session.get(Team, north_id)
        assert north is not None and north.name == "North"


def test_a_non_admin_cannot_set_a_report_channel(office: LiveApp) -> None:
    live = office
    assert submit(live, "UADA", values("North", ["UMAX"], ["U1"], None)).status == 200
    live.wait_until_idle()
    with live.session() as session:
        north_id = session.scalars(select(Team.id)).one()
    for user_id in ("UMAX", "U1"):  # the team's manager, a rep
        response = submit(live, user_id, values("North", ["UMAX"], ["U1"], "C0NORTH"), north_id)
        assert response.status == 200
        live.wait_until(lambda u=user_id: any(
            REFUSAL in m.text for m in live.fake.messages(u)))  # fmt: skip
    live.wait_until_idle()
    assert channels(live) == {"North": None}
    assert live.fake.calls_to("conversations.info") == [], "refused before asking Slack"
