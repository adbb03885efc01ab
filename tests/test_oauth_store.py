"""The encrypted installation store: what it writes, what it reads back, and its few seconds
of memory of a workspace's bot (one query per request is most of OAuth mode's cost)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine, event, text

from bot.install.crypto import TokenCipher, new_key
from bot.install.store import EncryptedInstallationStore, RecentBots
from store.db import make_engine
from store.migrate import upgrade


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def installation(team_id: str, token: str, **more: Any) -> Installation:
    return Installation(app_id="AREVIVE", team_id=team_id, bot_token=token, bot_id="B1",
                        bot_user_id="UBOT", user_id="UADMIN", installed_at=time.time(), **more)


def selects(engine: Engine) -> list[str]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    return seen


def test_tokens_go_in_encrypted_and_come_out_as_they_were(engine: Engine) -> None:
    store = EncryptedInstallationStore.over(engine, "C1", TokenCipher([new_key()]))
    original = installation("TA", "xoxb-a-1", bot_refresh_token="xoxe-1-r",
                            bot_token_expires_in=43200, user_token="xoxp-u")
    store.save(original)
    assert original.bot_token == "xoxb-a-1"  # the caller's object is left as it was
    with engine.connect() as connection:
        raw = " ".join(str(v) for row in connection.execute(
            text("SELECT * FROM slack_installations")) for v in row)
    assert "xoxb-a-1" not in raw and "xoxe-1-r" not in raw and "xoxp-u" not in raw
    found = store.find_installation(enterprise_id=None, team_id="TA")
    assert found is not None
    assert (found.bot_token, found.bot_refresh_token, found.user_token) == (
        "xoxb-a-1", "xoxe-1-r", "xoxp-u")


def test_a_bot_read_is_remembered_for_a_few_seconds_and_forgotten_on_change(
    engine: Engine,
) -> None:
    ticks = Ticks()
    store = EncryptedInstallationStore.over(engine, "C1", TokenCipher([new_key()]))
    store.recent = RecentBots(5.0, ticks)
    store.save(installation("TA", "xoxb-a-1"))
    seen = selects(engine)

    def token() -> str | None:
        bot = store.find_bot(enterprise_id=None, team_id="TA")
        return None if bot is None else bot.bot_token

    assert token() == "xoxb-a-1" and len(seen) == 1
    ticks.now += 4.9
    assert token() == "xoxb-a-1" and len(seen) == 1  # remembered: no query
    ticks.now += 0.2
    assert token() == "xoxb-a-1" and len(seen) == 2  # five seconds on: read again
    store.save(installation("TA", "xoxb-a-2"))  # a refresh or reinstall here: seen at once
    assert token() == "xoxb-a-2"
    store.delete_all(enterprise_id=None, team_id="TA")
    assert token() is None
    store.save(installation("TA", "xoxb-a-3"))  # "not installed" was not remembered
    assert token() == "xoxb-a-3"


def test_a_token_no_key_opens_reads_as_not_installed(engine: Engine) -> None:
    EncryptedInstallationStore.over(engine, "C1", TokenCipher([new_key()])).save(
        installation("TA", "xoxb-a-1"))
    stranger = EncryptedInstallationStore.over(engine, "C1", TokenCipher([new_key()]))
    assert stranger.find_bot(enterprise_id=None, team_id="TA") is None
    assert stranger.find_installation(enterprise_id=None, team_id="TA") is None
