"""What the logs hold at DEBUG, the most talkative level: never a token or the signing secret,
never a refused request's body or signature; and an error id the rep can quote."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.databases import sqlite_url
from tests.fakeslack import FakeSlack
from tests.securing import SecuredApp, crash_click_body, serve_secured, signed_headers

# Loggers that some code paths quiet or that default above DEBUG: all of them talk here.
LOGGERS = ("", "slack_bolt", "slack_sdk", "slack_sdk.web.base_client", "slack_sdk.webhook",
           "bot", "store", "handlers", "waitress")


@pytest.fixture
def talkative(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def secured(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[SecuredApp]:
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York")
    with serve_secured(sqlite_url(tmp_path), fake_slack) as app:
        yield app


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
    ) + caplog.text


def test_debug_logs_hold_no_token_secret_or_refused_body(
    secured: SecuredApp, talkative: pytest.LogCaptureFixture
) -> None:
    driver = secured.driver
    assert driver.command("U1", "list").status == 200
    assert driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"}).status == 200
    secured.fake.wait_for("views.publish")
    secured.settle()

    forged = b"team_id=T1&user_id=U1&command=%2Frevive&text=forged-marker-7741"
    forged_signature = "v0=" + "ab" * 32
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": forged_signature}
    assert secured.post(forged, headers).status == 401
    # A well-formed timestamp with a wrong signature: the case Bolt's own check logs in full.
    headers["X-Slack-Request-Timestamp"] = str(int(time.time()))
    assert secured.post(forged, headers).status == 401

    logged = everything_logged(talkative)
    # slack_sdk narrated its Web API calls (so this test looked at DEBUG output) ...
    assert any(r.name.startswith("slack_sdk") and r.levelno == logging.DEBUG
               for r in talkative.records)
    # ... with the Authorization header redacted, and no token or secret anywhere.
    assert "'Authorization': '(redacted)'" in logged
    assert BOT_TOKEN not in logged
    assert "xoxb-" not in logged
    assert SIGNING_SECRET not in logged
    # Slack's request bodies (with their legacy verification token) are not logged either.
    assert "deprecated-verification-token" not in logged
    # A refusal names its reason, not the body or the signature it came with.
    assert "X-Slack-Request-Timestamp is not a number" in logged
    assert "signature does not match" in logged
    assert "forged-marker-7741" not in logged
    assert forged_signature not in logged


def test_an_unknown_error_is_logged_under_the_id_the_rep_is_given(
    secured: SecuredApp, talkative: pytest.LogCaptureFixture
) -> None:
    body = crash_click_body(secured.fake.new_response_url())
    assert secured.post(body, signed_headers(body)).status == 200
    (reply,) = secured.fake.wait_for_response()
    found = re.search(r"error id `([0-9a-f]{8})`", reply.body["text"])
    assert found is not None
    error_id = found.group(1)
    (record,) = [r for r in talkative.records if r.levelno == logging.ERROR
                 and error_id in r.getMessage()]
    assert record.exc_info is not None  # the trace is in the log, not in Slack
    assert "listener on fire" not in reply.body["text"]
