"""End to end: `/revive help` over signed HTTP, and unsigned requests refused."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from store.models import Prospect, Rep, Workspace
from tests.conftest import LiveApp

COMMANDS = ("/revive add", "/revive list", "/revive stats", "/revive snooze", "/revive help")


def row_counts(live: LiveApp) -> tuple[int, int, int]:
    with live.session() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (Workspace, Rep, Prospect)
        )


def test_signed_help_lists_the_commands(live_any_db: LiveApp) -> None:
    response = live_any_db.driver.command("U1", "help")
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    for command in COMMANDS:
        assert command in body["text"]
    assert live_any_db.fake.validation_errors == []


def test_unsigned_request_is_refused_and_writes_nothing(live: LiveApp) -> None:
    before = row_counts(live)
    response = live.driver.command("U1", "add Dana Reyes, Acme, went quiet", sign=False)
    assert response.status == 401
    assert row_counts(live) == before
    assert live.fake.calls == []


def test_stale_timestamp_is_refused_and_writes_nothing(live: LiveApp) -> None:
    before = row_counts(live)
    stale = int(time.time()) - 10 * 60
    response = live.driver.command("U1", "add Dana Reyes, Acme, went quiet", timestamp=stale)
    assert response.status == 401
    assert row_counts(live) == before
    assert live.fake.calls == []
