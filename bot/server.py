"""HTTP mode: Bolt behind waitress, a production WSGI server, at /slack/events.

Every POST to /slack/events passes `bot.verify.SlackDoor` (size, signature, body shape)
before Bolt sees it; Bolt then gets the already-read body, marked as verified.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from waitress import create_server
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.app import ReviveApp
from bot.observability.endpoints import Endpoints
from bot.observability.health import HEALTH_PATH  # noqa: F401  (re-exported: the route)
from bot.observability.requests import Seen, observed_request
from bot.settings import DEFAULT_MAX_BODY_BYTES
from bot.verify import VERIFIED_KEY, Admitted, Refusal, SlackDoor

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HTTP_THREADS = 16
# What the client reads on a refusal: the status's own words, never the reason or a trace.
_REFUSAL_TEXT = {400: b"malformed request", 401: b"invalid request", 413: b"request too large"}

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def wsgi_app(
    app: App,
    *,
    signing_secret: str | None = None,
    max_body_bytes: int | None = None,
    now: Callable[[], float] = time.time,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI callable; `now` is the clock of the signature window (tests pass theirs)."""
    door = SlackDoor(
        signing_secret or _signing_secret(app),
        max_body_bytes=max_body_bytes or _max_body_bytes(app),
        now=now,
    )
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)
    # /healthz (with the database) and /metrics (METRICS=on): bot/observability/endpoints.py.
    settings = app.services.settings if isinstance(app, ReviveApp) else None
    endpoints = Endpoints.for_settings(settings)

    def route(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
        answer = endpoints.route(method, path, start_response)
        if answer is not None:
            return answer
        if path == EVENTS_PATH and method == "POST":
            with observed_request() as seen:  # request id for the logs; metrics
                verdict = door.admit(environ)
                if isinstance(verdict, Refusal):
                    seen.refused()
                    return refuse(verdict, environ, start_response)
                return dispatch(app, verdict, environ, start_response, seen)
        # Bolt answers anything else (404; OAuth pages if an OAuth flow is ever configured).
        return bolt(environ, start_response)

    return route


def dispatch(
    app: App,
    admitted: Admitted,
    environ: dict[str, Any],
    start_response: StartResponse,
    seen: Seen | None = None,
) -> Iterable[bytes]:
    headers = WsgiHttpRequest(environ).get_headers()
    try:
        request = BoltRequest(
            body=admitted.body,
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
            context={VERIFIED_KEY: True},
        )
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        # Bolt reads ids out of the body while building its context; a verified body whose
        # fields have the wrong shapes is malformed, not a reason for a 500 with a trace.
        reason = f"Bolt could not read the body ({type(error).__name__})"
        if seen is not None:
            seen.refused()
        return refuse(Refusal(400, reason), environ, start_response)
    if seen is not None:
        seen.admitted(request)
    answer = app.dispatch(request)
    if seen is not None:
        seen.answered(answer.status)
    response = WsgiHttpResponse(status=answer.status, headers=answer.headers, body=answer.body)
    start_response(response.status, response.get_headers())
    return response.get_body()


def refuse(
    refusal: Refusal, environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    log.warning(
        "refused %s %s from %s with %s: %s",
        environ.get("REQUEST_METHOD"),
        environ.get("PATH_INFO"),
        environ.get("REMOTE_ADDR", "?"),
        refusal.status,
        refusal.reason,
    )
    body = _REFUSAL_TEXT.get(refusal.status, b"refused")
    status = HTTPStatus(refusal.status)
    start_response(
        f"{status.value} {status.phrase}",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _signing_secret(app: App) -> str:
    if isinstance(app, ReviveApp):
        return app.services.settings.slack_signing_secret
    # A bare Bolt App (benchmarks' baseline, driver tests): the secret it was built with.
    secret = getattr(app, "_signing_secret", None)
    if not secret:
        raise ValueError("HTTP mode needs the signing secret: pass signing_secret=")
    return str(secret)


def _max_body_bytes(app: App) -> int:
    if isinstance(app, ReviveApp):
        return app.services.settings.max_body_bytes
    return DEFAULT_MAX_BODY_BYTES


def make_http_server(
    app: App,
    *,
    host: str = "0.0.0.0",
    port: int = 3000,
    threads: int = HTTP_THREADS,
    signing_secret: str | None = None,
    max_body_bytes: int | None = None,
    now: Callable[[], float] = time.time,
) -> BaseWSGIServer | MultiSocketServer:
    """A ready-to-run server; port 0 picks a free one (see `.effective_port`)."""
    limit = max_body_bytes or _max_body_bytes(app)
    return create_server(
        wsgi_app(app, signing_secret=signing_secret, max_body_bytes=limit, now=now),
        host=host,
        port=port,
        threads=threads,
        ident="revive",
        # waitress buffers a whole body before calling the app; this stops it at the limit
        # (its check is ">=", hence + 1), so an oversized body is never read, let alone parsed.
        max_request_body_size=limit + 1,
    )
