"""One Slack request seen from outside: its id and workspace for the logs, its kind, result
and ack time for the metrics. The HTTP route opens a scope per request; Socket Mode, which
has no route of ours, gets the same around Bolt's dispatch (bot.app.ReviveApp)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.observability import context, metrics

OK, REFUSED, ERROR = "ok", "refused", "error"


@dataclass
class Seen:
    """What the route learns about a request while serving it."""

    kind: str = "unknown"  # unknown until the door has let it in and Bolt read its body
    result: str = ERROR  # stays "error" when serving raised
    status: int | None = None

    def refused(self) -> None:
        self.result = REFUSED

    def admitted(self, request: BoltRequest) -> None:
        """The door let it in: its kind for the metrics, its workspace for the logs."""
        self.kind = metrics.request_kind(request.body)
        context.bind_team(request.context.team_id or request.context.enterprise_id)

    def answered(self, status: int) -> None:
        self.status = status
        self.result = OK if status < 400 else ERROR


@contextmanager
def observed_request() -> Iterator[Seen]:
    """Time one request under a fresh request id; count it when it is answered."""
    seen = Seen()
    started = time.perf_counter()
    with context.request_context():
        try:
            yield seen
        finally:
            metrics.record_request(seen.kind, seen.result, time.perf_counter() - started)


def observe_dispatch(
    request: BoltRequest, dispatch: Callable[[BoltRequest], BoltResponse]
) -> BoltResponse:
    """Socket Mode's requests, observed as the HTTP route observes its own: Bolt's
    dispatch returns the ack, which the socket handler then sends."""
    with observed_request() as seen:
        seen.admitted(request)
        response = dispatch(request)
        seen.answered(response.status)
        return response


def listener_error(body: dict[str, Any]) -> None:
    metrics.record_listener_error(body)
