"""Who a log line is about: the request being served and its workspace, in contextvars.

The HTTP route binds a fresh request id for each request (Slack's timestamp and signature
identify nothing); the team id is bound once Bolt has read the verified body. Listeners run
after the ack in Bolt's thread pool, so that pool copies the submitter's context into each
task (ContextThreadPoolExecutor): a listener's log lines carry the request that started it.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "revive_request_id", default=None
)
team_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "revive_team_id", default=None
)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def request_context(rid: str | None = None) -> Iterator[str]:
    """A fresh request id (and no team yet) for the duration of one request.

    Server threads serve request after request: the previous values come back at the end,
    so nothing leaks from one request into the next one's log lines.
    """
    rid = rid or new_request_id()
    rid_token = request_id.set(rid)
    team_token = team_id.set(None)
    try:
        yield rid
    finally:
        team_id.reset(team_token)
        request_id.reset(rid_token)


def bind_team(team: str | None) -> None:
    """The workspace the current request is about, once it is known (verified)."""
    if team:
        team_id.set(team)


class ContextThreadPoolExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in a copy of the submitter's contextvars."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)
