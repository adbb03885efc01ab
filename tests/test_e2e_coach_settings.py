"""End to end: a manager changes the coach settings from the App Home, over signed HTTP."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import select

from bot import ids
from bot.domain import Outcome, Situation
from bot.workspace_settings import settings_from_json
from store.models import Prospect, Rep, SettingsChange, Team, TeamManager, Workspace
from tests.conftest import LiveApp
from tests.digests import seed
from tests.fakeslack import blocks_text
from tests.slack_driver import (
    multi_static_select,
    plain_text,
    radio,
    static_select,
    timepicker,
)

LIMIT = f"{ids.IN_COACH_SETTING_PREFIX}nothing_new_limit"
CADENCE = f"{ids.IN_COACH_SETTING_PREFIX}said_no_cadence_days"


def open_home(live: LiveApp, user_id: str) -> dict[str, Any]:
    before = len(live.fake.calls_to("views.publish"))
    live.driver.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    live.fake.wait_for("views.publish", before + 1)
    return live.fake.home_views[user_id]


def make_manager(live: LiveApp, user_id: str) -> None:
    """A manager of a team (not a workspace admin): the TeamManager row is what counts."""
    open_home(live, user_id)  # the rep exists once Revive has seen them
    now = live.clock()
    with live.session() as session, session.begin():
        rep = session.scalars(select(Rep).where(Rep.slack_user_id == user_id)).one()
        team = Team(workspace_id=rep.workspace_id, name="East", created_at=now, updated_at=now)
        session.add(team)
        session.flush()
        session.add(TeamManager(team_id=team.id, rep_id=rep.id))


def open_modal(live: LiveApp, user_id: str = "U1") -> dict[str, Any]:
    home = open_home(live, user_id)
    before = len(live.fake.calls_to("views.open"))
    live.driver.block_action(
        user_id, ids.HOME_COACH_SETTINGS, view=home, block_id=ids.HOME_COACH_SETTINGS_BLOCK
    )
    return live.fake.wait_for("views.open", before + 1)[-1].params["view"]


def as_submitted(view: dict[str, Any], **typed: str) -> dict[str, Any]:
    """The opened modal's state as Slack submits it, with some fields retyped by block id."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        bid, element = block["block_id"], block["element"]
        if element["type"] == "number_input":
            entry = {"type": "number_input", "value": typed.get(bid, element["initial_value"])}
        elif element["type"] == "timepicker":
            entry = timepicker(typed.get(bid, element["initial_time"]))
        elif element["type"] == "static_select":  # a tactic pin: left as shown
            entry = static_select(element["initial_option"]["value"])
        elif element["type"] == "multi_static_select":  # switch-offs: left as shown
            entry = multi_static_select([o["value"] for o in element.get("initial_options", [])])
        else:
            entry = plain_text(typed.get(bid, element["initial_value"]))
        values[bid] = {bid: entry}
    return values


def submit(live: LiveApp, view: dict[str, Any], user_id: str = "U1", **typed: str) -> Any:
    return live.driver.view_submission(
        user_id, ids.COACH_SETTINGS_MODAL, as_submitted(view, **typed),
        private_metadata=view["private_metadata"],
    )  # fmt: skip


def save(live: LiveApp, view: dict[str, Any], user_id: str = "U1", **typed: str) -> None:
    """A submission that saves: the modal closes and the manager's Home is republished."""
    before = len(live.fake.calls_to("views.publish"))
    response = submit(live, view, user_id, **typed)
    assert response.status == 200 and not (response.json() or {}).get("response_action")
    call = live.fake.wait_for("views.publish", before + 1)[-1]
    assert call.params["user_id"] == user_id


def history_text(view: dict[str, Any]) -> str:
    """The context lines under "Recent changes", mentions as Slack receives them."""
    return "\n".join(
        e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]
    )


def stored(live: LiveApp) -> tuple[dict[str, Any], list[tuple[str, str, str | None, str | None]]]:
    with live.session() as session:
        workspace = session.scalars(select(Workspace)).one()
        rows = session.scalars(select(SettingsChange).order_by(SettingsChange.id))
        return dict(workspace.settings or {}), [
            (r.changed_by, r.key, r.old_value, r.new_value) for r in rows
        ]


def test_a_manager_changes_settings_from_the_home(live_any_db: LiveApp) -> None:
    live = live_any_db
    make_manager(live, "U1")
    home = open_home(live, "U1")
    assert "Nothing-new limit *2*" in blocks_text(home["blocks"])
    view = open_modal(live)
    assert view["callback_id"] == ids.COACH_SETTINGS_MODAL
    save(
        live, view, **{LIMIT: "3", ids.IN_DEFAULT_TZ: "Europe/Lisbon",
                       ids.IN_DEFAULT_REMINDER_TIME: "08:30"},
    )  # fmt: skip
    assert "Nothing-new limit *3*" in blocks_text(live.fake.home_views["U1"]["blocks"])
    overrides, changes = stored(live)
    assert overrides == {
        "coach": {"nothing_new_limit": 3}, "default_tz": "Europe/Lisbon",
        "reminder_time": "08:30",
    }  # fmt: skip
    assert settings_from_json(overrides).reminder_time == time(8, 30)
    assert changes == [
        ("U1", "nothing_new_limit", "2", "3"),
        ("U1", "default_tz", "UTC", "Europe/Lisbon"),
        ("U1", "reminder_time", "09:00", "08:30"),
    ]
    again = open_modal(live)
    assert "<@U1> changed Nothing-new limit 2 → 3 on Nov 24" in history_text(again)
    limit = next(b for b in again["blocks"] if b.get("block_id") == LIMIT)
    assert limit["element"]["initial_value"] == "3"
    assert live.fake.validation_errors == []


def test_bad_values_get_inline_errors_and_nothing_is_written(live: LiveApp) -> None:
    make_manager(live, "U1")
    view = open_modal(live)
    publishes = len(live.fake.calls_to("views.publish"))
    bad = {LIMIT: "0", CADENCE: "abc", ids.IN_DEFAULT_TZ: "Mars/Base",
           ids.IN_DEFAULT_REMINDER_TIME: "25:00"}  # fmt: skip
    body = submit(live, view, **bad).json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == set(bad) and all(body["errors"].values())
    lead, term = f"{ids.IN_COACH_SETTING_PREFIX}contract_lead_days", "coach:contract_term_days"
    body = submit(live, view, **{lead: "200", term: "100"}).json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {lead}
    live.wait_until_idle()
    assert stored(live) == ({}, [])
    assert len(live.fake.calls_to("views.publish")) == publishes
    assert live.fake.validation_errors == []


def test_a_rep_is_refused_and_nothing_changes(live: LiveApp) -> None:
    make_manager(live, "U1")
    view = open_modal(live)
    home = open_home(live, "U2")
    assert "Coach settings" not in blocks_text(home["blocks"])
    opened = len(live.fake.calls_to("views.open"))
    # A forged click and a forged submission: the same refusal, by DM, and nothing saved.
    live.driver.block_action(
        "U2", ids.HOME_COACH_SETTINGS, view=home, block_id=ids.HOME_COACH_SETTINGS_BLOCK
    )
    response = submit(live, view, "U2", **{LIMIT: "5"})
    assert response.status == 200 and not (response.json() or {}).get("response_action")
    live.fake.wait_for("chat.postMessage", 2)
    live.wait_until_idle()
    refusals = [m.text for m in live.fake.messages("U2")]
    assert len(refusals) == 2 and all("Only a team's managers" in t for t in refusals)
    assert len(live.fake.calls_to("views.open")) == opened
    assert stored(live) == ({}, [])


def test_two_managers_editing_different_settings_keep_both(live_any_db: LiveApp) -> None:
    live = live_any_db
    make_manager(live, "U1")
    first = open_modal(live)
    second = open_modal(live)
    save(live, second, **{LIMIT: "4"})
    save(live, first, **{CADENCE: "45"})  # opened before the limit changed
    overrides, changes = stored(live)
    assert overrides == {"coach": {"nothing_new_limit": 4, "said_no_cadence_days": 45}}
    assert [key for _, key, _, _ in changes] == ["nothing_new_limit", "said_no_cadence_days"]


def test_the_new_limit_changes_what_a_rep_is_asked(live: LiveApp) -> None:
    make_manager(live, "U1")
    save(live, open_modal(live), **{LIMIT: "1"})
    pid = seed(live, "Dana Reyes", "Acme Corp", user_id="U2", situation=Situation.SAID_NO)
    with live.session() as session:
        version = session.get_one(Prospect, pid).version
    meta = ids.encode_meta(ids.ModalMeta(prospect_id=pid, version=version, tactic_id="new_ideas"))
    values = {ids.IN_OUTCOME: {ids.OUTCOME_SELECT: radio(Outcome.NOTHING_NEW.value)}}
    live.driver.view_submission("U2", ids.OUTCOME_MODAL, values, private_metadata=meta)
    live.fake.wait_for("chat.postMessage")
    [card] = live.fake.messages("U2")
    actions = [e["action_id"] for b in card.blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids.DECIDE_KEEP_GOING in actions  # one blank conversation was enough
