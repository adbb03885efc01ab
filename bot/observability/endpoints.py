"""GET /healthz and GET /metrics for the HTTP server (bot/server.py routes them before Bolt),
and METRICS_PORT: /metrics on a port of its own (Socket Mode, `revive scheduler`, or to
keep it off the port Slack reaches).

Neither endpoint is signed by Slack: /metrics belongs on an internal network only
(docs/deploy.md "What to watch").
"""

from __future__ import annotations

import logging
from argparse import Namespace
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from bot.observability import metrics
from bot.observability.health import HEALTH_PATH, health, probe_engine
from bot.settings import ConfigError, Settings

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

log = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
# The commands whose process lives long enough to be scraped.
LONG_RUNNING = ("serve", "scheduler")


@dataclass(frozen=True, slots=True)
class Endpoints:
    probe: Engine | None = None  # None: a bare Bolt app (benchmarks), nothing to look at
    scrape: CollectorRegistry | None = None  # None: /metrics not served on this port

    @classmethod
    def for_settings(cls, settings: Settings | None) -> Endpoints:
        if settings is None:
            return cls()
        probe = probe_engine(settings.database_url)
        if not settings.metrics or settings.metrics_port is not None:
            return cls(probe)
        metrics.enable(settings)
        return cls(probe, metrics.registry(probe))

    def route(
        self, method: str | None, path: str | None, start_response: StartResponse
    ) -> Iterable[bytes] | None:
        """The answer for /healthz or /metrics; None for any other request."""
        if method != "GET":
            return None
        if path == HEALTH_PATH:
            answer = health(self.probe)
            return _answer(start_response, answer.status, answer.body.encode(), "text/plain")
        if path == metrics.METRICS_PATH and self.scrape is not None:
            body, content_type = metrics.render(self.scrape)
            return _answer(start_response, "200 OK", body, content_type)
        return None


def _answer(
    start_response: StartResponse, status: str, body: bytes, content_type: str
) -> Iterable[bytes]:
    start_response(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def start(settings: Settings, args: Namespace) -> None:
    """At the start of a command: metrics on when asked, and on METRICS_PORT when set."""
    if not settings.metrics or args.command not in LONG_RUNNING:
        return
    # `serve --workers N` or WORKERS (bot/server_workers.py): processes of their own.
    workers = getattr(args, "workers", None) or getattr(settings, "workers", 1)
    if workers > 1 and not settings.metrics_dir:
        raise ConfigError(
            "Revive cannot start: METRICS=on with several workers needs "
            "PROMETHEUS_MULTIPROC_DIR (an empty directory the workers share), or each "
            "scrape would count one worker only."
        )
    metrics.enable(settings)
    if settings.metrics_port is not None:
        serve_metrics_port(settings)


def serve_metrics_port(settings: Settings, host: str = "0.0.0.0") -> Any:
    """/metrics on METRICS_PORT in a daemon thread (prometheus_client's own server, which
    answers any path); returns that server (tests shut it down)."""
    from prometheus_client import start_http_server

    scrape = metrics.registry(probe_engine(settings.database_url))
    try:
        server, _thread = start_http_server(settings.metrics_port or 0, host, registry=scrape)
    except OSError as error:
        raise ConfigError(
            f"Revive cannot serve metrics on METRICS_PORT {settings.metrics_port}: "
            f"{error.strerror or error}; choose another port."
        ) from None
    log.info("metrics on http://%s:%s%s", host, settings.metrics_port, metrics.METRICS_PATH)
    return server
