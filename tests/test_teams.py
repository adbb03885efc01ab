"""Teams as stored: set_team's rules (who may, names, one team per rep, people Slack knows),
delete_team and list_teams, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.team import roles
from bot.team.teams import (
    MANAGERS,
    MANAGERS_MAX,
    NAME,
    REPS,
    REPS_MAX,
    TEAM_NAME_MAX,
    NotAnAdmin,
    TeamGone,
    TeamProblem,
    delete_team,
    list_teams,
    needs_lookup,
    set_team,
)
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Rep, Team, TeamManager, Workspace
from store.repo import ensure_rep, ensure_workspace, find_rep

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


def workspace(session: Session, team_id: str = "T1") -> Workspace:
    return ensure_workspace(session, team_id=team_id, now=NOW)


def admin(session: Session, ws: Workspace, user_id: str = "UADMIN") -> Rep:
    rep = ensure_rep(session, workspace=ws, user_id=user_id, now=NOW)
    rep.is_admin = True
    return rep


def user(user_id: str, *, team_id: str = "T1", name: str | None = None, **flags: Any) -> dict:
    return {
        "id": user_id,
        "team_id": team_id,
        "name": user_id.lower(),
        "tz": "Europe/Paris",
        "profile": {"display_name": name or "", "real_name": name or user_id},
        **flags,
    }


def counts(session: Session) -> tuple[int, int, int]:
    session.flush()
    teams = session.scalar(select(func.count()).select_from(Team)) or 0
    managers = session.scalar(select(func.count()).select_from(TeamManager)) or 0
    in_teams = session.scalar(select(func.count()).select_from(Rep).where(Rep.team_id.is_not(None)))
    return teams, managers, in_teams or 0


def members(session: Session, ws: Workspace, name: str) -> tuple[list[str], list[str]]:
    [team] = [t for t in list_teams(session, ws) if t.name.lower() == name.lower()]
    return [m.user_id for m in team.managers], [m.user_id for m in team.reps]


def test_an_admin_creates_a_team_and_unknown_people_become_reps(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    saved = set_team(session, ws, "  East   Coast ", ["UANN"], ["UBOB", "UCAT", "UBOB"], NOW, boss)
    assert saved.created and saved.team.name == "East Coast"
    assert members(session, ws, "east coast") == (["UANN"], ["UBOB", "UCAT"])
    bob = find_rep(session, workspace_id=ws.id, user_id="UBOB")
    assert bob is not None and bob.team_id == saved.team.id
    assert bob.tz_checked_at is None, "never looked up: the first request reads the profile"
    ann = find_rep(session, workspace_id=ws.id, user_id="UANN")
    assert ann is not None and roles.is_manager(session, ann) and ann.team_id is None
    assert counts(session) == (1, 1, 2)


def test_the_same_name_in_any_case_replaces_managers_and_reps(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    first = set_team(session, ws, "East", ["UANN", "UDAN"], ["UBOB", "UCAT"], NOW, boss)
    later = NOW + timedelta(hours=1)
    again = set_team(session, ws, "EAST", ["UDAN"], ["UCAT", "UEVE"], later, boss)
    assert not again.created and again.team.id == first.team.id
    assert again.team.name == "EAST", "the name is stored as last typed"
    assert members(session, ws, "east") == (["UDAN"], ["UCAT", "UEVE"])
    bob = find_rep(session, workspace_id=ws.id, user_id="UBOB")
    assert bob is not None and bob.team_id is None, "left out: in no team now"
    ann = find_rep(session, workspace_id=ws.id, user_id="UANN")
    assert ann is not None and not roles.is_manager(session, ann)
    assert counts(session) == (1, 1, 2)


def test_a_rep_named_in_another_team_moves_there(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    set_team(session, ws, "East", ["UANN"], ["UBOB", "UCAT"], NOW, boss)
    west = set_team(session, ws, "West", ["UDAN"], ["UCAT"], NOW, boss)
    assert [(m.user_id, previous) for m, previous in west.moved] == [("UCAT", "East")]
    assert members(session, ws, "East") == (["UANN"], ["UBOB"])
    assert members(session, ws, "West") == (["UDAN"], ["UCAT"])
    assert counts(session) == (2, 2, 2)


def test_a_manager_may_manage_several_teams_and_be_a_rep_too(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    set_team(session, ws, "East", ["UANN"], ["UANN", "UBOB"], NOW, boss)
    set_team(session, ws, "West", ["UANN"], ["UCAT"], NOW, boss)
    ann = find_rep(session, workspace_id=ws.id, user_id="UANN")
    assert ann is not None
    assert [t.name for t in roles.managed_teams(session, ann)] == ["East", "West"]
    assert members(session, ws, "East") == (["UANN"], ["UANN", "UBOB"])


@pytest.mark.parametrize(
    ("name", "managers", "reps", "field", "words"),
    [
        ("", ["UANN"], [], NAME, "Give the team a name"),
        (" \t\x00 ", ["UANN"], [], NAME, "Give the team a name"),
        ("x" * (TEAM_NAME_MAX + 1), ["UANN"], [], NAME, f"at most {TEAM_NAME_MAX} characters"),
        ("East", [], ["UBOB"], MANAGERS, "at least one manager"),
        ("East", ["ann"], [], MANAGERS, "'ann' is not a Slack user id"),
        ("East", ["UANN"], ["<@UBOB>"], REPS, "is not a Slack user id"),
        ("East", [f"U{n:04d}" for n in range(MANAGERS_MAX + 1)], [], MANAGERS, "at most"),
        ("East", ["UANN"], [f"U{n:04d}" for n in range(REPS_MAX + 1)], REPS, "at most"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    session: Session, name: str, managers: list[str], reps: list[str], field: str, words: str
) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    with pytest.raises(TeamProblem, match=words) as raised:
        set_team(session, ws, name, managers, reps, NOW, boss)
    assert raised.value.field == field
    assert counts(session) == (0, 0, 0)
    reps_now = session.scalar(select(func.count()).select_from(Rep))
    assert reps_now == 1, "only the admin: nobody was created"


def test_a_name_of_exactly_the_limit_is_fine(session: Session) -> None:
    ws = workspace(session)
    saved = set_team(session, ws, "x" * TEAM_NAME_MAX, ["UANN"], [], NOW, admin(session, ws))
    assert len(saved.team.name) == TEAM_NAME_MAX


def test_only_admins_of_this_workspace_change_teams(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, boss)
    ann = find_rep(session, workspace_id=ws.id, user_id="UANN")
    bob = find_rep(session, workspace_id=ws.id, user_id="UBOB")
    other = admin(session, workspace(session, "T2"), "UZED")
    before = counts(session), members(session, ws, "East")
    for who in (ann, bob, other):  # a manager, a rep, another workspace's admin
        assert who is not None
        with pytest.raises(NotAnAdmin, match="owner or admin"):
            set_team(session, ws, "East", [who.slack_user_id], [], NOW, who)
        with pytest.raises(NotAnAdmin):
            set_team(session, ws, "Mine", [who.slack_user_id], ["UBOB"], NOW, who)
        with pytest.raises(NotAnAdmin):
            delete_team(session, ws, who, name="East")
    assert (counts(session), members(session, ws, "East")) == before


def test_the_operator_at_the_command_line_needs_no_rep(session: Session) -> None:
    ws = workspace(session)
    saved = set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, None)
    assert saved.created and counts(session) == (1, 1, 1)


def test_rename_by_id_and_refuse_a_name_taken(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    east = set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, boss).team
    set_team(session, ws, "West", ["UDAN"], [], NOW, boss)
    renamed = set_team(session, ws, "North", ["UANN"], ["UBOB"], NOW, boss, team_id=east.id)
    assert renamed.team.id == east.id and not renamed.created
    assert [t.name for t in list_teams(session, ws)] == ["North", "West"]
    with pytest.raises(TeamProblem, match="already called West") as raised:
        set_team(session, ws, "west", ["UANN"], [], NOW, boss, team_id=east.id)
    assert raised.value.field == NAME
    with pytest.raises(TeamGone):
        set_team(session, ws, "Gone", ["UANN"], [], NOW, boss, team_id=east.id + 100)


def test_another_workspaces_team_cannot_be_reached_by_id(session: Session) -> None:
    ws1, ws2 = workspace(session, "T1"), workspace(session, "T2")
    theirs = set_team(session, ws2, "East", ["UZED"], ["UYAN"], NOW, admin(session, ws2, "UZ"))
    boss = admin(session, ws1)
    with pytest.raises(TeamGone):
        set_team(session, ws1, "East", ["UANN"], [], NOW, boss, team_id=theirs.team.id)
    with pytest.raises(TeamGone):
        delete_team(session, ws1, boss, team_id=theirs.team.id)
    assert members(session, ws2, "East") == (["UZED"], ["UYAN"])
    assert list_teams(session, ws1) == []
    # The same Slack id in two workspaces is two reps: moving one moves nothing next door.
    set_team(session, ws1, "West", ["UANN"], ["UYAN"], NOW, boss)
    assert members(session, ws2, "East") == (["UZED"], ["UYAN"])


def test_delete_keeps_the_reps_in_no_team(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    set_team(session, ws, "East", ["UANN"], ["UBOB", "UCAT"], NOW, boss)
    set_team(session, ws, "West", ["UDAN"], ["UEVE"], NOW, boss)
    assert delete_team(session, ws, boss, name="east") == "East"
    assert [t.name for t in list_teams(session, ws)] == ["West"]
    bob = find_rep(session, workspace_id=ws.id, user_id="UBOB")
    assert bob is not None and bob.team_id is None
    assert counts(session) == (1, 1, 1)
    with pytest.raises(TeamProblem, match="No team is called"):
        delete_team(session, ws, boss, name="East")


def test_profiles_from_slack_are_checked_and_stored(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    profiles = {
        "UANN": user("UANN", name="Ann Lee", is_admin=True),
        "UBOB": user("UBOB", name="Bob Ray"),
    }
    set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, boss, profiles=profiles)
    ann = find_rep(session, workspace_id=ws.id, user_id="UANN")
    assert ann is not None
    assert (ann.display_name, ann.is_admin, ann.tz) == ("Ann Lee", True, "Europe/Paris")
    assert ann.tz_checked_at == NOW, "read once: no second lookup on first sight"
    [east] = list_teams(session, ws)
    assert [m.name for m in east.reps] == ["Bob Ray"]


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        (None, "Slack knows no user UBOB"),
        (user("UBOB", team_id="T9", name="Bob"), "Bob \\(UBOB\\) belongs to another Slack"),
        (user("UBOB", name="Bob", deleted=True), "deactivated"),
        (user("UBOB", name="Robot", is_bot=True), "is a bot"),
    ],
)
def test_people_slack_refuses_are_refused(
    session: Session, profile: dict | None, words: str
) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    profiles = {"UANN": user("UANN"), "UBOB": profile}
    with pytest.raises(TeamProblem, match=words) as raised:
        set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, boss, profiles=profiles)
    assert raised.value.field == REPS
    assert counts(session) == (0, 0, 0)
    assert find_rep(session, workspace_id=ws.id, user_id="UBOB") is None


def test_a_grid_user_of_several_workspaces_is_welcome(session: Session) -> None:
    ws = workspace(session)
    grid = user("WBOB", team_id="T9", enterprise_user={"teams": ["T9", "T1"]})
    saved = set_team(
        session, ws, "East", ["UANN"], ["WBOB"], NOW, admin(session, ws),
        profiles={"UANN": user("UANN"), "WBOB": grid},
    )  # fmt: skip
    assert [m.user_id for m in saved.team.reps] == ["WBOB"]


def test_with_profiles_an_id_never_looked_up_must_be_known_here(session: Session) -> None:
    ws = workspace(session)
    boss = admin(session, ws)
    ensure_rep(session, workspace=ws, user_id="UBOB", now=NOW)
    profiles = {"UANN": user("UANN")}
    saved = set_team(session, ws, "East", ["UANN"], ["UBOB"], NOW, boss, profiles=profiles)
    assert [m.user_id for m in saved.team.reps] == ["UBOB"]
    with pytest.raises(TeamProblem, match="Slack knows no user UNEW") as raised:
        set_team(session, ws, "East", ["UANN"], ["UNEW"], NOW, boss, profiles=profiles)
    assert raised.value.field == REPS


def test_needs_lookup_names_only_people_never_read(session: Session) -> None:
    ws = workspace(session)
    read = ensure_rep(session, workspace=ws, user_id="UREAD", now=NOW)
    read.tz_checked_at = NOW
    ensure_rep(session, workspace=ws, user_id="UNEVER", now=NOW)
    other = ensure_rep(session, workspace=workspace(session, "T2"), user_id="UNEW", now=NOW)
    other.tz_checked_at = NOW  # read in another workspace: not here
    session.flush()
    wanted = ["UREAD", "UNEVER", "UNEW", "UREAD", "bad id"]
    assert needs_lookup(session, team_id="T1", user_ids=wanted) == ["UNEVER", "UNEW"]
