"""Principle 10 through the real HTTP endpoint: nothing unverified gets an answer.

Every forged request below names a response_url (the fake Slack's recording endpoint) and a
user, and clicks a button whose listener crashes: if it got past the door, the error handler
would POST an error id to that response_url. Each must get 401 and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import DEFAULT_MAX_BODY_BYTES
from tests.conftest import SIGNING_SECRET
from tests.databases import sqlite_url
from tests.fakeslack import FakeSlack
from tests.securing import (
    SecuredApp,
    crash_click_body,
    send_head_only,
    serve_secured,
    signed_headers,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.fixture
def secured(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[SecuredApp]:
    fake_slack.add_user("U1", team_id="T1", tz="America/New_York")
    with serve_secured(sqlite_url(tmp_path), fake_slack) as app:
        yield app


def sign_text(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 signature over any timestamp text, even one that is not a number."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def forged_headers(case: str, body: bytes) -> dict[str, str]:
    now = str(int(time.time()))
    headers = {"Content-Type": FORM}
    if case == "no timestamp":
        headers["X-Slack-Signature"] = sign_text(SIGNING_SECRET, now, body)
        return headers
    stamp = {
        "timestamp abc": "abc",
        "empty timestamp": "",
        "timestamp with underscores": f"{now[:4]}_{now[4:]}",  # int() would accept it
        "timestamp with a sign": f"+{now}",
        "stale timestamp": str(int(now) - 600),
        "future timestamp": str(int(now) + 600),
    }.get(case, now)
    headers["X-Slack-Request-Timestamp"] = stamp
    signature = {
        "no signature": None,
        "wrong secret": sign_text("not-the-signing-secret", stamp, body),
        "tampered body": sign_text(SIGNING_SECRET, stamp, body + b"&x=1"),
        "v1 signature": "v1=" + sign_text(SIGNING_SECRET, stamp, body)[3:],
        "non-ASCII signature": "v0=é" + sign_text(SIGNING_SECRET, stamp, body)[4:],
    }.get(case, sign_text(SIGNING_SECRET, stamp, body))
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    return headers


FORGED = [
    "no timestamp",
    "timestamp abc",
    "empty timestamp",
    "timestamp with underscores",
    "timestamp with a sign",
    "stale timestamp",
    "future timestamp",
    "no signature",
    "wrong secret",
    "tampered body",
    "v1 signature",
    "non-ASCII signature",
]


@pytest.mark.parametrize("case", FORGED)
def test_a_forged_request_gets_401_and_nothing_else(secured: SecuredApp, case: str) -> None:
    body = crash_click_body(secured.fake.new_response_url(), user_id="U1")
    reply = secured.post(body, forged_headers(case, body))
    assert reply.status == 401
    assert reply.body == b"invalid request"
    secured.assert_untouched()
    assert secured.fake.messages("U1") == []  # no DM either


def test_the_same_click_signed_by_slack_is_answered(secured: SecuredApp) -> None:
    """The control for the test above: the forged body, signed, does reach the rep."""
    body = crash_click_body(secured.fake.new_response_url(), user_id="U1")
    reply = secured.post(body, signed_headers(body))
    assert reply.status == 200
    (answer,) = secured.fake.wait_for_response()
    assert "error id" in answer.body["text"]


def test_a_forged_slash_command_naming_a_user_sends_no_dm(secured: SecuredApp) -> None:
    """A command without a response_url would be answered by DM: not when forged."""
    body = b"team_id=T1&user_id=U1&command=%2Frevive&text=list&channel_id=DU1"
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": "abc",
               "X-Slack-Signature": sign_text(SIGNING_SECRET, "abc", body)}
    assert secured.post(body, headers).status == 401
    secured.assert_untouched()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param(FORM, b"payload=%7Bnot+json", id="bad JSON in payload="),
        pytest.param(FORM, b"payload=%5B1%2C2%5D", id="payload= is a JSON array"),
        pytest.param(JSON, b'{"type": "event_callback", "event": {', id="bad JSON event"),
        pytest.param(JSON, b"[1, 2]", id="JSON array event"),
        pytest.param(JSON, b"[" * 50_000 + b"]" * 50_000, id="JSON nested too deeply"),
        pytest.param(FORM, b"%%%garbage that is no form", id="non-form garbage"),
        pytest.param("text/plain", b"team_id=T1&command=%2Frevive", id="unexpected type"),
        pytest.param(FORM, b"\xff\xfe\x00not utf-8", id="not UTF-8"),
        pytest.param(FORM, b"", id="empty body"),
        pytest.param(JSON, b'{"type": "event_callback", "authorizations": "x"}',
                     id="fields Bolt cannot read"),
    ],
)
def test_a_signed_but_malformed_body_gets_400_without_a_trace(
    secured: SecuredApp, content_type: str, body: bytes
) -> None:
    reply = secured.post(body, signed_headers(body, content_type=content_type))
    assert reply.status == 400
    assert reply.body == b"malformed request"
    secured.assert_untouched()


def test_a_two_megabyte_signed_body_is_refused_before_it_is_sent(secured: SecuredApp) -> None:
    """413 on the headers alone: the server answers while the body is still unsent."""
    body = b'{"type": "event_callback", "pad": "' + b"a" * 2_000_000 + b'"}'
    headers = {**signed_headers(body, content_type=JSON), "Content-Length": str(len(body))}
    status, _ = send_head_only(secured.port, headers)
    assert status == 413
    secured.assert_untouched()


def url_verification_of_size(size: int) -> bytes:
    head = b'{"type": "url_verification", "challenge": "c1", "pad": "'
    tail = b'"}'
    body = head + b"a" * (size - len(head) - len(tail)) + tail
    assert len(body) == size
    return body


def test_a_body_of_exactly_the_limit_is_served(secured: SecuredApp) -> None:
    body = url_verification_of_size(DEFAULT_MAX_BODY_BYTES)
    reply = secured.post(body, signed_headers(body, content_type=JSON))
    assert reply.status == 200
    assert reply.json() == {"challenge": "c1"}


def test_max_body_bytes_is_configurable(tmp_path: Path, fake_slack: FakeSlack) -> None:
    with serve_secured(sqlite_url(tmp_path), fake_slack, env={"MAX_BODY_BYTES": "2048"}) as app:
        fits = url_verification_of_size(2048)
        assert app.post(fits, signed_headers(fits, content_type=JSON)).status == 200
        over = url_verification_of_size(2049)
        headers = {**signed_headers(over, content_type=JSON), "Content-Length": "2049"}
        status, _ = send_head_only(app.port, headers)
        assert status == 413


def test_health_check_and_other_paths_need_no_signature(secured: SecuredApp) -> None:
    import urllib.request

    base = secured.url.removesuffix("/slack/events")
    with urllib.request.urlopen(base + "/healthz", timeout=5) as reply:
        assert reply.read() == b"ok"
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    assert secured.post(body, {"Content-Type": JSON}).status == 401
    elsewhere = base + "/slack/other"
    from tests.securing import post_raw

    assert post_raw(elsewhere, body, signed_headers(body, content_type=JSON)).status == 404
    secured.assert_untouched()
