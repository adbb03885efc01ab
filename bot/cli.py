"""`revive`: serve Slack, migrate the database, run reminder sweeps."""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

from bot.cli_parser import build_parser
from bot.exit_codes import EXIT_CONFIG, EXIT_DATABASE, EXIT_INTERRUPTED, EXIT_SLACK
from bot.imports.admin import run_export, run_restore
from bot.imports.cli import run_import
from bot.install.keys import run_keys
from bot.observability.endpoints import start as start_observability
from bot.services import Services
from bot.settings import (
    SERVE_CREDENTIALS,
    ConfigError,
    Settings,
    configure_logging,
    load_settings,
    redact_url,
)
from bot.slack_client import NETWORK_ERRORS, SlackSetupError, unreachable
from bot.team.admin import run_teams
from bot.team.report_cli import run_report
from store.db import make_engine, make_session_factory
from store.migrate import current_revision, head_revision, upgrade

if TYPE_CHECKING:
    from slack_bolt import App
    from waitress.server import BaseWSGIServer, MultiSocketServer

log = logging.getLogger("revive")


# The Slack credentials each command needs before it starts.
NEEDS: dict[str, Collection[str]] = {"serve": SERVE_CREDENTIALS, "users": ("SLACK_BOT_TOKEN",)}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every problem of set-up or environment is one line on stderr and a
    documented exit code, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(require_slack=NEEDS.get(args.command, ()))
        configure_logging(settings.log_level, settings.log_format)
        start_observability(settings, args)  # METRICS=on, METRICS_PORT
        return run_command(settings, args)
    except ConfigError as error:
        return fail(str(error), EXIT_CONFIG)
    except SlackSetupError as error:
        return fail(str(error), EXIT_SLACK)
    except NETWORK_ERRORS as error:
        # Only Slack is spoken to over urllib: `users refresh` mid-way, or what a sweep lets out.
        return fail(unreachable(settings.slack_api_url, error), EXIT_SLACK)
    except OperationalError as error:
        return fail(
            f"Revive cannot reach its database at {redact_url(settings.database_url)}: "
            f"{error.orig}. Check DATABASE_URL, that the server is running, or that the "
            "SQLite file's folder exists and is writable.",
            EXIT_DATABASE,
        )
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def run_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "db":
        return run_db(settings, args.db_command)
    if args.command == "serve":
        return run_serve(settings, args)
    if args.command == "sweep":
        return run_sweep(settings, args)
    if args.command == "scheduler":
        return run_scheduler(settings, args)
    if args.command == "teams":
        return run_teams(settings, args)
    if args.command == "report":
        return run_report(settings, args)
    if args.command == "export":
        return run_export(settings, args)
    if args.command == "import":
        return run_import(settings, args)
    if args.command == "restore":
        return run_restore(settings, args)
    if args.command == "keys":
        return run_keys(settings, args, make_engine(settings.database_url))
    return run_users_refresh(settings)


def fail(message: str, code: int) -> int:
    """Print `message` as one line (drivers' errors span several) and return `code`."""
    print(" ".join(message.split()), file=sys.stderr)
    return code


def run_db(settings: Settings, command: str) -> int:
    engine = make_engine(settings.database_url)
    if command == "upgrade":
        upgrade(engine)
        print(f"Database at {redact_url(settings.database_url)} is at revision {head_revision()}.")
    else:
        print(current_revision(engine) or "empty (run `revive db upgrade`)")
    engine.dispose()
    return 0


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    """Check with Slack, bind the port, migrate, start the ticker, serve: each step that can
    fail for a set-up reason comes before the ones that write or send anything."""
    from bot.app import build_app
    from bot.slack_client import check_app_token, check_bot_token

    port = settings.port if args.port is None else args.port
    workers = settings.workers if args.workers is None else args.workers
    if workers > 1:
        from bot.server_workers import serve_workers

        return serve_workers(settings, port=port, workers=workers, no_scheduler=args.no_scheduler)
    if settings.oauth is None:  # OAuth mode: each workspace's token is checked on use
        check_bot_token(settings.slack_bot_token, settings.slack_api_url)
    if settings.slack_app_token is not None:
        check_app_token(settings.slack_app_token, settings.slack_api_url)
    engine = make_engine(settings.database_url)
    services = Services(settings=settings, sessions=make_session_factory(engine))
    app = build_app(services)
    services = app.services  # OAuth mode: tokens from the installation store
    server = None if settings.socket_mode else listen(app, port)
    upgrade(engine)
    if settings.oauth is not None:
        from bot.install.tokens import check_stored_tokens

        check_stored_tokens(services)  # the key opens what is stored
    if settings.scheduler_enabled and not args.no_scheduler:
        from bot.reminders.ticker import start_ticker

        start_ticker(services)  # daemon threads: they end with the process
    else:
        log.info("reminder ticker off: run `revive sweep` from cron or another process")
    if server is None:
        serve_socket_mode(app, settings)
        return 0
    log.info("Revive listening on http://0.0.0.0:%s/slack/events", port)
    server.run()
    return 0


def listen(app: App, port: int) -> BaseWSGIServer | MultiSocketServer:
    """The HTTP server, bound; a port that cannot be had is a set-up problem, said in words."""
    from bot.server import make_http_server

    try:
        return make_http_server(app, port=port)
    except OSError as error:
        raise port_unavailable(error, port) from None


def port_unavailable(error: OSError, port: int) -> ConfigError:
    """A port that cannot be had is a set-up problem, said in words."""
    if error.errno == errno.EADDRINUSE:
        why = "another process is using it; stop that process or"
    elif error.errno == errno.EACCES:
        why = "this user may not use it (ports below 1024 need privileges);"
    else:
        why = f"{error.strerror or error};"
    return ConfigError(
        f"Revive cannot listen on port {port}: {why} choose another port with --port or PORT."
    )


def serve_socket_mode(app: App, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from bot.slack_client import make_client

    log.info("Revive connecting to Slack in Socket Mode")
    handler = SocketModeHandler(
        app,
        settings.slack_app_token,
        web_client=make_client(settings.slack_app_token, settings.slack_api_url),
    )
    try:
        handler.start()
    except SlackApiError as error:
        # Checked at start already: this is Slack changing its mind between two calls.
        code = error.response.get("error")
        raise SlackSetupError(f"Slack refused the Socket Mode connection ({code}).") from None


def _services_at_head(settings: Settings, at: datetime | None) -> Services | None:
    """Services over a database already at the latest schema (two sweeps never migrate
    concurrently: `revive serve` or `revive db upgrade` does that), with a clock that starts
    at `at` and runs at wall speed, so leases and pacing behave as they would live."""
    from bot.services import Services, system_clock

    engine = make_engine(settings.database_url)
    if current_revision(engine) != head_revision():
        engine.dispose()
        print(
            f"The database at {redact_url(settings.database_url)} is not at the latest "
            "schema; run `revive db upgrade` first.",
            file=sys.stderr,
        )
        return None
    started = system_clock()
    origin = at or started
    services = Services(
        settings=settings,
        sessions=make_session_factory(engine),
        clock=lambda: origin + (system_clock() - started),
    )
    if settings.oauth is None:
        return services
    from bot.install.oauth import with_installations

    return with_installations(services)  # each workspace's token from its installation


def run_sweep(settings: Settings, args: argparse.Namespace) -> int:
    from bot.reminders.sweep import SweepOptions, sweep

    services = _services_at_head(settings, args.at)
    if services is None:
        return 2
    report = sweep(
        services,
        services.clock(),
        dry_run=args.dry_run,
        owner=args.owner,
        options=SweepOptions(pacing=not args.no_pacing),
    )
    rows = [("TEAM", "USER", "LOCAL DATE", "OUTCOME", "DETAIL")] + [
        (line.team_id, line.user_id, line.local_date.isoformat(), line.outcome, line.detail)
        for line in report.lines
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[4]
        )
    print(report.summary())
    for skipped in report.skipped_workspaces:
        print(skipped)
    for line in report.undelivered:
        where = f"{line.team_id} {line.user_id} {line.local_date.isoformat()}"
        print(f"not delivered: {where}: {line.detail}", file=sys.stderr)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    # 3 tells cron a due digest was not delivered, or a workspace with due reps has no
    # usable token (docs/reminders.md); an uninstalled workspace is skipped, not a failure.
    return 0 if report.all_delivered else 3


def run_scheduler(settings: Settings, args: argparse.Namespace) -> int:
    """The reminder ticker alone, until SIGTERM or SIGINT (REVIVE_SCHEDULER is `serve`'s
    switch, not this command's: a shared environment may turn the ticker off in `serve`)."""
    from bot.reminders.ticker import run_until_stopped

    services = _services_at_head(settings, args.at)
    if services is None:
        return EXIT_CONFIG
    run_until_stopped(services)
    services.sessions.kw["bind"].dispose()
    return 0


def run_users_refresh(settings: Settings) -> int:
    from bot.reminders.profiles import refresh_zones
    from bot.slack_client import check_bot_token

    services = _services_at_head(settings, None)
    if services is None:
        return EXIT_CONFIG
    if settings.oauth is None:
        check_bot_token(settings.slack_bot_token, settings.slack_api_url)
    report = refresh_zones(services, now=services.clock())
    print(f"Profiles refreshed (time zone, name, owner/admin flag): {report.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
