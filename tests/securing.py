"""The app over HTTP, instrumented to prove that something did NOT happen.

`SecuredApp` counts every database connection checkout and statement, runs Bolt's listeners
on an executor that knows when it is idle, and talks to the fake Slack (which records every
Web API call and every response_url POST). After a request returns and the executor is idle,
nothing more can happen for it: then "no call, no POST, no query" is a fair assertion.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_bolt import Ack
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from bot.app import ReviveApp, build_app
from bot.server import make_http_server
from bot.services import Services
from store.db import make_engine, make_session_factory
from store.migrate import upgrade
from tests.conftest import SIGNING_SECRET, app_settings
from tests.fakeslack import FakeSlack
from tests.slack_driver import Response, SlackDriver, sign

CRASH_ACTION = "test_crash_after_ack"


class TrackingExecutor(ThreadPoolExecutor):
    """A thread pool that counts what it was given and can wait until all of it is done."""

    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="tracked-listener")
        self._idle = threading.Condition()
        self._in_flight = 0
        self.submitted = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._in_flight += 1
            self.submitted += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

        return super().submit(run)

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._in_flight == 0, timeout):
                raise AssertionError(f"{self._in_flight} listener task(s) still running")


class DatabaseTouches:
    """Every connection checkout and SQL statement on one engine, from `reset()` on."""

    def __init__(self, engine: Engine) -> None:
        self.checkouts = 0
        self.statements: list[str] = []
        self._lock = threading.Lock()
        event.listen(engine, "checkout", self._on_checkout)
        event.listen(engine, "before_cursor_execute", self._on_statement)

    def _on_checkout(self, *_: Any) -> None:
        with self._lock:
            self.checkouts += 1

    def _on_statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        with self._lock:
            self.statements.append(statement)

    def reset(self) -> None:
        with self._lock:
            self.checkouts = 0
            self.statements.clear()

    @property
    def touched(self) -> bool:
        return self.checkouts > 0 or bool(self.statements)


@dataclass
class SecuredApp:
    app: ReviveApp
    fake: FakeSlack
    driver: SlackDriver
    url: str
    port: int
    sessions: sessionmaker[Session]
    touches: DatabaseTouches
    executor: TrackingExecutor

    def post(self, body: bytes, headers: dict[str, str]) -> Response:
        return post_raw(self.url, body, headers)

    def settle(self) -> None:
        """Wait until no listener task is left: whatever this app was going to do is done."""
        self.executor.wait_idle()

    def assert_untouched(self) -> None:
        """Nothing ran, nobody was called or answered, the database was not even opened."""
        self.settle()
        assert self.executor.submitted == 0, "a listener ran"
        assert [c.method for c in self.fake.calls] == [], "the Slack Web API was called"
        assert self.fake.responses == [], "a response_url was POSTed to"
        assert not self.touches.touched, f"database touched: {self.touches.statements[:5]}"


def crash_after_ack(ack: Ack) -> None:
    ack()
    raise RuntimeError("listener on fire")


@contextmanager
def serve_secured(
    database_url: str, fake: FakeSlack, *, env: dict[str, str] | None = None
) -> Iterator[SecuredApp]:
    """The real app (plus one crashing action) over HTTP on 127.0.0.1, instrumented."""
    settings = app_settings(fake.api_url, database_url, **(env or {}))
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    app = build_app(Services(settings=settings, sessions=sessions))
    app.action(CRASH_ACTION)(crash_after_ack)
    executor = TrackingExecutor()
    app.listener_runner.listener_executor = executor
    touches = DatabaseTouches(engine)
    server = make_http_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    port = int(server.effective_port)  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/slack/events"
    touches.reset()
    try:
        yield SecuredApp(
            app=app,
            fake=fake,
            driver=SlackDriver(url, SIGNING_SECRET, team_id="T1", fake=fake),
            url=url,
            port=port,
            sessions=sessions,
            touches=touches,
            executor=executor,
        )
    finally:
        server.close()
        thread.join(timeout=5)
        executor.shutdown(wait=True)
        engine.dispose()


def post_raw(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST exactly these headers (none added, none left out) and this body."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return Response(reply.status, dict(reply.headers.items()), reply.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers.items()), error.read())


def signed_headers(
    body: bytes,
    *,
    content_type: str = "application/x-www-form-urlencoded",
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": sign(secret, stamp, body),
    }


def crash_click_body(response_url: str, user_id: str = "U1") -> bytes:
    """A button click naming a response_url and a user: what an attacker would forge.

    Its action crashes after the ack, so a request that got through would be answered
    (the error id to the response_url) — the reply these tests look for.
    """
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "team_id": "T1", "username": "u1", "name": "u1"},
        "team": {"id": "T1", "domain": "example"},
        "api_app_id": "AREVIVE",
        "trigger_id": "1.2.trigger",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "D" + user_id},
        "channel": {"id": "D" + user_id, "name": "directmessage"},
        "message": {"type": "message", "ts": "1.1", "text": ""},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": CRASH_ACTION, "block_id": "b",
                     "value": "x", "action_ts": "1.1"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def send_head_only(port: int, headers: dict[str, str], *, path: str = "/slack/events",
                   timeout: float = 10.0) -> tuple[int, bytes]:
    """Send a POST's headers and no body, then read the answer: a server that replies now
    has judged the request without reading its body."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body
