"""The Slack side of a conversation: payloads as Slack sends them, signed, POSTed to the app."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

if TYPE_CHECKING:
    from tests.fakeslack import FakeSlack

API_APP_ID = "AREVIVE"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Slack's v0 signature: HMAC-SHA256 over ``v0:{timestamp}:{body}``."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


# --- state value builders, shaped like view.state.values entries --------------------------

def plain_text(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def static_select(value: str | None) -> dict[str, Any]:
    option = None if value is None else {"text": {"type": "plain_text", "text": value},
                                         "value": value}
    return {"type": "static_select", "selected_option": option}


def multi_static_select(values: list[str]) -> dict[str, Any]:
    return {"type": "multi_static_select", "selected_options": [
        {"text": {"type": "plain_text", "text": v}, "value": v} for v in values]}


def radio(value: str | None) -> dict[str, Any]:
    option = None if value is None else {"text": {"type": "plain_text", "text": value},
                                         "value": value}
    return {"type": "radio_buttons", "selected_option": option}


def checkboxes(values: list[str]) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [
        {"text": {"type": "plain_text", "text": v}, "value": v} for v in values]}


def file_input(files: list[dict[str, Any]]) -> dict[str, Any]:
    """A file_input's state: the file objects Slack made of the uploads (see
    FakeSlack.add_user_file)."""
    return {"type": "file_input", "files": files}


def datepicker(value: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def timepicker(value: str | None) -> dict[str, Any]:
    return {"type": "timepicker", "selected_time": value}


class SlackDriver:
    """Builds, signs and POSTs what Slack would send to the app's /slack/events."""

    def __init__(self, app_url: str, signing_secret: str, team_id: str = "T1",
                 fake: FakeSlack | None = None) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.fake = fake
        self._ids = itertools.count(1)

    # --- transport -----------------------------------------------------------------------

    def post(self, body: bytes, content_type: str, *, sign_it: bool = True,
             timestamp: int | None = None, headers: dict[str, str] | None = None) -> Response:
        stamp = int(time.time()) if timestamp is None else timestamp
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(stamp)}
        if sign_it:
            sent["X-Slack-Signature"] = sign(self.signing_secret, stamp, body)
        sent.update(headers or {})
        request = urllib.request.Request(self.app_url, data=body, headers=sent, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return Response(reply.status, dict(reply.headers.items()), reply.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers.items()), error.read())

    def post_form(self, fields: dict[str, str], **kwargs: Any) -> Response:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded",
                         **kwargs)

    def post_payload(self, payload: dict[str, Any], **kwargs: Any) -> Response:
        return self.post_form({"payload": json.dumps(payload)}, **kwargs)

    def trigger_id(self) -> str:
        return f"{next(self._ids)}.{int(time.time())}.trigger"

    def response_url(self) -> str:
        if self.fake is not None:
            return self.fake.new_response_url()
        return f"http://127.0.0.1:9/response/{next(self._ids)}"

    def _team(self, team_id: str | None) -> str:
        return team_id or self.team_id

    def _user(self, user_id: str, team_id: str | None) -> dict[str, Any]:
        return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
                "team_id": self._team(team_id)}

    # --- what Slack sends ----------------------------------------------------------------

    def command(self, user_id: str, text: str = "", *, command: str = "/revive",
                sign: bool = True, timestamp: int | None = None,
                team_id: str | None = None, channel_id: str | None = None) -> Response:
        fields = {
            "token": "deprecated-verification-token",
            "team_id": self._team(team_id), "team_domain": "example",
            "channel_id": channel_id or "D" + user_id, "channel_name": "directmessage",
            "user_id": user_id, "user_name": user_id.lower(),
            "command": command, "text": text, "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.response_url(), "trigger_id": self.trigger_id(),
        }
        return self.post_form(fields, sign_it=sign, timestamp=timestamp)

    def block_action(self, user_id: str, action_id: str, value: str | None = None, *,
                     block_id: str = "b", action_type: str = "button",
                     selected_option: str | None = None, selected_date: str | None = None,
                     message: dict[str, Any] | None = None, channel_id: str | None = None,
                     view: dict[str, Any] | None = None, team_id: str | None = None,
                     sign: bool = True) -> Response:
        """A click: from a message (pass ``message`` with its ts) or from a view."""
        action: dict[str, Any] = {"type": action_type, "action_id": action_id,
                                  "block_id": block_id, "action_ts": f"{time.time():.6f}"}
        if value is not None:
            action["value"] = value
        if selected_option is not None:
            action["selected_option"] = {"text": {"type": "plain_text", "text": "x"},
                                         "value": selected_option}
        if selected_date is not None:
            action["selected_date"] = selected_date
        team = self._team(team_id)
        payload: dict[str, Any] = {
            "type": "block_actions", "user": self._user(user_id, team),
            "team": {"id": team, "domain": "example"}, "api_app_id": API_APP_ID,
            "token": "deprecated-verification-token", "trigger_id": self.trigger_id(),
            "actions": [action], "is_enterprise_install": False,
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
            payload["view"] = view
        else:
            channel = channel_id or "D" + user_id
            msg = message or {"type": "message", "ts": "1790000000.000001", "text": ""}
            payload["container"] = {"type": "message", "message_ts": msg["ts"],
                                    "channel_id": channel, "is_ephemeral": False}
            payload["channel"] = {"id": channel, "name": "directmessage"}
            payload["message"] = msg
            payload["response_url"] = self.response_url()
        return self.post_payload(payload, sign_it=sign)

    def view_submission(self, user_id: str, callback_id: str,
                        values: dict[str, dict[str, dict[str, Any]]], *,
                        private_metadata: str = "", view_id: str | None = None,
                        team_id: str | None = None, sign: bool = True) -> Response:
        """``values`` is view.state.values: {block_id: {action_id: element state}}."""
        team = self._team(team_id)
        view = {
            "id": view_id or f"V{next(self._ids):08d}", "team_id": team, "type": "modal",
            "callback_id": callback_id, "private_metadata": private_metadata,
            "state": {"values": values}, "hash": "h1", "app_id": API_APP_ID,
            "title": {"type": "plain_text", "text": "Revive"}, "blocks": [],
        }
        payload = {
            "type": "view_submission", "team": {"id": team, "domain": "example"},
            "user": self._user(user_id, team), "api_app_id": API_APP_ID,
            "token": "deprecated-verification-token", "trigger_id": self.trigger_id(),
            "view": view, "response_urls": [], "is_enterprise_install": False,
        }
        return self.post_payload(payload, sign_it=sign)

    def view_closed(self, user_id: str, callback_id: str, *, private_metadata: str = "",
                    team_id: str | None = None) -> Response:
        team = self._team(team_id)
        payload = {
            "type": "view_closed", "team": {"id": team}, "user": self._user(user_id, team),
            "api_app_id": API_APP_ID, "is_cleared": False,
            "view": {"id": "V0", "type": "modal", "callback_id": callback_id,
                     "private_metadata": private_metadata, "state": {"values": {}}},
        }
        return self.post_payload(payload)

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry_num: int | None = None, team_id: str | None = None) -> Response:
        team = self._team(team_id)
        envelope = {
            "token": "deprecated-verification-token", "team_id": team,
            "api_app_id": API_APP_ID, "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback", "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "timeout"}
        return self.post(json.dumps(envelope).encode(), "application/json", headers=headers)

    def url_verification(self, challenge: str) -> Response:
        body = {"token": "deprecated-verification-token", "challenge": challenge,
                "type": "url_verification"}
        return self.post(json.dumps(body).encode(), "application/json")
