"""The manager's part of the Home: managers only, sections in order, inside the block budget."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.usecases.manager_home import MANAGER_BLOCKS_MAX, manager_blocks
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import upgrade
from store.models import Rep
from store.repo import ensure_rep, ensure_workspace

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)


@pytest.fixture
def session(sqlite_database_url: str) -> Iterator[Session]:
    engine = make_engine(sqlite_database_url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        yield session
    engine.dispose()


def rep(session: Session, user_id: str, *, admin: bool = False) -> Rep:
    workspace = ensure_workspace(session, team_id="T1", now=NOW)
    made = ensure_rep(session, workspace=workspace, user_id=user_id, now=NOW)
    made.is_admin = admin
    return made


def section(name: str, size: int) -> Any:
    def build(session: Session, viewer: Rep, today: date) -> list[dict[str, Any]]:
        assert today == TODAY
        return [{"type": "section", "text": {"type": "mrkdwn", "text": name}}] * size

    return build


def test_a_rep_who_manages_nobody_sees_no_manager_section(session: Session) -> None:
    assert manager_blocks(session, rep(session, "U1"), TODAY, (section("a", 1),)) == ()


def test_sections_come_in_order_and_one_that_does_not_fit_is_left_out_whole(
    session: Session,
) -> None:
    boss = rep(session, "UBOSS", admin=True)
    blocks = manager_blocks(
        session,
        boss,
        TODAY,
        (section("first", 3), section("huge", MANAGER_BLOCKS_MAX), section("last", 2)),
    )
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert texts == ["first"] * 3 + ["last"] * 2
    assert blocks[1]["text"]["text"] == "Your team"
    assert len(blocks) <= MANAGER_BLOCKS_MAX
