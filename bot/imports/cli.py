"""`revive import FILE --team-id T… --rep U… [--dry-run]`: a CSV imported from the command
line, as `/revive import` does in Slack (`--json BACKUP` restores a backup instead).

The preview is printed; unless `--dry-run`, every ready row is then added in one
transaction, and each row not imported is printed with why (`--report FILE` writes them as
the CSV report Slack would upload). Problems an admin can fix are one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.imports.admin import (
    TEAM_ID,
    USER_ID,
    AdminError,
    _fail,
    _sessions_at_head,
    _workspace,
    _write,
    restore_file,
    slack_id,
)
from bot.imports.apply import apply_import
from bot.imports.flow import lookup_people
from bot.imports.plan import ImportPlan, owner_emails, parse_import, plan_import
from bot.imports.reader import MAX_BYTES
from bot.imports.rows import DateOrder, order_for_zone
from bot.imports.summary import preview_lines, report_csv, summarize
from bot.reps import RepContext, context_for
from bot.services import system_clock
from bot.settings import Settings
from bot.team.roles import is_manager
from store.db import unit_of_work
from store.models import Rep


def add_import_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="import prospects from a CSV file (HubSpot, Salesforce, Pipedrive, Revive)",
    )
    parser.add_argument("file", type=Path, nargs="?", metavar="FILE", help="the CSV file")
    parser.add_argument("--team-id", required=True, type=slack_id(TEAM_ID, "T0123ABCD"))
    parser.add_argument(
        "--rep", type=slack_id(USER_ID, "U0123ABCD"),
        help="whose import it is (their own prospects; a manager's file may name owners)",
    )  # fmt: skip
    parser.add_argument(
        "--dry-run", action="store_true", help="print the preview; write nothing"
    )
    parser.add_argument(
        "--dates", choices=[o.value for o in DateOrder], default=DateOrder.AUTO.value,
        help="how 03/04/2026 reads: auto (from the file), mdy (March 4), dmy (April 3)",
    )  # fmt: skip
    parser.add_argument("--report", type=Path, help="write the rows not imported to this CSV")
    parser.add_argument(
        "--json", type=Path, metavar="BACKUP",
        help="restore a JSON backup instead (same as `revive restore BACKUP`)",
    )  # fmt: skip


def run_import(settings: Settings, args: argparse.Namespace) -> int:
    if args.json is not None:
        if args.file is not None:
            return _fail("Give a CSV FILE or --json BACKUP, not both.")
        return restore_file(settings, args.json, args.team_id)
    try:
        if args.file is None or args.rep is None:
            raise AdminError("Give the CSV FILE and whose import it is: --rep U0123ABCD.")
        plan, applied = import_csv(settings, args)
    except UserError as error:
        return _fail(error.message)
    for line in preview_lines(summarize(plan)):
        print(line)
    for row in plan.rows:
        if row.skipped is not None:
            print(f"not imported: row {row.candidate.row}: {row.skipped}")
    if args.report is not None:
        try:
            _write(args.report, report_csv(plan))
        except UserError as error:
            return _fail(error.message)
    if args.dry_run:
        print("Dry run: nothing was written.")
    else:
        print(f"Imported {applied:,} of {len(plan.rows):,} rows.")
    return 0


def import_csv(settings: Settings, args: argparse.Namespace) -> tuple[ImportPlan, int]:
    """Read the file, plan, and (unless a dry run) apply; returns the plan and rows added."""
    data = _read(args.file)
    sessions = _sessions_at_head(settings)
    now = system_clock()
    with unit_of_work(sessions) as session:
        context = _context(session, args, settings, now)
        manager = is_manager(session, context.rep)
    parsed = parse_import(
        data, today=context.today, order=DateOrder(args.dates),
        guess=order_for_zone(context.zone.key), for_others=manager,
    )  # fmt: skip
    people = _people(settings, owner_emails(parsed), args.team_id) if parsed.owner_column else {}
    with unit_of_work(sessions) as session:
        context = _context(session, args, settings, now)
        plan = plan_import(session, context, parsed, people, lock=not args.dry_run)
        if args.dry_run:
            session.rollback()
            return plan, 0
        applied = apply_import(session, context, plan, now=now)
    return plan, applied.added


def _context(
    session: Session, args: argparse.Namespace, settings: Settings, now: datetime
) -> RepContext:
    workspace = _workspace(session, args.team_id, settings)
    rep = session.scalar(
        select(Rep).where(Rep.workspace_id == workspace.id, Rep.slack_user_id == args.rep)
    )
    if rep is None:
        raise AdminError(
            f"No rep {args.rep} in workspace {args.team_id}: they appear once they have used "
            "Revive (or been put in a team)."
        )
    return context_for(rep, workspace, now)


def _people(settings: Settings, emails: list[str], team_id: str) -> dict[str, Any]:
    if not emails:
        return {}
    token = settings.slack_bot_token
    if settings.oauth is not None:  # OAuth mode: the workspace's own token
        from bot.install.oauth import installed_token

        token = installed_token(settings, team_id)
    if not token:
        raise AdminError(
            "The file's owner column has email addresses: set SLACK_BOT_TOKEN so Revive can "
            "look them up in Slack (users:read.email), or use Slack user ids."
        )
    from bot.slack_client import make_client

    return lookup_people(make_client(token, settings.slack_api_url), emails)


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise AdminError(f"Cannot read {path}: {error.strerror or error}.") from None
    return data
