"""A workspace's (or one rep's) prospects as our own CSV: the file the importer reads back.

One row per prospect, in the order they were added (so an export imported into an empty
workspace and exported again is the same file), with the headers of `columns.py`: dates
ISO, Owner the rep's Slack user id, every cell guarded against spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.imports.columns import EXPORT_FIELDS, EXPORT_HEADERS, OWNER_HEADER, guard_cell
from store.models import Prospect, Rep, Workspace

# Excel reads a UTF-8 CSV as such only when it starts with a byte order mark; every
# spreadsheet and our importer take it. Files get it; text on stdout does not.
BOM = "\ufeff"


def cell(value: object) -> str:
    """One stored value as CSV text: '' for nothing, ISO for dates, guarded text otherwise."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return guard_cell(str(value))


def prospect_row(prospect: Prospect, owner: str) -> list[str]:
    return [
        owner if header == OWNER_HEADER else cell(getattr(prospect, EXPORT_FIELDS[header]))
        for header in EXPORT_HEADERS
    ]


def exported_prospects(
    session: Session, *, workspace: Workspace, rep: Rep | None = None
) -> Iterator[tuple[Prospect, str]]:
    """The workspace's prospects (or `rep`'s only) with their owner's Slack id, as added."""
    query = (
        select(Prospect, Rep.slack_user_id)
        .join(Rep, Prospect.rep_id == Rep.id)
        .where(Prospect.workspace_id == workspace.id)
        .order_by(Prospect.id)
    )
    if rep is not None:
        query = query.where(Prospect.rep_id == rep.id)
    yield from session.execute(query.execution_options(yield_per=500))  # rows: (prospect, id)


def csv_text(rows: Iterable[tuple[Prospect, str]]) -> tuple[str, int]:
    """The CSV (header first, RFC 4180 line ends) and how many prospects it holds."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADERS)
    count = 0
    for prospect, owner in rows:
        writer.writerow(prospect_row(prospect, owner))
        count += 1
    return out.getvalue(), count


def csv_file_bytes(text: str) -> bytes:
    """What goes into a file: UTF-8 with the byte order mark spreadsheets look for."""
    return (BOM + text).encode("utf-8")


def export_filename(today: date, owner: str | None = None) -> str:
    who = f"-{owner}" if owner else ""
    return f"revive-prospects{who}-{today.isoformat()}.csv"
