"""`revive`: serve Slack, migrate the database, run reminder sweeps."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from bot.settings import ConfigError, Settings, configure_logging, load_settings, redact_url
from store.db import make_engine, make_session_factory
from store.migrate import current_revision, head_revision, upgrade

log = logging.getLogger("revive")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="revive",
        description="Revive: a Slack coach that brings dormant prospects back to life.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="migrate the database, then serve Slack (Socket Mode if SLACK_APP_TOKEN is set)",
    )
    serve.add_argument("--port", type=int, help="HTTP port (default $PORT or 3000)")
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="serve Slack only; run reminder sweeps elsewhere (also REVIVE_SCHEDULER=off)",
    )

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    db_commands.add_parser("upgrade", help="apply all migrations (serve does this at start)")
    db_commands.add_parser("current", help="print the schema revision of the database")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(require_slack=args.command == "serve")
        configure_logging(settings.log_level)
        if args.command == "db":
            return run_db(settings, args.db_command)
        if args.command == "serve":
            return run_serve(settings, args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except OperationalError as error:
        print(
            f"Revive cannot reach its database at {redact_url(settings.database_url)}: "
            f"{error.orig}. Check DATABASE_URL and that the server is running.",
            file=sys.stderr,
        )
        return 3
    return 1


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
    from bot.app import build_app
    from bot.server import make_http_server
    from bot.services import Services

    engine = make_engine(settings.database_url)
    upgrade(engine)
    services = Services(settings=settings, sessions=make_session_factory(engine))
    app = build_app(services)
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        from bot.slack_client import make_client

        log.info("Revive connecting to Slack in Socket Mode")
        handler = SocketModeHandler(
            app,
            settings.slack_app_token,
            web_client=make_client(settings.slack_app_token, settings.slack_api_url),
        )
        handler.start()
        return 0
    port = args.port or settings.port
    server = make_http_server(app, port=port)
    log.info("Revive listening on http://0.0.0.0:%s/slack/events", port)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
