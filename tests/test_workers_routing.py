"""Lean routing (bot/bolt_lean.py): the same listener answers every request as with Bolt's
own argument building, and the middleware still run, in order."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest

import bot.app
from bot import ids
from bot.bolt_lean import LeanMatcher, LeanMiddleware, make_lean
from bot.services import Services
from bot.settings import load_settings
from bot.slack_client import make_client
from store.db import make_engine, make_session_factory
from tests.fakeslack import FakeSlack
from tests.slack_driver import Response, SlackDriver, sign


class Recorder(SlackDriver):
    """The test kit's driver, keeping each body instead of sending it."""

    def __init__(self) -> None:
        super().__init__("http://unused", "unused", team_id="T1")
        self.kept: list[tuple[bytes, str]] = []

    def post(self, body: bytes, content_type: str, **kwargs: Any) -> Response:
        self.kept.append((body, content_type))
        return Response(200, {}, b"")


def build(tmp_path: Path, *, lean: bool, monkeypatch: pytest.MonkeyPatch) -> App:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-test-T1",
            "SLACK_SIGNING_SECRET": "test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
        }
    )
    services = Services(settings=settings, sessions=make_session_factory(make_engine("sqlite://")))
    with monkeypatch.context() as patch:
        if not lean:
            patch.setattr(bot.app, "make_lean", lambda app: 0)
        return bot.app.build_app(services)


def every_kind_of_request() -> list[BoltRequest]:
    """Commands, a click and a submission for every id in bot.ids, and the events we handle."""
    names = [v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)]
    d = Recorder()
    for text in ("", "help", "list", "add Dana, Acme, went quiet", "nonsense"):
        d.command("U1", text)
    home = {"id": "VH1", "type": "home", "blocks": []}
    for name in names:
        d.block_action("U1", name, value="x")
        d.block_action("U1", name, value="x", view=home)
        d.view_submission("U1", name, {})
        d.view_closed("U1", name)
    for event in ("app_home_opened", "app_uninstalled", "tokens_revoked", "message", "team_join"):
        d.event({"type": event, "user": "U1", "tokens": {"bot": ["U0"]}})
    return [
        BoltRequest(body=body.decode(), headers={"content-type": kind}) for body, kind in d.kept
    ]


def first_match(app: App, request: BoltRequest) -> int | None:
    for index, listener in enumerate(app._listeners):
        if listener.matches(req=request, resp=None):  # type: ignore[arg-type]
            return index
    return None


def test_every_request_finds_the_same_listener_lean_or_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = build(tmp_path, lean=True, monkeypatch=monkeypatch)
    plain = build(tmp_path, lean=False, monkeypatch=monkeypatch)
    requests = every_kind_of_request()
    lean_hits = [first_match(lean, r) for r in requests]
    assert lean_hits == [first_match(plain, r) for r in requests]
    # A test that could not fail: the requests must reach many different listeners.
    assert len({hit for hit in lean_hits if hit is not None}) >= 20
    matchers = [m for listener in lean._listeners for m in listener.matchers]
    assert matchers and all(isinstance(m, LeanMatcher) for m in matchers)


def test_function_middleware_become_lean_and_keep_their_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = build(tmp_path, lean=True, monkeypatch=monkeypatch)
    plain = build(tmp_path, lean=False, monkeypatch=monkeypatch)
    assert [m.name for m in lean._middleware_list] == [m.name for m in plain._middleware_list]
    assert sum(isinstance(m, LeanMiddleware) for m in lean._middleware_list) >= 3


def test_an_argument_outside_the_plain_ones_keeps_bolts_way(fake_slack: FakeSlack) -> None:
    client = make_client("xoxb-test-T1", fake_slack.api_url)
    app = App(signing_secret="s", client=client, token_verification_enabled=False)
    seen: list[str] = []

    @app.use
    def wants_say(say: Any, next: Any) -> None:  # say: not one of the plain arguments
        next()

    @app.use
    def plain(body: dict[str, Any], context: Any, next: Any) -> None:
        seen.append(body.get("command", ""))
        next()

    app.command(re.compile("/rev.*"))(lambda ack: ack())
    assert make_lean(app) == 2  # the plain middleware and the command's matcher
    kinds = [type(m).__name__ for m in app._middleware_list]
    assert kinds.count("CustomMiddleware") == 1 and kinds.count("LeanMiddleware") == 1
    d = Recorder()
    d.command("U1", "help")
    body, kind = d.kept[0]
    unsigned = BoltRequest(body=body.decode(), headers={"content-type": kind})
    assert app.dispatch(unsigned).status == 401  # Bolt's own verification still runs first
    assert seen == []
    stamp = int(time.time())
    headers = {
        "content-type": kind,
        "x-slack-request-timestamp": str(stamp),
        "x-slack-signature": sign("s", stamp, body),
    }
    assert app.dispatch(BoltRequest(body=body.decode(), headers=headers)).status == 200
    assert seen == ["/revive"]
