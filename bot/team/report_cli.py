"""`revive report`: one team's weekly report rendered locally, as the sweep composes it.

    revive report --team North --team-id T0123ABCD --week 2026-W49 --out report.png

Writes the chart to --out and prints the summary; sends nothing and writes nothing to the
database. Loaded with `revive` itself, so the numbers and the chart are imported only
when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import UserError
from bot.settings import Settings, redact_url
from bot.team.admin import workspace_id

if TYPE_CHECKING:
    from bot.team.weekly import ReportWeek

EXIT_INPUT = 2  # bot/exit_codes.py's EXIT_CONFIG: fix the command line, or the database's schema


def iso_week(text: str) -> ReportWeek:
    from bot.team.weekly import ReportWeek

    try:
        return ReportWeek.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_report_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report",
        help="render a team's weekly report locally: the chart to --out, the summary on stdout",
    )
    report.add_argument("--team", required=True, help='the team\'s name ("Everyone": every rep)')
    report.add_argument(
        "--team-id", required=True, type=workspace_id, help="the Slack workspace, like T0123ABCD"
    )
    report.add_argument(
        "--week",
        required=True,
        type=iso_week,
        help="the ISO week reported on, like 2026-W49 (the sweep sends it the Monday after)",
    )
    report.add_argument("--out", required=True, type=Path, help="where to write the chart (PNG)")


def run_report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.services import system_clock
    from bot.team.report import local_report, plain_lines
    from store.db import make_engine, make_session_factory, unit_of_work
    from store.migrate import current_revision, head_revision

    engine = make_engine(settings.database_url)
    try:
        if current_revision(engine) != head_revision():
            return fail(f"The database at {redact_url(settings.database_url)} is not at the "
                        "latest schema; run `revive db upgrade` first.")  # fmt: skip
        with unit_of_work(make_session_factory(engine)) as session:
            part = local_report(session, team_id=args.team_id, name=args.team,
                                week=args.week, now=system_clock())  # fmt: skip
            session.rollback()  # read only
    except UserError as error:
        return fail(error.message)
    finally:
        engine.dispose()
    try:
        args.out.write_bytes(part.charts[0].png)
    except OSError as error:
        return fail(f"Revive cannot write the chart to {args.out}: {error.strerror or error}")
    print("\n".join(plain_lines(part.blocks)))
    print(f"\nChart written to {args.out}")
    return 0


def fail(message: str) -> int:
    print(" ".join(message.split()), file=sys.stderr)
    return EXIT_INPUT
