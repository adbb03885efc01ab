"""Who may see whom: the pure store rules behind every manager surface."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.team import roles
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Rep, Team, TeamManager, Workspace
from store.repo import ensure_rep, ensure_workspace

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


def team(session: Session, workspace: Workspace, name: str, managers: list[Rep],
         reps: list[Rep]) -> Team:  # fmt: skip
    made = Team(workspace_id=workspace.id, name=name, created_at=NOW, updated_at=NOW)
    session.add(made)
    session.flush()
    session.add_all(TeamManager(team_id=made.id, rep_id=m.id) for m in managers)
    for rep in reps:
        rep.team_id = made.id
    session.flush()
    return made


def people(session: Session, team_id: str, *user_ids: str) -> tuple[Workspace, list[Rep]]:
    workspace = ensure_workspace(session, team_id=team_id, now=NOW)
    reps = [ensure_rep(session, workspace=workspace, user_id=u, now=NOW) for u in user_ids]
    return workspace, reps


def test_a_manager_sees_their_team_and_nobody_elses(session: Session) -> None:
    ws, (ann, bob, cat, dan, eve) = people(session, "T1", "UANN", "UBOB", "UCAT", "UDAN", "UEVE")
    team(session, ws, "East", [ann], [bob, cat])
    team(session, ws, "West", [dan], [eve])
    assert [v.name for v in roles.visible_views(session, ann)] == ["East"]
    assert roles.view_for(session, ann, "east").rep_ids == (bob.id, cat.id)
    with pytest.raises(UserError, match="East"):
        roles.view_for(session, ann, "West")  # not theirs: refused, their own teams named
    assert roles.may_see_rep(session, ann, bob) and not roles.may_see_rep(session, ann, eve)
    assert roles.may_see_rep(session, bob, bob) and not roles.may_see_rep(session, bob, cat)


def test_a_rep_who_manages_nothing_is_refused(session: Session) -> None:
    ws, (ann, bob) = people(session, "T1", "UANN", "UBOB")
    team(session, ws, "East", [ann], [bob])
    assert not roles.is_manager(session, bob)
    with pytest.raises(roles.NotAManager):
        roles.view_for(session, bob, None)
    with pytest.raises(roles.NotAManager):
        roles.require_manager(session, bob)


def test_an_admin_manages_every_team_or_everyone_before_teams_exist(session: Session) -> None:
    ws, (boss, bob, cat) = people(session, "T1", "UBOSS", "UBOB", "UCAT")
    boss.is_admin = True
    assert [(v.team_id, v.name) for v in roles.visible_views(session, boss)] == [
        (None, roles.EVERYONE)
    ]
    assert set(roles.visible_views(session, boss)[0].rep_ids) == {boss.id, bob.id, cat.id}
    team(session, ws, "West", [bob], [cat])
    team(session, ws, "East", [bob], [])
    assert [v.name for v in roles.visible_views(session, boss)] == ["East", "West"]
    assert roles.may_see_rep(session, boss, cat)


def test_teams_never_cross_workspaces(session: Session) -> None:
    ws1, (ann, bob) = people(session, "T1", "UANN", "UBOB")
    ws2, (zed,) = people(session, "T2", "UZED")
    team(session, ws1, "East", [ann], [bob])
    zed.is_admin = True
    assert [v.name for v in roles.visible_views(session, zed)] == [roles.EVERYONE]
    assert roles.team_by_name(session, ws2.id, "East") is None
    assert not roles.may_see_rep(session, zed, bob)


def test_deactivated_reps_leave_the_team_view(session: Session) -> None:
    ws, (ann, bob, cat) = people(session, "T1", "UANN", "UBOB", "UCAT")
    team(session, ws, "East", [ann], [bob, cat])
    cat.deactivated_at = NOW
    session.flush()
    assert roles.view_for(session, ann, None).rep_ids == (bob.id,)
