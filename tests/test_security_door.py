"""The WSGI door (bot.server + bot.verify) on its own: size before reading, the signature's
clock window, and what Bolt is handed. No HTTP server; a spec'd App records dispatches."""

from __future__ import annotations

import io
import time
from typing import Any
from unittest.mock import Mock

import pytest
from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

from bot.server import wsgi_app
from bot.settings import ConfigError, load_settings
from bot.verify import VERIFIED_KEY, Refusal, SlackDoor, read_body
from tests.slack_driver import sign

SECRET = "door-secret"
NOW = 1_800_000_000
LIMIT = 100
FORM = "application/x-www-form-urlencoded"


class ReadCounter(io.BytesIO):
    """A request body that counts the bytes the app asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked = 0

    def read(self, size: int | None = -1) -> bytes:
        self.asked += size if size is not None and size >= 0 else len(self.getvalue())
        return super().read(size)


class Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


def environ(body: bytes | None = None, *, stream: Any = None, length: str | None = "auto",
            stamp: int | str = NOW, signature: str | None = "auto",
            content_type: str = FORM) -> dict[str, Any]:
    data = body or b""
    env: dict[str, Any] = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": content_type, "wsgi.input": stream or io.BytesIO(data),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": str(stamp),
    }
    if length == "auto":
        env["CONTENT_LENGTH"] = str(len(data))
    elif length is not None:
        env["CONTENT_LENGTH"] = length
    if signature == "auto":
        env["HTTP_X_SLACK_SIGNATURE"] = sign(SECRET, int(stamp), data)
    elif signature is not None:
        env["HTTP_X_SLACK_SIGNATURE"] = signature
    return env


class Served:
    def __init__(self, now: float = NOW) -> None:
        self.bolt = Mock(spec=App)
        self.bolt.dispatch.return_value = BoltResponse(status=200, body="dispatched")
        self.wsgi = wsgi_app(self.bolt, signing_secret=SECRET, max_body_bytes=LIMIT,
                             now=lambda: now)

    def __call__(self, env: dict[str, Any]) -> tuple[int, bytes]:
        statuses: list[str] = []
        body = b"".join(self.wsgi(env, lambda status, headers: statuses.append(status)))
        return int(statuses[0].split()[0]), body

    @property
    def dispatched(self) -> list[BoltRequest]:
        return [c.kwargs.get("req") or c.args[0] for c in self.bolt.dispatch.call_args_list]


def test_a_content_length_over_the_limit_is_refused_without_reading() -> None:
    served = Served()
    env = environ(b"", stream=Unreadable(), length=str(LIMIT + 1), signature="v0=" + "0" * 64)
    assert served(env) == (413, b"request too large")
    assert served.dispatched == []


def test_a_body_without_content_length_is_read_only_up_to_one_byte_past_the_limit() -> None:
    stream = ReadCounter(b"a=" + b"x" * 2_000_000)
    served = Served()
    status, _ = served(environ(b"", stream=stream, length=None))
    assert status == 413
    assert stream.asked == LIMIT + 1
    assert served.dispatched == []


def test_a_body_without_content_length_within_the_limit_is_served() -> None:
    body = b"command=%2Frevive&text=list"
    served = Served()
    assert served(environ(body, stream=ReadCounter(body), length=None))[0] == 200
    assert served.dispatched[0].raw_body == body.decode()


def test_content_length_that_is_not_a_number_is_malformed() -> None:
    served = Served()
    assert served(environ(b"a=1", length="12abc"))[0] == 400
    assert served.dispatched == []


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-301, 401), (-299, 200), (0, 200), (299, 200), (301, 401)],
)
def test_the_signature_window_is_five_minutes_each_way_on_the_given_clock(
    offset: int, status: int
) -> None:
    """The door's clock is a parameter: requests are judged against it, not the wall."""
    served = Served(now=NOW)
    assert served(environ(b"a=1", stamp=NOW + offset))[0] == status


def test_bolt_gets_the_verified_body_marked_as_verified() -> None:
    body = b"team_id=T1&user_id=U1&command=%2Frevive&text=list"
    served = Served()
    assert served(environ(body)) == (200, b"dispatched")
    (request,) = served.dispatched
    assert request.raw_body == body.decode()
    assert request.body["command"] == "/revive"
    assert request.context[VERIFIED_KEY] is True


def test_a_client_cannot_mark_its_own_request_verified() -> None:
    """The mark lives in Bolt's context, which no header or body field can reach."""
    body = f"team_id=T1&{VERIFIED_KEY}=true".encode()
    served = Served()
    env = {**environ(body, signature="v0=" + "0" * 64), "HTTP_X_REVIVE_VERIFIED": "1"}
    assert served(env)[0] == 401
    assert served.dispatched == []


def test_read_body_honours_content_length_exactly_at_the_limit() -> None:
    body = b"x" * LIMIT
    assert read_body({"CONTENT_LENGTH": str(LIMIT), "wsgi.input": io.BytesIO(body)},
                     LIMIT) == body
    refused = read_body({"CONTENT_LENGTH": str(LIMIT + 1), "wsgi.input": Unreadable()}, LIMIT)
    assert isinstance(refused, Refusal) and refused.status == 413


def test_the_door_uses_slack_sdks_verifier_on_the_raw_bytes() -> None:
    """A body that is not UTF-8 is judged by its signature first: signed → 400, else 401."""
    door = SlackDoor(SECRET, max_body_bytes=LIMIT, now=time.time)
    body = b"\xff\xfe"
    stamp = int(time.time())
    assert door.signature_refusal(body, timestamp=str(stamp),
                                  signature=sign(SECRET, stamp, body)) is None
    refused = door.signature_refusal(body, timestamp=str(stamp), signature=sign("x", stamp, body))
    assert refused is not None and refused.status == 401


@pytest.mark.parametrize("value", ["12", "abc", "999999999999"])
def test_max_body_bytes_out_of_range_stops_the_start(value: str) -> None:
    with pytest.raises(ConfigError, match="MAX_BODY_BYTES"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                       "MAX_BODY_BYTES": value})


def test_max_body_bytes_defaults_to_one_megabyte() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert settings.max_body_bytes == 1_048_576
