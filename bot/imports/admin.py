"""`revive export` and `revive restore`: an admin takes a workspace out, and back in.

Problems an admin can fix (a wrong id, a file that is not a backup, a workspace that
already has a pipeline) are one line on stderr and exit 2, like every usage mistake.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import UserError
from bot.imports.backup import backup_document, restore_workspace
from bot.imports.export import csv_file_bytes, csv_text, exported_prospects
from bot.services import system_clock
from bot.settings import Settings, redact_url
from store.db import make_engine, make_session_factory, unit_of_work
from store.migrate import current_revision, head_revision
from store.models import Rep, Workspace

EXIT_INPUT = 2  # bot/exit_codes.py's EXIT_CONFIG: fix the command line or the file
TEAM_ID = re.compile(r"[TE][A-Z0-9]+")
USER_ID = re.compile(r"[UW][A-Z0-9]+")


class AdminError(UserError):
    """Something the admin typed or gave that cannot be used as it is."""


def slack_id(pattern: re.Pattern[str], example: str) -> Any:
    def parse(text: str) -> str:
        value = text.strip()
        if not pattern.fullmatch(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a Slack id like {example}")
        return value

    return parse


def add_export_parser(commands: Any) -> None:
    export = commands.add_parser(
        "export", help="write a workspace's prospects as CSV, or all of it as a JSON backup"
    )
    export.add_argument("--team-id", required=True, type=slack_id(TEAM_ID, "T0123ABCD"))
    export.add_argument(
        "--rep", type=slack_id(USER_ID, "U0123ABCD"), help="only this rep's prospects (CSV)"
    )
    export.add_argument(
        "--format",
        choices=("csv", "json"),
        default="csv",
        help="csv: one row per prospect (default); json: a backup `revive restore` reads",
    )
    export.add_argument("--out", type=Path, help="write to this file (default: stdout)")


def add_restore_parser(commands: Any) -> None:
    restore = commands.add_parser(
        "restore", help="restore a JSON backup (revive export --format json) into an empty database"
    )
    restore.add_argument("backup", type=Path, metavar="BACKUP")
    restore.add_argument("--team-id", required=True, type=slack_id(TEAM_ID, "T0123ABCD"))


def _sessions_at_head(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings.database_url)
    if current_revision(engine) != head_revision():
        engine.dispose()
        raise AdminError(
            f"The database at {redact_url(settings.database_url)} is not at the latest "
            "schema; run `revive db upgrade` first."
        )
    return make_session_factory(engine)


def _workspace(session: Session, team_id: str, settings: Settings) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.team_id == team_id))
    if workspace is None:
        raise AdminError(
            f"No workspace {team_id} in the database at {redact_url(settings.database_url)}."
        )
    return workspace


def export_text(session: Session, args: argparse.Namespace, settings: Settings) -> str:
    """The CSV or the backup document, for the workspace (and rep) the arguments name."""
    workspace = _workspace(session, args.team_id, settings)
    if args.format == "json":
        now = system_clock()
        document = backup_document(session, workspace, schema=head_revision(), now=now)
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    rep = None
    if args.rep is not None:
        rep = session.scalar(
            select(Rep).where(Rep.workspace_id == workspace.id, Rep.slack_user_id == args.rep)
        )
        if rep is None:
            raise AdminError(f"No rep {args.rep} in workspace {args.team_id}.")
    text, _count = csv_text(exported_prospects(session, workspace=workspace, rep=rep))
    return text


def run_export(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if args.format == "json" and args.rep is not None:
            raise AdminError("A backup holds the whole workspace: --rep goes with --format csv.")
        with unit_of_work(_sessions_at_head(settings)) as session:
            text = export_text(session, args, settings)
        if args.out is None:
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.flush()
            return 0
        data = csv_file_bytes(text) if args.format == "csv" else text.encode("utf-8")
        _write(args.out, data)
    except UserError as error:
        return _fail(error.message)
    print(f"Wrote {args.out} ({len(data):,} bytes).")
    return 0


def run_restore(settings: Settings, args: argparse.Namespace) -> int:
    return restore_file(settings, args.backup, args.team_id)


def restore_file(settings: Settings, path: Path, team_id: str) -> int:
    """Restore workspace `team_id` from the backup at `path` (also `revive import --json`)."""
    try:
        document = _read_json(path)
        with unit_of_work(_sessions_at_head(settings)) as session:
            restored = restore_workspace(session, document, team_id=team_id, now=system_clock())
    except UserError as error:
        return _fail(error.message)
    print(restored.summary())
    return 0


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        raise AdminError(f"Cannot read {path}: {error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise AdminError(f"{path} is not UTF-8 text, so not a Revive backup.") from None
    except json.JSONDecodeError as error:
        raise AdminError(f"{path} is not JSON ({error}), so not a Revive backup.") from None


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise AdminError(f"Cannot write {path}: {error.strerror or error}.") from None


def _fail(message: str) -> int:
    print(" ".join(message.split()), file=sys.stderr)
    return EXIT_INPUT
