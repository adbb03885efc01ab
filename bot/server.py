"""HTTP mode: Bolt behind waitress, a production WSGI server, at /slack/events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import create_server
from waitress.server import BaseWSGIServer, MultiSocketServer

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HTTP_THREADS = 16


def wsgi_app(app: App) -> Any:
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def route(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        return bolt(environ, start_response)

    return route


def make_http_server(
    app: App, *, host: str = "0.0.0.0", port: int = 3000, threads: int = HTTP_THREADS
) -> BaseWSGIServer | MultiSocketServer:
    """A ready-to-run server; port 0 picks a free one (see `.effective_port`)."""
    return create_server(wsgi_app(app), host=host, port=port, threads=threads, ident="revive")
