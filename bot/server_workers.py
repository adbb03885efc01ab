"""HTTP mode in several processes: `revive serve --workers N` under gunicorn.

The master only binds the port and watches its workers; each worker builds its own engine
and Bolt app after the fork (`preload_app` off), because neither survives one: a pooled
database connection shared by two processes interleaves their traffic on one socket, and
Bolt's listener pool is threads, which a fork does not copy. Each worker is a `gthread`
worker, so one slow request does not hold up the others in that process.

No worker ever runs the reminder ticker: `revive scheduler` does, as its own process, and
any number of them share the work through the outbox (docs/reminders.md).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger as GunicornLogger
from slack_bolt import App

from bot.server import HTTP_THREADS, StartResponse, wsgi_app
from bot.settings import ConfigError, Settings

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# SIGTERM gives workers this long to finish the requests they hold before they are killed;
# under the 10 s a container runtime waits before SIGKILL.
GRACEFUL_SECONDS = 8


def workers_problem(settings: Settings, workers: int) -> str | None:
    """Why `workers` processes cannot serve with these settings, in one line; None if they can."""
    if workers <= 1:
        return None
    if settings.socket_mode:
        return (
            f"--workers {workers} needs HTTP mode: Socket Mode is one connection in one "
            "process; unset SLACK_APP_TOKEN or use --workers 1."
        )
    if settings.database_url.startswith("sqlite"):
        return (
            f"--workers {workers} needs PostgreSQL: SQLite lets one process write at a time; "
            "set DATABASE_URL=postgresql+psycopg://… or use --workers 1."
        )
    return None


def ticker_problem(settings: Settings, workers: int, no_scheduler: bool) -> str | None:
    """Workers never tick; say so at start rather than leave a deployment without digests."""
    if workers <= 1 or no_scheduler or not settings.scheduler_enabled:
        return None
    return (
        f"--workers {workers} runs no reminder ticker: start `revive scheduler` as its own "
        "process and serve with --no-scheduler (or REVIVE_SCHEDULER=off)."
    )


def check_port_free(port: int, host: str = "0.0.0.0") -> None:
    """Bind and release the port: raises the OSError gunicorn would meet, before any worker
    starts (gunicorn itself retries five times, then exits with a log line)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


class _RootLogger(GunicornLogger):
    """gunicorn's error log through the root logger, so it has Revive's log format."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.handlers.clear()
        self.error_log.propagate = True


class WorkerServer(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn configured in code: no config file, no GUNICORN_CMD_ARGS."""

    def __init__(
        self,
        build: Callable[[], App],
        *,
        port: int,
        workers: int,
        threads: int = HTTP_THREADS,
        log_level: str = "INFO",
        host: str = "0.0.0.0",
    ) -> None:
        self._build = build
        self._options: dict[str, Any] = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "preload_app": False,
            "graceful_timeout": GRACEFUL_SECONDS,
            "proc_name": "revive",
            "loglevel": log_level.lower(),
            "logger_class": _RootLogger,
            "accesslog": None,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        """Runs in each worker, after the fork: its own engine, pool threads and app."""
        app = self._build()
        log.info("worker %s ready", os.getpid())
        return wsgi_app(app)


def run_workers(
    build: Callable[[], App], *, port: int, workers: int, log_level: str = "INFO"
) -> int:
    """Serve until SIGTERM or SIGINT; the master's exit code (0 after a clean stop)."""
    master = os.getpid()
    try:
        WorkerServer(build, port=port, workers=workers, log_level=log_level).run()
    except SystemExit as stop:
        if os.getpid() != master:
            raise  # a worker ending: gunicorn's master reads this code, leave it as it is
        code = stop.code if isinstance(stop.code, int) else 1
        if code != 0:
            raise ConfigError(
                f"Revive's HTTP workers stopped (gunicorn exit {code}); see the log above."
            ) from None
    return 0


def serve_workers(settings: Settings, *, port: int, workers: int, no_scheduler: bool) -> int:
    """`revive serve --workers N`: the same start-up order as one process (refuse what cannot
    work, check with Slack, take the port, migrate), then gunicorn."""
    from bot.app import build_app
    from bot.cli import port_unavailable
    from bot.services import Services
    from bot.slack_client import check_bot_token
    from store.db import make_engine, make_session_factory
    from store.migrate import upgrade

    problem = workers_problem(settings, workers) or ticker_problem(settings, workers, no_scheduler)
    if problem is not None:
        raise ConfigError(problem)
    if settings.oauth is None:  # OAuth mode: each workspace's token is checked on use
        check_bot_token(settings.slack_bot_token, settings.slack_api_url)
    try:
        check_port_free(port)
    except OSError as error:
        raise port_unavailable(error, port) from None
    engine = make_engine(settings.database_url)
    upgrade(engine)
    if settings.oauth is not None:
        from bot.install.oauth import with_installations
        from bot.install.tokens import check_stored_tokens

        # The key opens what is stored: one line now rather than a failure per request.
        check_stored_tokens(with_installations(Services(settings, make_session_factory(engine))))
    engine.dispose()  # the master keeps no connection for its children to inherit

    def build() -> App:
        engine = make_engine(settings.database_url)
        return build_app(Services(settings=settings, sessions=make_session_factory(engine)))

    log.info(
        "Revive listening on http://0.0.0.0:%s/slack/events with %s workers "
        "(reminders: `revive scheduler`)",
        port,
        workers,
    )
    return run_workers(build, port=port, workers=workers, log_level=settings.log_level)
