"""The one error handler: known errors reach the rep, before or after the ack, without delay."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import Mock
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.app import build_app, handle_error
from bot.errors import UserError
from bot.server import make_http_server
from bot.services import Services
from bot.settings import QUIET_LOGGERS, configure_logging
from bot.verify import VERIFIED_KEY
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, app_settings
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
    settings = app_settings(fake_slack.api_url, url)
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


# --- principle 10 behind the door: Bolt's own check, and what the error handler answers ----


@pytest.fixture
def bolt_app(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[App]:
    """The real app without the HTTP door, so requests meet Bolt's own signature check."""
    url = sqlite_url(tmp_path)
    settings = app_settings(fake_slack.api_url, url)
    engine = make_engine(url)
    upgrade(engine)
    app: App = build_app(Services(settings=settings, sessions=make_session_factory(engine)))
    app.action("test_crash_after_ack")(crash_after_ack)
    yield app
    engine.dispose()


def crash_click(response_url: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U1", "team_id": "T1"},
        "team": {"id": "T1"},
        "api_app_id": "AREVIVE",
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": "test_crash_after_ack", "value": "x"}],
    }


def form_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def test_bolts_own_check_still_refuses_an_unsigned_request(
    bolt_app: App, fake_slack: FakeSlack
) -> None:
    """The second line: a request that did not come through the door meets Bolt's check."""
    body = form_body(crash_click(fake_slack.new_response_url()))
    stamp = str(int(time.time()))
    request = BoltRequest(body=body, headers={"x-slack-request-timestamp": stamp,
                                               "x-slack-signature": "v0=" + "0" * 64})
    assert bolt_app.dispatch(request).status == 401
    assert fake_slack.responses == []
    assert fake_slack.calls == []


def test_when_bolts_check_raises_the_error_handler_answers_nobody(
    bolt_app: App, fake_slack: FakeSlack
) -> None:
    """The bug of issue 11: int('abc') raised inside Bolt's check, and the error handler
    then replied to the response_url the unverified body named."""
    body = form_body(crash_click(fake_slack.new_response_url()))
    request = BoltRequest(body=body, headers={"x-slack-request-timestamp": "abc",
                                               "x-slack-signature": "v0=" + "0" * 64})
    assert bolt_app.dispatch(request).status == 401
    assert fake_slack.responses == []
    assert fake_slack.calls == []


def test_socket_mode_errors_are_still_answered(bolt_app: App, fake_slack: FakeSlack) -> None:
    """Socket Mode has no HTTP signature (the socket itself is authenticated): answered."""
    request = BoltRequest(body=crash_click(fake_slack.new_response_url()), mode="socket_mode")
    assert bolt_app.dispatch(request).status == 200
    (reply,) = fake_slack.wait_for_response()
    assert "error id" in reply.body["text"]


@pytest.mark.parametrize("verified", [False, True])
def test_the_error_handler_answers_only_a_verified_request(verified: bool) -> None:
    client = Mock(spec=WebClient)
    client.proxy = client.ssl = None  # instance attributes Bolt's context reads
    context: dict[str, Any] = {VERIFIED_KEY: True} if verified else {}
    request = BoltRequest(body=form_body({"type": "block_actions", "user": {"id": "U1"},
                                          "team": {"id": "T1"}}), context=context)
    request.context["client"] = client
    answer = handle_error(RuntimeError("boom"), request, BoltResponse(status=500),
                          request.body, request.context, client)
    assert answer is not None
    if verified:
        assert answer.status == 200
        client.chat_postMessage.assert_called_once()
        assert client.chat_postMessage.call_args.kwargs["channel"] == "U1"
    else:
        assert answer.status == 401
        assert client.method_calls == []


def test_the_app_is_built_without_bolts_token_warning_and_uses_the_bot_token(
    tmp_path: Path,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As in `revive serve`: the token is in the environment, where Bolt looks for it too.
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    configure_logging("INFO")
    for name, level in levels.items():  # this test's business is Bolt's warning, not levels
        logging.getLogger(name).setLevel(level)
    url = sqlite_url(tmp_path / "quiet.db")
    settings = app_settings(fake_slack.api_url, url)
    with caplog.at_level(logging.DEBUG, logger="slack_bolt"):
        app = build_app(
            Services(settings=settings, sessions=make_session_factory(make_engine(url)))
        )
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert app.client.token == BOT_TOKEN
