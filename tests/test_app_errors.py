"""The one error handler: known errors reach the rep, before or after the ack, without delay."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import Ack, App

from bot.app import build_app
from bot.errors import UserError
from bot.server import make_http_server
from bot.services import Services
from bot.settings import load_settings
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.databases import sqlite_url
from tests.fakeslack import FakeSlack
from tests.slack_driver import SlackDriver


def refuse_after_ack(ack: Ack) -> None:
    ack()
    raise UserError("That prospect is not yours.")


def refuse_before_ack(ack: Ack) -> None:
    raise UserError("Nothing to do here.")


def crash_after_ack(ack: Ack) -> None:
    ack()
    raise RuntimeError("database on fire")


@pytest.fixture
def driver(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[SlackDriver]:
    url = sqlite_url(tmp_path)
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake_slack.api_url,
            "DATABASE_URL": url,
        }
    )
    engine = make_engine(url)
    upgrade(engine)
    app: App = build_app(Services(settings=settings, sessions=make_session_factory(engine)))
    app.action("test_refuse_after_ack")(refuse_after_ack)
    app.action("test_refuse_before_ack")(refuse_before_ack)
    app.action("test_crash_after_ack")(crash_after_ack)
    server = make_http_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield SlackDriver(
            f"http://127.0.0.1:{server.effective_port}/slack/events",
            SIGNING_SECRET,
            fake=fake_slack,
        )
    finally:
        server.close()
        thread.join(timeout=5)
        engine.dispose()


def click(driver: SlackDriver, action_id: str) -> int:
    return driver.block_action("U1", action_id, "x").status


@pytest.mark.parametrize("repeat", range(3))
def test_user_error_after_ack_is_acknowledged_and_told(
    driver: SlackDriver, fake_slack: FakeSlack, repeat: int
) -> None:
    assert click(driver, "test_refuse_after_ack") == 200
    (reply,) = fake_slack.wait_for_response()
    assert reply.body["text"] == "That prospect is not yours."
    assert reply.body["response_type"] == "ephemeral"


def test_user_error_before_ack_is_acknowledged_and_told(
    driver: SlackDriver, fake_slack: FakeSlack
) -> None:
    assert click(driver, "test_refuse_before_ack") == 200
    (reply,) = fake_slack.wait_for_response()
    assert reply.body["text"] == "Nothing to do here."


def test_unknown_error_gives_the_rep_an_error_id_not_the_details(
    driver: SlackDriver, fake_slack: FakeSlack
) -> None:
    assert click(driver, "test_crash_after_ack") == 200
    (reply,) = fake_slack.wait_for_response()
    text: Any = reply.body["text"]
    assert "error id" in text
    assert "on fire" not in text


def test_an_ack_once_given_survives_bolts_reset_after_an_error() -> None:
    from bot.app import KeptAck

    ack = KeptAck()
    assert ack.response is None
    given = ack()
    ack.response = None  # what Bolt's threaded runner does when the listener raises later
    assert ack.response is given
