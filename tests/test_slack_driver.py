"""The Slack-side driver sends what Slack sends: correctly signed, shaped as Bolt expects."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_bolt.request import BoltRequest
from slack_bolt.request import payload_utils as payload
from slack_bolt.request.internals import extract_channel_id, extract_team_id, extract_user_id
from slack_sdk.signature import SignatureVerifier

from bot.server import make_http_server
from bot.slack_client import make_client
from tests.fakeslack import FakeSlack
from tests.slack_driver import (
    SlackDriver,
    checkboxes,
    datepicker,
    multi_static_select,
    plain_text,
    radio,
    sign,
    static_select,
    timepicker,
)

SECRET = "driver-test-secret"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    def verified(self, secret: str = SECRET) -> bool:
        return SignatureVerifier(secret).is_valid_request(self.body, self.headers)

    def bolt(self) -> BoltRequest:
        return BoltRequest(body=self.body.decode(), headers=self.headers)


@dataclass
class Capture:
    """An HTTP endpoint that keeps what it was sent and answers 200."""

    received: list[Received] = field(default_factory=list)

    def last(self) -> Received:
        return self.received[-1]


@pytest.fixture
def capture() -> Iterator[tuple[Capture, SlackDriver]]:
    seen = Capture()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.received.append(Received(dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    try:
        yield seen, SlackDriver(url, SECRET, team_id="T1")
    finally:
        server.shutdown()
        server.server_close()


# --- signatures ---------------------------------------------------------------------------


def test_sign_matches_slacks_documented_example() -> None:
    # The worked example in Slack's "Verifying requests from Slack" guide.
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body) == expected


def test_every_payload_kind_is_signed_verifiably(capture: tuple[Capture, SlackDriver]) -> None:
    seen, driver = capture
    driver.command("U1", "help")
    driver.block_action("U1", "tactic_pick", "p1.3")
    driver.view_submission("U1", "add_prospect", {"name": {"value": plain_text("Dana")}})
    driver.view_closed("U1", "add_prospect")
    driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    driver.url_verification("challenge-me")
    assert len(seen.received) == 6
    assert all(r.verified() for r in seen.received)
    assert not seen.last().verified("another-secret")


def test_a_tampered_body_fails_verification(capture: tuple[Capture, SlackDriver]) -> None:
    seen, driver = capture
    driver.command("U1", "list")
    original = seen.last()
    assert original.verified()
    tampered = Received(original.headers, original.body.replace(b"user_id=U1", b"user_id=U2"))
    assert tampered.body != original.body
    assert not tampered.verified()


def test_unsigned_and_stale_requests_fail_verification(
    capture: tuple[Capture, SlackDriver],
) -> None:
    seen, driver = capture
    driver.command("U1", "help", sign=False)
    assert "X-Slack-Signature" not in seen.last().headers
    assert not seen.last().verified()
    driver.command("U1", "help", timestamp=int(time.time()) - 10 * 60)
    assert not seen.last().verified()


# --- shapes, parsed by Bolt's own request parsing -------------------------------------------


def test_a_slash_command_parses_as_one(capture: tuple[Capture, SlackDriver]) -> None:
    seen, driver = capture
    driver.command("U1", "add Dana, Acme", team_id="T2")
    body = seen.last().bolt().body
    assert payload.is_slash_command(body)
    command = payload.to_command(body)
    assert command is not None
    assert (command["command"], command["text"]) == ("/revive", "add Dana, Acme")
    assert (extract_team_id(body), extract_user_id(body)) == ("T2", "U1")
    assert command["response_url"] and command["trigger_id"]


def test_a_message_button_click_parses_as_a_block_action(
    capture: tuple[Capture, SlackDriver],
) -> None:
    seen, driver = capture
    message = {"type": "message", "ts": "1790000001.000002", "text": "digest"}
    driver.block_action("U1", "tactic_pick", "p9.4", block_id="due_9", message=message)
    body = seen.last().bolt().body
    assert payload.is_block_actions(body)
    action = payload.to_action(body)
    assert action is not None
    assert (action["action_id"], action["value"], action["block_id"]) == (
        "tactic_pick",
        "p9.4",
        "due_9",
    )
    assert body["container"]["message_ts"] == "1790000001.000002"
    assert (extract_team_id(body), extract_user_id(body), extract_channel_id(body)) == (
        "T1",
        "U1",
        "DU1",
    )
    assert body["response_url"]


def test_a_select_and_a_date_from_a_view_parse(capture: tuple[Capture, SlackDriver]) -> None:
    seen, driver = capture
    driver.block_action(
        "U1",
        "situation",
        action_type="static_select",
        selected_option="went_dark",
        view={"id": "V42", "type": "modal"},
    )
    body = seen.last().bolt().body
    action = payload.to_action(body)
    assert action is not None and action["selected_option"]["value"] == "went_dark"
    assert body["container"] == {"type": "view", "view_id": "V42"}
    assert "response_url" not in body
    driver.block_action("U1", "next_on", action_type="datepicker", selected_date="2026-12-01")
    action = payload.to_action(seen.last().bolt().body)
    assert action is not None and action["selected_date"] == "2026-12-01"


def test_a_view_submission_carries_state_and_metadata(
    capture: tuple[Capture, SlackDriver],
) -> None:
    seen, driver = capture
    values = {
        "name": {"value": plain_text("Dana")},
        "situation": {"value": static_select("went_dark")},
        "outcome": {"value": radio("learned")},
        "days": {"value": checkboxes(["mon", "tue"])},
        "tags": {"value": multi_static_select(["a"])},
        "when": {"value": datepicker("2026-12-01")},
        "at": {"value": timepicker("09:30")},
    }
    driver.view_submission("U1", "log_outcome", values, private_metadata='{"p": 7}')
    body = seen.last().bolt().body
    assert payload.is_view_submission(body)
    view = payload.to_view(body)
    assert view is not None
    assert view["callback_id"] == "log_outcome"
    assert json.loads(view["private_metadata"]) == {"p": 7}
    state = view["state"]["values"]
    assert state["name"]["value"]["value"] == "Dana"
    assert state["situation"]["value"]["selected_option"]["value"] == "went_dark"
    assert state["outcome"]["value"]["selected_option"]["value"] == "learned"
    assert [o["value"] for o in state["days"]["value"]["selected_options"]] == ["mon", "tue"]
    assert state["when"]["value"]["selected_date"] == "2026-12-01"
    assert state["at"]["value"]["selected_time"] == "09:30"
    assert (extract_team_id(body), extract_user_id(body)) == ("T1", "U1")


def test_an_event_callback_parses_with_retry_headers(
    capture: tuple[Capture, SlackDriver],
) -> None:
    seen, driver = capture
    driver.event(
        {"type": "app_home_opened", "user": "U1", "tab": "home"}, event_id="Ev1", retry_num=1
    )
    request = seen.last().bolt()
    assert payload.is_event(request.body)
    assert payload.is_app_home_opened_event(request.body, tab="home")
    assert request.body["event_id"] == "Ev1"
    assert request.headers["x-slack-retry-num"] == ["1"]
    assert (extract_team_id(request.body), extract_user_id(request.body)) == ("T1", "U1")


def test_trigger_ids_are_unique_and_response_urls_come_from_the_fake() -> None:
    with FakeSlack() as fake:
        driver = SlackDriver("http://127.0.0.1:9/slack/events", SECRET, fake=fake)
        assert driver.trigger_id() != driver.trigger_id()
        assert driver.response_url().startswith(fake.url + "response/")


# --- against a running Bolt app: routing by the ids Slack would send -------------------------


def test_bolt_routes_each_payload_to_its_listener() -> None:
    heard: dict[str, Any] = {}
    done = threading.Event()
    with FakeSlack() as fake:
        app = App(
            signing_secret=SECRET,
            token_verification_enabled=False,
            client=make_client("xoxb-test-T1", fake.api_url),
        )

        @app.command("/revive")
        def on_command(ack: Ack, command: dict[str, Any]) -> None:
            heard["command"] = command["text"]
            ack(text="got it")

        @app.action("tactic_pick")
        def on_action(ack: Ack, action: dict[str, Any]) -> None:
            heard["action"] = action["value"]
            ack()

        @app.view("log_outcome")
        def on_view(ack: Ack, view: dict[str, Any]) -> None:
            heard["view"] = view["state"]["values"]["o"]["v"]["selected_option"]["value"]
            ack(response_action="errors", errors={"o": "pick one"})

        @app.view_closed("log_outcome")
        def on_closed(ack: Ack) -> None:
            heard["closed"] = True
            ack()

        @app.event("app_home_opened")
        def on_home(event: dict[str, Any]) -> None:
            heard["event"] = event["user"]
            done.set()

        server = make_http_server(app, host="127.0.0.1", port=0, threads=2)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.effective_port}/slack/events"
        driver = SlackDriver(url, SECRET, fake=fake)
        try:
            assert driver.command("U1", "list").text == "got it"  # Bolt acks bare text as-is
            assert driver.block_action("U1", "tactic_pick", "p1.2").status == 200
            answer = driver.view_submission("U1", "log_outcome", {"o": {"v": radio("won")}})
            assert answer.json() == {"response_action": "errors", "errors": {"o": "pick one"}}
            assert driver.view_closed("U1", "log_outcome").status == 200
            assert driver.event({"type": "app_home_opened", "user": "U3"}).status == 200
            assert driver.url_verification("abc").json() == {"challenge": "abc"}
            assert done.wait(5)
            assert driver.command("U1", "list", sign=False).status == 401
        finally:
            server.close()
            thread.join(timeout=5)
    assert heard == {
        "command": "list",
        "action": "p1.2",
        "view": "won",
        "closed": True,
        "event": "U3",
    }
