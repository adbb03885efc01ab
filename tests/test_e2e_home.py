"""End to end: the App Home tab, the Settings modal and time zone changes, over signed HTTP."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import func, select

from bot import ids
from bot.domain import Outcome, Situation, WalkAwayReason
from bot.reps import RepContext, rep_context
from bot.slack_client import make_client
from bot.usecases.adding import NewProspect, add_prospect
from bot.usecases.outcomes import OutcomeInput, log_outcome
from store.db import unit_of_work
from store.models import Rep, Workspace
from tests.conftest import LiveApp
from tests.fakeslack import blocks_text
from tests.slack_driver import checkboxes, datepicker, timepicker

TODAY = date(2026, 11, 24)  # the clock's Tuesday, in New York


def rep_ctx(live: LiveApp, session: Any, user_id: str = "U1") -> RepContext:
    client = make_client(live.settings.slack_bot_token, live.settings.slack_api_url)
    return rep_context(session, team_id="T1", user_id=user_id, now=live.clock(), client=client)


def seed(
    live: LiveApp,
    name: str,
    company: str = "Acme",
    *,
    due_on: date | None = None,
    outcome: Outcome | None = None,
) -> int:
    """A prospect of U1's, optionally due on a given day or with one logged outcome."""
    now = live.clock()
    with unit_of_work(live.sessions) as session:
        ctx = rep_ctx(live, session)
        new = NewProspect(name=name, company=company, situation=Situation.WENT_QUIET)
        prospect = add_prospect(session, ctx, new, now=now).prospect
        if due_on is not None:
            prospect.next_touch_on = due_on
        session.flush()
        if outcome is not None:
            given = OutcomeInput(
                prospect_id=prospect.id,
                version=prospect.version,
                outcome=outcome,
                tactic_id="real_reason",
                learned="budget moved to Q2" if outcome is Outcome.LEARNED else None,
                walk_reason=(
                    WalkAwayReason.UNREACHABLE if outcome is Outcome.WALKED_AWAY else None
                ),
            )
            log_outcome(session, ctx, given, now=now)
        return prospect.id


def open_home(live: LiveApp, user_id: str = "U1", publishes: int = 1) -> dict[str, Any]:
    live.driver.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    live.fake.wait_for(
        "views.publish", publishes, predicate=lambda c: c.params.get("user_id") == user_id
    )
    # The view is published after the request's transaction commits: the rep row is there.
    assert stored_rep(live, user_id) is not None
    return live.fake.home_views[user_id]


def stored_rep(live: LiveApp, user_id: str = "U1") -> Rep | None:
    with live.session() as session:
        return session.scalar(select(Rep).where(Rep.slack_user_id == user_id))


def settings_values(
    at: str | None = "07:30", days: list[str] | None = None, pause: str | None = None
) -> dict[str, Any]:
    return {
        ids.IN_REMINDER_TIME: {ids.IN_REMINDER_TIME: timepicker(at)},
        ids.IN_WORKDAYS: {
            ids.IN_WORKDAYS: checkboxes(["0", "1", "2", "3"] if days is None else days)
        },
        ids.IN_PAUSED_UNTIL: {ids.IN_PAUSED_UNTIL: datepicker(pause)},
    }


def test_home_shows_every_section_with_the_reps_data(live_any_db: LiveApp) -> None:
    live = live_any_db
    seed(live, "Dana Reyes", "Acme Corp", due_on=TODAY)
    seed(live, "Lee Park", "Initech", due_on=TODAY + timedelta(days=5))
    seed(live, "Kim Fox", "Globex", outcome=Outcome.WALKED_AWAY)
    seed(live, "Ana Gil", "Umbrella", outcome=Outcome.LEARNED)
    seed(live, "Bo Chan", "Hooli", outcome=Outcome.NO_REPLY)

    view = open_home(live)
    text = blocks_text(view["blocks"])
    for expected in (
        "Due today (1)",
        "Dana Reyes (Acme Corp)",
        "Next 14 days",
        "Lee Park (Initech)",
        "Sun Nov 29",
        "Recently walked away",
        "Kim Fox (Globex) — unreachable on Nov 24",
        "Your numbers this month",
        "*Contacts*\n2",
        "50%",  # one of the two contacts taught something new
        "*Walked away*\n1",
        "09:00",
        "Mon–Fri",
        "America/New_York",
        "not paused",
    ):
        assert expected in text, expected
    buttons = [
        e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [ids.HOME_ADD, ids.HOME_SETTINGS]
    assert live.fake.validation_errors == []


def test_a_new_rep_sees_how_to_start(live: LiveApp) -> None:
    text = blocks_text(open_home(live, "U2")["blocks"])
    assert "/revive add" in text
    assert "Europe/Paris" in text  # the zone came from Slack on first sight
    assert live.fake.validation_errors == []


def test_the_messages_tab_publishes_nothing(live: LiveApp) -> None:
    response = live.driver.event({"type": "app_home_opened", "user": "U1", "tab": "messages"})
    assert response.status == 200
    open_home(live)
    live.wait_until_idle()  # a wrongly handled messages event would have published by now
    assert len(live.fake.calls_to("views.publish")) == 1
    assert live.fake.validation_errors == []


def test_hostile_names_are_escaped_on_the_home_tab(live: LiveApp) -> None:
    seed(live, "<!channel> Eve", "<@U999> Inc", due_on=TODAY)
    view = open_home(live)
    text = blocks_text(view["blocks"])
    assert "<!channel>" not in text and "<@U999>" not in text
    assert "&lt;!channel&gt; Eve" in text
    assert live.fake.validation_errors == []


def test_settings_button_opens_the_prefilled_modal(live: LiveApp) -> None:
    home = open_home(live)
    live.driver.block_action("U1", ids.HOME_SETTINGS, view=home, block_id="home_actions")
    (call,) = live.fake.wait_for("views.open")
    view = call.params["view"]
    assert view["callback_id"] == ids.SETTINGS_MODAL
    text = blocks_text(view["blocks"])
    assert "America/New_York" in text
    by_block = {b.get("block_id"): b for b in view["blocks"]}
    assert by_block[ids.IN_REMINDER_TIME]["element"]["initial_time"] == "09:00"
    chosen = [o["value"] for o in by_block[ids.IN_WORKDAYS]["element"]["initial_options"]]
    assert chosen == ["0", "1", "2", "3", "4"]
    assert live.fake.validation_errors == []


def test_valid_settings_are_saved_and_the_home_republished(live: LiveApp) -> None:
    open_home(live)
    response = live.driver.view_submission(
        "U1", ids.SETTINGS_MODAL, settings_values(pause="2026-12-31")
    )
    assert response.status == 200
    assert not (response.json() or {}).get("response_action")
    home = open_home_after_submit(live)
    rep = stored_rep(live)
    assert rep is not None
    assert rep.reminder_time == time(7, 30)
    assert rep.workdays == "0,1,2,3"
    assert rep.paused_until == date(2026, 12, 31)
    text = blocks_text(home["blocks"])
    assert "07:30" in text and "Mon–Thu" in text and "until Thu Dec 31, 2026" in text
    assert live.fake.validation_errors == []


def open_home_after_submit(live: LiveApp) -> dict[str, Any]:
    live.fake.wait_for("views.publish", 2)
    return live.fake.home_views["U1"]


def test_keeping_the_default_time_stores_no_override(live: LiveApp) -> None:
    open_home(live)
    live.driver.view_submission("U1", ids.SETTINGS_MODAL, settings_values(at="09:00"))
    open_home_after_submit(live)
    rep = stored_rep(live)
    assert rep is not None and rep.reminder_time is None and rep.workdays == "0,1,2,3"
    assert live.fake.validation_errors == []


def test_invalid_settings_get_inline_errors_and_write_nothing(live: LiveApp) -> None:
    open_home(live)
    before = stored_rep(live)
    assert before is not None
    cases = [
        (settings_values(days=[]), {ids.IN_WORKDAYS}),
        (settings_values(pause="2026-11-23"), {ids.IN_PAUSED_UNTIL}),
        (settings_values(at=None), {ids.IN_REMINDER_TIME}),
        (
            settings_values(at="9am", days=[], pause="2020-01-01"),
            {ids.IN_REMINDER_TIME, ids.IN_WORKDAYS, ids.IN_PAUSED_UNTIL},
        ),
    ]
    for values, fields in cases:
        response = live.driver.view_submission("U1", ids.SETTINGS_MODAL, values)
        body = response.json()
        assert body["response_action"] == "errors"
        assert set(body["errors"]) == fields
        assert all(body["errors"].values())
    after = stored_rep(live)
    assert after is not None
    assert (after.reminder_time, after.workdays, after.paused_until, after.updated_at) == (
        before.reminder_time,
        before.workdays,
        before.paused_until,
        before.updated_at,
    )
    live.wait_until_idle()
    assert len(live.fake.calls_to("views.publish")) == 1  # only the first opening
    assert live.fake.validation_errors == []


def user_change(user_id: str, tz: str | None, team_id: str = "T1") -> dict[str, Any]:
    return {
        "type": "user_change",
        "user": {"id": user_id, "team_id": team_id, "tz": tz, "tz_offset": -99999},
    }


def test_user_change_follows_the_new_zone(live_any_db: LiveApp) -> None:
    live = live_any_db
    open_home(live)
    live.driver.event(user_change("U1", "Asia/Kolkata"))
    live.wait_until(lambda: (r := stored_rep(live)) is not None and r.tz == "Asia/Kolkata")
    assert live.fake.validation_errors == []


def test_user_change_ignores_bad_zones_and_unknown_users(live: LiveApp) -> None:
    open_home(live)
    live.driver.event(user_change("U1", "Mars/Olympus_Mons"))
    live.driver.event(user_change("U1", None))
    live.driver.event(user_change("U404", "Europe/Paris"))
    live.driver.event(user_change("U1", "Europe/Berlin", team_id="T9"), team_id="T9")
    # A valid change last: once it lands, the earlier events have had their turn too.
    live.driver.event(user_change("U1", "Asia/Tokyo"))
    live.wait_until(lambda: (r := stored_rep(live)) is not None and r.tz == "Asia/Tokyo")
    live.wait_until_idle()
    with live.session() as session:
        assert session.scalar(select(func.count()).select_from(Rep)) == 1
        assert session.scalar(select(func.count()).select_from(Workspace)) == 1
    rep = stored_rep(live)
    assert rep is not None and rep.tz == "Asia/Tokyo"
    assert live.fake.validation_errors == []


def test_a_slow_home_publish_holds_no_database_connection(live: LiveApp) -> None:
    # SQLite serves one unit of work at a time: a Slack call made inside one would make
    # every other rep's request wait for Slack.
    seed(live, "Dana Reyes", "Acme Corp", due_on=TODAY)
    live.fake.delay("views.publish", 2.0)
    live.driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    live.fake.wait_for_arrival("views.publish")  # the listener now waits on a slow Slack
    answer = live.driver.command("U2", "list").json()
    assert live.fake.calls_to("views.publish") == [], "list answered while Slack was slow"
    assert "dormant prospects" in answer["text"]
    live.fake.wait_for("views.publish")


def test_user_change_deactivates_a_deleted_account_and_restores_it(live: LiveApp) -> None:
    open_home(live)
    deleted = user_change("U1", "America/New_York")
    deleted["user"]["deleted"] = True
    live.driver.event(deleted)
    live.wait_until(lambda: (r := stored_rep(live)) is not None and r.deactivated_at is not None)
    live.driver.event(user_change("U1", "Europe/Lisbon"))
    live.wait_until(
        lambda: (r := stored_rep(live)) is not None
        and r.deactivated_at is None
        and r.tz == "Europe/Lisbon"
    )
