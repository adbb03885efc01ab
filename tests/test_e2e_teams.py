"""End to end: teams from the App Home, over signed HTTP against the fake Slack.

An admin (users.info says is_admin) creates, edits and deletes teams from the Home's
modal; anyone else who forges the clicks is refused with nothing written; each manager
sees their own teams only."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import ids
from bot.team.teams import REPS_MAX
from bot.usecases import home
from store.db import unit_of_work
from store.models import Rep, Team, TeamManager
from store.repo import ensure_workspace
from tests.conftest import LiveApp
from tests.fakeslack import blocks_text
from tests.slack_driver import checkboxes, plain_text

REFUSAL = "Only a Slack workspace owner or admin"


@pytest.fixture
def people(live: LiveApp) -> LiveApp:
    live.fake.add_user("UADA", tz="UTC", real_name="Ada Admin", is_admin=True)
    live.fake.add_user("UOWN", tz="UTC", real_name="Olga Owner", is_owner=True)
    live.fake.add_user("UMAX", tz="UTC", real_name="Max Manager")
    live.fake.add_user("UNED", tz="UTC", real_name="Ned New")
    return live


def users(selected: list[str]) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": selected}


def team_values(
    name: str | None, managers: list[str], reps: list[str], *, delete: bool = False
) -> dict[str, Any]:
    values = {
        ids.IN_TEAM_NAME: {ids.IN_TEAM_NAME: plain_text(name)},
        ids.IN_TEAM_MANAGERS: {ids.IN_TEAM_MANAGERS: users(managers)},
        ids.IN_TEAM_REPS: {ids.IN_TEAM_REPS: users(reps)},
    }
    if delete:
        values[ids.IN_TEAM_DELETE] = {ids.IN_TEAM_DELETE: checkboxes(["delete"])}
    return values


def open_home(live: LiveApp, user_id: str) -> dict[str, Any]:
    before = len(publishes(live, user_id))
    live.driver.event({"type": "app_home_opened", "user": user_id, "tab": "home"})
    live.fake.wait_for("views.publish", before + 1, predicate=for_user(user_id))
    return live.fake.home_views[user_id]


def publishes(live: LiveApp, user_id: str) -> list[Any]:
    return [c for c in live.fake.calls_to("views.publish") if for_user(user_id)(c)]


def for_user(user_id: str) -> Any:
    return lambda call: call.params.get("user_id") == user_id


def buttons(view: dict[str, Any]) -> list[str]:
    found = []
    for block in view["blocks"]:
        if block["type"] == "actions":
            found += [e["action_id"] for e in block["elements"]]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"]["action_id"])
    return found


def edit_value(view: dict[str, Any], team: str) -> str:
    for block in view["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == ids.HOME_TEAM_EDIT and f"*{team}*" in str(block):
            return accessory["value"]
    raise AssertionError(f"no Edit button for {team}")


def teams_in_db(live: LiveApp) -> dict[str, tuple[list[str], list[str]]]:
    with live.session() as session:
        found = {}
        for team in session.scalars(select(Team).order_by(Team.name)):
            managers = session.scalars(
                select(Rep.slack_user_id)
                .join(TeamManager, TeamManager.rep_id == Rep.id)
                .where(TeamManager.team_id == team.id)
                .order_by(Rep.slack_user_id)
            )
            reps = session.scalars(
                select(Rep.slack_user_id).where(Rep.team_id == team.id).order_by(Rep.slack_user_id)
            )
            found[team.name] = (list(managers), list(reps))
        return found


def create(live: LiveApp, name: str, managers: list[str], reps: list[str]) -> None:
    """An admin's submission, as Slack sends it, and the Home it redraws."""
    before = len(publishes(live, "UADA"))
    response = live.driver.view_submission(
        "UADA", ids.TEAM_MODAL, team_values(name, managers, reps)
    )
    assert response.status == 200 and not response.body, response.text
    live.fake.wait_for("views.publish", before + 1, predicate=for_user("UADA"))


def dm_texts(live: LiveApp, user_id: str) -> list[str]:
    return [m.text for m in live.fake.messages(user_id)]


def test_an_admin_creates_a_team_from_the_home_and_the_home_shows_it(people: LiveApp) -> None:
    live = people
    open_home(live, "U1")  # Riley has used Revive: Slack is not asked about them again
    home = open_home(live, "UADA")
    text = blocks_text(home["blocks"])
    assert "Teams" in text and "No teams yet" in text
    assert ids.HOME_TEAM_NEW in buttons(home)

    live.driver.block_action("UADA", ids.HOME_TEAM_NEW, view=home, block_id="home_teams")
    (opened,) = live.fake.wait_for("views.open")
    modal = opened.params["view"]
    assert modal["callback_id"] == ids.TEAM_MODAL
    kinds = {b.get("block_id"): b["element"]["type"] for b in modal["blocks"] if "element" in b}
    assert kinds == {
        ids.IN_TEAM_NAME: "plain_text_input",
        ids.IN_TEAM_MANAGERS: "multi_users_select",
        ids.IN_TEAM_REPS: "multi_users_select",
        ids.IN_TEAM_CHANNEL: "conversations_select",
    }

    live.fake.calls.clear()
    response = live.driver.view_submission(
        "UADA", ids.TEAM_MODAL, team_values("East Coast", ["UMAX"], ["U1", "UNED"])
    )
    assert response.status == 200 and not response.body  # the modal closes
    live.fake.wait_for("views.publish", predicate=for_user("UADA"))
    assert teams_in_db(live) == {"East Coast": (["UMAX"], ["U1", "UNED"])}
    home = live.fake.home_views["UADA"]
    text = blocks_text(home["blocks"])
    assert "*East Coast*" in text
    assert "Managers: <@UMAX>" in text and "<@U1>" in text and "<@UNED>" in text
    assert ids.HOME_TEAM_EDIT in buttons(home)
    # Max and Ned were new to Revive: looked up once, their names stored.
    looked_up = sorted(c.params["user"] for c in live.fake.calls_to("users.info"))
    assert looked_up == ["UADA", "UMAX", "UNED"]  # the clicker's role, and the new people
    with live.session() as session:
        ned = session.scalar(select(Rep).where(Rep.slack_user_id == "UNED"))
        assert ned is not None and ned.display_name == "Ned New" and ned.tz_checked_at
    assert live.fake.validation_errors == []


def test_an_owner_counts_as_an_admin(people: LiveApp) -> None:
    live = people
    open_home(live, "UOWN")
    response = live.driver.view_submission(
        "UOWN", ids.TEAM_MODAL, team_values("West", ["UOWN"], [])
    )
    assert response.status == 200 and not response.body
    live.fake.wait_for("views.publish", 2, predicate=for_user("UOWN"))
    assert teams_in_db(live) == {"West": (["UOWN"], [])}


def test_bad_input_gets_inline_errors_and_writes_nothing(people: LiveApp) -> None:
    live = people
    open_home(live, "UADA")
    cases = [
        (team_values("East", [], ["U1"]), ids.IN_TEAM_MANAGERS, "at least one manager"),
        (team_values("  ", ["UMAX"], []), ids.IN_TEAM_NAME, "name"),
        (team_values("x" * 81, ["UMAX"], []), ids.IN_TEAM_NAME, "at most 80"),
        (team_values("East", ["UMAX"], ["UGHOST"]), ids.IN_TEAM_REPS, "knows no user UGHOST"),
        (team_values("East", ["UMAX"], ["bogus"]), ids.IN_TEAM_REPS, "not a Slack user id"),
        (
            team_values("East", ["UMAX"], [f"U{n:04d}" for n in range(REPS_MAX + 1)]),
            ids.IN_TEAM_REPS,
            "at most",
        ),
    ]
    for values, block, words in cases:
        body = live.driver.view_submission("UADA", ids.TEAM_MODAL, values).json()
        assert body["response_action"] == "errors"
        assert list(body["errors"]) == [block] and words in body["errors"][block], body
    live.wait_until_idle()
    assert teams_in_db(live) == {}
    assert len(publishes(live, "UADA")) == 1  # only the first opening
    with live.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Rep).where(Rep.slack_user_id == "UGHOST")
            )
            == 0
        )


def test_a_non_admin_forging_the_submission_is_refused_and_nothing_is_written(
    people: LiveApp,
) -> None:
    live = people
    create(live, "East", ["UMAX"], ["U1"])
    live.fake.calls.clear()
    for user_id in ("UMAX", "U1"):  # a manager, a rep
        response = live.driver.view_submission(
            user_id, ids.TEAM_MODAL, team_values("Mine", [user_id], ["U2", "UNED"])
        )
        assert response.status == 200
        live.wait_until(lambda u=user_id: any(REFUSAL in t for t in dm_texts(live, u)))
    # Editing East by forging its id in the metadata: refused the same way.
    with live.session() as session:
        east_id = session.scalars(select(Team.id)).one()
    live.driver.view_submission(
        "UMAX",
        ids.TEAM_MODAL,
        team_values("East", ["UMAX"], ["U1", "U2"], delete=True),
        private_metadata=ids.encode_meta(ids.ModalMeta(team_id=east_id)),
    )
    live.wait_until(lambda: sum(REFUSAL in t for t in dm_texts(live, "UMAX")) == 2)
    live.wait_until_idle()
    assert teams_in_db(live) == {"East": (["UMAX"], ["U1"])}
    with live.session() as session:
        assert session.scalar(select(Rep).where(Rep.slack_user_id == "UNED")) is None
    # Refused on the clicker's role alone: nobody picked was looked up.
    assert {c.params["user"] for c in live.fake.calls_to("users.info")} == {"UMAX", "U1"}
    assert live.fake.calls_to("views.publish") == []


def test_a_non_admin_clicking_new_team_or_edit_gets_a_refusal_and_no_modal(
    people: LiveApp,
) -> None:
    live = people
    create(live, "East", ["UMAX"], ["U1"])
    home = open_home(live, "UMAX")
    assert ids.HOME_TEAM_NEW not in buttons(home) and ids.HOME_TEAM_EDIT not in buttons(home)
    admin_home = live.fake.home_views["UADA"]
    live.driver.block_action("UMAX", ids.HOME_TEAM_NEW, view=home, block_id="home_teams")
    live.driver.block_action("UMAX", ids.HOME_TEAM_EDIT, edit_value(admin_home, "East"), view=home)
    live.wait_until(lambda: sum(REFUSAL in t for t in dm_texts(live, "UMAX")) == 2)
    live.wait_until_idle()
    assert live.fake.calls_to("views.open") == []


def test_an_admin_demoted_in_slack_is_refused_at_once(people: LiveApp) -> None:
    live = people
    create(live, "East", ["UMAX"], ["U1"])
    live.fake.users["UADA"]["is_admin"] = False  # no user_change has arrived yet
    response = live.driver.view_submission(
        "UADA", ids.TEAM_MODAL, team_values("West", ["UADA"], [])
    )
    assert response.status == 200
    live.wait_until(lambda: any(REFUSAL in t for t in dm_texts(live, "UADA")))
    assert teams_in_db(live) == {"East": (["UMAX"], ["U1"])}


def test_edit_renames_moves_and_deletes(people: LiveApp) -> None:
    live = people
    create(live, "East", ["UMAX"], ["U1", "U2"])
    create(live, "West", ["UADA"], ["UNED"])
    home = live.fake.home_views["UADA"]
    live.driver.block_action("UADA", ids.HOME_TEAM_EDIT, edit_value(home, "East"), view=home)
    (opened,) = live.fake.wait_for("views.open")
    modal = opened.params["view"]
    elements = {b.get("block_id"): b.get("element", {}) for b in modal["blocks"]}
    assert elements[ids.IN_TEAM_NAME]["initial_value"] == "East"
    assert elements[ids.IN_TEAM_MANAGERS]["initial_users"] == ["UMAX"]
    assert sorted(elements[ids.IN_TEAM_REPS]["initial_users"]) == ["U1", "U2"]
    assert ids.IN_TEAM_DELETE in elements
    meta = modal["private_metadata"]

    before = len(publishes(live, "UADA"))
    live.driver.view_submission(
        "UADA", ids.TEAM_MODAL, team_values("North", ["UMAX", "UADA"], ["U1", "UNED"]),
        private_metadata=meta,
    )  # fmt: skip
    live.fake.wait_for("views.publish", before + 1, predicate=for_user("UADA"))
    assert teams_in_db(live) == {
        "North": (["UADA", "UMAX"], ["U1", "UNED"]),
        "West": (["UADA"], []),
    }
    body = live.driver.view_submission(
        "UADA", ids.TEAM_MODAL, team_values("west", ["UMAX"], []), private_metadata=meta
    ).json()
    assert body["errors"][ids.IN_TEAM_NAME] == "Another team is already called West."

    live.driver.view_submission(
        "UADA", ids.TEAM_MODAL, team_values("North", ["UMAX"], [], delete=True),
        private_metadata=meta,
    )  # fmt: skip
    live.fake.wait_for("views.publish", before + 2, predicate=for_user("UADA"))
    assert teams_in_db(live) == {"West": (["UADA"], [])}
    assert "North" not in blocks_text(live.fake.home_views["UADA"]["blocks"])
    with live.session() as session:
        assert (
            session.scalar(select(func.count()).select_from(Rep).where(Rep.team_id.is_(None))) >= 4
        )
    assert live.fake.validation_errors == []


def test_each_manager_sees_their_own_teams_and_a_rep_sees_none(people: LiveApp) -> None:
    live = people
    live.fake.add_user("UWES", tz="UTC", real_name="Wes West")
    create(live, "East", ["UMAX"], ["U1"])
    create(live, "West", ["UWES"], ["U2"])
    max_text = blocks_text(open_home(live, "UMAX")["blocks"])
    assert "*East*" in max_text and "<@U1>" in max_text
    assert "West" not in max_text and "<@U2>" not in max_text
    wes_text = blocks_text(open_home(live, "UWES")["blocks"])
    assert "*West*" in wes_text and "East" not in wes_text
    rep_home = open_home(live, "U1")
    assert "Teams" not in blocks_text(rep_home["blocks"])
    assert not {ids.HOME_TEAM_NEW, ids.HOME_TEAM_EDIT} & set(buttons(rep_home))
    admin_text = blocks_text(live.fake.home_views["UADA"]["blocks"])
    assert "*East*" in admin_text and "*West*" in admin_text
    assert live.fake.validation_errors == []


def test_another_workspaces_team_cannot_be_edited_by_id(people: LiveApp) -> None:
    live = people
    create(live, "East", ["UMAX"], ["U1"])
    now = live.clock()
    with unit_of_work(live.sessions) as session:
        other = ensure_workspace(session, team_id="T2", now=now)
        theirs = Team(workspace_id=other.id, name="Theirs", created_at=now, updated_at=now)
        session.add(theirs)
        session.flush()
        their_id = theirs.id
    home = live.fake.home_views["UADA"]
    live.driver.block_action("UADA", ids.HOME_TEAM_EDIT, ids.encode_team_value(their_id), view=home)
    live.driver.view_submission(
        "UADA", ids.TEAM_MODAL, team_values("Mine now", ["UADA"], ["U1"], delete=True),
        private_metadata=ids.encode_meta(ids.ModalMeta(team_id=their_id)),
    )  # fmt: skip
    live.wait_until(lambda: sum("no longer exists" in t for t in dm_texts(live, "UADA")) == 2)
    live.driver.block_action("UADA", ids.HOME_TEAM_EDIT, "1; DROP TABLE teams", view=home)
    live.wait_until(lambda: any("older Home tab" in t for t in dm_texts(live, "UADA")))
    live.wait_until_idle()
    assert live.fake.calls_to("views.open") == []
    with live.session() as session:
        assert session.get(Team, their_id) is not None
    assert teams_in_db(live)["East"] == (["UMAX"], ["U1"])


def test_the_modal_closes_before_the_home_is_drawn(
    people: LiveApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drawing the Home reads the whole pipeline: it happens after the ack, so a slow Home
    can't push a saved team past Slack's 3-second window (Slack would show an error)."""
    live = people
    drawing, go_on = threading.Event(), threading.Event()
    real = home.home_data

    def held_home(*args: Any, **kwargs: Any) -> Any:
        drawing.set()
        assert go_on.wait(10), "the test never let the Home be drawn"
        return real(*args, **kwargs)

    monkeypatch.setattr(home, "home_data", held_home)
    values = team_values("East", ["UMAX"], ["UNED"])
    try:
        # Answered while the Home is still being drawn (held above).
        response = live.driver.view_submission("UADA", ids.TEAM_MODAL, values)
        assert response.status == 200 and not response.body, response.text
        assert drawing.wait(5), "the Home was not redrawn after the save"
    finally:
        go_on.set()  # the Home's read holds SQLite's one connection until then
    live.fake.wait_for("views.publish", 1, predicate=for_user("UADA"))
    assert teams_in_db(live) == {"East": (["UMAX"], ["UNED"])}
