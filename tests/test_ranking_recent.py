"""Requests share a workspace's tactic record for a few minutes, per database and day."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.coach.ranking import TacticRecord
from bot.usecases import ranking
from store.db import make_engine, make_session_factory
from tests.databases import sqlite_url

DAY = date(2026, 12, 3)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, date]]:
    seen: list[tuple[int, date]] = []

    def counted(_session: Any, workspace_id: int, today: date) -> TacticRecord:
        seen.append((workspace_id, today))
        return TacticRecord({})

    monkeypatch.setattr(ranking, "tactic_record", counted)
    return seen


def test_one_read_per_database_workspace_and_day_while_fresh(
    tmp_path: Path, reads: list[tuple[int, date]]
) -> None:
    recent = ranking._RecentRecords(keep_seconds=60)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first, second = (make_engine(sqlite_url(tmp_path / name)) for name in ("a", "b"))
    with make_session_factory(first)() as one, make_session_factory(second)() as other:
        recent.get(one, 1, DAY)
        recent.get(one, 1, DAY)
        recent.get(one, 2, DAY)
        recent.get(one, 1, date(2026, 12, 4))
        recent.get(other, 1, DAY)  # another database: its own record
    assert reads == [(1, DAY), (2, DAY), (1, date(2026, 12, 4)), (1, DAY)]


def test_a_stale_copy_is_read_again(tmp_path: Path, reads: list[tuple[int, date]]) -> None:
    recent = ranking._RecentRecords(keep_seconds=0)
    engine = make_engine(sqlite_url(tmp_path))
    with make_session_factory(engine)() as session:
        recent.get(session, 1, DAY)
        recent.get(session, 1, DAY)
    assert len(reads) == 2
