"""`revive`'s command line: the commands, their options and how their values are read."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import NoReturn

from bot.exit_codes import EXIT_CONFIG
from bot.imports.admin import add_export_parser, add_restore_parser
from bot.imports.cli import add_import_parser
from bot.install.keys import add_keys_parser
from bot.settings import PORT_RANGE, WORKERS_RANGE, bounded_int
from bot.team.admin import add_teams_parser
from bot.team.report_cli import add_report_parser


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line like every other start-up problem."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_CONFIG, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="revive",
        description="Revive: a Slack coach that brings dormant prospects back to life.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (
        add_serve_parser,
        add_scheduler_parser,
        add_db_parser,
        add_sweep_parser,
        add_users_parser,
        add_teams_parser,
        add_report_parser,
        add_export_parser,
        add_restore_parser,
        add_import_parser,
        add_keys_parser,
    ):
        add(commands)
    return parser


def add_serve_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="migrate the database, then serve Slack (Socket Mode if SLACK_APP_TOKEN is set)",
    )
    serve.add_argument("--port", type=port_number, help="HTTP port (default $PORT or 3000)")
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="serve Slack only; run reminder sweeps elsewhere (also REVIVE_SCHEDULER=off)",
    )
    serve.add_argument(
        "--workers",
        type=worker_count,
        help="HTTP worker processes under gunicorn (default $WORKERS or 1; more than 1 needs "
        "PostgreSQL and --no-scheduler, with `revive scheduler` running the reminders)",
    )


def add_scheduler_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scheduler = commands.add_parser(
        "scheduler",
        help="run the reminder ticker alone, no HTTP (beside `revive serve --no-scheduler`)",
    )
    scheduler.add_argument(
        "--at",
        type=instant,
        help="the instant the ticker's clock starts from, ISO 8601 with a zone "
        "(rehearsals and tests; default: now)",
    )


def add_db_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    db_commands.add_parser("upgrade", help="apply all migrations (serve does this at start)")
    db_commands.add_parser("current", help="print the schema revision of the database")


def add_sweep_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="run one reminder tick now or as of --at (for cron, ops and backfills)",
    )
    sweep.add_argument(
        "--at",
        type=instant,
        help="the instant to sweep as of, ISO 8601 with a zone, like 2026-11-24T14:00:00Z "
        "(default: now)",
    )
    sweep.add_argument(
        "--dry-run", action="store_true", help="print who would get what; send and write nothing"
    )
    sweep.add_argument(
        "--no-pacing",
        action="store_true",
        help="post as fast as Slack allows (benchmarks; Retry-After is still honoured)",
    )
    sweep.add_argument("--owner", help="lease owner name (default host:pid)")


def add_users_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser("users", help="Slack profile maintenance")
    users_commands = users.add_subparsers(
        dest="users_command", required=True, metavar="USERS_COMMAND"
    )
    users_commands.add_parser(
        "refresh",
        help="re-read every known rep's profile from Slack: time zone, name, owner/admin "
        "flag (also runs nightly)",
    )


def port_number(text: str) -> int:
    port = bounded_int(text.strip(), *PORT_RANGE)
    if port is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port; give a number from {PORT_RANGE[0]} to {PORT_RANGE[1]}"
        )
    return port


def worker_count(text: str) -> int:
    count = bounded_int(text.strip(), *WORKERS_RANGE)
    if count is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of workers; give {WORKERS_RANGE[0]} to {WORKERS_RANGE[1]}"
        )
    return count


def instant(text: str) -> datetime:
    """An aware ISO 8601 instant for --at; a clear complaint otherwise."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 instant; type one like 2026-11-24T14:00:00Z"
        ) from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no time zone; add Z or an offset, like 2026-11-24T14:00:00Z"
        )
    return value
